"""挂钩村 / 结对户 / 服务清单: the rhythm recognised from visits (done only) and solved ledger items."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, ContactPoint
from desktop_app.campaign import contacts
from desktop_app.campaign.contacts import ContactInput
from desktop_app.core.errors import ValidationError
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import visits
from desktop_app.work.types import VisitInput
from tests.helpers.common import TEST_ACTOR

TODAY = dt.date(2026, 8, 15)  # Q3 running: Q1, Q2 are over, Q4 not begun


@pytest.fixture
def ids(ctx) -> dict[str, str]:
    out = {p.name: p.id for p in list_people(ctx.db, 2026)}
    out.update({s.name: s.id for s in list_sections(ctx.db)})
    return out


def _visit(ctx, ids, day: dt.date, place: str, lead: str, state: str = "done", purpose: str = "") -> str:
    return visits.create_visit(ctx.db, TEST_ACTOR, VisitInput(day, day, place, ids[lead], state=state,
                                                              purpose=purpose)).visit.id


def test_household_quarters_from_done_visits_by_the_keeper(ctx, ids) -> None:
    hid = contacts.add_point(ctx.db, TEST_ACTOR, ContactInput("household", "岩温", "勐阿镇纳京村",
                                                              person_id=ids["黄涛"]))
    _visit(ctx, ids, dt.date(2026, 2, 10), "勐阿镇纳京村", "黄涛")                      # Q1: address names the village
    _visit(ctx, ids, dt.date(2026, 5, 10), "勐阿镇曼迈村", "黄涛", state="cancelled",
           purpose="走访结对户岩温")                                                    # Q2: cancelled, not counted
    _visit(ctx, ids, dt.date(2026, 5, 20), "勐阿镇曼迈村", "吴芳", purpose="走访岩温家")  # Q2: not the keeper
    _visit(ctx, ids, dt.date(2026, 7, 3), "勐阿镇", "黄涛", purpose="走访结对户岩温")      # Q3: the name in the purpose
    st = {c.id: c for c in contacts.contact_status(ctx.db, 2026, today=TODAY)}[hid]
    assert st.quarters == (True, False, True, None)
    assert st.rhythm_text == "Q1✓ Q2✗ Q3✓ Q4—" and st.met is False
    with ctx.db.session() as s:
        assert [p.id for p in contacts.household_visits_missing(s, 2026, 2)] == [hid]
        assert contacts.household_visits_missing(s, 2026, 1) == []
        assert contacts.household_visits_missing(s, 2026, 3, office="532801") == []
        assert [p.id for p in contacts.household_visits_missing(s, 2026, 4)] == [hid]


def test_household_kept_by_a_section_and_its_period(ctx, ids) -> None:
    hid = contacts.add_point(ctx.db, TEST_ACTOR, ContactInput("household", "玉香", "景洪镇", section_id=ids["综合科"],
                                                              started_on=dt.date(2026, 4, 1)))
    _visit(ctx, ids, dt.date(2026, 4, 9), "景洪镇曼景兰", "吴芳", purpose="看望玉香")      # 吴芳 is of 综合科
    st = {c.id: c for c in contacts.contact_status(ctx.db, 2026, today=TODAY)}[hid]
    assert st.quarters == (None, True, False, None) and st.met is True  # Q1 before it began; Q3 still running


def test_village_counts_solved_problems_of_the_year(ctx, ids) -> None:
    vid = contacts.add_point(ctx.db, TEST_ACTOR, ContactInput("village", "勐阿镇纳京村", "勐阿镇",
                                                              section_id=ids["规划发展科"]))
    other = contacts.add_point(ctx.db, TEST_ACTOR, ContactInput("village", "曼迈村", section_id=ids["综合科"]))
    visit = _visit(ctx, ids, dt.date(2026, 3, 2), "勐阿镇纳京村", "陈静")
    create_issues(ctx.db, TEST_ACTOR, [
        IssueInput("纳京村灌溉水渠渗漏", status="done", year=2026),                          # named: counts
        IssueInput("村道破损", status="done", year=2026, source="visit", source_visit_id=visit),  # via the visit
        IssueInput("纳京村路灯不亮", status="in_progress", year=2026),                        # not solved
        IssueInput("纳京村饮水问题", status="done", year=2025),                               # another year
    ])
    st = {c.id: c for c in contacts.contact_status(ctx.db, 2026, today=TODAY)}
    assert st[vid].solved == 2 and st[vid].met is True and st[vid].rhythm_text == "已解决问题 2 件"
    assert st[other].solved == 0 and st[other].met is False


def test_service_items_late_done_and_removed(ctx, ids) -> None:
    sid = contacts.add_point(ctx.db, TEST_ACTOR, ContactInput("service", "修缮村活动场所", section_id=ids["综合科"],
                                                              due=dt.date(2026, 6, 30)))
    st = contacts.contact_status(ctx.db, 2026, kind="service", today=TODAY)[0]
    assert st.year == 2026 and st.late is True and st.rhythm_text == "进行中（逾期）"
    contacts.set_state(ctx.db, TEST_ACTOR, sid, "done")
    assert contacts.contact_status(ctx.db, 2026, kind="service", today=TODAY)[0].rhythm_text == "已办结"
    assert contacts.contact_status(ctx.db, 2027, kind="service") == []
    contacts.remove_point(ctx.db, TEST_ACTOR, sid)
    assert contacts.contact_status(ctx.db, 2026, today=TODAY) == []


@pytest.mark.parametrize("bad, words", [
    (dict(kind="farm"), "联系类型"),
    (dict(name=" "), "户主姓名"),
    (dict(section_id=None), "联系科室或联系人"),
    (dict(person_id="nobody", section_id=None), "联系人"),
    (dict(kind="service"), "完成时限"),
    (dict(started_on=dt.date(2026, 5, 1), ended_on=dt.date(2026, 4, 1)), "结束日期"),
    (dict(state="paused"), "状态"),
])
def test_bad_points_refused_nothing_changed(ctx, ids, bad, words) -> None:
    with ctx.db.session() as s:
        before = [s.execute(select(func.count()).select_from(m)).scalar_one() for m in (ContactPoint, AuditEntry)]
    base = dict(kind="household", name="岩温", section_id=ids["综合科"])
    with pytest.raises(ValidationError) as e:
        contacts.add_point(ctx.db, TEST_ACTOR, ContactInput(**(base | bad)))
    assert words in e.value.message
    with ctx.db.session() as s:
        assert [s.execute(select(func.count()).select_from(m)).scalar_one() for m in (ContactPoint, AuditEntry)] == before
