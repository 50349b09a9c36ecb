"""``fielddesk`` / ``python -m desktop_app``: no command starts the GUI, a command runs headless."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = sys.argv[1:] if argv is None else argv
    commands = {"init", "demo", "import-excel", "export-excel", "print", "office-card", "trust", "export-bundle",
                "import-bundle", "backup", "restore", "selftest"}
    from desktop_app.cli import HANDLERS  # stdlib only: every registered command runs headless

    commands |= set(HANDLERS)
    if any(a in commands or a in ("-h", "--help", "--version") for a in args):
        from desktop_app.cli import run

        return run(args)
    data_dir = None
    rest = list(args)
    while rest:
        a = rest.pop(0)
        if a == "--data-dir" and rest:
            data_dir = rest.pop(0)
        elif a.startswith("--data-dir="):
            data_dir = a.split("=", 1)[1]
    from ui.app import run_gui  # imported lazily: the CLI never loads Qt

    return run_gui(data_dir)


if __name__ == "__main__":
    sys.exit(main())
