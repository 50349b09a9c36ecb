"""基层天数 — days at the grassroots per person and year, against quota and pace.

Only the days of completed visits (已完成, on their actual dates) at grassroots places count
(``desktop_app.work.visit_state``); a planned visit's days are shown as planned, and completed
days at a 机关 or out of the area (学习考察、汇报) as not counted, with the reason.
Each calendar day counts once per person however many visits cover it, and a
visit across a year end counts in each year for its own days (Dec 30–Jan 2
gives 2 days to each year). The quota is the person's own or the campaign's
default for leaders/staff. Pace: where the person should be by the reference
date, pro rata over the year; the colour says how far behind they are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import and_, or_, select

from db.engine import Database
from db.models import Person, Visit, VisitParticipant
from desktop_app.calendar import WorkCalendar, load_calendar
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, ValidationError
from desktop_app.core.visit_codes import VisitState
from desktop_app.org import scope
from desktop_app.org.lookups import check_year, office_names, require_office
from desktop_app.org.organisation import list_people
from desktop_app.org.ownership import refuse_foreign
from desktop_app.work.types import DaysRow, PersonVisit
from desktop_app.work.visit_state import not_counted_reason

#: below this share of the pro-rata target a person may be 明显滞后 (red); below 100 % 稍有滞后 (neutral)
RED_BELOW = 0.8
#: ... but only when short by at least this many days: one day behind a pro-rata line is no alarm
RED_MIN_GAP = 3
#: ... and only once this share of the year has gone: in the first quarter nearly everyone is “behind” a
#: line drawn from 1 January (the demo showed all 30 people in red in March), which is noise, not news
RED_FROM_SHARE = 0.25
COLOURS = {"green": "#2e7d32", "neutral": "#5b6b7c", "red": "#c62828"}
DAYS_HEADERS = ("科室", "姓名", "身份", "基层天数", "年度定额", "应达进度", "完成率", "进度", "调研次数")


def days_in(start: dt.date, end: dt.date, year: int) -> set[dt.date]:
    """The calendar days of ``start``..``end`` that fall in ``year``."""
    lo, hi = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
    return {lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)} if lo <= hi else set()


def count_days(spans: Iterable[tuple[dt.date, dt.date]], year: int) -> int:
    """Distinct calendar days of ``year`` covered by the (start, end) spans — overlaps count once."""
    covered: set[dt.date] = set()
    for a, b in spans:
        covered |= days_in(a, b, year)
    return len(covered)


def expected_days(quota: int, year: int, today: dt.date) -> float:
    """Where a person should be by ``today``: the quota pro rata by days of the year gone (inclusive)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if today < first:
        return 0.0
    if today >= last:
        return float(quota)
    return quota * ((today - first).days + 1) / ((last - first).days + 1)


def year_share(year: int, today: dt.date) -> float:
    """How much of ``year`` has gone by ``today`` (0 before it, 1 after it): where the pace mark sits."""
    return expected_days(1, year, today)


def needs_attention(days: float, quota: float, year: int, today: dt.date) -> bool:
    """明显滞后: past the first quarter, under ``RED_BELOW`` of the pro-rata target and short by ``RED_MIN_GAP``
    days or more (for a section's or an office's total too: pass its summed days and quota)."""
    expected = expected_days(1, year, today) * quota
    return (days < quota and year_share(year, today) >= RED_FROM_SHARE and days < expected * RED_BELOW
            and expected - days >= RED_MIN_GAP)


def pace(days: int, quota: int, year: int, today: dt.date) -> tuple[float, str, str]:
    """(expected days, colour green|neutral|red, Chinese status) for ``days`` done of ``quota`` by ``today``.

    Only what deserves attention is red (``needs_attention``); a person a little behind, or behind only in
    the first quarter, is 稍有滞后 in the neutral colour (it was yellow for nearly everyone: noise).
    """
    expected = expected_days(quota, year, today)
    if days >= quota:
        return expected, "green", "已完成"
    if days >= expected:
        return expected, "green", "进度正常"
    if needs_attention(days, quota, year, today):
        return expected, "red", "明显滞后"
    return expected, "neutral", "稍有滞后"


