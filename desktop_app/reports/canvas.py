"""reportlab canvases that never print an empty box, and one that also records a display list.

``FallbackCanvas`` draws every string in runs: characters the current font lacks are drawn
with the first font of the :class:`FontSet` that has them. reportlab's Table draws plain-string
cells through ``drawString``/``drawCentredString``/``drawRightString``, so overriding those three
covers the tables as well as our own flowables.

``RecordingCanvas`` additionally keeps what was drawn on each page (text runs, lines,
rectangles, in page coordinates) so the Qt print preview and the system print dialog can paint
exactly the same pages without a PDF renderer (QtPdf is not part of PySide6-Essentials).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

from desktop_app.reports.fonts import FontSet

RGB = tuple[float, float, float]


class FallbackCanvas(Canvas):
    """A Canvas whose string drawing falls back to other fonts for missing glyphs."""

    fontset: FontSet  # set by make_canvas_class

    def _runs(self, text: str) -> list[tuple[str, str]]:
        return self.fontset.runs(text, self._fontname)

    def _draw_runs(self, x: float, y: float, runs: list[tuple[str, str]]) -> None:
        font, size, leading = self._fontname, self._fontsize, self._leading
        for run_font, piece in runs:
            if run_font != self._fontname:
                Canvas.setFont(self, run_font, size, leading)
            Canvas.drawString(self, x, y, piece)
            self._record_text(x, y, piece, run_font, size)
            x += self.stringWidth(piece, run_font, size)
        if self._fontname != font:
            Canvas.setFont(self, font, size, leading)

    def _record_text(self, x: float, y: float, text: str, font: str, size: float, color: Any = None) -> None:
        """Hook for RecordingCanvas."""

    def drawString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Draw ``text`` starting at x, using fallback fonts where needed."""
        text = str(text)
        runs = self._runs(text)
        if len(runs) == 1 and runs[0][0] == self._fontname and not args and not kwargs:
            text = runs[0][1]  # the text as drawn: a character no font has is 〓
            Canvas.drawString(self, x, y, text)
            self._record_text(x, y, text, self._fontname, self._fontsize)
            return
        self._draw_runs(x, y, runs)

    def draw_text_batch(self, items: Sequence[tuple[float, float, str, str, float, Any]]) -> None:
        """Draw many (x, y, text, font, size, colour|None) lines in ONE text object.

        One text object per page instead of one per line (what Table does) is most of the speed
        of printed tables; fallback fonts are switched inside the object.
        """
        if not items:
            return
        fs = self.fontset
        t = self.beginText()
        cur_font: tuple[str, float] | None = None
        cur_color: Any = False
        record = self._record_text
        for x, y, text, font, size, color in items:
            if color is not cur_color:
                t.setFillColor(color if color is not None else black)
                cur_color = color
            t.setTextOrigin(x, y)
            runs = fs.runs(text, font)
            if len(runs) == 1:
                run_font, text = runs[0]
                if cur_font != (run_font, size):
                    t.setFont(run_font, size)
                    cur_font = (run_font, size)
                t._textOut(text)
                record(x, y, text, run_font, size, color)
                continue
            for run_font, piece in runs:
                if cur_font != (run_font, size):
                    t.setFont(run_font, size)
                    cur_font = (run_font, size)
                t._textOut(piece)
                record(x, y, piece, run_font, size, color)
                x += self.stringWidth(piece, run_font, size)
        self.drawText(t)

    def _width(self, runs: list[tuple[str, str]]) -> float:
        return sum(self.stringWidth(piece, f, self._fontsize) for f, piece in runs)

    def drawRightString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Draw ``text`` ending at x."""
        runs = self._runs(str(text))
        self._draw_runs(x - self._width(runs), y, runs)

    def drawCentredString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Draw ``text`` centred on x."""
        runs = self._runs(str(text))
        self._draw_runs(x - self._width(runs) / 2, y, runs)


@dataclass
class PageRecord:
    """What was drawn on one page, in PDF points with the origin at the bottom left."""

    width: float
    height: float
    #: ("text", x, y, text, font, size, rgb) | ("line", x1, y1, x2, y2, width, rgb)
    #: | ("rect", x, y, w, h, stroke_rgb | None, fill_rgb | None, line_width)
    ops: list[tuple[Any, ...]] = field(default_factory=list)


def _rgb(color: Any) -> RGB:
    try:
        return (float(color.red), float(color.green), float(color.blue))
    except AttributeError:
        return (0.0, 0.0, 0.0)


