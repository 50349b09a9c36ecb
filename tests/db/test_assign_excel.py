"""批量交办: a prefecture's Excel sheet of problems becomes 交办 items, all or nothing, never twice."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Issue
from desktop_app.cli import main as cli
from desktop_app.core.audit import Actor
from desktop_app.core.context import AppContext
from desktop_app.core.errors import PermissionDeniedError
from desktop_app.excel import assign_sheet as assign_excel
from desktop_app.excel.assign_sheet import assign_from_sheet, preview_sheet
from desktop_app.ledger import assign
from tests.helpers.assign_sheet import ASSIGNED, ROWS, A, B, P, issue_count, make_sheet
from tests.helpers.common import SAMPLES
from tests.helpers.sync_support import counties_reported

WHO = Actor("tester", "测试员")
@pytest.fixture()
def offices(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext]]:
    """(prefecture, county A): each county's first bundle has reached the prefecture."""
    with counties_reported(tmp_path) as (a, b, p):
        yield p, a


def test_preview_says_row_by_row_what_would_be_assigned(offices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p, _a = offices
    pv = preview_sheet(p.db, make_sheet(tmp_path / "交办.xlsx"), assigned_date=ASSIGNED)
    assert pv.header_row == 3 and pv.problems == []
    assert pv.mapping["县（市、区）"] == "county" and pv.mapping["存在问题"] == "description"
    by_row = {r.row: r for r in pv.rows}
    assert sorted(by_row) == list(range(4, 12))
    assert [r.row for r in pv.ready] == [4, 5, 6]
    assert (by_row[4].county_code, by_row[5].county_code, by_row[6].county_code) == (B, A, A)
    assert by_row[4].deadline == dt.date(2026, 6, 30)
    # 10 working days from Wed 6 May 2026 (Sat 9 May is a 调休 working day): 19 May
    assert by_row[5].deadline_workdays == 10 and by_row[5].deadline == dt.date(2026, 5, 19)
    assert "没有县（区）“勐腊县”" in by_row[7].reason
    assert by_row[8].county_code == B and "日期不存在" in by_row[8].reason
    assert "与第4行重复" in by_row[9].reason
    assert "早于交办日期" in by_row[10].reason
    assert "问题描述不能为空" in by_row[11].reason
    assert all(by_row[n].state == "error" for n in (7, 8, 9, 10, 11))
    assert issue_count(p) == 0  # a preview writes nothing


def test_assigns_the_ready_rows_in_the_prefecture_series_and_skips_them_next_time(  # type: ignore[no-untyped-def]
        offices, tmp_path: Path) -> None:
    p, _a = offices
    sheet = make_sheet(tmp_path / "交办.xlsx")
    res = assign_from_sheet(p.db, WHO, preview_sheet(p.db, sheet, assigned_date=ASSIGNED), today=ASSIGNED)
    assert [(x.row, x.county_code, x.serial) for x in res.assigned] == [
        (4, B, "州交2026-001"), (5, A, "州交2026-002"), (6, A, "州交2026-003")]
    assert [r.row for r in res.errors] == [7, 8, 9, 10, 11]
    with p.db.session() as s:
        items = {i.serial: i for i in s.execute(select(Issue)).scalars()}
        audits = [json.loads(e.details) for e in s.execute(
            select(AuditEntry).where(AuditEntry.action == assign_excel.ACTION)).scalars()]
        per_county = s.execute(select(func.count(AuditEntry.id)).where(AuditEntry.action == assign.ACTION)).scalar()
    assert set(items) == {"州交2026-001", "州交2026-002", "州交2026-003"}
    first = items["州交2026-001"]
    assert (first.office_code, first.assigned_by_office, first.source) == (B, P, "assigned")
    assert (first.responsible_unit, first.responsible_person, first.deadline) == ("勐海县", "岩温", dt.date(2026, 6, 30))
    assert first.description == "村级活动场所管理不规范" and first.category == "基层党建"
    second = items["州交2026-002"]
    assert (second.deadline_basis, second.deadline_workdays, second.deadline) == ("workdays", 10, dt.date(2026, 5, 19))
    assert items["州交2026-003"].assigned_date == ASSIGNED
    assert audits and audits[0]["assigned"] == 3 and audits[0]["counties"] == [A, B] and audits[0]["errors"] == 5
    assert per_county == 2  # one assign_issues entry per county
    # the same sheet again, a day later, with a respaced copy and one new row: only the new row is assigned
    # (row 9, row 4's copy, was an error the first time: now it is simply 已交办)
    rows = [*ROWS, [9, "勐海县", "产业发展", "  村级 活动场所管理不规范", "", "2026年7月1日", "", ""],
            [10, "532822", "生态保护", "河道保洁不到位", "落实河长制", "年底前", "", ""]]
    pv = preview_sheet(p.db, make_sheet(tmp_path / "交办2.xlsx", rows), assigned_date=ASSIGNED + dt.timedelta(days=1))
    assert [(r.row, r.existing_serial) for r in pv.of("assigned")] == [
        (4, "州交2026-001"), (5, "州交2026-002"), (6, "州交2026-003"), (9, "州交2026-001"), (12, "州交2026-001")]
    assert all(r.reason.startswith("已交办") for r in pv.of("assigned"))
    res2 = assign_from_sheet(p.db, WHO, pv, today=ASSIGNED)
    assert [(x.row, x.serial) for x in res2.assigned] == [(13, "州交2026-004")]
    assert len(res2.skipped) == 5 and issue_count(p) == 4
    with p.db.session() as s:
        assert s.execute(select(Issue.deadline).where(Issue.serial == "州交2026-004")).scalar() == dt.date(2026, 12, 31)
    # a preview made before those writes is checked again inside the transaction: nothing twice
    res3 = assign_from_sheet(p.db, WHO, preview_sheet(p.db, sheet, assigned_date=ASSIGNED), today=ASSIGNED)
    assert res3.assigned == [] and issue_count(p) == 4


def test_a_failure_in_one_county_writes_nothing_for_any(offices, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    p, _a = offices
    pv = preview_sheet(p.db, make_sheet(tmp_path / "交办.xlsx"), assigned_date=ASSIGNED)
    real = assign.assign_issues
    calls: list[str] = []

    def second_county_fails(db, actor, code, inputs, today=None, session=None):  # type: ignore[no-untyped-def]
        calls.append(code)
        if len(calls) == 2:
            raise OSError("磁盘已满")
        return real(db, actor, code, inputs, today=today, session=session)

    monkeypatch.setattr(assign, "assign_issues", second_county_fails)
    with pytest.raises(OSError):
        assign_from_sheet(p.db, WHO, pv, today=ASSIGNED)
    assert calls == [B, A] and issue_count(p) == 0
    with p.db.session() as s:
        assert s.execute(select(func.count(AuditEntry.id)).where(
            AuditEntry.action.in_([assign.ACTION, assign_excel.ACTION]))).scalar() == 0
    monkeypatch.setattr(assign, "assign_issues", real)
    res = assign_from_sheet(p.db, WHO, pv, today=ASSIGNED)  # the 州交 counter was rolled back too
    assert [x.serial for x in res.assigned] == ["州交2026-001", "州交2026-002", "州交2026-003"]


def test_county_offices_cannot_and_a_sheet_without_a_county_column_is_refused(  # type: ignore[no-untyped-def]
        offices, tmp_path: Path) -> None:
    p, a = offices
    sheet = make_sheet(tmp_path / "交办.xlsx")
    with pytest.raises(PermissionDeniedError):
        preview_sheet(a.db, sheet)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["序号", "存在问题", "整改措施", "完成时限"])
    ws.append([1, "村级活动场所管理不规范", "建立制度", "2026年6月30日"])
    wb.save(tmp_path / "无县.xlsx")
    pv = preview_sheet(p.db, tmp_path / "无县.xlsx", assigned_date=ASSIGNED)
    assert pv.problems and "县（市、区）" in pv.problems[0]
    with pytest.raises(Exception, match="没有找到“县（市、区）”列"):
        assign_from_sheet(p.db, WHO, pv)
    # an old .xls (a county's own ledger, no county column) is read and refused the same way
    xls = preview_sheet(p.db, SAMPLES / "ledger.xls", assigned_date=ASSIGNED)
    assert xls.sheet == "问题清单" and xls.mapping["问题描述"] == "description"
    assert xls.problems and "县（市、区）" in xls.problems[0] and xls.rows == []
    assert issue_count(p) == 0


def test_county_names_by_code_full_short_and_ambiguous() -> None:
    from desktop_app.org.scope import OfficeChoice

    m = assign_excel.CountyMatcher([OfficeChoice(B, "勐海县乡村振兴局", False), OfficeChoice(A, "景洪市", False),
                                    OfficeChoice("532823", "勐腊县", False), OfficeChoice("532824", "勐腊县农业局", False),
                                    OfficeChoice("532899", "532899", False)])
    for cell in (B, "勐海县乡村振兴局", "勐海县", "勐海", " 勐 海 县 ", "西双版纳州勐海县"):
        assert m.match(cell)[0] == OfficeChoice(B, "勐海县乡村振兴局", False), cell
    assert m.match("景洪")[0] is not None and m.match("532899")[0] is not None
    assert m.match("")[1] == "未填写县（市、区）"
    assert "可指多个单位" in m.match("勐腊县")[1]
    assert m.match("勐")[0] is None and m.match("海县")[0] is None


def test_cli_assign_from_xlsx_dry_run_then_real(offices, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    p, _a = offices
    sheet = make_sheet(tmp_path / "交办.xlsx")
    root = str(p.data.root)
    p.close()
    base = ["--data-dir", root, "assign", "--from-xlsx", str(sheet), "--assigned-date", ASSIGNED.isoformat(), "--json"]
    code = cli.run([*base, "--dry-run"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1  # rows with errors: non-zero, like import-excel
    assert out["status"] == "dry-run" and out["assigned"] == []
    assert out["counts"] == {"ready": 3, "error": 5, "already_assigned": 0}
    assert [r["row"] for r in out["rows"] if r["state"] == "error"] == [7, 8, 9, 10, 11]
    code = cli.run(base)
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["status"] == "applied" and [e["row"] for e in out["errors"]] == [7, 8, 9, 10, 11]
    assert [a["serial"] for a in out["assigned"]] == ["州交2026-001", "州交2026-002", "州交2026-003"]
    code = cli.run(base)
    out = json.loads(capsys.readouterr().out)
    assert out["assigned"] == [] and [s["row"] for s in out["skipped"]] == [4, 5, 6, 9]
    assert out["counts"]["already_assigned"] == 4


def test_cli_human_summary_and_misused_options(offices, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    p, _a = offices
    sheet = make_sheet(tmp_path / "交办.xlsx", ROWS[:3])
    root = str(p.data.root)
    p.close()
    code = cli.run(["--data-dir", root, "assign", "--from-xlsx", str(sheet), "--assigned-date", ASSIGNED.isoformat()])
    out = capsys.readouterr()
    assert code == 0 and out.err == ""
    assert out.out.startswith("已交办 3 条（州交2026-001–州交2026-003），已交办过而跳过 0 条，有错误未交办 0 条")
    assert cli.run(["--data-dir", root, "assign", "--county", A, "--description", "x", "--dry-run"]) != 0
    assert "只能与 --from-xlsx 同用" in capsys.readouterr().err
    assert cli.run(["--data-dir", root, "assign", "--county", A]) != 0
    assert "--description" in capsys.readouterr().err
