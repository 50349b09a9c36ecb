"""The campaign's other tables travel county → prefecture whole: 计划清单 (period_plan + plan_item), 科室评价
(section_score), 挂钩联系 (contact_point) and 成果转化运用清单 (outcome with its section, year, meeting and
publication columns); an edit and a tombstone follow in the next bundle, and the prefecture only reads them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Person, Section
from desktop_app.campaign import contacts, evaluation, meetings, outcomes, plans
from desktop_app.campaign.contacts import ContactInput
from desktop_app.campaign.evaluation import ScoreInput
from desktop_app.campaign.meetings import AttendeeInput, MeetingInput
from desktop_app.campaign.outcomes import OutcomeFields, OutcomeFilter
from desktop_app.campaign.plans import PlanItemInput
from desktop_app.core.errors import PermissionDeniedError
from desktop_app.org import scope
from tests.helpers.common import TEST_ACTOR
from tests.helpers.sync_support import make_office, rows, send, trust_both

TABLES = ("period_plan", "plan_item", "section_score", "contact_point", "outcome")


@pytest.fixture
def offices(tmp_path: Path):
    county = make_office(tmp_path / "county", "532801", "景洪市乡村振兴局")
    pref = make_office(tmp_path / "pref", "532800", "西双版纳州乡村振兴局", level="prefecture")
    trust_both(county, pref)
    yield county, pref
    county.close()
    pref.close()


def _org(ctx) -> tuple[str, str, str, str]:
    """(综合科, 规划科, a leader, a clerk) of the county."""
    with ctx.db.transaction() as s:
        first = s.execute(select(Section.id)).scalars().first()
        other = Section(name="规划科", sort_order=2)
        s.add(other)
        s.flush()
        leader = Person(name="岩温", section_id=first, is_leader=True)
        clerk = Person(name="玉香", section_id=first)
        s.add_all([leader, clerk])
        s.flush()
        return str(first), other.id, leader.id, clerk.id


def _mine(county, pref, table: str) -> None:
    """The prefecture holds each of the county's rows of ``table`` exactly as the county does."""
    mine = rows(county, table)
    assert mine, table
    theirs = {k: v for k, v in rows(pref, table).items() if k in mine}
    assert theirs == mine, table


