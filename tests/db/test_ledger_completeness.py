"""台账要素: measures, responsible unit and person, kind, a 限期整改 deadline (default 7 working days, over 15
needs a reason) — refused at entry naming the row and column, and existing incomplete items listed (待完善)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Issue
from desktop_app import calendar as workdays
from desktop_app.core.context import AppContext
from desktop_app.dashboard import summary as dashboard
from desktop_app.excel.service import import_file
from desktop_app.ledger import completeness, detail, lifecycle, query, service
from desktop_app.ledger.service import LedgerValidationError
from desktop_app.ledger.types import IssueInput
from tests.helpers.excel_sheets import make_sheet

D = dt.date
FULL = {"measures": "逐户排查", "unit": "勐罕镇", "person": "岩温"}


def _count(ctx: AppContext) -> int:
    with ctx.db.session() as s:
        return int(s.execute(select(func.count()).select_from(Issue)).scalar_one())


def test_dated_row_without_a_responsible_unit_is_refused_naming_row_and_column(ctx: AppContext, tmp_path: Path) -> None:
    path = make_sheet(tmp_path / "ledger.xlsx", [
        ["问题描述", "整改措施", "责任单位", "责任人", "完成时限"],
        ["村级活动场所管理不规范", "建立制度", "勐罕镇", "岩温", "2026年12月31日"],
        ["护林员管理不规范", "加强考核", "", "玉香", "2026年12月31日"],
        ["饮水工程维护不及时", "", "县水务局", "", "2026年12月31日"],
    ])
    out = import_file(ctx.db, ctx.actor, path, "ledger")
    assert out.imported == 0 and _count(ctx) == 0
    got = [(e.row, e.column, e.message) for e in out.preview.errors]
    assert got == [(3, "责任单位", "缺少责任单位"), (4, "整改措施", "缺少整改措施"), (4, "责任人", "缺少责任人")]
    # a sheet without the column at all: each row names the missing field by its name
    bare = make_sheet(tmp_path / "bare.xlsx", [["问题描述", "整改措施", "责任人", "完成时限"],
                                               ["护林员管理不规范", "加强考核", "玉香", "2026年12月31日"]])
    out = import_file(ctx.db, ctx.actor, bare, "ledger")
    assert [(e.row, e.column) for e in out.preview.errors] == [(2, "责任单位")] and _count(ctx) == 0


def test_default_seven_working_days_across_a_holiday(ctx: AppContext) -> None:
    workdays.seed_from_package(ctx.db, ctx.actor)
    [iid] = service.create_issues(ctx.db, ctx.actor, [IssueInput("村内道路破损", kind="dated",
                                                                 assigned_date=D(2026, 9, 30), **FULL)], complete=True)
    row = detail.get_issue_detail(ctx.db, iid).row
    # Oct 1–7 National Day off, Sat Oct 10 a make-up working day: 8, 9, 10, 12, 13, 14, 15
    assert (row.deadline, row.deadline_basis, row.deadline_workdays) == (D(2026, 10, 15), "workdays", 7)


def test_more_than_fifteen_working_days_needs_a_reason(ctx: AppContext) -> None:
    item = IssueInput("产业项目收益分配不规范", kind="dated", assigned_date=D(2026, 3, 2), deadline_workdays=20, **FULL)
    with pytest.raises(LedgerValidationError) as err:
        service.create_issues(ctx.db, ctx.actor, [item], complete=True)
    assert "超过15个工作日须说明理由" in err.value.message and err.value.field == "deadline_reason"
    assert _count(ctx) == 0
    item.deadline_reason = "涉及跨部门资金调整，须经县政府常务会研究"
    [iid] = service.create_issues(ctx.db, ctx.actor, [item], complete=True)
    timeline = detail.get_issue_detail(ctx.db, iid).timeline
    assert any("跨部门资金调整" in t.text for t in timeline)
    with ctx.db.session() as s:
        assert s.execute(select(func.count()).select_from(AuditEntry)
                         .where(AuditEntry.action == "create_issues")).scalar_one() == 1


def test_missing_elements_refused_in_the_form_path_nothing_written(ctx: AppContext) -> None:
    with pytest.raises(LedgerValidationError) as err:
        service.create_issues(ctx.db, ctx.actor, [IssueInput("只有描述的问题")], complete=True)
    assert {e.field for e in err.value.errors} == {"measures", "unit", "person"}
    assert _count(ctx) == 0


def test_incomplete_items_are_listed_and_counted_until_completed(ctx: AppContext) -> None:
    old = service.create_issues(ctx.db, ctx.actor, [IssueInput("只有描述的老问题", year=2026),
                                                    IssueInput("限期整改却没有时限", year=2026, **FULL),
                                                    IssueInput("完整的问题", year=2026, deadline=D(2026, 12, 31), **FULL),
                                                    IssueInput("长期坚持的问题", year=2026, kind="ongoing", **FULL)])
    f = query.IssueFilter(year=2026, incomplete=True)
    assert sorted(r.id for r in query.fetch_page(ctx.db, f)) == sorted(old[:2])
    assert dashboard.summary(ctx.db).issues_incomplete == 2
    assert completeness.missing_labels(detail.get_issue_detail(ctx.db, old[0]).row) == ["整改措施", "责任单位", "责任人",
                                                                                       "完成时限"]
    # completed in the form: off the list
    lifecycle.edit_issue(ctx.db, ctx.actor, old[0], IssueInput("只有描述的老问题", deadline=D(2026, 12, 31), **FULL),
                         complete=True)
    lifecycle.edit_issue(ctx.db, ctx.actor, old[1], IssueInput("限期整改却没有时限", assigned_date=D(2026, 11, 2), **FULL),
                         complete=True)  # the default: 7 working days
    assert query.count_issues(ctx.db, f) == 0 and dashboard.summary(ctx.db).issues_incomplete == 0
    assert query.IssueFilter.from_dict(f.to_dict()).incomplete
