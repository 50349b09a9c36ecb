"""工作台面板 · 调研工作, following the dashboard's scope: a prefecture sees every county side by side."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.dashboard import summary as dashboard
from desktop_app.dashboard.summary import WorkOverview
from desktop_app.org import scope
from ui.dashboard.office_tables import OfficeTable, OfficeWorkModel
from ui.dashboard.scoped_panel import ScopedPanelMixin
from ui.work.stats_widget import OUTCOME_COLOURS, WorkStatsWidget
from ui.work.table_models import STAGE_COLOURS

#: the days bars: quota met, behind enough to deserve attention, everything else
BAR_COLOURS = {"done": "#2e7d32", "behind": "#c62828", "calm": "#1f6fb2"}


class DashboardWorkPanel(ScopedPanelMixin, WorkStatsWidget):
    """The work panel's charts (topics by stage, outcomes, days against quota) for the scope, read in the
    background; for every office, days per office and a table of each office's figures and rank."""

    _ready = False  # the base class refreshes in its constructor, before this one has built its parts

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.overview: WorkOverview | None = None
        lay = self.layout()
        assert isinstance(lay, QVBoxLayout)
        # the caption above the days chart names what its bars are (sections, or offices)
        self.days_caption = lay.itemAt(lay.indexOf(self.days) - 1).widget()
        # the table of offices is made when first shown: a county never needs it, and start-up is timed
        self.office_table: OfficeTable | None = None
        # 课题报告时限 (“5月底前形成调研报告报分管领导审阅”): late and due-soon reports, under the title
        self.reports_due = QLabel()
        self.reports_due.setObjectName("Hint")
        self.reports_due.setWordWrap(True)
        lay.insertWidget(lay.indexOf(self.title) + 1, self.reports_due)
        self._ready = True
        self.refresh()

    def refresh(self) -> None:
        """Read the figures again off the UI thread (on a big office the days take a while)."""
        if self._ready:
            self.load(self.tr("统计调研工作"), dashboard.work_overview, self._show)

    def _show(self, w: WorkOverview, year: int, office: str) -> None:
        self.overview = w
        self.title.setText(self.tr("%1年调研工作").replace("%1", str(year)) + self.scope_words(office))
        self.reports_due.setText(self.tr("课题调研报告：逾期未报审 %1 个，临期 %2 个")
                                 .replace("%1", str(w.reports_late)).replace("%2", str(w.reports_due_soon)))
        self.reports_due.setStyleSheet("color:#a61b1b;" if w.reports_late else "")
        self.stages.set_rows([(k, n, None, STAGE_COLOURS.get(k, "#1f6fb2")) for k, n in w.stages.items()],
                             self.tr(" 个"), self.tr("尚未立项课题"))
        self.outcomes.set_rows([(k, n, None, OUTCOME_COLOURS.get(k, "#1f6fb2")) for k, n in w.outcomes.items()],
                               self.tr(" 项"), self.tr("尚无调研成果"))
        every = office == scope.ALL
        self.days_caption.setText(self.tr("各单位基层天数 / 定额（各按本单位定额）") if every
                                  else self.tr("各科室基层天数 / 定额"))
        # colour only what deserves attention: red when behind enough (work.days.needs_attention), green when
        # the quota is met, the rest one calm blue; the mark on each track is where the days should be by now
        self.days.set_rows([(name, d, q, BAR_COLOURS["done"] if q and d >= q else BAR_COLOURS["behind"]
                             if name in w.behind else BAR_COLOURS["calm"]) for name, d, q in w.days],
                           self.tr(" 天"), self.tr("尚无人员"), pace=w.pace_share)
        if every and self.office_table is None:
            lay = self.layout()
            assert isinstance(lay, QVBoxLayout)
            self.office_table = OfficeTable(OfficeWorkModel(self), self.tr("各单位对比（名次按基层天数完成率）"))
            lay.insertWidget(lay.count() - 1, self.office_table)  # before the closing stretch
        if self.office_table is not None:
            self.office_table.show_items(w.offices if every else [])
