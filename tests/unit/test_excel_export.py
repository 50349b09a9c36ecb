"""Exports open in openpyxl with the title, header, print settings, frozen header and the right values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from desktop_app.excel.importer import preview
from desktop_app.excel.lists import export_kind
from desktop_app.excel.service import import_file
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from tests.helpers.common import SAMPLES

SIGNATURES = ["填表人：", "审核人：", "联系电话：", "单位（盖章）："]


def check_print_setup(ws, ncols: int, paper: str = "9") -> None:
    """What makes a sheet print like a hand-made one (with the 签字盖章 row under the list: issue 16)."""
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == paper  # 9 = A4, 8 = A3
    assert ws.page_setup.fitToWidth in (1, "1") and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.freeze_panes == "A4"
    last = openpyxl.utils.get_column_letter(ncols)
    # the last row signs and stamps the list, one blank row under the data
    sig = ws.max_row
    assert [c.value for c in ws[sig] if c.value] == SIGNATURES
    assert all(c.value is None for c in ws[sig - 1])
    assert {str(r) for r in ws.merged_cells.ranges} - {str(r) for r in ws.merged_cells.ranges
                                                       if str(r).endswith(str(sig))} == {f"A1:{last}1", f"A2:{last}2"}
    header = ws[3]
    assert all(c.font.b for c in header) and all(c.border.left.style == "thin" for c in header)
    if ws["A4"].value is not None:
        assert all(c.alignment.wrap_text for c in ws[4])
    assert all(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width >= 6 for c in range(1, ncols + 1))


def test_ledger_export(ctx, tmp_path: Path) -> None:
    create_issues(ctx.db, ctx.actor, [
        IssueInput("=HYPERLINK(\"http://x\")危险文本", category="党建", measures="+措施", unit="综合科", person="刘洋",
                   deadline=dt.date(2026, 6, 30), year=2026),
        IssueInput("长期问题", unit="规划发展科", kind="ongoing", year=2026, status="in_progress"),
    ])
    out = tmp_path / "台账.xlsx"
    result = export_kind(ctx.db, out, "ledger", year=2026)
    assert result.rows == 2 and not (tmp_path / "台账.xlsx.part").exists()
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws["A1"].value == "景洪市乡村振兴局2026年调研发现问题整改台账"
    assert "景洪市乡村振兴局" in ws["A2"].value and "导出日期" in ws["A2"].value
    assert [c.value for c in ws[3]][:5] == ["序号", "编号", "问题类别", "问题描述", "整改措施"]
    check_print_setup(ws, 14)
    first = ws[4]
    assert first[3].value == "=HYPERLINK(\"http://x\")危险文本" and first[3].data_type == "s"  # text, never a formula
    assert first[4].value == "+措施"
    assert first[10].value == dt.datetime(2026, 6, 30) and first[10].is_date
    assert ws[5][10].value == "长期坚持" and ws[5][5].value == "长期坚持"
    # the export reads back through the importer as the same items
    pv = preview(out, "ledger", year=2026)
    assert pv.errors == []
    assert [r["description"] for r in pv.rows] == ["=HYPERLINK(\"http://x\")危险文本", "长期问题"]
    assert [r["deadline"] for r in pv.rows] == ["2026-06-30", None]
    assert [r["kind"] for r in pv.rows] == ["dated", "ongoing"]


def test_empty_ledger_export_is_still_a_proper_sheet(ctx, tmp_path: Path) -> None:
    out = tmp_path / "空.xlsx"
    assert export_kind(ctx.db, out, "ledger", year=2026).rows == 0
    ws = openpyxl.load_workbook(out).active
    check_print_setup(ws, 14)


@pytest.mark.parametrize(("kind", "title_part", "first_header"), [
    ("visits", "调研安排表", "开始日期"), ("days", "调研天数", "科室"), ("topics", "课题", "年度")])
def test_work_exports(ctx, tmp_path: Path, kind: str, title_part: str, first_header: str) -> None:
    assert import_file(ctx.db, ctx.actor, SAMPLES / "visits.xlsx", "visits").imported == 3
    out = tmp_path / f"{kind}.xlsx"
    result = export_kind(ctx.db, out, kind, year=2026)
    ws = openpyxl.load_workbook(out).active
    assert title_part in ws["A1"].value
    assert ws["A3"].value == "序号" and ws["B3"].value == first_header
    check_print_setup(ws, ws.max_column)
    assert result.rows >= 1
    if kind == "visits":
        assert ws["B4"].value == dt.datetime(2026, 3, 3) and ws["B4"].is_date
        assert ws.max_row == 3 + 3 + 2  # the data, a blank row, the signature row


def test_scores_export(ctx, tmp_path: Path) -> None:
    from tests.helpers.excel_sheets import make_sheet

    sheet = make_sheet(tmp_path / "s.xlsx", [["姓名", "科室", "得分"], ["刘洋", "综合科", 92], ["黄涛", "规划发展科", "缺考"]])
    assert import_file(ctx.db, ctx.actor, sheet, "scores").imported == 2
    out = tmp_path / "成绩.xlsx"
    export_kind(ctx.db, out, "scores", year=dt.date.today().year)
    ws = openpyxl.load_workbook(out).active
    rows = [tuple(c.value for c in r[1:4]) for r in ws.iter_rows(min_row=4, max_row=ws.max_row - 2)]
    assert rows == [("刘洋", "综合科", 92), ("黄涛", "规划发展科", None)]
    check_print_setup(ws, 7)


def test_exports_read_back_through_the_importer(ctx, tmp_path: Path) -> None:
    """What FieldDesk exports, it imports again without a single error (dry run)."""
    from tests.helpers.excel_sheets import make_sheet

    assert import_file(ctx.db, ctx.actor, SAMPLES / "visits.xlsx", "visits").imported == 3
    sheet = make_sheet(tmp_path / "s.xlsx", [["姓名", "科室", "得分", "备注"], ["刘洋", "综合科", 92, ""],
                                             ["黄涛", "规划发展科", "缺考", "出差"]])
    assert import_file(ctx.db, ctx.actor, sheet, "scores").imported == 2
    for kind in ("visits", "topics", "scores"):
        out = tmp_path / f"{kind}.xlsx"
        export_kind(ctx.db, out, kind, year=2026 if kind != "scores" else dt.date.today().year)
        # the quiz service rightly refuses the same scores twice, so for scores check the reading alone
        pv = preview(out, kind) if kind == "scores" else import_file(ctx.db, ctx.actor, out, kind, dry_run=True).preview
        assert pv.errors == [], kind
        if kind == "visits":
            assert [(r["start"], r["end"], r["lead"]) for r in pv.rows] == [
                ("2026-03-03", "2026-03-05", "刘洋"), ("2026-03-17", "2026-03-17", "陈静"),
                ("2026-04-07", "2026-04-09", "黄涛")]
        if kind == "scores":
            assert [(r["name"], r["score"], r["absent"]) for r in pv.rows] == [
                ("刘洋", 92, False), ("黄涛", None, True)]


def _chars_wide(text: str) -> float:
    """Width in Excel character units: a CJK character (or full-width space) is two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def test_narrow_sheet_is_wide_enough_for_its_title_and_office_line(ctx, tmp_path: Path) -> None:
    """成绩 has seven short columns: the 18-pt title and the 填报单位/日期 line must still fit on one line."""
    from tests.helpers.excel_sheets import make_sheet

    sheet = make_sheet(tmp_path / "s.xlsx", [["姓名", "科室", "得分"], ["刘洋", "综合科", 92]])
    assert import_file(ctx.db, ctx.actor, sheet, "scores").imported == 1
    out = tmp_path / "成绩.xlsx"
    export_kind(ctx.db, out, "scores", year=dt.date.today().year)
    ws = openpyxl.load_workbook(out).active
    total = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, 8))
    assert total >= _chars_wide(ws["A1"].value) * 18 / 11, (total, ws["A1"].value)
    assert total >= _chars_wide(ws["A2"].value), (total, ws["A2"].value)
    assert ws.column_dimensions["A"].width == 6  # 序号 keeps its set width


def test_a3_page_setup_and_the_signature_row(ctx, tmp_path: Path) -> None:
    from desktop_app.core.errors import ValidationError

    create_issues(ctx.db, ctx.actor, [IssueInput("村道破损", unit="综合科", person="刘洋", year=2026)])
    out = tmp_path / "A3.xlsx"
    assert export_kind(ctx.db, out, "ledger", year=2026, paper="A3").rows == 1
    ws = openpyxl.load_workbook(out).active
    check_print_setup(ws, 14, paper="8")  # 8 = A3 in Excel's page setup
    assert ws.max_row == 3 + 1 + 2
    with pytest.raises(ValidationError):
        export_kind(ctx.db, tmp_path / "B5.xlsx", "ledger", year=2026, paper="B5")
    assert not (tmp_path / "B5.xlsx").exists()
    # the round-trip sheet is filled in and imported again: no signature row under it
    from desktop_app.excel.roundtrip import export_for_unit

    rt = tmp_path / "回执.xlsx"
    export_for_unit(ctx.db, rt, "综合科", year=2026)
    rws = openpyxl.load_workbook(rt).active
    assert not any(str(c.value or "").startswith("填表人") for row in rws.iter_rows() for c in row)
