"""A streaming .xlsx sheet reader that keeps only the cells holding values.

calamine builds one dense rectangle per sheet from A1 to the farthest cell: a
2 KB file with one value at XFD1048576 asks for 268 GB. This reader walks the
sheet XML with ``iterparse`` and keeps each row only up to its last value, so
a far-away stray cell costs one short row, and styled empty cells (WPS writes
them out to column XEA) and ``<dimension>`` cost nothing. It is used to read
the first rows of every sheet when choosing one, and to read a whole sheet
whose shape calamine would blow up on. It runs inside the import worker
(worker.py), never in the app's own process.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from typing import Any

from desktop_app.excel.sheet import Merged, RowLimitExceededError

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_C, _V, _IS, _T, _ROW, _F = (f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}is", f"{_MAIN}t", f"{_MAIN}row", f"{_MAIN}f")
_SI, _R, _RPH, _MERGE = f"{_MAIN}si", f"{_MAIN}r", f"{_MAIN}rPh", f"{_MAIN}mergeCell"
_XF, _NUMFMT, _CELLXFS = f"{_MAIN}xf", f"{_MAIN}numFmt", f"{_MAIN}cellXfs"

_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
# Excel's built-in date and time formats (ECMA-376 18.8.30, plus the CJK ids 27–36 and 50–58)
_BUILTIN_DATES = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def col_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _cell_ref(ref: str | None) -> tuple[int, int] | None:
    if not ref:
        return None
    m = _REF.match(ref)
    if not m:
        return None
    return int(m[2]) - 1, col_index(m[1])


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text_of(elem: ET.Element) -> str:
    """The visible text of an ``<si>`` or ``<is>``: its ``<t>`` and runs, never phonetic hints."""
    parts: list[str] = []
    for child in elem:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.extend(t.text or "" for t in child if t.tag == _T)
    return "".join(parts)


def shared_strings(zf: zipfile.ZipFile, member: str | None, needed: int | None = None) -> list[str]:
    """The shared string table, or its first ``needed`` entries (enough for the rows read so far)."""
    if not member or member not in zf.NameToInfo:
        return []
    out: list[str] = []
    with zf.open(member) as f:
        for _ev, elem in ET.iterparse(f, events=("end",)):
            if elem.tag == _SI:
                out.append(_text_of(elem))
                elem.clear()
                if needed is not None and len(out) >= needed:
                    break
    return out


def date_styles(zf: zipfile.ZipFile, member: str | None) -> set[int]:
    """Indices of the cell formats (``s="…"``) that show a number as a date or time."""
    if not member or member not in zf.NameToInfo:
        return set()
    root = ET.fromstring(zf.read(member))
    custom: set[int] = set()
    for fmt in root.iter(_NUMFMT):
        code = _QUOTED.sub("", fmt.get("formatCode", "")).lower()
        if any(ch in code for ch in "ymdhs") and "general" not in code:
            try:
                custom.add(int(fmt.get("numFmtId", "")))
            except ValueError:
                continue
    out: set[int] = set()
    xfs = root.find(_CELLXFS)
    for i, xf in enumerate(xfs.iter(_XF) if xfs is not None else ()):
        try:
            fid = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        if fid in _BUILTIN_DATES or fid in custom:
            out.add(i)
    return out


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


def merged_ranges(zf: zipfile.ZipFile, member: str) -> list[Merged]:
    """The merged ranges of a sheet, found by scanning its bytes (no parse of the rows)."""
    out: list[Merged] = []
    tail = b""
    with zf.open(member) as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            buf = tail + chunk
            cut = buf.rfind(b"<")
            cut = cut if cut > len(buf) - 200 else len(buf)
            for m in _MERGE_REF.finditer(buf, 0, cut):
                a, _, b = m[1].decode().partition(":")
                p, q = _cell_ref(a), _cell_ref(b or a)
                if p and q:
                    out.append((p[0], p[1], q[0], q[1]))
            tail = buf[cut:]
    return out


def serial_date(value: float, date1904: bool = False) -> dt.date | dt.datetime | dt.time:
    """An Excel date serial as calamine gives it: a date, a date and time, or a time of day."""
    if 0 <= value < 1 and not date1904:
        seconds = round(value * 86400)
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    base = _EPOCH_1904 if date1904 else _EPOCH_1900
    if not date1904 and value < 61:
        value += 1  # Excel's phantom 1900-02-29
    stamp = base + dt.timedelta(days=value)
    stamp = stamp.replace(microsecond=0) if stamp.microsecond < 500_000 else (
        stamp + dt.timedelta(seconds=1)).replace(microsecond=0)
    return stamp.date() if stamp.time() == dt.time() else stamp


class SheetStream:
    """One sheet's rows (``rows[i]`` is sheet row ``i + 1``, each cut after its last value) and merged ranges."""

    def __init__(self, zf: zipfile.ZipFile, member: str, strings_member: str | None, styles_member: str | None,
                 date1904: bool = False) -> None:
        self.zf = zf
        self.member = member
        self.strings_member = strings_member
        self.dates = date_styles(zf, styles_member)
        self.date1904 = date1904

    def _cells(self, max_rows: int | None) -> Iterator[tuple[int, list[tuple[int, Any, bool]]]]:
        """(row index, [(col, raw value, is shared-string index)]) for every row holding a value."""
        next_row = 0
        with self.zf.open(self.member) as f:
            for _ev, elem in ET.iterparse(f, events=("end",)):
                if elem.tag != _ROW:
                    if elem.tag == _MERGE:
                        self._merge(elem.get("ref", ""))
                    continue
                try:
                    r = int(elem.get("r", "")) - 1
                except ValueError:
                    r = next_row
                next_row = r + 1
                if max_rows is not None and r >= max_rows:
                    return
                cells: list[tuple[int, Any, bool]] = []
                next_col = 0
                for c in elem:
                    if c.tag != _C:
                        continue
                    pos = _cell_ref(c.get("r"))
                    col = pos[1] if pos else next_col
                    next_col = col + 1
                    value = self._value(c)
                    if value is not None:
                        cells.append((col, value[0], value[1]))
                elem.clear()
                if cells:
                    yield r, cells

    def _value(self, c: ET.Element) -> tuple[Any, bool] | None:
        t = c.get("t", "n")
        if t == "inlineStr":
            node = c.find(_IS)
            return (_text_of(node), False) if node is not None else None
        v = c.find(_V)
        if v is None or v.text is None:
            return None
        text = v.text
        if t == "s":
            try:
                return int(text), True
            except ValueError:
                return None
        if t in ("str", "e"):
            return text, False
        if t == "b":
            return text.strip() in ("1", "true"), False
        if t == "d":
            try:
                return dt.datetime.fromisoformat(text.strip()), False
            except ValueError:
                return text, False
        try:
            number = float(text)
        except ValueError:
            return text, False
        try:
            if c.get("s") and int(c.get("s", "0")) in self.dates:
                return serial_date(number, self.date1904), False
        except (ValueError, OverflowError):
            pass
        return number, False

    def _merge(self, ref: str) -> None:
        a, _, b = ref.partition(":")
        p, q = _cell_ref(a), _cell_ref(b or a)
        if p and q:
            self.merged.append((p[0], p[1], q[0], q[1]))

    def read(self, max_rows: int | None = None) -> list[list[Any]]:
        """The first ``max_rows`` sheet rows (all when None) as a list; empty rows share one empty list."""
        at, cells = self.read_sparse(max_rows)
        empty: list[Any] = []  # header.fill_merged copies a row before growing it
        rows: list[list[Any]] = [empty] * (at[-1] + 1 if at else 0)
        for r, row in zip(at, cells, strict=True):
            rows[r] = row
        return rows

    def read_sparse(self, max_rows: int | None = None, row_limit: int | None = None,
                    column_limit: int | None = None) -> tuple[list[int], list[list[Any]]]:
        """(row indices, rows) of the rows holding values, in sheet order; limits count those rows and columns."""
        self.merged: list[Merged] = []
        raw: dict[int, list[tuple[int, Any, bool]]] = {}
        needed = -1
        columns: set[int] = set()
        for r, cells in self._cells(max_rows):
            raw[r] = cells
            if row_limit is not None and len(raw) > row_limit:
                raise RowLimitExceededError(len(raw))
            for col, value, shared in cells:
                if shared and value > needed:
                    needed = value
                if column_limit is not None:
                    columns.add(col)
            if column_limit is not None and len(columns) > column_limit:
                raise RowLimitExceededError(len(columns), columns=True)
        strings = shared_strings(self.zf, self.strings_member, needed + 1) if needed >= 0 else []
        at = sorted(raw)
        out: list[list[Any]] = []
        for r in at:
            cells = raw[r]
            row: list[Any] = [""] * (max(c[0] for c in cells) + 1)
            for col, value, shared in cells:
                if shared:
                    value = strings[value] if 0 <= value < len(strings) else ""
                row[col] = value
            out.append(row)
        return at, out
