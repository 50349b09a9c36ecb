"""The regression corpus (tests/fixtures/hostile, made by make_hostile.py): every file opens or is refused calmly.

Damaged zips, a deflate64 member, the zip encryption flag, an unknown XML
encoding, .xls files that abort calamine, a stray cell far away, WPS's styled
empty cells to XEA: each ends in the rows it holds or one Chinese message
naming the file — quickly, with the database unchanged and this process alive.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop_app.core.errors import ImportFileError
from desktop_app.excel import worker
from desktop_app.excel.importer import preview
from desktop_app.excel.service import import_file
from tests.helpers.excel_sheets import counts

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
EXPECTED: dict[str, str] = json.loads((HOSTILE / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(ctx, name: str) -> None:
    path = HOSTILE / name
    before = counts(ctx.db)
    t0 = time.perf_counter()
    if EXPECTED[name] == "ok":
        out = import_file(ctx.db, ctx.actor, path, "ledger")
        assert out.preview.errors == []
        assert out.imported == 2
        assert out.preview.titles == ["问题描述", "整改措施", "责任单位", "责任人", "完成时限"]  # no column per styled or stray cell
        assert counts(ctx.db)[0] == before[0] + 2
    else:
        with pytest.raises(ImportFileError) as exc:
            import_file(ctx.db, ctx.actor, path, "ledger")
        assert EXPECTED[name] in str(exc.value)
        assert path.name in str(exc.value)  # names the file
        assert "请在 WPS/Excel 中打开后另存为 .xlsx 再导入" in str(exc.value)
        assert counts(ctx.db) == before
    # a 2 KB file resolves in under 2 s (the bound is wider here: the test machine is shared)
    assert time.perf_counter() - t0 < 4


def test_corpus_is_what_the_generator_makes(tmp_path: Path) -> None:
    """The committed files are what make_hostile.py makes, byte for byte."""
    import subprocess

    subprocess.run([sys.executable, str(HOSTILE / "make_hostile.py"), str(tmp_path)], check=True)
    assert json.loads((tmp_path / "expected.json").read_text(encoding="utf-8")) == EXPECTED
    for name in EXPECTED:
        assert (tmp_path / name).read_bytes() == (HOSTILE / name).read_bytes(), name


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_named_pipe_is_refused_without_opening_it(ctx, tmp_path: Path) -> None:
    fifo = tmp_path / "x.xlsx"
    os.mkfifo(fifo)
    result: list[BaseException] = []
    t = threading.Thread(target=lambda: result.append(_refusal(ctx, fifo)), daemon=True)
    t.start()
    t.join(5)
    assert not t.is_alive(), "importing a named pipe hung"
    assert isinstance(result[0], ImportFileError) and "不是普通文件" in str(result[0])


def _refusal(ctx, path: Path) -> BaseException:
    try:
        import_file(ctx.db, ctx.actor, path, "ledger")
    except BaseException as exc:  # noqa: BLE001 — handed to the test thread
        return exc
    raise AssertionError("not refused")


def test_time_limit_stops_the_worker(monkeypatch) -> None:
    monkeypatch.setattr(worker, "TIME_LIMIT_S", 0.0)
    with pytest.raises(ImportFileError) as exc:
        preview(HOSTILE / "wps_styled_to_xea.xlsx", "ledger")
    assert "读取超过" in str(exc.value) and "wps_styled_to_xea.xlsx" in str(exc.value)


def test_cancel_stops_the_worker() -> None:
    class CancelledError(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        raise CancelledError()

    with pytest.raises(CancelledError):
        preview(HOSTILE / "far_cell_zz200000.xlsx", "ledger", progress=cancel)


def test_worker_turns_a_base_exception_into_an_answer(monkeypatch, capsysbinary) -> None:
    """calamine's PanicException derives from BaseException: the worker still answers (never a traceback)."""
    from desktop_app.excel import reader

    class PanicException(BaseException):  # what pyo3 raises when Rust panics
        pass

    collecting: list[bool] = []

    def panic(request: dict, emit: object) -> dict:
        collecting.append(gc.isenabled())
        raise PanicException("index out of bounds")

    monkeypatch.setattr(reader, "read_request", panic)
    monkeypatch.setattr(worker, "_limit_memory", lambda: None)
    request = pickle.dumps({"path": "x.xls", "format": "xls"})
    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": __import__("io").BytesIO(request)})())
    assert worker.serve() == 0
    answer = pickle.loads(capsysbinary.readouterr().out)
    assert answer["error"] == "damaged" and "PanicException" in answer["detail"]
    assert collecting == [False] and gc.isenabled()  # no collector while reading; as it was afterwards


