"""Page templates and building blocks shaped after GB/T 9704 (党政机关公文格式) habits.

* A4; portrait text area 156 × 225 mm with 天头 37 mm and 订口 28 mm; landscape tables use
  narrower margins mirroring the same 订口/切口 proportions.
* Title in the title font (小标宋/黑体) at 二号 (22 pt) for documents, 小二 (18 pt) above tables;
  body in 仿宋/宋体 at 三号 (16 pt) for documents, 五号/小五 in tables.
* Page numbers as “— 1 —” in 四号 (14 pt): portrait pages put odd numbers right and even numbers
  left (one character in from the edge), landscape tables centre them.
* Tables: pre-wrapped strings, paginated here (one GridPage per page, header row first), so
  reportlab never splits a long table — splitting copies the rest of the table each page
  and grows worse than linearly — and drawn straight onto the canvas (see grid.py).

Every text is drawn through :class:`~desktop_app.reports.canvas.FallbackCanvas`, never through
Paragraph, so a character missing from a font is drawn from a fallback font.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Spacer

from desktop_app.reports.canvas import PageRecord, make_canvas_class
from desktop_app.reports.fonts import FontSet
from desktop_app.reports.grid import GridPage
from desktop_app.reports.wrap import NO_LINE_END, NO_LINE_START, clean_text, wrap_text

# 字号 in points
SIZE_2 = 22.0  # 二号
SIZE_S2 = 18.0  # 小二
SIZE_3 = 16.0  # 三号
SIZE_4 = 14.0  # 四号
SIZE_S4 = 12.0  # 小四
SIZE_5 = 10.5  # 五号
SIZE_S5 = 9.0  # 小五


#: paper sizes a printout may use (纸张): A4 for everything, A3 for wide lists
PAPERS: dict[str, tuple[float, float]] = {"A4": A4, "A3": A3}
#: list layouts: 紧凑版 (the default: fewer, wider columns at 五号) and 完整版 (every column)
LAYOUTS: dict[str, str] = {"compact": "紧凑版", "full": "完整版"}


@dataclass(frozen=True)
class PageSetup:
    """Paper, orientation and margins (points)."""

    landscape: bool = False
    top: float = 37 * mm
    bottom: float = 35 * mm
    left: float = 28 * mm
    right: float = 26 * mm
    paper: str = "A4"

    @property
    def size(self) -> tuple[float, float]:
        """Page width and height in points."""
        size = PAPERS.get(self.paper, A4)
        return landscape(size) if self.landscape else size

    @property
    def frame_width(self) -> float:
        """Width of the text area."""
        return self.size[0] - self.left - self.right

    @property
    def frame_height(self) -> float:
        """Height of the text area."""
        return self.size[1] - self.top - self.bottom


PORTRAIT = PageSetup()
# landscape: the binding edge is the top; keep room for “— N —” below the table
LANDSCAPE = PageSetup(landscape=True, top=22 * mm, bottom=22 * mm, left=25 * mm, right=22 * mm)
# compact lists: the binding edge keeps 20 mm, the number “— N —” still sits 7 mm under the table
COMPACT_LANDSCAPE = PageSetup(landscape=True, top=15 * mm, bottom=20 * mm, left=20 * mm, right=15 * mm)


#: settings key (this PC only): the paper lists print and export on by default (A4 or A3)
PAPER_KEY = "print.paper"


def saved_paper(db: Any) -> str:
    """The clerk's default paper for lists (设置 → 打印字体 › 清单纸张): A4 unless A3 was chosen."""
    from desktop_app.org import settings

    value = settings.get(db, PAPER_KEY, "A4")
    return value if value in PAPERS else "A4"


def save_paper(db: Any, paper: str) -> None:
    """Keep the default paper for lists (refused unless A4 or A3)."""
    from desktop_app.org import settings

    check_paper(paper)
    settings.put(db, PAPER_KEY, paper)


def check_paper(paper: str, layout: str = "compact") -> None:
    """Refuse a paper size or layout this program does not print (the CLI and the dialogs offer only these)."""
    from desktop_app.core.errors import ValidationError

    if paper not in PAPERS:
        raise ValidationError(f"不支持的纸张：{paper}", "可选：" + "、".join(PAPERS))
    if layout not in LAYOUTS:
        raise ValidationError(f"不支持的版式：{layout}", "可选：compact（紧凑版）、full（完整版）")


