"""工作台概况 — the dashboard's summary counts (Qt-free; cheap count queries only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from db.engine import Database
from db.models import Person, Section, Topic, Visit
from desktop_app.ledger.query import IssueFilter, count_issues
from desktop_app.ledger.warnings import warning_clock
from desktop_app.services import organisation, scope

OPEN_STATUSES = ("not_started", "in_progress")


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


def summary(db: Database, today: dt.date | None = None) -> DashboardSummary:
    """Counts for the current campaign year (sections and people: active ones)."""
    today = today or dt.date.today()
    office = organisation.get_office(db)
    year = organisation.current_year(db)
    camp = organisation.get_campaign(db, year)
    code = db.office_code
    with db.session() as s:
        def count(stmt: object) -> int:
            return int(s.execute(stmt).scalar() or 0)  # type: ignore[call-overload]

        sections = count(select(func.count()).select_from(Section).where(
            Section.office_code == code, Section.deleted.is_(False), Section.active.is_(True)))
        people_q = select(func.count()).select_from(Person).where(
            Person.office_code == code, Person.deleted.is_(False), Person.active.is_(True))
        people = count(people_q)
        leaders = count(people_q.where(Person.is_leader.is_(True)))
        topics = count(select(func.count()).select_from(Topic).where(
            Topic.office_code == code, Topic.deleted.is_(False), Topic.year == year))
        visits = count(select(func.count()).select_from(Visit).where(
            Visit.office_code == code, Visit.deleted.is_(False),
            Visit.start_date >= dt.date(year, 1, 1), Visit.start_date <= dt.date(year, 12, 31)))
    # the ledger's own counts: this office's items only (never rows a prefecture relayed), and
    # overdue by the ledger's warning rule (red), so the cards and the ledger never disagree
    # a prefecture's cards count every county's items, as its ledger statistics do
    scope_office = scope.ALL if office.level == "prefecture" else ""
    clock = warning_clock(db, today)
    issues = count_issues(db, IssueFilter(year=year, office=scope_office), clock)
    issues_open = count_issues(db, IssueFilter(year=year, statuses=list(OPEN_STATUSES), office=scope_office), clock)
    overdue = count_issues(db, IssueFilter(year=year, colours=["red"], office=scope_office), clock)
    return DashboardSummary(
        office.code, office.name, office.level_label, year, camp.name if camp else f"{year}年大调研",
        camp.leader_quota if camp else organisation.DEFAULT_LEADER_QUOTA,
        camp.staff_quota if camp else organisation.DEFAULT_STAFF_QUOTA,
        sections, people, leaders, topics, visits, issues, issues_open, overdue)