def test_worker_answer_may_not_name_classes() -> None:
    """The app unpickles the worker's answer with plain values only."""
    import io

    evil = pickle.dumps({"rows": [os.getcwd]})
    with pytest.raises(pickle.UnpicklingError):
        worker._PlainUnpickler(io.BytesIO(evil)).load()
    import datetime as dt

    ok = pickle.dumps({"rows": [[dt.date(2026, 6, 30), 1.0, "x"]]})
    assert worker._PlainUnpickler(io.BytesIO(ok)).load()["rows"][0][0] == dt.date(2026, 6, 30)


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_column_limit_counts_columns_holding_values(ctx, tmp_path: Path) -> None:
    import sys as _sys

    _sys.path.insert(0, str(HOSTILE))
    try:
        import make_hostile as mk
    finally:
        _sys.path.remove(str(HOSTILE))
    header = "".join(_inline(f"{mk.column(c)}1", t) for c, t in enumerate(["问题描述", "责任单位", "完成时限"]))
    wide = "".join(_inline(f"{mk.column(c)}2", "x") for c in range(3, 505))  # 502 more columns with values
    row = "".join(_inline(f"{mk.column(c)}2", v) for c, v in enumerate(["问题", "县委组织部", "2026-06-30"]))
    p = mk.package(tmp_path / "wide.xlsx", mk.sheet(f'<row r="1">{header}</row><row r="2">{row}{wide}</row>'))
    before = counts(ctx.db)
    with pytest.raises(ImportFileError, match="列填有内容，超过 500 列的上限"):
        import_file(ctx.db, ctx.actor, p, "ledger")
    assert counts(ctx.db) == before


def test_choosing_a_sheet_reads_only_the_first_rows_of_each(tmp_path: Path) -> None:
    """A notes sheet with a value at XFD1048576 beside the ledger sheet: choosing reads 30 rows of it, no more."""
    import zipfile

    src = zipfile.ZipFile(HOSTILE / "far_cell_with_dimension.xlsx")
    workbook = src.read("xl/workbook.xml").decode().replace(
        '<sheet name="问题清单" sheetId="1" r:id="rId1"/>',
        '<sheet name="说明" sheetId="1" r:id="rId1"/><sheet name="问题清单" sheetId="2" r:id="rId3"/>')
    rels = src.read("xl/_rels/workbook.xml.rels").decode().replace(
        "</Relationships>", '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                            'relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>')
    ledger = zipfile.ZipFile(HOSTILE / "wps_styled_to_xea.xlsx").read("xl/worksheets/sheet1.xml")
    notes = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1">'
             + _inline("A1", "填表说明：请按表头填写") + '</row><row r="1048576">' + _inline("XFD1048576", "x")
             + "</row></sheetData></worksheet>")
    p = tmp_path / "two.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            body = {"xl/workbook.xml": workbook.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
                    "xl/worksheets/sheet1.xml": notes.encode()}.get(info.filename, src.read(info.filename))
            zf.writestr(info.filename, body)
        zf.writestr("xl/worksheets/sheet2.xml", ledger)
    t0 = time.perf_counter()
    pv = preview(p, "ledger", year=2026)
    assert time.perf_counter() - t0 < 4
    assert pv.sheets == ["说明", "问题清单"] and pv.sheet == "问题清单" and len(pv.rows) == 2
