"""The period a campaign document covers: a month (2026-11), a quarter (2026-Q4), a half (2026-H2) or a year.

``--period`` is read here for every campaign kind; a kind accepts one grain only, and without ``--period``
it covers the current month/quarter/half/year of ``today``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from desktop_app.errors import ValidationError

#: the grain each campaign kind reads, and how its period is written
GRAIN_FORMATS = {"month": "YYYY-MM（如 2026-11）", "quarter": "YYYY-Qn（如 2026-Q4）",
                 "half": "YYYY-H1 或 YYYY-H2（如 2026-H2）", "year": "YYYY（如 2026）"}
_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(\d{1,2})$"),
    "quarter": re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE),
    "half": re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE),
    "year": re.compile(r"^(\d{4})$"),
}
_QUARTER_WORDS = "一二三四"


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
        """2026年11月, 2026年第四季度, 2026年上半年, 2026年."""
        if self.grain == "month":
            return f"{self.year}年{self.index}月"
        if self.grain == "quarter":
            return f"{self.year}年第{_QUARTER_WORDS[self.index - 1]}季度"
        if self.grain == "half":
            return f"{self.year}年{'上' if self.index == 1 else '下'}半年"
        return f"{self.year}年"

    @property
    def code(self) -> str:
        """The period as ``PeriodPlan.period`` writes it: 2026-11, 2026-Q4, 2026-H2, 2026."""
        return {"month": f"{self.year}-{self.index:02d}", "quarter": f"{self.year}-Q{self.index}",
                "half": f"{self.year}-H{self.index}"}.get(self.grain, str(self.year))

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month of the period."""
        return [(self.year, m) for m in range(self.start.month, self.end.month + 1)]


def make_period(grain: str, year: int, index: int) -> Period:
    """The period ``index`` (month, quarter or half number) of ``year``."""
    first_month, months = {"month": (index, 1), "quarter": (3 * index - 2, 3), "half": (6 * index - 5, 6),
                           "year": (1, 12)}[grain]
    last_month = first_month + months - 1
    end = (dt.date(year, 12, 31) if last_month == 12
           else dt.date(year, last_month + 1, 1) - dt.timedelta(days=1))
    return Period(grain, year, index, dt.date(year, first_month, 1), end)


def current_period(grain: str, today: dt.date) -> Period:
    """The month/quarter/half/year ``today`` falls in."""
    index = {"month": today.month, "quarter": (today.month - 1) // 3 + 1, "half": 1 if today.month <= 6 else 2,
             "year": 1}[grain]
    return make_period(grain, today.year, index)


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