def test_plans_scores_contacts_and_outcomes_arrive_whole_then_edits_and_tombstones_follow(
        offices, tmp_path: Path) -> None:
    county, pref = offices
    sec, other, leader, clerk = _org(county)
    plan = plans.create_plan(county.db, TEST_ACTOR, sec, "week", "2026-W20", [
        PlanItemInput("走访三个挂钩村", clerk, dt.date(2026, 5, 15)),
        PlanItemInput("整理问题台账", leader, dt.date(2026, 5, 14), note="周四前")])
    plans.file_plan(county.db, TEST_ACTOR, plan.id, leader, on=dt.date(2026, 5, 11))
    peer = evaluation.set_score(county.db, TEST_ACTOR, ScoreInput(2026, "H1", sec, "peer", 88.5,
                                                                  rater_section_id=other, note="材料扎实"))
    boss = evaluation.set_score(county.db, TEST_ACTOR, ScoreInput(2026, "H1", other, "leader", 91, rater_name="岩温"))
    village = contacts.add_point(county.db, TEST_ACTOR, ContactInput(
        "village", "曼弄村", "嘎洒镇", section_id=sec, person_id=leader, year=2026, started_on=dt.date(2026, 1, 1)))
    home = contacts.add_point(county.db, TEST_ACTOR, ContactInput(
        "household", "岩罕家", "嘎洒镇", section_id=sec, person_id=clerk, year=2026))
    m = meetings.create_meeting(county.db, TEST_ACTOR, MeetingInput(
        year=2026, kind="组工讲堂", date=dt.date(2026, 4, 16), theme="调研成果如何转化", host_id=leader,
        attendees=[AttendeeInput(leader), AttendeeInput(clerk)]))
    outcome = outcomes.add_outcome(county.db, TEST_ACTOR, OutcomeFields(
        kind="制度成果", title="挂钩联系工作制度", year=2026, section_id=sec, doc_no="景振发〔2026〕3号",
        date=dt.date(2026, 5, 20), adopted_by="县委办", meeting_id=m.id, published_in="云南日报",
        published_on=dt.date(2026, 6, 2)))

    rep = send(county, pref, tmp_path / "b1")
    assert rep.tables["period_plan"].created == 1 and rep.tables["plan_item"].created == 2
    assert rep.tables["section_score"].created == 2 and rep.tables["contact_point"].created == 2
    assert rep.tables["outcome"].created == 1
    for table in TABLES:
        _mine(county, pref, table)
    arrived = rows(pref, "outcome")[outcome.id]
    assert (arrived["meeting_id"], arrived["section_id"], arrived["year"]) == (m.id, sec, 2026)
    assert (arrived["published_in"], arrived["published_on"]) == ("云南日报", dt.date(2026, 6, 2))
    seen = outcomes.list_outcomes(pref.db, OutcomeFilter(year=2026), office="532801")
    assert [(o.title, o.section_name, o.source) for o in seen] == [("挂钩联系工作制度", "综合科", "meeting")]
    assert outcomes.list_outcomes(pref.db, OutcomeFilter(year=2026)) == []  # its own list stays its own
    assert [o.id for o in outcomes.list_outcomes(pref.db, OutcomeFilter(year=2026), office=scope.ALL)] == [outcome.id]
    for write in (lambda: plans.remove_plan(pref.db, TEST_ACTOR, plan.id),
                  lambda: evaluation.remove_score(pref.db, TEST_ACTOR, peer.id),
                  lambda: contacts.remove_point(pref.db, TEST_ACTOR, home),
                  lambda: outcomes.remove_outcome(pref.db, TEST_ACTOR, outcome.id)):
        with pytest.raises(PermissionDeniedError):
            write()

    # edits: an item done and one dropped, a score changed, a village renamed, the outcome adopted elsewhere
    first = plan.items[0]
    plans.update_plan(county.db, TEST_ACTOR, plan.id, [PlanItemInput(first.text, clerk, first.due, "done",
                                                                     id=first.id)], "本周完成走访")
    evaluation.set_score(county.db, TEST_ACTOR, ScoreInput(2026, "H1", sec, "peer", 93, rater_section_id=other))
    contacts.update_point(county.db, TEST_ACTOR, village, ContactInput(
        "village", "曼弄新村", "嘎洒镇", section_id=sec, person_id=leader, year=2026, started_on=dt.date(2026, 1, 1)))
    outcomes.update_outcome(county.db, TEST_ACTOR, outcome.id, OutcomeFields(
        kind="制度成果", title="挂钩联系工作制度", year=2026, section_id=sec, doc_no="景振发〔2026〕3号",
        date=dt.date(2026, 5, 20), adopted_by="州委办", meeting_id=m.id, published_in="云南日报",
        published_on=dt.date(2026, 6, 2)))
    rep = send(county, pref, tmp_path / "b2")
    assert rep.tables["plan_item"].updated == 2 and rep.tables["period_plan"].updated == 1
    for table in TABLES:
        _mine(county, pref, table)
    theirs = rows(pref, "plan_item")
    assert theirs[first.id]["state"] == "done" and theirs[plan.items[1].id]["deleted"] is True
    assert rows(pref, "period_plan")[plan.id]["summary"] == "本周完成走访"
    assert rows(pref, "section_score")[peer.id]["score"] == 93.0
    assert rows(pref, "contact_point")[village]["name"] == "曼弄新村"
    assert rows(pref, "outcome")[outcome.id]["adopted_by"] == "州委办"

    # tombstones: a score, a household and the outcome withdrawn
    evaluation.remove_score(county.db, TEST_ACTOR, boss.id)
    contacts.remove_point(county.db, TEST_ACTOR, home)
    outcomes.remove_outcome(county.db, TEST_ACTOR, outcome.id)
    send(county, pref, tmp_path / "b3")
    for table in TABLES:
        _mine(county, pref, table)
    assert rows(pref, "section_score")[boss.id]["deleted"] is True
    assert rows(pref, "section_score")[peer.id]["deleted"] is False
    assert rows(pref, "contact_point")[home]["deleted"] is True
    assert outcomes.list_outcomes(pref.db, OutcomeFilter(year=2026), office=scope.ALL) == []
