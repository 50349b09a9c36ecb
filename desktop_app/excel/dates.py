"""Dates as offices write them in their sheets (完成时限, 调研时间).

Two readers:

* ``parse_deadline`` — a deadline cell: a real date, 2026年6月30日, 2026.9.30,
  2026/8/15, 2026-06-30, 6月底前 (year from context), 2026年10月 (end of month),
  2026年第三季度 / 三季度末 (quarter end), 年底前 / 年内 (12-31), 上半年 (06-30),
  7个工作日内 (working days), 立行立改 (kind immediate), 长期坚持 / 持续推进
  (kind ongoing, no date).
* ``parse_span`` — a visit's dates: one date or a span such as 2026年3月10日-12日,
  2026.5.18-5.20, 6月3日至5日, 2026年3月3日—5日.

Anything else raises ``DateParseError`` with a Chinese message: the importer
turns it into an error on that row. Nothing is ever guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

KIND_IMMEDIATE = "immediate"
KIND_DATED = "dated"
KIND_ONGOING = "ongoing"


class DateParseError(ValueError):
    """A cell that is not a date we can read without guessing."""


@dataclass(frozen=True)
class Deadline:
    """What a deadline cell says: the kind of item, its date, or N working days."""

    kind: str
    date: dt.date | None = None
    workdays: int | None = None


_FULLWIDTH = str.maketrans("０１２３４５６７８９．／－：～", "0123456789./-:~")
_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
           "十一": 11, "十二": 12, "两": 2}
_CN_NUM_RE = "十二|十一|十|一|二|三|四|五|六|七|八|九|两"

IMMEDIATE_WORDS = ("立行立改", "立即整改", "即知即改", "马上就改", "立查立改")
ONGOING_WORDS = ("长期坚持", "持续推进", "长期推进", "持续整改", "常态化推进", "长期", "常态化", "持续开展")

# Words that may follow a date without changing it: "前", "之前", "底前", "完成" …
_TAIL = r"(?:以前|之前|前|内|止|为止|完成|前完成|底前完成|结束)?"


def _clean(text: str) -> str:
    t = text.translate(_FULLWIDTH)
    t = re.sub(r"[\s\u3000]+", "", t)
    return t.strip("。，,；;")


def _num(token: str) -> int:
    if token.isdigit():
        return int(token)
    return _CN_NUM[token]


def _make(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateParseError(f"日期不存在：{year}年{month}月{day}日") from exc


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month."""
    if not 1 <= month <= 12:
        raise DateParseError(f"月份不存在：{month}月")
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> dt.date:
    """The last day of a quarter (1–4)."""
    if not 1 <= quarter <= 4:
        raise DateParseError(f"季度不存在：第{quarter}季度")
    return month_end(year, quarter * 3)


def _need_year(year: int | None, text: str) -> int:
    if year is None:
        raise DateParseError(f"“{text}”没有写年份，也无法从表头或调研年度推断")
    return year


def _check_year(y: int, text: str) -> int:
    if not 1990 <= y <= 2100:
        raise DateParseError(f"“{text}”中的年份 {y} 不合理")
    return y


_YMD = re.compile(r"(\d{4})(?:年|\.|/|-)(\d{1,2})(?:月|\.|/|-)(\d{1,2})日?号?")
_YMD_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MD = re.compile(r"(\d{1,2})月(\d{1,2})[日号]")
_YM_END = re.compile(r"(\d{4})年(\d{1,2})月(?:底|末|份|中旬前|下旬)?")
_YM_DOT = re.compile(r"(\d{4})[./-](\d{1,2})")
_M_END = re.compile(r"(\d{1,2}|" + _CN_NUM_RE + r")月(?:底|末|份)?")
_QUARTER = re.compile(r"(?:(\d{4})年(?:度)?)?(?:第)?(" + _CN_NUM_RE + r"|[1-4])季度(?:末|底)?")
_YEAR_END = re.compile(r"(?:(\d{4})年?(?:度)?|本年度?|今年)?(?:年底|年末|年内|底|内|年度内|全年)")
_HALF = re.compile(r"(?:(\d{4})年(?:度)?)?(上|下)半年(?:末|底)?")
_WORKDAYS = re.compile(r"(\d{1,3}|" + _CN_NUM_RE + r")个?工作日")
_YEAR_ONLY = re.compile(r"(\d{4})年")


def parse_date_text(text: str, year: int | None = None) -> dt.date:
    """A single calendar date written as text (2026年6月30日, 2026.9.30, 6月30日 …)."""
    t = _clean(text)
    core = re.sub(_TAIL + "$", "", t) or t
    m = _YMD.fullmatch(core)
    if m:
        return _make(_check_year(int(m[1]), text), int(m[2]), int(m[3]))
    m = _YMD_COMPACT.fullmatch(core)
    if m:
        return _make(_check_year(int(m[1]), text), int(m[2]), int(m[3]))
    m = _MD.fullmatch(core + ("" if core.endswith(("日", "号")) else "日"))
    if m and "月" in core:
        return _make(_need_year(year, text), int(m[1]), int(m[2]))
    raise DateParseError(f"无法识别的日期：“{text}”")


