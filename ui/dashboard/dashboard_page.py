"""工作台 — the dashboard: who this office is, its counts, and each capability's panel."""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QPaintEvent, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.org import scope
from ui import dialogs
from ui.main_window import load_page_class
from ui.navigation import DASHBOARD_PANELS
from ui.office_scope import OfficeScopeCombo
from ui.page_frame import PageFrame, scope_corner, sync_scope_corner
from ui.signals import Kind, bus
from ui.tasks import DeferredStarts, deferred_starts

log = logging.getLogger(__name__)

#: the panels' first reads begin after the page's first paint, or after this long if it is not painted
#: (a page built but not shown, a platform that reports no paint)
PANELS_START_AT_THE_LATEST_MS = 250


class StatCard(QFrame):
    """One count with its label and a small note under it."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        self.label = QLabel(label)
        self.label.setObjectName("StatLabel")
        self.value = QLabel("—")
        self.value.setObjectName("StatValue")
        self.note = QLabel("")
        self.note.setObjectName("Hint")
        # a long note (a prefecture's 在办…逾期…待完善…另有已作废…) wraps: it must never widen the page
        self.note.setWordWrap(True)
        lay.addWidget(self.label)
        lay.addWidget(self.value)
        lay.addWidget(self.note)

    def set(self, value: int, note: str = "") -> None:
        """Show a count and its note."""
        self.value.setText(f"{value:,}")
        self.note.setText(note)


class DashboardPage(QWidget):
    """工作台."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.year: int | None = None  # the campaign year the counts are for (set by refresh_counts)
        # the title is the office's name, the subtitle its code, level and quotas (refresh_counts)
        frame = PageFrame(self, "", corner=self._build_corner(), margins=False)
        self.title, self.subtitle = frame.title, frame.subtitle
        # pages sit in a stack: a hidden page's shortcut never fires, so the ledger's Ctrl+P does not clash
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_summary)
        frame.body.addWidget(self._build_body(), 1)
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)  # several changes in one event-loop turn → one refresh
        self._pending.timeout.connect(self.refresh)
        bus().changed.connect(self._on_changed)  # a bound method: the connection dies with the page
        self.refresh_counts()  # the panels loaded their own data when they were made

    def _build_corner(self) -> QWidget:
        """The band's right: 查看范围 (a prefecture), 打印年度汇总 and the campaign documents."""
        # 查看范围 (a prefecture only): every county (the default), its own, or one county — for the
        # cards, every panel and the printed summary alike
        self.office_combo = OfficeScopeCombo(self.ctx)
        at = self.office_combo.findData(scope.ALL)
        if at >= 0:
            self.office_combo.setCurrentIndex(at)
        self.office_combo.office_changed.connect(self._office_changed)
        self.scope_box = scope_corner(self.office_combo)
        self.print_button = QPushButton(self.tr("打印年度汇总"))
        self.print_button.setToolTip(self.tr("打印预览本年度工作汇总，可打印或另存为 PDF（Ctrl+P）"))
        self.print_button.clicked.connect(self.print_summary)
        from ui.print.campaign_menu import campaign_documents_button

        self.documents_button = campaign_documents_button(self, self.ctx, self.office)
        corner = QWidget()
        row = QHBoxLayout(corner)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.scope_box, self.print_button, self.documents_button):
            row.addWidget(w)
        return corner

    def _build_body(self) -> QScrollArea:
        """The holiday-table warning, the count cards and the capabilities' panels, scrolling."""
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("PageBody")
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(24, 18, 24, 24)
        self.body.setSpacing(16)
        # 节假日表 of the coming year missing (from November) or of this year: deadlines are estimates
        self.calendar_warning = QLabel()
        self.calendar_warning.setObjectName("Warning")
        self.calendar_warning.setWordWrap(True)
        self.calendar_warning.setStyleSheet("QLabel { color: #9b1c1c; background: #fdecea; border: 1px solid #e57373;"
                                            " border-radius: 4px; padding: 8px 12px; font-weight: bold; }")
        self.calendar_warning.hide()
        self.body.addWidget(self.calendar_warning)
        cards = QGridLayout()
        cards.setSpacing(12)
        self.cards = {
            "sections": StatCard(self.tr("科室")),
            "people": StatCard(self.tr("在岗人员")),
            "topics": StatCard(self.tr("调研课题")),
            "visits": StatCard(self.tr("调研安排")),
            "issues": StatCard(self.tr("问题台账")),
        }
        for i, card in enumerate(self.cards.values()):
            cards.addWidget(card, 0, i)
        self.body.addLayout(cards)
        self._build_panels()
        self.body.addStretch(1)
        scroll.setWidget(body)
        return scroll

    def _build_panels(self) -> None:
        """Each capability's panel (DASHBOARD_PANELS), side by side or in two rows (_arrange_panels).

        The panels read their figures on worker threads; those reads begin once the page has been painted
        (``paintEvent``): the count cards, read on this thread, are then not slowed by them at start-up.
        """
        self.panels: list[QWidget] = []
        self.panel_grid = QGridLayout()
        self.panel_grid.setSpacing(12)
        self._one_row: bool | None = None
        with deferred_starts() as later:
            for target in DASHBOARD_PANELS:
                panel = self._build_panel(target)
                if panel is not None:
                    self.panels.append(panel)
        self.panel_reads: DeferredStarts = later
        # at the latest after PANELS_START_AT_THE_LATEST_MS, but never once the page is gone: reads started then
        # would run against a closed database (a window closed before its first paint)
        QTimer.singleShot(PANELS_START_AT_THE_LATEST_MS, self, later.start)
        self.destroyed.connect(later.cancel)
        if self.panels:
            self.body.addLayout(self.panel_grid)
            self._arrange_panels()

    def _arrange_panels(self) -> None:
        """All panels side by side when they fit; otherwise the first (待办) on its own row, the others below."""
        need = sum(p.sizeHint().width() for p in self.panels) + 12 * (len(self.panels) - 1) + 48
        one_row = self.width() >= need or len(self.panels) < 2
        if one_row == self._one_row:
            return
        self._one_row = one_row
        for p in self.panels:
            self.panel_grid.removeWidget(p)
        for c in range(self.panel_grid.columnCount()):
            self.panel_grid.setColumnStretch(c, 0)
        if one_row:
            for i, p in enumerate(self.panels):
                self.panel_grid.addWidget(p, 0, i)
                self.panel_grid.setColumnStretch(i, max(1, p.sizeHint().width()))
        else:
            rest = self.panels[1:]
            self.panel_grid.addWidget(self.panels[0], 0, 0, 1, len(rest))
            for i, p in enumerate(rest):
                self.panel_grid.addWidget(p, 1, i)
                self.panel_grid.setColumnStretch(i, 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.panel_reads.started:  # after this paint has been flushed to the screen
            QTimer.singleShot(0, self.panel_reads.start)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.panels:
            self._arrange_panels()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.OFFICE, Kind.SYNC) and self.ctx.db.office_code:
            self.office_combo.reload()  # a bundle may have brought a new county
            sync_scope_corner(self.scope_box, self.office_combo)
        self._pending.start()

    def office(self) -> str:
        """Whose figures the dashboard shows: "" this office, a county's code, or ``scope.ALL`` (a prefecture's
        default); a county office only ever shows its own."""
        return self.office_combo.current_office() if not self.office_combo.isHidden() else ""

    def _office_changed(self, _office: str) -> None:
        # every panel that can follow the 查看范围 shows the same offices as the cards
        for panel in self.panels:
            if hasattr(panel, "pinned_office"):
                panel.pinned_office = self.office()
        self.refresh()

    def _build_panel(self, target: str) -> QWidget | None:
        try:
            return load_page_class(target)(self.ctx, None)
        except Exception as exc:  # a broken panel must not hide the dashboard
            log.exception("dashboard panel %s failed", target)
            dialogs.show_error(self, exc)
            return None

    def print_summary(self) -> None:
        """Preview the yearly summary (年度工作汇总) of the year on screen; print or save it from there."""
        from ui.print.actions import print_list

        with dialogs.guard(self):
            # the printed summary covers what the dashboard shows (查看范围): every county by default
            print_list(self, self.ctx, "summary", self.year, office=self.office())

    def refresh(self) -> None:
        """Reload the counts and let every panel refresh itself."""
        self.refresh_counts()
        for panel in self.panels:
            refresh = getattr(panel, "refresh", None)
            if callable(refresh):
                with dialogs.guard(self):
                    refresh()

    def refresh_calendar_warning(self) -> None:
        """Show the loud warning while this year's or (from November) next year's holidays are missing."""
        from desktop_app import calendar as workdays
        from desktop_app.ledger.estimates import coming_year_warning

        with dialogs.guard(self) as done:
            text = coming_year_warning(workdays.load_calendar(self.ctx.db))
        if done.ok:
            self.calendar_warning.setText("▲ " + text if text else "")
            self.calendar_warning.setVisible(bool(text))

    def refresh_counts(self) -> None:
        """Reload the header and the count cards."""
        from desktop_app.dashboard import summary as dashboard

        with dialogs.guard(self) as done:
            s = dashboard.summary(self.ctx.db, office=self.office())
        if not done.ok:
            return
        self.title.setText(s.office_name)
        self.year = s.year
        self.refresh_calendar_warning()
        self.subtitle.setText(self.tr("单位代码 %1 · %2 · %3 · 基层调研天数定额：领导 %4 天，工作人员 %5 天")
                              .replace("%1", s.office_code).replace("%2", s.level_label)
                              .replace("%3", s.campaign_name).replace("%4", str(s.leader_quota))
                              .replace("%5", str(s.staff_quota)))
        # a prefecture's cards count the offices of its 查看范围: the notes say whose
        every = self.tr("%1，").replace("%1", scope.scope_label(self.ctx.db, s.scope)) if self.office() else ""
        self.cards["sections"].set(s.sections, every.rstrip("，"))
        self.cards["people"].set(s.people, every + self.tr("其中领导 %1 人").replace("%1", str(s.leaders)))
        self.cards["topics"].set(s.topics, every + self.tr("%1年度").replace("%1", str(s.year)))
        self.cards["visits"].set(s.visits, every + self.tr("%1年度").replace("%1", str(s.year)))
        note = self.tr("在办 %1 项").replace("%1", f"{s.issues_open:,}")
        if s.issues_overdue:
            note += self.tr("，逾期 %1 项").replace("%1", f"{s.issues_overdue:,}")
        if s.issues_incomplete:
            note += self.tr("，待完善 %1 项").replace("%1", f"{s.issues_incomplete:,}")
        if s.issues_void:  # the demo made 100 and the card said 98: say where the other two are
            note += self.tr("；另有已作废 %1 项未计入").replace("%1", f"{s.issues_void:,}")
        self.cards["issues"].set(s.issues, note)
        self.cards["issues"].note.setStyleSheet("color: #b3261e;" if s.issues_overdue or s.issues_incomplete else "")