class RecordingCanvas(FallbackCanvas):
    """A FallbackCanvas that also keeps a per-page display list (see :class:`PageRecord`).

    Only the operations our reports use are recorded: strings, lines, rectangles, with
    translations; anything else still goes into the PDF but not into the preview.
    """

    pages: list[PageRecord]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.pages = []
        self._offset = (0.0, 0.0)
        self._offsets: list[tuple[float, float]] = []
        self._fill: RGB = (0.0, 0.0, 0.0)
        self._stroke: RGB = (0.0, 0.0, 0.0)
        self._lw = 1.0
        self._state: list[tuple[RGB, RGB, float]] = []
        super().__init__(*args, **kwargs)
        self._new_page()

    def _new_page(self) -> None:
        w, h = self._pagesize
        self.pages.append(PageRecord(float(w), float(h)))

    def _page(self) -> PageRecord:
        return self.pages[-1]

    def showPage(self) -> None:
        """Finish the page; the next drawing starts a new record."""
        super().showPage()
        self._offset, self._offsets, self._state = (0.0, 0.0), [], []
        self._fill = self._stroke = (0.0, 0.0, 0.0)
        self._lw = 1.0
        self._new_page()

    def save(self) -> None:
        """Write the PDF; drop the empty record opened after the last page."""
        super().save()
        if self.pages and not self.pages[-1].ops and len(self.pages) > 1:
            self.pages.pop()

    def setPageSize(self, size: tuple[float, float]) -> None:
        """Keep the record's size in step with the page's."""
        super().setPageSize(size)
        if self.pages and not self._page().ops:
            self._page().width, self._page().height = float(size[0]), float(size[1])

    def saveState(self) -> None:
        """Remember offset and colours too."""
        super().saveState()
        self._offsets.append(self._offset)
        self._state.append((self._fill, self._stroke, self._lw))

    def restoreState(self) -> None:
        """Restore offset and colours too."""
        super().restoreState()
        if self._offsets:
            self._offset = self._offsets.pop()
            self._fill, self._stroke, self._lw = self._state.pop()

    def translate(self, dx: float, dy: float) -> None:
        """Track translations (the only transform platypus uses for our flowables)."""
        super().translate(dx, dy)
        self._offset = (self._offset[0] + dx, self._offset[1] + dy)

    def setFillColor(self, color: Any, alpha: Any = None) -> None:
        """Track the fill colour."""
        super().setFillColor(color, alpha)
        self._fill = _rgb(self._fillColorObj) if hasattr(self, "_fillColorObj") else _rgb(color)

    def setStrokeColor(self, color: Any, alpha: Any = None) -> None:
        """Track the stroke colour."""
        super().setStrokeColor(color, alpha)
        self._stroke = _rgb(self._strokeColorObj) if hasattr(self, "_strokeColorObj") else _rgb(color)

    def setFillColorRGB(self, r: float, g: float, b: float, alpha: Any = None) -> None:
        """Track the fill colour."""
        super().setFillColorRGB(r, g, b, alpha)
        self._fill = (r, g, b)

    def setStrokeColorRGB(self, r: float, g: float, b: float, alpha: Any = None) -> None:
        """Track the stroke colour."""
        super().setStrokeColorRGB(r, g, b, alpha)
        self._stroke = (r, g, b)

    def setLineWidth(self, width: float) -> None:
        """Track the line width."""
        super().setLineWidth(width)
        self._lw = float(width)

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        """Draw and record a line."""
        super().line(x1, y1, x2, y2)
        ox, oy = self._offset
        self._page().ops.append(("line", x1 + ox, y1 + oy, x2 + ox, y2 + oy, self._lw, self._stroke))

    def lines(self, linelist: Any) -> None:
        """Draw and record several lines."""
        super().lines(linelist)
        ox, oy = self._offset
        for x1, y1, x2, y2 in linelist:
            self._page().ops.append(("line", x1 + ox, y1 + oy, x2 + ox, y2 + oy, self._lw, self._stroke))

    def rect(self, x: float, y: float, width: float, height: float, stroke: int = 1, fill: int = 0,
             **kwargs: Any) -> None:
        """Draw and record a rectangle."""
        super().rect(x, y, width, height, stroke=stroke, fill=fill, **kwargs)
        ox, oy = self._offset
        self._page().ops.append(("rect", x + ox, y + oy, width, height, self._stroke if stroke else None,
                                 self._fill if fill else None, self._lw))

    def _record_text(self, x: float, y: float, text: str, font: str, size: float, color: Any = None) -> None:
        ox, oy = self._offset
        rgb = self._fill if color is None else _rgb(color)
        self._page().ops.append(("text", x + ox, y + oy, text, font, float(size), rgb))


def make_canvas_class(fontset: FontSet, record: bool = False) -> type[FallbackCanvas]:
    """A canvas class bound to ``fontset`` (platypus wants a class it can call)."""
    base = RecordingCanvas if record else FallbackCanvas
    return type(base.__name__ + "Bound", (base,), {"fontset": fontset})
