"""Warning colours (红黄绿预警) — computed from status, deadline and today, never stored.

- grey: closed (已销号) or void (已作废);
- red: the deadline has passed;
- yellow: the deadline is within N working days (setting ``ledger.yellow_workdays``, default 5);
- green: on track, or no deadline (长期坚持).

The same rule exists twice, as Python (one row) and as SQL (filters, counts),
both from one threshold date: an open item is yellow when
``today <= deadline <= add_workdays(today, N)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, literal, or_

from db.engine import Database
from db.models import Issue
from desktop_app.calendar import WorkCalendar, load_calendar
from desktop_app.core.ledger_codes import ENDED_STATUSES
from desktop_app.org import settings

COLOURS = ("red", "yellow", "green", "grey")
COLOUR_LABELS = {"red": "逾期", "yellow": "临期", "green": "正常", "grey": "办结"}
DONE_STATUSES = ENDED_STATUSES
DEFAULT_YELLOW_WORKDAYS = 5
SETTING_YELLOW = "ledger.yellow_workdays"


@dataclass(frozen=True)
class WarningClock:
    """Today and the last date that counts as “due soon”, fixed for one query."""

    today: dt.date
    yellow_until: dt.date
    calendar: WorkCalendar
    warnings: tuple[str, ...] = ()

    def colour(self, status: str, deadline: dt.date | None) -> str:
        """The colour of one item."""
        return colour_of(status, deadline, self.today, self.yellow_until)

    def sql_colour(self) -> ColumnElement[str]:
        """The colour as a SQL expression over ``issue``."""
        return case(
            (Issue.status.in_(DONE_STATUSES), literal("grey")),
            (Issue.deadline.is_(None), literal("green")),
            (Issue.deadline < self.today, literal("red")),
            (Issue.deadline <= self.yellow_until, literal("yellow")),
            else_=literal("green"),
        )

    def sql_is(self, colour: str) -> ColumnElement[bool]:
        """A WHERE condition: the item has ``colour``."""
        open_ = Issue.status.not_in(DONE_STATUSES)
        if colour == "grey":
            return Issue.status.in_(DONE_STATUSES)
        if colour == "red":
            return and_(open_, Issue.deadline < self.today)
        if colour == "yellow":
            return and_(open_, Issue.deadline >= self.today, Issue.deadline <= self.yellow_until)
        return and_(open_, or_(Issue.deadline.is_(None), Issue.deadline > self.yellow_until))


def colour_of(status: str, deadline: dt.date | None, today: dt.date, yellow_until: dt.date) -> str:
    """green|yellow|red|grey for one item (see the module docstring)."""
    if status in DONE_STATUSES:
        return "grey"
    if deadline is None:
        return "green"
    if deadline < today:
        return "red"
    if deadline <= yellow_until:
        return "yellow"
    return "green"


def yellow_workdays(db: Database) -> int:
    """N of “due within N working days” (a setting, default 5)."""
    try:
        n = int(settings.get(db, SETTING_YELLOW, DEFAULT_YELLOW_WORKDAYS))
    except (TypeError, ValueError):
        n = DEFAULT_YELLOW_WORKDAYS
    return max(0, n)


def warning_clock(db: Database, today: dt.date | None = None, calendar: WorkCalendar | None = None) -> WarningClock:
    """The warning threshold for ``today`` (default: the real today)."""
    today = today or dt.date.today()
    cal = calendar or load_calendar(db)
    r = cal.add_workdays(today, yellow_workdays(db))
    return WarningClock(today, r.value, cal, (r.warning,) if r.warning else ())
