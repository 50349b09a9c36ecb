"""Rows parsed as they arrive from the worker (issue #20, speed): the same preview as parsing the whole sheet.

The import parses each chunk while the worker converts and sends the next one
(``importer._PreviewSink`` fed by ``worker.read_workbook``). Parsing in
stretches must not change a thing: merged cells crossing a stretch's edge,
section rows, blank rows, a header found from the first 30 rows, the order of
the skipped-row counts.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import sys
from pathlib import Path

import openpyxl
import pytest

from desktop_app.core.errors import ImportFileError
from desktop_app.excel import importer, worker
from desktop_app.excel.kinds import get_kind
from desktop_app.excel.sheet import SheetData
from tests.helpers.excel_ledger import TITLES, facts, ledger_sheet, one_pass


@pytest.mark.parametrize("step", [1, 7, 29, 30, 31, 2000])
def test_rows_parsed_in_stretches_give_the_one_pass_preview(step: int) -> None:
    values = {"整改状态": {"待研究": "推进中"}}
    whole = one_pass(copy.deepcopy(ledger_sheet()), values)
    assert len(whole.rows) > 40 and whole.skipped and whole.kept and whole.errors  # the sheet exercises it all
    source = ledger_sheet()
    sink = importer._PreviewSink("ledger", get_kind("ledger"), Path("x.xlsx"), None, 2025, None, values, None, None)
    arriving = SheetData(source.name, [], source.merged)
    sink.begin(arriving)
    for k in range(0, len(source.rows), step):
        arriving.rows.extend(copy.deepcopy(source.rows[k:k + step]))
        sink.rows_arrived(len(arriving.rows), False)
    sink.rows_arrived(len(arriving.rows), True)
    assert sink.out is not None
    assert facts(sink.out) == facts(whole)


def test_a_second_reading_starts_afresh() -> None:
    """When the worker dies and the sheet is read again (the streaming reader), nothing of the first stays."""
    source = ledger_sheet()
    sink = importer._PreviewSink("ledger", get_kind("ledger"), Path("x.xlsx"), None, 2025, None, None, None, None)
    first = SheetData(source.name, copy.deepcopy(source.rows[:60]), source.merged)
    sink.begin(first)
    sink.rows_arrived(60, False)
    assert sink.out is not None and sink.out.rows
    again = SheetData(source.name, copy.deepcopy(source.rows), source.merged)
    sink.begin(again)
    sink.rows_arrived(len(again.rows), True)
    assert facts(sink.out) == facts(one_pass(copy.deepcopy(source), {}))


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, bool]] = []
        self.data: SheetData | None = None

    def begin(self, data: SheetData) -> None:
        self.data = data
        self.calls.append(("begin", len(data.rows), False))

    def rows_arrived(self, count: int, final: bool) -> None:
        assert self.data is not None and count <= len(self.data.rows)
        self.calls.append(("rows", count, final))


def _big_ledger(path: Path, n: int) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("问题台账")
    ws.append(["2026年问题整改台账"])
    ws.append(TITLES)
    for i in range(n):
        ws.append([i + 1, f"问题{i}：学习内容针对性不强", "每月调度一次整改进展", "嘎洒镇", "李喆", dt.date(2026, 9, 30),
                   "推进中", "", ""])
    wb.save(path)
    return path


def test_the_worker_says_which_sheet_first_and_the_sink_sees_every_row(tmp_path: Path) -> None:
    path = _big_ledger(tmp_path / "台账.xlsx", 3 * worker.SINK_STEP + 5)
    sink = _Recorder()
    wb = worker.read_workbook(path, get_kind("ledger").fields, sink=sink)
    assert sink.calls[0][0] == "begin" and sink.data is wb.data
    assert [c for c in sink.calls if c[0] == "begin"] == [sink.calls[0]]
    counts = [c[1] for c in sink.calls[1:]]
    assert counts == sorted(counts) and sink.calls[-1] == ("rows", len(wb.data.rows), True)
    assert all(not final for _, _, final in sink.calls[1:-1])
    assert len(wb.data.rows) == 3 * worker.SINK_STEP + 7


def test_the_preview_is_the_whole_sheets(tmp_path: Path) -> None:
    """preview (rows parsed as they arrive) = the sheet read whole, then parsed in one pass."""
    path = _big_ledger(tmp_path / "台账.xlsx", 2 * worker.SINK_STEP + 11)
    pv = importer.preview(path, "ledger", year=2026)
    read = worker.read_workbook(path, get_kind("ledger").fields)
    whole = one_pass(read.data, {})
    assert pv.errors == [] and len(pv.rows) == 2 * worker.SINK_STEP + 11
    assert facts(pv)[1:] == facts(whole)[1:] and pv.sheet == "问题台账" and pv.sheets == ["问题台账"]


def test_an_error_while_parsing_stops_the_worker(tmp_path: Path) -> None:
    """A sink that raises (取消 while parsing, or a header not found) stops the reading; the error comes out."""
    path = _big_ledger(tmp_path / "台账.xlsx", 3 * worker.SINK_STEP)

    class CancelledError(Exception):
        pass

    class Stop(_Recorder):
        def rows_arrived(self, count: int, final: bool) -> None:
            raise CancelledError

    with pytest.raises(CancelledError):
        worker.read_workbook(path, get_kind("ledger").fields, sink=Stop())
    bad = tmp_path / "无表头.xlsx"
    openpyxl.Workbook().save(bad)
    with pytest.raises(ImportFileError, match="没有找到问题台账的表头"):
        importer.preview(bad, "ledger", year=2026)


def test_the_worker_runs_the_apps_own_code_whatever_the_working_folder(tmp_path: Path, monkeypatch) -> None:
    """``python -m`` puts the working folder first on sys.path: another checkout's desktop_app there is not run."""
    fake = tmp_path / "desktop_app"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise SystemExit(3)\n", encoding="utf-8")
    path = _big_ledger(tmp_path / "台账.xlsx", 5)
    monkeypatch.chdir(tmp_path)
    worker.discard_spare()  # a worker started earlier, elsewhere, would not show it
    assert len(worker.read_workbook(path, get_kind("ledger").fields).data.rows) == 7


