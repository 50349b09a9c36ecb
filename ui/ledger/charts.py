"""Small charts drawn with QPainter (QtCharts is not in PySide6-Essentials): bars by unit, months, colours."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

TEXT = QColor("#333333")
GRID = QColor("#dddddd")


class UnitRateChart(QWidget):
    """Horizontal bars: closure rate (销号率) of each responsible unit."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[tuple[str, float, str]] = []  # (unit, rate 0–1, caption)
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_items(self, items: list[tuple[str, float, str]]) -> None:
        """(label, rate, caption) per bar, top to bottom."""
        self.items = items[:10]
        self.setMinimumHeight(max(120, 22 * len(self.items) + 10))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, max(120, 22 * len(self.items) + 10))

    def label_width(self) -> int:
        """The room of the unit names, left of the bars."""
        return min(130, self.width() // 3)

    def shown_label(self, label: str) -> str:
        """A unit's name as drawn: at most 8 characters, and no wider than its room (“勐腊县乡…”)."""
        short = label if len(label) <= 8 else label[:8] + "…"
        return self.fontMetrics().elidedText(short, Qt.TextElideMode.ElideRight, self.label_width() - 6)

    def paintEvent(self, _event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, label_w = self.width(), self.label_width()
        bar_w = max(10, w - label_w - 120)
        for i, (label, rate, caption) in enumerate(self.items):
            y = 5 + i * 22
            p.setPen(TEXT)
            # elided to the room it has: a narrow card (a prefecture's three panels in a row) cut the names'
            # beginnings off (“¦村振兴局”), right-aligned text spilling past the left edge
            p.drawText(QRectF(0, y, label_w - 6, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       self.shown_label(label))
            p.fillRect(QRectF(label_w, y + 3, bar_w, 12), GRID)
            colour = QColor("#30a46c") if rate >= 0.8 else QColor("#f0b429") if rate >= 0.5 else QColor("#e5484d")
            p.fillRect(QRectF(label_w, y + 3, bar_w * max(0.0, min(1.0, rate)), 12), colour)
            p.drawText(QRectF(label_w + bar_w + 4, y, 116, 18), Qt.AlignmentFlag.AlignVCenter, caption)
        if not self.items:
            p.setPen(TEXT)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("暂无数据"))
        p.end()


class MonthChart(QWidget):
    """Grouped bars per month: items opened (新增) and closed (销号)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.opened = [0] * 12
        self.closed = [0] * 12
        self.setMinimumHeight(150)

    def set_values(self, opened: list[int], closed: list[int]) -> None:
        """Twelve values each."""
        self.opened, self.closed = list(opened), list(closed)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 160)

    def month_labels(self, slot: float) -> list[str]:
        """"1月"…"12月" where a month's slot has room for it, else the bare numbers (the caption says 每月)."""
        wide = self.fontMetrics().horizontalAdvance(self.tr("%1月").replace("%1", "12")) + 2 <= slot
        return [self.tr("%1月").replace("%1", str(m)) if wide else str(m) for m in range(1, 13)]

    def scale_label(self) -> str:
        """最多 N over the bars; nothing on an empty year (最多 1 with no bar read as one item somewhere)."""
        peak = max(self.opened + self.closed + [0])
        return self.tr("最多 %1").replace("%1", str(peak)) if peak else ""

    def paintEvent(self, _event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        top, bottom, left = 18, 18, 6
        h = self.height() - top - bottom
        w = self.width() - left * 2
        peak = max(self.opened + self.closed + [1])
        slot = w / 12
        p.setPen(QPen(GRID))
        p.drawLine(left, top + h, left + int(w), top + h)
        labels = self.month_labels(slot)
        for m in range(12):
            x = left + m * slot
            for j, (values, colour) in enumerate(((self.opened, QColor("#2b6cb0")), (self.closed, QColor("#30a46c")))):
                bh = h * values[m] / peak
                p.fillRect(QRectF(x + slot * (0.15 + 0.35 * j), top + h - bh, slot * 0.33, bh), colour)
            p.setPen(TEXT)
            p.drawText(QRectF(x, top + h + 2, slot, bottom - 2), Qt.AlignmentFlag.AlignCenter, labels[m])
        p.fillRect(QRectF(left, 3, 10, 10), QColor("#2b6cb0"))
        p.drawText(QRectF(left + 14, 0, 60, 16), Qt.AlignmentFlag.AlignVCenter, self.tr("新增"))
        p.fillRect(QRectF(left + 60, 3, 10, 10), QColor("#30a46c"))
        p.drawText(QRectF(left + 74, 0, 60, 16), Qt.AlignmentFlag.AlignVCenter, self.tr("销号"))
        p.drawText(QRectF(left + int(w) - 80, 0, 80, 16), Qt.AlignmentFlag.AlignRight, self.scale_label())
        p.end()


class ColourDonut(QWidget):
    """A ring of the warning colours with the total in the middle."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.counts: dict[str, int] = {}
        self.colours: dict[str, str] = {}
        self.setMinimumSize(140, 140)

    def set_counts(self, counts: dict[str, int], colours: dict[str, str]) -> None:
        """Counts by colour key and the colour of each key."""
        self.counts, self.colours = dict(counts), dict(colours)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(150, 150)

    def paintEvent(self, _event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height()) - 10
        rect = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        total = sum(self.counts.values())
        start = 90 * 16
        if total:
            for key, n in self.counts.items():
                span = -int(round(360 * 16 * n / total))
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(self.colours.get(key, "#999")))
                p.drawPie(rect, start, span)
                start += span
        p.setBrush(self.palette().window())
        inner = rect.adjusted(side * 0.22, side * 0.22, -side * 0.22, -side * 0.22)
        p.drawEllipse(inner)
        p.setPen(TEXT)
        p.drawText(inner, Qt.AlignmentFlag.AlignCenter, self.tr("共 %1 项").replace("%1", str(total)))
        p.end()
