"""工作台概况 — the dashboard's summary counts (Qt-free; cheap count queries only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from db.engine import Database
from db.models import Person, Section, Topic, Visit
from desktop_app.core.ledger_codes import OPEN_STATUSES
from desktop_app.ledger.query import year_counts
from desktop_app.ledger.warnings import warning_clock
from desktop_app.org import organisation, scope

OPEN_STATUSES = OPEN_STATUSES


@dataclass(frozen=True)
class DashboardSummary:
    """What the dashboard header shows for this office and campaign year."""

    office_code: str
    office_name: str
    level_label: str
    year: int
    campaign_name: str
    leader_quota: int
    staff_quota: int
    sections: int
    people: int
    leaders: int
    topics: int
    visits: int
    issues: int
    issues_open: int
    issues_overdue: int
    scope: str = ""
    #: items lacking a required element (待完善: measures, responsible unit or person, a deadline)
    issues_incomplete: int = 0  # whose rows the counts cover: "" this office, a county's code, or scope.ALL
    #: 已作废 items: not in ``issues`` (the ledger hides them too), said beside it so the totals add up
    issues_void: int = 0


def default_scope(db: Database) -> str:
    """Whose figures the dashboard shows unless told: every county's in a prefecture, its own in a county."""
    return scope.ALL if scope.is_prefecture(db) else ""


def summary(db: Database, today: dt.date | None = None, office: str | None = None) -> DashboardSummary:
    """Counts for the current campaign year (sections and people: active ones).

    ``office`` is the scope (``org.scope``); None means ``default_scope``, so a
    prefecture's cards count every county's rows, like its ledger statistics.
    """
    today = today or dt.date.today()
    info = organisation.get_office(db)
    year = organisation.current_year(db)
    camp = organisation.get_campaign(db, year)
    scope_office = default_scope(db) if office is None else office
    codes = _codes(db, scope_office)
    with db.session() as s:
        def count(stmt: object) -> int:
            return int(s.execute(stmt).scalar() or 0)  # type: ignore[call-overload]

        sections = count(select(func.count()).select_from(Section).where(
            Section.office_code.in_(codes), Section.deleted.is_(False), Section.active.is_(True)))
        people_q = select(func.count()).select_from(Person).where(
            Person.office_code.in_(codes), Person.deleted.is_(False), Person.active.is_(True))
        people = count(people_q)
        leaders = count(people_q.where(Person.is_leader.is_(True)))
        topics = count(select(func.count()).select_from(Topic).where(
            Topic.office_code.in_(codes), Topic.deleted.is_(False), Topic.year == year))
        visits = count(select(func.count()).select_from(Visit).where(
            Visit.office_code.in_(codes), Visit.deleted.is_(False),
            Visit.start_date >= dt.date(year, 1, 1), Visit.start_date <= dt.date(year, 12, 31)))
    # the ledger's own counts, in the same scope (a county never counts rows a prefecture relayed),
    # and overdue by the ledger's warning rule (red), so the cards and the ledger never disagree
    counts = year_counts(db, year, scope_office, warning_clock(db, today))
    return DashboardSummary(
        info.code, info.name, info.level_label, year, camp.name if camp else f"{year}年大调研",
        camp.leader_quota if camp else organisation.DEFAULT_LEADER_QUOTA,
        camp.staff_quota if camp else organisation.DEFAULT_STAFF_QUOTA,
        sections, people, leaders, topics, visits, counts.listed, counts.open, counts.overdue, scope_office,
        counts.incomplete, counts.void)


# ---------------------------------------------------------------- the work and quiz panels, by scope

@dataclass(frozen=True)
class OfficeWork:
    """一个单位的调研工作 — one office's research work of the year (a prefecture's row per county)."""

    office_code: str
    office_name: str
    people: int
    days: int  # grassroots days of its active people (each day once per person)
    quota: int  # the sum of their quotas, each against its own office's campaign
    completed: int  # people whose days reached their quota
    behind: int  # people 明显滞后
    visits: int  # visits starting in the year (as the 调研安排 card counts them)
    topics: int
    outcomes: int
    days_rank: int = 0  # by days against quota, among the offices in view (1 = best)

    @property
    def days_rate(self) -> float:
        """Days done as a share of the quota (0 when nobody has a quota)."""
        return self.days / self.quota if self.quota else 0.0


