"""The main window: navigation on the left, one lazily built page per capability on the right."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui import dialogs, prefs
from ui.navigation import PAGES, PageSpec
from ui.signals import Kind, bus, notify

# the frame is painted before SQLAlchemy (desktop_app.core.context) and PySide6's ``Qt`` namespace are
# loaded: ``Qt``'s first use builds all its enums (~30 ms), so the methods run after the paint import it
if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from desktop_app.campaign.todo import DayReminder, TodoEntry
    from desktop_app.core.context import AppContext
    from ui.day_watch import DayNotice, DayWatch
    from ui.help_dialog import HelpDialog

log = logging.getLogger(__name__)

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
APP_NAME = "调研工作台"
#: files a clerk may drop on the window: spreadsheets go to 导入 Excel, bundles to 导入数据包
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls")
BUNDLE_SUFFIXES = (".fdbundle",)
#: the navigation items' page key (``Qt.ItemDataRole.UserRole``, as its number: see the note on ``Qt`` above)
NAV_KEY_ROLE = 0x0100


def icon(name: str) -> QIcon:
    """An icon shipped in resources/icons (SVG)."""
    return QIcon(str(ICONS / f"{name}.svg"))


def set_shortcut(action: QAction, key: QKeySequence | QKeySequence.StandardKey | str) -> None:
    """``action.setShortcut(QKeySequence(key))`` without building ``Qt`` (see above): resolving ``setShortcut``'s
    overloads (one takes a ``Qt.Key``) builds it; ``setShortcuts`` with the one sequence sets the same shortcut."""
    action.setShortcuts([QKeySequence(key)])


def load_page_class(target: str) -> Callable[..., QWidget]:
    """Import ``module:Class`` of a registered page or panel.

    Every registered page ships, so an ImportError here (a frozen build that left the module
    out, a damaged install, a missing dependency) is a real error and propagates to the
    caller's bug dialog; it is never shown as a capability that has not landed yet.
    """
    module_name, _, class_name = target.partition(":")
    cls: Callable[..., QWidget] = getattr(importlib.import_module(module_name), class_name)
    return cls


class MainWindow(QMainWindow):
    """调研工作台主窗口."""

    first_painted = Signal()  # the frame's first paint (start-up benchmark)
    page_painted = Signal()  # a page watched with ``page.installEventFilter(window)`` was painted
    page_shown = Signal(str)

    def __init__(self, ctx: AppContext | None = None, parent: QWidget | None = None,
                 clock: Callable[[], dt.date] | None = None) -> None:
        """Build the frame; with ``ctx`` the data is shown at once, else after ``attach(ctx)``.

        The frame alone needs no database (nor SQLAlchemy), so it can be painted first
        while the data folder is being opened. ``clock`` gives today's date (a test moves it).
        """
        super().__init__(parent)
        self.clock: Callable[[], dt.date] = clock or dt.date.today
        self.day_watch: DayWatch | None = None
        self.day_notice: DayNotice | None = None
        self._pending_reminder: DayReminder | None = None
        self.tray: QObject | None = None
        self._ctx: AppContext | None = None
        self._painted = False
        self._help: HelpDialog | None = None
        self.pages: dict[str, QWidget] = {}
        self.specs: dict[str, PageSpec] = {p.key: p for p in PAGES}
        self.setWindowIcon(icon("fielddesk"))
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)
        self.setMinimumSize(960, 600)
        geometry = prefs.get_bytes("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # where and how large the clerk left it last time
        self.setAcceptDrops(True)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._build_nav())
        self.stack = QStackedWidget()
        self.loading = QLabel(self.tr("正在打开数据…"))
        self.loading.setObjectName("PlaceholderText")
        self.stack.addWidget(self._centred(self.loading))
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_menu()
        self._build_status()
        self.nav.setEnabled(False)
        for act in (self.act_backup, self.act_restore):
            act.setEnabled(False)
        if ctx is not None:
            self.attach(ctx)

    @property
    def ctx(self) -> AppContext:
        """The open data folder (only after ``attach``)."""
        assert self._ctx is not None, "MainWindow.attach(ctx) has not been called"
        return self._ctx

    def attach(self, ctx: AppContext) -> None:
        """Show the data of ``ctx``: identity in the title and status bars, then the dashboard."""
        self._ctx = ctx
        self.nav.setEnabled(True)
        for act in (self.act_backup, self.act_restore):
            act.setEnabled(True)
        self.refresh_identity()
        bus().changed.connect(self._on_changed)
        from ui.change_watch import ChangeWatcher

        self.change_watcher = ChangeWatcher(self)  # other clerks' changes appear without restarting
        if ctx.actor.account:  # this office has accounts and someone signed in
            from ui.sign_in_dialog import IdleLock

            self.idle_lock = IdleLock(ctx, self, self._signed_again)
            self.act_switch_user.setEnabled(True)
            self.act_lock.setEnabled(True)
        from ui.day_watch import DayWatch

        # a window left open overnight (or a computer woken up) notices the new day: 待办 read again, a reminder
        self.day_watch = DayWatch(self.clock, self)
        self.day_watch.new_day.connect(self.remind_new_day)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_app_state)
        self.show_page(PAGES[0].key)

    # --- who is signed in ------------------------------------------------------------------------
    def switch_user(self) -> None:
        """切换用户: another person signs in; every page reloads for their rights."""
        from ui.sign_in_dialog import ask_sign_in

        if ask_sign_in(self.ctx, self, self.tr("切换用户：请输入另一位人员的登录名和密码。")):
            self._signed_again()

    def lock_screen(self) -> None:
        """Lock now, as the idle timer would."""
        lock = getattr(self, "idle_lock", None)
        if lock is not None:
            lock.lock()

    def _signed_again(self) -> None:
        self.refresh_identity()
        notify(Kind.ALL, [])
        if self._pending_reminder is not None:  # the day changed behind the lock: the reminder now
            reminder, self._pending_reminder = self._pending_reminder, None
            self.show_day_notice(reminder)

    # --- every morning -----------------------------------------------------------------------------
    def _on_app_state(self, state: Qt.ApplicationState) -> None:
        from PySide6.QtCore import Qt

        if state == Qt.ApplicationState.ApplicationActive and self.day_watch is not None:
            self.day_watch.check()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow() and self.day_watch is not None:
            self.day_watch.check()  # back at the desk after a night or a sleep: is it another day?

    def remind_new_day(self, day: dt.date) -> None:
        """A new day in an open window: the dashboard and 待办 read again, then the day's reminder."""
        from desktop_app.campaign import todo
        from ui.tasks import run_task

        dashboard = self.pages.get("dashboard")
        again = getattr(dashboard, "refresh", None)
        if callable(again):
            with dialogs.guard(self):
                again()
        db = self.ctx.db

        def done(entries: list[TodoEntry]) -> None:
            if self.day_watch is not None and self.day_watch.day == day:  # not a day already passed again
                self.set_nav_counts(todo.counts_by_page(entries))
                self.show_day_notice(todo.day_reminder(entries, day))

        self.reminder_task = run_task(self, self.tr("读取待办"), lambda _p: todo.todo_list(db, day), on_done=done,
                                      show_progress=False)

    def show_day_notice(self, reminder: DayReminder) -> None:
        """The day's reminder: on the status bar; with items due or overdue also a non-modal panel (and a tray
        notice where the desktop has a tray). Behind the screen lock it waits for the clerk to sign in."""
        self.statusBar().showMessage(reminder.text)
        if not reminder.any:
            return
        lock = getattr(self, "idle_lock", None)
        if lock is not None and lock.locked:
            self._pending_reminder = reminder  # item titles are not shown over a locked screen
            return
        from ui.day_watch import DayNotice

        if self.day_notice is not None:
            self.day_notice.close()  # yesterday's, still open: today's replaces it
        notice = DayNotice(reminder, self.open_todo, self)
        notice.finished.connect(lambda _r, n=notice: self._notice_closed(n))
        self.day_notice = notice
        notice.show()
        notice.place()
        QApplication.alert(self)  # the taskbar entry flashes; nothing takes the keyboard away
        self._tray_notice(reminder.text)

    def _notice_closed(self, notice: DayNotice) -> None:
        if self.day_notice is notice:
            self.day_notice = None

    def _tray_notice(self, text: str) -> None:
        from PySide6.QtWidgets import QSystemTrayIcon

        if not QSystemTrayIcon.isSystemTrayAvailable():  # offscreen, a desktop without a tray: the panel is enough
            return
        if self.tray is None:
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.setToolTip(APP_NAME)
            self.tray.messageClicked.connect(self.open_todo)
            self.tray.show()
        assert isinstance(self.tray, QSystemTrayIcon)
        self.tray.showMessage(self.tr("今日待办提醒"), text, QSystemTrayIcon.MessageIcon.Information, 15_000)

    def open_todo(self) -> None:
        """工作台 in front, the window raised: the 待办 panel is at its top."""
        self.show_page("dashboard")
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    # --- layout -------------------------------------------------------------------------------
    @staticmethod
    def _centred(label: QLabel) -> QWidget:
        """``label`` in the middle of a panel (by stretches: no ``Qt`` alignment flag before the first paint)."""
        panel = QWidget()
        grid = QGridLayout(panel)
        grid.addWidget(label, 1, 1)
        for edge in (0, 2):  # rows and columns around it that take the room
            grid.setRowStretch(edge, 1)
            grid.setColumnStretch(edge, 1)
        return panel

    def _build_nav(self) -> QWidget:
        panel = QFrame()
        panel.setObjectName("NavPanel")
        panel.setFixedWidth(200)
        col = QVBoxLayout(panel)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        brand = QLabel(self.tr("调研工作台"))
        brand.setObjectName("NavBrand")
        col.addWidget(brand)
        self.brand_sub = QLabel()
        self.brand_sub.setObjectName("NavBrandSub")
        self.brand_sub.setWordWrap(True)
        col.addWidget(self.brand_sub)
        self.nav = QListWidget()
        self.nav.setObjectName("NavList")
        self.nav.setIconSize(QSize(20, 20))  # keyboard focus by tab and click: a QListWidget's own (StrongFocus)
        for spec in PAGES:
            item = QListWidgetItem(icon(spec.icon or spec.key), spec.title)
            item.setData(NAV_KEY_ROLE, spec.key)
            item.setToolTip(f"{spec.title}（{spec.shortcut}）")
            self.nav.addItem(item)
            act = QAction(self)
            set_shortcut(act, spec.shortcut)
            act.triggered.connect(lambda _=False, key=spec.key: self._shortcut(key))
            self.addAction(act)
        self.nav.currentRowChanged.connect(self._on_nav_row)
        col.addWidget(self.nav, 1)
        self.nav_footer = QLabel()
        self.nav_footer.setObjectName("NavFooter")
        self.nav_footer.setWordWrap(True)
        col.addWidget(self.nav_footer)
        return panel

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        self.act_backup = file_menu.addAction(self.tr("立即备份(&B)"))
        self.act_backup.triggered.connect(self._backup_now)
        self.act_restore = file_menu.addAction(self.tr("从备份恢复(&R)…"))
        self.act_restore.triggered.connect(self._restore)
        file_menu.addSeparator()
        self.act_switch_user = file_menu.addAction(self.tr("切换用户(&U)…"))
        self.act_switch_user.triggered.connect(self.switch_user)
        self.act_switch_user.setEnabled(False)
        self.act_lock = file_menu.addAction(self.tr("锁定屏幕(&L)"))
        set_shortcut(self.act_lock, "Ctrl+L")
        self.act_lock.triggered.connect(self.lock_screen)
        self.act_lock.setEnabled(False)
        # 最近打开: the spreadsheets and bundles imported lately, kept across restarts (ui.prefs)
        self.recent_menu = file_menu.addMenu(self.tr("最近打开(&O)"))
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        file_menu.addSeparator()
        from ui.excel.menu import add_excel_actions  # 导入/导出 Excel (owned by the Excel capability)

        add_excel_actions(self, file_menu, lambda: self._ctx)
        file_menu.addSeparator()
        act_quit = file_menu.addAction(self.tr("退出(&X)"))
        set_shortcut(act_quit, QKeySequence.StandardKey.Quit)
        act_quit.triggered.connect(self.close)
        view_menu = self.menuBar().addMenu(self.tr("视图(&V)"))
        self.act_refresh = view_menu.addAction(self.tr("刷新(&U)"))
        set_shortcut(self.act_refresh, "F5")
        self.act_refresh.triggered.connect(self.refresh_page)
        self.act_find = view_menu.addAction(self.tr("查找(&F)"))
        set_shortcut(self.act_find, QKeySequence.StandardKey.Find)
        self.act_find.triggered.connect(self.find_on_page)
        view_menu.addSeparator()
        self.act_reset_layout = view_menu.addAction(self.tr("重置界面布局(&L)"))
        self.act_reset_layout.setStatusTip(self.tr("各页面的分栏位置、表格列宽、列顺序、排序和显示的列恢复为默认"))
        self.act_reset_layout.triggered.connect(self.reset_layout)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        self.act_manual = help_menu.addAction(self.tr("使用说明(&M)"))
        set_shortcut(self.act_manual, "F1")
        self.act_manual.triggered.connect(self.show_manual)
        act_about = help_menu.addAction(self.tr("关于调研工作台(&A)"))
        act_about.triggered.connect(self._about)

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.status_office = QLabel()
        self.status_campaign = QLabel()
        self.status_actor = QLabel()
        sb.addWidget(self.status_office)
        sb.addWidget(self.status_campaign)
        sb.addPermanentWidget(self.status_actor)

    # --- identity (title bar, status bar) --------------------------------------------------------
    def refresh_identity(self) -> None:
        """Show the office, campaign year and acting user in the title and status bars."""
        from desktop_app.org import organisation

        year = organisation.current_year(self.ctx.db)
        if self.ctx.office_code:
            office = organisation.get_office(self.ctx.db)
            who = f"{office.name}（{office.code}）"
            self.status_office.setText(self.tr("本单位：%1 · %2").replace("%1", who).replace("%2", office.level_label))
            self.brand_sub.setText(office.name)
        else:
            who = self.tr("尚未设置单位")
            self.status_office.setText(who)
            self.brand_sub.setText(who)
        self.status_campaign.setText(self.tr("当前年度：%1年").replace("%1", str(year)))
        actor = self.ctx.actor
        if actor.account:
            self.status_actor.setText(self.tr("当前用户：%1（%2）").replace("%1", actor.label).replace("%2", actor.login))
        else:
            self.status_actor.setText(self.tr("操作人：%1").replace("%1", actor.label))
        camp = organisation.get_campaign(self.ctx.db, year) if self.ctx.office_code else None
        self.nav_footer.setText(camp.name if camp else self.tr("%1年度").replace("%1", str(year)))
        # Qt itself appends " — 调研工作台" (the application display name): not once more here
        self.setWindowTitle(self.tr("%1 · %2年度").replace("%1", who).replace("%2", str(year)))

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.OFFICE, Kind.CAMPAIGN):
            self.refresh_identity()
        lock = getattr(self, "idle_lock", None)
        if kind == "accounts" and lock is not None:
            lock.restart()  # the screen-lock time may have changed

    # --- pages -------------------------------------------------------------------------------------
    def _shortcut(self, key: str) -> None:
        if self._ctx is not None:
            self.show_page(key)

    def _on_nav_row(self, row: int) -> None:
        if self._ctx is not None and 0 <= row < len(PAGES):
            self.show_page(PAGES[row].key)

    def show_page(self, key: str) -> QWidget:
        """Switch to a page, building it on first show."""
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        row = [p.key for p in PAGES].index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
        self.page_shown.emit(key)
        return page

    def set_nav_counts(self, counts: dict[str, int]) -> None:
        """The number of to-dos (待办) after each sidebar entry: “问题台账  12”."""
        for row, spec in enumerate(PAGES):
            n = counts.get(spec.key, 0)
            self.nav.item(row).setText(f"{spec.title}  {n}" if n else spec.title)

    def page(self, key: str) -> QWidget:
        """The page widget for ``key`` (built now if it was not yet)."""
        if key not in self.pages:
            spec = self.specs[key]
            widget = self._build_page(spec)
            self.pages[key] = widget
            self.stack.addWidget(widget)
        return self.pages[key]

    def _build_page(self, spec: PageSpec) -> QWidget:
        try:
            page: QWidget = load_page_class(spec.target)(self.ctx, None)  # every page takes (ctx, parent)
            from ui import layout_memory

            layout_memory.remember_page(page, spec.key)  # splitters and column widths as the clerk left them
            return page
        except Exception as exc:  # one broken page must not take the window down; show it as a bug
            log.exception("page %s failed to load", spec.key)
            dialogs.show_error(self, exc)
            from ui.placeholder_page import PlaceholderPage

            return PlaceholderPage(spec.title, spec.planned, error=str(exc) or type(exc).__name__)

    def reset_layout(self) -> None:
        """视图 › 重置界面布局: every splitter and table back to its first layout; the tables fit their text again."""
        from ui import layout_memory

        layout_memory.reset_all()
        for page in self.pages.values():
            again = getattr(page, "refresh", None) or getattr(page, "reload", None)
            if callable(again):
                with dialogs.guard(self):
                    again()
        self.statusBar().showMessage(self.tr("界面布局已恢复默认（分栏位置、列宽、列顺序、排序和显示的列）"), 8000)

    def show_manual(self) -> HelpDialog:
        """F1: the manual (shipped inside the app), at the section of the page in front."""
        from ui.help_dialog import HelpDialog

        if self._help is None:
            self._help = HelpDialog(self)
        key = next((k for k, w in self.pages.items() if w is self.stack.currentWidget()), "start")
        self._help.show_section(key)
        return self._help

    def refresh_page(self) -> bool:
        """F5: read the page in front again from the data (another window or a command may have written)."""
        page = self.stack.currentWidget()
        again = getattr(page, "refresh", None) or getattr(page, "reload", None)
        if self._ctx is None or not callable(again):
            return False
        again()
        self.statusBar().showMessage(self.tr("已刷新"), 3000)
        return True

    def find_on_page(self) -> bool:
        """Ctrl+F: the cursor to the search box of the page in front (a status-bar word where it has none)."""
        page = self.stack.currentWidget()
        focus = getattr(page, "focus_search", None)
        if self._ctx is None or not callable(focus):
            self.statusBar().showMessage(self.tr("本页没有查找框"), 3000)
            return False
        focus()
        return True

    def fill_recent_menu(self) -> None:
        """The recent files, newest first: choosing one imports it again, with the preview first."""
        from ui import prefs

        self.recent_menu.clear()
        names = prefs.recent_files()
        for i, name in enumerate(names, 1):
            act = self.recent_menu.addAction(f"&{i % 10} {Path(name).name}")
            act.setToolTip(name)
            act.setStatusTip(name)
            act.triggered.connect(lambda _c=False, n=name: self.open_dropped([n]))
            act.setEnabled(self._ctx is not None)
        if not names:
            empty = self.recent_menu.addAction(self.tr("（暂无）"))
            empty.setEnabled(False)
            return
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.tr("清除列表"), prefs.clear_recent)

    # --- dropped files ------------------------------------------------------------------------------
    @staticmethod
    def dropped_files(paths: list[str]) -> tuple[list[str], list[str]]:
        """The spreadsheets and the bundles among dropped files (anything else is ignored)."""
        sheets = [p for p in paths if p.lower().endswith(SHEET_SUFFIXES)]
        bundles = [p for p in paths if p.lower().endswith(BUNDLE_SUFFIXES)]
        return sheets, bundles

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if self._ctx is not None and any(self.dropped_files(paths)):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        QTimer.singleShot(0, lambda: self.open_dropped(paths))  # not inside the drop: the import dialog is modal

    def open_dropped(self, paths: list[str]) -> None:
        """Import what was dropped: a spreadsheet in the Excel import dialog, bundles on 数据交换 › 导入数据包."""
        sheets, bundles = self.dropped_files(paths)
        if self._ctx is None:
            return
        if bundles:
            page = self.show_page("exchange")
            importer = getattr(page, "importer", None)
            if importer is not None:
                page.tabs.setCurrentWidget(importer)  # type: ignore[attr-defined]
                importer.preview_paths(bundles)
        for sheet in sheets[:1]:  # one import dialog at a time; the clerk chooses the kind there
            from ui.excel.actions import open_import_dialog

            open_import_dialog(self, self.ctx, path=sheet)
        if len(sheets) > 1:
            self.statusBar().showMessage(self.tr("一次只能导入一个表格，已打开第一个：%1").replace("%1", sheets[0]), 8000)

    # --- actions ------------------------------------------------------------------------------------
    def _backup_now(self) -> None:
        from ui.settings import backup_ops

        backup_ops.backup_now(self, self.ctx)

    def _restore(self) -> None:
        from ui.settings import backup_ops

        path = dialogs.open_file(self, self.tr("选择要恢复的备份文件"), self.tr("调研工作台数据库 (*.db);;所有文件 (*)"),
                                 str(self.ctx.data.backups))
        if path:
            backup_ops.restore_from(self, self.ctx, Path(path))

    def _about(self) -> None:
        dialogs.info(self, self.about_text(), self.tr("关于调研工作台"))

    def about_text(self) -> str:
        """帮助 › 关于: what the program is, its version and build, Qt/Python/OS, and where the data is."""
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion

        from desktop_app.core.about import about_facts

        facts = about_facts(self._ctx.data.root if self._ctx is not None else None)
        facts.insert(3, ("Qt", f"{qVersion()}（PySide6 {pyside_version}）"))
        lines = "\n".join(f"{label}：{value}" for label, value in facts)
        return (self.tr("调研工作台 FieldDesk\n\n面向县级、市级单位“大调研”工作的离线桌面软件：\n"
                        "调研课题、调研安排、问题台账、业务测试与单位间数据交换。\n\n")
                + lines + "\n" + self.tr("界面字体：文泉驿微米黑（Apache-2.0）"))

    # --- events -------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        from ui import layout_memory

        prefs.set_value("window/geometry", self.saveGeometry())
        layout_memory.save_all()  # a change made in the last moment (the delayed save has not run yet)
        super().closeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self.stack.currentWidget():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.page_painted.emit)  # after the paint has been flushed
        return super().eventFilter(watched, event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

