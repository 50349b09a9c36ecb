"""每日提醒 — a window left open overnight notices the new day and tells the clerk what is due.

``DayWatch`` looks at the clock once a minute and whenever the window becomes active again (after the
computer woke up, or the clerk came back to it); when the date has changed it emits ``new_day``. The clock is a
plain callable, so a test moves the date without waiting for midnight.

``DayNotice`` is the non-modal panel the main window shows then: the to-dos due today and those overdue, a
button to 工作台 and one to close it. Nothing waits for an answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from desktop_app.campaign.todo import DayReminder

#: how often the date is looked at (a minute after midnight at the latest)
CHECK_INTERVAL_MS = 60_000
#: entries listed one by one in the notice; more are counted
NOTICE_ROWS = 12

Clock = Callable[[], dt.date]


class DayWatch(QObject):
    """Emits ``new_day(date)`` once when the clock's date is no longer the one seen last."""

    new_day = Signal(object)

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.day = clock()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> bool:
        """Look at the date now; True (and ``new_day`` emitted) when it changed since the last look."""
        today = self.clock()
        if today == self.day:
            return False
        self.day = today
        self.new_day.emit(today)
        return True


class DayNotice(QDialog):
    """今日待办提醒: due today and overdue, non-modal; 查看待办 brings 工作台 to the front."""

    def __init__(self, reminder: DayReminder, open_todo: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("今日待办提醒"))
        self.setMinimumWidth(620)
        lay = QVBoxLayout(self)
        self.head = QLabel(reminder.text)
        self.head.setObjectName("CardTitle")
        self.head.setWordWrap(True)
        lay.addWidget(self.head)
        self.items = QListWidget()
        self.items.setWordWrap(True)  # a long title wraps: no sideways scrolling in a reminder
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items.setMinimumHeight(220)
        rows = [(self.tr("已逾期"), e) for e in reminder.overdue] + [(self.tr("今天到期"), e) for e in reminder.due_today]
        for word, e in rows[:NOTICE_ROWS]:
            self.items.addItem(f"【{word}】{e.kind_label} · {e.title}")
        if len(rows) > NOTICE_ROWS:
            self.items.addItem(self.tr("……另有 %1 项，见工作台的“待办”").replace("%1", str(len(rows) - NOTICE_ROWS)))
        lay.addWidget(self.items, 1)
        hint = QLabel(self.tr("本提醒不影响操作，可随时关闭；工作台的“待办”列出全部事项，双击一行打开办理的位置。"))
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.open_button = QPushButton(self.tr("查看待办"))
        self.open_button.setObjectName("Primary")
        self._open_todo = open_todo
        self.open_button.clicked.connect(self.open_todo)
        self.close_button = QPushButton(self.tr("知道了"))
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.close_button)
        lay.addLayout(buttons)

    def place(self) -> None:
        """At the lower right of the main window, over the status bar's end: the 待办 panel stays readable."""
        parent = self.parentWidget()
        if parent is None:
            return
        self.adjustSize()
        corner = parent.mapToGlobal(parent.rect().bottomRight())
        self.move(corner.x() - self.width() - 24, corner.y() - self.height() - 48)

    def open_todo(self) -> None:
        """查看待办: 工作台 in front; the notice has done its work."""
        self._open_todo()
        self.close()
