"""工作台面板 · 业务测试, following the dashboard's scope: a prefecture compares its counties' exams."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.dashboard import summary as dashboard
from desktop_app.dashboard.summary import QuizOverview
from desktop_app.org import scope
from ui.dashboard.office_tables import OfficeQuizModel, OfficeTable
from ui.dashboard.scoped_panel import ScopedPanelMixin
from ui.quiz.stats_widget import QuizStatsWidget


class DashboardQuizPanel(ScopedPanelMixin, QuizStatsWidget):
    """Average score per section and quarter for one office; for every office, per office, with a table of
    participation, averages and rank. Read in the background."""

    _ready = False  # the base class refreshes in its constructor, before this one has built its parts

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.overview: QuizOverview | None = None
        lay = self.layout()
        assert isinstance(lay, QVBoxLayout)
        self.chart_caption = lay.itemAt(lay.indexOf(self.chart) - 1).widget()
        lay.addStretch(1)  # beside a taller panel, the room is left below, not spread between the parts
        # the table of offices is made when first shown: a county never needs it, and start-up is timed
        self.office_table: OfficeTable | None = None
        self._ready = True
        self.refresh()

    def refresh(self) -> None:
        """Read the averages again off the UI thread."""
        if self._ready:
            self.load(self.tr("统计业务测试"), dashboard.quiz_overview, self._show)

    def _show(self, q: QuizOverview, year: int, office: str) -> None:
        self.overview = q
        every = office == scope.ALL
        self.title.setText(self.tr("%1年业务知识测试").replace("%1", str(year)) + self.scope_words(office))
        self.chart_caption.setText(self.tr("各单位平均得分率（%）") if every else self.tr("各科室平均得分率（%）"))
        self.chart.set_data(q.groups, q.series, top=100, empty_text=self.tr("本年度尚无考试成绩"))
        if every:
            held = sum(1 for o in q.offices if o.exams)
            self.note.setText(self.tr("%1 个单位共 %2 场考试").replace("%1", str(held)).replace("%2", str(q.exams))
                              if q.exams else "")
        else:
            self.note.setText(self.tr("共 %1 场考试").replace("%1", str(len(q.series))) if q.series else "")
        if every and self.office_table is None:
            lay = self.layout()
            assert isinstance(lay, QVBoxLayout)
            self.office_table = OfficeTable(OfficeQuizModel(self), self.tr("各单位对比（名次按平均得分率）"))
            lay.insertWidget(lay.count() - 1, self.office_table)  # before the closing stretch
        if self.office_table is not None:
            self.office_table.show_items(q.offices if every else [])
