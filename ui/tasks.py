"""Run long work (import, export, print, sync) off the UI thread, with a progress dialog.

The API (stable)::

    from ui.tasks import run_task, Progress, TaskCancelled

    def work(progress: Progress) -> Summary:          # runs on a worker thread: no widgets here
        for i, row in enumerate(rows):
            progress(i, len(rows), "正在导入…")          # raises TaskCancelled if the user cancelled
            ...
        return summary

    task = run_task(self, "导入问题台账", work,
                    on_done=lambda summary: ...,          # UI thread, with the return value
                    on_error=None,                        # UI thread; default: dialogs.show_error
                    on_cancelled=None,                    # UI thread; default: nothing
                    cancellable=True)                     # show a 取消 button

``progress(done, total, text="")`` may be called as often as you like (updates
reach the UI at most ~20 times a second). ``total=0`` shows a busy bar. When
``cancellable`` is true and the user pressed 取消, the next ``progress(...)``
call raises ``TaskCancelled`` — so only call it where stopping is safe (e.g.
outside a transaction, or inside one that will roll back). ``progress.cancelled``
lets code check without raising.

``run_task`` returns a ``Task``: ``task.finished`` is a Qt signal emitted after
the callbacks ran, ``task.done`` tells whether it ended, ``task.wait(ms)``
spins the event loop until it ends (for tests and for shutdown), and
``task.result`` / ``task.error`` hold the outcome.

``with deferred_starts() as later:`` queues the tasks asked for inside the block instead of starting
them; ``later.start()`` starts them (the dashboard builds its panels so, and lets their reads begin
once it has been painted: at start-up nothing competes with its first paint).

Worker code must use services with ``ctx.db`` (each service call opens its own
session, which is safe from a worker thread); it must never touch widgets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

_EMIT_INTERVAL_S = 0.05


class TaskCancelled(Exception):  # noqa: N818 — a signal, not an error
    """Raised inside the worker by ``progress(...)`` after the user pressed 取消."""


class Progress:
    """The progress callback handed to the worker: ``progress(done, total, text="")``."""

    def __init__(self, emit: Callable[[int, int, str], None], cancellable: bool) -> None:
        self._emit = emit
        self._cancellable = cancellable
        self._cancel = threading.Event()
        self._last = 0.0

    @property
    def cancelled(self) -> bool:
        """True once the user asked to cancel."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the worker to stop at its next ``progress`` call (UI thread)."""
        if self._cancellable:
            self._cancel.set()

    def __call__(self, done: int, total: int, text: str = "") -> None:
        if self._cancel.is_set():
            raise TaskCancelled()
        now = time.monotonic()
        # Throttled so a tight loop does not flood the UI thread's event queue.
        if now - self._last >= _EMIT_INTERVAL_S or (total and done >= total):
            self._last = now
            self._emit(int(done), int(total), str(text))


