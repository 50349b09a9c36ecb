"""计划清单 in Excel: export → import round trip, bad cells named by row and column, a plan filed twice refused by name."""

from __future__ import annotations

import datetime as dt

import openpyxl
from sqlalchemy import func, select

from db.models_campaign import PeriodPlan, PlanItem
from desktop_app.campaign import plans
from desktop_app.campaign.plans import PlanItemInput
from desktop_app.excel.lists import export_kind
from desktop_app.excel.service import import_file
from desktop_app.org.organisation import list_people, list_sections
from tests.helpers.common import TEST_ACTOR

D = dt.date


def _org(ctx) -> dict[str, str]:
    out = {p.name: p.id for p in list_people(ctx.db, 2026)}
    out.update({s.name: s.id for s in list_sections(ctx.db)})
    return out


def _counts(ctx) -> tuple[int, int]:
    with ctx.db.session() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one() for m in (PeriodPlan, PlanItem))


def test_export_then_import_gives_the_same_rows(ctx, tmp_path) -> None:
    org = _org(ctx)
    a = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "week", "2026-W49", [
        PlanItemInput("起草月度工作报告", org["吴芳"], D(2026, 12, 4)),
        PlanItemInput("筹备组工讲堂", org["刘洋"], D(2026, 12, 6), "done")])
    b = plans.create_plan(ctx.db, TEST_ACTOR, org["规划发展科"], "quarter_gap", "2026-Q4",
                          [PlanItemInput("补齐监测数据短板", org["黄涛"], D(2026, 12, 31))])
    before = plans.plan_rows(ctx.db, 2026)
    out = tmp_path / "计划清单.xlsx"
    assert export_kind(ctx.db, out, "plans", year=2026).rows == 3
    sheet = openpyxl.load_workbook(out).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(r for r in values if r and r[0] == "科室")
    assert list(header) == ["科室", "类型", "期间", "序号", "事项", "责任人", "完成时限", "状态"]
    assert ("规划发展科", "季度重点补短板", "2026-Q4", 1, "补齐监测数据短板") in [tuple(r[:5]) for r in values]
    for p in (a, b):
        plans.remove_plan(ctx.db, TEST_ACTOR, p.id)
    assert plans.plan_rows(ctx.db, 2026) == []
    got = import_file(ctx.db, TEST_ACTOR, out, "plans")
    assert got.ok, got.preview.errors
    assert got.imported == 3 and plans.plan_rows(ctx.db, 2026) == before
    # the same file again: the plans exist now, refused by name, nothing added
    counts = _counts(ctx)
    again = import_file(ctx.db, TEST_ACTOR, out, "plans")
    assert again.imported == 0 and _counts(ctx) == counts
    assert any("综合科2026年第49周的周工作计划已有草稿" in e.message for e in again.preview.errors)


def test_filed_plan_refused_by_name(ctx, tmp_path) -> None:
    org = _org(ctx)
    p = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "week", "2026-W49", [PlanItemInput("事项")])
    plans.file_plan(ctx.db, TEST_ACTOR, p.id, org["刘洋"])
    path = _sheet(tmp_path, [["规划发展科", "周工作计划", "2026-W49", 1, "可以导入的一行", "黄涛", "2026-12-04", "未完成"],
                             ["综合科", "周工作计划", "2026-W49", 1, "重复报送", "吴芳", "2026-12-04", "未完成"]])
    counts = _counts(ctx)
    got = import_file(ctx.db, TEST_ACTOR, path, "plans")
    assert got.imported == 0 and _counts(ctx) == counts
    assert [(e.row, e.column, e.message) for e in got.preview.errors] == [
        (4, "期间", "综合科2026年第49周的周工作计划已报送")]


def _sheet(tmp_path, rows) -> object:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["景洪市乡村振兴局计划清单"])
    ws.append(["科室", "类型", "期间", "序号", "事项", "责任人", "完成时限", "状态"])
    for r in rows:
        ws.append(r)
    path = tmp_path / "plans.xlsx"
    wb.save(path)
    return path


def test_bad_cells_named_by_row_and_column(ctx, tmp_path) -> None:
    path = _sheet(tmp_path, [
        ["综合科", "周工作计划", "2026-W60", 1, "周次不对", "吴芳", "2026-12-04", "未完成"],
        ["综合科", "月度工作亮点", "2026-12", 1, "", "吴芳", "2026-12-04", "未完成"],
        ["综合科", "随便写的", "2026-12", 1, "类型不对", "吴芳", "2026-12-04", "未完成"],
        ["综合科", "月度工作亮点", "2026-12", 2, "状态不对", "吴芳", "2026-12-04", "差不多"],
    ])
    counts = _counts(ctx)
    got = import_file(ctx.db, TEST_ACTOR, path, "plans")
    assert got.imported == 0 and _counts(ctx) == counts
    by = {(e.row, e.column) for e in got.preview.errors}
    assert {(3, "期间"), (4, "事项"), (5, "类型"), (6, "状态")} <= by


def test_owner_not_of_office_and_due_outside_year(ctx, tmp_path) -> None:
    path = _sheet(tmp_path, [
        ["综合科", "月度重点攻坚项目", "2026-12", 1, "攻坚一", "吴芳", "2026-12-20", "未完成"],
        ["综合科", "月度重点攻坚项目", "2026-12", 2, "攻坚二", "王五", "2026-12-20", "未完成"]])
    got = import_file(ctx.db, TEST_ACTOR, path, "plans")
    assert [(e.row, e.column) for e in got.preview.errors] == [(4, "责任人")]
    assert "王五" in got.preview.errors[0].message and _counts(ctx) == (0, 0)
    path = _sheet(tmp_path, [["综合科", "月度重点攻坚项目", "2026-12", 1, "攻坚一", "吴芳", "2027-01-20", "未完成"]])
    got = import_file(ctx.db, TEST_ACTOR, path, "plans")
    assert [(e.row, e.column) for e in got.preview.errors] == [(3, "完成时限")]
    assert "不在2026年内" in got.preview.errors[0].message and _counts(ctx) == (0, 0)
