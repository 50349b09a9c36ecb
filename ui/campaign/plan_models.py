"""Models of the 计划清单 page: the sections' filing status for a period, and one plan's editable items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop_app.campaign.plans import ITEM_STATES, PlanItemInfo, PlanItemInput, SectionPlanStatus
from ui.rows_model import Column, RowsTableModel
from ui.work.table_models import WORK_CELLS

_Index = QModelIndex | QPersistentModelIndex
#: the status colours of a section's row (text, background)
STATUS_COLOURS = {"missing": ("#a61b1b", "#fde7e7"), "draft": ("#8a5a00", "#fff4d6"), "filed": ("#1e6b34", None),
                  "recorded": ("#1e6b34", "#e6f4ea")}


def _tr(text: str) -> str:
    return QCoreApplication.translate("plans", text)


class SectionStatusModel(RowsTableModel[SectionPlanStatus]):
    """(单位 ·) 科室 · 状态 · 报送对象 · 报送日期 · 报送人 · 事项 (未完成); sections not filed in red."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([
            Column(_tr("单位"), lambda r: r.office_name),  # shown while a prefecture lists every office
            Column(_tr("科室"), lambda r: r.section_name),
            Column(_tr("状态"), lambda r: r.status_label, colour=lambda r: STATUS_COLOURS[r.status][0]),
            Column(_tr("报送对象"), lambda r: r.filed_to_name),
            Column(_tr("报送日期"), lambda r: r.filed_on),
            Column(_tr("报送人"), lambda r: r.filed_by),
            Column(_tr("备案日期"), lambda r: r.recorded_on),
            Column(_tr("事项"), lambda r: f"{r.items}（未完成 {r.open_items}）" if r.plan_id else ""),
        ], parent, **WORK_CELLS)

    def extra(self, row: SectionPlanStatus, column: int, role: int) -> Any:
        """Rows of sections that have not filed are highlighted."""
        if role == Qt.ItemDataRole.BackgroundRole:
            bg = STATUS_COLOURS[row.status][1]
            return QBrush(QColor(bg)) if bg else None
        return None


@dataclass(frozen=True)
class ItemRow:
    """One editable line of a plan (what the table holds until 保存)."""

    text: str = ""
    owner_id: str | None = None
    due: dt.date | None = None
    state: str = "open"
    note: str = ""
    id: str | None = None
    carried: bool = False

    @staticmethod
    def of(info: PlanItemInfo) -> ItemRow:
        """From a saved item."""
        return ItemRow(info.text, info.owner_id, info.due, info.state, info.note, info.id, bool(info.carried_from_id))

    def to_input(self) -> PlanItemInput:
        """For the service."""
        return PlanItemInput(self.text, self.owner_id, self.due, self.state, self.note, self.id)


COLUMNS = ("序号", "事项", "责任人", "完成时限", "状态")
COL_TEXT, COL_OWNER, COL_DUE, COL_STATE = 1, 2, 3, 4


class PlanItemsModel(QAbstractTableModel):
    """A plan's items, edited in place: 事项 as text, 责任人 and 状态 from lists, 完成时限 as a date."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[ItemRow] = []
        self.people: dict[str, str] = {}  # id → name
        self.editable = True
        self.dirty = False

    def set_rows(self, rows: list[ItemRow], people: dict[str, str]) -> None:
        """Replace the lines (after a load or a save)."""
        self.beginResetModel()
        self.rows, self.people, self.dirty = list(rows), dict(people), False
        self.endResetModel()

    def add_row(self, row: ItemRow) -> int:
        """Append a line; returns its row number."""
        n = len(self.rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self.rows.append(row)
        self.endInsertRows()
        self.dirty = True
        return n

    def remove_row(self, n: int) -> None:
        """Drop a line (gone from the plan at 保存)."""
        if 0 <= n < len(self.rows):
            self.beginRemoveRows(QModelIndex(), n, n)
            del self.rows[n]
            self.endRemoveRows()
            self.dirty = True

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _tr(COLUMNS[section])
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and index.column() != 0:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r, c = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(index.row() + 1), r.text, self.people.get(r.owner_id or "", ""),
                    r.due.isoformat() if r.due else "", ITEM_STATES.get(r.state, r.state))[c]
        if role == Qt.ItemDataRole.EditRole:
            if c == COL_DUE:
                d = r.due or dt.date.today()
                return QDate(d.year, d.month, d.day)
            return (None, r.text, r.owner_id or "", None, r.state)[c]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tr("上期结转的事项") if r.carried and c == COL_TEXT else (r.text if c == COL_TEXT else None)
        if role == Qt.ItemDataRole.ForegroundRole and c == COL_STATE:
            return QBrush(QColor({"done": "#1e6b34", "carried": "#6b7c93", "dropped": "#6b7c93"}.get(r.state,
                                                                                                    "#8a5a00")))
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        r, c = self.rows[index.row()], index.column()
        if c == COL_TEXT:
            new = replace(r, text=str(value or "").strip())
        elif c == COL_OWNER:
            new = replace(r, owner_id=str(value) or None)
        elif c == COL_DUE:
            day = value.toPython() if isinstance(value, QDate) else value
            new = replace(r, due=day if isinstance(day, dt.date) else None)
        elif c == COL_STATE and value in ITEM_STATES:
            new = replace(r, state=str(value))
        else:
            return False
        if new != r:
            self.rows[index.row()] = new
            self.dirty = True
            self.dataChanged.emit(index, index)
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down of (key, label) choices for one column (责任人, 状态)."""

    def __init__(self, choices: list[tuple[str, str]], parent: Any = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        box = QComboBox(parent)
        for key, label in self.choices:
            box.addItem(label, key)
        return box

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        i = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(i, 0))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
