"""Sheets as good as hand-made ones, streamed: 100,000 rows in seconds and flat memory.

Every export has a merged title, an office and date line, a bold bordered
header, wrapped text, widths that fit the content, a frozen header, A4
landscape fitted to the page width, the header rows repeated on every printed
page and a “第 &P 页 共 &N 页” footer. Dates are real dates.

The sheet XML is written by hand straight into the zip (openpyxl's normal mode
needs ~700 MB for 100k rows; its write-only mode is 15× slower than this).
Strings are inline strings, so text starting with = + - @ can never become a
formula: nothing here writes a formula at all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from desktop_app.core.errors import FieldDeskError
from desktop_app.excel import xlsx_parts as parts
from desktop_app.excel.header import column_letter

HEADER_ROWS = 3  # title, office/date line, column titles
WIDTH_SAMPLE = 300
MAX_WIDTH = 60.0
MIN_WIDTH = 6.0
EPOCH = dt.date(1899, 12, 30)

STYLE_OF_KIND = {"text": parts.S_TEXT, "center": parts.S_CENTER, "date": parts.S_DATE, "number": parts.S_NUMBER,
                 "fill": parts.S_FILL}


@dataclass(frozen=True)
class Column:
    """One exported column. ``kind``: text|center|date|number|fill (fill = a cell the recipient fills in)."""

    title: str
    kind: str = "text"
    width: float | None = None  # in characters; None = fitted to the content
    hidden: bool = False
    choices: tuple[str, ...] = ()  # a drop-down list (data validation) on every data cell


@dataclass
class SheetSpec:
    """What a sheet shows around its rows."""

    title: str
    columns: list[Column]
    office: str = ""
    sheet_name: str = "Sheet1"
    date_line: str = ""  # default: 导出日期：today
    defined_names: dict[str, str] = field(default_factory=dict)  # markers such as the round-trip sheet's
    #: the 签字盖章 row under the list (a sheet made to be filled in and re-imported has none)
    signatures: tuple[str, ...] = ("填表人", "审核人", "联系电话", "单位（盖章）")
    #: 纸张 of the page setup: A4 or A3, landscape
    paper: str = "A4"


#: Excel's paperSize codes
PAPER_SIZES = {"A4": 9, "A3": 8}


_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(s: str) -> str:
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if _BAD_XML.search(s):
        s = _BAD_XML.sub("", s)
    return s


def _text_width(s: str) -> float:
    # A CJK character is about two Latin characters wide in 宋体 11.
    longest = max((len(line) + sum(1 for ch in line if ord(ch) > 0x2E7F) for line in s.split("\n")), default=0)
    return float(longest)


def _fit_widths(columns: list[Column], sample: list[Sequence[Any]]) -> list[float]:
    widths = []
    for c, col in enumerate(columns):
        if col.width is not None:
            widths.append(col.width)
            continue
        w = _text_width(col.title) + 2
        for row in sample:
            v = row[c] if c < len(row) else None
            if isinstance(v, dt.date):
                w = max(w, 14)
            elif v is not None:
                w = max(w, min(_text_width(str(v)), MAX_WIDTH * 1.5) * 0.9 + 2)
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, w)))
    return widths


#: the title is 18 pt bold over body text of 11 pt: each character takes about this much more room
TITLE_SCALE = 18 / 11


def _info_line(spec: SheetSpec) -> str:
    date_line = spec.date_line or f"导出日期：{dt.date.today():%Y年%m月%d日}".replace("年0", "年").replace("月0", "月")
    info = f"填报单位：{spec.office}" if spec.office else ""
    return f"{info}{'　' * 8 if info else ''}{date_line}"


def _widen_for_heading(spec: SheetSpec, widths: list[float]) -> list[float]:
    """Widths grown so the merged title and the 填报单位/日期 line fit on one line each.

    A narrow sheet (成绩: seven short columns) otherwise cuts its title to a second
    line the 36-pt row hides and its office line at the last column. The extra room
    goes to the fitted columns in proportion to their width; set widths stay as set.
    """
    need = max(_text_width(spec.title) * TITLE_SCALE, _text_width(_info_line(spec))) + 4
    visible = [i for i, c in enumerate(spec.columns) if not c.hidden]
    have = sum(widths[i] for i in visible)
    free = [i for i in visible if spec.columns[i].width is None] or visible
    grow = sum(widths[i] for i in free)
    if have >= need or not grow:
        return widths
    factor = 1 + (need - have) / grow
    return [w * factor if i in free else w for i, w in enumerate(widths)]


def _cell(ref: str, value: Any, style: int) -> str:
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{_esc(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{"是" if value else "否"}</t></is></c>'
    if isinstance(value, dt.datetime):
        serial = (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}" s="{parts.S_DATE}"><v>{serial:.6f}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{parts.S_DATE}"><v>{(value - EPOCH).days}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
    return _cell(ref, str(value), style)


class ExportError(FieldDeskError):
    """An export could not be written (disk full, file open in Excel …)."""


def write_sheet(path: Path, spec: SheetSpec, rows: Iterable[Sequence[Any]],
                progress: Callable[[int], None] | None = None, created: dt.datetime | None = None,
                row_count: int | None = None) -> int:
    """Stream ``rows`` into a finished .xlsx at ``path``; returns how many data rows were written.

    ``row_count``, when the caller knows it, goes into the sheet's dimension as
    Excel itself writes it (readers use it to size the sheet before reading).
    The file is written beside ``path`` and moved into place at the end, so a
    failed export never leaves half a file where the old one was.
    """
    path = Path(path)
    created = created or dt.datetime.now()
    it: Iterator[Sequence[Any]] = iter(rows)
    sample = list(islice(it, WIDTH_SAMPLE))
    widths = _widen_for_heading(spec, _fit_widths(spec.columns, sample))
    ncols = len(spec.columns)
    last = column_letter(ncols - 1)
    letters = [column_letter(c) for c in range(ncols)]
    styles = [STYLE_OF_KIND.get(col.kind, parts.S_TEXT) for col in spec.columns]
    tmp = path.with_name(path.name + ".part")
    count = 0
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr("[Content_Types].xml", parts.CONTENT_TYPES)
            zf.writestr("_rels/.rels", parts.ROOT_RELS)
            zf.writestr("docProps/app.xml", parts.APP)
            zf.writestr("docProps/core.xml", parts.core(spec.title, created.strftime("%Y-%m-%dT%H:%M:%SZ")))
            zf.writestr("xl/_rels/workbook.xml.rels", parts.WORKBOOK_RELS)
            zf.writestr("xl/styles.xml", parts.STYLES)
            titles = f"'{spec.sheet_name.replace(chr(39), chr(39) * 2)}'!${HEADER_ROWS}:${HEADER_ROWS}"
            zf.writestr("xl/workbook.xml", parts.workbook(spec.sheet_name, titles, spec.defined_names))
            with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
                write = raw.write
                write(_sheet_head(spec, widths, last, row_count).encode("utf-8"))
                buf: list[str] = []
                r = HEADER_ROWS
                for row in chain(sample, it):
                    r += 1
                    cells = "".join([_cell(f"{letters[c]}{r}", row[c] if c < len(row) else None, styles[c])
                                     for c in range(ncols)])
                    buf.append(f'<row r="{r}">{cells}</row>')
                    if len(buf) >= 500:
                        write("".join(buf).encode("utf-8"))
                        buf.clear()
                        if progress:
                            progress(r - HEADER_ROWS)
                write("".join(buf).encode("utf-8"))
                count = r - HEADER_ROWS
                write(_signature_row(spec, HEADER_ROWS + max(count, 1) + 2).encode("utf-8"))
                write(_sheet_tail(spec, last, count).encode("utf-8"))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"无法写入文件 {path}：{exc.strerror or exc}",
                          "请确认该文件没有在 Excel/WPS 中打开，且磁盘有空间、文件夹可写") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if progress:
        progress(count)
    return count


def _sheet_head(spec: SheetSpec, widths: list[float], last: str, row_count: int | None) -> str:
    cols = []
    for i, (col, w) in enumerate(zip(spec.columns, widths, strict=True), start=1):
        hidden = ' hidden="1"' if col.hidden else ""
        cols.append(f'<col min="{i}" max="{i}" width="{w:.1f}" customWidth="1"{hidden}/>')
    info = _info_line(spec)
    dimension = f'<dimension ref="A1:{last}{HEADER_ROWS + row_count}"/>' if row_count is not None else ""
    header = "".join(_cell(f"{column_letter(c)}{HEADER_ROWS}", col.title, parts.S_HEADER)
                     for c, col in enumerate(spec.columns))
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{parts.MAIN_NS}" '
        f'xmlns:r="{parts.REL_NS}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'{dimension}<sheetViews><sheetView workbookViewId="0"><pane ySplit="{HEADER_ROWS}" topLeftCell="A{HEADER_ROWS + 1}" '
        f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A{HEADER_ROWS + 1}" '
        f'sqref="A{HEADER_ROWS + 1}"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="14.25"/>'
        f'<cols>{"".join(cols)}</cols><sheetData>'
        f'<row r="1" ht="36" customHeight="1">{_cell("A1", spec.title, parts.S_TITLE)}</row>'
        f'<row r="2" ht="22" customHeight="1">{_cell("A2", info, parts.S_SUBTITLE)}</row>'
        f'<row r="{HEADER_ROWS}" ht="30" customHeight="1">{header}</row>'
    )


def _signature_slots(spec: SheetSpec) -> list[tuple[int, int]]:
    """(first, last) visible column index of each signature label, spread evenly over the visible columns."""
    visible = [c for c, col in enumerate(spec.columns) if not col.hidden]
    n = len(spec.signatures)
    if not n or not visible:
        return []
    cuts = [round(k * len(visible) / n) for k in range(n + 1)]
    return [(visible[min(cuts[k], len(visible) - 1)], visible[max(cuts[k], cuts[k + 1] - 1)]) for k in range(n)
            if cuts[k] < len(visible)]


def _signature_row(spec: SheetSpec, r: int) -> str:
    """填表人：  审核人：  联系电话：  单位（盖章）： one blank row under the list, room to write after each."""
    slots = _signature_slots(spec)
    if not slots:
        return ""
    cells = "".join(_cell(f"{column_letter(a)}{r}", f"{label}：", parts.S_SUBTITLE)
                    for label, (a, _b) in zip(spec.signatures, slots, strict=False))
    return f'<row r="{r}" ht="30" customHeight="1">{cells}</row>'


def _sheet_tail(spec: SheetSpec, last: str, count: int) -> str:
    end = HEADER_ROWS + max(count, 1)
    sig_row = end + 2
    merges = [f"A1:{last}1", f"A2:{last}2"]
    merges += [f"{column_letter(a)}{sig_row}:{column_letter(b)}{sig_row}" for a, b in _signature_slots(spec) if b > a]
    merge_xml = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    validations = []
    for c, col in enumerate(spec.columns):
        if col.choices:
            ref = column_letter(c)
            items = ",".join(col.choices)
            validations.append(
                f'<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
                f'errorTitle="请从下拉列表中选择" error="请从下拉列表中选择：{_esc(items)}" '
                f'sqref="{ref}{HEADER_ROWS + 1}:{ref}{end}"><formula1>"{_esc(items)}"</formula1></dataValidation>')
    dv = f'<dataValidations count="{len(validations)}">{"".join(validations)}</dataValidations>' if validations else ""
    return (
        '</sheetData>'
        f'<mergeCells count="{len(merges)}">{merge_xml}</mergeCells>'
        f'{dv}'
        '<printOptions horizontalCentered="1"/>'
        '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        f'<pageSetup paperSize="{PAPER_SIZES.get(spec.paper, 9)}" orientation="landscape" fitToWidth="1" '
        'fitToHeight="0"/>'
        '<headerFooter><oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter></headerFooter>'
        '</worksheet>'
    )
