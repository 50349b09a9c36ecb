"""The worker tells data rows from the rest (issue #20, speed): the app then parses data rows only.

``reader.RowKinds`` finds the header in the worker exactly as the app does and
classifies the rows below it while they are read; the app uses those kinds
only under the same header. Nothing may change: the preview is the one-pass
preview of the same sheet, and a worker naming kinds that make no sense is a
damaged answer, never a wrong import.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_app.excel import header as hdr
from desktop_app.excel import importer, reader, worker
from desktop_app.excel.kinds import get_kind
from desktop_app.excel.reader import RowKinds
from desktop_app.excel.sheet import SheetData
from tests.helpers.excel_ledger import facts, ledger_sheet, one_pass

FIELDS = get_kind("ledger").fields


def _rich() -> SheetData:
    """The streamed-parse test's ledger, and a row of spaces at its end."""
    sheet = ledger_sheet()
    sheet.rows.append([" ", "\u3000"])
    return sheet


def _kinds_in_stretches(source: SheetData, step: int) -> tuple[list[list[Any]], dict[int, str], Any]:
    kinds = RowKinds(FIELDS, source.merged)
    rows: list[list[Any]] = []
    found: dict[int, str] = {}
    header = None
    for k in range(0, len(source.rows), step):
        message = kinds.message(copy.deepcopy(source.rows[k:k + step]), k + step >= len(source.rows))
        header = message.get("kinds_header", header)
        rows.extend(message["rows"])
        found.update({i: what for i, what in message.get("kinds", [])})
    return rows, found, header


@pytest.mark.parametrize("step", [30, 31, 47, 2000])
def test_the_workers_kinds_are_the_apps_own(step: int) -> None:
    """Stretch by stretch (merged ranges crossing their edges) the kinds and filled rows are those of one pass."""
    rows, kinds, header = _kinds_in_stretches(_rich(), step)
    whole = _rich()
    hdr.fill_merged(whole)
    found = hdr.find_header(whole, FIELDS)
    assert found is not None and header == [found.data_start, found.titles]
    assert rows == whole.rows
    span = {r1 for r1, c1, r2, c2 in whole.merged if r1 == r2 and c2 - c1 >= 2}
    expected = {i: what for i in range(found.data_start, len(whole.rows)) if whole.rows[i]
                for what in [hdr.classify(whole.rows[i], found.titles, i in span)] if what != hdr.ROW_DATA}
    assert kinds == expected
    assert set(expected.values()) >= {hdr.ROW_SECTION, hdr.ROW_TOTAL, hdr.ROW_SIGNATURE, hdr.ROW_BLANK}


def test_no_kinds_without_a_header_in_the_first_rows() -> None:
    kinds = RowKinds(FIELDS, [])
    assert "kinds" not in kinds.message([["只有一行字"]] * 40, False)
    assert "kinds" not in kinds.message([["问题描述", "整改措施", "责任单位"], [1, 2, 3]], False)  # off for good
    short = RowKinds(FIELDS, [])
    assert "kinds" not in short.message([["问题描述", "整改措施", "责任单位"], [1, 2, 3]], False)  # < 30 rows, more to come
    assert RowKinds(FIELDS, []).message([["问题描述", "整改措施", "责任单位"], ["a", "b", "c"]], True)["kinds"] == []


