"""The 文件 menu's Excel entries: 导入 Excel… and 导出 Excel ▸ (each list, and a unit's 回执表).

Built with the window's frame, before any data folder is open: nothing heavy is
imported here, and each entry asks for the context only when it is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow, QMenu

from ui import dialogs

if TYPE_CHECKING:
    from desktop_app.core.context import AppContext

EXPORTS = (("ledger", "问题台账(&L)…"), ("visits", "调研安排(&V)…"), ("topics", "调研课题(&T)…"),
           ("days", "基层调研天数(&D)…"), ("scores", "最近一次考试成绩(&S)…"))


def add_excel_actions(window: QMainWindow, menu: QMenu, get_ctx: Callable[[], AppContext | None]) -> QMenu:
    """Add the Excel entries to ``menu``; ``get_ctx()`` gives the open data folder (None before it is open)."""

    def do_import() -> None:
        from ui.excel.actions import open_import_dialog

        ctx = get_ctx()
        if ctx is not None:
            open_import_dialog(window, ctx)

    def do_export(kind: str) -> None:
        from ui.excel.actions import export_list

        ctx = get_ctx()
        if ctx is not None:
            export_list(window, ctx, kind)

    def do_roundtrip() -> None:
        ctx = get_ctx()
        if ctx is not None:
            export_roundtrip(window, ctx)

    act = menu.addAction(window.tr("导入 Excel(&I)…"))
    act.triggered.connect(do_import)
    sub = menu.addMenu(window.tr("导出 Excel(&E)"))
    for kind, label in EXPORTS:
        a = sub.addAction(window.tr(label))
        a.triggered.connect(lambda _checked=False, k=kind: do_export(k))
    sub.addSeparator()
    rt = sub.addAction(window.tr("责任单位整改回执表(&R)…"))
    rt.triggered.connect(do_roundtrip)
    return sub


def export_roundtrip(window: QMainWindow, ctx: AppContext) -> None:
    """Ask for the responsible unit, then export its 回执表."""
    from ui.excel.actions import export_list

    unit = dialogs.ask_text(window, window.tr("责任单位名称（与问题台账中的“责任单位”一致）"), window.tr("导出整改回执表"))
    if unit and unit.strip():
        export_list(window, ctx, "roundtrip", unit=unit.strip())