class _Relay(QObject):
    """Lives on the UI thread; the worker's signals are queued to it."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], progress: Progress, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._progress, self._relay = fn, progress, relay
        #: set once this worker holds no reference to the task's Qt objects any more
        self.released = threading.Event()

    def run(self) -> None:
        try:
            result = self._fn(self._progress)
        except BaseException as exc:  # every outcome must reach the UI thread, or the dialog would hang
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)
        finally:
            # drop our references before saying so: the relay must be destroyed on the UI thread (by the
            # Task's release), never here by a last reference going away on the worker thread
            self._fn = self._progress = self._relay = None  # type: ignore[assignment]
            self.released.set()


#: keeps tasks (and their Qt objects) alive until they ended AND their worker let go of them
_running: set[Task] = set()


def busy() -> bool:
    """Whether a task is still running or not yet freed, or the thread pool still has a job (tests wait on it)."""
    return bool(_running) or QThreadPool.globalInstance().activeThreadCount() > 0


def _release(task: Task) -> None:
    """Forget an ended task on the UI thread, once its worker holds nothing of it (then it is freed here).

    Called from a timer, never from one of the task's own slots: freeing a QObject inside its own
    slot, or a QObject of the UI thread on a worker thread, crashes Qt (seen as a rare segfault).
    """
    if task.released.is_set():
        _running.discard(task)
    else:
        QTimer.singleShot(5, lambda: _release(task))


class Task(QObject):
    """One background job. Created by ``run_task``; emits ``finished`` after its callbacks ran."""

    finished = Signal()

    def __init__(self, parent: QWidget | None, title: str, fn: Callable[[Progress], Any], *,
                 on_done: Callable[[Any], None] | None, on_error: Callable[[BaseException], None] | None,
                 on_cancelled: Callable[[], None] | None, cancellable: bool, show_progress: bool,
                 min_duration_ms: int) -> None:
        super().__init__()
        self.title = title
        self.done = False
        self.cancelled = False
        self.result: Any = None
        self.error: BaseException | None = None
        self._parent = parent
        self._on_done, self._on_error, self._on_cancelled = on_done, on_error, on_cancelled
        self._relay = _Relay()
        self._relay.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._relay.succeeded.connect(self._on_succeeded, Qt.ConnectionType.QueuedConnection)
        self._relay.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self.progress = Progress(self._relay.progressed.emit, cancellable)
        self.dialog: QProgressDialog | None = None
        if show_progress:
            dlg = QProgressDialog(title, self.tr("取消") if cancellable else "", 0, 0, parent)
            dlg.setWindowTitle(title)
            dlg.setWindowModality(Qt.WindowModality.WindowModal)
            dlg.setMinimumDuration(min_duration_ms)  # short jobs never flash a dialog
            dlg.setAutoClose(False)
            dlg.setAutoReset(False)
            if not cancellable:
                dlg.setCancelButton(None)
            dlg.canceled.connect(self._user_cancelled)
            dlg.setValue(0)
            self.dialog = dlg
        self._fn = fn
        #: set by the worker once it let go of this task's objects (see ``_release``)
        self.released = threading.Event()

    def start(self) -> None:
        """Queue the job on the global thread pool (or, inside ``deferred_starts``, on its list)."""
        _running.add(self)
        if _deferring:
            _deferring[-1].tasks.append(self)
            return
        self._enqueue()

    def _enqueue(self) -> None:
        runnable = _Runnable(self._fn, self.progress, self._relay)
        self.released = runnable.released
        QThreadPool.globalInstance().start(runnable)

    @Slot()
    def _user_cancelled(self) -> None:
        self.progress.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText(self.tr("正在取消…"))

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, text: str) -> None:
        dlg = self.dialog
        if dlg is None or self.done:
            return
        if text and not self.progress.cancelled:
            dlg.setLabelText(text)
        if dlg.maximum() != max(total, 0):
            dlg.setMaximum(max(total, 0))
        # last: a window-modal QProgressDialog processes events in setValue, so the task may end inside it
        dlg.setValue(min(done, total) if total > 0 else 0)

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self._user_cancelled)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    @Slot(object)
    def _on_succeeded(self, result: Any) -> None:
        self.result = result
        self._finish(lambda: self._on_done(result) if self._on_done else None)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, TaskCancelled):
            self.cancelled = True
            self._finish(lambda: self._on_cancelled() if self._on_cancelled else None)
            return
        self.error = exc

        def report() -> None:
            if self._on_error is not None:
                self._on_error(exc)
            else:
                from ui import dialogs

                dialogs.show_error(self._parent, exc)

        self._finish(report)

    def _finish(self, callback: Callable[[], None]) -> None:
        self.done = True
        self._close_dialog()
        try:
            callback()
        finally:
            self.finished.emit()
            QTimer.singleShot(0, lambda: _release(self))

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Process events until the task has ended (True) or the timeout passed (False)."""
        timer = QElapsedTimer()
        timer.start()
        app = QApplication.instance()
        while not self.done and timer.elapsed() < timeout_ms:
            if app is not None:
                app.processEvents()
            time.sleep(0.005)
        if app is not None:
            app.processEvents()
        return self.done


class DeferredStarts:
    """The tasks asked for inside one ``deferred_starts`` block, started by ``start``."""

    def __init__(self) -> None:
        self.tasks: list[Task] = []
        self.started = False

    def start(self) -> None:
        """Start the queued tasks, in the order they were asked for (once; later calls do nothing)."""
        if self.started:
            return
        self.started = True
        tasks, self.tasks = self.tasks, []
        for task in tasks:
            task._enqueue()

    def cancel(self) -> None:
        """Forget the tasks not yet started (their widgets are gone): they never run, nothing waits for them."""
        self.started = True
        for task in self.tasks:
            _running.discard(task)
        self.tasks = []


#: the ``deferred_starts`` blocks in force, innermost last
_deferring: list[DeferredStarts] = []


@contextmanager
def deferred_starts() -> Iterator[DeferredStarts]:
    """Tasks asked for inside the block wait until the caller says ``start()`` (each still kept alive)."""
    later = DeferredStarts()
    _deferring.append(later)
    try:
        yield later
    finally:
        _deferring.remove(later)


def run_task(parent: QWidget | None, title: str, fn: Callable[[Progress], Any], *,
             on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None,
             on_cancelled: Callable[[], None] | None = None,
             cancellable: bool = False, show_progress: bool = True, min_duration_ms: int = 400) -> Task:
    """Start ``fn(progress)`` on a worker thread; callbacks run on the UI thread. See the module docstring."""
    task = Task(parent, title, fn, on_done=on_done, on_error=on_error, on_cancelled=on_cancelled,
                cancellable=cancellable, show_progress=show_progress, min_duration_ms=min_duration_ms)
    task.start()
    return task
