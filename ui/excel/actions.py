"""导出 Excel actions any page can call: pick a file, export off the UI thread, say where it went."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from ui import dialogs
from ui.tasks import Task, run_task

if TYPE_CHECKING:
    from desktop_app.core.context import AppContext

_DEFAULT_NAMES = {"ledger": "问题台账", "visits": "调研安排", "topics": "调研课题", "days": "基层调研天数",
                  "scores": "成绩", "roundtrip": "整改回执表", "crowding": "扎堆调研清单",
                  "outcomes": "成果转化运用清单", "meetings": "会议研讨记录表", "plans": "计划清单"}


def export_list(parent: QWidget, ctx: AppContext, kind: str, year: int | None = None, unit: str | None = None,
                path: str | None = None, ledger_filter: Any = None, office: str = "") -> Task | None:
    """Export one list (``kind`` of ``desktop_app.excel.lists.EXPORT_KINDS``) to a file the user picks.

    ``ledger_filter`` (an IssueFilter) exports exactly the ledger view on screen; ``office`` is the
    scope shown (``desktop_app.org.scope``: this office, one county, or all).
    Returns the running task (None when the user cancelled the file dialog).
    """
    from desktop_app.excel.lists import export_kind, export_ledger
    from desktop_app.reports.layout import saved_paper

    name = _DEFAULT_NAMES.get(kind, "导出") + (f"_{unit}" if unit else "")
    target = path or dialogs.save_file(parent, parent.tr("导出 Excel"), parent.tr("Excel 文件 (*.xlsx)"), f"{name}.xlsx")
    if not target:
        return None
    if not target.lower().endswith(".xlsx"):
        target += ".xlsx"
    out, db = Path(target), ctx.db

    def work(progress: Any) -> Any:
        def step(n: int) -> None:
            progress(n, 0, f"已写入 {n} 行…")

        paper = saved_paper(db)  # 设置 → 打印字体 › 清单纸张: the sheet's page setup too
        if kind == "ledger" and ledger_filter is not None:
            return export_ledger(db, out, f=ledger_filter, progress=step, paper=paper)
        return export_kind(db, out, kind, year=year, unit=unit, progress=step, office=office, paper=paper)

    def done(result: Any) -> None:
        from desktop_app.core import audit_log

        with dialogs.guard(parent):
            audit_log.record_output(ctx.db, ctx.actor, "export", kind, str(result.path))  # on the audit trail
        dialogs.file_saved(parent, parent.tr("已导出 %1 行到 %2").replace("%1", str(result.rows))
                           .replace("%2", str(result.path)), result.path)

    return run_task(parent, parent.tr("导出 Excel"), work, on_done=done, cancellable=True)


def open_import_dialog(parent: QWidget, ctx: AppContext, kind: str = "ledger", path: str | None = None) -> Any:
    """Show the import dialog (modal); returns it after it closed (``outcome`` holds what was imported)."""
    from ui.excel.import_dialog import ExcelImportDialog

    dlg = ExcelImportDialog(ctx, kind, parent)
    if path:
        dlg.load(path)
    dlg.exec()
    return dlg
