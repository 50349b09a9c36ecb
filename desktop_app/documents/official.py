"""党政机关公文格式 (GB/T 9704-2012) Word documents, built with python-docx — the reusable part.

:class:`OfficialDocument` sets the page and the styles once; a document kind only adds its parts in order:
:meth:`~OfficialDocument.title`, :meth:`~OfficialDocument.addressee` (主送机关), body paragraphs,
:meth:`~OfficialDocument.heading` (一、 / （一） / 1.), :meth:`~OfficialDocument.table` for lists, and
:meth:`~OfficialDocument.signature` (落款: 发文机关署名 and 成文日期). Monthly reports and the campaign
documents use the same calls.

The format (GB/T 9704-2012 §5, §7):

* A4; 天头 37 mm, 订口 28 mm, 下白边 35 mm, 切口 26 mm: a 156 × 225 mm text area;
* 正文 三号 (16 pt) 仿宋, 22 lines of 28 characters (a document grid, and exact 29 pt lines);
* 标题 二号 (22 pt) 小标宋, centred — 宋体 bold where no 小标宋 is installed;
* 一级标题 黑体, 二级 楷体, 三级 仿宋 bold; 主送机关 flush left with a full-width colon;
* 页码 “— 1 —” 四号 宋体 7 mm below the text area: odd pages right, even pages left, one character in;
* 成文日期 in Arabic numerals, 右空四字, the office's name centred over it.

The font names written are those installed here when they exist (仿宋_GB2312 before 仿宋, 方正小标宋简体 …),
else the names every Chinese Windows has (仿宋, 宋体, 黑体, 楷体): WPS and Word substitute by name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# 字号 in points
SIZE_2 = 22.0  # 二号
SIZE_3 = 16.0  # 三号
SIZE_4 = 14.0  # 四号
SIZE_S4 = 12.0  # 小四
SIZE_5 = 10.5  # 五号

PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
MARGINS_MM = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
LINES, CHARS = 22, 28
#: 225 mm / 22 lines, in twentieths of a point (w:linePitch)
LINE_PITCH_TWIPS = round((PAGE_H_MM - 37 - 35) / 25.4 * 72 / LINES * 20)
#: 28 三号 characters in 156 mm: each 0.4 pt closer than its 16 pt (0.2 pt is the exact share; the rest is
#: room for rounding in Word, WPS and LibreOffice) — w:spacing, in twentieths of a point
CHAR_SPACING_TWIPS = -8

#: the font names to write, best first, per role; the first one installed on this computer wins
FONT_CHOICES: dict[str, tuple[str, ...]] = {
    "body": ("仿宋_GB2312", "仿宋", "FangSong"),
    "title": ("方正小标宋简体", "方正小标宋_GBK", "方正小标宋", "小标宋", "FZXiaoBiaoSong-B05S"),
    "hei": ("黑体", "SimHei"),
    "kai": ("楷体_GB2312", "楷体", "KaiTi"),
    "song": ("宋体", "SimSun"),
}
DEFAULT_FONTS = {"body": "仿宋", "hei": "黑体", "kai": "楷体", "song": "宋体"}


@dataclass(frozen=True)
class DocFonts:
    """The font names a document uses; ``title_bold`` when the title falls back to 宋体."""

    body: str = "仿宋"
    title: str = "宋体"
    title_bold: bool = True
    hei: str = "黑体"
    kai: str = "楷体"
    song: str = "宋体"


def choose_fonts(installed: Iterable[str] | None = None) -> DocFonts:
    """Font names for a document: the preferred ones installed here (``installed``: family names), else defaults.

    The title is 小标宋 when one is installed, else 宋体 bold (GB/T 9704's usual fallback).
    """
    if installed is None:
        installed = _installed_families()
    have = {n.lower() for n in installed}

    def pick(role: str) -> str | None:
        return next((n for n in FONT_CHOICES[role] if n.lower() in have), None)

    title = pick("title")
    return DocFonts(body=pick("body") or DEFAULT_FONTS["body"], title=title or (pick("song") or "宋体"),
                    title_bold=title is None, hei=pick("hei") or "黑体", kai=pick("kai") or "楷体",
                    song=pick("song") or "宋体")


def _installed_families() -> list[str]:
    """Family names (Chinese and English) of the fonts on this computer (the print font scan, cached)."""
    from desktop_app.reports import fonts

    out: list[str] = []
    for face in fonts.system_faces():
        out += [face.label, face.family]
    return out


def _mm(value: float) -> Any:
    from docx.shared import Mm

    return Mm(value)


def set_run_font(run: Any, east_asia: str, size: float | None = None, bold: bool | None = None,
                 latin: str | None = None) -> None:
    """Font of a run (or a style's font): the Chinese font in w:eastAsia, the same (or ``latin``) for Latin text."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run.font
    font.name = latin or east_asia
    rpr = run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold


class OfficialDocument:
    """A Word document in GB/T 9704-2012 format; add parts in reading order, then :meth:`save`."""

    def __init__(self, fonts: DocFonts | None = None) -> None:
        from docx import Document

        self.fonts = fonts or choose_fonts()
        self.doc = Document()
        self._page_setup()
        self._styles()
        self._page_numbers()

    # --- page, styles, page numbers ----------------------------------------------------------------

    def _page_setup(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.oxml.ns import qn

        sec = self.doc.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = _mm(PAGE_W_MM), _mm(PAGE_H_MM)
        sec.top_margin, sec.bottom_margin = _mm(MARGINS_MM["top"]), _mm(MARGINS_MM["bottom"])
        sec.left_margin, sec.right_margin = _mm(MARGINS_MM["left"]), _mm(MARGINS_MM["right"])
        sec.gutter = _mm(0)
        # the number's line sits 7 mm under the text area (35 mm - 7 mm - one 四号 line ≈ 23 mm from the edge)
        sec.footer_distance = _mm(23)
        sec.header_distance = _mm(15)
        sect = sec._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = sect.makeelement(qn("w:docGrid"), {})
            sect.append(grid)
        # a line grid only: with a character grid (linesAndChars) LibreOffice gives each 三号 character two
        # cells (it is wider than the 15.8 pt cell) — 14 characters a line; 28 come from -0.4 pt spacing instead
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        grid.attrib.pop(qn("w:charSpace"), None)

    def _styles(self) -> None:
        from docx.enum.text import WD_LINE_SPACING
        from docx.oxml.ns import qn
        from docx.shared import Pt

        styles = self.doc.styles
        # the document grid counts characters in the default size: 三号, or every character takes two cells
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
        if rpr is not None:
            for tag in ("w:sz", "w:szCs"):
                el = rpr.find(qn(tag))
                if el is None:
                    el = rpr.makeelement(qn(tag), {})
                    rpr.append(el)
                el.set(qn("w:val"), str(round(SIZE_3 * 2)))
            fonts_el = rpr.find(qn("w:rFonts"))
            if fonts_el is None:
                fonts_el = rpr.makeelement(qn("w:rFonts"), {})
                rpr.insert(0, fonts_el)
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
                fonts_el.set(qn(attr), self.fonts.body)
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts_el.attrib.pop(qn(attr), None)
        normal = styles["Normal"]
        set_run_font(normal, self.fonts.body, SIZE_3)
        nrpr = normal.element.get_or_add_rPr()
        nrpr.append(nrpr.makeelement(qn("w:spacing"), {qn("w:val"): str(CHAR_SPACING_TWIPS)}))
        pf = normal.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PITCH_TWIPS / 20)
        pf.space_before = pf.space_after = Pt(0)
        # Chinese line breaking (no 。 at a line start) and no widow control jumps in a 22-line grid
        ppr = normal.element.get_or_add_pPr()
        for tag in ("w:kinsoku", "w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN"):
            el = ppr.makeelement(qn(tag), {qn("w:val"): "1" if tag in ("w:kinsoku", "w:overflowPunct") else "0"})
            ppr.append(el)
        table_text = styles.add_style("公文表格", 1)  # WD_STYLE_TYPE.PARAGRAPH
        table_text.base_style = normal
        set_run_font(table_text, self.fonts.body, SIZE_S4)
        tf = table_text.paragraph_format
        tf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        tf.first_line_indent = Pt(0)
        # snap table text to its own size, not the 29 pt body grid
        tppr = table_text.element.get_or_add_pPr()
        tppr.append(tppr.makeelement(qn("w:snapToGrid"), {qn("w:val"): "0"}))

    def _page_numbers(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        self.doc.settings.odd_and_even_pages_header_footer = True
        sec = self.doc.sections[0]
        for footer, align in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT), (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.alignment = align
            pf = p.paragraph_format
            pf.first_line_indent = Pt(0)
            # 单页码居右空一字，双页码居左空一字
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                pf.right_indent = Pt(SIZE_4)
            else:
                pf.left_indent = Pt(SIZE_4)
            self._field_run(p, "— ", None)
            self._field_run(p, None, "PAGE")
            self._field_run(p, " —", None)

    def _field_run(self, p: Any, text: str | None, field: str | None) -> None:
        from docx.oxml.ns import qn

        if text is not None:
            run = p.add_run(text)
            set_run_font(run, self.fonts.song, SIZE_4)
            return
        for kind, instr in (("begin", None), (None, f" {field} "), ("separate", None), (None, "1"), ("end", None)):
            run = p.add_run()
            set_run_font(run, self.fonts.song, SIZE_4)
            if kind:
                run._r.append(run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))
            elif instr == "1":
                run.text = "1"
            else:
                el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
                el.text = instr
                run._r.append(el)

    # --- parts -----------------------------------------------------------------------------------

    def title(self, text: str) -> Any:
        """The 标题: 二号 小标宋 (or 宋体 bold), centred, a blank line after it."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
        # a long title breaks into lines of 二号 type spaced like the grid (GB/T 9704 §7.3.3: 梯形或菱形)
        p.paragraph_format.line_spacing = Pt(LINE_PITCH_TWIPS / 20 * 1.2)
        lines = title_lines(text)
        for k, line in enumerate(lines):
            run = p.add_run(line)
            set_run_font(run, self.fonts.title, SIZE_2, bold=self.fonts.title_bold)
            if k < len(lines) - 1:
                run.add_break()
        self.blank()
        return p

    def blank(self) -> None:
        """One empty line of the grid."""
        self.doc.add_paragraph()

    def addressee(self, text: str) -> Any:
        """主送机关: flush left, ending with a full-width colon."""
        from docx.shared import Pt

        text = text.rstrip("：:") + "："
        p = self.doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(0)
        set_run_font(p.add_run(text), self.fonts.body, SIZE_3)
        return p

    def paragraph(self, text: str, indent: bool = True, bold_lead: str = "") -> Any:
        """A body paragraph, first line indented two characters; ``bold_lead`` printed first in 仿宋 bold."""
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(2 * SIZE_3) if indent else Pt(0)
        if bold_lead:
            set_run_font(p.add_run(bold_lead), self.fonts.body, SIZE_3, bold=True)
        set_run_font(p.add_run(text), self.fonts.body, SIZE_3)
        return p

    def heading(self, text: str, level: int = 1) -> Any:
        """Headings of the body: 一、 in 黑体, （一） in 楷体, 1. in 仿宋 bold — all 三号, indented two characters."""
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(2 * SIZE_3)
        p.paragraph_format.keep_with_next = True
        font, bold = {1: (self.fonts.hei, False), 2: (self.fonts.kai, False)}.get(level, (self.fonts.body, True))
        set_run_font(p.add_run(text), font, SIZE_3, bold=bold)
        return p

    def table(self, columns: Sequence[str], rows: Iterable[Sequence[str]], widths_mm: Sequence[float] | None = None,
              header: bool = True, size: float = SIZE_S4) -> Any:
        """A list as a bordered table: a bold 黑体 header row repeated on every page, cells in 仿宋 ``size``.

        Built as XML in one pass (python-docx's cell-by-cell API is quadratic in the table's size).
        """
        from docx.oxml import parse_xml

        widths = list(widths_mm or [156.0 / len(columns)] * len(columns))
        scale = 156.0 / sum(widths)
        tw = [round(w * scale / 25.4 * 1440) for w in widths]
        esc = _xml_escape
        body_font, hei = esc(self.fonts.body), esc(self.fonts.hei)
        half = round(size * 2)

        def cell(text: str, k: int, head: bool) -> str:
            font = hei if head else body_font
            jc = "center" if head or len(text) <= 8 else "left"
            runs = []
            for i, line in enumerate(str(text).split("\n")):
                br = "<w:br/>" if i else ""
                runs.append(f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>'
                            f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>{br}'
                            f'<w:t xml:space="preserve">{esc(line)}</w:t></w:r>')
            return (f'<w:tc><w:tcPr><w:tcW w:w="{tw[k]}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                    f'<w:p><w:pPr><w:pStyle w:val="{self._table_style_id()}"/><w:jc w:val="{jc}"/></w:pPr>'
                    f'{"".join(runs)}</w:p></w:tc>')

        parts = [f'<w:tbl {_NS}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(tw)}" w:type="dxa"/>'
                 '<w:jc w:val="center"/><w:tblBorders>'
                 + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                           for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
                 + '</w:tblBorders><w:tblLayout w:type="fixed"/>'
                 '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
                 '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
                 '</w:tblPr><w:tblGrid>' + "".join(f'<w:gridCol w:w="{w}"/>' for w in tw) + "</w:tblGrid>"]
        if header:
            parts.append('<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>'
                         + "".join(cell(c, k, True) for k, c in enumerate(columns)) + "</w:tr>")
        for row in rows:
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                         + "".join(cell("" if v is None else str(v), k, False) for k, v in enumerate(row)) + "</w:tr>")
        parts.append("</w:tbl>")
        tbl = parse_xml("".join(parts))
        body = self.doc.element.body
        body.insert(len(body) - 1, tbl)  # before the final sectPr
        return tbl

    def _table_style_id(self) -> str:
        return str(self.doc.styles["公文表格"].style_id)

    def signature(self, office: str, day: dt.date | None = None) -> None:
        """落款: the office's name centred over the 成文日期, the date 右空四字 (GB/T 9704-2012 §7.3.5)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        date_text = chinese_date(day or dt.date.today())
        self.blank()
        self.blank()
        if office:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.first_line_indent = Pt(0)
            # centred over the date: its right end sits half the length difference further in
            extra = max(0.0, (len(date_text) - len(office)) / 2)
            p.paragraph_format.right_indent = Pt((4 + extra) * SIZE_3)
            set_run_font(p.add_run(office), self.fonts.body, SIZE_3)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.right_indent = Pt(4 * SIZE_3)
        set_run_font(p.add_run(date_text), self.fonts.body, SIZE_3)

    def save(self, out: Path | Any) -> None:
        """Write the .docx (a path or a binary file)."""
        self.doc.core_properties.author = "调研工作台 FieldDesk"
        self.doc.save(str(out) if isinstance(out, Path) else out)


_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _xml_escape(text: str) -> str:
    from desktop_app.reports.wrap import clean_text

    return (clean_text(text).replace("\n", " ").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


#: 二号 characters on a 156 mm line
TITLE_CHARS = int((PAGE_W_MM - 28 - 26) / 25.4 * 72 // SIZE_2)
_YEAR = re.compile(r"(?<=[^\d])(?:19|20)\d{2}年")


def title_lines(text: str) -> list[str]:
    """A title in lines of at most :data:`TITLE_CHARS`: the office on a line of its own before the year
    (勐海县乡村振兴局 / 2026年第三季度…成绩公示), else halves of even length — never a stub of two characters."""
    out: list[str] = []
    for para in text.split("\n"):
        if len(para) <= TITLE_CHARS:
            out.append(para)
            continue
        year = _YEAR.search(para)
        if year and year.start() <= TITLE_CHARS and len(para) - year.start() <= TITLE_CHARS:
            out += [para[:year.start()], para[year.start():]]
            continue
        n = -(-len(para) // TITLE_CHARS)
        per = -(-len(para) // n)
        out += [para[i:i + per] for i in range(0, len(para), per)]
    return out


def chinese_date(day: dt.date) -> str:
    """2026年11月22日 (成文日期 in Arabic numerals since GB/T 9704-2012)."""
    return f"{day.year}年{day.month}月{day.day}日"
