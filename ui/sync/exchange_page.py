"""数据交换 — exchanging signed bundles with other offices: cards, export, import, conflicts, counties."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from desktop_app.core.context import AppContext
from desktop_app.org import organisation
from desktop_app.sync import conflicts
from ui.page_frame import PageFrame
from ui.signals import Kind, bus
from ui.sync.cards_tab import CardsTab
from ui.sync.conflicts_tab import ConflictsTab
from ui.sync.export_tab import ExportTab
from ui.sync.import_tab import ImportTab


class ExchangePage(QWidget):
    """数据交换 page: one tab per step; the 各县比较 tab only for a prefecture office."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.cards = CardsTab(ctx, self)
        self.export = ExportTab(ctx, self)
        self.importer = ImportTab(ctx, self)
        self.conflicts = ConflictsTab(ctx, self)
        for w, title in ((self.cards, "单位与身份卡"), (self.export, "导出数据包"), (self.importer, "导入数据包"),
                         (self.conflicts, "同步冲突")):
            self.tabs.addTab(w, self.tr(title))
        self.prefecture = None
        if ctx.office_code and organisation.get_office(ctx.db).level == "prefecture":
            from ui.sync.prefecture_tab import PrefectureTab

            self.prefecture = PrefectureTab(ctx, self)
            self.tabs.addTab(self.prefecture, self.tr("各县比较"))
        frame = PageFrame(self, self.tr("数据交换"), self.tr(
            "通过U盘或内部邮件与上级、下级单位交换签名数据包"), margins=False)
        frame.body.addWidget(self.tabs, 1)
        self._update_conflict_badge()
        bus().changed.connect(self._on_changed)

    def _update_conflict_badge(self) -> None:
        n = conflicts.count_open(self.ctx.db)
        title = self.tr("同步冲突") if n == 0 else self.tr("同步冲突（{n}）").format(n=n)
        self.tabs.setTabText(self.tabs.indexOf(self.conflicts), title)

    def _on_changed(self, kind: str, ids: list) -> None:
        if kind in (Kind.ALL, Kind.SYNC, Kind.OFFICE):
            self.refresh()

    def refresh(self) -> None:
        """Reload every tab."""
        self.cards.refresh()
        self.export.refresh()
        self.conflicts.refresh()
        self._update_conflict_badge()
        if self.prefecture is not None:
            self.prefecture.refresh()
