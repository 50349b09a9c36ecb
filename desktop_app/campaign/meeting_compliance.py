"""组工讲堂 held or not — per section and month (“每月举办1期组工讲堂”).

A 组工讲堂 of a section counts for that section; one the whole office held (全办) counts for every
section that month, since every section sat in it. Months run from the campaign's first month (its
start date, else January) to the month of ``as_of`` (that month included: it is due until it ends),
never past December. Sections are this office's live, active sections in display order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Campaign, Section
from db.models_campaign import MONTHLY_REQUIRED_MEETING, Meeting
from desktop_app.core.errors import SetupRequiredError
from desktop_app.org import scope

#: cell marks of the grid: held, missing, a month still running without one yet
HELD, MISSING, DUE = "✓", "缺", "待"


@dataclass(frozen=True)
class ComplianceGrid:
    """Sections × months: how many 组工讲堂 each section held (its own plus 全办 ones)."""

    year: int
    as_of: dt.date
    sections: tuple[str, ...]
    months: tuple[str, ...]
    #: (section name, 'YYYY-MM') → meetings counted
    held: dict[tuple[str, str], int]

    def mark(self, section: str, month: str) -> str:
        """✓ held; 缺 a finished month without one; 待 the running month without one yet."""
        if self.held.get((section, month), 0):
            return HELD
        return DUE if month == f"{self.as_of:%Y-%m}" else MISSING

    @property
    def missing(self) -> list[tuple[str, str]]:
        """(section, month) with no 组工讲堂, the running month included."""
        return [(sec, mon) for sec in self.sections for mon in self.months if not self.held.get((sec, mon), 0)]


def _months(s: Session, office: str, year: int, as_of: dt.date) -> list[str]:
    start = s.execute(select(Campaign.start_date).where(Campaign.office_code == office, Campaign.year == year,
                                                        Campaign.deleted.is_(False))).scalar()
    first = start.month if start is not None and start.year == year else 1
    if as_of.year < year:
        return []
    last = 12 if as_of.year > year else as_of.month
    return [f"{year}-{m:02d}" for m in range(first, last + 1)]


def grid_in_session(s: Session, office: str, year: int, as_of: dt.date) -> ComplianceGrid:
    """The grid of ``office`` for ``year`` up to ``as_of``, read in the caller's session."""
    sections = list(s.execute(select(Section.id, Section.name).where(
        Section.office_code == office, Section.deleted.is_(False), Section.active.is_(True))
        .order_by(Section.sort_order, Section.name)).all())
    months = _months(s, office, year, as_of)
    held: dict[tuple[str, str], int] = {}
    name_of = {sid: name for sid, name in sections}
    for section_id, day in s.execute(select(Meeting.section_id, Meeting.date).where(
            Meeting.office_code == office, Meeting.year == year, Meeting.kind == MONTHLY_REQUIRED_MEETING,
            Meeting.deleted.is_(False), Meeting.date <= as_of)):
        month = f"{day:%Y-%m}"
        targets = [name_of[section_id]] if section_id in name_of else ([] if section_id else list(name_of.values()))
        for name in targets:
            held[(name, month)] = held.get((name, month), 0) + 1
    return ComplianceGrid(year, as_of, tuple(name for _, name in sections), tuple(months), held)


def compliance_grid(db: Database, year: int, as_of: dt.date | None = None, office: str = "") -> ComplianceGrid:
    """The 组工讲堂 grid of one office (``office``: "" this office or a county's code; not ``scope.ALL``)."""
    codes = scope.resolve(db, office)
    code = codes[0] if codes else (db.office_code or "")
    with db.session() as s:
        return grid_in_session(s, code, year, as_of or dt.date.today())


def missing_required_meetings(session: Session, year: int, as_of: dt.date,
                              office: str | None = None) -> list[tuple[str, str]]:
    """(section name, 'YYYY-MM') of every month up to ``as_of`` (its month included) in which a section of this
    office held no 组工讲堂 — for the 待办 panel. ``office`` defaults to the session's own office."""
    code = office or str(session.info.get("office_code") or "")
    if not code:
        raise SetupRequiredError()
    return grid_in_session(session, code, year, as_of).missing
