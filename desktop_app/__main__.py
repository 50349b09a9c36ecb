"""``fielddesk`` / ``python -m desktop_app``: no command starts the GUI, a command runs headless.

Only an empty command line (global options such as ``--data-dir DIR`` aside) starts the GUI. Anything
else goes to the command-line parser, so a misspelt command (``fielddesk improt-excel x.xlsx``) is an
error with 用法 and “未知命令”, never a window that opens (or hangs on a machine without a display).
"""

from __future__ import annotations

import os
import sys

#: global options the GUI understands too, each followed by its value
GUI_OPTIONS = ("--data-dir",)
#: ``fielddesk --qt-probe FONT``: the selftest's Qt probe through the same executable (a packaged
#: build's sys.executable is FieldDesk itself, so a Python script cannot be run with it)
QT_PROBE_FLAG = "--qt-probe"


def gui_data_dir(args: list[str]) -> tuple[bool, str | None]:
    """Whether ``args`` asks for the GUI (nothing but global options), and the data folder it names."""
    data_dir = None
    rest = list(args)
    while rest:
        a = rest.pop(0)
        if a in GUI_OPTIONS and rest:
            data_dir = rest.pop(0)
        elif any(a.startswith(o + "=") for o in GUI_OPTIONS):
            data_dir = a.split("=", 1)[1]
        elif a == "--db-url" and rest:  # the GUI opens the folder with open_context(db_url=$FIELDDESK_DB_URL)
            os.environ["FIELDDESK_DB_URL"] = rest.pop(0)
        elif a.startswith("--db-url="):
            os.environ["FIELDDESK_DB_URL"] = a.split("=", 1)[1]
        else:
            return False, None
    return True, data_dir


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--excel-worker"]:  # a frozen build's spreadsheet worker (desktop_app/excel/worker.py)
        from desktop_app.excel.worker import serve

        return serve()
    if args[:1] == [QT_PROBE_FLAG]:  # selftest's child: probe Qt, never the GUI, never a data folder
        from resources.qt_probe import main as qt_probe

        return qt_probe(args[1] if len(args) > 1 else "")
    gui, data_dir = gui_data_dir(args)
    if not gui:
        from desktop_app.cli.main import run  # stdlib only: every command runs headless

        return run(args)
    from ui.app import run_gui  # imported lazily: the CLI never loads Qt

    return run_gui(data_dir)


if __name__ == "__main__":
    sys.exit(main())
