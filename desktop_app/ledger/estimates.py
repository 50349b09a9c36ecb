"""按周一至周五估算 — deadlines counted into a year the holiday table does not cover, and what happens
when that year's table arrives.

A deadline of N working days (``deadline_basis == "workdays"``) counted over a year without a
holiday table was counted Monday–Friday (``workdays.WorkCalendar``): it is an *estimate* and is
marked so wherever it is shown (``is_estimate``, ``ESTIMATE_MARK``). Nothing is stored for the
mark: once the year is covered the same item reads exact.

When the year's table arrives (the 放假安排通知 pasted or imported here, or a table sent down),
``recompute_estimates`` counts again every open item whose deadline this office owns and whose
working days ran into a newly covered year, moves the deadline where the real calendar puts it,
and returns the items moved, so the clerk sees which deadlines changed. An item whose deadline
another office owns (交办: the assigning office's field, DESIGN.md §4) is left to that office.

From November the coming year's table is due (the notice is published in late October or
November): ``coming_year_warning`` says so loudly until the year is covered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Issue
from desktop_app.calendar import WorkCalendar
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.ledger_codes import ENDED_STATUSES

ESTIMATE_MARK = "按周一至周五估算"
#: the month from which the coming year's table is asked for
WARN_FROM_MONTH = 11
ACTION = "recompute_deadline"


@dataclass(frozen=True)
class MovedDeadline:
    """An item whose estimated deadline the year's real calendar moved."""

    issue_id: str
    serial: str
    description: str
    responsible_unit: str
    old_deadline: dt.date
    new_deadline: dt.date
    workdays: int

    def to_json(self) -> dict[str, object]:
        """Plain JSON of the move."""
        return {"id": self.issue_id, "serial": self.serial, "description": self.description,
                "unit": self.responsible_unit, "from": self.old_deadline.isoformat(),
                "to": self.new_deadline.isoformat(), "workdays": self.workdays}


def is_estimate(cal: WorkCalendar, basis: str, assigned: dt.date | None, deadline: dt.date | None) -> bool:
    """True when a deadline of N working days was counted over a year ``cal`` does not cover."""
    if basis != "workdays" or assigned is None or deadline is None:
        return False
    lo, hi = min(assigned, deadline), max(assigned, deadline)
    return any(y not in cal.covered_years for y in range(lo.year, hi.year + 1))


def _today() -> dt.date:
    """Today (a seam: tests set the date the warning is for)."""
    return dt.date.today()


def coming_year_warning(cal: WorkCalendar, today: dt.date | None = None) -> str:
    """A loud Chinese warning when this year, or (from November) next year, has no holiday table;
    '' otherwise."""
    today = today or _today()
    missing = [y for y in (today.year, today.year + 1)
               if y not in cal.covered_years and (y == today.year or today.month >= WARN_FROM_MONTH)]
    if not missing:
        return ""
    years = "、".join(f"{y}年" for y in missing)
    return (f"尚未导入{years}的节假日安排：期限算到{years}的，均按周一至周五估算（标注“{ESTIMATE_MARK}”），"
            f"可能与实际放假调休不符。国务院办公厅放假安排通知发布后，请在 设置 › 节假日 中粘贴通知全文导入"
            f"，或由上级单位下发节假日表；导入后估算的期限会自动重算。")


def newly_covered(before: WorkCalendar, after: WorkCalendar, years: Iterable[int] | None = None) -> set[int]:
    """The years ``after`` covers that ``before`` did not (limited to ``years`` when given)."""
    got = set(after.covered_years) - set(before.covered_years)
    return got if years is None else got & set(years)


def recompute_estimates(s: Session, actor: Actor, office: str, before: WorkCalendar, after: WorkCalendar,
                        today: dt.date | None = None) -> list[MovedDeadline]:
    """Count again, on ``after``, the open items' deadlines that ``before`` had estimated over a year
    ``after`` now covers; move those that differ (inside the caller's transaction) and return them.

    Only deadlines this office owns (its own items, or the items it assigned) are moved; the
    original deadline follows when it had not been moved by an extension (it was the same estimate).
    """
    years = newly_covered(before, after)
    if not years:
        return []
    first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
    q = (select(Issue)
         .where(Issue.deadline_basis == "workdays", Issue.deadline_workdays.is_not(None),
                Issue.assigned_date.is_not(None), Issue.deadline.is_not(None),
                Issue.status.not_in(ENDED_STATUSES), Issue.deleted.is_(False),
                Issue.deadline >= first, Issue.assigned_date <= last)
         .order_by(Issue.serial, Issue.id))
    if office:
        q = q.where(or_(Issue.assigned_by_office == office,
                        (Issue.office_code == office) & or_(Issue.assigned_by_office.is_(None),
                                                            Issue.assigned_by_office == "")))
    moved: list[MovedDeadline] = []
    for issue in s.execute(q).scalars():
        assert issue.assigned_date is not None and issue.deadline is not None and issue.deadline_workdays is not None
        if not is_estimate(before, "workdays", issue.assigned_date, issue.deadline):
            continue
        if not any(first.year <= y <= last.year and y in years
                   for y in range(issue.assigned_date.year, issue.deadline.year + 1)):
            continue
        new = after.add_workdays(issue.assigned_date, issue.deadline_workdays).value
        old = issue.deadline
        if new == old:
            continue
        if issue.original_deadline == old:
            issue.original_deadline = new
        issue.deadline = new
        moved.append(MovedDeadline(issue.id, issue.serial, issue.description, issue.responsible_unit, old, new,
                                   issue.deadline_workdays))
    s.flush()
    for m in moved:
        audit.record(s, actor, ACTION, "issue", m.issue_id,
                     {"from": m.old_deadline, "deadline": m.new_deadline, "workdays": m.workdays,
                      "reason": f"导入{'、'.join(str(y) for y in sorted(years))}年节假日安排后按实际工作日重算"})
    return moved


def recompute_after(db: Database, actor: Actor, before: WorkCalendar) -> list[MovedDeadline]:
    """After a holiday table arrived outside this module's transaction (a bundle from the prefecture):
    count again, in a transaction of its own, what ``before`` had estimated for the years now covered."""
    from desktop_app.calendar import load_calendar

    after = load_calendar(db)
    if not newly_covered(before, after):
        return []
    with db.transaction() as s:
        return recompute_estimates(s, actor, db.office_code or "", before, after)


def moved_summary(moved: list[MovedDeadline], limit: int = 20) -> str:
    """One line naming the items whose estimated deadline moved ('' when none)."""
    if not moved:
        return ""
    listed = "、".join(f"{m.serial}（{m.old_deadline:%Y-%m-%d}→{m.new_deadline:%Y-%m-%d}）" for m in moved[:limit])
    more = f"等共{len(moved)}条" if len(moved) > limit else ""
    return f"收到节假日表后，按周一至周五估算的完成时限已按实际工作日重算：{listed}{more}"
