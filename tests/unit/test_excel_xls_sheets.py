"""Choosing a sheet of an .xls reads only the first rows of the others; row numbers are the sheet's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import python_calamine

from desktop_app.excel import reader
from desktop_app.excel.header import HEADER_SCAN_ROWS
from desktop_app.excel.importer import preview
from desktop_app.excel.kinds import get_kind
from tests.helpers.common import SAMPLES

MULTI = SAMPLES / "multi_sheet.xls"  # 填报说明 and 汇总 (400 rows each), then 问题清单 from column B


def test_the_ledger_sheet_of_a_multi_sheet_xls_is_chosen_with_its_own_row_numbers() -> None:
    pv = preview(MULTI, "ledger", year=2026)
    assert pv.sheets == ["填报说明", "汇总", "问题清单"] and pv.sheet == "问题清单"
    assert pv.errors == [] and pv.header_row == 3
    assert [r["row"] for r in pv.rows] == [4, 5, 6]
    assert pv.rows[0]["description"].startswith("部分乡镇防返贫监测对象识别不及时")
    assert pv.mapping["序号"] is None and pv.mapping["问题描述"] == "description"


class _CountingSheet:
    """A calamine sheet that counts the rows drawn from it and refuses to be converted whole."""

    def __init__(self, sheet: Any, drawn: dict[str, int], name: str) -> None:
        self._sheet, self._drawn, self._name = sheet, drawn, name

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._sheet, attr)

    def to_python(self, *a: Any, **k: Any) -> Any:
        raise AssertionError(f"the whole of “{self._name}” was converted")

    def iter_rows(self) -> Any:
        for row in self._sheet.iter_rows():
            self._drawn[self._name] = self._drawn.get(self._name, 0) + 1
            yield row


def test_choosing_reads_only_the_head_of_each_sheet(monkeypatch) -> None:
    drawn: dict[str, int] = {}
    real = python_calamine.CalamineWorkbook

    class Book:
        def __init__(self, book: Any) -> None:
            self._book = book

        def __getattr__(self, attr: str) -> Any:
            return getattr(self._book, attr)

        def get_sheet_by_name(self, name: str) -> Any:
            return _CountingSheet(self._book.get_sheet_by_name(name), drawn, name)

    class Workbook:
        @staticmethod
        def from_path(path: str) -> Book:
            return Book(real.from_path(path))

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Workbook)
    messages: list[dict[str, Any]] = []
    out = reader.read_request({"path": str(MULTI), "format": "xls", "fields": get_kind("ledger").fields},
                              messages.append)
    assert out["name"] == "问题清单"
    # the head (which sheet, its merged ranges) comes before the rows: the app parses them as they arrive
    assert messages[0] == {"head": True, "sheets": out["sheets"], "name": "问题清单", "merged": out["merged"]}
    rows = [r for m in messages[1:] for r in m["rows"]]
    # the two 400-row sheets gave only the rows the header scan looks at; the chosen one its head, then all
    assert drawn["填报说明"] == HEADER_SCAN_ROWS and drawn["汇总"] == HEADER_SCAN_ROWS
    assert drawn["问题清单"] == 6 + 6 and len(rows) == 6


def test_empty_rows_above_the_header_keep_row_numbers(tmp_path: Path) -> None:
    """calamine's iter_rows starts at row 1: a sheet whose first rows are blank is not shifted down."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"] = "问题描述"
    ws["D3"] = "责任单位"
    ws["C4"] = "村级活动场所利用率不高"
    ws["D4"] = "县委组织部"
    wb.save(tmp_path / "空行.xlsx")
    pv = preview(tmp_path / "空行.xlsx", "ledger", year=2026)
    assert pv.header_row == 3 and [r["row"] for r in pv.rows] == [4]
    assert pv.rows[0]["unit"] == "县委组织部"
