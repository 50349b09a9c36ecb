"""A clerk's second walk through the app: each test pins one fixed annoyance."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app import calendar as workdays
from desktop_app.core.context import AppContext
from ui.settings.holidays_tab import HolidaysTab

OK = QDialogButtonBox.StandardButton.Ok


def _column(model, col: int) -> list[str]:  # noqa: ANN001
    return [str(model.data(model.index(r, col), Qt.ItemDataRole.DisplayRole)) for r in range(model.rowCount())]


def test_holiday_source_names_no_python_package(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """来源 read “国务院办公厅通知（chinese-calendar）” (the demo's rows): a package name means nothing to a clerk."""
    workdays.import_days(ctx.db, ctx.actor, [(dt.date(2031, 10, 1), "rest", "国庆节")],
                         source="国务院办公厅通知（chinese-calendar）")
    workdays.import_days(ctx.db, ctx.actor, [(dt.date(2031, 10, 2), "rest", "国庆节")], source="chinese_calendar")
    tab = HolidaysTab(ctx)
    qtbot.addWidget(tab)
    tab.year.setValue(2031)
    sources = _column(tab.model, 3)
    assert any("国务院办公厅通知" in s for s in sources), sources
    assert any("内置日历" in s for s in sources), sources
    assert not any("calendar" in s.lower() for s in sources), sources
    assert workdays.source_label("import") == "表格导入"
    assert workdays.source_label("某州人民政府通知") == "某州人民政府通知"


def test_holiday_forms_stay_open_on_a_refusal(qtbot, ctx: AppContext, dialog_answers, monkeypatch,  # noqa: ANN001
                                              tmp_path) -> None:  # noqa: ANN001
    """添加/修改节假日 and the import preview closed first, then the save was refused: what was typed was lost."""
    import openpyxl

    from desktop_app.core.errors import ValidationError

    def refuse(*_a: object, **_k: object) -> None:
        raise ValidationError("数据库忙，未保存", "请稍后再试")

    tab = HolidaysTab(ctx)
    qtbot.addWidget(tab)
    tab.year.setValue(2031)
    with monkeypatch.context() as m:
        m.setattr(workdays, "set_day", refuse)
        tab.add_btn.click()
        dlg = tab.dialog
        assert dlg is not None and dlg.isVisible()
        dlg.name.setText("县庆")
        dlg.buttons.button(OK).click()
        assert dialog_answers.warnings and "未保存" in dialog_answers.warnings[-1]
        assert dlg.isVisible() and dlg.name.text() == "县庆"  # still there to try again
    dlg.buttons.button(OK).click()
    assert not dlg.isVisible()
    assert "县庆" in [d.name for d in workdays.list_days(ctx.db, 2031)]
    # 修改: a refused save keeps the form too
    tab._select(dt.date(2031, 1, 1))
    with monkeypatch.context() as m:
        m.setattr(workdays, "set_day", refuse)
        tab.edit_btn.click()
        edit = tab.dialog
        assert edit is not None and edit is not dlg and edit.isVisible()
        edit.name.setText("县庆日")
        edit.buttons.button(OK).click()
        assert edit.isVisible() and edit.name.text() == "县庆日"
    edit.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    # the import preview stays open when the write is refused
    path = tmp_path / "h.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["日期", "类型", "名称"])
    wb.active.append([dt.date(2034, 1, 1), "休", "元旦"])
    wb.save(path)
    dialog_answers.files.append(str(path))
    with monkeypatch.context() as m:
        m.setattr(workdays, "import_days", refuse)
        tab.import_btn.click()
        preview = tab.preview
        assert preview is not None and preview.isVisible()
        preview.buttons.button(OK).click()
        assert preview.isVisible()
    preview.buttons.button(OK).click()
    assert not preview.isVisible()
    assert [d.name for d in workdays.list_days(ctx.db, 2034)] == ["元旦"]


def test_fill_in_alternatives_read_as_words_not_a_separator(qtbot, ctx: AppContext, tmp_path) -> None:  # noqa: ANN001
    """A 填空 key showed its raw separator (“立即整改|马上整改”) in the bank, the paper's key and the printed key."""
    import shutil
    import subprocess

    from desktop_app.quiz import bank, exams, papers
    from desktop_app.quiz.marking import display_answer, mark
    from desktop_app.quiz.types import ExamInput, QuestionInput, RuleLine
    from desktop_app.reports import fonts
    from desktop_app.reports.paper import PaperData, PaperQuestion, render_paper
    from tests.helpers.common import TEST_ACTOR
    from ui.quiz.models import QuestionBankModel
    from ui.quiz.paper_dialog import PaperViewDialog

    assert display_answer("填空", "立即整改|马上整改") == "立即整改 / 马上整改"
    assert display_answer("填空", "甲|乙；丙") == "甲 / 乙；丙"
    assert display_answer("单选", "B") == "B"
    q = bank.create_question(ctx.db, TEST_ACTOR, QuestionInput("填空", "发现问题应当____。", [], "立即整改|马上整改"))
    assert bank.get_question(ctx.db, q.id).answer == "立即整改|马上整改"  # the stored key keeps its format
    assert mark("填空", "立即整改|马上整改", "马上整改", 2) == 2
    model = QuestionBankModel(ctx.db)
    model.set_filter()
    answers = _column(model, 2)
    assert "立即整改 / 马上整改" in answers and not any("|" in a for a in answers)
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("填空测试", 2026, 1))
    papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine("填空", 1, 2)], seed=1)
    view = PaperViewDialog(ctx, exams.get_exam(ctx.db, exam.id))
    qtbot.addWidget(view)
    view.with_key.setChecked(True)
    shown = view.text.toPlainText()
    assert "立即整改 / 马上整改" in shown and "|" not in shown
    if shutil.which("pdftotext"):
        out = tmp_path / "paper.pdf"
        data = PaperData("填空测试", "A", 60, 2, [PaperQuestion(1, "填空", "发现问题应当____。", [], 2,
                                                                "立即整改|马上整改")], "本局")
        render_paper(data, out, fonts.build_fontset())
        text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "马上整改" in text and "|" not in text
        assert "答案：立即整改/马上整改" in "".join(text.split())


