"""工作台 › 打印年度汇总: the button and Ctrl+P open the yearly summary's print preview (never blocking)."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.core.context import AppContext
from ui.dashboard.dashboard_page import DashboardPage
from ui.print.preview_dialog import PrintPreviewDialog

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _texts(dlg: PrintPreviewDialog) -> str:
    return "".join(op[3] for page in dlg.pages for op in page.ops if op[0] == "text")


def test_print_button_previews_this_years_summary(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    assert page.print_button.text() == "打印年度汇总" and page.year == 2026
    assert not page.findChildren(PrintPreviewDialog)
    page.print_button.click()
    dlg = page.findChildren(PrintPreviewDialog)[-1]
    assert dlg.job.kind == "summary" and dlg.job.year == 2026
    assert not dlg.isModal()  # the preview is non-modal: the dashboard stays usable
    assert dlg.task is not None and dlg.task.wait(60_000)
    QApplication.processEvents()
    assert dlg.pages and dlg.pdf.startswith(b"%PDF")
    text = "".join(_texts(dlg).split())
    assert "景洪市乡村振兴局2026年大调研工作汇总" in text and "基层调研天数" in text
    dlg.close()


def test_ctrl_p_on_the_dashboard_opens_the_preview(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    with qtbot.waitActive(page):  # a window shortcut fires only in the active window
        page.show()
        page.activateWindow()
    qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(page.findChildren(PrintPreviewDialog)), timeout=5_000)
    dlg = page.findChildren(PrintPreviewDialog)[-1]
    assert dlg.job.kind == "summary"
    assert dlg.task is not None and dlg.task.wait(60_000)
    dlg.close()
