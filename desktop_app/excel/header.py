"""Finding the header of an office's sheet and telling data rows from the rest.

Office sheets put a merged title and a 填报单位/填报日期 line above the header,
sometimes a two-level header (责任主体 over 牵头单位 | 配合单位), section rows
inside the data (一、基层党建方面), and a signature line at the end
(填表人：… 审核人：…). This module finds the header by matching cell texts
against each field's synonyms and classifies every row below it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.excel.dates import year_in_text
from desktop_app.excel.kinds.base import FieldSpec
from desktop_app.excel.sheet import SheetData

HEADER_SCAN_ROWS = 30

_PAREN = re.compile(r"[（(][^）)]*[）)]")
_SPACE = re.compile(r"[\s\u3000]+")


def normalise_title(value: Any) -> str:
    """A header cell reduced for matching: no spaces, line breaks, (hints) or required-marks."""
    if value is None:
        return ""
    t = _SPACE.sub("", str(value))
    t = _PAREN.sub("", t)
    return t.strip("*＊:：")


def cell_text(value: Any) -> str:
    """A cell as the text a clerk sees (whole numbers without '.0', dates in ISO)."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def is_empty(value: Any) -> bool:
    """True for an empty cell (None or only whitespace)."""
    return value is None or (isinstance(value, str) and not value.strip())


def fill_merged(sheet: SheetData, start: int = 0, stop: int | None = None,
                seen: dict[int, Any] | None = None, first: int = 0) -> None:
    """Give every cell of a merged range the value of its top-left cell.

    A unit merged over three items belongs to each of them; a section row merged
    across the whole width then reads as one repeated value, which ``classify``
    recognises. Rows arriving a stretch at a time are filled a stretch at a time:
    rows ``start`` to ``stop``, with ``seen`` keeping each range's value from the
    stretch holding its top-left cell (so that even overlapping ranges, which only
    a damaged file has, come out as in one pass). ``first``: the sheet row that
    ``sheet.rows[0]`` is, when only a stretch of rows is held (the import worker's).
    """
    rows = sheet.rows
    end = first + len(rows)
    stop = end if stop is None else min(stop, end)
    for k, (r1, c1, r2, c2) in enumerate(sheet.merged):
        if r1 >= stop or r2 < start:
            continue
        if r1 < start and seen is not None:
            value = seen.get(k)
        elif r1 < first:  # its top-left cell is not held
            continue
        else:
            top = rows[r1 - first]
            value = top[c1] if c1 < len(top) else None
            if seen is not None:
                seen[k] = value
        if is_empty(value) or (r2 - r1 + 1) * (c2 - c1 + 1) > 1_000_000:
            continue
        for r in range(max(r1, start, first), min(r2, stop - 1) + 1):
            row = rows[r - first]
            if len(row) <= c2:  # a new list: empty rows may share one list object
                row = rows[r - first] = row + [""] * (c2 + 1 - len(row))
            for c in range(c1, c2 + 1):
                if is_empty(row[c]):
                    row[c] = value


def match_field(title: str, fields: Sequence[FieldSpec]) -> tuple[str | None, int]:
    """The field a normalised title names and how good the match is (larger is better; 0 = none)."""
    if not title:
        return None, 0
    best: tuple[str | None, int] = (None, 0)
    for f in fields:
        for syn in f.synonyms:
            if title == syn:
                return f.key, 1000
            if syn in title and len(syn) >= 2 and len(syn) > best[1]:
                best = (f.key, len(syn))
    return best


def auto_mapping(titles: Sequence[str], fields: Sequence[FieldSpec]) -> dict[int, str]:
    """Column index → field, each field used once; exact synonym matches first, then the longest."""
    scored = []
    for col, title in enumerate(titles):
        key, score = match_field(normalise_title(title), fields)
        if key:
            scored.append((-score, col, key))
    scored.sort()
    used: set[str] = set()
    out: dict[int, str] = {}
    for _neg, col, key in scored:
        if key not in used:
            used.add(key)
            out[col] = key
    return out


@dataclass
class Header:
    """Where the header is and what each column is called."""

    top_row: int  # 0-based index of the first header row
    data_start: int  # 0-based index of the first row below the header
    titles: list[str]  # one per column ('' for an untitled column)
    year: int | None  # year found above the header (填报日期 line, then the title)
    score: int  # how many fields the header names


def _row_titles(row: Sequence[Any], width: int) -> list[str]:
    return [cell_text(row[c]) if c < len(row) else "" for c in range(width)]


def _has_horizontal_merge(sheet: SheetData, r: int) -> bool:
    return any(r1 == r and r2 == r and c2 > c1 for r1, c1, r2, c2 in sheet.merged)


def _combine(top: list[str], sub: list[str]) -> list[str]:
    return [s if s and s != t else t for t, s in zip(top, sub, strict=True)]