@dataclass(frozen=True)
class WorkOverview:
    """The dashboard's 调研工作 panel: topics by stage, outcomes by kind, days against quota.

    ``days`` is per section for one office and per office for ``scope.ALL`` (label, days, quota).
    """

    office: str
    year: int
    stages: dict[str, int]
    outcomes: dict[str, int]
    days: list[tuple[str, int, int]]
    offices: list[OfficeWork]
    #: topics whose report is overdue / due soon and not yet sent for review (``work.topic_review``)
    reports_late: int = 0
    reports_due_soon: int = 0
    #: the share of the year gone (the pace mark on the days bars) and the labels of the bars behind
    #: enough to deserve attention (``work.days.needs_attention``)
    pace_share: float = 0.0
    behind: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfficeQuiz:
    """一个单位的业务测试 — one office's exams of the year: average, participation, pass rate."""

    office_code: str
    office_name: str
    exams: int
    expected: int  # people who should have sat, summed over its exams (less 免考)
    sat: int
    average: float | None  # % of each paper's total, over every scored sitting
    pass_rate: float | None
    quarters: dict[str, float | None]  # quarter label → average %
    rank: int = 0  # by average among the offices in view (0: no score yet)

    @property
    def participation(self) -> float:
        """Sittings as a share of those expected."""
        return self.sat / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class QuizOverview:
    """The dashboard's 业务测试 panel: average % per group and quarter.

    ``groups`` are the sections of one office, or the offices for ``scope.ALL``;
    ``series`` the quarter labels, oldest first.
    """

    office: str
    year: int
    series: list[str]
    groups: list[tuple[str, list[float | None]]]
    offices: list[OfficeQuiz]

    @property
    def exams(self) -> int:
        """How many exams the offices in view held in the year."""
        return sum(o.exams for o in self.offices)


def _codes(db: Database, office: str) -> list[str]:
    """The office codes in view, in the scope selector's order (this office first)."""
    codes = scope.resolve(db, office)
    return [c.code for c in scope.office_choices(db)] if codes is None else codes


def _offices(db: Database, office: str) -> dict[str, str]:
    """The offices in view, code → name, in the scope selector's order (one read of the office list)."""
    codes = scope.resolve(db, office)
    names = {c.code: c.name for c in scope.office_choices(db)}
    return dict(names) if codes is None else {code: names.get(code, code) for code in codes}


def _visits_by_office(db: Database, codes: list[str], year: int) -> dict[str, int]:
    # one grouped count (no service lists visits without loading them); same rule as the 调研安排 card
    with db.session() as s:
        return {code: int(n) for code, n in s.execute(
            select(Visit.office_code, func.count()).where(
                Visit.office_code.in_(codes), Visit.deleted.is_(False),
                Visit.start_date >= dt.date(year, 1, 1), Visit.start_date <= dt.date(year, 12, 31))
            .group_by(Visit.office_code))}


