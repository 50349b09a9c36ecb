"""Small charts painted with QPainter (no QtCharts: it is not in PySide6-Essentials)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget


class BarChart(QWidget):
    """Horizontal bars: one row per label, one or two values per row (value, and an optional target).

    With targets, the target is drawn as a light bar behind the value, so "days vs quota" reads at a glance.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, float, float | None, str]] = []
        #: share of the target that should be reached by now (days vs quota: the share of the year gone):
        #: with it, every row's track is the same length (its own target) and a mark shows the pace
        self.pace: float | None = None
        self.unit = ""
        self.empty_text = ""
        self.setMinimumHeight(120)

    def set_rows(self, rows: Sequence[tuple[str, float, float | None, str]], unit: str = "",
                 empty_text: str = "", pace: float | None = None) -> None:
        """Rows of (label, value, target or None, colour); ``pace`` (0..1) draws each target as a track of
        equal length with a mark where the value should be by now."""
        self.rows, self.unit, self.empty_text, self.pace = list(rows), unit, empty_text, pace
        self.setToolTip(QCoreApplication.translate("charts", "竖线：按时间进度此时应达到的位置（%1%）")
                        .replace("%1", f"{pace * 100:.0f}") if pace is not None else "")
        self.setMinimumHeight(max(120, 12 + 28 * len(self.rows)))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, max(120, 12 + 28 * len(self.rows)))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = p.fontMetrics()
        if not self.rows or all(v == 0 and not t for _, v, t, _ in self.rows):
            p.setPen(QColor("#8a96a3"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            p.end()
            return
        label_w = min(max(fm.horizontalAdvance(lbl) for lbl, *_ in self.rows) + 10, self.width() // 3)
        value_w = max(fm.horizontalAdvance(self._value_text(v, t)) for _, v, t, _ in self.rows) + 10
        top = 6
        bar_h = 18
        span = max(max(v, t or 0) for _, v, t, _ in self.rows) or 1
        width = max(self.width() - label_w - value_w - 8, 10)
        for i, (label, value, target, colour) in enumerate(self.rows):
            y = top + i * 28
            p.setPen(QColor("#33414f"))
            p.drawText(QRect(0, y, label_w - 6, bar_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(label, Qt.TextElideMode.ElideRight, label_w - 6))
            # against a pace, each bar is its own target's share: equal tracks compare sections of any size
            scale = (width / target if target else 0.0) if self.pace is not None else width / span
            if target:
                p.fillRect(QRect(label_w, y, int(scale * target), bar_h), QColor("#e4e9f0"))
            c = QColor(colour)
            p.fillRect(QRect(label_w, y + (3 if target else 0), max(int(scale * min(value, target or value)),
                                                                     1 if value else 0),
                             bar_h - (6 if target else 0)), c)
            if target and self.pace is not None:
                x = label_w + int(width * min(max(self.pace, 0.0), 1.0))
                p.setPen(QPen(QColor("#33414f"), 2))
                p.drawLine(x, y - 2, x, y + bar_h + 2)
            p.setPen(QColor("#1d2b3a"))
            p.drawText(QRect(label_w + width + 6, y, value_w, bar_h), Qt.AlignmentFlag.AlignVCenter,
                       self._value_text(value, target))
        p.end()

    def _value_text(self, value: float, target: float | None) -> str:
        v = f"{value:g}"
        return f"{v}/{target:g}{self.unit}" if target else f"{v}{self.unit}"
