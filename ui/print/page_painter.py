"""Paint a recorded report page with QPainter — for the preview and for the system print dialog.

QtPdf is not part of PySide6-Essentials, so instead of rendering the PDF we replay what the
report drew on each page (text runs, lines, rectangles; see desktop_app/reports/canvas.py) with
the same TrueType files loaded into Qt. Positions come from reportlab, so line breaks and
pagination are exactly those of the PDF.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPainter, QPen

from desktop_app.reports.fonts import spec_of

log = logging.getLogger(__name__)

#: work in tenths of a point so integer pixel font sizes stay exact (10.5 pt -> 105)
UNIT = 10.0

_families: dict[str, str] = {}  # reportlab font name -> Qt family
_files: dict[str, list[str]] = {}  # font file -> Qt families it provides


def qt_family(font_name: str) -> str:
    """The Qt family that draws the same glyphs as reportlab's ``font_name`` (loaded once)."""
    fam = _families.get(font_name)
    if fam is not None:
        return fam
    spec = spec_of(font_name)
    fam = ""
    if spec is not None:
        fams = _files.get(spec.path)
        if fams is None:
            font_id = QFontDatabase.addApplicationFont(spec.path)
            fams = _files[spec.path] = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if fams:
            fam = fams[min(spec.index, len(fams) - 1)]
    if not fam:
        log.warning("no Qt font for %s; using the application font", font_name)
    _families[font_name] = fam
    return fam


def _color(rgb: Any) -> QColor:
    r, g, b = rgb
    return QColor.fromRgbF(float(r), float(g), float(b))


def paint_page(painter: QPainter, page: Any, target: QRectF) -> None:
    """Draw one PageRecord into ``target`` (device coordinates), keeping the page's proportions."""
    scale = min(target.width() / page.width, target.height() / page.height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.translate(target.left(), target.top())
    painter.scale(scale / UNIT, scale / UNIT)
    painter.fillRect(QRectF(0, 0, page.width * UNIT, page.height * UNIT), Qt.GlobalColor.white)
    height = page.height * UNIT
    fonts: dict[tuple[str, float], QFont] = {}
    for op in page.ops:
        kind = op[0]
        if kind == "text":
            _k, x, y, text, name, size, rgb = op
            key = (name, size)
            font = fonts.get(key)
            if font is None:
                font = QFont(qt_family(name))
                font.setPixelSize(max(1, round(size * UNIT)))
                font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
                font.setKerning(False)
                fonts[key] = font
            painter.setFont(font)
            painter.setPen(_color(rgb))
            painter.drawText(QPointF(x * UNIT, height - y * UNIT), text)
        elif kind == "line":
            _k, x1, y1, x2, y2, width, rgb = op
            pen = QPen(_color(rgb))
            pen.setWidthF(max(width, 0.1) * UNIT)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.drawLine(QPointF(x1 * UNIT, height - y1 * UNIT), QPointF(x2 * UNIT, height - y2 * UNIT))
        elif kind == "rect":
            _k, x, y, w, h, stroke, fill, width = op
            rect = QRectF(x * UNIT, height - (y + h) * UNIT, w * UNIT, h * UNIT).normalized()
            if fill is not None:
                painter.fillRect(rect, _color(fill))
            if stroke is not None:
                pen = QPen(_color(stroke))
                pen.setWidthF(max(width, 0.1) * UNIT)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect)
    painter.restore()
