"""A county's campaign year for the prefecture's 各县对比: meetings, lectures, this week's plans, outcomes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.models import Person, Section
from desktop_app.campaign import meetings, outcomes, plans
from desktop_app.campaign.meetings import MeetingInput
from desktop_app.campaign.outcomes import OutcomeFields
from desktop_app.campaign.plans import PlanItemInput
from desktop_app.core.context import AppContext
from tests.helpers.common import TEST_ACTOR

D = dt.date


def seed_county(ctx: AppContext) -> dict[str, str]:
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
