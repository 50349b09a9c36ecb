"""Print preview: renders off the UI thread, paints pages, saves the same PDF, prints through QPrinter."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrinter

from desktop_app.core.context import AppContext
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.reports import fonts
from desktop_app.reports.jobs import PrintJob
from tests.helpers.common import TEST_ACTOR
from ui.print.font_dialog import FontChoiceDialog
from ui.print.preview_dialog import PrintPreviewDialog, open_print_preview

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def text_of(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def pages_of(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def ledger_ctx(ctx: AppContext) -> AppContext:
    people = ["王赟", "李喆", "张堃", "陈珺", "刘燊"]
    items = [IssueInput(description=f"第{i}号：村级活动场所设施闲置，群众意见较大，需要盘活利用。" * 2,
                        category="基层党建", measures="制定盘活方案。", unit="勐龙镇人民政府", person=people[i % 5],
                        deadline=dt.date(2026, 6, 1) + dt.timedelta(days=i), assigned_date=dt.date(2026, 3, 1),
                        year=2026) for i in range(40)]
    create_issues(ctx.db, TEST_ACTOR, items, today=dt.date(2026, 3, 1))
    return ctx


def ink(image: QImage) -> int:
    """How many sampled pixels are dark (text and rules)."""
    dark = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            if QColor(image.pixel(x, y)).lightness() < 100:
                dark += 1
    return dark


def test_preview_paints_saves_and_prints(qtbot, ledger_ctx: AppContext, tmp_path: Path) -> None:
    dlg = open_print_preview(None, ledger_ctx, PrintJob("ledger", year=2026, today=dt.date(2026, 6, 20)))
    qtbot.addWidget(dlg)
    assert dlg.task is not None and dlg.task.wait(60_000)
    assert len(dlg.pages) >= 2 and dlg.pdf.startswith(b"%PDF")
    assert dlg.count_label.text().endswith(f"{len(dlg.pages)} 页")
    shot = dlg.view.grab().toImage()
    assert ink(shot) > 200, "the page looks empty"
    shot.save(str(tmp_path / "print_preview_ledger.png"))  # kept for a human to look at (--basetemp)
    dlg.show_page(1)
    assert dlg.page_box.value() == 2 and dlg.view.index == 1
    dlg.show_page(999)
    assert dlg.view.index == len(dlg.pages) - 1

    saved = tmp_path / "saved.pdf"
    assert dlg.save_pdf(str(saved))
    assert saved.read_bytes() == dlg.pdf
    assert "张堃" in text_of(saved) and pages_of(saved) == len(dlg.pages)

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert dlg.print_pages(printer)
    assert pages_of(printed) == len(dlg.pages)
    got = text_of(printed)
    assert "调研发现问题清单" in got and "王赟" in got


def test_missing_glyph_prints_as_geta_with_a_warning(qtbot, ctx: AppContext, dialog_answers, monkeypatch) -> None:
    # issue 16: a rare name never blocks the print (it was refused): 〓 is printed and the clerk is told
    # which character and which item; only the shipped font here, which has no 䶮
    monkeypatch.setattr(fonts, "system_faces", lambda: ())
    create_issues(ctx.db, TEST_ACTOR, [IssueInput(description="刘䶮反映的问题", unit="综合科", person="刘䶮",
                                                  deadline=dt.date(2026, 6, 1), year=2026)],
                  today=dt.date(2026, 3, 1))
    dlg = PrintPreviewDialog(ctx, PrintJob("ledger", year=2026))
    qtbot.addWidget(dlg)
    assert dlg.render().wait(60_000)
    qtbot.waitUntil(lambda: bool(dlg.pages))
    assert dlg.print_btn.isEnabled() and "〓" in dlg.status.text()
    assert any("䶮" in w and "2026-001" in w for w in dialog_answers.warnings)
    texts = [op[3] for op in dlg.pages[0].ops if op[0] == "text"]
    assert any("刘〓" in t for t in texts)


def test_font_dialog_saves_choice(qtbot, ctx: AppContext) -> None:
    dlg = FontChoiceDialog(ctx)
    qtbot.addWidget(dlg)
    shipped = fonts.shipped_font()
    for box in dlg.boxes.values():
        i = next(k for k in range(box.count()) if getattr(box.itemData(k), "key", None) == shipped.key)
        box.setCurrentIndex(i)
    dlg.accept()
    assert fonts.load_choice(ctx.db)["title"].key == shipped.key


def test_ledger_view_prints_as_filtered(qtbot, ctx: AppContext) -> None:
    from desktop_app.ledger.query import IssueFilter
    from ui.print.actions import print_ledger_view, print_notice

    ids = create_issues(ctx.db, TEST_ACTOR, [
        IssueInput(description="嘎洒镇道路破损。", unit="嘎洒镇", person="张堃", deadline=dt.date(2026, 6, 1), year=2026),
        IssueInput(description="勐龙镇台账不全。", unit="勐龙镇人民政府", person="王赟", deadline=dt.date(2026, 6, 1),
                   year=2026)], today=dt.date(2026, 3, 1))
    dlg = print_ledger_view(None, ctx, 0, IssueFilter(year=2026, unit="嘎洒镇"), note="筛选条件：责任单位=嘎洒镇")
    qtbot.addWidget(dlg)
    assert dlg.task is not None and dlg.task.wait(60_000)
    texts = "".join(op[3] for page in dlg.pages for op in page.ops if op[0] == "text")
    assert "嘎洒镇道路破损" in texts and "勐龙镇台账不全" not in texts and "筛选条件" in texts
    notice = print_notice(None, ctx, ids[1])
    qtbot.addWidget(notice)
    assert notice.task is not None and notice.task.wait(60_000)
    texts = "".join(op[3] for page in notice.pages for op in page.ops if op[0] == "text")
    assert "勐龙镇台账不全" in texts and "通知单" in texts


def test_settings_tab_saves_fonts(qtbot, ctx: AppContext) -> None:
    from ui.print.font_dialog import PrintFontsTab

    tab = PrintFontsTab(ctx)
    qtbot.addWidget(tab)
    shipped = fonts.shipped_font()
    box = tab.form.boxes["body"]
    box.setCurrentIndex(next(k for k in range(box.count()) if getattr(box.itemData(k), "key", None) == shipped.key))
    tab.save_button.click()
    assert fonts.load_choice(ctx.db)["body"].key == shipped.key and "已保存" in tab.status.text()
    tab.refresh()
    assert tab.form.boxes["body"].currentData().key == shipped.key


def test_ledger_page_print_buttons(qtbot, ledger_ctx: AppContext, dialog_answers) -> None:
    from ui.ledger.ledger_page import LedgerPage

    page = LedgerPage(ledger_ctx)
    qtbot.addWidget(page)
    page.show_issue(None)
    # nothing selected: 打印通知单 is greyed and says why; a click does nothing
    assert not page.notice_button.isEnabled() and page.notice_button.toolTip()
    page.notice_button.click()
    assert not page.findChildren(PrintPreviewDialog)
    page.tabs.setCurrentIndex(1)
    page.print_button.click()
    dlg = page.findChildren(PrintPreviewDialog)[-1]
    assert dlg.job.kind == "responsibility" and dlg.task is not None and dlg.task.wait(60_000)
    assert dlg.pages


def test_topics_page_print_button(qtbot, ctx: AppContext) -> None:
    from ui.work.topics_page import TopicsPage

    page = TopicsPage(ctx)
    qtbot.addWidget(page)
    page.buttons["print"].click()
    dlg = page.findChildren(PrintPreviewDialog)[-1]
    assert dlg.job.kind == "topics" and dlg.job.year == page.year.value()
    assert dlg.task is not None and dlg.task.wait(60_000) and dlg.pages
    texts = "".join(op[3] for op in dlg.pages[0].ops if op[0] == "text")
    assert "调研课题一览表" in texts


def test_visits_page_print_button(qtbot, ctx: AppContext) -> None:
    from ui.work.visits_page import VisitsPage

    page = VisitsPage(ctx)
    qtbot.addWidget(page)
    page.buttons["print"].click()
    dlg = page.findChildren(PrintPreviewDialog)[-1]
    assert dlg.job.kind == "visits" and dlg.job.year == page.year.value()
    assert dlg.task is not None and dlg.task.wait(60_000) and dlg.pages
    texts = "".join(op[3] for op in dlg.pages[0].ops if op[0] == "text")
    assert "调研" in texts and "安排" in texts


def test_a_signed_in_persons_print_names_them_and_is_on_the_audit_trail(qtbot, ledger_ctx: AppContext,
                                                                        tmp_path: Path) -> None:
    from sqlalchemy import select

    from db.models import AuditEntry
    from desktop_app.org import accounts

    accounts.add_account(ledger_ctx.db, TEST_ACTOR, "admin", "Admin2026", ["admin", "clerk"], person="刘洋")
    ledger_ctx.actor = accounts.sign_in(ledger_ctx.db, "admin", "Admin2026").actor
    dlg = open_print_preview(None, ledger_ctx, PrintJob("ledger", year=2026, today=dt.date(2026, 6, 20)))
    qtbot.addWidget(dlg)
    assert dlg.task is not None and dlg.task.wait(60_000)
    saved = tmp_path / "saved.pdf"
    assert dlg.save_pdf(str(saved))
    assert "填表人：刘洋" in text_of(saved)
    with ledger_ctx.db.session() as s:
        last = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalars().one()
    assert (last.action, last.actor, last.actor_login, last.target_id) == ("print", "刘洋", "admin", "ledger")
    assert "saved.pdf" in last.details