def test_ending_the_exam_needs_the_invigilator_to_type_it(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    """结束本场考试（监考人员） ended everyone's exam on one click (and a 确定) — any candidate could do it."""
    from desktop_app.quiz import bank, exams, papers
    from desktop_app.quiz.types import ExamInput, QuestionInput, RuleLine
    from tests.helpers.common import TEST_ACTOR
    from ui.quiz.exam_window import ExamWindow

    bank.create_question(ctx.db, TEST_ACTOR, QuestionInput("判断", "调研应当轻车简从。", [], "对"))
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("第四季度测试", 2026, 4))
    papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine("判断", 1, 2)], seed=1)
    win = ExamWindow(ctx, exam.id)
    qtbot.addWidget(win)
    win.show()
    ended: list[bool] = []
    win.session_ended.connect(lambda: ended.append(True))
    win.end_btn.click()  # cancelled: nothing typed
    assert win.isVisible() and not ended
    assert "结束考试" in dialog_answers.questions[-1] and "未交卷" in dialog_answers.questions[-1]
    dialog_answers.texts.append("确定")  # a candidate guessing: refused, said so
    win.end_btn.click()
    assert win.isVisible() and not ended
    assert dialog_answers.warnings and "考试未结束" in dialog_answers.warnings[-1]
    dialog_answers.texts.append(" 结束考试 ")
    win.end_btn.click()
    assert not win.isVisible() and ended == [True]


def test_visit_list_columns_leave_room_for_their_text(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """乡镇 read “格朗和乡…” at 1280 wide: columns were sized flush to the text, the detail pane took a third."""
    from PySide6.QtWidgets import QApplication, QSplitter

    from desktop_app.org.organisation import list_people
    from desktop_app.work import visits
    from desktop_app.work.types import VisitInput
    from ui import fonts
    from ui.main_window import MainWindow

    app = QApplication.instance()
    before = app.font()
    fonts.install(app)
    try:
        lead = list_people(ctx.db)[0].id
        for i, (place, town) in enumerate((("格朗和乡帕沙村", "格朗和乡"), ("县人民医院", "勐海镇"),
                                           ("磨憨国际口岸服务中心", "磨憨镇"))):
            visits.create_visit(ctx.db, ctx.actor, VisitInput(dt.date(2026, 3, 2 + 3 * i), dt.date(2026, 3, 3 + 3 * i),
                                                              place, lead, township=town, method="座谈访谈"))
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        page = window.show_page("visits")
        page.year.setValue(2026)
        QApplication.processEvents()
        view, model = page.table, page.model
        fm = view.fontMetrics()
        for col in range(model.columnCount()):
            if view.isColumnHidden(col):
                continue
            texts = [str(model.data(model.index(r, col), Qt.ItemDataRole.DisplayRole) or "")
                     for r in range(model.rowCount())]
            need = max(fm.horizontalAdvance(t) for t in texts)
            assert view.columnWidth(col) >= need + 12, (model.headerData(col, Qt.Orientation.Horizontal),
                                                        view.columnWidth(col), need)
        split = view.parentWidget()
        assert isinstance(split, QSplitter)
        # the detail sits under the list (tests/ui/test_readable_lists.py): the list has the page's width
        assert split.orientation() == Qt.Orientation.Vertical and view.width() >= 0.95 * split.width()
    finally:
        app.setFont(before)


def test_county_comparison_shades_the_cells_that_stand_out(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """各县比较 shaded every row pink once a county had any overdue item — i.e. every row, telling nothing."""
    from desktop_app.sync.prefecture import CountyStats
    from ui.sync.prefecture_tab import PrefectureTab

    tab = PrefectureTab(ctx)
    qtbot.addWidget(tab)
    tab.stats = [CountyStats("532801", "景洪市乡村振兴局", 300, 94, 31, 94 / 300, 382, 1890, 0.202, 81.8, 20),
                 CountyStats("532822", "勐海县乡村振兴局", 303, 105, 39, 105 / 303, 377, 1890, 0.199, 84.6, 20),
                 CountyStats("532823", "勐腊县乡村振兴局", 298, 72, 41, 72 / 298, 347, 1890, 0.184, 84.6, 20)]
    tab._filter()
    m = tab.model

    def shaded() -> set[tuple[str, str]]:
        return {(m.rows[r].code, m.headerData(c, Qt.Orientation.Horizontal)) for r in range(m.rowCount())
                for c in range(m.columnCount()) if m.index(r, c).data(Qt.ItemDataRole.BackgroundRole) is not None}

    assert shaded() == {("532823", "销号率"), ("532823", "逾期未完成"), ("532823", "天数完成率"),
                        ("532801", "测试平均分")}
    assert "逾期未完成最多" in m.index(2, 4).data(Qt.ItemDataRole.ToolTipRole)
    assert not tab.legend.isHidden()
    tab.county.addItem("勐海县乡村振兴局（532822）", "532822")
    tab.county.setCurrentIndex(tab.county.count() - 1)  # one county alone: it stands out from no one
    assert m.rowCount() == 1 and shaded() == set() and tab.legend.isHidden()
