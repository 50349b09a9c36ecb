"""Starting the GUI: the application, its font and style, the data folder, the main window.

Start-up is benchmarked (``FIELDDESK_BENCH_SHOWN=1``): only what the first screen
needs is imported here; pages are built when first shown.
"""

from __future__ import annotations

import time

_T_IMPORT = time.time()  # before the Qt imports: the fallback "process start" for the bench hook

import getpass  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from types import TracebackType  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from PySide6.QtCore import QLibraryInfo, QLocale, QThreadPool, QTimer, QTranslator  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from desktop_app.core.errors import DatabaseCorruptError, FieldDeskError  # noqa: E402
from ui import dialogs, fonts  # noqa: E402

if TYPE_CHECKING:
    from desktop_app.core.audit import Actor
    from desktop_app.core.context import AppContext

STYLE = Path(__file__).resolve().parent / "style.qss"
ENV_BENCH_SHOWN = "FIELDDESK_BENCH_SHOWN"
ENV_BENCH_T0 = "FIELDDESK_BENCH_T0"
#: how long the window waits for a command that is writing to the folder (e.g. finishing an import)
GUI_LOCK_WAIT_S = 5.0
#: at exit, how long a background read still running (a dashboard panel's figures) may finish first
EXIT_WAIT_MS = 30_000


def desktop_actor() -> Actor:
    """Who acts in the GUI before the office has accounts: this PC's login (then whoever signs in)."""
    from desktop_app.core.audit import Actor

    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no login name (containers, odd Windows setups)
        login = "user"
    return Actor(f"pc:{login}", login)


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication with FieldDesk's name, font and style (reused if one exists)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("调研工作台")
    app.setApplicationDisplayName("调研工作台")
    app.setOrganizationName("FieldDesk")
    _install_chinese(app)
    fonts.install(app)
    app.setStyle("Fusion")  # the same look on Windows, UOS and Kylin
    app.setStyleSheet(STYLE.read_text(encoding="utf-8"))
    return app


_translator: QTranslator | None = None
_gaps: QTranslator | None = None
#: Qt strings qtbase_zh_CN leaves in English (the file dialog's 查找范围/文件类型, 文件夹 in its list)
GAPS_DIR = Path(__file__).resolve().parents[1] / "resources" / "i18n"


def qt_gaps_translator(parent: QApplication) -> QTranslator | None:
    """Our small supplement to Qt's own Chinese (resources/i18n/qt_gaps_zh_CN.ts), or None if it is missing."""
    gaps = QTranslator(parent)
    return gaps if gaps.load("qt_gaps_zh_CN", str(GAPS_DIR)) else None