def parse_deadline(value: object, year: int | None = None) -> Deadline:
    """Read a 完成时限 cell. ``year`` is the year from context (填报日期, title, campaign).

    Raises ``DateParseError`` for anything it cannot read without guessing.
    An empty cell is a dated item with no date yet.
    """
    if value is None:
        return Deadline(KIND_DATED)
    if isinstance(value, dt.datetime):
        return Deadline(KIND_DATED, value.date())
    if isinstance(value, dt.date):
        return Deadline(KIND_DATED, value)
    if isinstance(value, bool):
        raise DateParseError(f"无法识别的完成时限：“{value}”")
    if isinstance(value, int | float):
        # 20260630 typed as a number is unambiguous; a bare serial number is not (it may be a count).
        if float(value).is_integer() and 19900101 <= int(value) <= 21001231:
            return Deadline(KIND_DATED, parse_date_text(str(int(value))))
        raise DateParseError(f"无法识别的完成时限：“{value}”（请填写日期，如 2026年6月30日）")
    raw = str(value)
    t = _clean(raw)
    if not t:
        return Deadline(KIND_DATED)
    kind = KIND_DATED
    if any(w in t for w in IMMEDIATE_WORDS):
        kind = KIND_IMMEDIATE
        t = re.sub("|".join(IMMEDIATE_WORDS), "", t).strip("，,；;、并和及")
        if not t:
            return Deadline(KIND_IMMEDIATE)
    elif any(w in t for w in ONGOING_WORDS):
        rest = re.sub("|".join(ONGOING_WORDS), "", t).strip("，,；;、并和及")
        if not rest:
            return Deadline(KIND_ONGOING)
        # "2026年底前完成并长期坚持": a dated first step, then ongoing — the date is what the ledger tracks.
        t = rest
    return Deadline(kind, *_date_or_workdays(t, raw, year))


def _date_or_workdays(t: str, raw: str, year: int | None) -> tuple[dt.date | None, int | None]:
    m = _WORKDAYS.fullmatch(re.sub(_TAIL + "$", "", t))
    if m:
        n = _num(m[1])
        if n <= 0:
            raise DateParseError(f"工作日天数不合理：“{raw}”")
        return None, n
    return _deadline_date(t, raw, year), None


def _deadline_date(t: str, raw: str, year: int | None) -> dt.date:
    core = re.sub(_TAIL + "$", "", t) or t
    try:
        return parse_date_text(core, year)
    except DateParseError as exc:
        if "不存在" in str(exc) or "年份" in str(exc) or "没有写年份" in str(exc):
            raise
    m = _YM_END.fullmatch(core)
    if m:
        return month_end(_check_year(int(m[1]), raw), int(m[2]))
    m = _YM_DOT.fullmatch(core)
    if m:
        return month_end(_check_year(int(m[1]), raw), int(m[2]))
    m = _QUARTER.fullmatch(core)
    if m:
        y = _check_year(int(m[1]), raw) if m[1] else _need_year(year, raw)
        return quarter_end(y, _num(m[2]))
    m = _HALF.fullmatch(core)
    if m:
        y = _check_year(int(m[1]), raw) if m[1] else _need_year(year, raw)
        return dt.date(y, 6, 30) if m[2] == "上" else dt.date(y, 12, 31)
    m = _YEAR_END.fullmatch(core) or _YEAR_END.fullmatch(t)
    if m and (m[1] or not t[:1].isdigit()):
        y = _check_year(int(m[1]), raw) if m[1] else _need_year(year, raw)
        return dt.date(y, 12, 31)
    m = re.fullmatch(r"(?:(\d{4})年)?" + _M_END.pattern, core)
    if m:
        y = _check_year(int(m[1]), raw) if m[1] else _need_year(year, raw)
        return month_end(y, _num(m[2]))
    raise DateParseError(f"无法识别的完成时限：“{raw}”（可写 2026年6月30日、2026.9.30、6月底前、2026年第三季度、年底前、立行立改、长期坚持）")


_SPAN_SEP = r"(?:-{1,2}|–|—{1,2}|~|至|到|－)"
_SPAN = re.compile(
    r"(?:(\d{4})(?:年|\.|/|-))?(\d{1,2})(?:月|\.|/|-)(\d{1,2})[日号]?"
    + _SPAN_SEP
    + r"(?:(\d{4})(?:年|\.|/|-))?(?:(\d{1,2})(?:月|\.|/|-))?(\d{1,2})[日号]?"
)


def parse_span(value: object, year: int | None = None) -> tuple[dt.date, dt.date]:
    """Read a visit's date cell: one date or a span. Returns (start, end), end ≥ start."""
    if isinstance(value, dt.datetime):
        return value.date(), value.date()
    if isinstance(value, dt.date):
        return value, value
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DateParseError("调研时间为空")
    if isinstance(value, int | float) and not isinstance(value, bool):
        d = parse_deadline(value).date
        if d is None:
            raise DateParseError(f"无法识别的调研时间：“{value}”")
        return d, d
    raw = str(value)
    t = _clean(raw)
    try:
        d = parse_date_text(t, year)
        return d, d
    except DateParseError as exc:
        if "不存在" in str(exc) or "没有写年份" in str(exc):
            raise
    m = _SPAN.fullmatch(t)
    if not m:
        raise DateParseError(f"无法识别的调研时间：“{raw}”（可写 2026年3月10日-12日、2026.5.18-5.20、6月3日至5日）")
    y1 = _check_year(int(m[1]), raw) if m[1] else _need_year(year, raw)
    start = _make(y1, int(m[2]), int(m[3]))
    y2 = _check_year(int(m[4]), raw) if m[4] else y1
    end = _make(y2, int(m[5]) if m[5] else start.month, int(m[6]))
    if end < start:
        raise DateParseError(f"调研时间的结束日期早于开始日期：“{raw}”")
    if (end - start).days > 366:
        raise DateParseError(f"调研时间跨度超过一年：“{raw}”")
    return start, end


def year_in_text(text: str) -> int | None:
    """The first plausible 4-digit year written in a title or 填报日期 line."""
    for m in _YEAR_ONLY.finditer(_clean(text)):
        y = int(m[1])
        if 1990 <= y <= 2100:
            return y
    return None
