"""The period a campaign document covers: a month (2026-11), a quarter (2026-Q4), a half (2026-H2) or a year.

The days and names come from the plans' periods (``desktop_app.campaign.periods``); this module adds what a
document's ``--period`` needs on top: the forms it accepts (2026Q4, 2026-h2 too) and its messages.

``--period`` is read here for every campaign kind; a kind accepts one grain only, and without ``--period``
it covers the current month/quarter/half/year of ``today``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from desktop_app.campaign import periods
from desktop_app.core.errors import ValidationError

#: the grain each campaign kind reads, and how its period is written
GRAIN_FORMATS = {"month": "YYYY-MM（如 2026-11）", "quarter": "YYYY-Qn（如 2026-Q4）",
                 "half": "YYYY-H1 或 YYYY-H2（如 2026-H2）", "year": "YYYY（如 2026）"}
_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(\d{1,2})$"),
    "quarter": re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE),
    "half": re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE),
    "year": re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True)
class Period:
    """A span of days of one year: its grain, first and last day, and how documents name it."""

    grain: str
    year: int
    index: int  # month 1–12, quarter 1–4, half 1–2, 1 for a year
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """2026年11月, 2026年第四季度, 2026年上半年, 2026年 (a document says 2026年, a plan 2026年度)."""
        return f"{self.year}年" if self.grain == "year" else self._plan_period.short_label

    @property
    def code(self) -> str:
        """The period as ``PeriodPlan.period`` writes it: 2026-11, 2026-Q4, 2026-H2, 2026."""
        return self._plan_period.text

    @property
    def _plan_period(self) -> periods.Period:
        return periods.Period(self.grain, self.year, self.index)

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month of the period."""
        return [(self.year, m) for m in range(self.start.month, self.end.month + 1)]


def make_period(grain: str, year: int, index: int) -> Period:
    """The period ``index`` (month, quarter or half number) of ``year``; its days are the plans' (one arithmetic)."""
    p = periods.Period(grain, year, index)
    return Period(grain, year, index, p.start, p.end)


def current_period(grain: str, today: dt.date) -> Period:
    """The month/quarter/half/year ``today`` falls in."""
    p = periods.period_of(grain, today)
    return make_period(grain, p.year, p.index)


def parse_period(text: str | None, grain: str, today: dt.date, what: str = "") -> Period:
    """``--period`` of a document of ``grain``; empty: the current one. Refused with the format it wants."""
    text = (text or "").strip()
    if not text:
        return current_period(grain, today)
    hint = f"{what}的期间应写作 {GRAIN_FORMATS[grain]}" if what else f"期间应写作 {GRAIN_FORMATS[grain]}"
    m = _PATTERNS[grain].match(text)
    if not m:
        raise ValidationError(f"期间“{text}”的格式不对", hint, field="期间")
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise ValidationError(f"期间“{text}”的年份 {year} 不在 2000—2100 之间", hint, field="期间")
    index = int(m.group(2)) if grain != "year" else 1
    if grain == "month" and not 1 <= index <= 12:
        raise ValidationError(f"期间“{text}”的月份 {index} 不存在（应为 1—12）", hint, field="期间")
    return make_period(grain, year, index)