def list_setup(landscape_: bool = True, paper: str = "A4", compact: bool = False) -> PageSetup:
    """The page of a printed list: landscape (compact margins or the 完整版's) or portrait, on ``paper``."""
    from dataclasses import replace

    base = (COMPACT_LANDSCAPE if compact else LANDSCAPE) if landscape_ else PORTRAIT
    return base if paper == base.paper else replace(base, paper=paper)


def chinese_date(day: dt.date) -> str:
    """2026年11月22日 (成文日期 uses Arabic numerals since GB/T 9704-2012)."""
    return f"{day.year}年{day.month}月{day.day}日"


def page_number_text(n: int) -> str:
    """The GB/T 9704 page number: an em dash each side."""
    return f"— {n} —"


class TextBlock(Flowable):
    """Wrapped text in one font, aligned left/centre/right, optionally with a first-line indent."""

    def __init__(self, text: str, fontset: FontSet, font: str, size: float, align: str = "left",
                 leading: float | None = None, indent_chars: float = 0.0, space_after: float = 0.0,
                 color: Any = colors.black) -> None:
        super().__init__()
        self.text, self.fontset, self.font, self.size = text, fontset, font, size
        self.align, self.leading = align, leading or size * 1.45
        self.indent = indent_chars * size
        self.spaceAfter = space_after
        self.color = color
        self.lines: list[tuple[str, float]] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Break the text for the frame's width."""
        self.width = avail_width
        self.lines = []
        for para in clean_text(self.text).split("\n"):
            if self.align == "center" and not self.indent:
                # centred titles break into lines of even length, not a long line and a stub
                self.lines.extend((ln, 0.0) for ln in _balanced(para, avail_width, self.fontset, self.font, self.size))
                continue
            first = wrap_text(para, avail_width - self.indent, self.fontset, self.font, self.size)[0]
            self.lines.append((first, self.indent))
            rest = para[len(first):]
            if rest:
                self.lines.extend((ln, 0.0) for ln in wrap_text(rest, avail_width, self.fontset, self.font, self.size))
        self.height = len(self.lines) * self.leading
        return self.width, self.height

    def draw(self) -> None:
        """Draw the lines from the top of the box."""
        c = self.canv
        c.setFont(self.font, self.size, self.leading)
        c.setFillColor(self.color)
        y = self.height - self.size
        for line, indent in self.lines:
            if self.align == "center":
                c.drawCentredString(self.width / 2, y, line)
            elif self.align == "right":
                c.drawRightString(self.width, y, line)
            else:
                c.drawString(indent, y, line)
            y -= self.leading


class TwoSideLine(Flowable):
    """One line with text at the left and at the right (“填报单位：…        日期：…”)."""

    def __init__(self, left: str, right: str, fontset: FontSet, font: str, size: float,
                 space_after: float = 0.0) -> None:
        super().__init__()
        self.left, self.right, self.fontset, self.font, self.size = left, right, fontset, font, size
        self.spaceAfter = space_after

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """One line high."""
        self.width, self.height = avail_width, self.size * 1.5
        return self.width, self.height

    def draw(self) -> None:
        """Left text at the left margin, right text flush right."""
        c = self.canv
        c.setFont(self.font, self.size)
        c.setFillColor(colors.black)
        y = self.size * 0.4
        c.drawString(0, y, self.left)
        c.drawRightString(self.width, y, self.right)


class SignatureLine(Flowable):
    """填表人/审核人/联系电话 with a line to sign on after each label."""

    def __init__(self, labels: Sequence[str], fontset: FontSet, font: str, size: float,
                 values: Sequence[str] | None = None, space_before: float = 0.0) -> None:
        super().__init__()
        self.labels, self.values = list(labels), list(values or [""] * len(labels))
        self.fontset, self.font, self.size = fontset, font, size
        self.spaceBefore = space_before

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """One line high."""
        self.width, self.height = avail_width, self.size * 2.0
        return self.width, self.height

    def draw(self) -> None:
        """Labels spread evenly, each followed by an underline to write on."""
        c = self.canv
        c.setFont(self.font, self.size)
        c.setFillColor(colors.black)
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.6)
        slot = self.width / len(self.labels)
        y = self.size * 0.5
        for k, (label, value) in enumerate(zip(self.labels, self.values, strict=True)):
            x = k * slot
            text = f"{label}："
            c.drawString(x, y, text)
            x0 = x + self.fontset.string_width(text, self.font, self.size)
            x1 = x + slot - self.size * 1.5
            c.line(x0, y - 2, x1, y - 2)
            if value:
                c.drawString(x0 + 2, y, value)


