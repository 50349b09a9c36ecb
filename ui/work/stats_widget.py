"""工作台面板 · 调研工作 — topics by stage, outcomes by kind, days vs quota by section, as charts."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import current_year
from desktop_app.work import days, topics
from ui.work.charts import BarChart
from ui.work.table_models import STAGE_COLOURS

OUTCOME_COLOURS = {"实践成果": "#1f6fb2", "制度成果": "#2e7d32", "理论成果": "#7b3fa0"}


class WorkStatsWidget(QFrame):
    """The dashboard panel of the research work; ``refresh()`` reloads it (the dashboard calls it)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("Card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        self.title = QLabel()
        self.title.setObjectName("CardTitle")
        lay.addWidget(self.title)
        self.stages, self.outcomes, self.days = BarChart(), BarChart(), BarChart()
        for caption, chart in ((self.tr("课题阶段"), self.stages), (self.tr("调研成果"), self.outcomes),
                               (self.tr("各科室基层天数 / 定额"), self.days)):
            label = QLabel(caption)
            label.setObjectName("StatLabel")
            lay.addWidget(label)
            lay.addWidget(chart)
        lay.addStretch(1)
        # no bus connection of its own: the dashboard refreshes every panel after any change
        self.refresh()

    def refresh(self) -> None:
        """Reload the three charts for the current campaign year."""
        if not self.ctx.db.office_code:
            return
        year = current_year(self.ctx.db)
        self.title.setText(self.tr("%1年调研工作").replace("%1", str(year)))
        stage = topics.topics_by_stage(self.ctx.db, year)
        self.stages.set_rows([(k, n, None, STAGE_COLOURS[k]) for k, n in stage.items()], self.tr(" 个"),
                             self.tr("尚未立项课题"))
        kinds = topics.outcomes_by_kind(self.ctx.db, year)
        self.outcomes.set_rows([(k, n, None, OUTCOME_COLOURS.get(k, "#1f6fb2")) for k, n in kinds.items()],
                               self.tr(" 项"), self.tr("尚无调研成果"))
        totals = days.section_totals(days.days_table(self.ctx.db, year))
        self.days.set_rows([(name, d, q, "#2e7d32" if d >= q else "#1f6fb2") for name, d, q in totals],
                           self.tr(" 天"), self.tr("尚无人员"))
