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

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from desktop_app.audit import Actor  # noqa: E402
from desktop_app.errors import DatabaseCorruptError, FieldDeskError  # noqa: E402
from ui import dialogs, fonts  # noqa: E402

if TYPE_CHECKING:
    from desktop_app.context import AppContext

STYLE = Path(__file__).resolve().parent / "style.qss"
ENV_BENCH_SHOWN = "FIELDDESK_BENCH_SHOWN"
ENV_BENCH_T0 = "FIELDDESK_BENCH_T0"


def desktop_actor() -> Actor:
    """Who acts in the GUI: this PC's login until user accounts land."""
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
    fonts.install(app)
    app.setStyle("Fusion")  # the same look on Windows, UOS and Kylin
    app.setStyleSheet(STYLE.read_text(encoding="utf-8"))
    return app


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Anything that escapes a slot is a bug: show it with details to copy, keep running."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    sys.__excepthook__(exc_type, exc, tb)
    if isinstance(exc, FieldDeskError):
        dialogs.show_error(QApplication.activeWindow(), exc)
    else:
        dialogs.show_bug(QApplication.activeWindow(), exc_type, exc, tb)


def open_data(root: Path, actor: Actor, parent: QWidget | None = None) -> AppContext | None:
    """Open the data folder; on a known problem tell the clerk calmly. None = cannot continue.

    A corrupted database leads to the recovery dialog; after a successful restore
    the folder is opened again.
    """
    from desktop_app.context import open_context

    while True:
        try:
            return open_context(root, actor=actor, full_check=False)
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


def run_gui(data_dir: str | None) -> int:
    """Start the GUI on the data folder (``--data-dir``, env, or the platform default); returns the exit code."""
    from desktop_app.config import resolve_data_dir

    app = make_app()
    sys.excepthook = _excepthook
    ctx = open_data(resolve_data_dir(data_dir), desktop_actor())
    if ctx is None:
        return 2
    try:
        if not ctx.office_code:
            from ui.setup_wizard import SetupWizard

            if not SetupWizard(ctx).exec():
                return 0
        from ui.main_window import MainWindow

        window = MainWindow(ctx)
        if os.environ.get(ENV_BENCH_SHOWN) == "1":
            def report() -> None:
                print(f"shown {time.time() - _bench_t0():.3f}", flush=True)
                app.quit()

            # after the paint has been flushed to the screen, not when it starts
            window.first_painted.connect(lambda: QTimer.singleShot(0, report))
        window.show()
        for notice in ctx.notices:
            window.statusBar().showMessage(notice, 15000)
        return app.exec()
    finally:
        ctx.close()
