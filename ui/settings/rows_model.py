"""A small read-only table model over a short list of rows (sections, people, backups).

For short lists only; growing data (the ledger) uses windowed models over SQL pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """Rows of display values, each with a key (an id or path) for the caller."""

    def __init__(self, headers: Sequence[str], parent: Any = None, right_columns: Sequence[int] = ()) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.right_columns = set(right_columns)  # numbers and number-like text line up on the right
        self.rows: list[tuple[Any, ...]] = []
        self.keys: list[Any] = []

    def set_rows(self, rows: Sequence[tuple[Any, tuple[Any, ...]]]) -> None:
        """Replace the content with ``(key, (cell, cell, …))`` pairs."""
        self.beginResetModel()
        self.keys = [k for k, _ in rows]
        self.rows = [tuple(v) for _, v in rows]
        self.endResetModel()

    def key(self, row: int) -> Any:
        """The key of a row (None when out of range)."""
        return self.keys[row] if 0 <= row < len(self.keys) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and (isinstance(value, int | float)
                                                           or index.column() in self.right_columns):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None
