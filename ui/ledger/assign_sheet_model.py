"""The 批量交办 preview as a table: one row per sheet row, what becomes of it, and why not (in red)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.excel.assign_sheet import STATE_ASSIGNED, STATE_ERROR, SheetRow

Index = QModelIndex | QPersistentModelIndex
_ERROR_BG = QBrush(QColor("#fde2e1"))
_ERROR_FG = QBrush(QColor("#b3261e"))
_DONE_FG = QBrush(QColor("#6b6b6b"))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

COLUMNS = (("row", "行号"), ("county", "县（市、区）"), ("description", "问题描述"), ("measures", "整改要求"),
           ("deadline", "完成时限"), ("result", "结果/原因"))


def _deadline_text(r: SheetRow) -> str:
    if r.deadline_workdays is not None:
        return f"{r.deadline_workdays}个工作日（{r.deadline:%Y-%m-%d}）" if r.deadline else f"{r.deadline_workdays}个工作日"
    if r.deadline:
        return f"{r.deadline:%Y-%m-%d}"
    return {"immediate": "立行立改", "ongoing": "长期坚持"}.get(r.kind, "")


class AssignSheetModel(QAbstractTableModel):
    """Rows of a ``SheetPreview`` (already in memory; a 交办 sheet holds hundreds of rows, not 100k).

    ``only_problems`` narrows the view to rows that will not be assigned (errors first of all).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[SheetRow] = []
        self._visible: list[int] = []
        self._only_problems = False

    def set_rows(self, rows: list[SheetRow]) -> None:
        """Show a new preview."""
        self.beginResetModel()
        self._rows = rows
        self._refilter()
        self.endResetModel()

    def set_only_problems(self, only: bool) -> None:
        """Show only the rows with errors."""
        self.beginResetModel()
        self._only_problems = only
        self._refilter()
        self.endResetModel()

    def _refilter(self) -> None:
        self._visible = [i for i, r in enumerate(self._rows) if not self._only_problems or r.state == STATE_ERROR]

    def row_at(self, view_row: int) -> SheetRow:
        """The sheet row shown at ``view_row``."""
        return self._rows[self._visible[view_row]]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return QCoreApplication.translate("AssignSheetModel", COLUMNS[section][1])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._visible)) or not (0 <= index.column() < len(COLUMNS)):
            return None
        r = self.row_at(index.row())
        key = COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(r, key, role == Qt.ItemDataRole.ToolTipRole)
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "row":
            return _RIGHT
        if role == Qt.ItemDataRole.BackgroundRole and r.state == STATE_ERROR:
            return _ERROR_BG
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.state == STATE_ERROR and key == "result":
                return _ERROR_FG
            if r.state == STATE_ASSIGNED:
                return _DONE_FG
        return None

    def _text(self, r: SheetRow, key: str, tooltip: bool) -> str | None:
        if key == "row":
            return str(r.row)
        if key == "county":  # the office found; what the sheet wrote, when it differs, in the tooltip
            if tooltip and r.county_name and r.county_text != r.county_name:
                return QCoreApplication.translate("AssignSheetModel", "表格中写作：") + r.county_text
            return r.county_name or r.county_text
        if key == "description":
            return r.description
        if key == "measures":
            return r.measures
        if key == "deadline":
            return _deadline_text(r)
        label = QCoreApplication.translate("AssignSheetModel", r.state_label)
        if r.state == STATE_ERROR:
            return f"{label}：{r.reason}"
        if r.state == STATE_ASSIGNED:
            return r.reason
        return label if not tooltip else None
