"""Table models of the quiz pages.

- ``ItemsModel``: read-only rows of one dataclass through column specs — for short lists
  (an office's exams, one exam's ranking, its sections);
- ``QuestionBankModel``: the bank, windowed: it knows the count and fetches pages of
  rows from the service as they are scrolled into view (a bank may grow to thousands);
- ``ScoreGridModel``: the editable score grid of a paper exam (one row per person).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from desktop_app.quiz import bank
from desktop_app.quiz.marking import display_answer
from desktop_app.quiz.types import QuestionInfo, ScoreEntry
from ui.rows_model import Column as Column  # re-exported: the quiz tabs build their columns from here
from ui.rows_model import RowsTableModel
from ui.rows_model import fmt as rows_fmt

if TYPE_CHECKING:
    from desktop_app.core.context import Database

_Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")
DIFFICULTY = {1: "易", 2: "中", 3: "难"}


def fmt(value: Any) -> str:
    """How a cell reads in the quiz pages (two decimals at most)."""
    return rows_fmt(value, 2)


class ItemsModel(RowsTableModel[T]):
    """Read-only rows of plain dataclasses (short lists only)."""


class QuestionBankModel(QAbstractTableModel):
    """The question bank through a filter, fetched a page at a time."""

    PAGE = 200
    HEADERS = ("题型", "题干", "答案", "标签", "科室", "难度", "状态", "来源")

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self.db = db
        self.filter: dict[str, Any] = {}
        self.count = 0
        self.pages: dict[int, list[QuestionInfo]] = {}

    def set_filter(self, text: str = "", qtype: str = "", tag: str = "", include_retired: bool = False,
                   office: str = "") -> None:
        """Apply a filter (the count is asked for at once, rows when shown); ``office``: 查看范围 (prefecture)."""
        self.beginResetModel()
        self.filter = {"text": text.strip(), "qtype": qtype, "tag": tag, "include_retired": include_retired,
                       "office": office}
        self.count = bank.count_questions(self.db, **self.filter)
        self.pages = {}
        self.endResetModel()

    def reload(self) -> None:
        """Fetch again with the same filter (after a write)."""
        self.set_filter(**self.filter)

    def question(self, row: int) -> QuestionInfo | None:
        """The question of a row (fetching its page if needed)."""
        if not (0 <= row < self.count):
            return None
        page = row // self.PAGE
        if page not in self.pages:
            self.pages[page] = bank.list_questions(self.db, offset=page * self.PAGE, limit=self.PAGE, **self.filter)
        rows = self.pages[page]
        i = row - page * self.PAGE
        return rows[i] if i < len(rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        q = self.question(index.row())
        if q is None:
            return None
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (q.type, q.stem.replace("\n", " "), display_answer(q.type, q.answer), "、".join(q.tags), q.section_name,
                      DIFFICULTY.get(q.difficulty, ""), "已停用" if q.retired else "在用", q.origin)
            return values[c] if c < len(values) else None
        if role == Qt.ItemDataRole.ToolTipRole and c == 1:
            opts = "\n".join(f"{'ABCDEFGH'[i]}. {o}" for i, o in enumerate(q.options))
            return q.stem + ("\n" + opts if opts else "")
        if role == Qt.ItemDataRole.ForegroundRole and q.retired:
            return QBrush(QColor("#8a96a3"))
        if role == Qt.ItemDataRole.ForegroundRole and c == len(self.HEADERS) - 1 and not q.editable:
            return QBrush(QColor("#1d5fa8"))  # 来源: a question sent down (read-only here)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None


@dataclass
class GridRow:
    """One person in the score grid."""

    person_id: str
    name: str
    section: str
    score: float | None = None
    absent: bool = False
    exempt: bool = False
    makeup: bool = False
    note: str = ""
    locked: bool = False  # an in-app attempt: not editable here


class ScoreGridModel(QAbstractTableModel):
    """成绩录入 grid: 得分 and 备注 are typed, 缺考/免考/补考 are check boxes."""

    HEADERS = ("科室", "姓名", "得分", "缺考", "免考", "补考", "备注")
    SCORE, ABSENT, EXEMPT, MAKEUP, NOTE = 2, 3, 4, 5, 6
    edited = Signal()

    def __init__(self, total: float, parent: Any = None) -> None:
        super().__init__(parent)
        self.total = total
        self.rows: list[GridRow] = []

    def set_rows(self, rows: Sequence[GridRow]) -> None:
        """Replace the grid."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def entries(self) -> list[ScoreEntry]:
        """The grid as the service's score entries (locked rows left out)."""
        return [ScoreEntry(r.person_id, r.score, r.absent, r.exempt, r.makeup, r.note) for r in self.rows
                if not r.locked]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.rows[index.row()].locked:
            return base
        if index.column() in (self.SCORE, self.NOTE):
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() in (self.ABSENT, self.EXEMPT, self.MAKEUP):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        r, c = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if c == 0:
                return r.section
            if c == 1:
                return r.name + ("（机考）" if r.locked else "")
            if c == self.SCORE:
                return fmt(r.score) if role == Qt.ItemDataRole.DisplayRole else (r.score if r.score is not None
                                                                                   else "")
            if c == self.NOTE:
                return r.note
            return None
        if role == Qt.ItemDataRole.CheckStateRole and c in (self.ABSENT, self.EXEMPT, self.MAKEUP):
            on = (r.absent, r.exempt, r.makeup)[c - self.ABSENT]
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and c == self.SCORE and r.score is not None and r.score > self.total:
            return QBrush(QColor("#b3261e"))
        if role == Qt.ItemDataRole.TextAlignmentRole and c == self.SCORE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.rows[index.row()].locked:
            return False
        r, c = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.EditRole and c == self.SCORE:
            text = str(value if value is not None else "").strip()
            if text in ("缺考", "免考"):
                r.score, r.absent, r.exempt = None, text == "缺考", text == "免考"
            elif not text:
                r.score = None
            else:
                try:
                    r.score = float(text)
                except ValueError:
                    return False
                r.absent = r.exempt = False
        elif role == Qt.ItemDataRole.EditRole and c == self.NOTE:
            r.note = str(value or "").strip()
        elif role == Qt.ItemDataRole.CheckStateRole and c in (self.ABSENT, self.EXEMPT, self.MAKEUP):
            on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            if c == self.ABSENT:
                r.absent = on
                r.exempt = r.exempt and not on
            elif c == self.EXEMPT:
                r.exempt = on
                r.absent = r.absent and not on
            else:
                r.makeup = on
            if r.absent or r.exempt:
                r.score = None
        else:
            return False
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(self.HEADERS) - 1))
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None
