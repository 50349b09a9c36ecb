"""Models of 责任清单 and 督办清单 — small, grouped views of the ledger (one row per unit/person or per late item)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from desktop_app.ledger.types import ResponsibilityRow, SupervisionRow
from ui.ledger.issue_table_model import COLOUR_BRUSHES

Idx = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class _ListModel(QAbstractTableModel):
    titles: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Idx = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Idx = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.titles)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.titles[section] if 0 <= section < len(self.titles) else None
        return None


class ResponsibilityModel(_ListModel):
    """责任清单: per responsible unit (bold) and per person within it."""

    titles = ("责任单位", "责任人", "问题数", "未销号", "已销号", "逾期", "临期", "销号率")

    def data(self, index: Idx, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        r: ResponsibilityRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            unit = f"{r.office}·{r.unit or '（未填）'}" if r.office else r.unit or "（未填）"  # every office
            values = (unit if not r.person else "", r.person, r.total, r.open, r.closed, r.red, r.yellow,
                      f"{r.closure_rate * 100:.1f}%")
            return str(values[index.column()])
        if role == Qt.ItemDataRole.FontRole and not r.person:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 5 and r.red:
            return QColor(COLOUR_BRUSHES["red"])
        if role == Qt.ItemDataRole.UserRole:
            return (r.unit, r.person_key)
        return None


class SupervisionModel(_ListModel):
    """督办清单: red and yellow items, most overdue first, with their urges."""

    titles = ("预警", "编号", "问题描述", "责任单位", "责任人", "完成时限", "剩余工作日", "催办次数", "最近催办")

    def data(self, index: Idx, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        s: SupervisionRow = self.rows[index.row()]
        r = s.row
        if role == Qt.ItemDataRole.DisplayRole:
            last = s.urges[-1] if s.urges else None
            left = "" if s.workdays_left is None else (f"逾期{-s.workdays_left}个工作日" if s.workdays_left < 0
                                                        else f"{s.workdays_left}个工作日")
            unit = f"{s.office}·{r.responsible_unit}" if s.office else r.responsible_unit  # every office
            values = (r.colour_label, r.serial, r.description[:60], unit, r.responsible_person,
                      r.deadline.strftime("%Y-%m-%d") if r.deadline else "", left, str(len(s.urges)),
                      f"{last.date:%m-%d} {last.level_label}" if last else "")
            return values[index.column()]
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return QColor(COLOUR_BRUSHES[r.colour])
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return r.description
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None