def find_header(sheet: SheetData, fields: Sequence[FieldSpec]) -> Header | None:
    """The best header in the top rows (merged cells already filled), or None when nothing matches."""
    rows = sheet.rows
    scan = min(len(rows), HEADER_SCAN_ROWS)
    # the header's width: a stray value far below (at XFD1048576, say) does not add 16,000 columns
    width = max((len(r) for r in rows[:scan]), default=0)
    # rank = (fields named, shape): a two-level header is reported from its upper row
    best: tuple[tuple[int, int], int, int, list[str]] | None = None
    all_titles = [_row_titles(rows[r], width) for r in range(scan)]
    # a two-level header's upper row has several distinct titles, one of them merged across columns
    upper = [len({t for t in ts if t}) >= 3 and _has_horizontal_merge(sheet, r) for r, ts in enumerate(all_titles)]
    for r in range(scan):
        titles = all_titles[r]
        if len({t for t in titles if t}) < 2:
            continue
        candidates = [(r, r + 1, titles, 1)]
        if r + 1 < scan and upper[r]:
            candidates.append((r, r + 2, _combine(titles, all_titles[r + 1]), 0))
        if r > 0 and upper[r - 1]:
            candidates.append((r - 1, r + 1, _combine(all_titles[r - 1], titles), 2))
        for top, start, ts, single in candidates:
            rank = (len(auto_mapping(ts, fields)), single)
            if best is None or rank > best[0]:
                best = (rank, top, start, ts)
    if best is None or best[0][0] < 2:
        return None
    (score, _single), top, start, titles = best
    return Header(top_row=top, data_start=start, titles=unique_titles(titles), year=context_year(rows[:top]),
                  score=score)


def unique_titles(titles: list[str]) -> list[str]:
    """Titles made unique (a repeated or blank title gets its column letter) so they can key a mapping."""
    seen: dict[str, int] = {}
    out = []
    for c, t in enumerate(titles):
        name = _SPACE.sub("", t) or f"（第{column_letter(c)}列）"
        if name in seen:
            name = f"{name}（{column_letter(c)}列）"
        seen[name] = c
        out.append(name)
    return out


def column_letter(c: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


_DATE_LINE = re.compile(r"(填报|报送|统计|制表|截止|截至)?(日期|时间)")


def context_year(above: Sequence[Sequence[Any]]) -> int | None:
    """The year the rows above the header speak of: the 填报日期 line first, then any title year."""
    texts = [cell_text(v) for row in above for v in row if isinstance(v, str | dt.date)]
    for t in texts:
        if _DATE_LINE.search(t):
            y = year_in_text(t[_DATE_LINE.search(t).start():])  # type: ignore[union-attr]
            if y:
                return y
    for row in above:
        for v in row:
            if isinstance(v, dt.date):
                return v.year
    for t in texts:
        y = year_in_text(t)
        if y:
            return y
    return None


ROW_DATA, ROW_BLANK, ROW_SECTION, ROW_SIGNATURE, ROW_TOTAL, ROW_HEADER = (
    "data", "blank", "section", "signature", "total", "header")

_SIGNATURE = re.compile(
    r"^(填表人|填报人|审核人|制表人|制表|负责人|单位负责人|主要负责人|分管领导|主要领导|联系人|联系电话|经办人|签字|签发|审批人|"
    r"注[:：]|注\d|说明[:：]|备注[:：]|填表说明)")
_SECTION_PREFIX = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十\d]+[部类项]|[A-Z][、.．])")
_TOTAL = re.compile(r"^(合计|小计|总计)")


def classify(row: Sequence[Any], header_titles: Sequence[str], section_span: bool) -> str:
    """What a row below the header is. ``section_span`` says the row is merged across several columns.

    Called for every row of a 100k-row sheet, so the common case (a data row)
    is decided from the first non-empty cell and the count of distinct values.
    """
    # a row with every cell filled (the common data row) is taken as it is: the containment tests run in C
    values = row if "" not in row and None not in row else [v for v in row if v != "" and v is not None]
    if values and type(values[0]) is str and not values[0].strip():
        values = [v for v in values if not is_empty(v)]
    if not values:
        return ROW_BLANK
    v0 = values[0]
    first = v0.strip() if type(v0) is str else cell_text(v0)
    # signature, total and section lines begin with words: a row whose first value is a number, a date or
    # 是/否 (a 序号 first: the common data row) can only be a repeated header
    if isinstance(v0, str):
        few = len(values) <= 4
        # one repeated value = a merged section or signature row filled across the width
        same = values.count(v0) == len(values)
        distinct = 1 if same else (len({cell_text(v) for v in values}) if few else len(values))
        if _SIGNATURE.match(first) or (distinct == 1 and ("填表人" in first or "审核人" in first)):
            return ROW_SIGNATURE
        if few and distinct <= 3 and _TOTAL.match(first):
            return ROW_TOTAL
        if distinct == 1 and (_SECTION_PREFIX.match(first) or first.endswith(("方面", "类问题")) or section_span):
            return ROW_SECTION
    if (len(values) >= 2 and header_titles and first == header_titles[0]
            and [_SPACE.sub("", cell_text(v)) for v in row[: len(header_titles)]] == list(header_titles)):
        return ROW_HEADER
    return ROW_DATA


def section_title(text: str) -> str:
    """一、基层党建方面 → 基层党建 (the category a section row gives the items below it)."""
    t = _SECTION_PREFIX.sub("", text.strip()).strip()
    for suffix in ("方面问题", "方面存在的问题", "方面", "类问题"):
        if t.endswith(suffix) and len(t) > len(suffix):
            return t[: -len(suffix)]
    return t
