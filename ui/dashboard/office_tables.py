"""各单位对比 — the per-office tables under the dashboard's work and quiz panels (a prefecture's counties).

A prefecture holds a handful of counties, so the rows sit in a list (``ui.rows_model``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop_app.dashboard.summary import OfficeQuiz, OfficeWork
from ui.rows_model import Column, RowsTableModel

BEHIND = "#a61b1b"
T = TypeVar("T", OfficeWork, OfficeQuiz)


def _tr(text: str) -> str:
    return QCoreApplication.translate("dashboard", text)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rank(rank: int) -> str:
    return str(rank) if rank else "—"


def short_names(names: Sequence[str]) -> list[str]:
    """The names without the ending they all share (西双版纳州乡村振兴局, 景洪市乡村振兴局 → 西双版纳州, 景洪市),
    so a narrow card shows what tells the offices apart.

    Unchanged when they share under two characters; every name keeps at least two.
    """
    if len(names) < 2:
        return list(names)
    n = 0
    while all(len(x) > n + 2 for x in names) and len({x[len(x) - n - 1] for x in names}) == 1:
        n += 1
    return [x[:len(x) - n] for x in names] if n >= 2 else list(names)


class OfficeRowsModel(RowsTableModel[T]):
    """Rows of offices whose first column is the office's short name; its tooltip the full one."""

    def __init__(self, columns: Sequence[Column[T]], parent: QWidget | None = None) -> None:
        super().__init__([Column(_tr("单位"), lambda o: self.short.get(o.office_code, o.office_name)), *columns],
                         parent)
        self.short: dict[str, str] = {}

    def set_items(self, items: Sequence[T]) -> None:
        """Replace the rows (and their short names)."""
        self.short = dict(zip([o.office_code for o in items], short_names([o.office_name for o in items]),
                              strict=True))
        super().set_items(items)

    def extra(self, item: T, column: int, role: int) -> Any:
        """The full office name as the first column's tooltip."""
        return item.office_name if column == 0 and role == Qt.ItemDataRole.ToolTipRole else None


class OfficeWorkModel(OfficeRowsModel[OfficeWork]):
    """One row per office: people, days against quota, rank, people 明显滞后, visits (调研安排), topics, outcomes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([
            Column(_tr("人数"), lambda o: o.people, numeric=True),
            Column(_tr("天数/定额"), lambda o: f"{o.days}/{o.quota}", numeric=True),
            Column(_tr("完成率"), lambda o: _pct(o.days_rate) if o.quota else "—", numeric=True),
            Column(_tr("名次"), lambda o: _rank(o.days_rank), numeric=True),
            Column(_tr("滞后"), lambda o: o.behind, numeric=True, colour=lambda o: BEHIND if o.behind else None),
            Column(_tr("安排"), lambda o: o.visits, numeric=True),
            Column(_tr("课题"), lambda o: o.topics, numeric=True),
            Column(_tr("成果"), lambda o: o.outcomes, numeric=True),
        ], parent)


class OfficeQuizModel(OfficeRowsModel[OfficeQuiz]):
    """One row per office: exams, sittings against those expected, average (平均得分率), pass rate, rank."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([
            Column(_tr("场次"), lambda o: o.exams, numeric=True),
            Column(_tr("实考/应考"), lambda o: f"{o.sat}/{o.expected}", numeric=True),
            Column(_tr("参考率"), lambda o: _pct(o.participation) if o.expected else "—", numeric=True),
            Column(_tr("平均分"), lambda o: "—" if o.average is None else f"{o.average:.1f}%", numeric=True),
            Column(_tr("合格率"), lambda o: _pct(o.pass_rate), numeric=True),
            Column(_tr("名次"), lambda o: _rank(o.rank), numeric=True),
        ], parent)


#: the office column is never narrower (“勐腊县…”): below it the card scrolls sideways
FIRST_MIN = 72


class OfficeTable(QWidget):
    """各单位对比: a caption over a compact, read-only table as tall as its rows (no scrolling in a card)."""

    def __init__(self, model: OfficeRowsModel, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(caption)
        self.caption.setObjectName("StatLabel")
        self.view = QTableView()
        self.view.setModel(model)
        v = self.view
        v.verticalHeader().hide()
        v.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        v.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # a card, not a sheet: every row and column shows; long office names elide (the tooltip holds them)
        v.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        v.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        v.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = v.horizontalHeader()
        header.setMinimumSectionSize(36)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # the office column takes what the figures leave (never below FIRST_MIN: then the card scrolls sideways);
        # a stretched first column kept its width and pushed the figures past the card's right edge, unseen
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        v.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        lay.addWidget(self.caption)
        lay.addWidget(v)

    def figures_width(self) -> int:
        """The width of every column but the office's."""
        header = self.view.horizontalHeader()
        return sum(header.sectionSize(c) for c in range(1, header.count()) if not header.isSectionHidden(c))

    def fit_office_column(self) -> None:
        """Give the office column the room the figures leave."""
        v = self.view
        room = v.width() - 2 * v.frameWidth() - self.figures_width()
        v.horizontalHeader().resizeSection(0, max(FIRST_MIN, room))
        self._fix_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_office_column()

    def _fix_height(self) -> None:
        v = self.view
        height = v.horizontalHeader().sizeHint().height() + 2 * v.frameWidth()
        height += sum(v.rowHeight(r) or v.verticalHeader().defaultSectionSize() for r in range(self.model.rowCount()))
        if v.horizontalHeader().length() > v.width() - 2 * v.frameWidth():  # the sideways bar takes a row's room
            height += v.horizontalScrollBar().sizeHint().height()
        v.setFixedHeight(height + 2)

    def show_items(self, items: Sequence[Any]) -> None:
        """Show these offices' rows (hidden when there are none: one office's own figures)."""
        self.model.set_items(items)
        self.view.resizeColumnsToContents()
        self.fit_office_column()
        self.setVisible(bool(items))
