"""问题台账 — three views of one ledger (问题清单 / 责任清单 / 督办清单), a filter bar and the item's timeline.

The item list is a windowed model (a count, then pages by key), so the page
opens as fast on a million items as on a hundred. Every write goes through a
dialog that calls one service function; the change bus then refreshes every
view.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)
from shiboken6 import isValid

from desktop_app.core.context import AppContext
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.query import IssueFilter, filter_to_show
from desktop_app.ledger.steps import Step
from desktop_app.ledger.summaries import due_summary, responsibility_summary, supervision_list
from desktop_app.org import organisation, scope
from ui import dialogs
from ui.enabling import set_enabled
from ui.ledger.detail_pane import DetailPane
from ui.ledger.filter_bar import FilterBar
from ui.ledger.issue_dialog import IssueDialog
from ui.ledger.issue_table_model import COLUMNS, IssueTableModel
from ui.ledger.step_dialogs import StepDialog
from ui.ledger.summary_models import ResponsibilityModel, SupervisionModel
from ui.page_frame import PageFrame, list_and_detail
from ui.signals import Kind, bus
from ui.tasks import Task, run_task

TAB_ITEMS, TAB_RESPONSIBILITY, TAB_SUPERVISION = 0, 1, 2
#: from this many listed items on, 责任清单 and 督办清单 are grouped off the UI thread
BACKGROUND_SUMMARY_ROWS = 5000
#: how far down the list an item opened from elsewhere is looked for, to select its row (pages load on demand)
REVEAL_ROWS = 2000


def _table(model: Any) -> QTableView:
    t = QTableView()
    t.setModel(model)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    t.verticalHeader().setDefaultSectionSize(24)
    t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    # row numbers would make the header ask for thousands of labels to size itself; the serial says it all
    t.verticalHeader().hide()
    t.horizontalHeader().setStretchLastSection(True)
    return t


class LedgerPage(QWidget):
    """问题台账."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.current_id: str | None = None
        self._stale = {TAB_RESPONSIBILITY: True, TAB_SUPERVISION: True}
        self.model = IssueTableModel(ctx, self)
        self.resp_model = ResponsibilityModel(self)
        self.sup_model = SupervisionModel(self)
        # the page's title, as every page has one, on the toolbar's row (the ledger keeps its height for rows)
        frame = PageFrame(self, self.tr("问题台账"), compact=True)
        self.title = frame.title
        self._build_toolbar(frame.toolbar_row())
        self.filter_bar = FilterBar(ctx, self, load=False)
        self.filter_bar.changed.connect(self.apply_filter)
        self._build_tables()
        self._build_tabs()
        self.detail = DetailPane(self)
        self.detail.step_requested.connect(self.run_step)
        self.detail.attachment_requested.connect(self.open_attachment)
        split = list_and_detail(self.tabs, self.detail, (3, 1), (900, 360))
        frame.body.addWidget(self.filter_bar)
        frame.body.addWidget(split, 1)
        self._build_shortcuts()
        self._build_timers()
        # the rows first; the drop-downs and the overdue banner fill in on the next turn of the event loop
        self.model.set_query(IssueFilter(year=organisation.current_year(ctx.db),
                                         office=self.filter_bar.office.current_office()))
        self._after_query()
        QTimer.singleShot(0, self._fill_secondary)

    def _build_toolbar(self, top: QHBoxLayout) -> None:
        """After the title: the overdue banner, the count, then 交办, 登记, 打印 and 导出."""
        self.banner = QLabel()
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.linkActivated.connect(self._on_banner_link)
        self.count_label = QLabel()
        self.new_button = QPushButton(self.tr("登记问题"))
        self.new_button.setToolTip(self.tr("登记一条新问题（Ctrl+N）"))
        self.new_button.clicked.connect(self.new_issue)
        # a prefecture assigns (交办) items to its counties; 登记问题 stays for its own items
        self.assign_button = QPushButton(self.tr("交办问题…"))
        self.assign_button.setToolTip(self.tr("向县（区）交办一条问题：由该县（区）整改，完成时限和销号审核由本单位负责（Ctrl+N）"))
        self.assign_button.clicked.connect(self.assign_issue)
        self.assign_button.setVisible(self.model.prefecture)
        # 批量交办: the prefecture's own Excel list of problems, many counties at once
        self.assign_sheet_button = QPushButton(self.tr("从表格批量交办…"))
        self.assign_sheet_button.setToolTip(self.tr("从 Excel 交办清单（每行一条问题，含县（市、区）列）一次交办多条：先预览，确认后交办"))
        self.assign_sheet_button.clicked.connect(self.assign_from_sheet)
        self.assign_sheet_button.setVisible(self.model.prefecture)
        if self.model.prefecture:
            self.new_button.setToolTip(self.tr("登记一条本单位的问题（Ctrl+Shift+N）"))
        # printing (issue 5): the current view as filtered, or the selected item's 督办通知单
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.setToolTip(self.tr("打印预览当前清单（按当前筛选条件），可打印或另存为 PDF（Ctrl+P）"))
        self.print_button.clicked.connect(self.print_view)
        self.notice_button = QPushButton(self.tr("打印通知单"))
        self.notice_button.setToolTip(self.tr("打印选中问题的督办通知单"))
        self.notice_button.clicked.connect(self.print_notice)
        set_enabled(self.notice_button, self.tr("请先在清单中选中一条问题"))
        # the 问题清单 as filtered on screen (in a prefecture: the county chosen, or every office)
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_button.setToolTip(self.tr("将问题清单按当前筛选条件导出为 Excel"))
        self.export_button.clicked.connect(self.export_view)
        top.addWidget(self.banner, 1)
        for w in (self.count_label, self.assign_button, self.assign_sheet_button, self.new_button, self.print_button,
                  self.notice_button, self.export_button):
            top.addWidget(w)

    def _build_tables(self) -> None:
        """问题清单 (sortable, its columns sized), 责任清单 and 督办清单."""
        self.table = _table(self.model)
        self.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        widths = {"colour_label": 64, "serial": 90, "category": 80, "description": 320, "kind_label": 70,
                  "responsible_unit": 110, "responsible_person": 64, "lead_leader": 64, "deadline": 88,
                  "original_deadline": 88, "status_label": 64, "progress_percent": 48}
        for i, (field, _t, _k) in enumerate(COLUMNS):
            if field in widths:
                self.table.setColumnWidth(i, widths[field])
        if self.model.prefecture:  # the 单位 column (logically last) shows right after 编号
            self.table.horizontalHeader().moveSection(len(COLUMNS), 2)
            self.table.setColumnWidth(len(COLUMNS), 130)
        self.table.selectionModel().currentRowChanged.connect(self._on_item_row)
        self.table.activated.connect(lambda _i: self.run_step("edit"))  # Enter or double-click
        self.resp_table = _table(self.resp_model)
        self.resp_table.doubleClicked.connect(self._on_resp_double)
        self.sup_table = _table(self.sup_model)
        for i, w in enumerate((64, 90, 320, 120, 70, 90, 110, 70)):
            self.sup_table.setColumnWidth(i, w)
        for i, w in enumerate((160, 80, 70, 70, 70, 60, 60)):
            self.resp_table.setColumnWidth(i, w)
        self.sup_table.selectionModel().currentRowChanged.connect(self._on_sup_row)
        self.sup_model.modelReset.connect(self._on_sup_rows)

    def _build_tabs(self) -> None:
        """The three views of the ledger, one tab each."""
        self.tabs = QTabWidget()
        self._tab_titles = {TAB_ITEMS: self.tr("问题清单"), TAB_RESPONSIBILITY: self.tr("责任清单"),
                            TAB_SUPERVISION: self.tr("督办清单")}
        self._tab_generation = {TAB_RESPONSIBILITY: 0, TAB_SUPERVISION: 0}
        self._tab_task: Task | None = None
        self.tabs.addTab(self.table, self._tab_titles[TAB_ITEMS])
        self.tabs.addTab(self.resp_table, self._tab_titles[TAB_RESPONSIBILITY])
        self.tabs.addTab(self.sup_table, self._tab_titles[TAB_SUPERVISION])
        self.tabs.currentChanged.connect(self._on_tab)

    def _build_shortcuts(self) -> None:
        """Ctrl+P, Ctrl+F and Ctrl+N (a prefecture: 交办; Ctrl+Shift+N 登记); F5 is the window's."""
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_view)
        # Ctrl+F is the window's (视图 › 查找): it calls focus_search() on the page in front
        if self.model.prefecture:
            QShortcut(QKeySequence.StandardKey.New, self, activated=self.assign_issue)
            QShortcut(QKeySequence("Ctrl+Shift+N"), self, activated=self.new_issue)
        else:
            QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_issue)

    def _build_timers(self) -> None:
        """Reloads after changes, and the detail pane, each deferred to the next turn of the event loop."""
        # F5 is the window's: it calls reload() on whichever page is in front
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)  # several changes in one event-loop turn → one reload
        self._pending.timeout.connect(self.reload)
        bus().changed.connect(self._on_changed)
        # the detail pane follows the selection on the next turn of the event loop, so a filter's
        # rows are painted first and holding an arrow key does not load every item passed over
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(0)
        self._detail_timer.timeout.connect(lambda: self.show_issue(self.current_id))
        self.model.count_known.connect(lambda _n: self._show_count())

    def _fill_secondary(self) -> None:
        self.filter_bar.load_choices()
        self._update_banner()

    # --- queries -----------------------------------------------------------------------------
    def apply_filter(self, f: IssueFilter) -> None:
        """Show the items of ``f`` in every view."""
        scope_changed = f.office != self.model.filter.office
        self.model.set_query(f)
        if scope_changed:
            self._update_banner()  # the reminders follow 查看范围 (prefecture)
        self._stale = {TAB_RESPONSIBILITY: True, TAB_SUPERVISION: True}
        self._after_query()
        self._refresh_tab(self.tabs.currentIndex())

    def _show_count(self) -> None:
        n = self.model.rowCount()
        if self.model.counting:
            self.count_label.setText(self.tr("%1 条以上，正在统计…").replace("%1", f"{n:,}"))
        else:
            self.count_label.setText(self.tr("共 %1 条").replace("%1", f"{n:,}"))

    def _after_query(self) -> None:
        n = self.model.rowCount()
        self._show_count()
        if n and self.tabs.currentIndex() == TAB_ITEMS:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 1), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        elif not n:
            self.show_issue(None)

    def focus_search(self) -> None:
        """Ctrl+F: to the filter bar's search box."""
        self.filter_bar.focus_search()

    def reload(self) -> None:
        """Read everything again (after a change), keeping the filter, sort and selection."""
        keep = self.current_id
        self.filter_bar.load_choices()
        self.model.reload()
        self._show_count()
        self._stale = {TAB_RESPONSIBILITY: True, TAB_SUPERVISION: True}
        # the item again first: in 督办清单 the new rows then say whether it is still listed (_on_sup_rows)
        self.show_issue(keep if self.tabs.currentIndex() != TAB_RESPONSIBILITY else None)
        self._refresh_tab(self.tabs.currentIndex())
        self._update_banner()

    def _refresh_tab(self, tab: int) -> None:
        if not self._stale.get(tab) or tab not in (TAB_RESPONSIBILITY, TAB_SUPERVISION):
            return
        self._stale[tab] = False
        db, f = self.ctx.db, self.model.filter
        fetch = responsibility_summary if tab == TAB_RESPONSIBILITY else supervision_list
        target = self.resp_model if tab == TAB_RESPONSIBILITY else self.sup_model
        self._tab_generation[tab] += 1
        if self.model.rowCount() < BACKGROUND_SUMMARY_ROWS and not self.model.counting:
            target.set_rows(fetch(db, f))  # a small ledger: at once, no flicker
            return
        # a big ledger takes 0.3 s and more to group: off the UI thread, the old rows greyed meanwhile
        generation = self._tab_generation[tab]
        view = self.resp_table if tab == TAB_RESPONSIBILITY else self.sup_table
        view.setEnabled(False)
        self.tabs.setTabText(tab, self._tab_titles[tab] + self.tr("（统计中…）"))

        def done(rows: Any) -> None:
            if isValid(self) and generation == self._tab_generation[tab]:
                target.set_rows(rows)
                view.setEnabled(True)
                self.tabs.setTabText(tab, self._tab_titles[tab])

        def failed(exc: BaseException) -> None:
            if isValid(self) and generation == self._tab_generation[tab]:
                view.setEnabled(True)
                self.tabs.setTabText(tab, self._tab_titles[tab])
                self._stale[tab] = True
                dialogs.show_error(self, exc)

        self._tab_task = run_task(None, self._tab_titles[tab], lambda _p: fetch(db, f), on_done=done,
                                  on_error=failed, show_progress=False)

    def _on_tab(self, tab: int) -> None:
        self._refresh_tab(tab)
        self._follow_tab(tab)

    def _follow_tab(self, tab: int) -> None:
        """The pane shows the item selected in the list now in front — never one that list does not hold.

        责任清单's rows are units, not items: the pane is cleared there.
        """
        if tab == TAB_ITEMS:
            current = self.table.currentIndex()
            if not current.isValid() and self.model.rowCount():  # a filter applied in another tab: its first item
                self._after_query()
                return
            self.current_id = self.model.issue_id(current.row()) if current.isValid() else None
            self._detail_timer.start()  # deferred, as a selection in this table is
        elif tab == TAB_SUPERVISION:
            current = self.sup_table.currentIndex()
            self.show_issue(self.sup_model.data(current, Qt.ItemDataRole.UserRole) if current.isValid() else None)
        else:
            self.show_issue(None)

    def _on_sup_rows(self) -> None:
        """督办清单 regrouped (a filter, a change, a background load): keep the item shown selected if it is still
        listed, else clear the pane."""
        if self.tabs.currentIndex() != TAB_SUPERVISION:
            return
        row = next((i for i, r in enumerate(self.sup_model.rows) if r.row.id == self.current_id), None) \
            if self.current_id else None
        if row is None:
            self.show_issue(None)
            return
        index = self.sup_model.index(row, 0)
        self.sup_table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.sup_table.scrollTo(index)  # the clerk sees which row the pane shows

    def _update_banner(self) -> None:
        d = due_summary(self.ctx.db, limit=0, office=self.model.filter.office)
        parts = []
        if d.overdue_count:
            parts.append(f"<a href='red' style='color:#e5484d'>{self.tr('逾期 %1 项').replace('%1', str(d.overdue_count))}</a>")
        if d.due_soon_count:
            parts.append(f"<a href='yellow' style='color:#b7791f'>{self.tr('临期 %1 项').replace('%1', str(d.due_soon_count))}</a>")
        text = "　".join(parts) if parts else self.tr("没有逾期或临期的问题")
        if d.warnings:
            text += "　<span style='color:#b7791f'>▲ " + "；".join(d.warnings) + "</span>"
        self.banner.setText(text)

    def _on_banner_link(self, colour: str) -> None:
        self.tabs.setCurrentIndex(TAB_ITEMS)
        self.filter_bar.set_filter(IssueFilter(colours=[colour], office=self.model.filter.office))

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ISSUE, Kind.ALL):
            self._pending.start()

    # --- selection and detail ----------------------------------------------------------------
    def _on_item_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_id = self.model.issue_id(current.row()) if current.isValid() else None
        self._detail_timer.start()

    def _flush_detail(self) -> None:
        """Load a detail still waiting for the event loop (before acting on the selected item)."""
        if self._detail_timer.isActive():
            self._detail_timer.stop()
            self.show_issue(self.current_id)

    def _on_sup_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_issue(self.sup_model.data(current, Qt.ItemDataRole.UserRole) if current.isValid() else None)

    def _on_resp_double(self, index: QModelIndex) -> None:
        unit, person = self.resp_model.data(index, Qt.ItemDataRole.UserRole)
        # a row of every office's list (prefecture) names its county: list that county's items
        code = getattr(self.resp_model.rows[index.row()], "office_code", "")
        f = IssueFilter(**{**self.model.filter.to_dict(), "unit": unit,
                           "person": person,
                           "office": code or self.model.filter.office})
        self.tabs.setCurrentIndex(TAB_ITEMS)
        self.filter_bar.set_filter(f)

    def reveal_issue(self, issue_id: str) -> None:
        """Show one item in the list and the detail pane (from the dashboard or a reminder): when the filter
        in force hides it, the filter becomes its year and office with nothing else narrowing."""
        self.tabs.setCurrentIndex(TAB_ITEMS)
        with dialogs.guard(self) as done:
            wider = filter_to_show(self.ctx.db, self.model.filter, issue_id)
        if done.ok and wider is not None:
            self.filter_bar.set_filter(wider)
        for r in range(min(self.model.rowCount(), REVEAL_ROWS)):
            if self.model.issue_id(r) == issue_id:
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(r, 1), QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.table.scrollTo(self.model.index(r, 1))
                break
        self.show_issue(issue_id)

    def show_issue(self, issue_id: str | None) -> None:
        """Show one item in the detail pane (None: clear it). Used by the start-up summary too."""
        self._detail_timer.stop()
        self.current_id = issue_id
        set_enabled(self.notice_button, None if issue_id else self.tr("请先在清单中选中一条问题"))
        if issue_id is None:
            self.detail.show_detail(None)
            return
        with dialogs.guard(self) as done:
            d = get_issue_detail(self.ctx.db, issue_id, actor=self.ctx.actor)
        self.detail.show_detail(d if done.ok else None)

    # --- actions -----------------------------------------------------------------------------
    def exec_dialog(self, dlg: QDialog) -> int:
        """Run a dialog modally (tests replace this to fill and submit the form)."""
        return dlg.exec()

    def new_issue(self) -> str | None:
        """Record a new item; returns its id when saved."""
        dlg = IssueDialog(self.ctx, self)
        self.exec_dialog(dlg)
        if dlg.saved_id:
            self.current_id = dlg.saved_id
        return dlg.saved_id

    def assign_issue(self) -> str | None:
        """Prefecture: assign (交办) a new item to a county; returns its id when saved.

        The county chosen in 查看范围 is preselected; after saving the list shows that county's items.
        """
        if not self.model.prefecture:
            return None
        shown = self.model.filter.office
        dlg = IssueDialog(self.ctx, self, assign=True, county="" if shown == scope.ALL else shown)
        self.exec_dialog(dlg)
        if not dlg.saved_id:
            return None
        county = str(dlg.county.currentData())
        if shown not in (county, scope.ALL):
            self.tabs.setCurrentIndex(TAB_ITEMS)
            self.filter_bar.set_filter(IssueFilter(year=self.model.filter.year, office=county))
        self.show_issue(dlg.saved_id)
        return dlg.saved_id

    def assign_from_sheet(self) -> None:
        """Prefecture: 从表格批量交办 — choose a sheet, check the preview, assign its valid rows."""
        if not self.model.prefecture:
            return
        from ui.ledger.assign_sheet_dialog import AssignSheetDialog

        dlg = AssignSheetDialog(self.ctx, self)
        if not dlg.preview:
            dlg.choose_file()
        self.exec_dialog(dlg)

    def run_step(self, step: str) -> None:
        """Open the dialog of a lifecycle step for the selected item."""
        self._flush_detail()
        if not self.current_id:
            return
        why = self.detail.why_refused(step)
        if why is not None:  # the core refuses it: the item's state, another office's item, or a missing right
            dialogs.info(self, why)
            return
        if step == Step.EDIT:
            self.exec_dialog(IssueDialog(self.ctx, self, self.current_id))
            return
        with dialogs.guard(self) as done:
            detail = get_issue_detail(self.ctx.db, self.current_id, actor=self.ctx.actor)
        if done.ok:
            self.exec_dialog(StepDialog(self.ctx, detail, step, self))

    def print_view(self) -> None:
        """Preview the current tab's list as filtered on screen."""
        from ui.print.actions import print_ledger_view

        print_ledger_view(self, self.ctx, self.tabs.currentIndex(), self.filter_bar.current(),
                          sort=(self.model.sort_key, self.model.descending))

    def export_view(self, path: str | None = None) -> Any:
        """Export the 问题清单 as filtered on screen to .xlsx (``path`` skips the file dialog)."""
        from ui.excel.actions import export_list

        return export_list(self, self.ctx, "ledger", path=path, ledger_filter=self.model.filter)

    def print_notice(self) -> None:
        """Preview the 督办通知单 of the selected item."""
        from ui.print.actions import print_notice

        if not self.current_id:
            dialogs.info(self, self.tr("请先在清单中选中一条问题"))
            return
        print_notice(self, self.ctx, self.current_id)

    def open_attachment(self, sha256: str, name: str) -> None:
        """Open an attached file (a named copy) with the system's viewer."""
        from desktop_app.core import attachments

        with dialogs.guard(self) as done:
            path = attachments.readable_copy(self.ctx.data.attachments, sha256, name)
        if done.ok:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def current_year(self) -> int:
        """The campaign year the page opens on."""
        return organisation.current_year(self.ctx.db)
