"""A small column chart painted with QPainter (QtCharts is not in PySide6-Essentials).

Groups of columns (e.g. one group per section, one column per quarter), a legend
for the series, value labels on top; None values are left as gaps.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

PALETTE = ("#1f4e8c", "#2e7d32", "#b7791f", "#7b3fa0", "#c62828", "#00838f")


class ColumnChart(QWidget):
    """Grouped columns; ``set_data(groups, series, top)``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups: list[tuple[str, list[float | None]]] = []
        self.series: list[str] = []
        self.top = 100.0
        self.unit = ""
        self.empty_text = ""
        self.setMinimumHeight(180)

    def set_data(self, groups: Sequence[tuple[str, Sequence[float | None]]], series: Sequence[str],
                 top: float = 100.0, unit: str = "", empty_text: str = "") -> None:
        """Groups of (label, values per series); ``top`` is the axis maximum."""
        self.groups = [(g, list(v)) for g, v in groups]
        self.series, self.top, self.unit, self.empty_text = list(series), top or 1.0, unit, empty_text
        self.update()

    def has_values(self) -> bool:
        """True when at least one column has a value."""
        return any(v is not None for _g, vals in self.groups for v in vals)

    def sizeHint(self) -> QSize:
        return QSize(360, 220)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = p.fontMetrics()
        if not self.has_values():
            p.setPen(QColor("#8a96a3"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            p.end()
            return
        legend_h = fm.height() + 6 if len(self.series) > 1 else 0
        left, bottom = 8, fm.height() + 8
        plot = QRect(left, legend_h + fm.height() + 4, self.width() - 2 * left,
                     self.height() - legend_h - fm.height() - 4 - bottom)
        p.setPen(QColor("#dfe4ea"))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        n_series = max(1, len(self.series))
        group_w = plot.width() / max(1, len(self.groups))
        col_w = max(4.0, min(36.0, (group_w - 12) / n_series))
        for gi, (label, values) in enumerate(self.groups):
            x0 = plot.left() + gi * group_w + (group_w - col_w * n_series) / 2
            for si, v in enumerate(values):
                if v is None:
                    continue
                h = int(plot.height() * max(0.0, min(v, self.top)) / self.top)
                r = QRect(int(x0 + si * col_w), plot.bottom() - h, int(col_w) - 2, h)
                p.fillRect(r, QColor(PALETTE[si % len(PALETTE)]))
                p.setPen(QColor("#1d2b3a"))
                p.drawText(QRect(r.left() - 12, r.top() - fm.height() - 2, r.width() + 24, fm.height()),
                           Qt.AlignmentFlag.AlignCenter, f"{v:g}{self.unit}")
            p.setPen(QColor("#33414f"))
            p.drawText(QRect(int(plot.left() + gi * group_w), plot.bottom() + 4, int(group_w), fm.height()),
                       Qt.AlignmentFlag.AlignCenter,
                       fm.elidedText(label, Qt.TextElideMode.ElideRight, int(group_w) - 4))
        if len(self.series) > 1:
            x = left
            for si, name in enumerate(self.series):
                p.fillRect(QRect(x, 4, 12, 12), QColor(PALETTE[si % len(PALETTE)]))
                p.setPen(QColor("#33414f"))
                p.drawText(x + 16, 4 + fm.ascent(), name)
                x += 16 + fm.horizontalAdvance(name) + 14
        p.end()
