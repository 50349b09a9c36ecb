"""China's official working-day calendar (工作日) — the names the rest of the app imports.

The code lives in :mod:`desktop_app.calendar` (its package docstring explains the holiday table and
which office's rows count for a date), in four modules a newcomer can guess:

- ``calendar.arithmetic``: ``WorkCalendar`` (working days between dates, N working days on, covered
  years), ``WorkdayResult``, the ``chinese_calendar`` package's days;
- ``calendar.tables``: which rows count (本单位修改 > 上级下发 > 内置日历), the calendar read from them,
  the package seed, the list a clerk sees;
- ``calendar.editing``: set, remove, move, revert a day, import many;
- ``calendar.sheet``: a holiday table read from a spreadsheet.

This module re-exports their public names, so ``from desktop_app import workdays`` keeps working and
tests may patch ``workdays.set_day`` where the UI calls it through this module.
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
