"""成果与评价 — the results page: 成果转化运用清单, 科室评价 and 挂钩联系, one tab each, for one year."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QSpinBox, QTabWidget, QVBoxLayout, QWidget

from desktop_app.context import AppContext
from desktop_app.services.organisation import current_year
from ui.campaign.contacts_tab import ContactsTab
from ui.campaign.evaluation_tab import EvaluationTab
from ui.campaign.outcomes_tab import OutcomesTab
from ui.signals import Kind, bus
from ui.work.widgets import page_header


class ResultsPage(QWidget):
    """成果与评价."""

    RELOAD_KINDS = (Kind.TOPIC, Kind.VISIT, Kind.ISSUE, Kind.SECTION, Kind.PERSON, Kind.CAMPAIGN, Kind.SYNC, Kind.ALL)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setPrefix(self.tr("年度 "))
        self.year.setValue(current_year(ctx.db) if ctx.db.office_code else 2026)
        self.tabs = QTabWidget()
        self.outcomes = OutcomesTab(ctx, self.year, self)
        self.evaluation = EvaluationTab(ctx, self.year, self)
        self.contacts = ContactsTab(ctx, self.year, self)
        for w, title in ((self.outcomes, "成果转化运用清单"), (self.evaluation, "科室评价"), (self.contacts, "挂钩联系")):
            self.tabs.addTab(w, self.tr(title))
        header, _sub = page_header(self.tr("成果与评价"), self.tr("调研成果转化运用、科室半年评价、挂钩村与结对户"),
                                   corner=self.year)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(header)
        row = QHBoxLayout()
        row.addWidget(self.tabs, 1)
        lay.addLayout(row, 1)
        self.year.valueChanged.connect(self.refresh)
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in self.RELOAD_KINDS:
            if kind in (Kind.SECTION, Kind.ALL):
                self.outcomes._fill_sections()
                self.evaluation._fill_sections()
            self.refresh()

    def refresh(self) -> None:
        """Reload every tab for the year on screen."""
        self.outcomes.refresh()
        self.evaluation.refresh()
        self.contacts.refresh()
