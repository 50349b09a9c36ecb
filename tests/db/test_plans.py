"""计划清单: periods, a plan's life (draft → 报送 → 结转 / 备案), bad input refused with nothing changed, who has not filed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Person
from db.models_campaign import PeriodPlan, PlanItem
from desktop_app.campaign import periods, plans
from desktop_app.campaign.plans import PlanItemInput
from desktop_app.core.audit import Actor
from desktop_app.core.errors import PermissionDeniedError, StateError, ValidationError
from desktop_app.org.organisation import list_people, list_sections
from tests.helpers.common import TEST_ACTOR

D = dt.date


@pytest.fixture
def org(ctx) -> dict[str, str]:
    """Names of people and sections → ids."""
    out = {p.name: p.id for p in list_people(ctx.db, 2026)}
    out.update({s.name: s.id for s in list_sections(ctx.db)})
    return out


def _counts(ctx) -> tuple[int, int, int]:
    with ctx.db.session() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (PeriodPlan, PlanItem, AuditEntry))


def test_periods_parse_format_step_and_label() -> None:
    w = periods.parse("week", "2026-W49")
    assert (w.start, w.end) == (D(2026, 11, 30), D(2026, 12, 6))
    assert w.label == "2026年第49周（11月30日—12月6日）"
    assert periods.current("week", D(2026, 12, 7)).text == "2026-W50"
    assert periods.parse("week", "2026-W01").previous().text == "2025-W52"
    assert periods.parse("week", "2026-W01").start == D(2025, 12, 29)  # ISO: week 1 holds the first Thursday
    assert periods.parse("week", "2020-W53").next().text == "2021-W01"
    assert periods.parse("month", "2026-12").next().text == "2027-01"
    assert periods.parse("month", "2026-01").previous().text == "2025-12"
    q = periods.parse("quarter", "2026-Q4")
    assert (q.start, q.end, q.short_label) == (D(2026, 10, 1), D(2026, 12, 31), "2026年第四季度")
    h = periods.parse("half", "2026-H1")
    assert (h.end, h.label, h.next().text, h.previous().text) == (D(2026, 6, 30), "2026年上半年", "2026-H2", "2025-H2")
    assert periods.parse("year", "2026").label == "2026年度"
    assert periods.current("quarter", D(2026, 5, 31)).text == "2026-Q2"
    for grain, bad in (("week", "2026-W54"), ("month", "2026-13"), ("quarter", "2026-Q5"), ("half", "2026H"),
                       ("week", "2026年49周")):
        with pytest.raises(ValidationError) as e:
            periods.parse(grain, bad)
        assert e.value.field == "period" and bad in e.value.message


def test_plan_created_filed_once_to_the_leader(ctx, org) -> None:
    p = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "week", "2026-W49", [
        PlanItemInput("起草月度工作报告", org["吴芳"], D(2026, 12, 4)),
        PlanItemInput("整理调研台账", org["刘洋"], D(2026, 12, 6))])
    assert p.status == "draft" and [i.owner_name for i in p.items] == ["吴芳", "刘洋"]
    filed = plans.file_plan(ctx.db, TEST_ACTOR, p.id, org["陈静"], on=D(2026, 11, 30))
    assert (filed.status, filed.filed_to_name, filed.filed_on, filed.filed_by) == ("filed", "陈静", D(2026, 11, 30),
                                                                                 "测试员")
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        plans.file_plan(ctx.db, TEST_ACTOR, p.id, org["陈静"])
    assert e.value.message == "本科室2026年第49周的周工作计划已报送"
    with pytest.raises(ValidationError) as e:
        plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "week", "2026-W49", [PlanItemInput("又一份")])
    assert e.value.message == "本科室2026年第49周的周工作计划已报送"
    assert _counts(ctx) == before
    # the leader is remembered: the next week's plan goes to 陈静 unless told otherwise
    nxt = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "week", "2026-W50", [PlanItemInput("下周事项")])
    assert plans.file_plan(ctx.db, TEST_ACTOR, nxt.id).filed_to_name == "陈静"


@pytest.mark.parametrize("item, field, words", [
    (PlanItemInput("  "), "text", "第2项：事项内容不能为空"),
    (PlanItemInput("明年的事", due=D(2027, 1, 15)), "due", "不在2026年内"),
    (PlanItemInput("状态乱写", state="妥了"), "state", "状态“妥了”无效"),
])
def test_bad_item_refused_nothing_saved(ctx, org, item, field, words) -> None:
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "month_key", "2026-12",
                          [PlanItemInput("好的一项", org["吴芳"], D(2026, 12, 20)), item])
    assert e.value.field == field and words in e.value.message
    assert _counts(ctx) == before


def test_owner_of_another_office_refused(ctx, org) -> None:
    with ctx.db.transaction() as s:
        stranger = Person(name="外单位人", section_id=org["综合科"], office_code="532822")
        s.add(stranger)
        s.flush()
        sid = stranger.id
    p = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "quarter_gap", "2026-Q4", [PlanItemInput("补短板")])
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        plans.update_plan(ctx.db, TEST_ACTOR, p.id, [PlanItemInput("补短板", owner_id=sid)])
    assert e.value.field == "owner" and "“外单位人”不是本单位人员" in e.value.message
    with pytest.raises(ValidationError) as e:
        plans.file_plan(ctx.db, TEST_ACTOR, p.id, sid)
    assert e.value.field == "filed_to"
    assert _counts(ctx) == before
    assert plans.get_plan(ctx.db, p.id).items[0].owner_id is None


def test_first_week_may_end_in_the_previous_year(ctx, org) -> None:
    # 2026-W53 runs 28 Dec 2026 – 3 Jan 2027: a due date on 2 January lies in the week itself
    p = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "week", "2026-W53",
                          [PlanItemInput("年终总结", org["吴芳"], D(2027, 1, 2))])
    assert p.items[0].due == D(2027, 1, 2)


def test_carry_over_open_items_to_next_week(ctx, org) -> None:
    p = plans.create_plan(ctx.db, TEST_ACTOR, org["规划发展科"], "week", "2026-W49", [
        PlanItemInput("甲", org["黄涛"], D(2026, 12, 2)), PlanItemInput("乙", org["黄涛"], D(2026, 12, 10)),
        PlanItemInput("丙", org["陈静"], None), PlanItemInput("丁", None, None, state="done")])
    plans.file_plan(ctx.db, TEST_ACTOR, p.id, org["陈静"])
    ids = {i.text: i.id for i in p.items}
    new = plans.carry_over(ctx.db, TEST_ACTOR, org["规划发展科"], "week", "2026-W50", done_ids=[ids["丙"]])
    assert [(i.text, i.state, i.carried_from_id) for i in new.items] == [("甲", "open", ids["甲"]),
                                                                          ("乙", "open", ids["乙"])]
    # a due date already past the new week's start is cleared, a later one is kept
    assert [i.due for i in new.items] == [None, D(2026, 12, 10)]
    old = {i.text: i.state for i in plans.get_plan(ctx.db, p.id).items}
    assert old == {"甲": "carried", "乙": "carried", "丙": "done", "丁": "done"}
    with pytest.raises(ValidationError) as e:  # nothing open is left to carry
        plans.carry_over(ctx.db, TEST_ACTOR, org["规划发展科"], "week", "2026-W50")
    assert "没有未完成事项" in e.value.message
    with pytest.raises(ValidationError):
        plans.carry_over(ctx.db, TEST_ACTOR, org["综合科"], "week", "2026-W50")  # no plan last week


def test_not_filed_and_period_status(ctx, org) -> None:
    a = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "month_highlight", "2026-11", [PlanItemInput("亮点")])
    plans.create_plan(ctx.db, TEST_ACTOR, org["政策法规科"], "month_highlight", "2026-11", [PlanItemInput("草稿")])
    plans.file_plan(ctx.db, TEST_ACTOR, a.id, org["刘洋"], on=D(2026, 11, 3))
    with ctx.db.session() as s:
        assert [sec.name for sec in plans.not_filed(s, "month_highlight", "2026-11")] == ["规划发展科", "政策法规科"]
        assert len(plans.not_filed(s, "month_highlight", "2026-10")) == 3
    by = {r.section_name: r for r in plans.period_status(ctx.db, "month_highlight", "2026-11")}
    assert (by["综合科"].status_label, by["综合科"].filed_to_name, by["综合科"].filed_on) == ("已报送", "刘洋",
                                                                                            D(2026, 11, 3))
    assert by["政策法规科"].status_label == "草稿" and by["政策法规科"].open_items == 1
    assert by["规划发展科"].status_label == "未报送" and by["规划发展科"].plan_id is None


def test_half_review_with_summary_and_year_plan_recorded(ctx, org) -> None:
    r = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "half_review", "2026-H1", summary="上半年复盘：…")
    assert plans.file_plan(ctx.db, TEST_ACTOR, r.id, org["刘洋"]).summary == "上半年复盘：…"
    with pytest.raises(StateError):
        plans.record_plan(ctx.db, TEST_ACTOR, r.id)  # only year plans are recorded
    y = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "year_plan", "2026", [PlanItemInput("课题2个、调研20次")])
    with pytest.raises(StateError) as e:
        plans.record_plan(ctx.db, TEST_ACTOR, y.id)
    assert "尚未报送" in e.value.message
    plans.file_plan(ctx.db, TEST_ACTOR, y.id, org["刘洋"])
    clerk = Actor("clerk", "录入员", rights=frozenset({"record", "view"}), account=True)
    with pytest.raises(PermissionDeniedError):
        plans.record_plan(ctx.db, clerk, y.id)
    approver = Actor("boss", "审核人", rights=frozenset({"approve", "view"}), account=True)
    done = plans.record_plan(ctx.db, approver, y.id, on=D(2026, 2, 10))
    assert (done.status, done.recorded_by, done.recorded_on) == ("recorded", "审核人", D(2026, 2, 10))
    with pytest.raises(StateError):
        plans.record_plan(ctx.db, approver, y.id)
    with ctx.db.session() as s:
        actions = list(s.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
    assert actions[-5:] == ["create_plan", "file_plan", "create_plan", "file_plan", "record_year_plan"]


def test_update_edits_removes_and_draft_can_be_withdrawn(ctx, org) -> None:
    p = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "quarter_excel", "2026-Q3",
                          [PlanItemInput("一"), PlanItemInput("二")])
    first = p.items[0]
    u = plans.update_plan(ctx.db, TEST_ACTOR, p.id, [PlanItemInput("一（改）", org["吴芳"], D(2026, 9, 1), "done",
                                                                   id=first.id)])
    assert [(i.id, i.text, i.state_label) for i in u.items] == [(first.id, "一（改）", "已完成")]
    rows = plans.plan_rows(ctx.db, 2026)
    assert rows == [{"科室": "综合科", "类型": "季度创先争优", "期间": "2026-Q3", "序号": 1, "事项": "一（改）",
                     "责任人": "吴芳", "完成时限": D(2026, 9, 1), "状态": "已完成"}]
    plans.remove_plan(ctx.db, TEST_ACTOR, p.id)
    assert plans.find_plan(ctx.db, org["综合科"], "quarter_excel", "2026-Q3") is None
    assert plans.plan_rows(ctx.db, 2026) == []


def test_demo_plans_realistic(tmp_path) -> None:
    """The county demo: weekly plans for most sections most weeks with gaps, lists, an H1 review, year plans recorded."""
    from desktop_app.core.context import open_context
    from desktop_app.demo.generate import generate_demo

    generate_demo(tmp_path / "demo", items=20, today=D(2026, 12, 7))
    ctx = open_context(tmp_path / "demo", actor=TEST_ACTOR)
    try:
        sections = list_sections(ctx.db)
        weeks = [periods.parse("week", f"2026-W{w:02d}") for w in range(2, 50)]
        filed = sum(r.status == "filed" for w in weeks for r in plans.period_status(ctx.db, "week", w.text))
        assert 0.8 * len(weeks) * len(sections) < filed < len(weeks) * len(sections)  # most, not all
        with ctx.db.session() as s:
            assert 0 < len(plans.not_filed(s, "week", "2026-W50")) < len(sections)
            carried = s.execute(select(func.count()).select_from(PlanItem).where(
                PlanItem.carried_from_id.is_not(None))).scalar_one()
        assert carried > 0
        assert all(r.status == "filed" for r in plans.period_status(ctx.db, "half_review", "2026-H1"))
        assert all(r.status == "filed" for r in plans.period_status(ctx.db, "quarter_gap", "2026-Q4"))
        year = [r.status for r in plans.period_status(ctx.db, "year_plan", "2026")]
        assert year.count("recorded") == len(sections) - 1 and year.count("filed") == 1
    finally:
        ctx.close()