class _Span(NamedTuple):
    """One visit of one person, as the count reads it."""

    visit_id: str
    start: dt.date  # the actual dates of a done visit, else the planned ones
    end: dt.date
    lead: bool
    state: str
    reason: str  # why it does not count ('' when it does): visit_state.not_counted_reason


def _spans_by_person(db: Database, office: str | list[str] | None, year: int,
                     person_id: str | None = None) -> dict[str, list[_Span]]:
    """{person id: [_Span]} for the visits touching ``year`` (planned or actual dates); cancelled ones left out.

    ``office``: one office code, several, or None for every office here.
    """
    lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
    q = (select(VisitParticipant.person_id, Visit.id, Visit.start_date, Visit.end_date, Visit.lead_id, Visit.state,
                Visit.actual_start, Visit.actual_end, Visit.place_type, Visit.method)
         .join(Visit, Visit.id == VisitParticipant.visit_id)
         .where(Visit.deleted.is_(False), VisitParticipant.deleted.is_(False), Visit.state != VisitState.CANCELLED,
                or_(and_(Visit.start_date <= hi, Visit.end_date >= lo),
                    and_(Visit.actual_start <= hi, Visit.actual_end >= lo))))
    if office is not None:
        q = q.where(Visit.office_code.in_([office] if isinstance(office, str) else office))
    if person_id:
        q = q.where(VisitParticipant.person_id == person_id)
    out: dict[str, list[_Span]] = defaultdict(list)
    with db.session() as s:
        for pid, vid, a, b, lead, state, aa, ab, place_type, method in s.execute(q.order_by(Visit.start_date, Visit.id)):
            if state == VisitState.DONE:
                a, b = aa or a, ab or b
            out[pid].append(_Span(vid, a, b, lead == pid, state, not_counted_reason(state, place_type, method)))
    return out


@dataclass(frozen=True)
class PersonDays:
    """One person's days in a year: counted, still planned, and done but not counted by reason."""

    counted: int
    planned: int
    not_counted: tuple[tuple[str, int], ...]
    #: every done day (counted or not) up to the reference date: time spent on research
    research_days: int


def person_days(spans: Iterable[_Span], year: int, today: dt.date) -> PersonDays:
    """Count one person's spans: each calendar day once — a day counted by one visit is not planned or
    not-counted by another; a planned day already done elsewhere is not planned."""
    spans = list(spans)
    counted: set[dt.date] = set()
    for sp in spans:
        if sp.state == VisitState.DONE and not sp.reason:
            counted |= days_in(sp.start, sp.end, year)
    other: dict[str, set[dt.date]] = {}
    done_any = set(counted)
    for sp in spans:
        if sp.state == VisitState.DONE and sp.reason:
            days = days_in(sp.start, sp.end, year) - counted
            other.setdefault(sp.reason, set()).update(days)
            done_any |= days
    planned: set[dt.date] = set()
    for sp in spans:
        if sp.state == VisitState.PLANNED:
            planned |= days_in(sp.start, sp.end, year) - done_any
    research = sum(1 for d in done_any if d <= today)
    return PersonDays(len(counted), len(planned), tuple((r, len(d)) for r, d in other.items() if d), research)


def _working_days_to(cal: WorkCalendar, year: int, today: dt.date) -> int:
    """Working days of ``year`` up to ``today`` (inclusive)."""
    first = dt.date(year, 1, 1)
    if today < first:
        return 0
    return max(0, cal.workdays_between(first - dt.timedelta(days=1), min(today, dt.date(year, 12, 31))).value)


def days_table(db: Database, year: int, today: dt.date | None = None, office: str = "") -> list[DaysRow]:
    """Every active person's days in ``year`` with quota, pace and colour, in section order.

    Only done days at grassroots places count (``visit_state``); planned days and done days that do
    not count (机关, 外地) are given beside them. ``office`` is the scope (``services.scope``): a
    prefecture reads a county's people against that county's own campaign quota; ``scope.ALL``
    gives every office, one after another.
    """
    check_year(year)
    codes = scope.resolve(db, office)
    if codes is None:
        codes = [c.code for c in scope.office_choices(db)]
    today = today or dt.date.today()
    spans = _spans_by_person(db, codes, year)
    working = _working_days_to(load_calendar(db), year, today)
    rows = []
    for code in codes:
        for p in list_people(db, year, office_code=code):
            mine = spans.get(p.id, [])
            pd = person_days(mine, year, today)
            expected, colour, status = pace(pd.counted, p.effective_quota, year, today)
            rows.append(DaysRow(p.id, p.name, p.section_id, p.section_name, p.is_leader, pd.counted,
                                p.effective_quota, round(expected, 1), colour, status, len(mine), code,
                                planned=pd.planned, not_counted=pd.not_counted,
                                research_share=round(pd.research_days / working, 3) if working else 0.0))
    return rows


