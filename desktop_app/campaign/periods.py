"""计划期间 — the periods of the campaign's rhythm: ISO week 2026-W49, month 2026-12, quarter 2026-Q4,
half 2026-H2 and year 2026; parsed, formatted, stepped and named in Chinese.

Weeks are ISO weeks (Monday to Sunday; week 1 holds the year's first Thursday), as Chinese
offices number them on their weekly plans.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from desktop_app.core.errors import ValidationError

GRAINS = ("week", "month", "quarter", "half", "year")
_QUARTER_WORDS = ("一", "二", "三", "四")
_PATTERNS = {
    "week": re.compile(r"^(\d{4})-W(\d{1,2})$"),
    "month": re.compile(r"^(\d{4})-(\d{1,2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "half": re.compile(r"^(\d{4})-H([12])$"),
    "year": re.compile(r"^(\d{4})$"),
}
_EXAMPLES = {"week": "2026-W49", "month": "2026-12", "quarter": "2026-Q4", "half": "2026-H2", "year": "2026"}


@dataclass(frozen=True, order=True)
class Period:
    """One period of a grain: ``index`` is the week, month, quarter or half number (1 for a year)."""

    grain: str
    year: int
    index: int = 1

    @property
    def text(self) -> str:
        """The stored form: 2026-W49, 2026-12, 2026-Q4, 2026-H2, 2026."""
        if self.grain == "week":
            return f"{self.year}-W{self.index:02d}"
        if self.grain == "month":
            return f"{self.year}-{self.index:02d}"
        if self.grain == "quarter":
            return f"{self.year}-Q{self.index}"
        if self.grain == "half":
            return f"{self.year}-H{self.index}"
        return str(self.year)

    @property
    def start(self) -> dt.date:
        """The first day of the period."""
        if self.grain == "week":
            return dt.date.fromisocalendar(self.year, self.index, 1)
        if self.grain == "month":
            return dt.date(self.year, self.index, 1)
        if self.grain == "quarter":
            return dt.date(self.year, 3 * self.index - 2, 1)
        if self.grain == "half":
            return dt.date(self.year, 6 * self.index - 5, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        return self.next().start - dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        """True when ``day`` falls in the period."""
        return self.start <= day <= self.end

    @property
    def short_label(self) -> str:
        """2026年第49周 / 2026年12月 / 2026年第四季度 / 2026年下半年 / 2026年度."""
        if self.grain == "week":
            return f"{self.year}年第{self.index}周"
        if self.grain == "month":
            return f"{self.year}年{self.index}月"
        if self.grain == "quarter":
            return f"{self.year}年第{_QUARTER_WORDS[self.index - 1]}季度"
        if self.grain == "half":
            return f"{self.year}年{'上' if self.index == 1 else '下'}半年"
        return f"{self.year}年度"

    @property
    def label(self) -> str:
        """The short label, with a week's days: 2026年第49周（11月30日—12月6日）."""
        if self.grain != "week":
            return self.short_label
        a, b = self.start, self.end
        return f"{self.short_label}（{a.month}月{a.day}日—{b.month}月{b.day}日）"

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (earlier when negative)."""
        if self.grain == "week":
            d = self.start + dt.timedelta(weeks=n)
            iso = d.isocalendar()
            return Period("week", iso.year, iso.week)
        if self.grain == "year":
            return Period("year", self.year + n)
        per_year = {"month": 12, "quarter": 4, "half": 2}[self.grain]
        k = self.year * per_year + self.index - 1 + n
        return Period(self.grain, k // per_year, k % per_year + 1)

    def next(self) -> Period:
        """The following period."""
        return self.shift(1)

    def previous(self) -> Period:
        """The period before."""
        return self.shift(-1)


def period_of(grain: str, day: dt.date) -> Period:
    """The period of ``grain`` that holds ``day``."""
    if grain == "week":
        iso = day.isocalendar()
        return Period("week", iso.year, iso.week)
    if grain == "month":
        return Period("month", day.year, day.month)
    if grain == "quarter":
        return Period("quarter", day.year, (day.month - 1) // 3 + 1)
    if grain == "half":
        return Period("half", day.year, 1 if day.month <= 6 else 2)
    if grain == "year":
        return Period("year", day.year)
    raise ValueError(grain)


def current(grain: str, today: dt.date | None = None) -> Period:
    """The period of ``grain`` that holds today."""
    return period_of(grain, today or dt.date.today())


def parse(grain: str, text: str) -> Period:
    """Read a stored period (2026-W49 …); a wrong form is a ValidationError naming 期间."""
    if grain not in _PATTERNS:
        raise ValueError(grain)
    t = (text or "").strip().upper().replace("–", "-").replace("—", "-")
    m = _PATTERNS[grain].match(t)
    if m is None:
        raise ValidationError(f"期间“{text}”格式不对", f"请写成 {_EXAMPLES[grain]} 这样的形式", field="period")
    year, index = int(m.group(1)), int(m.group(2)) if m.lastindex and m.lastindex > 1 else 1
    if not 2000 <= year <= 2100:
        raise ValidationError(f"期间“{text}”的年份无效", "请填写四位年份，例如 2026", field="period")
    if grain == "week":
        weeks = dt.date(year, 12, 28).isocalendar().week  # 28 December always lies in the year's last ISO week
        if not 1 <= index <= weeks:
            raise ValidationError(f"期间“{text}”无效：{year}年只有{weeks}周", "请核对周次", field="period")
    if grain == "month" and not 1 <= index <= 12:
        raise ValidationError(f"期间“{text}”无效：月份应为1—12", "请核对月份", field="period")
    return Period(grain, year, index)
