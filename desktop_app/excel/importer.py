"""Preview and import of a sheet: find the header, map columns, read every row, report per-row errors.

``preview`` reads the file and never touches the database. ``run_import``
previews, and only when there is not a single error hands all rows to the
owning capability's service in one call (one transaction): all or nothing.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.errors import ImportFileError, ValidationError
from desktop_app.excel import header as hdr
from desktop_app.excel.kinds import get_kind
from desktop_app.excel.kinds.base import KindSpec, RowContext, RowErrors
from desktop_app.excel.sheet import SheetData
from desktop_app.excel.worker import WorkbookRead, read_workbook

#: title of the hidden id column of a round-trip sheet (see roundtrip.py)
ROUNDTRIP_ID_TITLE = "系统编号"


@dataclass
class RowError:
    """An error on one sheet row (``row`` 1-based as Excel numbers it; ``column`` the sheet's title)."""

    row: int
    column: str
    message: str

    def to_json(self) -> dict[str, Any]:
        """The contract form."""
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportPreview:
    """What a sheet would import as: the mapping, the rows and every row's errors."""

    kind: str
    file: str
    sheet: str
    sheets: list[str]
    header_row: int
    titles: list[str]
    mapping: dict[str, str | None]
    rows: list[dict[str, Any]]
    errors: list[RowError] = field(default_factory=list)
    year: int | None = None
    roundtrip: bool = False
    skipped: dict[str, int] = field(default_factory=dict)
    #: the sheet as read (a round trip's rows are read from it again; never part of the JSON)
    data: SheetData | None = field(default=None, repr=False, compare=False)
    #: the user's meaning for words the kind does not know: column title → {word in the sheet: chosen word}
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    #: words the kind does not know (and no one has mapped yet): column title → each word once, in sheet order
    unknown: dict[str, list[str]] = field(default_factory=dict)
    #: columns no field is mapped to whose text this kind cannot keep: column title → rows with text there
    not_imported: dict[str, int] = field(default_factory=dict)
    #: columns no field is mapped to whose text is kept: column title → rows with text there
    kept: dict[str, int] = field(default_factory=dict)
    #: where that text is kept (``KindSpec.extra_home``): "" = only in this report (``other_columns`` of a row)
    kept_in: str = ""

    def kept_note(self) -> str:
        """Which columns are kept where, for the preview (“联系人”、“备注”列的内容保留在 问题描述 …)."""
        if not self.kept:
            return ""
        columns = "、".join(f"“{t}”" for t in self.kept)
        if self.kept_in:
            return f"{columns}列的内容没有对应字段可存，将保留在{self.kept_in}（写作“列名：内容”）"
        label = get_kind(self.kind).label
        return (f"{columns}列的内容没有对应字段可存，{label}也没有可存放的字段：将列在导入报告中，"
                "可另存为“原表其他列”表（导入后保存，或命令行 --extra-out）")

    def to_json(self, imported: int = 0) -> dict[str, Any]:
        """The ``import-excel --json`` object of DESIGN.md §6."""
        return {"kind": self.kind, "file": self.file, "sheet": self.sheet, "header_row": self.header_row,
                "mapping": self.mapping, "rows": self.rows, "errors": [e.to_json() for e in self.errors],
                "imported": imported}


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the worker's rows are received.

    The worker's answer unpickles into a million small acyclic lists and strings;
    each collection pass walks all of those built so far: 0.2 of 0.7 s of CPU on a
    100k-row sheet (parsing the rows afterwards gains nothing measurable, so it runs
    with the collector on). Reference counting frees everything as usual.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _titles_key(titles: list[str]) -> str:
    return "|".join(hdr.normalise_title(t) for t in titles)


def read_sheet(path: Path | str, spec: KindSpec, sheet: str | None = None, password: str | None = None,
               progress: Callable[[int, int], None] | None = None) -> tuple[WorkbookRead, hdr.Header | None]:
    """Read the sheet (``sheet``, else the one whose header best fits ``spec``) in the worker; find its header."""
    wb = read_workbook(path, spec.fields, sheet, password=password, progress=progress)
    hdr.fill_merged(wb.data)
    return wb, hdr.find_header(wb.data, spec.fields)


def preview(
    path: Path | str,
    kind: str,
    sheet: str | None = None,
    mapping: dict[str, str | None] | None = None,
    year: int | None = None,
    remembered: Callable[[str, list[str]], dict[str, str | None] | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    password: str | None = None,
    values: dict[str, dict[str, str]] | None = None,
    remembered_values: Callable[[str, list[str]], dict[str, dict[str, str]] | None] | None = None,
) -> ImportPreview:
    """Read a workbook as ``kind`` without writing anything.

    The one path a file takes: ``limits.sniff`` (size, type, protection) → the
    worker opens it and reads the chosen sheet into plain rows → header and
    column mapping here → each row parsed by ``kinds/<kind>.py``.
    ``mapping`` (column title → field or None) overrides the automatic one;
    ``remembered(kind, titles)`` may return the mapping the office saved for the
    same headers; ``year`` is the campaign year, used when the sheet names none;
    ``progress(done, total)`` is called while reading (it may raise to cancel);
    ``values`` (column title → {word: chosen word}) says what words the kind does
    not know mean (``--map 整改状态:待研究=推进中``); words still unknown are listed
    in ``unknown`` (each once) as well as being row errors.
    """
    spec = get_kind(kind)
    path = Path(path)
    sink = _PreviewSink(kind, spec, path, mapping, year, remembered, values, remembered_values, progress)
    # the rows are parsed as they arrive, while the worker converts and sends the next ones
    with collector_paused():
        wb = read_workbook(path, spec.fields, sheet, password=password, progress=progress, sink=sink)
    out = sink.out
    assert out is not None  # the sink's last call (final) always builds it or raises
    out.sheets = wb.sheets
    return out


class _PreviewSink:
    """``preview`` fed by the worker: the header from the first rows, then every row parsed as it arrives."""

    def __init__(self, kind: str, spec: KindSpec, path: Path, mapping: dict[str, str | None] | None, year: int | None,
                 remembered: Callable[[str, list[str]], dict[str, str | None] | None] | None,
                 values: dict[str, dict[str, str]] | None,
                 remembered_values: Callable[[str, list[str]], dict[str, dict[str, str]] | None] | None,
                 progress: Callable[[int, int], None] | None) -> None:
        self.kind, self.spec, self.path, self.mapping, self.year = kind, spec, path, mapping, year
        self.remembered, self.values, self.remembered_values, self.progress = remembered, values, remembered_values, progress
        self.data = SheetData("", [])
        self.filled = 0  # rows whose merged cells are filled in
        self.merge_values: dict[int, Any] = {}  # each merged range's value, from its top-left cell
        self.out: ImportPreview | None = None
        self.rows: RowReader | None = None

    def begin(self, data: SheetData) -> None:
        self.data, self.filled, self.out, self.rows, self.merge_values = data, 0, None, None, {}

    def rows_arrived(self, count: int, final: bool) -> None:
        hdr.fill_merged(self.data, self.filled, count, self.merge_values)
        self.filled = max(self.filled, count)
        if self.out is None:
            if count < hdr.HEADER_SCAN_ROWS and not final:
                return  # the header is looked for in the first 30 rows: wait for them
            self.rows = self._start()
        if self.rows is not None:
            # while rows arrive the worker's loop reports progress (rows read); afterwards, rows checked
            self.rows.feed(count, self.progress if final else None)
            if final:
                self.rows.finish()

    def _start(self) -> RowReader | None:
        """Find the header and the column mapping; the reader of the rows below (None for a round trip)."""
        spec, data, kind, values = self.spec, self.data, self.kind, self.values
        found = hdr.find_header(data, spec.fields)
        if found is None:
            raise ImportFileError(
                f"在工作表“{data.name}”中没有找到{spec.label}的表头",
                "表头应包含" + "、".join(f.label for f in spec.fields[:4]) + " 等列；如数据在其他工作表，请选择该工作表")
        titles = found.titles
        if self.remembered_values is not None:  # what the office said before, under what the user says now
            merged = {t: dict(m) for t, m in (self.remembered_values(kind, titles) or {}).items()}
            for t, m in (values or {}).items():
                merged.setdefault(t, {}).update(m)
            values = merged
        if self.mapping is None and self.remembered is not None:
            try:
                col_field = resolve_mapping(titles, spec, self.remembered(kind, titles))
            except ValidationError:  # a mapping saved by an older version: start afresh
                col_field = resolve_mapping(titles, spec, None)
        else:
            col_field = resolve_mapping(titles, spec, self.mapping)
        check_values(values or {}, titles, spec, col_field)
        out = self.out = ImportPreview(
            kind=kind, file=str(self.path), sheet=data.name, sheets=[], header_row=found.top_row + 1, titles=titles,
            mapping={t: col_field.get(c) for c, t in enumerate(titles)}, rows=[], year=found.year or self.year,
            roundtrip=ROUNDTRIP_ID_TITLE in titles, data=data,
            values={t: dict(m) for t, m in (values or {}).items() if t in titles and m})
        if out.roundtrip:
            return None  # the round-trip reader (roundtrip.py) reads such sheets itself
        for f in spec.fields:
            if f.required and f.key not in col_field.values():
                out.errors.append(RowError(out.header_row, "", f"没有找到“{f.label}”列，请在列对应关系中指定哪一列是“{f.label}”"))
        return RowReader(data, found, spec, col_field, out)


def check_values(values: dict[str, dict[str, str]], titles: list[str], spec: KindSpec,
                 col_field: dict[int, str]) -> None:
    """Refuse a word meaning for a column that takes no such words, or a meaning the kind does not read."""
    field_of = {titles[c]: key for c, key in col_field.items()}
    columns = "、".join(t for t, key in field_of.items() if key in spec.choices) or "（无）"
    for title, words in values.items():
        key = field_of.get(title)
        if key not in spec.choices:
            raise ValidationError(f"“{title}”不是需要指定词义的列", f"可指定词义的列：{columns}")
        for word, chosen in words.items():
            if spec.known is not None and not spec.known(key, chosen):
                raise ValidationError(f"“{title}”列中“{word}”指定的取值“{chosen}”无效",
                                      "可选：" + "、".join(spec.choices[key]))


def resolve_mapping(titles: list[str], spec: KindSpec, mapping: dict[str, str | None] | None) -> dict[int, str]:
    """Column index -> field key: the automatic match, or the user's ``mapping`` (title -> key) checked."""
    if mapping is None:
        return hdr.auto_mapping(titles, spec.fields)
    keys = {f.key for f in spec.fields}
    out: dict[int, str] = {}
    used: dict[str, str] = {}
    for c, t in enumerate(titles):
        key = mapping.get(t)
        if not key:
            continue
        if key not in keys:
            raise ValidationError(f"列“{t}”对应的字段“{key}”不存在", "请重新选择该列对应的字段")
        if key in used:
            raise ValidationError(f"列“{used[key]}”和“{t}”都对应“{spec.label_of(key)}”", "每个字段只能对应一列")
        used[key] = t
        out[c] = key
    return out


_SERIAL = re.compile(r"^(序号|序|编号|No\.?|NO\.?|行号|（第[A-Z]+列）)$")


def read_rows(data: SheetData, found: hdr.Header, spec: KindSpec, col_field: dict[int, str], out: ImportPreview,
              progress: Callable[[int, int], None] | None = None) -> None:
    """Parse every row below the header into ``out`` (rows, errors, skipped rows, unknown words, kept text)."""
    reader = RowReader(data, found, spec, col_field, out)
    reader.feed(len(data.rows), progress)
    reader.finish()


class RowReader:
    """Parses a sheet's rows into an ImportPreview, a stretch at a time (rows may still be arriving)."""

    def __init__(self, data: SheetData, found: hdr.Header, spec: KindSpec, col_field: dict[int, str],
                 out: ImportPreview) -> None:
        self.data, self.found, self.spec, self.out = data, found, spec, out
        self.span_rows = {r1 for r1, c1, r2, c2 in data.merged if r1 == r2 and c2 - c1 >= 2}
        self.ctx = RowContext(year=out.year)
        self.cols = sorted(col_field.items())
        self.title_of = {key: found.titles[c] for c, key in col_field.items()}
        # fields with a vocabulary: the user's word maps first, then words still unknown are collected
        # (``known`` is asked once per field and word: a sheet repeats a handful of status words 100k times)
        self.vocab = [(key, self.title_of[key], out.values.get(self.title_of[key], {}), {"": True})
                      for key in spec.choices if key in self.title_of]
        self.unknown: dict[str, dict[str, None]] = {}
        # columns no field is mapped to (a running number aside): their text stays with the row
        unmapped = [(c, t) for c, t in enumerate(found.titles)
                    if c not in col_field and not _SERIAL.match(hdr.normalise_title(t))]
        # fields read that the owner cannot store (the ledger's 备注) are kept like an unmapped column
        unwritten = [(c, found.titles[c]) for c, key in self.cols if key in spec.unwritten]
        computed = [(c, t) for c, t in unmapped if hdr.normalise_title(t) in spec.derived]
        self.extra_cols = sorted(set(unmapped + unwritten) - set(computed)) if spec.keeps_extra else []
        # a kind that cannot keep them says which columns' text stays behind (never silently)
        self.lost_cols = computed if spec.keeps_extra else unmapped + unwritten
        self.lost: dict[str, int] = {}
        self.kept: dict[str, int] = {}
        self.skipped: dict[str, int] = {}
        self.empty = 0  # rows with no cell at all (a stray cell far below leaves a million of them)
        # the worker's kinds of the rows, when it classified them under this very header (reader.RowKinds)
        same = data.kinds_header is not None and data.kinds_header == (found.data_start, found.titles)
        self.kinds = data.kinds if same else None
        self.next = found.data_start  # the first row not parsed yet

    def feed(self, stop: int, progress: Callable[[int, int], None] | None = None) -> None:
        """Parse rows up to (not including) ``stop``; ``progress(row, rows there)`` every 2000 rows."""
        rows, out, ctx, skipped = self.data.rows, self.out, self.ctx, self.skipped
        title_of, vocab, known, parse = self.title_of, self.vocab, self.spec.known, self.spec.parse_row
        unknown, extra_cols, lost_cols, lost, kept = self.unknown, self.extra_cols, self.lost_cols, self.lost, self.kept
        span_rows, cols = self.span_rows, self.cols
        # a row reaching every mapped column gives its cells in one C-level call (the common case)
        keys = [key for _c, key in cols]
        reach = cols[-1][0] + 1 if cols else 0
        pick = operator.itemgetter(*[c for c, _key in cols]) if len(cols) >= 2 else None
        classify, titles, data_kind, kinds = hdr.classify, self.found.titles, hdr.ROW_DATA, self.kinds
        append = out.rows.append
        start = self.next
        if stop <= start:
            return
        # rows with no cell at all are skipped in C (a stray cell far below leaves a million of them)
        present = list(itertools.compress(range(start, stop), rows[start:stop]))
        self.empty += stop - start - len(present)
        self.next = stop
        errors = RowErrors()  # one for the stretch: emptied after a row that had errors
        blank = hdr.ROW_BLANK
        for n, i in enumerate(present):
            if progress is not None and n % 2000 == 0:
                progress(i, len(rows))
            row = rows[i]
            what = kinds.get(i, data_kind) if kinds is not None else classify(row, titles, i in span_rows)
            if what is not data_kind:
                if what == hdr.ROW_SECTION:
                    ctx.section = hdr.section_title(hdr.cell_text(next(v for v in row if not hdr.is_empty(v))))
                skipped[what] = skipped.get(what, 0) + 1
                continue
            width = len(row)
            if pick is not None and width >= reach:
                cells = dict(zip(keys, pick(row), strict=True))
            else:
                cells = {key: (row[c] if c < width else None) for c, key in cols}
            for v in cells.values():  # a row whose mapped cells are all empty is blank (the first one usually says)
                if v is not None and (type(v) is not str or v.strip()):
                    break
            else:
                skipped[blank] = skipped.get(blank, 0) + 1
                continue
            for key, title, chosen, asked in vocab:
                word = cells[key]
                word = word.strip() if type(word) is str else hdr.cell_text(word)
                if word in chosen:
                    cells[key] = word = chosen[word]
                ok = asked.get(word)
                if ok is None:
                    ok = asked[word] = known is None or known(key, word)
                if not ok:
                    unknown.setdefault(title, {})[word] = None
            if extra_cols:
                extra = ctx.extra = {}
                for c, t in extra_cols:
                    v = row[c] if c < width else None
                    if type(v) is str:  # the common case inline: this runs for every row and kept column
                        v = v.strip()
                        if not v:
                            continue
                    elif v is None:
                        continue
                    else:
                        v = hdr.cell_text(v)
                    extra[t] = v
                    kept[t] = kept.get(t, 0) + 1
            for c, t in lost_cols:
                if c < width:
                    v = row[c]
                    if v is not None and (type(v) is not str or v.strip()):
                        lost[t] = lost.get(t, 0) + 1
            parsed = parse(cells, ctx, errors)
            parsed["row"] = i + 1
            append(parsed)
            if errors.items:
                for key, message in errors.items:
                    out.errors.append(RowError(i + 1, title_of.get(key, self.spec.label_of(key)), message))
                errors.items = []

    def finish(self) -> None:
        """Every row is parsed: say what was skipped, unknown, kept and not imported."""
        out = self.out
        skipped = self.skipped
        if self.empty:  # blank rows first (a key keeps its place when its value is replaced)
            skipped = {hdr.ROW_BLANK: 0, **skipped}
            skipped[hdr.ROW_BLANK] += self.empty
        out.skipped = skipped
        out.unknown = {title: list(words) for title, words in self.unknown.items()}
        out.not_imported = self.lost
        out.kept = self.kept
        out.kept_in = self.spec.extra_home if self.kept else ""
        if not out.rows and not out.errors:
            out.errors.append(RowError(self.found.data_start + 1, "", "表头下面没有可导入的数据行"))