def _write(source: SheetData, path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = source.name
    for row in source.rows:
        ws.append(row)
    done: list[tuple[int, int, int, int]] = []
    for r1, c1, r2, c2 in source.merged:  # a range overlapping an earlier one (a damaged file's) is left out
        if all(r1 > b2 or r2 < b1 or c1 > d2 or c2 < d1 for b1, d1, b2, d2 in done):
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
            done.append((r1, c1, r2, c2))
    wb.save(path)
    return path


def _long() -> SheetData:
    """The rich ledger and more rows than one chunk of the worker's below it (sections among them)."""
    sheet = _rich()
    for n in range(reader.CHUNK_ROWS + 150):
        if n % 700 == 0:
            sheet.merged.append((len(sheet.rows), 0, len(sheet.rows), 8))
            sheet.rows.append([f"{'三四五六'[n // 700]}、乡村治理方面"] + [""] * 8)
        sheet.rows.append([n + 1, f"问题{n}：村规民约修订后宣传不够", "组织专题培训", "嘎洒镇", "李喆",
                           dt.date(2026, 9, 30), ("推进中", "待研究")[n % 2], "", ""])
    return sheet


def test_a_sheet_of_one_chunk_is_classified_by_the_app(tmp_path: Path) -> None:
    """The worker needs no header module for it (a small import's fixed cost)."""
    path = _write(_rich(), tmp_path / "台账.xlsx")
    assert worker.read_workbook(path, FIELDS).data.kinds_header is None
    assert worker.read_workbook(_write(_long(), tmp_path / "长.xlsx"), FIELDS).data.kinds_header is not None


def test_the_app_parses_with_the_workers_kinds_and_gets_the_one_pass_preview(tmp_path: Path, monkeypatch) -> None:
    path = _write(_long(), tmp_path / "台账.xlsx")
    values = {"整改状态": {"待研究": "推进中"}}
    read = worker.read_workbook(path, FIELDS).data
    assert read.kinds_header is not None
    read.kinds_header = None  # read whole, classified here
    whole = one_pass(read, values)
    assert whole.skipped.get(hdr.ROW_SECTION) and whole.skipped.get(hdr.ROW_SIGNATURE)

    def not_here(*_args: Any) -> str:
        raise AssertionError("the app classified a row the worker had classified")

    monkeypatch.setattr(hdr, "classify", not_here)
    pv = importer.preview(path, "ledger", year=2025, values=values)
    assert pv.data is not None and pv.data.kinds_header is not None
    assert facts(pv)[1:] == facts(whole)[1:]


def _answer(*messages: dict[str, Any]) -> io.BytesIO:
    out = io.BytesIO()
    emit = worker._emitter(out)  # as the worker writes them: one pickle each, no memo
    for m in messages:
        emit(m)
    out.seek(0)
    return out


HEAD = {"head": True, "sheets": ["表"], "name": "表", "merged": []}
FIRST = {"rows": [["问题描述", "整改措施"], ["a", "b"], ["填表人：王赟"]], "kinds_header": [1, ["问题描述", "整改措施"]]}


@pytest.mark.parametrize("kinds", [
    [[2, "signature"]],
])
def test_sensible_kinds_are_kept(kinds: list[Any]) -> None:
    got = worker._Reception()
    got.receive(_answer(HEAD, {**FIRST, "kinds": kinds}, {"sheets": ["表"], "name": "表", "merged": []}))
    assert got.final and got.head[0].kinds == {2: hdr.ROW_SIGNATURE} and got.head[0].kinds[2] is hdr.ROW_SIGNATURE
    assert got.head[0].kinds_header == (1, ["问题描述", "整改措施"]) and len(got.rows) == 3


@pytest.mark.parametrize("message", [
    {**FIRST, "kinds": [[3, "signature"]]},  # a row not in this chunk
    {**FIRST, "kinds": [[2, "os.system"]]},  # not a kind
    {**FIRST, "kinds": [[2, hdr.ROW_BLANK, 1]]},
    {**FIRST, "kinds": "signature"},
    {"rows": FIRST["rows"], "kinds": []},  # kinds with no header to be read under
    {**FIRST, "kinds_header": [1, [1, 2]], "kinds": []},
])
def test_kinds_that_make_no_sense_are_a_damaged_answer(message: dict[str, Any]) -> None:
    got = worker._Reception()
    got.receive(_answer(HEAD, message, {"sheets": ["表"], "name": "表", "merged": []}))
    assert not got.final and got.rows == []


def test_dates_travel_as_day_numbers_and_come_back_as_dates() -> None:
    when, moment = dt.date(2026, 6, 30), dt.datetime(2026, 6, 30, 9, 30)
    rows = [["问题", when, moment, 3.0], ["问题", "2026年底前", when, ""], ["", "", "", ""]]
    message = reader.dates_as_numbers({"rows": copy.deepcopy(rows)})
    assert message["dates"] == [0, 1, 1, 2] and message["rows"][0][1] == when.toordinal()
    assert type(message["rows"][0][2]) is dt.datetime  # only plain dates
    got = worker._Reception()
    got.receive(_answer(HEAD, message, {"sheets": ["表"], "name": "表", "merged": []}))
    assert got.final and got.rows == rows and type(got.rows[0][1]) is dt.date
    ragged = {"rows": [["问题", when], ["问题"]]}
    assert "dates" not in reader.dates_as_numbers(ragged) and ragged["rows"][0][1] is when  # sent as they are


@pytest.mark.parametrize("places", [
    [0, 1, 1],  # odd
    [0, -1],  # a negative place
    [5, 0],  # no such row
    [0, 9],  # no such column
    [0, 0],  # a text there, not a day number
    [0, 2],  # a day number out of range
    [0, "1"],
    "0,1",
    None,  # below: the same chunk sent with row indices, which never comes with day numbers
])
def test_date_places_that_make_no_sense_are_a_damaged_answer(places: Any) -> None:
    got = worker._Reception()
    chunk = {"rows": [["问题", 739000, 10 ** 9]], "dates": places if places is not None else [0, 1]}
    if places is None:
        chunk["at"] = [0]
    got.receive(_answer(HEAD, chunk, {"sheets": ["表"], "name": "表", "merged": []}))
    assert not got.final and got.rows == []


def test_a_sheets_dates_are_dates_after_the_worker(tmp_path: Path) -> None:
    path = tmp_path / "日期.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["问题描述", "责任单位", "完成时限", "填报时间"])
    for k in range(5):
        ws.append([f"问题{k}", "嘎洒镇", dt.date(2026, 1, 1) + dt.timedelta(days=k), dt.datetime(2026, 3, 1, 8, k)])
    wb.save(path)
    rows = worker.read_workbook(path, FIELDS).data.rows
    assert [r[2] for r in rows[1:]] == [dt.date(2026, 1, 1) + dt.timedelta(days=k) for k in range(5)]
    assert all(type(r[2]) is dt.date and type(r[3]) is dt.datetime for r in rows[1:])


def _classify_before(row: list[Any], header_titles: list[str], section_span: bool) -> str:
    """header.classify before the shortcut for rows starting with a number, a date or 是/否 (the rule itself)."""
    values = [v for v in row if v != "" and v is not None]
    if values and type(values[0]) is str and not values[0].strip():
        values = [v for v in values if not hdr.is_empty(v)]
    if not values:
        return hdr.ROW_BLANK
    v0 = values[0]
    first = v0.strip() if type(v0) is str else hdr.cell_text(v0)
    few = len(values) <= 4
    same = values.count(v0) == len(values)
    distinct = 1 if same else (len({hdr.cell_text(v) for v in values}) if few else len(values))
    if hdr._SIGNATURE.match(first) or (distinct == 1 and ("填表人" in first or "审核人" in first)):
        return hdr.ROW_SIGNATURE
    if few and distinct <= 3 and hdr._TOTAL.match(first):
        return hdr.ROW_TOTAL
    if distinct == 1 and isinstance(v0, str) and (
            hdr._SECTION_PREFIX.match(first) or first.endswith(("方面", "类问题")) or section_span):
        return hdr.ROW_SECTION
    if (len(values) >= 2 and header_titles and first == header_titles[0]
            and [hdr._SPACE.sub("", hdr.cell_text(v)) for v in row[: len(header_titles)]] == list(header_titles)):
        return hdr.ROW_HEADER
    return hdr.ROW_DATA


def test_the_shortcut_for_rows_starting_with_a_number_keeps_the_rule() -> None:
    firsts: list[Any] = [3.0, 1.0, 7, 2.5, -1.0, 1e20, float("nan"), True, False, dt.date(2026, 1, 2),
                         dt.datetime(2026, 1, 2, 8, 30), dt.time(9, 0), dt.timedelta(days=1), "一、基层党建方面", "填表人：王赟",
                         "合计", "  ", "", None, "1", "序号", "问题"]
    rests: list[list[Any]] = [[], ["合计"], ["填表人：王赟", "审核人：李喆"], ["一、基层党建方面"] * 3, ["问题", "措施", "镇"],
                              ["", None, "  "], ["问题描述", "整改措施"], [3.0, 3.0, 3.0]]
    titled = [["序号", "问题描述", "整改措施"], ["1", "问题描述", "整改措施"], ["2026-01-02", "问题描述", "整改措施"],
              ["是", "问题描述", "整改措施"], []]
    seen = set()
    for first in firsts:
        for rest in rests:
            for titles in titled:
                for span in (False, True):
                    row = [first, *rest]
                    assert hdr.classify(row, titles, span) == _classify_before(row, titles, span), (row, titles, span)
                    seen.add(_classify_before(row, titles, span))
    assert seen == {hdr.ROW_DATA, hdr.ROW_BLANK, hdr.ROW_SECTION, hdr.ROW_SIGNATURE, hdr.ROW_TOTAL, hdr.ROW_HEADER}
