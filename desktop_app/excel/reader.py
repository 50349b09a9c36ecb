"""Inside the import worker: open a workbook, choose the sheet, read it into plain rows.

Runs only in the worker process (worker.py), never in the app: a damaged file
may raise anything here or kill the process, and the app sees only the
worker's answer. python-calamine reads .xlsx and .xls fast (values, never
formulas, plus merged ranges). For .xlsx the sheet is first judged by its
content, never by its ``<dimension>``: choosing a sheet reads only the first
rows of each (xlsx_stream), and a sheet whose value-bearing cells are few but
far apart is read by the streaming reader, because calamine would allocate
the whole rectangle.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import io
import posixpath
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Container
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.core.errors import ImportFileError
from desktop_app.excel import limits
from desktop_app.excel.sheet import RowLimitExceededError, SheetData
from desktop_app.excel.xlsx_stream import SheetStream, merged_ranges

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"



class WrongPasswordError(Exception):
    """The password given does not open the file."""


class _Package:
    """An .xlsx package's sheets (visible ones, in order) and the parts the streaming reader needs."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if name in zf.NameToInfo and zf.getinfo(name).file_size > 10 * 1024 * 1024:
                raise ImportFileError("工作簿目录异常（过大），已拒绝读取", "请在 Excel/WPS 中另存后再导入")
        try:
            wb = ET.fromstring(zf.read("xl/workbook.xml"))
            rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        except KeyError as exc:
            raise ImportFileError("工作簿的目录已损坏，无法读取", "请在 Excel/WPS 中打开并另存后再导入") from exc
        targets: dict[str, str] = {}
        types: dict[str, str] = {}
        for rel in rels.iter(f"{_NS_PKG}Relationship"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id", "")] = target
            types[rel.get("Type", "").rsplit("/", 1)[-1]] = target
        self.members: dict[str, str] = {}
        self.hidden: set[str] = set()
        for sh in wb.iter(f"{_NS_MAIN}sheet"):
            rid = sh.get(f"{_NS_REL}id") or ""
            if rid in targets and targets[rid] in zf.NameToInfo:
                name = sh.get("name", "")
                self.members[name] = targets[rid]
                if sh.get("state") in ("hidden", "veryHidden"):
                    self.hidden.add(name)
        pr = wb.find(f"{_NS_MAIN}workbookPr")
        self.date1904 = pr is not None and pr.get("date1904", "0") in ("1", "true")
        self.strings = types.get("sharedStrings")
        self.styles = types.get("styles")

    @property
    def sheet_names(self) -> list[str]:
        visible = [n for n in self.members if n not in self.hidden]
        return visible or list(self.members)

    def stream(self, name: str) -> SheetStream:
        return SheetStream(self.zf, self.members[name], self.strings, self.styles, self.date1904)


def xor_passwords(password: str) -> list[str]:
    """The forms a password may take in an .xls's XOR obfuscation, besides itself ([MS-OFFCRYPTO] 2.3.7.4).

    The method works on at most 15 single bytes; msoffcrypto-tool reads each
    character's code as that byte, so a Chinese password reaches it unconverted
    and never matches. The spec names two conversions a reader MUST both try:
    each UTF-16 code unit's low byte, or its high byte when the low byte is 0
    (what a writer MUST use), and the system's ANSI code page ([MS-XLS] 2.2.9:
    what Excel does; GBK on a Chinese system). Each comes back as Latin-1 text,
    one character per byte, the form msoffcrypto's key schedule reads. Empty when
    the password is single bytes already (then there is nothing to convert).
    """
    if all(ord(ch) <= 0xFF for ch in password[:15]):
        return []
    units = password.encode("utf-16-le", "surrogatepass")
    forms = [bytes(lo or hi for lo, hi in zip(units[::2], units[1::2], strict=True))[:15]]
    with contextlib.suppress(UnicodeEncodeError):
        forms.append(password.encode("gbk")[:15])
    return list(dict.fromkeys(f.decode("latin-1") for f in forms))


def _decrypt(path: Path, password: str) -> BinaryIO:
    """An encrypted workbook decrypted in memory (msoffcrypto-tool); WrongPassword when it does not open."""
    import msoffcrypto  # type: ignore[import-untyped]
    from msoffcrypto.exceptions import InvalidKeyError

    with path.open("rb") as f:
        office = msoffcrypto.OfficeFile(f)
        if not office.is_encrypted():
            return io.BytesIO(path.read_bytes())
        try:
            if "verify_password" in inspect.signature(office.load_key).parameters:
                office.load_key(password=password, verify_password=True)
            else:  # an .xls (RC4 or XOR obfuscation) checks the password itself and takes no such argument
                try:
                    office.load_key(password=password)
                except InvalidKeyError:
                    # XOR obfuscation reads a password as single bytes: a Chinese one is tried in the spec's
                    # two single-byte forms (RC4 reads UTF-16 and refuses them as it refused the password)
                    for form in xor_passwords(password):
                        with contextlib.suppress(InvalidKeyError):
                            office.load_key(password=form)
                            break
                    else:
                        raise
            out = io.BytesIO()
            office.decrypt(out)
        except Exception as exc:
            text = str(exc).lower()
            if isinstance(exc, InvalidKeyError) or "password" in text or "verif" in text:
                raise WrongPasswordError() from exc
            raise ImportFileError(f"{limits.ENCRYPTED}：{path.name}（加密方式不受支持）", limits.ENCRYPTED_ACTION) from exc
    out.seek(0)
    return out


def _encrypted_xls(path: Path) -> bool:
    """True for an .xls saved with an open password (a FILEPASS record; RC4 or XOR)."""
    try:
        import msoffcrypto

        with path.open("rb") as f:
            return bool(msoffcrypto.OfficeFile(f).is_encrypted())
    except Exception:  # not readable as an Office file: calamine will say what is wrong
        return False


def _best(found: list[tuple[SheetData, Any]]) -> tuple[str, bool]:
    """The sheet to import from (name, header found) by header score; the first sheet when none fits."""
    best: tuple[SheetData, Any] | None = None
    for data, header in found:
        if header and (best is None or best[1] is None or header.score > best[1].score):
            best = (data, header)
        elif best is None:
            best = (data, None)
    assert best is not None
    return best[0].name, best[1] is not None


def _choose(names: list[str], heads: list[SheetData], fields: Any) -> str:
    from desktop_app.excel import header as hdr

    if not fields:
        return names[0]
    found = []
    for data in heads:
        hdr.fill_merged(data)
        found.append((data, hdr.find_header(data, fields)))
    return _best(found)[0]


def _check_shape(rows: list[list[Any]], name: str) -> list[list[Any]]:
    """Refuse a sheet with too many rows or columns *holding values* (empty and styled cells do not count)."""
    if len(rows) > limits.MAX_ROWS:
        real = sum(1 for r in rows if any(v != "" and v is not None for v in r))
        if real > limits.MAX_ROWS:
            raise limits.too_many_rows(real, name)
    width = max((len(r) for r in rows), default=0)
    if width > limits.MAX_COLUMNS:
        used = {c for r in rows for c, v in enumerate(r) if v != "" and v is not None}
        if len(used) > limits.MAX_COLUMNS:
            raise limits.too_many_columns(len(used), name)
    return rows


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows cut after their last value (calamine pads every row to the sheet's width)."""
    for row in rows:
        while row and (row[-1] == "" or row[-1] is None):
            row.pop()
    return rows


#: rows per message sent back: the app unpickles and parses one chunk while the worker encodes the next
CHUNK_ROWS = 2000

Emit = Callable[[dict[str, Any]], None]
#: sends the head message (sheet names, the sheet's name, its merged ranges) before the sheet's first rows
Start = Callable[[list[Any]], None]


def emit_rows(rows: list[list[Any]], emit: Emit) -> None:
    """Send the rows holding something back in chunks, each with its row index (a far-away cell leaves gaps)."""
    at = [i for i, r in enumerate(rows) if r]
    for k in range(0, len(at), CHUNK_ROWS):
        part = at[k:k + CHUNK_ROWS]
        emit({"at": part, "rows": [rows[i] for i in part]})


class RowKinds:
    """Tells the data rows from the rest (blank, section, signature, total, repeated header) as rows are read.

    Runs in the worker, so that the app only parses data rows: the worker finds
    the header in the first rows exactly as the app will (``header.fill_merged``
    then ``header.find_header`` with the kind's fields) and classifies each row
    below it with ``header.classify``. The rows it sends have their merged cells
    filled in (what the app does first in any case). The first message carries
    ``kinds_header`` (data start, titles) so that the app uses the kinds only
    when its own header is the same; each message carries ``kinds``: [row index,
    kind] for every row below the header that holds a cell and is not a data row.
    """

    def __init__(self, fields: Any, merged: list[Any]) -> None:
        from desktop_app.excel import header as hdr

        self.hdr, self.fields, self.merged = hdr, fields, merged
        self.span_rows = {r1 for r1, c1, r2, c2 in merged if r1 == r2 and c2 - c1 >= 2}
        self.seen: dict[int, Any] = {}  # each merged range's value, from the stretch holding its top-left cell
        self.at = 0  # index of the next row
        self.found: Any = None
        self.off = False  # no header in the first rows (or no fields): nothing is classified

    def message(self, chunk: list[list[Any]], final: bool) -> dict[str, Any]:
        """The rows message for the next ``chunk`` of consecutive rows (filled, with their kinds)."""
        hdr, start = self.hdr, self.at
        self.at += len(chunk)
        message: dict[str, Any] = {"rows": chunk}
        if self.off:
            return message
        window = SheetData("", chunk, self.merged)  # rows start .. start + len(chunk) of the sheet
        hdr.fill_merged(window, start, self.at, self.seen, first=start)
        if start == 0:
            if not self.fields or (len(chunk) < hdr.HEADER_SCAN_ROWS and not final):
                self.off = True
                return message
            self.found = hdr.find_header(window, self.fields)
            if self.found is None:
                self.off = True
                return message
            message["kinds_header"] = [self.found.data_start, self.found.titles]
        classify, titles, data, span_rows = hdr.classify, self.found.titles, hdr.ROW_DATA, self.span_rows
        kinds = []
        for k in range(max(0, self.found.data_start - start), len(chunk)):
            row = chunk[k]
            if row:
                what = classify(row, titles, start + k in span_rows)
                if what is not data:
                    kinds.append([start + k, what])
        message["kinds"] = kinds
        return message


def _read_calamine(book: Any, name: str, xml_size: int | None, emit: Emit, start: Start,
                   fields: Any = None) -> list[Any]:
    """Send the sheet's rows as calamine reads them, after the head; returns its merged ranges.

    With ``fields`` (the kind's) the rows of a sheet longer than one chunk go out classified (``RowKinds``).
    """
    sh = book.get_sheet_by_name(name)
    area = sh.height * sh.width
    if xml_size is not None and area > limits.DENSE_CELLS and area > xml_size // 4:
        raise _UseStreamError()
    merged = [(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
    if sh.height > limits.MAX_ROWS or sh.width > limits.MAX_COLUMNS:
        # only rows and columns holding values count against the limits: look at all of them first
        rows = _check_shape(_trim(sh.to_python(skip_empty_area=False)), name)
        start(merged)
        emit_rows(rows, emit)
        return merged
    start(merged)  # the app finds the header and starts parsing with the first chunk
    wide = sh.width > 64  # a sheet padded with empty cells: rows are cut after their last value
    # calamine's iter_rows starts at row 1 (empty rows above the first used one included) but at the
    # first used column: only columns are padded, so row numbers are the sheet's own
    pad = [""] * (sh.start or (0, 0))[1]
    # a sheet of one chunk is classified by the app (in no time): the worker then needs no header module
    kinds = RowKinds(fields, merged) if fields and sh.height > CHUNK_ROWS else None
    chunk: list[list[Any]] = []
    for row in sh.iter_rows():
        if pad:
            row = pad + row
        if wide:
            while row and row[-1] == "":
                row.pop()
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            emit(dates_as_numbers(kinds.message(chunk, False) if kinds else {"rows": chunk}))
            chunk = []
    if chunk:
        emit(dates_as_numbers(kinds.message(chunk, True) if kinds else {"rows": chunk}))
    return merged


def dates_as_numbers(message: dict[str, Any]) -> dict[str, Any]:
    """A chunk's date cells sent as their day numbers (``date.toordinal``), their places in ``dates``.

    Pickling a date costs as much as pickling a long text, on both sides (its
    class is named again for every cell): 0.12 s each way for the 85k dates of
    100k ledger rows. The app turns the numbers back into dates
    (``worker._Reception``). Only plain dates (not datetimes), and only when the
    chunk's rows are all as wide (calamine pads them): a date column is found
    a column at a time, in C.
    """
    rows: list[list[Any]] = message["rows"]
    if not rows or len(set(map(len, rows))) != 1:
        return message
    places: list[int] = []
    date = dt.date
    for c, column in enumerate(zip(*rows, strict=True)):
        if date in set(map(type, column)):
            for r, v in enumerate(column):
                if type(v) is date:
                    rows[r][c] = v.toordinal()
                    places += (r, c)
    if places:
        message["dates"] = places
    return message


class _UseStreamError(Exception):
    """calamine's rectangle would be mostly empty: read the sheet with the streaming reader."""


def _read_stream(pkg: _Package, name: str, emit: Emit, start: Start) -> list[Any]:
    stream = pkg.stream(name)
    try:
        at, rows = stream.read_sparse(row_limit=limits.MAX_ROWS, column_limit=limits.MAX_COLUMNS)
    except RowLimitExceededError as exc:
        if exc.columns:
            raise limits.too_many_columns(exc.count, name) from exc
        raise limits.too_many_rows(exc.count, name) from exc
    start(stream.merged)  # known only after the sheet's XML is read (<mergeCells> follows <sheetData>)
    for k in range(0, len(at), CHUNK_ROWS):
        emit({"at": at[k:k + CHUNK_ROWS], "rows": rows[k:k + CHUNK_ROWS]})
    return stream.merged


def xls_head(book: Any, name: str, max_rows: int) -> SheetData:
    """The first ``max_rows`` rows of an .xls sheet (from A1, as the header finder counts them).

    calamine has parsed every sheet of an .xls when the workbook opens (in Rust, ~1.4 s for
    5 × 65,000 rows); turning a whole sheet into Python objects costs as much again per sheet,
    so only the rows the header scan looks at are drawn, lazily, from ``iter_rows``.
    """
    sh = book.get_sheet_by_name(name)
    pad = [""] * (sh.start or (0, 0))[1]  # iter_rows starts at row 1 but at the first used column
    rows = [pad + row if pad else row for row in islice(sh.iter_rows(), max_rows)]
    return SheetData(name, _trim(rows), [(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])])


def _check_sheets(path: Path, names: list[str], sheet: str | None, available: Container[str]) -> None:
    """Refuse a workbook without a sheet, or a sheet asked for by name that it does not hold (.xlsx and .xls)."""
    if not names:
        raise ImportFileError(f"工作簿 {path.name} 中没有工作表", "请检查文件")
    if sheet and sheet not in available:
        raise ImportFileError(f"工作簿中没有名为“{sheet}”的工作表", "可选的工作表：" + "、".join(names))


def read_request(request: dict[str, Any], emit: Emit) -> dict[str, Any]:
    """The worker's job: send the chosen sheet of ``request["path"]`` back as rows; returns the rest of the answer.

    A head message (``{"head": True}`` with the sheet names, the sheet's name
    and its merged ranges) goes out through ``emit`` before the rows, then the
    rows in chunks as they are read; the returned dict (the head's contents
    again) is the final message.
    """
    path = Path(request["path"])
    fmt: str = request["format"]
    sheet: str | None = request.get("sheet")
    fields = request.get("fields")
    mode: str = request.get("mode", "auto")
    source: Any = str(path)
    if request.get("password") is not None:
        source = _decrypt(path, request["password"])
        fmt = "xlsx" if source.getvalue()[:4] == limits.ZIP_MAGIC else "xls"
    elif fmt == "xls" and _encrypted_xls(path):
        raise limits.PasswordRequiredError(path)
    if fmt == "xlsx":
        zf = limits.check_zip(source if not isinstance(source, str) else path)
        pkg = _Package(zf)
        names = pkg.sheet_names
        _check_sheets(path, names, sheet, pkg.members)
        if not sheet:
            if len(names) == 1:
                sheet = names[0]
            else:
                from desktop_app.excel.header import HEADER_SCAN_ROWS

                heads = []
                for n in names:
                    stream = pkg.stream(n)
                    rows = stream.read(max_rows=HEADER_SCAN_ROWS)
                    heads.append(SheetData(n, rows, merged_ranges(zf, pkg.members[n])))
                sheet = _choose(names, heads, fields)
        member = pkg.members[sheet]
        merged: list[Any] | None = None
        start = _starter(emit, names, sheet)
        if mode == "auto" and not limits.sparse_sheet(zf, member, sheet):
            import python_calamine as calamine

            if not isinstance(source, str):
                source.seek(0)
            book = calamine.CalamineWorkbook.from_filelike(source) if not isinstance(source, str) else \
                calamine.CalamineWorkbook.from_path(source)
            try:
                merged = _read_calamine(book, sheet, zf.getinfo(member).file_size, emit, start, fields)
            except _UseStreamError:
                merged = None
            finally:
                book.close()
        if merged is None:
            merged = _read_stream(pkg, sheet, emit, start)
        return {"sheets": names, "name": sheet, "merged": merged}
    import python_calamine as calamine

    book = calamine.CalamineWorkbook.from_filelike(source) if not isinstance(source, str) else \
        calamine.CalamineWorkbook.from_path(source)
    names = [m.name for m in book.sheets_metadata
             if str(m.typ).endswith("WorkSheet") and str(m.visible).endswith("Visible")] or list(book.sheet_names)
    _check_sheets(path, names, sheet, book.sheet_names)
    if not sheet:
        if len(names) == 1:
            sheet = names[0]
        else:
            from desktop_app.excel.header import HEADER_SCAN_ROWS

            sheet = _choose(names, [xls_head(book, n, HEADER_SCAN_ROWS) for n in names], fields)
    merged = _read_calamine(book, sheet, None, emit, _starter(emit, names, sheet), fields)
    return {"sheets": names, "name": sheet, "merged": merged}


def _starter(emit: Emit, names: list[str], sheet: str) -> Start:
    def start(merged: list[Any]) -> None:
        emit({"head": True, "sheets": names, "name": sheet, "merged": merged})

    return start


def translate(exc: BaseException, path: Path) -> ImportFileError:
    """An error from calamine or zipfile as the message a clerk sees."""
    text = str(exc).lower()
    if "password" in text or "encrypt" in text or "filepass" in text:
        return ImportFileError(f"{limits.ENCRYPTED}：{path.name}", limits.ENCRYPTED_ACTION)
    return ImportFileError(f"文件已损坏或结构异常，无法读取：{path.name}", "请在 WPS/Excel 中打开后另存为 .xlsx 再导入")
