"""The figures of the campaign documents, read straight from the tables (月度工作报告, 季度督查通报, 半年复盘报告,
评比表彰通报, 调研报告初稿).

Small read-only queries over ``db.models_campaign``, ``db.models_work``, ``db.models_ledger`` and
``db.models_quiz``: the documents do not depend on how the meetings, plans and evaluation services are
written. Every function takes ``codes`` — the office codes covered (``scope.resolve``), ``None`` for every
office of a prefecture's database — and returns plain data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from db.models import Issue, Office, Person, Section, Topic, Visit, VisitParticipant
from db.models_campaign import (
    MONTHLY_REQUIRED_MEETING,
    RATER_DEFAULT_WEIGHTS,
    RATER_KIND_LABELS,
    Meeting,
    PeriodPlan,
    SectionScore,
)
from db.models_quiz import Award
from db.models_work import Outcome, TopicMember
from desktop_app.core.errors import NotFoundError, ValidationError
from desktop_app.core.ledger_codes import OPEN_STATUSES, IssueStatus
from desktop_app.core.visit_codes import VisitState
from desktop_app.documents.periods import Period
from desktop_app.work.visit_state import not_counted_reason

#: ledger states of an item still to be worked on (overdue when its deadline has passed)
OPEN_STATES = OPEN_STATUSES


def _scoped(q: Any, model: Any, codes: list[str] | None) -> Any:
    q = q.where(model.deleted.is_(False))
    return q if codes is None else q.where(model.office_code.in_(codes))


def office_names(db: Any) -> dict[str, str]:
    """{office code: name} of every office known here."""
    with db.session() as s:
        return {c: n for c, n in s.execute(select(Office.code, Office.name).where(Office.deleted.is_(False)))}


@dataclass
class Unit:
    """One row of a per-unit table: a section of one office, or a whole county (prefecture, every office)."""

    key: str  # section id, or office code
    name: str
    office_code: str
    plans_filed: int = 0
    meetings: int = 0
    #: months of the period (up to today) in which a 组工讲堂 was held, and those without one
    lecture_months: list[int] = field(default_factory=list)
    missing_lecture_months: list[int] = field(default_factory=list)
    overdue: int = 0
    visits: int = 0


@dataclass
class Figures:
    """One period's figures over the offices covered."""

    topics_year: int = 0
    topics_by_status: dict[str, int] = field(default_factory=dict)
    #: topics with a completed visit in the period
    topics_active: int = 0
    visits: int = 0
    visit_people: int = 0
    #: person-days at the grassroots in the period (completed visits, counted places; a day once per person)
    grassroots_days: int = 0
    meetings: int = 0
    meetings_by_kind: dict[str, int] = field(default_factory=dict)
    issues_found: int = 0
    issues_closed: int = 0
    issues_overdue: int = 0
    outcomes: int = 0
    published: int = 0
    units: list[Unit] = field(default_factory=list)


def _visit_span(v: Any) -> tuple[dt.date, dt.date]:
    return (v.actual_start or v.start_date, v.actual_end or v.end_date)


def _overlap(a: dt.date, b: dt.date, period: Period) -> tuple[dt.date, dt.date] | None:
    lo, hi = max(a, period.start), min(b, period.end)
    return (lo, hi) if lo <= hi else None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, 12, 31) if month == 12 else dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _found_on(issue: Any) -> dt.date | None:
    if issue.assigned_date:
        return issue.assigned_date  # type: ignore[no-any-return]
    return issue.created_at.date() if issue.created_at else None


_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


def plan_in_period(code: str, period: Period) -> bool:
    """Whether a plan's period (2026-W49, 2026-11, 2026-Q4, 2026-H2, 2026) lies within ``period``."""
    m = _WEEK.match(code)
    if m:
        try:
            thursday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 4)
        except ValueError:
            return False
        return period.start <= thursday <= period.end
    for grain, pat in (("month", r"^(\d{4})-(\d{2})$"), ("quarter", r"^(\d{4})-Q([1-4])$"),
                       ("half", r"^(\d{4})-H([12])$")):
        m = re.match(pat, code)
        if m:
            from desktop_app.documents.periods import make_period

            p = make_period(grain, int(m.group(1)), int(m.group(2)))
            return period.start <= p.start and p.end <= period.end
    return code == str(period.year) and period.grain == "year"


