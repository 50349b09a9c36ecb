"""The one read-only table model over a short list of rows, through column specs.

A row is anything — a plain dataclass, a dict, a tuple of cells — and a column says how to read it:
``Column(title, get, numeric, colour, tooltip, background)``. For lists that stay small (sections and
people, backups, bundles and peers, a year's topics and visits, an exam's ranking, a year's holidays).
Data that grows without bound uses a windowed model instead (see ``ui/ledger/issue_table_model.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

_Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")
_NUMBER = re.compile(r"-?\d+(\.\d+%?|%)")  # 83.1, 31.3%: digits alone may be a code (532801)


def is_number(value: Any) -> bool:
    """A count, a score or a rate such as ``31.3%`` (not an office code such as ``"532801"``)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value) is not None)


def fmt(value: Any, float_digits: int = 2) -> str:
    """How a cell value reads: dates as ISO, floats without needless decimals, lists joined with 、."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, float):
        return f"{value:.{float_digits}f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return "、".join(str(x) for x in value)
    return str(value)  # str(date) is its ISO form


@dataclass(frozen=True)
class Column(Generic[T]):
    """A column: title, how to get the value from a row, right-aligned if numeric (None: when the value
    reads as a number, ``is_number``), and optional per-row text colour, tooltip and background colour."""

    title: str
    get: Callable[[T], Any]
    numeric: bool | None = False
    colour: Callable[[T], str | None] | None = None
    tooltip: Callable[[T], str | None] | None = None
    background: Callable[[T], str | None] | None = None


def cell_columns(headers: Sequence[str], right: Sequence[int] = ()) -> list[Column[tuple[Any, ...]]]:
    """Columns over rows that are tuples of cells, one title each; numbers (and the ``right`` columns) line up
    on the right."""
    return [Column(h, _cell(i), True if i in right else None) for i, h in enumerate(headers)]


def _cell(i: int) -> Callable[[tuple[Any, ...]], Any]:
    return lambda r: r[i]


class RowsTableModel(QAbstractTableModel, Generic[T]):
    """Read-only rows of one dataclass type, shown through a list of columns.

    ``float_digits`` and ``tooltips`` (the cell text as its tooltip too) are given or set by a subclass, which
    may answer other roles in ``extra``. ``background(row)`` colours a whole row (refusals, revoked keys).
    Each row may carry a key for the caller (an id or a path: ``set_keyed``, ``key``).
    """

    float_digits = 2
    tooltips = False

    def __init__(self, columns: Sequence[Column[T] | tuple[str, Callable[[T], Any]]], parent: Any = None,
                 background: Callable[[T], str | None] | None = None, *, float_digits: int | None = None,
                 tooltips: bool | None = None) -> None:
        super().__init__(parent)
        if float_digits is not None:
            self.float_digits = float_digits
        if tooltips is not None:
            self.tooltips = tooltips
        # a (title, getter) pair is a column whose numbers line up on the right
        self.columns = [c if isinstance(c, Column) else Column(c[0], c[1], None) for c in columns]
        self.items: list[T] = []
        self.keys: list[Any] = []
        self._background = background

    @property
    def rows(self) -> list[T]:
        """The rows as shown."""
        return self.items

    def set_items(self, items: Sequence[T]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.items = list(items)
        self.keys = []
        self.endResetModel()

    def set_keyed(self, rows: Sequence[tuple[Any, T]]) -> None:
        """Replace the rows with ``(key, row)`` pairs."""
        self.set_items([r for _, r in rows])
        self.keys = [k for k, _ in rows]

    def item(self, row: int) -> T | None:
        """The row's object (None out of range)."""
        return self.items[row] if 0 <= row < len(self.items) else None

    def key(self, row: int) -> Any:
        """The key of a row given with ``set_keyed`` (None when out of range)."""
        return self.keys[row] if 0 <= row < len(self.keys) else None

    def row_of(self, key: Callable[[T], bool]) -> int:
        """The first row matching ``key``, or -1."""
        return next((i for i, it in enumerate(self.items) if key(it)), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.items)) or not (
                0 <= index.column() < len(self.columns)):
            return None
        item, col = self.items[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip is not None:
            return col.tooltip(item)
        if role == Qt.ItemDataRole.DisplayRole or (self.tooltips and role == Qt.ItemDataRole.ToolTipRole):
            return fmt(col.get(item), self.float_digits)
        if role == Qt.ItemDataRole.TextAlignmentRole and (
                col.numeric or (col.numeric is None and is_number(col.get(item)))):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col.colour is not None:
            c = col.colour(item)
            return QBrush(QColor(c)) if c else None
        if role == Qt.ItemDataRole.BackgroundRole and (col.background is not None or self._background is not None):
            c = (col.background(item) if col.background is not None else None) or (
                self._background(item) if self._background is not None else None)
            return QBrush(QColor(c)) if c else None
        return self.extra(item, index.column(), role)

    def extra(self, item: T, column: int, role: int) -> Any:
        """Other roles (colours) for subclasses."""
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None
