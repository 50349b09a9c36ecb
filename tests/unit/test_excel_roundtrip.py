"""The responsible-unit round trip: export one unit's items, fill the sheet in, import it back as progress."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import openpyxl
from sqlalchemy import select

from db.models import Issue, Progress
from desktop_app.excel.lists import export_kind
from desktop_app.excel.service import import_file
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from tests.helpers.excel_sheets import counts


def test_round_trip(ctx, tmp_path: Path) -> None:
    ids = create_issues(ctx.db, ctx.actor, [
        IssueInput("问题甲", unit="综合科", deadline=dt.date(2026, 6, 30), year=2026),
        IssueInput("问题乙", unit="综合科", deadline=dt.date(2026, 9, 30), year=2026),
        IssueInput("问题丙", unit="综合科", deadline=dt.date(2026, 9, 30), year=2026),
        IssueInput("别的单位的问题", unit="规划发展科", year=2026),
    ])
    out = tmp_path / "回执.xlsx"
    assert export_kind(ctx.db, out, "roundtrip", year=2026, unit="综合科").rows == 3
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws["A1"].value == "综合科问题整改进展回执表"
    header = [c.value for c in ws[3]]
    id_col = openpyxl.utils.get_column_letter(header.index("系统编号") + 1)
    assert ws.column_dimensions[id_col].hidden
    assert [ws[f"{id_col}{r}"].value for r in (4, 5, 6)] == ids[:3]
    dv = ws.data_validations.dataValidation
    assert len(dv) == 1 and dv[0].type == "list" and dv[0].formula1 == '"未启动,推进中,已完成"'
    assert str(dv[0].sqref) == "F4:F6"
    assert ws.print_title_rows == "$3:$3" and ws.freeze_panes == "A4"

    # the unit fills in: item 甲 done, item 乙 progress text, item 丙 untouched, plus two bad rows
    ws["F4"] = "已完成"
    ws["H4"] = "已全部整改到位"
    ws["H5"] = "完成了一半"
    ws["G5"] = 50
    ws["I5"] = "王科长"
    ws.append([4, "2026-999", "陌生", "", None, "推进中", 10, "乱填", "", str(uuid.uuid4())])
    ws.append([5, "2026-998", "没编号", "", None, "推进中", 10, "新加的行", "", None])
    back = tmp_path / "回执_已填.xlsx"
    wb.save(back)

    progress_before = counts(ctx.db)[1]
    dry = import_file(ctx.db, ctx.actor, back, "ledger", dry_run=True)
    assert dry.roundtrip["changed"] == 2 and counts(ctx.db)[1] == progress_before

    result = import_file(ctx.db, ctx.actor, back, "ledger")
    rt = result.roundtrip
    assert (rt["changed"], rt["unchanged"], rt["rejected"]) == (2, 1, 2)
    by_row = {r["row"]: r for r in rt["rows"]}
    assert by_row[6]["result"] == "unchanged"
    assert "不在本单位" in by_row[7]["message"]
    assert counts(ctx.db)[1] == progress_before + 2
    with ctx.db.session() as s:
        status = dict(s.execute(select(Issue.id, Issue.status)).all())
        texts = {p.issue_id: (p.text, p.percent, p.reporter) for p in s.scalars(select(Progress))}
    assert status[ids[0]] == "done" and status[ids[1]] == "in_progress"
    assert texts[ids[0]][:2] == ("已全部整改到位", 100)
    assert texts[ids[1]] == ("完成了一半", 50, "王科长")

    # the same file sent twice adds nothing
    again = import_file(ctx.db, ctx.actor, back, "ledger").roundtrip
    assert (again["changed"], again["unchanged"]) == (0, 3)
    assert counts(ctx.db)[1] == progress_before + 2


def test_round_trip_needs_a_unit(ctx, tmp_path: Path) -> None:
    import pytest

    from desktop_app.core.errors import ValidationError

    with pytest.raises(ValidationError):
        export_kind(ctx.db, tmp_path / "x.xlsx", "roundtrip", year=2026)


def test_round_trip_sheet_dates_its_line_as_the_other_sheets_do(ctx, tmp_path: Path) -> None:
    """导出日期 read 2026-11-22 on the 回执 sheet and 2026年11月22日 on every other sheet."""
    create_issues(ctx.db, ctx.actor, [IssueInput("问题甲", unit="综合科", deadline=dt.date(2026, 6, 30), year=2026)])
    out = tmp_path / "回执.xlsx"
    export_kind(ctx.db, out, "roundtrip", year=2026, unit="综合科")
    line = openpyxl.load_workbook(out).active["A2"].value
    today = dt.date.today()
    assert line.endswith(f"导出日期：{today.year}年{today.month}月{today.day}日"), line