class SealBox(Flowable):
    """Space for a signature and a seal (盖章) with the date line under it, at the right."""

    def __init__(self, lines: Sequence[str], fontset: FontSet, font: str, size: float, height: float = 45 * mm
                 ) -> None:
        super().__init__()
        self.lines, self.fontset, self.font, self.size, self.box_height = list(lines), fontset, font, size, height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Fixed height: room for a 42 mm round seal."""
        self.width, self.height = avail_width, self.box_height
        return self.width, self.height

    def draw(self) -> None:
        """Right-aligned lines at the bottom, blank room above for the seal."""
        c = self.canv
        c.setFont(self.font, self.size)
        c.setFillColor(colors.black)
        y = self.size * 0.5 + (len(self.lines) - 1) * self.size * 1.6
        right = self.width - 4 * self.size  # 右空四字, as for 成文日期
        for line in self.lines:
            c.drawRightString(right, y, line)
            y -= self.size * 1.6


@dataclass
class Column:
    """One table column: its title, width in millimetres and alignment (LEFT|CENTER|RIGHT)."""

    title: str
    width_mm: float
    align: str = "LEFT"


@dataclass
class TableLook:
    """Fonts and spacing of a printed table."""

    font_size: float = SIZE_S5
    header_size: float = SIZE_5
    leading_factor: float = 1.3
    pad_v: float = 3.0
    pad_h: float = 3.0
    grid: float = 0.5
    header_fill: Any = field(default_factory=lambda: colors.Color(0.88, 0.88, 0.88))

    @property
    def leading(self) -> float:
        """Line distance in table cells."""
        return self.font_size * self.leading_factor

    @property
    def header_leading(self) -> float:
        """Line distance in header cells."""
        return self.header_size * self.leading_factor


def compact_look(look: TableLook) -> TableLook:
    """The 紧凑版's spacing: the same type size, lines 1.15 apart and thinner cell padding."""
    from dataclasses import replace

    return replace(look, leading_factor=1.15, pad_v=2.0, pad_h=2.5)


def fit_columns(columns: Sequence[Column], width: float, min_widths: Sequence[float] | None = None) -> list[float]:
    """Column widths in points, scaled so the table fills ``width`` exactly.

    ``min_widths`` (points, e.g. from :func:`token_min_widths`) are honoured where the page allows: the
    room they need is taken from the other columns in proportion to what those have above their own minimum.
    """
    total = sum(c.width_mm for c in columns) * mm
    widths = [c.width_mm * mm * width / total for c in columns]
    if not min_widths:
        return widths
    mins = [min(m, width * 0.3) for m in min_widths]  # a silly minimum never eats the whole page
    for _ in range(len(columns)):
        short = [k for k, w in enumerate(widths) if w < mins[k] - 0.01]
        if not short:
            break
        need = sum(mins[k] - widths[k] for k in short)
        for k in short:
            widths[k] = mins[k]
        slack = {k: widths[k] - mins[k] for k in range(len(widths)) if k not in short and widths[k] > mins[k]}
        room = sum(slack.values())
        if room <= 0:
            break
        take = min(1.0, need / room)
        for k, s in slack.items():
            widths[k] -= s * take
    scale = width / sum(widths)
    return [w * scale for w in widths]


#: what never breaks across lines: dates (2026-12-14), serials (2026-037), numbers (60%), Latin words
#: with the punctuation the line-breaking rules (wrap.py) keep attached to it: （2026-12-14） moves as one piece
_TOKEN = re.compile(r"[（《「『【〔〈“‘(\[{]*[0-9A-Za-z][0-9A-Za-z\-_./%]*[，。、；：？！）》」』】〕〉”’…—,.;:?!)\]}%]*")


def token_min_widths(rows: Iterable[Sequence[str]], ncols: int, fontset: FontSet, font: str, size: float,
                     pad_h: float, columns: Sequence[int] | None = None) -> list[float]:
    """Per column, the width (points, padding included) its widest date/serial/number needs on one line.

    Only ``columns`` (indexes; default all) are measured; each distinct token is measured once.
    """
    wanted = range(ncols) if columns is None else columns
    tokens: list[set[str]] = [set() for _ in range(ncols)]
    for row in rows:
        for k in wanted:
            v = row[k]
            if v:
                tokens[k].update(_TOKEN.findall(v))
    out = [0.0] * ncols
    for k in wanted:
        if tokens[k]:
            out[k] = max(fontset.string_width(t, font, size) for t in tokens[k]) + 2 * pad_h + 0.5
    return out


#: a row's extra look: (background colour or None, text colour or None)
RowLook = tuple[Any, Any]


