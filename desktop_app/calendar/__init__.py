"""China's official working-day calendar (工作日): statutory holidays off, 调休 make-up days on.

The calendar is the ``holiday`` table: one row per exceptional day — ``rest``
(a holiday, including weekend days inside a holiday span) or ``workday`` (a
weekend day made a working day by 调休). Every other day is a working day
when it is Monday–Friday.

The table is seeded from the ``chinese_calendar`` package for the years that
package covers, can be edited (``set_day`` / ``remove_day``) and imported
from a spreadsheet (``import_days``). A year with no rows is *uncovered*: the
arithmetic then falls back to Monday–Friday and every result names the
uncovered years, so a caller can show a warning instead of guessing silently.

Tables sent down. A prefecture sends its holiday table in bundles; its rows keep
the prefecture's ``office_code``, so a county's table holds its own rows (seeded from
the package, entered or imported) and its parent office's (see
``desktop_app.org.upstream``; other counties' rows a prefecture relays never
count). For each date the rule is, strongest first:

1. this office's own edit (entered, imported, verified — or removed: a tombstone of
   its own row makes the day ordinary again);
2. the parent office's table (any row, or its removal), nearest parent first;
3. this office's package seed.

An own edit can be taken back (``revert_day``, 恢复上级设置 / 撤销本单位修改): its rows are
tombstoned with ``source = WITHDRAWN``, and an office whose rows of a date are all
withdrawn tombstones says nothing about it, so step 2 or 3 decides again (when the office
counts the package for that year, the package's day is written back as its seed row).

So a county may correct a day locally and keep it, the prefecture's table beats the
county's built-in calendar (which may be an older package), and a year the received
table covers is covered. A row whose kind is what the weekday is anyway (a
“workday” Monday, written to override a parent's holiday) reads 正常上班.

The package's public names are imported here (``from desktop_app import calendar``; the code is in
``arithmetic`` — working days between dates, N working days on, covered years; ``tables`` — which rows
count and the calendar read from them; ``editing`` — set, remove, move, revert a day, import many;
``sheet`` — a holiday table read from a spreadsheet; ``notice`` — the State Council's notice read).
Tests may patch ``calendar.set_day`` where the UI calls it through the package.
"""

from __future__ import annotations

from desktop_app.calendar.arithmetic import (
    HOLIDAY_NAMES,
    KINDS,
    PACKAGE_SOURCE,
    SOURCE_LABELS,
    WITHDRAWN,
    HolidayDay,
    WorkCalendar,
    WorkdayResult,
    package_days,
    source_label,
)
from desktop_app.calendar.editing import (
    import_days,
    move_day,
    remove_day,
    revert_day,
    sent_down_warning,
    set_day,
    write_days_in_session,
)
from desktop_app.calendar.sheet import parse_kind, read_holiday_sheet
from desktop_app.calendar.tables import (
    calendar_from_rows,
    calendar_in_session,
    list_days,
    load_calendar,
    seed_from_package,
    seed_in_session,
)

__all__ = [
    "HOLIDAY_NAMES", "KINDS", "PACKAGE_SOURCE", "SOURCE_LABELS", "WITHDRAWN", "HolidayDay", "WorkCalendar",
    "WorkdayResult", "calendar_from_rows", "calendar_in_session", "import_days", "list_days", "load_calendar",
    "move_day", "package_days", "parse_kind", "read_holiday_sheet", "remove_day", "revert_day", "seed_from_package",
    "seed_in_session", "sent_down_warning", "set_day", "source_label", "write_days_in_session",
]
