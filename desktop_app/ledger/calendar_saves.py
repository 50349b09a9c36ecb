"""The calendar changed, the ledger follows — saving a holiday notice or sheet recomputes estimated deadlines.

A deadline that was estimated Monday–Friday for a year the calendar did not cover yet is counted again
when that year's holiday table arrives (``estimates.recompute_estimates``), in the same transaction as
the rows. The reading of a notice is the calendar's (``desktop_app.calendar.notice``); the saving is
here because it writes ledger items, and the calendar sits below the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.engine import Database
from desktop_app import calendar as workdays
from desktop_app.calendar.notice import NOTICE_SOURCE, NoticeParse
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.ledger import estimates
from desktop_app.ledger.estimates import MovedDeadline


@dataclass(frozen=True)
class NoticeSaved:
    """What saving a notice did: the year, the rows written, the estimated deadlines it moved."""

    year: int
    rows: int
    moved: tuple[MovedDeadline, ...]
    calendar_warning: str = ""


def save_notice(db: Database, actor: Actor, parsed: NoticeParse) -> NoticeSaved:
    """Save a read notice as this office's holiday table for its year — in one transaction with the
    deadlines that had been estimated for the year counted again (``estimates.recompute_estimates``).

    This office's rows of the year from the built-in calendar or an earlier notice that the new
    notice does not list are taken out; days entered by hand (a local holiday) stay.
    """
    before = workdays.load_calendar(db)
    with db.transaction() as s:
        rows = workdays.write_days_in_session(s, parsed.days(), NOTICE_SOURCE,
                                              replace_sources=(workdays.PACKAGE_SOURCE, NOTICE_SOURCE))
        after = workdays.calendar_in_session(s)
        moved = estimates.recompute_estimates(s, actor, db.office_code or "", before, after)
        audit.record(s, actor, "import_holiday_notice", "holiday", "",
                     {"year": parsed.year, "rest_days": len(parsed.rest_days), "work_days": len(parsed.work_days),
                      "moved": [m.serial for m in moved][:50], "moved_count": len(moved)})
    return NoticeSaved(parsed.year, rows, tuple(moved), estimates.coming_year_warning(workdays.load_calendar(db)))


def save_days(db: Database, actor: Actor, days: list[tuple[dt.date, str, str]],
              source: str = "import") -> tuple[int, tuple[MovedDeadline, ...]]:
    """Import (date, kind, name) rows read from a holiday spreadsheet (``workdays.import_days``) and, in the
    same transaction, count again the deadlines estimated for the years they cover; returns
    (rows written, deadlines moved)."""
    before = workdays.load_calendar(db)
    moved: list[MovedDeadline] = []

    def recompute(s: Session) -> None:
        moved.extend(estimates.recompute_estimates(s, actor, db.office_code or "", before,
                                                   workdays.calendar_in_session(s)))

    n = workdays.import_days(db, actor, days, source, then=recompute)
    return n, tuple(moved)
