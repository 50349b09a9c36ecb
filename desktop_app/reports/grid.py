"""One page of a printed table, drawn straight onto the canvas.

reportlab's Table spends most of its time on per-cell style bookkeeping and one text object per
line; our cells are already wrapped and paginated, so a page is just rectangles, one batch of
grid lines and one text object (perf-baselines.md: direct canvas drawing is ~1.6x faster than
a Table of pre-wrapped strings). Text still goes through the FallbackCanvas, so a missing glyph
is drawn from a fallback font.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable

#: a text line to draw: (x, baseline y, text, font, size, rgb colour or None)
TextItem = tuple[float, float, str, str, float, Any]


class GridPage(Flowable):
    """A header row and body rows with known heights; every cell is a list of lines."""

    def __init__(self, widths: Sequence[float], aligns: Sequence[str], header: Sequence[list[str]], header_h: float,
                 rows: Sequence[Sequence[list[str]]], heights: Sequence[float],
                 looks: Sequence[tuple[int, tuple[Any, Any]]], fonts: tuple[str, str],
                 sizes: tuple[float, float], leadings: tuple[float, float], pad: tuple[float, float],
                 grid: float, header_fill: Any, string_width: Any) -> None:
        super().__init__()
        self.widths, self.aligns = list(widths), list(aligns)
        self.header, self.header_h = header, header_h
        self.rows, self.heights, self.looks = rows, heights, looks
        self.fonts, self.sizes, self.leadings, self.pad = fonts, sizes, leadings, pad
        self.grid, self.header_fill, self.string_width = grid, header_fill, string_width
        self.width = sum(self.widths)
        self.height = header_h + sum(heights)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Fixed size: everything was measured when the page was made."""
        return self.width, self.height

    def _cell_items(self, items: list[TextItem], lines: list[str], x: float, top: float, h: float, w: float,
                    align: str, font: str, size: float, leading: float, color: Any) -> None:
        n = len(lines)
        pad_h, pad_v = self.pad
        # vertically centred, as reportlab's VALIGN MIDDLE: block of n lines in the row's inner height
        y = top - pad_v - size - (h - 2 * pad_v - n * leading) / 2
        for line in lines:
            if line:
                if align == "LEFT":
                    lx = x + pad_h
                elif align == "RIGHT":
                    lx = x + w - pad_h - self.string_width(line, font, size)
                else:
                    lx = x + (w - self.string_width(line, font, size)) / 2
                items.append((lx, y, line, font, size, color))
            y -= leading

    def draw(self) -> None:
        """Fills, then text, then the grid on top."""
        c = self.canv
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        top = self.height
        # fills
        if self.header_h:
            c.setFillColor(self.header_fill)
            c.rect(0, top - self.header_h, self.width, self.header_h, stroke=0, fill=1)
        row_tops = []
        y = top - self.header_h
        for h in self.heights:
            row_tops.append(y)
            y -= h
        for r, (bg, _fg) in self.looks:
            if bg is not None:
                c.setFillColor(bg)
                h = self.heights[r - 1]
                c.rect(0, row_tops[r - 1] - h, self.width, h, stroke=0, fill=1)
        # text
        items: list[TextItem] = []
        hfont, bfont = self.fonts
        hsize, bsize = self.sizes
        hlead, blead = self.leadings
        for k, lines in enumerate(self.header if self.header_h else ()):
            self._cell_items(items, lines, xs[k], top, self.header_h, self.widths[k], "CENTER", hfont, hsize, hlead,
                             None)
        fg_of = {r: fg for r, (_bg, fg) in self.looks if fg is not None}
        aligns = self.aligns
        for i, (row, h, rtop) in enumerate(zip(self.rows, self.heights, row_tops, strict=True)):
            fg = fg_of.get(i + 1)
            for k, lines in enumerate(row):
                self._cell_items(items, lines, xs[k], rtop, h, self.widths[k], aligns[k], bfont, bsize, blead, fg)
        c.setFillColor(colors.black)
        c.draw_text_batch(items)
        # grid: every horizontal rule, then every column rule, in one path each
        c.setStrokeColor(colors.black)
        c.setLineWidth(self.grid)
        ys = [top, *([top - self.header_h] if self.header_h else []), *(t - h for t, h in zip(row_tops, self.heights, strict=True))]
        c.lines([(0, yy, self.width, yy) for yy in ys] + [(xx, top, xx, ys[-1]) for xx in xs])