def section_totals(rows: Iterable[DaysRow]) -> list[tuple[str, int, int]]:
    """(section name, days, quota) summed per section, in the rows' order (for the dashboard chart)."""
    totals: dict[str, list[int]] = {}
    for r in rows:
        t = totals.setdefault(r.section_name, [0, 0])
        t[0] += r.days
        t[1] += r.quota
    return [(name, d, q) for name, (d, q) in totals.items()]


def days_headers(office: str = "") -> tuple[str, ...]:
    """The column titles of ``grassroots_days`` for a scope: every office's table starts with 单位."""
    return ("单位", *DAYS_HEADERS) if office == scope.ALL else DAYS_HEADERS


def grassroots_days(db: Database, year: int, today: dt.date | None = None, office: str = "") -> list[dict[str, Any]]:
    """The year's days table as plain rows keyed by Chinese titles (``days_headers``) for Excel and PDF."""
    names = office_names(db) if office == scope.ALL else None
    return [({"单位": names.get(r.office_code, r.office_code)} if names is not None else {}) | {
        "科室": r.section_name, "姓名": r.name, "身份": "领导" if r.is_leader else "工作人员", "基层天数": r.days,
        "年度定额": r.quota, "应达进度": r.expected,
        "完成率": f"{(r.days / r.quota * 100 if r.quota else 100):.0f}%", "进度": r.status, "调研次数": r.visits,
    } for r in days_table(db, year, today, office)]


def person_visits(db: Database, person_id: str, year: int, office: str = "") -> list[PersonVisit]:
    """The visits behind a person's number: each with its days in ``year`` and the days it newly adds.

    ``office`` is the scope: a prefecture may look at a county's person.
    """
    check_year(year)
    codes = scope.resolve(db, office)
    with db.session() as s:
        p = s.get(Person, person_id)
        if p is None or p.deleted or (codes is not None and p.office_code not in codes):
            raise NotFoundError("该人员不存在", "请刷新后重试")
        office_code = p.office_code
        places = {}
    mine = _spans_by_person(db, office_code, year, person_id).get(person_id, [])
    with db.session() as s:
        ids = [sp.visit_id for sp in mine]
        if ids:
            places = {vid: (place, method) for vid, place, method in
                      s.execute(select(Visit.id, Visit.place, Visit.method).where(Visit.id.in_(ids)))}
    seen: set[dt.date] = set()
    out = []
    for sp in mine:
        span = days_in(sp.start, sp.end, year)
        new = span - seen if not sp.reason else set()  # only counted days add to the number
        if not sp.reason:
            seen |= span
        place, method = places.get(sp.visit_id, ("", ""))
        out.append(PersonVisit(sp.visit_id, sp.start, sp.end, place, method, "带队" if sp.lead else "参加",
                               len(span), len(new), sp.reason))
    return out


def set_quota(db: Database, actor: Actor, person_id: str, quota: int | None) -> None:
    """Set a person's own yearly quota (None = the campaign default for leaders/staff); below zero is refused."""
    if quota is not None and (not isinstance(quota, int) or quota < 0 or quota > 366):
        raise ValidationError(f"基层调研天数定额“{quota}”无效", "请填写0到366之间的整数，留空则按年度默认定额",
                              field="quota_days")
    office = require_office(db)
    with db.transaction() as s:
        p = s.get(Person, person_id)
        if p is None or p.deleted:
            raise NotFoundError("该人员不存在", "请刷新后重试")
        refuse_foreign(s, office, p.office_code, "人员")
        old, p.quota_days = p.quota_days, quota
        audit.record(s, actor, "set_quota", "person", p.id, {"name": p.name, "from": old, "to": quota})