def _ranks(values: dict[str, float | None], own: str | None = None) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) of the offices with a value.

    ``own`` (the prefecture looking at all its offices) is left out: it compares its counties, it is
    not one of them (it ranked itself 4th of 4 with 0 days of its own before).
    """
    from desktop_app.quiz.results import rank_scores

    ranked = [(c, v) for c, v in values.items() if v is not None and c != own]
    return {code: rank for rank, code, _v in rank_scores(ranked)}



def work_overview(db: Database, year: int, office: str = "", today: dt.date | None = None) -> WorkOverview:
    """The 调研工作 panel's figures for the scope (``office``: "" this office, a county's code, or ALL).

    Each office's people are measured against that office's own campaign quota (``work.days``).
    """
    from desktop_app.work import days as work_days
    from desktop_app.work import topics as work_topics

    names = _offices(db, office)
    codes = list(names)
    rows = work_days.days_table(db, year, today, office)
    visits = _visits_by_office(db, codes, year)
    stages: dict[str, int] = {}
    kinds: dict[str, int] = {}
    per_office = []
    for code in codes:
        mine = [r for r in rows if r.office_code == code]
        by_stage = work_topics.topics_by_stage(db, year, office=code)
        outcomes = work_topics.outcome_infos(db, year=year, office=code)
        for k, n in by_stage.items():
            stages[k] = stages.get(k, 0) + n
        for o in outcomes:
            kinds[o.kind] = kinds.get(o.kind, 0) + 1
        per_office.append(OfficeWork(
            code, names[code], len(mine), sum(r.days for r in mine), sum(r.quota for r in mine),
            sum(1 for r in mine if r.days >= r.quota), sum(1 for r in mine if r.status == "明显滞后"),
            visits.get(code, 0), sum(by_stage.values()), len(outcomes)))
    own = db.office_code if office == scope.ALL and len(per_office) > 1 else None
    ranks = _ranks({o.office_code: o.days_rate for o in per_office if o.quota}, own)
    per_office = [replace(o, days_rank=ranks.get(o.office_code, 0)) for o in per_office]
    outcome_counts = dict.fromkeys(work_topics.OUTCOME_KINDS, 0) | kinds
    if office == scope.ALL:
        chart = [(o.office_name, o.days, o.quota) for o in per_office]
    else:
        chart = work_days.section_totals(rows)
    from desktop_app.work import topic_review

    due = topic_review.due_counts(db, work_topics.topic_infos(db, year, office=office), today)
    when = today or dt.date.today()
    behind = tuple(name for name, d, q in chart if work_days.needs_attention(d, q, year, when))
    return WorkOverview(office, year, stages, outcome_counts, chart, per_office, len(due.red), len(due.yellow),
                        work_days.year_share(year, when), behind)


def _quarter_label(quarter: int) -> str:
    return f"第{'一二三四'[quarter - 1]}季度"


def _office_quiz(db: Database, code: str, name: str, year: int) -> OfficeQuiz:
    from desktop_app.quiz import results

    exam_list = list(reversed(results.list_exams(db, year, office=code)))  # oldest first
    expected = sat = passed = 0
    points = 0.0  # the sum of every scored sitting's % of the total
    quarters: dict[int, list[float]] = {}
    for e in exam_list:
        stats = results.section_stats(db, e.id, office=code)
        expected += sum(st.people for st in stats)
        scored = [(st.sat, st.average, st.pass_rate) for st in stats if st.sat and st.average is not None]
        n = sum(k for k, _avg, _pr in scored)
        pct = sum(k * (avg or 0.0) for k, avg, _pr in scored) * 100.0 / e.total if e.total else 0.0
        sat += n
        points += pct
        passed += round(sum(k * (pr or 0.0) for k, _avg, pr in scored))
        q = quarters.setdefault(e.quarter, [0.0, 0.0])
        q[0] += pct
        q[1] += n
    return OfficeQuiz(code, name, len(exam_list), expected, sat, round(points / sat, 1) if sat else None,
                      round(passed / sat, 4) if sat else None,
                      {_quarter_label(k): (round(p / n, 1) if n else None) for k, (p, n) in sorted(quarters.items())})


def quiz_overview(db: Database, year: int, office: str = "") -> QuizOverview:
    """The 业务测试 panel's figures for the scope: average % per section (one office) or per office (ALL),
    each office's exams read as that office scored them (``quiz.results``)."""
    from desktop_app.quiz import results

    names = _offices(db, office)
    codes = list(names)
    per_office = [_office_quiz(db, code, name, year) for code, name in names.items()]
    own = db.office_code if office == scope.ALL and len(per_office) > 1 else None
    ranks = _ranks({o.office_code: o.average for o in per_office}, own)
    per_office = [replace(o, rank=ranks.get(o.office_code, 0)) for o in per_office]
    if office == scope.ALL:
        series = [_quarter_label(q) for q in range(1, 5)
                  if any(_quarter_label(q) in o.quarters for o in per_office)]
        groups = [(o.office_name, [o.quarters.get(s) for s in series]) for o in per_office if o.exams]
    elif codes == [db.office_code]:
        data = results.section_averages(db, year)  # this office: the chart it always had
        series = [label for label, _v in data[0][2]] if data else []
        groups = [(name, [v for _l, v in values]) for _sid, name, values in data]
    else:
        series, groups = _sections_of(db, codes[0], year)
    return QuizOverview(office, year, series, groups, per_office)


def _sections_of(db: Database, code: str, year: int) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """A county's average % per section and exam (a prefecture looking at one county)."""
    from desktop_app.quiz import results

    exam_list = list(reversed(results.list_exams(db, year, office=code)))
    series = [_quarter_label(e.quarter) for e in exam_list]
    by_section: dict[str, list[float | None]] = {}
    for i, e in enumerate(exam_list):
        for st in results.section_stats(db, e.id, office=code):
            values = by_section.setdefault(st.section, [None] * len(exam_list))
            values[i] = round(st.average * 100.0 / e.total, 1) if st.average is not None and e.total else None
    return series, list(by_section.items())
