"""Test teardown: background reads end before a test's database closes (imports no Qt unless a test did)."""

from __future__ import annotations


def let_workers_finish(limit_s: float = 30.0) -> None:
    """Before a test's database closes: let the background reads its windows started end (bounded).

    Closing a SQLite connection that a worker thread is still reading through can crash the whole process
    (seen as a segfault inside SQLAlchemy on a worker thread, in the next test). The app does the same on
    exit (ui/app.py waits for the thread pool). Does nothing when no test imported ``ui.tasks``."""
    import sys
    import time

    tasks = sys.modules.get("ui.tasks")
    if tasks is None:
        return
    from PySide6.QtCore import QCoreApplication, QThreadPool

    pool = QThreadPool.globalInstance()
    app = QCoreApplication.instance()
    deadline = time.monotonic() + limit_s
    while tasks.busy() and time.monotonic() < deadline:
        if app is not None:
            app.processEvents()
        pool.waitForDone(10)
