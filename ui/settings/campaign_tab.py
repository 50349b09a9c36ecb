"""设置 › 年度与定额: the current campaign year and the default grassroots-days quotas."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.org import organisation
from ui import dialogs
from ui.settings.widgets import button
from ui.signals import Kind, bus, notify


class CampaignTab(QWidget):
    """年度与定额."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        form = QFormLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setSuffix(self.tr(" 年"))
        self.leader_quota = QSpinBox()
        self.leader_quota.setRange(0, 366)
        self.leader_quota.setSuffix(self.tr(" 天"))
        self.staff_quota = QSpinBox()
        self.staff_quota.setRange(0, 366)
        self.staff_quota.setSuffix(self.tr(" 天"))
        for spin in (self.year, self.leader_quota, self.staff_quota):
            spin.setMaximumWidth(160)
        form.addRow(self.tr("当前调研年度"), self.year)
        form.addRow(self.tr("领导年度基层调研天数"), self.leader_quota)
        form.addRow(self.tr("工作人员年度基层调研天数"), self.staff_quota)
        self.state = QLabel()
        self.state.setObjectName("Hint")
        self.save_btn = button(self.tr("保存"), primary=True)
        self.save_btn.clicked.connect(self.save)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        lay.addLayout(form)
        lay.addWidget(self.state)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_btn)
        lay.addLayout(row)
        lay.addStretch(1)
        self.year.valueChanged.connect(self._load_year)
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.CAMPAIGN):
            self.refresh()

    def refresh(self) -> None:
        """Show the current year's campaign."""
        with dialogs.guard(self) as done:
            year = organisation.current_year(self.ctx.db)
        if done.ok:
            self.year.blockSignals(True)
            self.year.setValue(year)
            self.year.blockSignals(False)
            self._load_year(year)

    def _load_year(self, year: int) -> None:
        with dialogs.guard(self) as done:
            camp = organisation.get_campaign(self.ctx.db, year)
            current = organisation.current_year(self.ctx.db)
        if not done.ok:
            return
        self.leader_quota.setValue(camp.leader_quota if camp else organisation.DEFAULT_LEADER_QUOTA)
        self.staff_quota.setValue(camp.staff_quota if camp else organisation.DEFAULT_STAFF_QUOTA)
        if camp is None:
            self.state.setText(self.tr("%1年度尚未设立，保存后将新建该年度并设为当前年度。").replace("%1", str(year)))
        elif year != current:
            self.state.setText(self.tr("保存后将把%1年度设为当前年度。").replace("%1", str(year)))
        else:
            self.state.setText(self.tr("%1（当前年度）").replace("%1", camp.name))

    def save(self) -> bool:
        """Create or edit the campaign and make it current."""
        with dialogs.guard(self) as done:
            camp = organisation.set_campaign(self.ctx.db, self.ctx.actor, self.year.value(),
                                             self.leader_quota.value(), self.staff_quota.value())
        if done.ok:
            notify(Kind.CAMPAIGN, [camp.id])
            self._load_year(camp.year)
        return done.ok
