"""Table models of 会议研讨: the meetings list and the 组工讲堂 grid (sections × months)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.campaign.meeting_compliance import DUE, HELD, ComplianceGrid
from desktop_app.campaign.meetings import MeetingInfo
from ui.rows_model import Column, RowsTableModel
from ui.work.table_models import WORK_CELLS, OfficeColumnMixin

#: the grid's colours: held, missing, due this month (light background, dark text)
MARK_COLOURS = {HELD: ("#e6f4ea", "#1e6b34"), DUE: ("#fff4d6", "#8a5a00")}
MISSING_COLOURS = ("#fde7e7", "#a61b1b")


def _tr(text: str) -> str:
    return QCoreApplication.translate("meetings", text)


class MeetingTableModel(OfficeColumnMixin, RowsTableModel[MeetingInfo]):
    """会议研讨 list: date, kind, theme, section, host, attendance n/m, what came of it (单位 last)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([
            Column(_tr("日期"), lambda m: m.date),
            Column(_tr("会议类型"), lambda m: m.kind),
            Column(_tr("主题"), lambda m: m.theme),
            Column(_tr("科室"), lambda m: m.section_name),
            Column(_tr("主持人"), lambda m: m.host_name),
            Column(_tr("实到/应到"), lambda m: m.attendance, True),
            Column(_tr("转为问题/课题"), lambda m: m.linked_text),
            self.office_column(),
        ], parent, **WORK_CELLS)


class ComplianceModel(QAbstractTableModel):
    """组工讲堂落实情况: one row per section, one column per month, ✓ / 缺 / 待."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid: ComplianceGrid | None = None

    def set_grid(self, grid: ComplianceGrid | None) -> None:
        """Show ``grid`` (None: empty)."""
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.grid is None else len(self.grid.sections)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.grid is None else len(self.grid.months)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or self.grid is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _tr("%1月").replace("%1", str(int(self.grid.months[section][5:])))
        return self.grid.sections[section]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.grid is None or not index.isValid():
            return None
        sec, mon = self.grid.sections[index.row()], self.grid.months[index.column()]
        mark = self.grid.mark(sec, mon)
        if role == Qt.ItemDataRole.DisplayRole:
            return mark
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        bg, fg = MARK_COLOURS.get(mark, MISSING_COLOURS)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(bg))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(fg))
        if role == Qt.ItemDataRole.ToolTipRole:
            n = self.grid.held.get((sec, mon), 0)
            return (_tr("%1 %2：已举办 %3 次组工讲堂").replace("%3", str(n)) if n else
                    _tr("%1 %2：本月尚未举办组工讲堂") if mark == DUE else _tr("%1 %2：未举办组工讲堂")
                    ).replace("%1", sec).replace("%2", mon)
        return None
