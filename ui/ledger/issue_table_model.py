"""问题清单的表格模型 — a windowed model over the whole ledger: a count, then pages fetched by key.

Only the pages being looked at are in memory (at most ``MAX_PAGES``). A page
next to a cached one continues from its edge row (keyset: constant time at
any depth); any other page is read from the nearer end of the list by a small
offset, so jumping to the last row costs one short query.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from shiboken6 import isValid

from desktop_app.core.context import AppContext
from desktop_app.ledger import query
from desktop_app.ledger.estimates import ESTIMATE_MARK
from desktop_app.ledger.query import IssueFilter
from desktop_app.ledger.types import IssueRow
from desktop_app.ledger.warnings import WarningClock, warning_clock
from desktop_app.org import scope

PAGE = 200
MAX_PAGES = 12
COLOUR_BRUSHES = {"red": "#e5484d", "yellow": "#f0b429", "green": "#30a46c", "grey": "#a0a0a0"}
#: (field of IssueRow, column title, sort key or "")
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("colour_label", "预警", "colour"),
    ("serial", "编号", "serial"),
    ("category", "问题类别", "category"),
    ("description", "问题描述", "description"),
    ("kind_label", "整改类型", "kind"),
    ("responsible_unit", "责任单位", "responsible_unit"),
    ("responsible_person", "责任人", "responsible_person"),
    ("lead_leader", "牵头领导", "lead_leader"),
    ("deadline", "完成时限", "deadline"),
    ("original_deadline", "原定时限", "original_deadline"),
    ("status_label", "整改状态", "status"),
    ("progress_percent", "进度", "progress_percent"),
    ("latest_progress", "最新进展", "latest_progress"),
    ("source_label", "问题来源", "source"),
)
#: the column a prefecture's table adds (logically last): whose item each row is
OFFICE_COLUMN = ("office_code", "单位", "office_code")
Idx = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_USER = int(Qt.ItemDataRole.UserRole.value)
_ROLES = frozenset({_DISPLAY, _DECORATION, _FOREGROUND, _TOOLTIP, _USER})
_COLOURS = {k: QColor(v) for k, v in COLOUR_BRUSHES.items()}
_BRUSHES = {k: QBrush(QColor(v)) for k, v in COLOUR_BRUSHES.items()}
_ROOT = QModelIndex()


def display(row: IssueRow, field: str) -> str:
    """How one cell reads."""
    v = getattr(row, field)
    if v is None:
        return ""
    if field == "progress_percent":
        return f"{v}%"
    if field in ("deadline", "original_deadline"):
        if field == "original_deadline" and v == row.deadline:
            return ""
        if field == "deadline" and row.deadline_estimated:
            return v.strftime("%Y-%m-%d") + "（" + ESTIMATE_MARK + "）"
        return v.strftime("%Y-%m-%d")
    if field == "description" or field == "latest_progress":
        text = str(v).replace("\n", " ")
        return text if len(text) <= 60 else text[:60] + "…"
    return str(v)


class IssueTableModel(QAbstractTableModel):
    """Rows of the ledger under a filter and a sort, fetched a page at a time."""

    #: emitted with the exact row count once a background count (``counting``) ends
    count_known = Signal(int)

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filter = IssueFilter()
        self.sort_key = "serial"
        self.descending = False
        self._count = 0
        self._pages: OrderedDict[int, list[IssueRow]] = OrderedDict()
        self._texts: dict[str, tuple[str, ...]] = {}
        self._hot: tuple[int, list[IssueRow] | None] = (-1, None)
        self._clock: WarningClock | None = None
        # a prefecture lists its counties' items too: every row then names its office (单位)
        self.prefecture = bool(ctx.db.office_code) and scope.is_prefecture(ctx.db)
        self.columns: tuple[tuple[str, str, str], ...] = COLUMNS + ((OFFICE_COLUMN,) if self.prefecture else ())
        self._office_names: dict[str, str] = {}
        #: bumped by every query, so a background count of an older query is dropped
        self._generation = 0
        #: True while the exact count of a broad text is being made (rowCount is the first page meanwhile)
        self.counting = False

    # --- loading -------------------------------------------------------------------------------
    def set_query(self, f: IssueFilter, sort_key: str | None = None, descending: bool | None = None) -> None:
        """Show the rows of filter ``f`` (and optionally a new sort)."""
        self.beginResetModel()
        self.filter = f
        if sort_key is not None:
            self.sort_key = sort_key
        if descending is not None:
            self.descending = descending
        self._clock = warning_clock(self.ctx.db)
        self._pages.clear()
        self._texts.clear()
        self._hot = (-1, None)
        if self.prefecture:
            self._office_names = {c.code: c.name for c in scope.office_choices(self.ctx.db)}
        self._generation += 1
        self.counting = False
        if query.count_is_slow(self.ctx.db, f):
            # a broad text (整改 in most items): the first page now, the exact count off the UI thread
            first = query.fetch_page(self.ctx.db, f, self.sort_key, self.descending, limit=PAGE, clock=self._clock)
            self._pages[0] = first
            self._count = len(first)
            if len(first) == PAGE:
                self.counting = True
                self._count_later(self._generation)
        else:
            self._count = query.count_issues(self.ctx.db, f, self._clock)
            if self._count:
                self._page(0)  # the first screen comes with the count
        self.endResetModel()

    def _count_later(self, generation: int) -> None:
        # started once the first page is painted: the worker's Python work would hold the GIL
        # while the rows are drawn (measured: the repaint took twice as long)
        QTimer.singleShot(0, self, lambda: self._start_count(generation))

    def _start_count(self, generation: int) -> None:
        from ui.tasks import run_task

        if generation != self._generation:
            return  # the query moved on before the count began
        db, f, clock = self.ctx.db, self.filter, self._clock
        run_task(None, "统计条数", lambda _p: query.count_issues(db, f, clock),
                 on_done=lambda n: self._counted(generation, n), on_error=lambda _e: self._counted(generation, None),
                 show_progress=False)

    def _counted(self, generation: int, n: int | None) -> None:
        """The background count arrived: the rows beyond the first page appear (unless the query moved on)."""
        if not isValid(self) or generation != self._generation or not self.counting:
            return
        self.counting = False
        if n is not None and n > self._count:
            self.beginInsertRows(_ROOT, self._count, n - 1)
            self._count = n
            self.endInsertRows()
        self.count_known.emit(self._count)

    def reload(self) -> None:
        """Read again (after a change elsewhere), keeping filter and sort."""
        self.set_query(self.filter)

    def _fetch(self, p: int) -> list[IssueRow]:
        db, f, key, desc, clock = self.ctx.db, self.filter, self.sort_key, self.descending, self._clock
        start = p * PAGE
        size = min(PAGE, self._count - start)
        if p - 1 in self._pages and self._pages[p - 1]:
            after = query.row_key(self._pages[p - 1][-1], key)
            return query.fetch_page(db, f, key, desc, after_key=after, limit=size, clock=clock)
        if p + 1 in self._pages and self._pages[p + 1]:
            before = query.row_key(self._pages[p + 1][0], key)
            return query.fetch_page(db, f, key, desc, after_key=before, limit=size, clock=clock, from_end=True)
        from_end_offset = self._count - (start + size)
        if from_end_offset < start:
            return query.fetch_page(db, f, key, desc, offset=from_end_offset, limit=size, clock=clock, from_end=True)
        return query.fetch_page(db, f, key, desc, offset=start, limit=size, clock=clock)

    def _page(self, p: int) -> list[IssueRow]:
        if p == self._hot[0] and self._hot[1] is not None:
            return self._hot[1]
        rows = self._pages.get(p)
        if rows is None:
            rows = self._fetch(p)
            self._pages[p] = rows
            while len(self._pages) > MAX_PAGES:
                _old, dropped = self._pages.popitem(last=False)
                for gone in dropped:
                    self._texts.pop(gone.id, None)
        else:
            self._pages.move_to_end(p)
        self._hot = (p, rows)
        return rows

    def row_at(self, r: int) -> IssueRow | None:
        """The row at position ``r`` (fetching its page if needed)."""
        if not (0 <= r < self._count):
            return None
        rows = self._page(r // PAGE)
        i = r % PAGE
        return rows[i] if i < len(rows) else None

    def issue_id(self, r: int) -> str | None:
        """The id of the item at row ``r``."""
        row = self.row_at(r)
        return row.id if row else None

    def cached_pages(self) -> int:
        """How many pages are in memory (tests and the benchmark check it stays small)."""
        return len(self._pages)

    # --- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: Idx = _ROOT) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Idx = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Idx, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # called for every visible cell and role on each paint: plain int roles and cached texts
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        r = index.row()
        row = self.row_at(r)
        if row is None:
            return None
        c = index.column()
        if role == _DISPLAY:
            texts = self._texts.get(row.id)
            if texts is None:
                texts = self._texts[row.id] = tuple(
                    self._office_names.get(row.office_code, row.office_code) if f == "office_code" else display(row, f)
                    for f, _t, _k in self.columns)
            return texts[c]
        if c == 0 and role == _DECORATION:
            return _COLOURS[row.colour]
        if c == 0 and role == _FOREGROUND:
            return _BRUSHES[row.colour]
        if role == _TOOLTIP and self.columns[c][0] in ("description", "latest_progress"):
            return getattr(row, self.columns[c][0])
        if role == _USER:
            return row.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section][1] if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self.columns)) or not self.columns[column][2]:
            return
        if self.columns[column][2] == self.sort_key and (order == Qt.SortOrder.DescendingOrder) == self.descending:
            return
        self.set_query(self.filter, self.columns[column][2], order == Qt.SortOrder.DescendingOrder)
