"""Other clerks' changes appear without restarting: the main window polls the change log.

Every 30 s while the window is the active one, and whenever it becomes active again, the
change log's mark is read (``desktop_app.core.change_poll``, one indexed query). When it grew by
a change this window did not make, the page in front is read again (the F5 mechanism) and
the status bar says 其他用户已更新数据（HH:MM）. Nothing is polled while a dialog is open
(the window is not active then), so a form being filled is never reloaded under the clerk.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QEvent, QObject, QTimer

from desktop_app.core.change_poll import ChangeWatch

if TYPE_CHECKING:
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)
POLL_MS = 30_000


class ChangeWatcher(QObject):
    """Polls for other clerks' changes and refreshes the page in front of ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.watch = ChangeWatch(window.ctx.db)
        self.last_seen: str = ""
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        window.installEventFilter(self)

    def _tick(self) -> None:
        if self.window.isActiveWindow():
            self.check()

    def check(self) -> bool:
        """Look once; True when others changed the data (the page in front was read again)."""
        try:
            changed = self.watch.poll()
        except Exception:  # a server gone for a moment: the next look will tell; do not interrupt the clerk
            log.warning("change poll failed", exc_info=True)
            return False
        if changed:
            self.window.refresh_page()
            self.last_seen = QDateTime.currentDateTime().toString("HH:mm")
            self.window.statusBar().showMessage(self.tr("其他用户已更新数据（%1）").replace("%1", self.last_seen), 15000)
        return changed

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.WindowActivate:
            QTimer.singleShot(0, self.check)  # back to the window: after the activation has settled
        return super().eventFilter(watched, event)