def test_the_kind_is_asked_once_per_word(monkeypatch) -> None:
    """A sheet repeats a few status words 100k times: ``known`` is asked once per word, the unknown ones still listed."""
    spec = get_kind("ledger")
    asked: list[tuple[str, str]] = []

    def known(key: str, word: str) -> bool:
        asked.append((key, word))
        assert spec.known is not None
        return spec.known(key, word)

    monkeypatch.setattr(importer, "get_kind", lambda _kind: dataclasses.replace(spec, known=known))
    whole = one_pass(copy.deepcopy(ledger_sheet()), {})
    sink = importer._PreviewSink("ledger", importer.get_kind("ledger"), Path("x.xlsx"), None, 2025, None, None, None, None)
    source = ledger_sheet()
    sink.begin(source)
    sink.rows_arrived(len(source.rows), True)
    assert sink.out is not None and facts(sink.out) == facts(whole)
    assert sink.out.unknown == {"整改状态": ["待研究"]}
    assert sorted(asked) == sorted({("status", "推进中"), ("status", "已完成"), ("status", "待研究")})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are set on Linux only")
def test_the_answers_pipe_is_widened() -> None:
    """80 MB of rows go through 1 MB steps, not 64 KB ones (fewer wake-ups of both processes)."""
    import fcntl

    proc = worker._spawn()
    try:
        assert proc.stdout is not None
        assert fcntl.fcntl(proc.stdout.fileno(), 1032) >= 1 << 20  # F_GETPIPE_SZ
    finally:
        proc.kill()
        proc.wait()
        worker._close(proc)
