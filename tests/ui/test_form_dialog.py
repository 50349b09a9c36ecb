"""Typed input is never lost: Esc, × or 取消 in a form with something typed asks 放弃已填写的内容？ first,
with 继续填写 (取消) the default; an untouched form closes at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop_app.core.context import AppContext


@pytest.fixture
def issue_dialog(qtbot, ctx: AppContext):  # noqa: ANN001, ANN201
    from ui.ledger.issue_dialog import IssueDialog

    dlg = IssueDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def test_an_untouched_form_closes_without_asking(issue_dialog, dialog_answers) -> None:  # noqa: ANN001
    QTest.keyClick(issue_dialog, Qt.Key.Key_Escape)
    assert not issue_dialog.isVisible()
    assert dialog_answers.questions == []


def test_escape_after_typing_asks_and_keeps_editing_by_default(issue_dialog, dialog_answers) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QPlainTextEdit

    edits = issue_dialog.findChildren(QPlainTextEdit)
    assert edits
    edits[0].setPlainText("部分乡镇防返贫监测对象识别不及时")
    dialog_answers.confirms.append(False)  # the clerk keeps editing
    QTest.keyClick(issue_dialog, Qt.Key.Key_Escape)
    assert issue_dialog.isVisible() and "放弃已填写的内容" in dialog_answers.questions[-1]
    assert edits[0].toPlainText() == "部分乡镇防返贫监测对象识别不及时"
    issue_dialog.close()  # the window's ×: asked again
    assert issue_dialog.isVisible() is False  # the fixture's default answer discards
    assert len(dialog_answers.questions) == 2


def test_the_discard_question_defaults_to_keep_editing(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from ui import dialogs, form_dialog

    seen: list[bool] = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text, title="", ok="", danger=False: seen.append(danger)
                        or False)
    dlg = form_dialog.FormDialog()
    qtbot.addWidget(dlg)
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout

    line = QLineEdit(dlg)
    QVBoxLayout(dlg).addWidget(line)
    dlg.show()
    line.setText("张三")
    dlg.reject()
    assert dlg.isVisible() and seen == [True]


def test_a_typed_text_box_answer_is_not_thrown_away(qtbot, dialog_answers) -> None:  # noqa: ANN001
    from ui import dialogs

    dlg = dialogs.text_dialog(None, "问题描述", "发现问题转入台账", "", multiline=True)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.setTextValue("村级活动场所利用率不高")
    dialog_answers.confirms.append(False)
    dlg.reject()
    assert dlg.isVisible()
    dlg.reject()  # now discarded
    assert not dlg.isVisible()
