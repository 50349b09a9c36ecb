"""工作台面板 · 业务测试, following the dashboard's scope: a prefecture compares its counties' exams."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop_app.context import AppContext
from desktop_app.services import dashboard, scope
from desktop_app.services.dashboard import QuizOverview
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
        self.offices_caption = QLabel(self.tr("各单位对比（名次按平均得分率）"))
        self.offices_caption.setObjectName("StatLabel")
        self.offices = OfficeQuizModel(self)
        self.office_table = OfficeTable(self.offices)
        lay.addWidget(self.offices_caption)
        lay.addWidget(self.office_table)
        lay.addStretch(1)  # beside a taller panel, the room is left below, not spread between the parts
        self.offices_caption.hide()
        self.office_table.hide()
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
        self.offices.set_items(q.offices if every else [])
        self.offices_caption.setVisible(every)
        self.office_table.setVisible(every)
