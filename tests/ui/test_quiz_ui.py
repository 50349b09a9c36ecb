"""The 业务测试 page: an exam taken end to end in the full-screen window, the score grid, models, panels."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_people
from desktop_app.quiz import awards, bank, exams, papers, results, sitting
from desktop_app.quiz.types import AwardWeights, ExamInput, QuestionInput, RuleLine, ScoreEntry
from tests.helpers.common import TEST_ACTOR


def _setup_exam(ctx: AppContext) -> tuple[str, dict[str, str]]:
    qs = [
        QuestionInput("单选", "党的基层组织应当召开党员大会的频次是？", ["每月一次", "每季度一次", "每半年一次"], "B"),
        QuestionInput("多选", "“三会一课”中的“三会”包括？", ["支部党员大会", "支部委员会", "党小组会", "民主生活会"], "ABC"),
        QuestionInput("判断", "公务员平时考核结果可以作为年度考核的重要依据。", [], "对"),
        QuestionInput("填空", "党组织讨论决定问题，必须执行____原则。", [], "少数服从多数|少数服从多数原则"),
        QuestionInput("简答", "简述干部选拔任用的基本原则。", [], "党管干部；德才兼备"),
    ]
    ids = {q.type: bank.create_question(ctx.db, TEST_ACTOR, q).id for q in qs}
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("2026年第一季度业务知识测试", 2026, 1, pass_mark=10))
    papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine(t, 1, p) for t, p in
                                                      (("单选", 2), ("多选", 4), ("判断", 2), ("填空", 2), ("简答", 10))],
                        seed=1)
    return exam.id, ids


def test_exam_end_to_end_in_the_window(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from ui.quiz.exam_window import ExamWindow

    exam_id, ids = _setup_exam(ctx)
    people = {p.name: p.id for p in list_people(ctx.db)}
    win = ExamWindow(ctx, exam_id)
    qtbot.addWidget(win)
    win.start()
    assert win.isFullScreen() and win.windowFlags() & Qt.WindowType.FramelessWindowHint
    win.choose(people["吴芳"])
    qtbot.mouseClick(win.start_btn, Qt.MouseButton.LeftButton)
    assert win.stack.currentIndex() == 1 and win.in_sitting()
    by_type = {w.q.type: w for w in win.widgets}
    assert [w.q.type for w in win.widgets] == ["单选", "多选", "判断", "填空", "简答"]
    # no answers anywhere on the examinee's screen
    shown = " ".join(w.stem.text() for w in win.widgets)
    assert "少数服从多数|" not in shown and "德才兼备" not in shown
    by_type["单选"].buttons[1].click()  # B
    win.go(1)
    by_type["多选"].buttons[0].click()
    by_type["多选"].buttons[1].click()
    by_type["多选"].buttons[2].click()
    win.go(2)
    by_type["判断"].buttons[1].click()  # 错 — wrong
    win.go(3)
    by_type["填空"].lines[0].insert("少数服从多数原则")  # as typed (keyClicks cannot type CJK)
    win.go(4)
    by_type["简答"].text.setPlainText("坚持党管干部")
    win.save_current()
    # answers are stored as given, before submission
    [att] = exams.list_attempts(ctx.db, exam_id)
    assert att.answers["items"][ids["单选"]]["response"] == "B"
    assert att.answers["items"][ids["填空"]]["response"] == "少数服从多数原则"
    # no way out: closing and Escape are ignored, and the end button does nothing mid-sitting
    assert win.close() is False and win.isVisible()
    QTest.keyClick(win, Qt.Key.Key_Escape)
    assert win.isVisible() and win.in_sitting()
    win.end_session()
    assert win.isVisible()
    # 交卷 asks first; saying no keeps the sitting
    dialog_answers.confirms.append(False)
    qtbot.mouseClick(win.submit_btn, Qt.MouseButton.LeftButton)
    assert win.in_sitting()
    qtbot.mouseClick(win.submit_btn, Qt.MouseButton.LeftButton)
    assert not win.in_sitting() and win.stack.currentIndex() == 2
    assert win.last_result is not None and win.last_result.auto_score == 2 + 4 + 0 + 2
    assert "待阅卷" in win.done_text.text() and "简答" in win.done_text.text()
    # the next examinee: 吴芳 is done and cannot start again
    win.back_to_list()
    states = {win.people.item(i).data(Qt.ItemDataRole.UserRole): win.people.item(i).text()
              for i in range(win.people.count())}
    assert "已交卷" in states[people["吴芳"]]
    assert not (win.people.item(list(states).index(people["吴芳"])).flags() & Qt.ItemFlag.ItemIsEnabled)
    [att] = exams.list_attempts(ctx.db, exam_id)
    assert att.score == 8 and not att.marked
    # hand marking, then the invigilator ends the session
    [pending] = sitting.pending_marking(ctx.db, exam_id)
    sitting.mark_by_hand(ctx.db, TEST_ACTOR, pending.attempt_id, pending.question_id, 7)
    assert results.ranking(ctx.db, exam_id)[0].score == 15
    dialog_answers.texts.append("结束考试")  # the invigilator types the words
    win.end_session()
    assert not win.isVisible()
    assert dialog_answers.bugs == []


def test_score_grid_refuses_score_above_total(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from ui.quiz.score_dialogs import ScoreGridDialog

    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("纸质考试", 2026, 2, mode="paper"))
    dlg = ScoreGridDialog(ctx, exam)
    qtbot.addWidget(dlg)
    m = dlg.model
    assert m.rowCount() == 5
    m.setData(m.index(0, m.SCORE), "101")
    m.setData(m.index(1, m.SCORE), "缺考")
    dlg.save()
    assert dialog_answers.warnings and "超过试卷满分100" in dialog_answers.warnings[0]
    assert exams.list_attempts(ctx.db, exam.id) == []
    m.setData(m.index(0, m.SCORE), "88")
    dlg.save()
    got = {a.person_name: (a.score, a.absent) for a in exams.list_attempts(ctx.db, exam.id)}
    assert got == {m.rows[0].name: (88.0, False), m.rows[1].name: (None, True)}


def test_models_pass_qtmodeltester(qtmodeltester, ctx: AppContext) -> None:  # noqa: ANN001
    from ui.quiz.awards_tab import CandidateModel
    from ui.quiz.models import Column, GridRow, ItemsModel, QuestionBankModel, ScoreGridModel

    exam_id, _ids = _setup_exam(ctx)
    bank_model = QuestionBankModel(ctx.db)
    bank_model.set_filter()
    assert bank_model.rowCount() == 5
    qtmodeltester.check(bank_model)
    items = ItemsModel([Column("名称", lambda e: e.title), Column("满分", lambda e: e.total, True)])
    items.set_items(exams.list_exams(ctx.db))
    qtmodeltester.check(items)
    grid = ScoreGridModel(100)
    grid.set_rows([GridRow("p1", "刘洋", "综合科", 90), GridRow("p2", "陈静", "综合科", absent=True)])
    qtmodeltester.check(grid)
    people = {p.name: p.id for p in list_people(ctx.db)}
    exams.set_scores(ctx.db, TEST_ACTOR, exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("x", 2026, 1, mode="paper")).id,
                     [ScoreEntry(people["刘洋"], 90)])
    cands = CandidateModel(5)
    cands.set_items(list(awards.propose(ctx.db, "2026H1", AwardWeights(1, 0, 0)).people))
    qtmodeltester.check(cands)
    assert exam_id


def test_quiz_page_and_dashboard_panel(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from ui.quiz.quiz_page import QuizPage
    from ui.quiz.stats_widget import QuizStatsWidget

    exam_id, _ids = _setup_exam(ctx)
    people = {p.name: p.id for p in list_people(ctx.db)}
    exams.set_scores(ctx.db, TEST_ACTOR, exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("第二季度", 2026, 2,
                                                                                        mode="paper")).id,
                     [ScoreEntry(pid, 70.0 + i * 5) for i, pid in enumerate(people.values())])
    page = QuizPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.bank.model.rowCount() == 5
    assert page.exams.model.rowCount() == 2
    page.results.exam_box.setCurrentIndex(page.results.exam_box.findData(
        next(e.id for e in exams.list_exams(ctx.db) if e.quarter == 2)))
    assert page.results.ranking.rowCount() == 5
    page.awards.period.setCurrentIndex(page.awards.period.findData("2026H1"))
    page.awards.propose()
    assert sum(c.proposed for c in page.awards.people.items) == 5
    assert "不可用" in page.awards.availability.text()
    page.awards.confirm()
    assert len(awards.list_awards(ctx.db, "2026H1")) == 3 + 5
    page.practice.submit()
    assert page.practice.feedback.text()
    page.practice.oral_check()
    assert "抽问对象" in page.practice.oral_text.text()
    panel = QuizStatsWidget(ctx)
    qtbot.addWidget(panel)
    assert panel.chart.has_values() and "2 场考试" in panel.note.text()
    assert dialog_answers.bugs == [] and dialog_answers.warnings == []
    assert QModelIndex().isValid() is False
    assert exam_id


@pytest.mark.parametrize("qtype", ["单选", "多选", "判断", "填空", "简答"])
def test_answer_widget_round_trip(qtbot, qtype: str) -> None:  # noqa: ANN001
    from desktop_app.quiz.types import ExamQuestion
    from ui.quiz.answer_widgets import AnswerWidget

    q = ExamQuestion(1, "q", qtype, "题干____", ("甲", "乙", "丙"), 2.0)
    w = AnswerWidget(q)
    qtbot.addWidget(w)
    assert not w.answered()
    value = {"单选": "B", "多选": "AC", "判断": "错", "填空": "答案", "简答": "一段话"}[qtype]
    w.set_value(value)
    assert w.value() == value and w.answered()


def test_export_score_list_from_results_tab(qtbot, ctx: AppContext, dialog_answers, tmp_path) -> None:  # noqa: ANN001
    import openpyxl

    from ui.quiz.results_tab import ResultsTab

    people = {p.name: p.id for p in list_people(ctx.db)}
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("2026年第一季度业务知识测试", 2026, 1, mode="paper"))
    exams.set_scores(ctx.db, TEST_ACTOR, exam.id, [ScoreEntry(people["刘洋"], 92), ScoreEntry(people["陈静"], 92),
                                                   ScoreEntry(people["黄涛"], None, absent=True)])
    tab = ResultsTab(ctx)
    qtbot.addWidget(tab)
    out = tmp_path / "公示.xlsx"
    dialog_answers.files.append(str(out))
    tab._output("export")
    qtbot.waitUntil(lambda: bool(dialog_answers.infos), timeout=10_000)
    ws = openpyxl.load_workbook(out).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "刘洋" in values and "陈静" in values and "缺考" in values
    assert values.count(1) >= 2  # both 92s share rank 1


def test_paper_builder_starts_from_saved_rules(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from ui.quiz.paper_dialog import PaperBuilderDialog

    exam_id, _ids = _setup_exam(ctx)
    dlg = PaperBuilderDialog(ctx, exams.get_exam(ctx.db, exam_id))
    qtbot.addWidget(dlg)
    assert [(r.type, r.count, r.points) for r in dlg.rules()] == [
        ("单选", 1, 2), ("多选", 1, 4), ("判断", 1, 2), ("填空", 1, 2), ("简答", 1, 10)]
    assert dlg.seed.value() == 1
    dlg.rule_rows[0][1].setValue(5)  # more 单选 than the bank has: refused, dialog stays
    dlg.build()
    assert dialog_answers.warnings and "单选题" in dialog_answers.warnings[0]
    assert len(papers.list_papers(ctx.db, exam_id)) == 1


def test_time_up_hands_in_without_asking_and_resume_after_crash(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    import datetime as dt

    from ui.quiz.exam_window import ExamWindow

    exam_id, ids = _setup_exam(ctx)
    people = {p.name: p.id for p in list_people(ctx.db)}
    win = ExamWindow(ctx, exam_id)
    qtbot.addWidget(win)
    win.choose(people["赵磊"])
    win.begin()
    win.widgets[0].buttons[1].click()
    win.save_current()
    # the PC crashes: a new window, the same person picks up where they were, the answer still there
    win2 = ExamWindow(ctx, exam_id)
    qtbot.addWidget(win2)
    win2.choose(people["赵磊"])
    win2.begin()
    assert win2.attempt_id == win.attempt_id and win2.widgets[0].value() == "B"
    win2.deadline = dt.datetime.now() - dt.timedelta(seconds=1)
    win2._tick()
    assert not win2.in_sitting() and dialog_answers.questions == []  # no confirmation when time is up
    [att] = exams.list_attempts(ctx.db, exam_id)
    assert att.score == 2 and att.answers["submitted"]
    assert ids


def test_bank_tab_imports_sample_sheet_and_refuses_it_twice(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from tests.helpers.common import SAMPLES
    from ui.quiz.bank_tab import BankTab

    tab = BankTab(ctx)
    qtbot.addWidget(tab)
    dialog_answers.files.append(str(SAMPLES / "questions.xlsx"))
    tab.import_file()
    qtbot.waitUntil(lambda: bool(dialog_answers.infos), timeout=15_000)
    assert "5" in dialog_answers.infos[0]
    qtbot.waitUntil(lambda: tab.model.rowCount() == 5, timeout=5_000)
    assert "共 5 题" in tab.count_label.text()
    dialog_answers.files.append(str(SAMPLES / "questions.xlsx"))
    tab.import_file()
    qtbot.waitUntil(lambda: bool(dialog_answers.warnings), timeout=15_000)
    assert "未导入任何试题" in dialog_answers.warnings[0] and "第2行" in dialog_answers.warnings[0]
    assert bank.count_questions(ctx.db) == 5


def test_question_dialog_refuses_two_answers_for_single_choice(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from ui.quiz.question_dialog import QuestionDialog

    dlg = QuestionDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.type_box.setCurrentText("单选")
    dlg.stem.setPlainText("党的最高理想是什么？")
    dlg.options.setPlainText("A.共产主义\nB.小康社会\nC.现代化")
    dlg.answer.setText("AB")
    dlg.save()
    assert "单选题只能有一个答案" in dialog_answers.warnings[0] and "党的最高理想" in dialog_answers.warnings[0]
    assert bank.count_questions(ctx.db) == 0 and dlg.saved is None
    dlg.answer.setText("A")
    dlg.tags.setText("党建、理想信念")
    dlg.save()
    [q] = bank.list_questions(ctx.db)
    assert q.options == ("共产主义", "小康社会", "现代化") and q.tags == ("党建", "理想信念") and q.answer == "A"


def test_exams_tab_imports_score_sheet_into_selected_exam(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from tests.helpers.common import SAMPLES
    from ui.quiz.exams_tab import ExamsTab

    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("2026年第一季度业务知识测试", 2026, 1, mode="paper"))
    tab = ExamsTab(ctx)
    qtbot.addWidget(tab)
    tab.select(exam.id)
    dialog_answers.files.append(str(SAMPLES / "scores.xlsx"))
    tab.import_scores()
    qtbot.waitUntil(lambda: bool(dialog_answers.infos or dialog_answers.warnings), timeout=15_000)
    assert dialog_answers.warnings == [] and "5" in dialog_answers.infos[0]
    got = {a.person_name: a for a in exams.list_attempts(ctx.db, exam.id)}
    assert len(got) == 5 and got["黄涛"].absent and got["陈静"].score == 85.5


def test_print_variant_b_and_its_key(qtbot, ctx: AppContext, tmp_path) -> None:  # noqa: ANN001
    import subprocess

    from ui.quiz.paper_dialog import PaperViewDialog

    for i in range(4):
        bank.create_question(ctx.db, TEST_ACTOR, QuestionInput("判断", f"判断题甲{i}：防返贫监测对象应当按月研判。", [], "对"))
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("2026年第三季度业务知识测试", 2026, 3))
    a, b = papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine("判断", 2, 5)], seed=3, variants=2)
    view = PaperViewDialog(ctx, exams.get_exam(ctx.db, exam.id))
    qtbot.addWidget(view)
    view.variant.setCurrentIndex(1)
    assert "答案" not in view.text.toPlainText()  # no key unless asked
    dlg = view.print_variant()
    assert dlg is not None
    qtbot.addWidget(dlg)
    assert dlg.task.wait(60_000)
    qtbot.waitUntil(lambda: bool(getattr(dlg, "pdf", b"")), timeout=10_000)
    out = tmp_path / "paper_b.pdf"
    assert dlg.save_pdf(str(out))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    b_stems = [q.stem for q in papers.exam_questions(ctx.db, b.id)]
    a_stems = [q.stem for q in papers.exam_questions(ctx.db, a.id)]
    assert all(s[:6] in text for s in b_stems) and not any(s[:6] in text for s in a_stems)
    assert "B" in text and "答案" in text
