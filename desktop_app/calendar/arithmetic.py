"""Working-day arithmetic over a holiday table (工作日计算): the calendar, its results, the package's days."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

PACKAGE_SOURCE = "chinese_calendar"
#: the source of an own row taken back by ``revert_day``: a tombstone that says nothing about its date
WITHDRAWN = "withdrawn"
KINDS = {"rest": "休息日", "workday": "调休上班"}
#: the stored ``source`` codes → what a clerk reads in 来源
SOURCE_LABELS = {PACKAGE_SOURCE: "内置日历", "manual": "手工录入", "import": "表格导入", WITHDRAWN: "已撤销"}
#: English names in the chinese_calendar package → the Chinese names clerks use
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


@dataclass(frozen=True)
class WorkdayResult(Generic[T]):
    """A working-day answer and the years it had to count as plain Monday–Friday.

    ``uncovered_years`` is empty when every day counted is in the holiday table.
    """

    value: T
    uncovered_years: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no day fell in a year the holiday table does not cover."""
        return not self.uncovered_years

    @property
    def warning(self) -> str:
        """A Chinese warning for the UI ('' when the result is exact)."""
        if not self.uncovered_years:
            return ""
        years = "、".join(f"{y}年" for y in self.uncovered_years)
        return f"节假日表未包含{years}，已按周一至周五推算工作日，结果可能不准确；请在 设置 → 节假日 中导入{years}的放假安排"


@dataclass
class WorkCalendar:
    """The working-day calendar: exceptional days by date and the years the table covers."""

    days: dict[dt.date, str] = field(default_factory=dict)  # date → rest|workday
    covered_years: frozenset[int] = frozenset()
    _sorted: list[dt.date] | None = field(default=None, repr=False, compare=False)

    def _is_workday(self, d: dt.date) -> bool:
        kind = self.days.get(d)
        if kind is not None:
            return kind == "workday"
        return d.weekday() < 5

    def _uncovered(self, years: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted({y for y in years if y not in self.covered_years}))

    def is_workday(self, d: dt.date) -> WorkdayResult[bool]:
        """Whether ``d`` is a working day."""
        return WorkdayResult(self._is_workday(d), self._uncovered([d.year]))

    def add_workdays(self, start: dt.date, n: int) -> WorkdayResult[dt.date]:
        """The date of the n-th working day after ``start`` (``start`` itself not counted).

        ``add_workdays(assigned, 7)`` is the deadline of “7个工作日内”. n = 0 gives
        ``start``; a negative n counts backwards.
        """
        d = start
        step = 1 if n >= 0 else -1
        left = abs(n)
        years = {start.year}
        while left > 0:
            d += dt.timedelta(days=step)
            years.add(d.year)
            if self._is_workday(d):
                left -= 1
        return WorkdayResult(d, self._uncovered(years))

    def workdays_between(self, a: dt.date, b: dt.date) -> WorkdayResult[int]:
        """Working days in (a, b]: ``workdays_between(a, add_workdays(a, n)) == n``.

        Negative when ``b`` is before ``a``.
        """
        if b < a:
            r = self.workdays_between(b, a)
            return WorkdayResult(-r.value, r.uncovered_years)
        count = _weekdays_in(a, b)
        # then correct for the exceptional days in (a, b]: few, found by bisection
        lo = bisect.bisect_right(self._sorted_days(), a)
        hi = bisect.bisect_right(self._sorted_days(), b)
        for d in self._sorted_days()[lo:hi]:
            plain = d.weekday() < 5
            if self.days[d] == "workday" and not plain:
                count += 1
            elif self.days[d] == "rest" and plain:
                count -= 1
        return WorkdayResult(count, self._uncovered(range(a.year, b.year + 1)))

    def _sorted_days(self) -> list[dt.date]:
        if self._sorted is None or len(self._sorted) != len(self.days):
            self._sorted = sorted(self.days)
        return self._sorted


def _weekdays_in(a: dt.date, b: dt.date) -> int:
    """Monday–Friday days in (a, b], a <= b."""
    days = (b - a).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    wd = a.weekday()
    for k in range(1, rest + 1):
        if (wd + k) % 7 < 5:
            count += 1
    return count


@dataclass(frozen=True)
class HolidayDay:
    """One row of the holiday table, as plain data."""

    id: str
    date: dt.date
    kind: str
    name: str
    source: str
    verified: bool

    #: whose row decides the day: this office's, or its parent office's (sent down)
    office_code: str = ""
    #: 本单位, or “<上级单位>下发”
    origin: str = "本单位"
    #: what this day overrides, e.g. “西双版纳州下发：休息日” ('' when nothing)
    overrides: str = ""
    #: this office removed the day (an ordinary day now) over a day the parent office or the built-in
    #: calendar has: listed so that the removal can be seen and taken back
    removed: bool = False
    #: this office's own edit (or removal) overrides something: ``revert_day`` takes it back
    can_revert: bool = False

    @property
    def source_label(self) -> str:
        """来源 as a clerk reads it (内置日历, 手工录入, 国务院办公厅通知 …)."""
        return source_label(self.source)

    @property
    def kind_label(self) -> str:
        """休息日 / 调休上班 (正常上班 for a weekday made ordinary over a parent office's holiday)."""
        if self.removed:
            return "普通日（本单位已删除）"
        if self.kind == "workday" and self.date.weekday() < 5:
            return "正常上班"
        return KINDS.get(self.kind, self.kind)


def source_label(source: str) -> str:
    """What a clerk reads for a stored holiday ``source``: 内置日历 / 手工录入 / 表格导入, or the free text
    with any Python package name taken out (older demo data wrote “国务院办公厅通知（chinese-calendar）”)."""
    if source in SOURCE_LABELS:
        return SOURCE_LABELS[source]
    text = re.sub(r"[（(]\s*chinese[-_ ]calendar\s*[)）]", "", source, flags=re.IGNORECASE).strip()
    if re.fullmatch(r"chinese[-_ ]calendar", text, flags=re.IGNORECASE):
        return SOURCE_LABELS[PACKAGE_SOURCE]
    return text or source


def package_days() -> dict[dt.date, tuple[str, str]]:
    """Every exceptional day the chinese_calendar package knows: date → (kind, Chinese name)."""
    from chinese_calendar import constants

    out: dict[dt.date, tuple[str, str]] = {}
    for d, name in constants.holidays.items():
        out[d] = ("rest", HOLIDAY_NAMES.get(str(name), str(name)))
    for d, name in constants.workdays.items():
        out[d] = ("workday", HOLIDAY_NAMES.get(str(name), str(name)))
    return out
