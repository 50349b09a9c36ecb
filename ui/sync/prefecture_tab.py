"""各县比较 — the prefecture's view: every county side by side, filtered by county, with rankings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QTableView, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.sync.prefecture import CountyStats, Ranking, county_comparison, rankings
from ui import layout_memory
from ui.rows_model import Column, RowsTableModel


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


#: the comparison's columns a county can lag in: column → (its value, True when higher is worse, what the tip says)
_WATCHED: dict[int, tuple[Callable[[CountyStats], float | None], bool, str]] = {
    3: (lambda c: c.closure_rate, False, "销号率最低"),
    4: (lambda c: c.overdue, True, "逾期未完成最多"),
    7: (lambda c: c.days_ratio, False, "天数完成率最低"),
    8: (lambda c: c.quiz_average, False, "测试平均分最低"),
}
#: a pale red: one cell per column stands out, not whole rows (every county has some overdue item)
_LAGGING = "#f8d7da"


def lagging_cells(stats: list[CountyStats]) -> dict[tuple[str, int], str]:
    """The cells to shade: in each watched column, the county (or tied counties) doing worst, with why.

    Nothing when fewer than two counties are compared or all have the same value (nothing stands
    out), and 逾期未完成 only when above 0.
    """
    out: dict[tuple[str, int], str] = {}
    if len(stats) < 2:
        return out
    for col, (value, higher_worse, why) in _WATCHED.items():
        values = {c.code: value(c) for c in stats}
        known = [v for v in values.values() if v is not None]
        if len(known) < 2 or min(known) == max(known):
            continue
        worst = max(known) if higher_worse else min(known)
        if higher_worse and worst <= 0:
            continue
        for code, v in values.items():
            if v == worst:
                out[(code, col)] = "各县中" + why
    return out


class PrefectureTab(QWidget):
    """County comparison table and one ranking at a time."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.county = QComboBox()
        self.ranking = QComboBox()
        columns: list[tuple[str, Callable[[CountyStats], Any]]] = [
            (self.tr("单位"), lambda c: f"{c.name}（{c.code}）"), (self.tr("问题数"), lambda c: c.items),
            (self.tr("已销号"), lambda c: c.closed), (self.tr("销号率"), lambda c: _pct(c.closure_rate)),
            (self.tr("逾期未完成"), lambda c: c.overdue), (self.tr("基层调研人天"), lambda c: c.person_days),
            (self.tr("定额人天"), lambda c: c.quota_days), (self.tr("天数完成率"), lambda c: _pct(c.days_ratio)),
            (self.tr("测试平均分"), lambda c: "" if c.quiz_average is None else f"{c.quiz_average:.1f}"),
        ]
        # the cells that stand out in their column: a light red, and why as the tooltip
        self.model = RowsTableModel([
            Column(title, get, None, background=lambda c, i=i: _LAGGING if self.lagging.get((c.code, i)) else None,
                   tooltip=lambda c, i=i: self._lagging_why(c, i))
            for i, (title, get) in enumerate(columns)], self)
        self.lagging: dict[tuple[str, int], str] = {}
        self.legend = QLabel(self.tr("浅红色标出各列中最需要关注的单位：销号率、天数完成率、测试平均分最低，逾期未完成最多。"))
        self.legend.setObjectName("Hint")
        self.legend.setWordWrap(True)
        self.rank_model = RowsTableModel([
            (self.tr("名次"), lambda r: r[0]), (self.tr("单位"), lambda r: f"{r[2]}（{r[1]}）"),
            (self.tr("数值"), lambda r: "" if r[3] is None else (_pct(r[3]) if isinstance(r[3], float) and r[3] <= 1
                                                                 else r[3])),
        ], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.rank_table = QTableView()
        self.rank_table.setModel(self.rank_model)
        for view in (self.table, self.rank_table):  # row numbers mean nothing here (名次 is a column)
            view.verticalHeader().setVisible(False)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度")))
        top.addWidget(self.year)
        top.addWidget(QLabel(self.tr("单位")))
        top.addWidget(self.county)
        top.addWidget(QLabel(self.tr("排名")))
        top.addWidget(self.ranking)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 3)
        lay.addWidget(self.legend)
        lay.addWidget(self.rank_table, 2)
        self.stats: list[CountyStats] = []
        self.ranks: list[Ranking] = []
        self.year.valueChanged.connect(self.refresh)
        self.county.currentIndexChanged.connect(self._filter)
        self.ranking.currentIndexChanged.connect(self._show_ranking)
        self.refresh()

    def refresh(self) -> None:
        """Recompute from the counties' rows."""
        self.stats = county_comparison(self.ctx.db, self.year.value())
        self.ranks = rankings(self.stats)
        chosen = self.county.currentData()
        self.county.blockSignals(True)
        self.county.clear()
        self.county.addItem(self.tr("全部县（市、区）"), None)
        for c in self.stats:
            self.county.addItem(f"{c.name}（{c.code}）", c.code)
        if chosen and self.county.findData(chosen) >= 0:
            self.county.setCurrentIndex(self.county.findData(chosen))
        self.county.blockSignals(False)
        self.ranking.blockSignals(True)
        current = self.ranking.currentIndex()
        self.ranking.clear()
        for r in self.ranks:
            self.ranking.addItem(r.title, r.key)
        self.ranking.setCurrentIndex(max(0, current))
        self.ranking.blockSignals(False)
        self._filter()
        self._show_ranking()

    def _lagging_why(self, c: CountyStats, column: int) -> str | None:
        why = self.lagging.get((c.code, column))
        return self.tr(why) if why else None

    def _filter(self) -> None:
        code = self.county.currentData()
        shown = [c for c in self.stats if code is None or c.code == code]
        self.lagging = lagging_cells(shown)  # one county alone stands out from no one
        self.legend.setVisible(bool(self.lagging))
        self.model.set_items(shown)
        layout_memory.fit_to_contents(self.table)

    def _show_ranking(self) -> None:
        i = self.ranking.currentIndex()
        self.rank_model.set_items(self.ranks[i].rows if 0 <= i < len(self.ranks) else [])
        layout_memory.fit_to_contents(self.rank_table)
