"""成果与评价 — the results page: 成果转化运用清单, 科室评价 and 挂钩联系, one tab each, for one year."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QWidget

from desktop_app.core.context import AppContext
from ui.campaign.contacts_tab import ContactsTab
from ui.campaign.county_compare_tab import CountyCompareTab
from ui.campaign.evaluation_tab import EvaluationTab
from ui.campaign.outcomes_tab import OutcomesTab
from ui.page_frame import PageFrame, ScopedPage, year_box
from ui.signals import Kind


class ResultsPage(ScopedPage):
    """成果与评价."""

    RELOAD_KINDS = (Kind.TOPIC, Kind.VISIT, Kind.ISSUE, Kind.SECTION, Kind.PERSON, Kind.CAMPAIGN, Kind.SYNC, Kind.ALL,
                    "meeting", "plan")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        # 查看范围 (ScopedPage): a prefecture also reads each county's results (read-only) and compares the
        # counties; it opens on 全部单位, as its other pages do
        super().__init__(ctx, parent)
        self.year = year_box(ctx)
        self.tabs = QTabWidget()
        self.outcomes = OutcomesTab(ctx, self.year, self)
        self.evaluation = EvaluationTab(ctx, self.year, self)
        self.contacts = ContactsTab(ctx, self.year, self)
        self.compare = CountyCompareTab(ctx, self.year, self)
        for w, title in ((self.outcomes, "成果转化运用清单"), (self.evaluation, "科室评价"), (self.contacts, "挂钩联系"),
                         (self.compare, "各县对比")):
            self.tabs.addTab(w, self.tr(title))
        self.tabs.setTabVisible(3, not self.office_combo.isHidden())
        # no tool bar of its own (each tab has its buttons): the year sits in the band's corner, by 查看范围
        corner = QWidget()
        cl = QHBoxLayout(corner)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(16)
        cl.addWidget(self.year)
        cl.addWidget(self.scope_box)
        frame = PageFrame(self, self.tr("成果与评价"), self.tr("调研成果转化运用、科室半年评价、挂钩村与结对户"),
                          corner=corner, margins=False)
        frame.body.addWidget(self.tabs, 1)
        self.year.valueChanged.connect(self.refresh)
        self.follow_changes()

    def _office_changed(self, _office: str) -> None:
        self.outcomes._fill_sections()
        self.refresh()

    def _scope_reloaded(self) -> None:
        self.tabs.setTabVisible(3, not self.office_combo.isHidden())

    def _on_changed(self, kind: str, _ids: list) -> None:
        self._follow_scope(kind)
        if kind in (Kind.SECTION, Kind.ALL):
            self.outcomes._fill_sections()
            self.evaluation._fill_sections()
        if kind in self.RELOAD_KINDS:
            self.refresh()

    def refresh(self) -> None:
        """Reload every tab for the year on screen, in the 查看范围 chosen."""
        if not self.ctx.db.office_code:
            return
        for tab in (self.outcomes, self.evaluation, self.contacts):
            tab.office = self.office
            tab.refresh()
        if not self.office_combo.isHidden():
            self.compare.refresh()
