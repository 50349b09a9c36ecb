"""设置 — the office, sections, people, campaign year and quotas, backups."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from ui.page_frame import PageFrame
from ui.print.font_dialog import PrintFontsTab
from ui.settings.accounts_tab import AccountsTab
from ui.settings.audit_tab import AuditTab
from ui.settings.backups_tab import BackupsTab
from ui.settings.campaign_tab import CampaignTab
from ui.settings.database_tab import DatabaseTab
from ui.settings.holidays_tab import HolidaysTab
from ui.settings.office_tab import OfficeTab
from ui.settings.people_tab import PeopleTab
from ui.settings.sections_tab import SectionsTab


class SettingsPage(QWidget):
    """设置."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        frame = PageFrame(self, self.tr("设置"), self.tr(
            "本单位信息、科室、人员、调研年度与定额、数据备份、打印字体、节假日、账户、审计日志、数据库"), margins=False)
        body = QWidget()
        body.setObjectName("PageBody")
        bl = QVBoxLayout(body)
        bl.setContentsMargins(24, 16, 24, 20)
        self.tabs = QTabWidget()
        self.office = OfficeTab(ctx)
        self.sections = SectionsTab(ctx)
        self.people = PeopleTab(ctx)
        self.campaign = CampaignTab(ctx)
        self.backups = BackupsTab(ctx)
        self.tabs.addTab(self.office, self.tr("本单位"))
        self.tabs.addTab(self.sections, self.tr("科室"))
        self.tabs.addTab(self.people, self.tr("人员"))
        self.tabs.addTab(self.campaign, self.tr("年度与定额"))
        self.tabs.addTab(self.backups, self.tr("数据备份"))
        self.print_fonts = PrintFontsTab(ctx)
        self.tabs.addTab(self.print_fonts, self.tr("打印字体"))
        self.holidays = HolidaysTab(ctx)
        self.tabs.addTab(self.holidays, self.tr("节假日"))
        self.accounts = AccountsTab(ctx)
        self.tabs.addTab(self.accounts, self.tr("账户"))
        self.audit = AuditTab(ctx)
        self.tabs.addTab(self.audit, self.tr("审计日志"))
        self.database = DatabaseTab(ctx)
        self.tabs.addTab(self.database, self.tr("数据库"))
        bl.addWidget(self.tabs)
        frame.body.addWidget(body, 1)

    def refresh(self) -> None:
        """Reload every tab."""
        for tab in (self.office, self.sections, self.people, self.campaign, self.backups, self.print_fonts, self.holidays,
                    self.accounts, self.audit, self.database):
            tab.refresh()
