"""A document as plain parts — title, 主送, headings, paragraphs, tables, 落款 — written either as Word
(:class:`~desktop_app.documents.official.OfficialDocument`) or as a PDF (reportlab, the print fonts).

The campaign documents (月度工作报告, 季度督查通报 …) are built once as a :class:`DocBody`, so
``fielddesk document`` and ``fielddesk print`` (and the print preview) show the same words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.documents.official import SIZE_5, DocFonts, OfficialDocument, chinese_date


@dataclass
class Part:
    """One part of the body: ``heading`` (text, level), ``para`` (text) or ``table`` (columns, rows, widths)."""

    kind: str
    text: str = ""
    level: int = 1
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths_mm: list[float] = field(default_factory=list)


@dataclass
class DocBody:
    """A 公文-style document: 标题, 主送机关, 正文 parts, 落款 (office and 成文日期)."""

    title: str
    office: str
    date: dt.date
    addressee: str = ""
    parts: list[Part] = field(default_factory=list)
    #: how many table rows it holds (the summary of ``fielddesk document``)
    rows: int = 0

    # --- building ----------------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1) -> None:
        """一、 (level 1), （一） (level 2) or 1. (level 3) heading."""
        self.parts.append(Part("heading", text, level))

    def para(self, text: str) -> None:
        """A body paragraph."""
        self.parts.append(Part("para", text))

    def table(self, columns: list[str], rows: list[list[str]], widths_mm: list[float]) -> None:
        """A bordered table; an empty one is written as the paragraph 无."""
        if not rows:
            self.para("无。")
            return
        self.parts.append(Part("table", columns=columns, rows=[[str(c) for c in r] for r in rows],
                               widths_mm=widths_mm))
        self.rows += len(rows)

    def texts(self) -> list[str]:
        """Every string printed (for the glyph check)."""
        out = [self.title, self.office, self.addressee, chinese_date(self.date)]
        for p in self.parts:
            out += [p.text, *p.columns, *(c for r in p.rows for c in r)]
        return out

    def items(self) -> list[tuple[str, list[str]]]:
        """(label, texts) per part, for the print's glyph warnings."""
        out: list[tuple[str, list[str]]] = [("标题", [self.title, self.office, self.addressee])]
        for n, p in enumerate(self.parts, start=1):
            out.append((p.text[:12] if p.kind != "table" else f"第{n}部分表格",
                        [p.text, *p.columns, *(c for r in p.rows for c in r)]))
        return out

    # --- Word --------------------------------------------------------------------------------------

    def to_docx(self, fonts: DocFonts | None = None) -> OfficialDocument:
        """The Word document (GB/T 9704-2012)."""
        doc = OfficialDocument(fonts)
        doc.title(self.title)
        if self.addressee:
            doc.addressee(self.addressee)
        for p in self.parts:
            if p.kind == "heading":
                doc.heading(p.text, p.level)
            elif p.kind == "para":
                doc.paragraph(p.text)
            else:
                doc.table(p.columns, p.rows, p.widths_mm, size=SIZE_5 if len(p.columns) > 5 else 12.0)
        doc.signature(self.office, self.date)
        return doc

    # --- PDF ---------------------------------------------------------------------------------------

    def render(self, out: Path | Any, fontset: Any, record: bool = False, progress: Any = None) -> Any:
        """Write the PDF: A4 portrait, the same parts (as ``reports.jobs.render`` expects of a document)."""
        from reportlab.platypus import Flowable, KeepTogether

        from desktop_app.reports.layout import PORTRAIT, SIZE_2, SIZE_3, Column, TableLook, TextBlock, build_pdf

        fontset.check(self.texts())
        body, lead = SIZE_3, SIZE_3 * 1.6
        story: list[Flowable] = [TextBlock(self.title, fontset, fontset.title, SIZE_2, align="center",
                                           leading=SIZE_2 * 1.4, space_after=lead)]
        if self.addressee:
            story.append(TextBlock(self.addressee.rstrip("：:") + "：", fontset, fontset.body, body, leading=lead))
        look = TableLook(font_size=SIZE_5, header_size=SIZE_5)
        heading: Any = None  # a heading waits for its paragraph: never alone at the foot of a page
        for p in self.parts:
            if p.kind == "heading":
                if heading is not None:
                    story.append(heading)
                font = fontset.heading if p.level == 1 else fontset.body
                heading = TextBlock(p.text, fontset, font, body, leading=lead, indent_chars=2)
                continue
            if p.kind == "para":
                block = TextBlock(p.text, fontset, fontset.body, body, leading=lead, indent_chars=2)
                story.append(KeepTogether([heading, block]) if heading is not None else block)
                heading = None
                continue
            if heading is not None:
                story.append(heading)
                heading = None
            cols = [Column(c, w, "LEFT" if w >= 40 else "CENTER") for c, w in zip(p.columns, p.widths_mm, strict=True)]
            story.append(_FlowTable(cols, p.rows, fontset, look, PORTRAIT.frame_height))
            story.append(TextBlock("", fontset, fontset.body, body, leading=lead / 2))
        if heading is not None:
            story.append(heading)
        story.append(TextBlock("", fontset, fontset.body, body, leading=lead * 2))
        right = TextBlock(f"{self.office}\n{chinese_date(self.date)}", fontset, fontset.body, body, align="right",
                          leading=lead)
        story.append(_RightIndented(right, 4 * body))
        return build_pdf(story, out, fontset, PORTRAIT, title=self.title, record=record, progress=progress)


