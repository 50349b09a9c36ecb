"""工作台 › 生成公文: each campaign document of the current period opens in the print preview (A4, no paper
choice, 另存为 Word offered) with the office's figures, and 另存为 Word writes the same document."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from PySide6.QtWidgets import QApplication

from desktop_app.core.context import AppContext
from tests.helpers.campaign_dataset import build
from ui.dashboard.dashboard_page import DashboardPage
from ui.print.preview_dialog import PrintPreviewDialog

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def test_documents_menu_previews_each_document(qtbot, ctx: AppContext, tmp_path: Path) -> None:  # noqa: ANN001
    build(ctx.db)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    actions = page.documents_button.menu().actions()
    assert [a.text() for a in actions] == ["月度工作报告", "季度督查通报", "半年复盘报告", "评比表彰通报"]
    titles = {"monthly-report": "大调研工作情况的报告", "quarter-bulletin": "大调研工作督查情况的通报",
              "half-year-review": "大调研工作复盘报告", "award-notice": "先进科室和工作能手的通报"}
    for action in actions:
        action.trigger()
        dlg = page.findChildren(PrintPreviewDialog)[-1]
        assert dlg.job.kind == action.data()
        assert dlg.task is not None and dlg.task.wait(60_000)
        QApplication.processEvents()
        text = "".join("".join(op[3] for p in dlg.pages for op in p.ops if op[0] == "text").split())
        assert titles[dlg.job.kind] in text and "景洪市乡村振兴局" in text
        assert dlg.word_btn.isVisibleTo(dlg) and not dlg.paper_box.isVisibleTo(dlg)
        if dlg.job.kind == "award-notice":
            out = tmp_path / "award.docx"
            dlg.save_word(str(out))
            qtbot.waitUntil(out.exists, timeout=30_000)
            words = "".join(p.text for p in Document(str(out)).paragraphs)
            assert "先进科室和工作能手的通报" in words
        dlg.close()
