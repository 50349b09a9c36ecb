"""打印预览's 纸张 and 版式 boxes: choosing A3 or 完整版 lays the list out again; documents offer no paper choice."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.context import AppContext
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.reports.jobs import PrintJob
from tests.helpers.common import TEST_ACTOR
from ui.print.preview_dialog import open_print_preview


def test_paper_and_layout_boxes_rerender(qtbot, ctx: AppContext) -> None:
    items = [IssueInput(description=f"第{i}号：村级活动场所设施闲置，群众意见较大，需要盘活利用。" * 3,
                        category="基层党建", measures="制定盘活方案。", unit="勐龙镇人民政府", person="王赟",
                        deadline=dt.date(2026, 6, 1), assigned_date=dt.date(2026, 3, 1), year=2026)
             for i in range(30)]
    create_issues(ctx.db, TEST_ACTOR, items, today=dt.date(2026, 3, 1))
    dlg = open_print_preview(None, ctx, PrintJob("ledger", year=2026, today=dt.date(2026, 6, 20)))
    qtbot.addWidget(dlg)
    assert dlg.task is not None and dlg.task.wait(60_000)
    qtbot.waitUntil(lambda: bool(dlg.pages))
    assert dlg.layout_box.isVisibleTo(dlg) and dlg.paper_box.isVisibleTo(dlg)
    assert dlg.layout_box.currentData() == "compact" and round(dlg.pages[0].width) == 842
    compact_pages = len(dlg.pages)

    dlg.layout_box.setCurrentIndex(dlg.layout_box.findData("full"))
    dlg.layout_box.activated.emit(dlg.layout_box.currentIndex())
    assert dlg.job.layout == "full" and dlg.task.wait(60_000)
    qtbot.waitUntil(lambda: len(dlg.pages) > compact_pages)

    dlg.paper_box.setCurrentIndex(dlg.paper_box.findData("A3"))
    dlg.paper_box.activated.emit(dlg.paper_box.currentIndex())
    assert dlg.job.paper == "A3" and dlg.task.wait(60_000)
    qtbot.waitUntil(lambda: round(dlg.pages[0].width) == 1191)


def test_notice_has_no_paper_or_layout_choice(qtbot, ctx: AppContext) -> None:
    from ui.print.preview_dialog import PrintPreviewDialog

    dlg = PrintPreviewDialog(ctx, PrintJob("notice", item="x"))
    qtbot.addWidget(dlg)
    assert not dlg.paper_box.isVisibleTo(dlg) and not dlg.layout_box.isVisibleTo(dlg)


def test_preview_saves_the_same_list_as_word(qtbot, ctx: AppContext, tmp_path, dialog_answers) -> None:
    from docx import Document

    from desktop_app.ledger.query import IssueFilter

    items = [IssueInput(description=f"第{i}号问题", unit=unit, person="王赟", deadline=dt.date(2026, 6, 1),
                        assigned_date=dt.date(2026, 3, 1), year=2026)
             for i, unit in enumerate(["勐龙镇人民政府", "综合科", "勐龙镇人民政府"])]
    create_issues(ctx.db, TEST_ACTOR, items, today=dt.date(2026, 3, 1))
    flt = IssueFilter(year=2026, unit="勐龙镇人民政府")
    dlg = open_print_preview(None, ctx, PrintJob("ledger", year=2026, filter=flt, today=dt.date(2026, 6, 20)))
    qtbot.addWidget(dlg)
    assert dlg.word_btn.isVisibleTo(dlg)
    assert dlg.task is not None and dlg.task.wait(60_000)
    dialog_answers.files.append(str(tmp_path / "清单"))
    task = dlg.save_word()
    assert task is not None and task.wait(60_000)
    qtbot.waitUntil(lambda: bool(dialog_answers.infos))
    doc = Document(str(tmp_path / "清单.docx"))
    cells = [row.cells[3].text for row in doc.tables[0].rows[1:]]
    assert cells == ["第0号问题", "第2号问题"]  # as filtered on screen: 综合科's item is not in it


def test_default_paper_setting_reaches_preview_and_excel(qtbot, ctx: AppContext, tmp_path, dialog_answers) -> None:
    import openpyxl
    from PySide6.QtWidgets import QWidget

    from ui.excel.actions import export_list
    from ui.print.font_dialog import FontChoiceDialog

    create_issues(ctx.db, TEST_ACTOR, [IssueInput(description="村道破损", unit="综合科", person="王赟", year=2026,
                                                  deadline=dt.date(2026, 6, 1))], today=dt.date(2026, 3, 1))
    dlg = FontChoiceDialog(ctx)
    qtbot.addWidget(dlg)
    assert dlg.form.paper_box.currentData() == "A4"
    dlg.form.paper_box.setCurrentIndex(dlg.form.paper_box.findData("A3"))
    dlg.accept()
    # the preview of a list starts on A3 …
    preview = open_print_preview(None, ctx, PrintJob("ledger", year=2026))
    qtbot.addWidget(preview)
    assert preview.job.paper == "A3" and preview.paper_box.currentData() == "A3"
    assert preview.task is not None and preview.task.wait(60_000)
    qtbot.waitUntil(lambda: bool(preview.pages))
    assert round(preview.pages[0].width) == 1191
    # … and so does an Excel export's page setup
    dialog_answers.files.append(str(tmp_path / "台账.xlsx"))
    parent = QWidget()
    qtbot.addWidget(parent)
    task = export_list(parent, ctx, "ledger", year=2026)
    assert task is not None and task.wait(20_000)
    ws = openpyxl.load_workbook(tmp_path / "台账.xlsx").active
    assert str(ws.page_setup.paperSize) == "8"