def period_figures(db: Any, codes: list[str] | None, period: Period, today: dt.date, by_office: bool = False
                   ) -> Figures:
    """The period's figures, with one :class:`Unit` per section (or per office with ``by_office``)."""
    ref = min(period.end, today)  # overdue as of the period's end, or today while it runs
    f = Figures()
    with db.session() as s:
        units = _Units(s, codes, by_office, db.office_code)
        _count_topics_and_visits(s, codes, period, f, units)
        _count_meetings(s, codes, period, today, f, units)
        _count_plans(s, codes, period, units)
        _count_issues(s, codes, period, ref, f, units)
        _count_outcomes(s, codes, period, f)
    f.units = list(units.by_key.values())
    return f


class _Units:
    """The units the figures are given by: the active sections, or with ``by_office`` the offices having one
    (a prefecture compares its counties: its own sections, ``here``, are not a county)."""

    def __init__(self, s: Any, codes: list[str] | None, by_office: bool, here: str | None) -> None:
        sections = s.execute(_scoped(select(Section), Section, codes).where(Section.active.is_(True))
                             .order_by(Section.office_code, Section.sort_order, Section.name)).scalars().all()
        names = {c: n for c, n in s.execute(select(Office.code, Office.name).where(Office.deleted.is_(False)))}
        self.by_office = by_office
        self.by_key: dict[str, Unit] = {}
        self.section_unit: dict[str, str] = {}
        for sec in sections:
            if by_office and sec.office_code == here:
                continue
            key = sec.office_code if by_office else sec.id
            if key not in self.by_key:
                self.by_key[key] = Unit(key, names.get(sec.office_code, sec.office_code) if by_office else sec.name,
                                        sec.office_code)
            self.section_unit[sec.id] = key
        self.by_name = {(u.office_code, u.name): u for u in self.by_key.values()}

    def of(self, section_id: str | None, office_code: str) -> Unit | None:
        if self.by_office:
            return self.by_key.get(office_code)
        return self.by_key.get(self.section_unit.get(section_id or "", ""))


def _count_topics_and_visits(s: Any, codes: list[str] | None, period: Period, f: Figures, units: _Units) -> None:
    """The year's topics; the visits done in the period, the topics they served, who went and their 基层调研天数."""
    topics = s.execute(_scoped(select(Topic), Topic, codes).where(Topic.year == period.year)).scalars().all()
    f.topics_year = len(topics)
    f.topics_by_status = dict(Counter(t.status for t in topics))
    visits = s.execute(_scoped(select(Visit), Visit, codes).where(Visit.state == VisitState.DONE)).scalars().all()
    in_period = [v for v in visits if _overlap(*_visit_span(v), period)]
    f.visits = len(in_period)
    f.topics_active = len({v.topic_id for v in in_period if v.topic_id})
    for v in in_period:
        u = units.of(v.section_id, v.office_code)
        if u:
            u.visits += 1
    counted = {v.id: v for v in in_period if not not_counted_reason(v.state, v.place_type, v.method)}
    days: set[tuple[str, dt.date]] = set()
    people: set[str] = set()
    if in_period:
        rows = s.execute(select(VisitParticipant.visit_id, VisitParticipant.person_id)
                         .where(VisitParticipant.deleted.is_(False),
                                VisitParticipant.visit_id.in_([v.id for v in in_period]))).all()
        for vid, pid in rows:
            people.add(pid)
            v = counted.get(vid)
            span = _overlap(*_visit_span(v), period) if v else None
            if span:
                days |= {(pid, span[0] + dt.timedelta(days=i)) for i in range((span[1] - span[0]).days + 1)}
    f.visit_people, f.grassroots_days = len(people), len(days)


