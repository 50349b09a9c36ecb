"""生成公文 — the campaign documents (月度工作报告, 季度督查通报, 半年复盘报告, 评比表彰通报) of the current period,
opened in the print preview, from where they print, save as PDF or save as Word."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from desktop_app.documents.campaign_kinds import CAMPAIGN_KIND_LABELS
from ui import dialogs

#: the documents of a period (the 调研报告初稿 is made from a topic, on the topics page)
PERIOD_KINDS = ("monthly-report", "quarter-bulletin", "half-year-review", "award-notice")


def campaign_documents_button(parent: QWidget, ctx: Any, office: Any) -> QPushButton:
    """A 生成公文 button whose menu opens each document of the current period for ``office()`` (查看范围)."""
    button = QPushButton(parent.tr("生成公文"))
    button.setToolTip(parent.tr("本月/本季度/本半年的工作报告、督查通报、复盘报告、表彰通报：预览后可打印、另存为 PDF 或 Word"))
    menu = QMenu(button)
    for kind in PERIOD_KINDS:
        action = menu.addAction(CAMPAIGN_KIND_LABELS[kind])
        action.setData(kind)
        action.triggered.connect(lambda _checked=False, k=kind: open_campaign_document(parent, ctx, k, office()))
    button.setMenu(menu)
    return button


def open_campaign_document(parent: QWidget, ctx: Any, kind: str, office: str = "") -> Any:
    """Preview one campaign document of the current period."""
    # imported on use: the dashboard shows this button at start-up, and reportlab costs ~0.3 s to import
    from desktop_app.reports.jobs import PrintJob
    from ui.print.preview_dialog import open_print_preview

    with dialogs.guard(parent):
        return open_print_preview(parent, ctx, PrintJob(kind, today=dt.date.today(), office=office or ""))
    return None