def _RightIndented(block: Any, indent: float) -> Any:  # noqa: N802 — a factory standing for a flowable class
    """``block`` drawn with its right edge ``indent`` in from the frame's (落款 右空四字)."""
    from reportlab.platypus import Indenter, KeepTogether

    return KeepTogether([Indenter(right=indent), block, Indenter(right=-indent)])


def _flow_table_class() -> Any:
    from reportlab.platypus import Flowable

    from desktop_app.reports.layout import paged_tables

    class FlowTable(Flowable):  # type: ignore[misc]
        """A table that flows on from wherever the text stops, split by rows between pages (header repeated)."""

        def __init__(self, columns: Any, rows: list[list[str]], fontset: Any, look: Any, page_h: float) -> None:
            super().__init__()
            self.columns, self.rows, self.fontset, self.look, self.page_h = columns, rows, fontset, look, page_h
            self._page: Any = None

        def _pages(self, width: float, first: float) -> list[Any]:
            from reportlab.platypus import PageBreak

            return [g for g in paged_tables(self.columns, self.rows, self.fontset, width, first, self.page_h - 1,
                                            look=self.look) if not isinstance(g, PageBreak)]

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            pages = self._pages(avail_width, max(avail_height, self.page_h - 1))
            self._page = pages[0] if len(pages) == 1 else None
            height = pages[0].height if len(pages) == 1 else sum(p.height for p in pages)
            self.width, self.height = avail_width, height
            return self.width, self.height

        def split(self, avail_width: float, avail_height: float) -> list[Any]:
            pages = self._pages(avail_width, avail_height)
            if not pages or pages[0].height > avail_height + 0.01:
                return []  # not even one row fits here: the whole table moves on
            done = len(pages[0].rows)
            first = FlowTable(self.columns, self.rows[:done], self.fontset, self.look, self.page_h)
            rest = FlowTable(self.columns, self.rows[done:], self.fontset, self.look, self.page_h)
            return [first, rest] if self.rows[done:] else [first]

        def draw(self) -> None:
            if self._page is not None:
                self._page.wrap(self.width, self.height)
                self._page.drawOn(self.canv, 0, 0)

    return FlowTable


def _FlowTable(*args: Any) -> Any:  # noqa: N802 — built lazily: reportlab is imported only when printing
    return _flow_table_class()(*args)
