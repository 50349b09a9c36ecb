"""市级视图 — a prefecture office's side-by-side view of its counties, from the rows their bundles brought.

Per county: ledger items, closure rate, overdue items, grassroots days against quota and
quiz averages, plus rankings on each. Works on whatever counties' data has arrived; a
county that has sent nothing yet shows zeros.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, extract, func, select
from sqlalchemy.orm import Session

from db.dialect import days_between
from db.engine import Database
from db.models import Attempt, Campaign, Issue, Office, Person, Visit, VisitParticipant
from desktop_app.core.errors import SetupRequiredError, ValidationError
from desktop_app.core.ledger_codes import OPEN_STATUSES, IssueStatus

OPEN_STATUSES = OPEN_STATUSES


@dataclass(frozen=True)
class CountyStats:
    """One county's figures (各县比较 — one row)."""

    code: str
    name: str
    items: int
    closed: int
    overdue: int
    closure_rate: float  # closed / items, 0–1
    person_days: int  # grassroots person-days of visits
    quota_days: int  # the people's yearly quotas summed
    days_ratio: float  # person_days / quota_days
    quiz_average: float | None
    quiz_attempts: int


@dataclass(frozen=True)
class Ranking:
    """一项排名 — counties ordered best first on one measure."""

    key: str
    title: str
    rows: list[tuple[int, str, str, float | None]]  # (rank, code, name, value)


RANKINGS = (
    ("closure_rate", "销号率", True),
    ("overdue", "逾期未完成事项", False),
    ("days_ratio", "基层调研天数完成率", True),
    ("quiz_average", "业务测试平均分", True),
)


def _counties(s: Session, me: str) -> dict[str, str]:
    offices = {code: name for code, name, level in s.execute(
        select(Office.code, Office.name, Office.level).where(Office.deleted.is_(False))) if code != me}
    for (code,) in s.execute(select(Issue.office_code).distinct()):
        if code != me:
            offices.setdefault(code, code)
    return offices


def county_comparison(db: Database, year: int | None = None, codes: list[str] | None = None,
                      today: dt.date | None = None) -> list[CountyStats]:
    """Every county's figures for ``year`` (default: this year), optionally only ``codes``."""
    if not db.office_code:
        raise SetupRequiredError()
    year = year or dt.date.today().year
    if not 2000 <= year <= 2100:
        raise ValidationError(f"年度“{year}”无效", "请填写四位年份")
    today = today or dt.date.today()
    with db.session() as s:
        counties = _counties(s, db.office_code)
        if codes:
            counties = {c: n for c, n in counties.items() if c in codes}
        live = and_(Issue.deleted.is_(False), Issue.status != IssueStatus.VOID, Issue.year == year)
        issues = {code: (int(n), int(closed or 0), int(overdue or 0)) for code, n, closed, overdue in s.execute(
            select(Issue.office_code, func.count(),
                   func.sum(case((Issue.status == IssueStatus.CLOSED, 1), else_=0)),
                   func.sum(case((and_(Issue.deadline < today, Issue.status.in_(OPEN_STATUSES)), 1), else_=0)))
            .where(live).group_by(Issue.office_code))}
        days_expr = days_between(Visit.end_date, Visit.start_date) + 1
        days = {code: int(d or 0) for code, d in s.execute(
            select(Visit.office_code, func.sum(days_expr))
            .join(VisitParticipant, VisitParticipant.visit_id == Visit.id)
            .where(Visit.deleted.is_(False), VisitParticipant.deleted.is_(False),
                   extract("year", Visit.start_date) == year)
            .group_by(Visit.office_code))}
        quotas = _quotas(s, year)
        quiz = {code: (float(avg) if avg is not None else None, int(n)) for code, avg, n in s.execute(
            select(Attempt.office_code, func.avg(Attempt.score), func.count())
            .where(Attempt.deleted.is_(False), Attempt.absent.is_(False), Attempt.score.is_not(None))
            .group_by(Attempt.office_code))}
    out = []
    for code, name in sorted(counties.items()):
        n, closed, overdue = issues.get(code, (0, 0, 0))
        pd_, quota = days.get(code, 0), quotas.get(code, 0)
        avg, attempts = quiz.get(code, (None, 0))
        out.append(CountyStats(code=code, name=name, items=n, closed=closed, overdue=overdue,
                               closure_rate=closed / n if n else 0.0, person_days=pd_, quota_days=quota,
                               days_ratio=pd_ / quota if quota else 0.0, quiz_average=avg, quiz_attempts=attempts))
    return out


def _quotas(s: Session, year: int) -> dict[str, int]:
    defaults = {code: (lq, sq) for code, lq, sq in s.execute(
        select(Campaign.office_code, Campaign.leader_quota, Campaign.staff_quota)
        .where(Campaign.year == year, Campaign.deleted.is_(False)))}
    out: dict[str, int] = {}
    for code, leader, quota in s.execute(select(Person.office_code, Person.is_leader, Person.quota_days)
                                         .where(Person.deleted.is_(False), Person.active.is_(True))):
        lq, sq = defaults.get(code, (90, 60))
        out[code] = out.get(code, 0) + (quota if quota is not None else (lq if leader else sq))
    return out


def rankings(stats: list[CountyStats]) -> list[Ranking]:
    """Counties ranked on each measure (ties share a rank; no value ranks last)."""
    out = []
    for key, title, higher_better in RANKINGS:
        values = [(getattr(c, key), c) for c in stats]
        present = sorted((v for v in values if v[0] is not None), key=lambda x: x[0], reverse=higher_better)
        rows: list[tuple[int, str, str, float | None]] = []
        rank, last = 0, object()
        for i, (v, c) in enumerate(present, 1):
            if v != last:
                rank, last = i, v
            rows.append((rank, c.code, c.name, v))
        rows += [(len(present) + 1, c.code, c.name, None) for v, c in values if v is None]
        out.append(Ranking(key=key, title=title, rows=rows))
    return out
