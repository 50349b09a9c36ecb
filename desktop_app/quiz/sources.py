"""What the award rule borrows from other capabilities: ledger closure rates and grassroots days.

When a capability has nothing for the period, the figure is ``None`` and the award
rule shows that weight as not available instead of guessing. Both capabilities ship:
a module that cannot be imported is a damaged install and raises.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from db.engine import Database
from db.models import Person
from desktop_app.core.ledger_codes import FINISHED_STATUSES, IssueStatus


@dataclass(frozen=True)
class Figures:
    """Per person (done, out of): closed/due ledger items or grassroots days/expected days."""

    per_person: dict[str, tuple[float, float]]
    note: str


def ledger_closure(db: Database, start: dt.date, end: dt.date) -> Figures | None:
    """Per person: ledger items due by ``end`` (or closed in the period) and how many are done or closed.

    Items count for their 责任人 (responsible person) and their 牵头领导 (lead leader),
    matched by name. None when no item falls due.
    """
    from db.models import Issue

    with db.session() as s:
        by_name = {p.name: p.id for p in s.execute(select(Person).where(
            Person.office_code == db.office_code, Person.deleted.is_(False))).scalars()}
        rows = s.execute(select(Issue.responsible_person, Issue.lead_leader, Issue.status, Issue.deadline,
                                Issue.closed_at).where(Issue.office_code == db.office_code,
                                                       Issue.deleted.is_(False), Issue.status != IssueStatus.VOID)).all()
    out: dict[str, list[float]] = {}
    for person, leader, status, deadline, closed_at in rows:
        finished = status in FINISHED_STATUSES
        due = (deadline is not None and deadline <= end) or (closed_at is not None and start <= closed_at <= end)
        if not due:
            continue
        for name in {person, leader}:
            pid = by_name.get((name or "").strip())
            if pid:
                tally = out.setdefault(pid, [0.0, 0.0])
                tally[0] += 1.0 if finished else 0.0
                tally[1] += 1.0
    if not out:
        return None
    return Figures({k: (v[0], v[1]) for k, v in out.items()}, f"截至{end.isoformat()}到期的问题整改完成（销号）率")


def grassroots_days(db: Database, year: int, end: dt.date) -> Figures | None:
    """Per person: grassroots days in ``year`` against where the quota says they should be by ``end``."""
    from desktop_app.work.api import days_table

    rows = days_table(db, year, today=end)
    per = {r.person_id: (float(r.days), float(r.expected)) for r in rows if r.expected > 0}
    if not per or not any(d for d, _e in per.values()):
        return None
    return Figures(per, f"{year}年基层调研天数与截至{end.isoformat()}应达进度之比")


def section_evaluation(db: Database, year: int, half: str) -> dict[str, float]:
    """{section id: 科室评价 weighted total} of the half-year ("H1"/"H2"); empty when nobody scored."""
    from desktop_app.campaign.api import section_totals

    return section_totals(db, year, half)