def _count_meetings(s: Any, codes: list[str] | None, period: Period, today: dt.date, f: Figures,
                    units: _Units) -> None:
    """The period's meetings, and per unit the months with and without their 组工讲堂."""
    meetings = s.execute(_scoped(select(Meeting), Meeting, codes)
                         .where(Meeting.date >= period.start, Meeting.date <= period.end)).scalars().all()
    f.meetings = len(meetings)
    f.meetings_by_kind = dict(Counter(m.kind for m in meetings))
    lectures: dict[str, set[int]] = defaultdict(set)
    office_lectures: dict[str, set[int]] = defaultdict(set)
    for m in meetings:
        u = units.of(m.section_id, m.office_code)
        if u:
            u.meetings += 1
        if m.kind == MONTHLY_REQUIRED_MEETING:
            if u:
                lectures[u.key].add(m.date.month)
            if m.section_id is None:  # a 全办 lecture counts for every section
                office_lectures[m.office_code].add(m.date.month)
    months = [mo for _y, mo in period.months() if dt.date(period.year, mo, 1) <= today]
    # a month still running is not yet a month without its lecture — except in the report of that month
    due = [mo for mo in months if period.grain == "month" or _month_end(period.year, mo) <= today]
    for u in units.by_key.values():
        held = lectures[u.key] | office_lectures[u.office_code]
        u.lecture_months = [mo for mo in months if mo in held]
        u.missing_lecture_months = [mo for mo in due if mo not in held]


def _count_plans(s: Any, codes: list[str] | None, period: Period, units: _Units) -> None:
    """Per unit, the plans of the period filed to its leader."""
    plans = s.execute(_scoped(select(PeriodPlan), PeriodPlan, codes)
                      .where(PeriodPlan.year == period.year, PeriodPlan.filed_on.is_not(None))).scalars().all()
    for p in plans:
        if plan_in_period(p.period, period):
            u = units.of(p.section_id, p.office_code)
            if u:
                u.plans_filed += 1


def _count_issues(s: Any, codes: list[str] | None, period: Period, ref: dt.date, f: Figures, units: _Units) -> None:
    """Ledger items found and closed in the period; those overdue as of ``ref``, also per answerable unit."""
    issues = s.execute(_scoped(select(Issue), Issue, codes).where(Issue.status != IssueStatus.VOID)).scalars().all()
    owner = _issue_sections(s, codes)
    for i in issues:
        found = _found_on(i)
        if found and period.start <= found <= period.end:
            f.issues_found += 1
        if i.status == IssueStatus.CLOSED and i.closed_at and period.start <= i.closed_at <= period.end:
            f.issues_closed += 1
        if i.status in OPEN_STATES and i.deadline and i.deadline < ref and (not found or found <= ref):
            f.issues_overdue += 1
            u = (units.by_key.get(i.office_code) if units.by_office else
                 units.by_name.get((i.office_code, i.responsible_unit)) or units.of(owner(i), i.office_code))
            if u:
                u.overdue += 1


def _count_outcomes(s: Any, codes: list[str] | None, period: Period, f: Figures) -> None:
    """Outcomes dated in the period, and those published in it."""
    outcomes = s.execute(_scoped(select(Outcome), Outcome, codes)).scalars().all()
    for o in outcomes:
        if o.date and period.start <= o.date <= period.end:
            f.outcomes += 1
        if o.published_on and period.start <= o.published_on <= period.end:
            f.published += 1


def _issue_sections(s: Any, codes: list[str] | None) -> Any:
    """A function giving the section of the office answerable for a ledger item whose 责任单位 is not a section:
    its 责任人's section, else the section of the topic or visit it came from."""
    people = {(o, n): sid for o, n, sid in s.execute(
        _scoped(select(Person.office_code, Person.name, Person.section_id), Person, codes))}
    topics = dict(s.execute(_scoped(select(Topic.id, Topic.section_id), Topic, codes)).all())
    visits = dict(s.execute(_scoped(select(Visit.id, Visit.section_id), Visit, codes)).all())

    def owner(issue: Any) -> str | None:
        return (people.get((issue.office_code, issue.responsible_person)) or topics.get(issue.source_topic_id)
                or visits.get(issue.source_visit_id))

    return owner