def paged_tables(columns: Sequence[Column], rows: Iterable[Sequence[str]], fontset: FontSet, width: float,
                 first_avail: float, avail: float, look: TableLook | None = None,
                 row_look: Callable[[int], RowLook | None] | None = None, show_header: bool = True
                 ) -> list[Flowable]:
    """The table as one :class:`GridPage` per page (header row first on every page), PageBreaks between.

    ``first_avail``/``avail``: height left for the table on the first page and on later pages.
    A row taller than a page is split between pages, its cells' lines continued; any other row stays whole.
    Columns are widened where needed so no date, serial or number in them is broken across lines.
    """
    look = look or TableLook()
    rows = rows if isinstance(rows, list) else list(rows)
    # wide text columns (问题描述, 整改措施) always have room for a date: only the narrow ones are measured
    narrow = [k for k, c in enumerate(columns) if c.width_mm < 30]
    mins = token_min_widths(rows, len(columns), fontset, fontset.body, look.font_size, look.pad_h, narrow)
    widths = fit_columns(columns, width, mins)
    inner = [w - 2 * look.pad_h for w in widths]
    aligns = [c.align for c in columns]
    body, head = fontset.body, fontset.heading
    header = [_balanced(c.title, inner[k], fontset, head, look.header_size) for k, c in enumerate(columns)]
    header_h = max(len(x) for x in header) * look.header_leading + 2 * look.pad_v if show_header else 0.0
    lead, pad2 = look.leading, 2 * look.pad_v
    fs = look.font_size

    out: list[Flowable] = []
    page_rows: list[list[list[str]]] = []
    page_heights: list[float] = []
    page_looks: list[tuple[int, RowLook]] = []
    room = first_avail - header_h
    page_room = avail - header_h
    max_lines = max(1, int((page_room - pad2) // lead))

    def flush() -> None:
        out.append(GridPage(widths, aligns, header, header_h, page_rows, page_heights, page_looks, (head, body),
                            (look.header_size, fs), (look.header_leading, lead), (look.pad_h, look.pad_v),
                            look.grid, look.header_fill, fontset.string_width))
        out.append(PageBreak())

    for index, row in enumerate(rows):
        cells = [(wrap_text if aligns[k] == "LEFT" else _balanced)(
                     v if isinstance(v, str) else ("" if v is None else str(v)), inner[k], fontset, body, fs)
                 for k, v in enumerate(row)]
        rl = row_look(index) if row_look else None
        while True:
            n = max(map(len, cells))
            h = n * lead + pad2
            if h <= room + 0.01:
                page_rows.append(cells)
                page_heights.append(h)
                if rl:
                    page_looks.append((len(page_rows), rl))
                room -= h
                break
            fit = int((room - pad2) // lead)
            if n > max_lines and fit >= 2:
                # a row taller than a whole page: print what fits, continue the rest on the next page
                page_rows.append([c[:fit] for c in cells])
                page_heights.append(fit * lead + pad2)
                if rl:
                    page_looks.append((len(page_rows), rl))
                cells = [c[fit:] or [""] for c in cells]
            if page_rows:
                flush()
            page_rows, page_heights, page_looks = [], [], []
            room = page_room
    if page_rows:
        flush()
    if out:
        out.pop()  # no page break after the last table
    return out


#: a year (2026年) after an office's name: where a two-line title breaks
_YEAR_START = re.compile(r"(?<=[^\d])(?:19|20)\d{2}年")


def _balanced(text: str, width: float, fontset: FontSet, font: str, size: float) -> list[str]:
    """A header title wrapped into lines of even length (整改\n类型, not 整改类\n型)."""
    text = clean_text(text)
    lines = wrap_text(text, width, fontset, font, size)
    if len(lines) < 2 or "\n" in text:
        return lines
    year = _YEAR_START.search(text)
    if len(lines) == 2 and year:
        # 勐海县乡村振兴局 / 2026年第三季度…成绩公示: the office on a line of its own, never 2026年第 / 三季度
        halves = [text[:year.start()], text[year.start():]]
        if all(fontset.string_width(x, font, size) <= width + 0.001 for x in halves):
            return halves
    per = -(-len(text) // len(lines))
    even = [text[i:i + per] for i in range(0, len(text), per)]
    fits = all(fontset.string_width(x, font, size) <= width + 0.001 for x in even)
    # never at the price of a broken number (超期1 / 10个工作日) or a line starting with 。）
    cuts = range(per, len(text), per)
    clean = all(not (_word_char(text[c - 1]) and _word_char(text[c])) and text[c] not in NO_LINE_START
                and text[c - 1] not in NO_LINE_END for c in cuts)
    return even if fits and clean and len(even) == len(lines) else lines


def _word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_./%")


def story_height(items: Sequence[Flowable], width: float, height: float) -> float:
    """How much height ``items`` take at the top of a frame (wrap + spaces)."""
    total = 0.0
    for f in items:
        _w, h = f.wrap(width, height)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def used_on_last_page(items: Sequence[Flowable], width: float, height: float) -> float:
    """Height used on the page where ``items`` end (PageBreaks start a new page)."""
    used = 0.0
    for f in items:
        if isinstance(f, PageBreak):
            used = 0.0
            continue
        _w, h = f.wrap(width, height)
        used += h + f.getSpaceBefore() + f.getSpaceAfter()
        if used > height:
            used = h
    return used


@dataclass
class Rendered:
    """A finished print job: the PDF file, its page count and (for the preview) the drawn pages."""

    path: Path | None
    pages: int
    records: list[PageRecord] = field(default_factory=list)
    #: what the clerk should know about the print (characters printed as 〓, and where)
    warnings: list[str] = field(default_factory=list)


#: progress(done, total, text) — called while a report is laid out; may raise to cancel
ProgressFn = Callable[[int, int, str], None]


def build_pdf(story: list[Flowable], out: Path | Any, fontset: FontSet, setup: PageSetup, title: str,
              record: bool = False, page_numbers: bool = True, subject: str = "",
              progress: ProgressFn | None = None) -> Rendered:
    """Lay ``story`` out on ``setup`` pages and write the PDF to ``out`` (a path or a binary file).

    Page numbers “— N —” sit 7 mm below the text area (GB/T 9704 §7.5).
    """
    canvas_class = make_canvas_class(fontset, record=record)
    w, h = setup.size

    def on_page(canv: Any, doc: Any) -> None:
        if not page_numbers:
            return
        n = canv.getPageNumber()
        canv.saveState()
        canv.setFont(fontset.body, SIZE_4)
        canv.setFillColor(colors.black)
        y = setup.bottom - 7 * mm - SIZE_4
        text = page_number_text(n)
        if setup.landscape:
            canv.drawCentredString(w / 2, y, text)
        elif n % 2:
            canv.drawRightString(w - setup.right - SIZE_4, y, text)
        else:
            canv.drawString(setup.left + SIZE_4, y, text)
        canv.restoreState()

    frame = Frame(setup.left, setup.bottom, setup.frame_width, setup.frame_height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(str(out) if isinstance(out, Path) else out, pagesize=(w, h),
                          leftMargin=setup.left, rightMargin=setup.right, topMargin=setup.top,
                          bottomMargin=setup.bottom, title=title, author="调研工作台 FieldDesk", subject=subject,
                          creator="调研工作台 FieldDesk", initialFontName=fontset.body, initialFontSize=SIZE_S4)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page, pagesize=(w, h))])
    if progress is not None:
        state = {"size": max(1, len(story)), "page": 1}

        def on_progress(kind: str, value: int) -> None:
            if kind == "SIZE_EST":
                state["size"] = max(1, value)
            elif kind == "PAGE":
                state["page"] = value
            elif kind == "PROGRESS":
                progress(min(value, state["size"]), state["size"], f"正在排版第 {state['page']} 页…")

        doc.setProgressCallBack(on_progress)
    made: list[Any] = []

    class Maker(canvas_class):  # type: ignore[misc, valid-type]
        def __init__(self, *a: Any, **k: Any) -> None:
            super().__init__(*a, **k)
            made.append(self)

    doc.build(story, canvasmaker=Maker)
    canv = made[-1]
    records = list(getattr(canv, "pages", []))
    return Rendered(out if isinstance(out, Path) else None, doc.page, records)


def header_block(title: str, fontset: FontSet, left: str = "", right: str = "", title_size: float = SIZE_S2,
                 note: str = "") -> list[Flowable]:
    """Title (centred, title font), then the office/date line, then an optional note line."""
    items: list[Flowable] = [TextBlock(title, fontset, fontset.title, title_size, align="center",
                                       space_after=title_size * 0.5)]
    if left or right:
        items.append(TwoSideLine(left, right, fontset, fontset.body, SIZE_S4, space_after=2))
    if note:
        items.append(TextBlock(note, fontset, fontset.body, SIZE_S5, space_after=3))
    return items


def spacer(height_mm: float) -> Spacer:
    """Vertical space."""
    return Spacer(1, height_mm * mm)
