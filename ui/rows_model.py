"""A read-only table model over a short list of plain dataclasses, through column specs.

For lists that stay small (a year's topics and visits, an exam's ranking, a year's
holidays). Data that grows without bound uses a windowed model instead (see
``ui/ledger/issue_table_model.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

_Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


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
    """A column: title, how to get the value from a row, right-aligned if numeric, and an
    optional text colour per row."""

    title: str
    get: Callable[[T], Any]
    numeric: bool = False
    colour: Callable[[T], str | None] | None = None


class RowsTableModel(QAbstractTableModel, Generic[T]):
    """Read-only rows of one dataclass type, shown through a list of columns.

    Subclasses set ``float_digits`` and ``tooltips`` (the cell text as its tooltip too) and
    may answer other roles in ``extra``.
    """

    float_digits = 2
    tooltips = False

    def __init__(self, columns: Sequence[Column[T]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.items: list[T] = []

    def set_items(self, items: Sequence[T]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def item(self, row: int) -> T | None:
        """The row's object (None out of range)."""
        return self.items[row] if 0 <= row < len(self.items) else None

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
        if role == Qt.ItemDataRole.DisplayRole or (self.tooltips and role == Qt.ItemDataRole.ToolTipRole):
            return fmt(col.get(item), self.float_digits)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col.colour is not None:
            c = col.colour(item)
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