@dataclass
class HalfReview:
    """A section's 半年复盘 summary (PeriodPlan kind half_review), or none filed."""

    unit: str
    summary: str
    filed_on: dt.date | None


def half_reviews(db: Any, codes: list[str] | None, period: Period, by_office: bool = False) -> list[HalfReview]:
    """Every active section's half-year review of ``period`` (filed or not), in the sections' order."""
    with db.session() as s:
        names = {c: n for c, n in s.execute(select(Office.code, Office.name).where(Office.deleted.is_(False)))}
        sections = s.execute(_scoped(select(Section), Section, codes).where(Section.active.is_(True))
                             .order_by(Section.office_code, Section.sort_order, Section.name)).scalars().all()
        plans = s.execute(_scoped(select(PeriodPlan), PeriodPlan, codes)
                          .where(PeriodPlan.kind == "half_review", PeriodPlan.period == period.code)).scalars().all()
        by_section = {p.section_id: p for p in plans}
        out = []
        for sec in sections:
            p = by_section.get(sec.id)
            name = f"{names.get(sec.office_code, sec.office_code)}{sec.name}" if by_office else sec.name
            filed = p is not None and p.filed_on is not None
            out.append(HalfReview(name, (p.summary or "").strip() if p and filed else "",
                                  p.filed_on if p and filed else None))
    return out


@dataclass
class SectionRating:
    """A section's half-year evaluation: the mean of each rater kind and the weighted total."""

    name: str
    office: str
    means: dict[str, float | None]
    total: float
    raters: int


def section_ratings(db: Any, codes: list[str] | None, year: int, half: int,
                    weights: dict[str, float] | None = None) -> list[SectionRating]:
    """Sections scored in the half, best first: each rater kind's mean weighted 50/30/20 (部领导/科室互评/党员干部);
    a kind nobody scored is left out and the other weights scaled up to a whole."""
    weights = weights or RATER_DEFAULT_WEIGHTS
    with db.session() as s:
        names = {c: n for c, n in s.execute(select(Office.code, Office.name).where(Office.deleted.is_(False)))}
        rows = s.execute(_scoped(select(SectionScore, Section.name, Section.office_code), SectionScore, codes)
                         .join(Section, Section.id == SectionScore.section_id)
                         .where(SectionScore.year == year, SectionScore.half == f"H{half}")).all()
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    label: dict[str, tuple[str, str]] = {}
    for sc, sec_name, code in rows:
        scores[sc.section_id][sc.rater_kind].append(sc.score)
        label[sc.section_id] = (sec_name, names.get(code, code))
    out = []
    for sid, by_kind in scores.items():
        means: dict[str, float | None] = {k: (sum(v) / len(v) if (v := by_kind.get(k)) else None)
                                          for k in RATER_KIND_LABELS}
        present = {k: m for k, m in means.items() if m is not None and weights.get(k)}
        w = sum(weights[k] for k in present)
        total = sum(weights[k] * m for k, m in present.items()) / w if w else 0.0
        out.append(SectionRating(label[sid][0], label[sid][1], means, round(total, 2),
                                 sum(len(v) for v in by_kind.values())))
    out.sort(key=lambda r: (r.office, -r.total, r.name))
    return out


@dataclass
class AwardedPerson:
    """A 工作能手 kept by the half-year award round (``db.models_quiz.Award``)."""

    name: str
    section: str
    office: str
    rank: int


def award_people(db: Any, codes: list[str] | None, year: int, half: int, kind: str = "工作能手") -> list[AwardedPerson]:
    """The confirmed awards of ``kind`` of the half, by office and rank."""
    with db.session() as s:
        names = {c: n for c, n in s.execute(select(Office.code, Office.name).where(Office.deleted.is_(False)))}
        awards = s.execute(_scoped(select(Award), Award, codes)
                           .where(Award.period == f"{year}H{half}", Award.kind == kind, Award.confirmed.is_(True))
                           .order_by(Award.office_code, Award.rank)).scalars().all()
        out = []
        for a in awards:
            person = s.get(Person, a.target_id)
            basis = json.loads(a.basis or "{}")
            section = s.get(Section, person.section_id).name if person is not None else ""
            out.append(AwardedPerson(basis.get("name") or (person.name if person else ""), section or "",
                                     names.get(a.office_code, a.office_code), a.rank))
    return out


