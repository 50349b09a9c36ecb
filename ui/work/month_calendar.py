"""调研月历 — a month grid painted with QPainter: each day lists the visits that cover it."""

from __future__ import annotations

import datetime as dt
import hashlib

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.work.types import VisitInfo

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
_PALETTE = ("#1f6fb2", "#2e7d32", "#b7791f", "#7b3fa0", "#c2410c", "#0f766e", "#9d174d", "#4b5563")


def section_colour(name: str) -> QColor:
    """A stable colour per section name, so a section reads the same in every month."""
    h = int(hashlib.md5(name.encode("utf-8")).hexdigest()[:6], 16)  # noqa: S324 — a colour, not security
    return QColor(_PALETTE[h % len(_PALETTE)])


class MonthGrid(QWidget):
    """The painted 6×7 grid. ``daySelected(date)`` on click, ``dayActivated(date)`` on double-click."""

    daySelected = Signal(object)
    dayActivated = Signal(object)

    HEADER = 26

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        today = dt.date.today()
        self.year, self.month = today.year, today.month
        self.visits: list[VisitInfo] = []
        self.selected: dt.date | None = None
        self.setMinimumSize(560, 420)

    def sizeHint(self) -> QSize:
        return QSize(840, 600)

    def set_month(self, year: int, month: int, visits: list[VisitInfo]) -> None:
        """Show ``year``-``month`` with the visits that touch it."""
        self.year, self.month, self.visits = year, month, list(visits)
        self.update()

    def days(self) -> list[dt.date]:
        """The 42 dates shown, from the Monday on or before the 1st."""
        first = dt.date(self.year, self.month, 1)
        start = first - dt.timedelta(days=first.weekday())
        return [start + dt.timedelta(days=i) for i in range(42)]

    def visits_on(self, day: dt.date) -> list[VisitInfo]:
        """Visits covering ``day``."""
        return [v for v in self.visits if v.start_date <= day <= v.end_date]

    def _cell(self, i: int) -> QRect:
        w = self.width() / 7
        h = (self.height() - self.HEADER) / 6
        r, c = divmod(i, 7)
        return QRect(int(c * w), int(self.HEADER + r * h), int(w), int(h))

    def date_at(self, pos: QPoint) -> dt.date | None:
        """The date under a point of the grid."""
        if pos.y() < self.HEADER:
            return None
        for i, d in enumerate(self.days()):
            if self._cell(i).contains(pos):
                return d
        return None

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        w = self.width() / 7
        base = QFont(self.font())
        p.setPen(QColor("#5b6b7c"))
        for c, name in enumerate(WEEKDAYS):
            p.drawText(QRect(int(c * w), 0, int(w), self.HEADER), Qt.AlignmentFlag.AlignCenter, name)
        today = dt.date.today()
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() - 1.5, 7.0))
        line = p.fontMetrics().height()
        for i, d in enumerate(self.days()):
            cell = self._cell(i)
            inside = d.month == self.month
            bg = "#ffffff" if inside else "#f4f6f9"
            if inside and d.weekday() >= 5:
                bg = "#fafbfd"
            if d == self.selected:
                bg = "#e3ecf8"
            p.fillRect(cell, QColor(bg))
            p.setPen(QPen(QColor("#e1e6ec")))
            p.drawRect(cell.adjusted(0, 0, -1, -1))
            p.setFont(base)
            p.setPen(QColor("#c62828") if d == today else QColor("#1d2b3a" if inside else "#a0aab5"))
            p.drawText(cell.adjusted(6, 3, -6, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, str(d.day))
            p.setFont(small)
            y = cell.top() + line + 6
            todays = self.visits_on(d)
            room = max((cell.bottom() - y) // (line + 2), 0)
            for k, v in enumerate(todays):
                if k >= room:
                    break
                if k == room - 1 and len(todays) > room:
                    p.setPen(QColor("#5b6b7c"))
                    p.drawText(QRect(cell.left() + 4, y, cell.width() - 8, line), Qt.AlignmentFlag.AlignLeft,
                               f"另有 {len(todays) - k} 项…")
                    break
                chip = QRect(cell.left() + 3, y, cell.width() - 6, line)
                colour = section_colour(v.section_name)
                tint = QColor(colour)
                tint.setAlpha(38)  # a pale wash of the section colour keeps the text readable
                p.fillRect(chip, tint)
                p.fillRect(QRect(chip.left(), chip.top(), 3, chip.height()), colour)
                p.setPen(colour.darker(130))
                text = f"{v.lead_name}·{v.place}" + ("（四不两直）" if v.unannounced else "")
                p.drawText(chip.adjusted(6, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                           p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, chip.width() - 8))
                y += line + 2
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        d = self.date_at(event.position().toPoint())
        if d is not None:
            self.selected = d
            self.update()
            self.daySelected.emit(d)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        d = self.date_at(event.position().toPoint())
        if d is not None:
            self.dayActivated.emit(d)


class MonthCalendar(QWidget):
    """The month grid with ‹ 上月 / 下月 › and a title; asks its owner for a month's visits."""

    monthChanged = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = MonthGrid()
        self.title = QLabel()
        self.title.setObjectName("CardTitle")
        prev_b, next_b, today_b = QPushButton("‹ " + self.tr("上月")), QPushButton(self.tr("下月") + " ›"), QPushButton(
            self.tr("本月"))
        prev_b.clicked.connect(lambda: self.step(-1))
        next_b.clicked.connect(lambda: self.step(1))
        today_b.clicked.connect(lambda: self.go(dt.date.today().year, dt.date.today().month))
        top = QHBoxLayout()
        top.addWidget(prev_b)
        top.addWidget(self.title, 1, Qt.AlignmentFlag.AlignCenter)
        top.addWidget(today_b)
        top.addWidget(next_b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.grid, 1)
        self._update_title()

    def _update_title(self) -> None:
        self.title.setText(self.tr("%1年%2月").replace("%1", str(self.grid.year)).replace("%2", str(self.grid.month)))

    def go(self, year: int, month: int) -> None:
        """Show another month (the owner reloads the visits on ``monthChanged``)."""
        self.grid.year, self.grid.month = year, month
        self._update_title()
        self.monthChanged.emit(year, month)

    def step(self, delta: int) -> None:
        """One month back or forward."""
        m = self.grid.year * 12 + self.grid.month - 1 + delta
        self.go(m // 12, m % 12 + 1)

    def set_visits(self, visits: list[VisitInfo]) -> None:
        """The visits of the month shown."""
        self.grid.set_month(self.grid.year, self.grid.month, visits)


