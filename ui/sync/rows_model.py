"""A small read-only table model over a list of rows (peers, preview counts, conflicts, rankings).

These lists are bounded (tens to a few hundred rows), so a plain list is right here;
the big ledger uses its own windowed model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

Idx = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_NUMBER = re.compile(r"-?\d+(\.\d+%?|%)")  # 83.1, 31.3%: digits alone may be a code (532801)


def _is_number(value: Any) -> bool:
    """A count, a score or a rate such as ``31.3%`` (not an office code such as ``"532801"``)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value) is not None)


class RowsModel(QAbstractTableModel):
    """Columns are ``(title, getter)``; ``highlight(row)`` may colour a row (e.g. refusals);
    ``cell_highlight(row, column)`` one cell (a value that stands out in its column), as
    ``(colour, tooltip)`` or None."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[Any], Any]]], parent: Any = None,
                 highlight: Callable[[Any], str | None] | None = None,
                 cell_highlight: Callable[[Any, int], tuple[str, str] | None] | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []
        self._highlight = highlight
        self._cell_highlight = cell_highlight

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, i: int) -> Any:
        """The item behind view row ``i``."""
        return self.rows[i]

    def rowCount(self, parent: Idx = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Idx = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0] if 0 <= section < len(self.columns) else None
        return None

    def data(self, index: Idx, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        item = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.columns[index.column()][1](item)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and _is_number(self.columns[index.column()][1](item)):
            # counts, rates and scores line up on the right, as in the other pages' tables
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self._highlight is not None:
            colour = self._highlight(item)
            return QBrush(QColor(colour)) if colour else None
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole) and self._cell_highlight is not None:
            mark = self._cell_highlight(item, index.column())
            if mark is None:
                return None
            return QBrush(QColor(mark[0])) if role == Qt.ItemDataRole.BackgroundRole else mark[1]
        return None
