"""业务测试 as a clerk meets it: 组卷 that does not silently change the 满分, a 交卷 question that keeps an
unfinished candidate answering, a candidate list one can search, and words a clerk understands."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_people
from desktop_app.quiz import bank, exams, papers
from desktop_app.quiz.types import ExamInput, QuestionInput, RuleLine
from tests.helpers.common import TEST_ACTOR


def _bank(ctx: AppContext, per_type: int) -> None:
    for n in range(per_type):
        bank.create_question(ctx.db, TEST_ACTOR, QuestionInput("单选", f"单选题{n}？", ["甲", "乙", "丙"], "A"))
        bank.create_question(ctx.db, TEST_ACTOR, QuestionInput("判断", f"判断题{n}。", [], "对"))


@pytest.mark.parametrize(("old_total", "old_pass", "new_total", "expected"),
                         [(100, 60, 78, 47), (100, 60, 80, 48), (100, 60, 100, 60), (20, 10, 40, 20), (0, 0, 50, 30)])
def test_a_new_total_keeps_the_pass_marks_share(old_total: float, old_pass: float, new_total: float,
                                                expected: float) -> None:
    assert papers.scaled_pass_mark(old_total, old_pass, new_total) == expected


def test_a_paper_of_78_points_keeps_the_pass_mark_in_proportion(ctx: AppContext) -> None:
    _bank(ctx, 20)
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("第一季度测试", 2026, 1))
    assert (exam.total, exam.pass_mark) == (100, 60)
    papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine("单选", 19, 2), RuleLine("判断", 20, 2)], seed=1)
    after = exams.get_exam(ctx.db, exam.id)
    assert (after.total, after.pass_mark) == (78, 47)  # 60 % of 78 (46.8, to half a point), not 60 of 78


def test_paper_builder_defaults_make_100_points_and_a_mismatch_is_asked(
        qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from ui.quiz.paper_dialog import DEFAULT_RULES, PaperBuilderDialog

    assert sum(n * p for n, p in DEFAULT_RULES.values()) == 100
    _bank(ctx, 4)  # a small bank: the defaults are cut to what it holds (4 单选, 4 判断 = 16 points)
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("第二季度测试", 2026, 2))
    dlg = PaperBuilderDialog(ctx, exam)
    qtbot.addWidget(dlg)
    assert "满分 16 分" in dlg.total_label.text() and "考试满分 100 分" in dlg.total_label.text()
    assert "抽题编号" in [w.text() for w in dlg.findChildren(type(dlg.total_label))]
    dialog_answers.confirms.append(False)  # the clerk says no: nothing is built
    dlg.build()
    assert "试卷合计 16 分" in dialog_answers.questions[-1] and "由 60 分改为 9.5 分" in dialog_answers.questions[-1]
    assert papers.list_papers(ctx.db, exam.id) == []
    assert exams.get_exam(ctx.db, exam.id).total == 100
    dlg.build()  # said yes: built, and the exam says what it now is
    assert len(papers.list_papers(ctx.db, exam.id)) == 1
    assert (exams.get_exam(ctx.db, exam.id).total, exams.get_exam(ctx.db, exam.id).pass_mark) == (16, 9.5)


def test_handing_in_with_unanswered_questions_defaults_to_keep_answering(
        qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from ui import dialogs
    from ui.quiz.exam_window import ExamWindow

    _bank(ctx, 2)
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("测试", 2026, 3, total=4, pass_mark=2))
    papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine("单选", 1, 2), RuleLine("判断", 1, 2)], seed=1)
    asked: list[tuple[str, bool]] = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text, *a, danger=False, **k: asked.append((text, danger)))
    win = ExamWindow(ctx, exam.id)
    qtbot.addWidget(win)
    win.choose({p.name: p.id for p in list_people(ctx.db)}["吴芳"])
    win.begin()
    win.submit(confirm=True)
    assert asked and "还有 2 道题未作答" in asked[-1][0] and asked[-1][1] is True  # 取消 is the default
    assert win.in_sitting()
    for w in win.widgets:
        w.buttons[0].click()
    win.submit(confirm=True)
    assert "未作答" not in asked[-1][0] and asked[-1][1] is False  # all answered: 交卷 is the default
    win.saver.stop()
    win.clock.stop()


def test_the_candidate_list_can_be_searched(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from ui.quiz.exam_window import ExamWindow

    _bank(ctx, 1)
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("测试", 2026, 4, total=4, pass_mark=2))
    papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine("单选", 1, 2), RuleLine("判断", 1, 2)], seed=1)
    win = ExamWindow(ctx, exam.id)
    qtbot.addWidget(win)
    shown = lambda: [win.people.item(i).text() for i in range(win.people.count())  # noqa: E731
                     if not win.people.item(i).isHidden()]
    assert len(shown()) == 5
    win.find.setText("规划")  # a section
    assert len(shown()) == 2 and all("规划发展科" in t for t in shown())
    win.find.setText("黄")
    assert len(shown()) == 1 and "黄涛" in shown()[0]
    assert win.people.currentItem().text() == shown()[0]
    win.find.returnPressed.emit()  # Enter on the one match starts the sitting
    assert win.in_sitting()
    win.saver.stop()
    win.clock.stop()
    assert win.people.currentItem().data(Qt.ItemDataRole.UserRole)
