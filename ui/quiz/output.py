"""Printing and exporting from the quiz pages, through the shared print preview and Excel exporter.

Both are other capabilities; when one is missing the clerk is told calmly instead of a crash.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from desktop_app.core.context import AppContext
from ui import dialogs
from ui.tasks import Progress, run_task


def print_preview(parent: QWidget, ctx: AppContext, kind: str, item: str, year: int, office: str = "") -> QWidget | None:
    """Open the print preview of a paper and its key (``paper``: an exam or paper id) or an exam's
    公示 score list (``scores``: an exam id); returns the preview dialog.

    ``office`` is the scope shown (``desktop_app.org.scope``): a prefecture prints a county's list.
    """
    from desktop_app.reports.jobs import PrintJob
    from ui.print.preview_dialog import open_print_preview

    dlg: QWidget | None = None
    with dialogs.guard(parent):
        dlg = open_print_preview(parent, ctx, PrintJob(kind, year=year, item=item, office=office))
    return dlg


def export_scores(parent: QWidget, ctx: AppContext, exam_id: str, year: int, title: str, office: str = "") -> None:
    """Save the exam's 公示 score list as a hand-made-looking .xlsx (``office``: the scope shown)."""
    path = dialogs.save_file(parent, parent.tr("导出成绩公示表"), parent.tr("Excel 文件 (*.xlsx)"), f"{title}成绩.xlsx")
    if not path:
        return
    db = ctx.db

    def work(progress: Progress) -> int:
        from desktop_app.excel.lists import export_scores as export

        progress(0, 0, "正在导出…")
        return export(db, Path(path), year=year, exam_id=exam_id, office=office).rows

    run_task(parent, parent.tr("导出成绩公示表"), work,
             on_done=lambda n: dialogs.file_saved(parent, parent.tr("已导出 %1 行到 %2").replace("%1", str(n))
                                                  .replace("%2", path), path))
