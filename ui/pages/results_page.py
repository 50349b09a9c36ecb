"""成果与评价 — the results page: 成果转化运用清单, 科室评价 and 挂钩联系, one tab each, for one year."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QSpinBox, QTabWidget, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import current_year
from ui.campaign.contacts_tab import ContactsTab
from ui.campaign.county_compare_tab import CountyCompareTab
from ui.campaign.evaluation_tab import EvaluationTab
from ui.campaign.outcomes_tab import OutcomesTab
from ui.office_scope import OfficeScopeCombo
from ui.signals import Kind, bus
from ui.work.widgets import page_header, scope_corner, sync_scope_corner


class ResultsPage(QWidget):
    """成果与评价."""

    RELOAD_KINDS = (Kind.TOPIC, Kind.VISIT, Kind.ISSUE, Kind.SECTION, Kind.PERSON, Kind.CAMPAIGN, Kind.SYNC, Kind.ALL,
                    "meeting", "plan")

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
        self.compare = CountyCompareTab(ctx, self.year, self)
        for w, title in ((self.outcomes, "成果转化运用清单"), (self.evaluation, "科室评价"), (self.contacts, "挂钩联系"),
                         (self.compare, "各县对比")):
            self.tabs.addTab(w, self.tr(title))
        # 查看范围: a prefecture also reads each county's results (read-only) and compares the counties
        self.office_combo = OfficeScopeCombo(ctx)  # a prefecture opens on 全部单位, as its other pages do
        self.office_combo.office_changed.connect(self._office_changed)
        self.scope_box = scope_corner(self.office_combo)
        corner = QWidget()
        cl = QHBoxLayout(corner)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(16)
        cl.addWidget(self.year)
        cl.addWidget(self.scope_box)
        self.tabs.setTabVisible(3, not self.office_combo.isHidden())
        header, _sub = page_header(self.tr("成果与评价"), self.tr("调研成果转化运用、科室半年评价、挂钩村与结对户"),
                                   corner=corner)
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

    @property
    def office(self) -> str:
        """The scope shown: "" this office, a county's code, or ``scope.ALL`` (prefecture only)."""
        return self.office_combo.current_office()

    def _office_changed(self, _office: str) -> None:
        self.outcomes._fill_sections()
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.OFFICE, Kind.SYNC) and self.ctx.db.office_code:
            self.office_combo.reload()  # a bundle may have brought a new county
            sync_scope_corner(self.scope_box, self.office_combo)
            self.tabs.setTabVisible(3, not self.office_combo.isHidden())
        if kind in self.RELOAD_KINDS:
            if kind in (Kind.SECTION, Kind.ALL):
                self.outcomes._fill_sections()
                self.evaluation._fill_sections()
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