def _install_chinese(app: QApplication) -> None:
    """Qt's own texts (OK/Cancel, calendar month and weekday names) in Simplified Chinese, whatever the
    PC's locale: the translations ship inside the PySide6 wheel, so nothing is fetched."""
    global _translator, _gaps
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if _translator is not None:
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_zh_CN", folder):
        app.installTranslator(translator)
        _translator = translator  # kept alive as long as the app
    gaps = qt_gaps_translator(app)
    if gaps is not None:  # installed last, so asked first
        app.installTranslator(gaps)
        _gaps = gaps


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Anything that escapes a slot is a bug: show it with details to copy, keep running."""
    sys.__excepthook__(exc_type, exc, tb)
    if issubclass(exc_type, KeyboardInterrupt):
        return
    from desktop_app.core.db_errors import known_error

    if known_error(exc) is not None:
        dialogs.show_error(QApplication.activeWindow(), exc)
    else:
        dialogs.show_bug(QApplication.activeWindow(), exc_type, exc, tb)


def open_data(root: Path, actor: Actor, parent: QWidget | None = None) -> AppContext | None:
    """Open the data folder; on a known problem tell the clerk calmly. None = cannot continue.

    A corrupted database leads to the recovery dialog; after a successful restore
    the folder is opened again.
    """
    from desktop_app.core.context import open_context
    from ui.settings.database_tab import ask_password_at_start

    ask_password_at_start(parent)  # a shared server whose password no variable or keyring holds
    while True:
        try:
            # full integrity check at the day's first open, structural check otherwise; the window holds
            # the folder's writer lock while it is open (a second window or a writing command is refused);
            # a shared server chosen for this run (--db-url / FIELDDESK_DB_URL), else the folder's own choice
            return open_context(root, actor=actor, wait_s=GUI_LOCK_WAIT_S,
                                db_url=os.environ.get("FIELDDESK_DB_URL") or None)
        except DatabaseCorruptError as exc:
            from ui.recovery_dialog import RecoveryDialog

            if not RecoveryDialog(exc, root, parent).exec():
                return None
        except FieldDeskError as exc:  # SchemaTooNewError, DataDirError, locked, read-only …
            dialogs.warn(parent, dialogs.error_text(exc), "调研工作台无法打开数据")
            return None


def _bench_t0() -> float:
    try:
        return float(os.environ[ENV_BENCH_T0])
    except (KeyError, ValueError):
        return _T_IMPORT


class _Startup:
    """Paint the frame first, then open the data folder (wizard/recovery if needed), then show the data.

    With ``FIELDDESK_BENCH_SHOWN=1`` it prints ``shown <s>`` after the frame's first paint and
    ``ready <s>`` after the dashboard has been painted with the office's data, then quits.
    """

    def __init__(self, app: QApplication, root: Path) -> None:
        from ui.main_window import MainWindow

        self.app, self.root = app, root
        self.ctx: AppContext | None = None
        self.bench = os.environ.get(ENV_BENCH_SHOWN) == "1"
        self.started = False
        self.window = MainWindow()
        self.window.first_painted.connect(self._painted)
        screen = app.primaryScreen().availableGeometry() if app.primaryScreen() else None
        if screen is not None and (screen.width() < 1400 or screen.height() < 900):
            self.window.showMaximized()  # 1366×768 office laptops: use the whole screen
        else:
            self.window.show()
        QTimer.singleShot(500, self._open)  # in case the platform never reports a paint

    def _painted(self) -> None:
        if self.bench:
            print(f"shown {time.time() - _bench_t0():.3f}", flush=True)
        QTimer.singleShot(0, self._open)

    def _open(self) -> None:
        if self.started:
            return
        self.started = True
        self.ctx = open_data(self.root, desktop_actor(), self.window)
        if self.ctx is None:
            self.app.exit(2)
            return
        if not self.ctx.office_code:
            from ui.setup_wizard import SetupWizard

            if not SetupWizard(self.ctx, self.window).exec():
                self.app.exit(0)
                return
        from desktop_app.org import accounts

        if not self.ctx.actor.account and accounts.has_accounts(self.ctx.db):  # nobody works unsigned
            auto = accounts.auto_sign_in(self.ctx.db)  # 本机仅一人使用, chosen explicitly at set-up
            scripted = _signed_in_from_environment(self.ctx)
            if auto is not None:
                self.ctx.actor = auto.actor
            elif scripted is not None:
                self.ctx.actor = scripted
            else:
                from ui.sign_in_dialog import ask_sign_in

                if not ask_sign_in(self.ctx, self.window):
                    self.app.exit(0)
                    return
        self.window.attach(self.ctx)
        notices = list(self.ctx.notices)
        if not self.ctx.actor.account and not accounts.has_accounts(self.ctx.db):
            notices.append("本单位尚未建立账户：请在“设置 › 账户”中添加系统管理员账户，此后每次使用须登录")
        for notice in notices:
            self.window.statusBar().showMessage(notice, 15000)
        if self.bench:
            page = self.window.stack.currentWidget()
            if page is not None:
                page.installEventFilter(self.window)
            self.window.page_painted.connect(self._ready)

    def _ready(self) -> None:
        print(f"ready {time.time() - _bench_t0():.3f}", flush=True)
        QTimer.singleShot(0, self.app.quit)


def _signed_in_from_environment(ctx: AppContext) -> Actor | None:
    """FIELDDESK_USER and FIELDDESK_PASSWORD, as the command line takes them (a scripted start: the smoke
    test, the start-up bench): the same sign-in, lockout and audit as the dialog's; None (the dialog
    asks) when they are not both set, are wrong, or the first password must still be changed."""
    from desktop_app.cli.accounts import PASSWORD_ENV, USER_ENV
    from desktop_app.org import accounts
    login, password = os.environ.get(USER_ENV, "").strip(), os.environ.get(PASSWORD_ENV)
    if not login or password is None:
        return None
    try:
        signed = accounts.sign_in(ctx.db, login, password)
    except FieldDeskError as exc:
        print(f"用环境变量 {USER_ENV} 登录未成功：{exc}", file=sys.stderr)
        return None
    return None if signed.must_change else signed.actor


def _tell_without_qt(text: str) -> None:
    """Say ``text`` when Qt cannot show a window: stderr, and a system message box on Windows."""
    print(text, file=sys.stderr)
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, text, "调研工作台安装不完整", 0x10)  # type: ignore[attr-defined]


def run_gui(data_dir: str | None) -> int:
    """Start the GUI on the data folder (``--data-dir``, env, or the platform default); returns the exit code."""
    from desktop_app.core import install_check
    from desktop_app.core.config import resolve_data_dir

    platform = os.environ.get("QT_QPA_PLATFORM") or None
    no_window = install_check.missing_platform_plugin(platform)
    if no_window is not None:  # Qt would abort with an English fatal error before any dialog could show
        _tell_without_qt(install_check.missing_text([no_window]))
        return 3
    missing = install_check.missing_files(platform)
    # fcitx/fcitx5 (UOS, Kylin) reached through the bundled ibus plugin; must be set before Qt starts
    os.environ.update(install_check.input_method_env(dict(os.environ), install_check.bundled_input_methods()))
    app = make_app()
    sys.excepthook = _excepthook
    if missing:  # a damaged install folder: say what is missing in a dialog, then carry on as far as it goes
        dialogs.warn(None, install_check.missing_text(missing), "调研工作台安装不完整")
    startup = _Startup(app, resolve_data_dir(data_dir))
    try:
        return app.exec()
    finally:
        # a worker still reading must end before the database closes and Qt goes away (else it aborts the process)
        QThreadPool.globalInstance().waitForDone(EXIT_WAIT_MS)
        if startup.ctx is not None:
            startup.ctx.close()