@dataclass
class TopicVisit:
    """A visit of a topic: dates, place, method, who led, what was found."""

    start: dt.date
    end: dt.date
    place: str
    method: str
    lead: str
    findings: str
    state: str


@dataclass
class TopicIssue:
    """A ledger item raised by the topic or its visits, with its measures and state."""

    serial: str
    description: str
    measures: str
    unit: str
    status: str


@dataclass
class TopicOutcome:
    """An outcome of the topic."""

    kind: str
    title: str
    doc_no: str
    adopted_by: str
    published_in: str


@dataclass
class TopicData:
    """What a 调研报告 draft is prefilled with."""

    title: str
    office: str
    section: str
    kind: str
    status: str
    lead: str
    members: list[str]
    methods: list[str]
    visits: list[TopicVisit]
    issues: list[TopicIssue]
    outcomes: list[TopicOutcome]


def topic_data(db: Any, codes: list[str] | None, ref: str) -> TopicData:
    """The topic named by ``ref`` — its id, the first 8+ characters of it, or its exact title."""
    from desktop_app.core.ledger_codes import ISSUE_STATUS_LABELS

    ref = ref.strip()
    with db.session() as s:
        q = _scoped(select(Topic), Topic, codes)
        found = s.execute(q.where(Topic.id == ref)).scalars().all()
        if not found and len(ref) >= 8:
            found = s.execute(q.where(Topic.id.startswith(ref))).scalars().all()
        if not found:
            found = s.execute(q.where(Topic.title == ref)).scalars().all()
        if not found:
            raise NotFoundError(f"没有找到课题“{ref}”", "请用 --id 填写课题的编号（id）或完整的课题名称")
        if len(found) > 1:
            raise ValidationError(f"“{ref}”对应{len(found)}个课题", "请用 --id 填写课题的编号（id）", field="--id")
        t = found[0]
        person = {p.id: p.name for p in s.execute(select(Person)).scalars()}
        section = s.get(Section, t.section_id)
        office = s.execute(select(Office.name).where(Office.code == t.office_code)).scalar() or t.office_code
        members = [person.get(pid, "") for pid in s.execute(
            select(TopicMember.person_id).where(TopicMember.topic_id == t.id, TopicMember.deleted.is_(False))
        ).scalars()]
        visits = s.execute(select(Visit).where(Visit.topic_id == t.id, Visit.deleted.is_(False),
                                               Visit.state != VisitState.CANCELLED)
                           .order_by(Visit.start_date)).scalars().all()
        visit_ids = [v.id for v in visits]
        cond = Issue.source_topic_id == t.id
        if visit_ids:
            cond = cond | Issue.source_visit_id.in_(visit_ids)
        issues = s.execute(select(Issue).where(cond, Issue.deleted.is_(False), Issue.status != IssueStatus.VOID)
                           .order_by(Issue.serial)).scalars().all()
        outcomes = s.execute(select(Outcome).where(Outcome.topic_id == t.id, Outcome.deleted.is_(False))
                             .order_by(Outcome.date)).scalars().all()
        try:
            methods = [str(m) for m in json.loads(t.methods or "[]")]
        except ValueError:
            methods = []
        return TopicData(
            t.title, str(office), section.name if section else "", t.kind, t.status, person.get(t.lead_id or "", ""),
            [m for m in members if m], methods,
            [TopicVisit(*_visit_span(v), v.place, v.method, person.get(v.lead_id or "", ""), v.findings or "",
                        v.state) for v in visits],
            [TopicIssue(i.serial, i.description, i.measures or "", i.responsible_unit,
                        ISSUE_STATUS_LABELS.get(i.status, i.status)) for i in issues],
            [TopicOutcome(o.kind, o.title, o.doc_no or "", o.adopted_by or "", o.published_in or "") for o in outcomes],
        )
