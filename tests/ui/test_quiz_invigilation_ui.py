"""监考密码 in the UI: the exam window asks for it (hidden) to end a sitting; 设置 › 本单位 sets, changes, clears it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit

from desktop_app.core.context import AppContext
from desktop_app.quiz import bank, exams, invigilation, papers
from desktop_app.quiz.types import ExamInput, QuestionInput, RuleLine
from tests.helpers.common import TEST_ACTOR
from ui import dialogs as _dialogs

#: the real one, taken at import: the autouse ``dialog_answers`` fixture replaces it during tests
REAL_ASK_TEXT = _dialogs.ask_text


@pytest.fixture
def exam_window(qtbot, ctx: AppContext):  # noqa: ANN001, ANN201
    from ui.quiz.exam_window import ExamWindow

    bank.create_question(ctx.db, TEST_ACTOR, QuestionInput("判断", "调研应当轻车简从。", [], "对"))
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("第四季度测试", 2026, 4))
    papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine("判断", 1, 2)], seed=1)
    win = ExamWindow(ctx, exam.id)
    qtbot.addWidget(win)
    win.show()
    return win


def test_ending_needs_the_invigilator_password_when_set(exam_window, ctx: AppContext, dialog_answers,  # noqa: ANN001
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import dialogs

    invigilation.set_invigilator_password(ctx.db, TEST_ACTOR, "jk2026")
    asked: list[dict] = []
    answer = dialogs.ask_text  # the fixture's queue-answering stand-in

    def spy(parent: object, label: str, *a: object, **k: object) -> str | None:
        asked.append(k)
        return answer(parent, label, *a, **k)

    monkeypatch.setattr(dialogs, "ask_text", spy)
    win = exam_window
    ended: list[bool] = []
    win.session_ended.connect(lambda: ended.append(True))
    win.end_btn.click()  # cancelled
    assert win.isVisible() and not ended
    label = dialog_answers.questions[-1]
    assert "监考密码" in label and "结束考试”后" not in label and asked[-1].get("password") is True
    dialog_answers.texts.append("结束考试")  # the old words no longer end it
    win.end_btn.click()
    assert win.isVisible() and not ended and "监考密码不正确，考试未结束" in dialog_answers.warnings[-1]
    dialog_answers.texts.append("jk2027")
    win.end_btn.click()
    assert win.isVisible() and not ended and len(dialog_answers.warnings) == 2
    dialog_answers.texts.append("jk2026")
    win.end_btn.click()
    assert not win.isVisible() and ended == [True]
    assert dialog_answers.bugs == []


def test_without_a_password_the_words_still_end_it_and_it_says_where_to_set_one(exam_window,  # noqa: ANN001
                                                                                dialog_answers) -> None:  # noqa: ANN001
    win = exam_window
    dialog_answers.texts.append("jk2026")
    win.end_btn.click()
    assert win.isVisible() and "考试未结束" in dialog_answers.warnings[-1]
    assert "结束考试" in dialog_answers.questions[-1] and "设置监考密码" in dialog_answers.questions[-1]
    dialog_answers.texts.append("结束考试")
    win.end_btn.click()
    assert not win.isVisible()


def test_password_prompt_hides_what_is_typed(qtbot) -> None:  # noqa: ANN001
    """The real ``dialogs.ask_text(password=True)``: the line edit shows dots, not the password."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    seen: list[QLineEdit.EchoMode] = []

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, QInputDialog)
        [edit] = dlg.findChildren(QLineEdit)
        seen.append(edit.echoMode())
        edit.setText("jk2026")
        dlg.accept()

    for password in (True, False):
        QTimer.singleShot(0, answer)
        assert REAL_ASK_TEXT(None, "请输入监考密码：", "结束本场考试", password=password) == "jk2026"
    assert seen == [QLineEdit.EchoMode.Password, QLineEdit.EchoMode.Normal]


def test_settings_group_sets_changes_and_clears(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from ui.settings.office_tab import OfficeTab

    tab = OfficeTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    g = tab.invigilator
    assert all(f.echoMode() == QLineEdit.EchoMode.Password for f in (g.old, g.new, g.confirm))
    assert not g.old.isVisible() and not g.clear_btn.isVisible() and "未设置" in g.state.text()
    # too short, then a mismatch: refused in Chinese, nothing stored
    g.new.setText("abc")
    g.confirm.setText("abc")
    g.save_btn.click()
    assert "至少需要4个字符" in dialog_answers.warnings[-1] and not invigilation.has_invigilator_password(ctx.db)
    g.new.setText("abcd")
    g.confirm.setText("abce")
    g.save_btn.click()
    assert "不一致" in dialog_answers.warnings[-1] and not invigilation.has_invigilator_password(ctx.db)
    g.confirm.setText("abcd")
    g.save_btn.click()
    assert invigilation.check_invigilator_password(ctx.db, "abcd") and "已保存" in dialog_answers.infos[-1]
    assert g.old.isVisible() and g.clear_btn.isVisible() and g.state.text() == "已设置" and g.new.text() == ""
    # change with a wrong old one: refused, still abcd
    g.old.setText("wxyz")
    g.new.setText("efgh")
    g.confirm.setText("efgh")
    g.save_btn.click()
    assert "原监考密码不正确" in dialog_answers.warnings[-1] and invigilation.check_invigilator_password(ctx.db, "abcd")
    g.old.setText("abcd")
    g.save_btn.click()
    assert invigilation.check_invigilator_password(ctx.db, "efgh")
    # clear: needs the old one, asks first
    g.clear_btn.click()
    assert "请先输入原密码" in dialog_answers.warnings[-1]
    g.old.setText("efgh")
    dialog_answers.confirms.append(False)
    g.clear_btn.click()
    assert invigilation.has_invigilator_password(ctx.db)
    g.old.setText("efgh")
    g.clear_btn.click()
    assert not invigilation.has_invigilator_password(ctx.db) and "已清除" in dialog_answers.infos[-1]
    assert not g.clear_btn.isVisible()
    # the database replaced (a restored backup, say) with one that has a password: the group follows
    from ui.signals import Kind, notify

    invigilation.set_invigilator_password(ctx.db, TEST_ACTOR, "ijkl")
    assert not g.clear_btn.isVisible()
    notify(Kind.ALL)
    assert g.clear_btn.isVisible() and g.state.text() == "已设置"
    assert dialog_answers.bugs == []


def test_a_forgotten_invigilator_password_is_cleared_with_the_recovery_code(
        qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from desktop_app.org import accounts
    from ui.settings.office_tab import OfficeTab

    _info, code = accounts.first_admin(ctx.db, TEST_ACTOR, "admin", "Admin2026", "刘洋")
    admin = accounts.sign_in(ctx.db, "admin", "Admin2026").actor
    invigilation.set_invigilator_password(ctx.db, admin, "abcd")
    ctx.actor = admin
    tab = OfficeTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    g = tab.invigilator
    assert g.recover_btn.isVisible()
    dialog_answers.texts.append("AAAAA-BBBBB-CCCCC-DDDDD")
    assert not g.clear_with_recovery() and "恢复码不正确" in dialog_answers.warnings[-1]
    assert invigilation.has_invigilator_password(ctx.db)
    dialog_answers.texts.append(code)
    assert g.clear_with_recovery() and not invigilation.has_invigilator_password(ctx.db)
    assert not g.recover_btn.isVisible()
