"""工作台面板 · 待办: everything due or overdue for this office, red first; a double-click (or Enter) opens the place
to act, and the sidebar entries show how many to-dos each page holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QFrame, QLabel, QTableView, QVBoxLayout, QWidget
from shiboken6 import isValid

from desktop_app.campaign import todo
from desktop_app.campaign.todo import TodoEntry
from desktop_app.core.context import AppContext
from ui import dialogs, layout_memory
from ui.rows_model import Column, RowsTableModel
from ui.signals import bus
from ui.tasks import Task, run_task
from ui.work.table_models import WORK_CELLS
from ui.work.widgets import table_view

SEVERITY_COLOURS = {"red": ("#a61b1b", "#fde7e7"), "yellow": ("#8a5a00", "#fff4d6")}


def _tr(text: str) -> str:
    return QCoreApplication.translate("todo", text)


class TodoModel(RowsTableModel[TodoEntry]):
    """紧急程度 · 类别 · 时限 · 事项 (the title last: it takes the width the row has)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([
            Column(_tr("紧急"), lambda e: "● " + (_tr("逾期") if e.due and e.due < self.today else
                                                  _tr("紧急") if e.severity == "red" else _tr("临近")),
                   colour=lambda e: SEVERITY_COLOURS[e.severity][0]),
            Column(_tr("类别"), lambda e: e.kind_label),
            Column(_tr("时限"), lambda e: e.due),
            Column(_tr("事项"), lambda e: e.title),
        ], parent, **WORK_CELLS)
        self.today = dt.date.today()  # the day the list was read for (the window's clock)

    def extra(self, item: TodoEntry, column: int, role: int) -> Any:
        """Red rows on a light red ground."""
        if role == Qt.ItemDataRole.BackgroundRole and item.severity == "red":
            return QBrush(QColor(SEVERITY_COLOURS["red"][1]))
        return None


class TodoPanel(QFrame):
    """待办 (to-do) on the dashboard."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("Card")
        self.task: Task | None = None
        self._generation = 0
        self.entries: list[TodoEntry] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        self.title = QLabel(self.tr("待办"))
        self.title.setObjectName("StatLabel")
        self.hint = QLabel(self.tr("双击一行（或按回车）打开办理的位置"))
        self.hint.setObjectName("Hint")
        self.model = TodoModel(self)
        self.table: QTableView = table_view(self.model)
        self.table.setMinimumHeight(180)
        self.setMinimumWidth(440)  # the titles must be readable: the dashboard puts a wide panel on a row of its own
        self.table.activated.connect(lambda index: self.open_entry(index.row()))
        lay.addWidget(self.title)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.hint)
        bus().changed.connect(self._on_changed)
        # read once the panel sits in its window: the list is for the window's day (its clock), not the machine's
        QTimer.singleShot(0, self, self.refresh)

    def _on_changed(self, _kind: str, _ids: list) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the to-do list again off the UI thread."""
        if not self.ctx.db.office_code:
            return
        self._generation += 1
        generation, db = self._generation, self.ctx.db
        clock = getattr(self.window(), "clock", None)  # the main window's (a test moves it)
        day = clock() if callable(clock) else dt.date.today()

        def done(entries: list[TodoEntry]) -> None:
            if isValid(self) and generation == self._generation:
                self.model.today = day
                self.show_entries(entries)

        self.task = run_task(self, self.tr("读取待办"), lambda _p: todo.todo_list(db, day), on_done=done,
                             show_progress=False)

    def show_entries(self, entries: list[TodoEntry]) -> None:
        """Show the list, its counts in the title and on the sidebar."""
        self.entries = entries
        self.model.set_items(entries)
        layout_memory.fit_to_contents(self.table)
        red = sum(e.severity == "red" for e in entries)
        self.title.setText(self.tr("待办（%1 项，其中紧急 %2 项）").replace("%1", str(len(entries)))
                           .replace("%2", str(red)) if entries else self.tr("待办：暂无到期事项"))
        win = self.window()
        set_counts = getattr(win, "set_nav_counts", None)
        if callable(set_counts):
            set_counts(todo.counts_by_page(entries))

    def open_entry(self, row: int) -> None:
        """Open the page of an entry at its row (the section's plan, the ledger item, the topic …)."""
        e = self.model.item(row)
        win = self.window()
        if e is None or not hasattr(win, "show_page"):
            return
        if e.page not in getattr(win, "specs", {}):
            dialogs.info(self, self.tr("“%1”所在的页面尚未启用").replace("%1", e.title))
            return
        with dialogs.guard(self):
            page = win.show_page(e.page)
            open_target(page, e.target_id, e.detail)


def open_target(page: QWidget, target_id: str, detail: str = "") -> None:
    """Bring a page to one row: its own ``open_target``, the ledger's ``show_issue``, or the row in its table."""
    if not target_id:
        return
    opener = getattr(page, "open_target", None)
    if callable(opener):
        opener(target_id, detail)
        return
    show_issue = getattr(page, "show_issue", None)
    if callable(show_issue):
        show_issue(target_id)
        return
    model, table = getattr(page, "model", None), getattr(page, "table", None)
    row_of = getattr(model, "row_of", None)
    if callable(row_of) and isinstance(table, QTableView):
        row = row_of(lambda r: getattr(r, "id", None) == target_id)
        if row >= 0:
            table.selectRow(row)
