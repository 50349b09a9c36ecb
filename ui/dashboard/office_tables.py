"""各单位对比 — the per-office tables under the dashboard's work and quiz panels (a prefecture's counties).

A prefecture holds a handful of counties, so the rows sit in a list (``ui.rows_model``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop_app.services.dashboard import OfficeQuiz, OfficeWork
from ui.rows_model import Column, RowsTableModel

BEHIND = "#a61b1b"


def _tr(text: str) -> str:
    return QCoreApplication.translate("dashboard", text)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rank(rank: int) -> str:
    return str(rank) if rank else "—"


class OfficeWorkModel(RowsTableModel[OfficeWork]):
    """One row per office: people, days against quota, rank, behind, visits, topics, outcomes."""

    tooltips = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([
            Column(_tr("单位"), lambda o: o.office_name),
            Column(_tr("人数"), lambda o: o.people, numeric=True),
            Column(_tr("基层天数/定额"), lambda o: f"{o.days}/{o.quota}", numeric=True),
            Column(_tr("完成率"), lambda o: _pct(o.days_rate) if o.quota else "—", numeric=True),
            Column(_tr("名次"), lambda o: _rank(o.days_rank), numeric=True),
            Column(_tr("明显滞后"), lambda o: o.behind, numeric=True, colour=lambda o: BEHIND if o.behind else None),
            Column(_tr("调研安排"), lambda o: o.visits, numeric=True),
            Column(_tr("课题"), lambda o: o.topics, numeric=True),
            Column(_tr("成果"), lambda o: o.outcomes, numeric=True),
        ], parent)


class OfficeQuizModel(RowsTableModel[OfficeQuiz]):
    """One row per office: exams, sittings against those expected, average, pass rate, rank."""

    tooltips = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([
            Column(_tr("单位"), lambda o: o.office_name),
            Column(_tr("考试场次"), lambda o: o.exams, numeric=True),
            Column(_tr("实考/应考"), lambda o: f"{o.sat}/{o.expected}", numeric=True),
            Column(_tr("参考率"), lambda o: _pct(o.participation) if o.expected else "—", numeric=True),
            Column(_tr("平均得分率"), lambda o: "—" if o.average is None else f"{o.average:.1f}%", numeric=True),
            Column(_tr("合格率"), lambda o: _pct(o.pass_rate), numeric=True),
            Column(_tr("名次"), lambda o: _rank(o.rank), numeric=True),
        ], parent)


class OfficeTable(QTableView):
    """A compact, read-only table as tall as its rows (no scrolling inside a dashboard card)."""

    def __init__(self, model: RowsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        model.modelReset.connect(self._fit)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._fit()

    def _fit(self) -> None:
        rows = self.model().rowCount()
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) or self.verticalHeader().defaultSectionSize() for r in range(rows))
        self.setFixedHeight(height + 2)
