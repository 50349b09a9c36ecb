"""Waiting in UI tests for what the code started, not for a number of milliseconds."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QThreadPool, QTimer


def wait_for_workers(qtbot: Any, timeout: int = 20_000) -> None:
    """Return once the work already asked for is done and delivered: the zero-delay timers queued so far
    have run (pages and models start their background reads from one), every ``ui.tasks`` job has
    ended and its result reached the UI thread, and the events that posted (repaints, layout) are handled.

    Raises pytest-qt's TimeoutError (not an AssertionError) when that takes longer than ``timeout`` ms."""
    from ui import tasks

    turned: list[bool] = []
    QTimer.singleShot(0, lambda: turned.append(True))  # runs after the zero-delay timers queued before it
    try:
        qtbot.waitUntil(lambda: bool(turned) and not tasks.busy(), timeout=timeout)
    except Exception as exc:  # say which jobs never ended: the timeout alone does not
        stuck = [(t.title, t.done, t.released.is_set()) for t in list(tasks._running)]
        threads = QThreadPool.globalInstance().activeThreadCount()
        raise type(exc)(f"{exc}; still running (title, done, released): {stuck}; pool threads busy: {threads}") from exc
    settled: list[bool] = []
    QTimer.singleShot(0, lambda: settled.append(True))  # and one more turn for what the results posted
    qtbot.waitUntil(lambda: bool(settled), timeout=timeout)

