"""各县对比: the prefecture's per-county figures — meetings held, 组工讲堂 section·months missing, this week's
plans filed against those due, outcomes and those published — counted from the counties' bundles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Person, Section
from desktop_app.campaign import meetings, outcomes, plans
from desktop_app.campaign.county_compare import county_comparison
from desktop_app.campaign.meetings import MeetingInput
from desktop_app.campaign.outcomes import OutcomeFields
from desktop_app.campaign.plans import PlanItemInput
from desktop_app.core.errors import ValidationError
from tests.conftest import TEST_ACTOR
from tests.db.test_sync_support import prefecture_and_counties, send

D = dt.date


def seed_county(ctx) -> dict[str, str]:
    """景洪市: 综合科 and 规划科; lectures in January (综合科) and February (全办); a 务虚会 in April; this week
    (2026-W12) 综合科 filed, 规划科 a draft; two outcomes, one published."""
    with ctx.db.transaction() as s:
        first = str(s.execute(select(Section.id)).scalars().first())
        other = Section(name="规划科", sort_order=2)
        s.add(other)
        s.flush()
        leader = Person(name="岩温", section_id=first, is_leader=True)
        s.add(leader)
        s.flush()
        ids = {"综合科": first, "规划科": other.id, "leader": leader.id}
    for day, kind, section in ((D(2026, 1, 14), "组工讲堂", ids["综合科"]), (D(2026, 2, 11), "组工讲堂", None),
                               (D(2026, 4, 2), "务虚会", None)):
        meetings.create_meeting(ctx.db, TEST_ACTOR, MeetingInput(year=2026, kind=kind, date=day, theme=f"{kind}{day}",
                                                                 section_id=section, host_id=ids["leader"]))
    filed = plans.create_plan(ctx.db, TEST_ACTOR, ids["综合科"], "week", "2026-W12", [PlanItemInput("走访曼弄村")])
    plans.file_plan(ctx.db, TEST_ACTOR, filed.id, ids["leader"], on=D(2026, 3, 16))
    plans.create_plan(ctx.db, TEST_ACTOR, ids["规划科"], "week", "2026-W12", [PlanItemInput("起草方案")])
    outcomes.add_outcome(ctx.db, TEST_ACTOR, OutcomeFields("制度成果", "挂钩联系制度", year=2026, section_id=ids["综合科"],
                                                           published_in="云南日报", published_on=D(2026, 3, 1)))
    outcomes.add_outcome(ctx.db, TEST_ACTOR, OutcomeFields("实践成果", "茶叶合作社分红", year=2026,
                                                           section_id=ids["规划科"]))
    return ids


def test_each_county_is_compared_and_the_prefecture_itself_is_not(tmp_path: Path) -> None:
    a, b, p = prefecture_and_counties(tmp_path)
    try:
        seed_county(a)
        send(a, p, tmp_path / "a")
        send(b, p, tmp_path / "b")
        cmp = county_comparison(p.db, 2026, today=D(2026, 3, 20))
        assert (cmp.plan_period, cmp.as_of) == ("2026-W12", D(2026, 3, 20))
        got = {r.office_name: (r.meetings, r.lectures_missing, r.plans_text, r.outcomes, r.published) for r in cmp.rows}
        # 景洪市: the April 务虚会 is after the day; 规划科 missed January (February's 全办 lecture counts), March runs
        # 勐海县: its one section missed January and February; nothing filed, no outcomes
        assert got == {"景洪市": (2, 1, "1/2", 2, 1), "勐海县": (0, 2, "0/1", 0, 0)}
        later = {r.office_name: (r.meetings, r.lectures_missing, r.plans_text)
                 for r in county_comparison(p.db, 2026, today=D(2026, 5, 6)).rows}
        assert later["景洪市"] == (3, 1 + 2 + 2, "0/2")  # and March, April missing for both sections; W19 not filed
        with pytest.raises(ValidationError, match="市级单位"):
            county_comparison(a.db, 2026)
    finally:
        for ctx in (a, b, p):
            ctx.close()
