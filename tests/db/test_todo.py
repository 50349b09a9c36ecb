"""待办: each source of to-dos, with the rows that make one appear and the rows that make it go away."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Issue, Topic, Visit
from db.models_campaign import ContactPoint, Meeting
from db.models_quiz import Award, Exam
from desktop_app.campaign import plans, todo
from desktop_app.campaign.plans import PlanItemInput
from desktop_app.org.organisation import list_people, list_sections
from tests.helpers.common import TEST_ACTOR

D = dt.date
MONDAY = D(2026, 12, 7)  # 2026-W50; December: the half-year award round is due


@pytest.fixture
def org(ctx) -> dict[str, str]:
    out = {p.name: p.id for p in list_people(ctx.db, 2026)}
    out.update({s.name: s.id for s in list_sections(ctx.db)})
    return out


def _add(ctx, *rows) -> None:
    with ctx.db.transaction() as s:
        s.add_all(rows)


def _of(ctx, kind: str, today: dt.date = MONDAY) -> list[todo.TodoEntry]:
    return [e for e in todo.todo_list(ctx.db, today) if e.kind == kind]


def test_ledger_overdue_red_due_soon_yellow_later_and_closed_not_listed(ctx) -> None:
    _add(ctx, Issue(id="i-late", serial="2026-001", year=2026, description="村道破损", deadline=D(2026, 12, 1),
                    status="in_progress"),
         Issue(id="i-soon", serial="2026-002", year=2026, description="路灯不亮", deadline=D(2026, 12, 9),
               status="not_started"),
         Issue(id="i-later", serial="2026-003", year=2026, description="远期", deadline=D(2026, 12, 30)),
         Issue(id="i-closed", serial="2026-004", year=2026, description="已销号", deadline=D(2026, 11, 1),
               status="closed"),
         Issue(id="i-void", serial="2026-005", year=2026, description="作废", deadline=D(2026, 11, 1), status="void",
               deleted=False))
    got = [(e.target_id, e.severity, e.page) for e in _of(ctx, "ledger")]
    assert got == [("i-late", "red", "ledger"), ("i-soon", "yellow", "ledger")]
    assert _of(ctx, "ledger")[0].title == "2026-001 村道破损（已逾期）"


def test_ledger_many_items_summed_up_and_counted(ctx, monkeypatch) -> None:
    monkeypatch.setattr(todo, "LEDGER_LIST_MAX", 2)
    _add(ctx, *[Issue(serial=f"2026-{n:03d}", year=2026, description=f"问题{n}", deadline=D(2026, 11, n))
                for n in range(1, 6)])
    entries = _of(ctx, "ledger")
    assert len(entries) == 3 and entries[-1].title == "另有 3 项问题逾期或即将到期"
    assert todo.counts_by_page(entries) == {"ledger": 5}


def test_topic_report_overdue_and_finished_topic_ignored(ctx, org) -> None:
    _add(ctx, Topic(id="t-late", year=2026, section_id=org["综合科"], title="产业调研", report_due=D(2026, 12, 1),
                    status="成稿"),
         Topic(id="t-soon", year=2026, section_id=org["综合科"], title="人才调研", report_due=D(2026, 12, 15)),
         Topic(id="t-done", year=2026, section_id=org["综合科"], title="已结题", report_due=D(2026, 11, 1),
               status="结题"),
         Topic(id="t-far", year=2026, section_id=org["综合科"], title="远期", report_due=D(2027, 3, 1)))
    assert [(e.target_id, e.severity) for e in _of(ctx, "topic")] == [("t-late", "red"), ("t-soon", "yellow")]


def test_weekly_and_monthly_plans_not_filed(ctx, org) -> None:
    entries = _of(ctx, "plan")
    assert len(entries) == 9  # 3 sections × (week, 攻坚, 亮点)
    week = [e for e in entries if "周工作计划" in e.title]
    assert {e.title for e in week} >= {"综合科未报送2026年第50周周工作计划"}
    assert all(e.severity == "yellow" and e.page == "plans" for e in week)  # Monday: still in time
    assert week[0].detail == "week 2026-W50"
    p = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "week", "2026-W50", [PlanItemInput("事项")])
    assert len([e for e in _of(ctx, "plan") if "周工作计划" in e.title]) == 3  # a draft is not filed
    plans.file_plan(ctx.db, TEST_ACTOR, p.id, org["刘洋"])
    week = [e for e in _of(ctx, "plan", MONDAY + dt.timedelta(days=2)) if "周工作计划" in e.title]
    assert {e.target_id for e in week} == {org["规划发展科"], org["政策法规科"]}
    assert all(e.severity == "red" for e in week)  # Wednesday: late


def test_month_without_its_lecture(ctx, org) -> None:
    assert len(_of(ctx, "meeting")) == 3
    _add(ctx, Meeting(year=2026, section_id=org["综合科"], kind="组工讲堂", date=D(2026, 12, 3), theme="讲堂"),
         Meeting(year=2026, section_id=org["规划发展科"], kind="专题研讨", date=D(2026, 12, 3), theme="研讨"),
         Meeting(year=2026, section_id=org["政策法规科"], kind="组工讲堂", date=D(2026, 11, 30), theme="上月"))
    got = _of(ctx, "meeting")
    assert {e.target_id for e in got} == {org["规划发展科"], org["政策法规科"]}
    assert got[0].severity == "yellow" and got[0].due == D(2026, 12, 31)
    assert _of(ctx, "meeting", D(2026, 12, 28))[0].severity == "red"
    _add(ctx, Meeting(year=2026, section_id=None, kind="组工讲堂", date=D(2026, 12, 5), theme="全办"))
    assert _of(ctx, "meeting") == []


def test_quarter_without_exam(ctx) -> None:
    assert [e.title for e in _of(ctx, "exam")] == ["2026年第四季度业务知识测试尚未组织"]
    assert _of(ctx, "exam")[0].severity == "yellow" and _of(ctx, "exam", D(2026, 12, 20))[0].severity == "red"
    _add(ctx, Exam(title="三季度测试", year=2026, quarter=3))
    assert len(_of(ctx, "exam")) == 1
    _add(ctx, Exam(title="四季度测试", year=2026, quarter=4))
    assert _of(ctx, "exam") == []


def test_half_year_award_round(ctx) -> None:
    assert _of(ctx, "award", D(2026, 11, 20)) == []  # not the award month
    assert [e.title for e in _of(ctx, "award")] == ["2026年下半年评先（先进科室、工作能手）尚未评定"]
    assert len(_of(ctx, "award", D(2026, 6, 10))) == 1
    _add(ctx, Award(period="2026H2", kind="先进科室", target_id="x"))
    assert _of(ctx, "award") == []
    assert len(_of(ctx, "award", D(2026, 6, 10))) == 1


def test_paired_household_visited_this_quarter(ctx, org) -> None:
    _add(ctx, ContactPoint(id="h1", kind="household", name="纳京村岩温家"),
         ContactPoint(id="h2", kind="household", name="曼短村玉香家"),
         ContactPoint(id="h3", kind="household", name="已结束户", ended_on=D(2026, 6, 30)),
         ContactPoint(id="v1", kind="village", name="纳京村"))
    assert {e.target_id for e in _of(ctx, "household")} == {"h1", "h2"}
    _add(ctx, Visit(start_date=D(2026, 10, 12), end_date=D(2026, 10, 12), place="勐阿镇纳京村岩温家",
                    lead_id=org["刘洋"], state="done"),
         Visit(start_date=D(2026, 12, 20), end_date=D(2026, 12, 20), place="曼短村玉香家", lead_id=org["刘洋"],
               state="planned"),  # planned, not done: does not count
         Visit(start_date=D(2026, 9, 20), end_date=D(2026, 9, 20), place="曼短村玉香家", lead_id=org["刘洋"],
               state="done"))  # last quarter
    got = _of(ctx, "household")
    assert [(e.target_id, e.page) for e in got] == [("h2", "visits")]


def test_list_is_sorted_red_first_and_counted_per_page(ctx) -> None:
    _add(ctx, Issue(serial="2026-001", year=2026, description="逾期", deadline=D(2026, 12, 1)))
    entries = todo.todo_list(ctx.db, MONDAY)
    sev = [e.severity for e in entries]
    assert sev == sorted(sev, key=lambda x: x != "red")
    counts = todo.counts_by_page(entries)
    assert counts["ledger"] == 1 and counts["plans"] == 9 and counts["meetings"] == 3 and counts["quiz"] == 2
