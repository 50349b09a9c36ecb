"""Every date form offices write, and the ones that must be refused rather than guessed."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.excel.dates import DateParseError, parse_deadline, parse_span, year_in_text

D = dt.date


@pytest.mark.parametrize(("text", "year", "kind", "date"), [
    (dt.date(2026, 6, 30), None, "dated", D(2026, 6, 30)),
    (dt.datetime(2026, 6, 30, 0, 0), None, "dated", D(2026, 6, 30)),
    ("2026年6月30日", None, "dated", D(2026, 6, 30)),
    ("2026年6月30日前", None, "dated", D(2026, 6, 30)),
    ("2026.9.30", None, "dated", D(2026, 9, 30)),
    ("2026/8/15", None, "dated", D(2026, 8, 15)),
    ("2026-06-30", None, "dated", D(2026, 6, 30)),
    ("２０２６年６月３０日", None, "dated", D(2026, 6, 30)),
    (" 2026 年 6 月 30 日 ", None, "dated", D(2026, 6, 30)),
    (20260630, None, "dated", D(2026, 6, 30)),
    ("6月底前", 2026, "dated", D(2026, 6, 30)),
    ("6月底", 2027, "dated", D(2027, 6, 30)),
    ("2月底前", 2028, "dated", D(2028, 2, 29)),
    ("9月30日前", 2026, "dated", D(2026, 9, 30)),
    ("2026年10月", None, "dated", D(2026, 10, 31)),
    ("2026年6月底前", None, "dated", D(2026, 6, 30)),
    ("2026年11月底", None, "dated", D(2026, 11, 30)),
    ("2026年第三季度", None, "dated", D(2026, 9, 30)),
    ("2026年三季度末", None, "dated", D(2026, 9, 30)),
    ("三季度末", 2026, "dated", D(2026, 9, 30)),
    ("第一季度", 2026, "dated", D(2026, 3, 31)),
    ("2026年第4季度", None, "dated", D(2026, 12, 31)),
    ("年底前", 2026, "dated", D(2026, 12, 31)),
    ("年内", 2026, "dated", D(2026, 12, 31)),
    ("2026年底前", None, "dated", D(2026, 12, 31)),
    ("2026年内", None, "dated", D(2026, 12, 31)),
    ("上半年", 2026, "dated", D(2026, 6, 30)),
    ("2026年上半年", None, "dated", D(2026, 6, 30)),
    ("下半年", 2026, "dated", D(2026, 12, 31)),
    ("立行立改", None, "immediate", None),
    ("立行立改，2026年6月30日前", None, "immediate", D(2026, 6, 30)),
    ("长期坚持", None, "ongoing", None),
    ("持续推进", None, "ongoing", None),
    ("", None, "dated", None),
    (None, None, "dated", None),
])
def test_deadline_forms(text: object, year: int | None, kind: str, date: dt.date | None) -> None:
    d = parse_deadline(text, year)
    assert (d.kind, d.date) == (kind, date)


def test_working_days() -> None:
    d = parse_deadline("7个工作日内")
    assert (d.kind, d.date, d.workdays) == ("dated", None, 7)


@pytest.mark.parametrize(("text", "year"), [
    ("6月底前", None),          # no year anywhere: refused, not guessed
    ("尽快", 2026),
    ("2026年2月30日", None),     # no such day
    ("2026年13月", None),
    ("下周", 2026),
    ("46234", 2026),            # a bare serial number is not a date we can trust
    (46234, 2026),
    ("1899年1月1日", None),
    ("0个工作日", None),
])
def test_deadline_refused(text: object, year: int | None) -> None:
    with pytest.raises(DateParseError) as exc:
        parse_deadline(text, year)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value))


@pytest.mark.parametrize(("text", "year", "start", "end"), [
    ("2026年3月10日-12日", None, D(2026, 3, 10), D(2026, 3, 12)),
    ("2026.5.18-5.20", None, D(2026, 5, 18), D(2026, 5, 20)),
    ("6月3日至5日", 2026, D(2026, 6, 3), D(2026, 6, 5)),
    ("2026年3月3日—5日", None, D(2026, 3, 3), D(2026, 3, 5)),
    ("2026年3月28日-4月2日", None, D(2026, 3, 28), D(2026, 4, 2)),
    ("2026-03-10至2026-03-12", None, D(2026, 3, 10), D(2026, 3, 12)),
    ("2026.4.7-4.9", None, D(2026, 4, 7), D(2026, 4, 9)),
    ("2026年3月17日", None, D(2026, 3, 17), D(2026, 3, 17)),
    (dt.date(2026, 3, 17), None, D(2026, 3, 17), D(2026, 3, 17)),
    ("3月17日", 2026, D(2026, 3, 17), D(2026, 3, 17)),
])
def test_spans(text: object, year: int | None, start: dt.date, end: dt.date) -> None:
    assert parse_span(text, year) == (start, end)


@pytest.mark.parametrize(("text", "year"), [
    ("2026年3月12日-10日", None),   # ends before it starts
    ("6月3日至5日", None),          # no year
    ("三月上旬", 2026),
    ("", 2026),
    ("2026年2月28日-31日", None),
])
def test_spans_refused(text: str, year: int | None) -> None:
    with pytest.raises(DateParseError):
        parse_span(text, year)


def test_year_in_text() -> None:
    assert year_in_text("填报日期：2026年3月31日") == 2026
    assert year_in_text("2025年一季度调研安排表") == 2025
    assert year_in_text("调研安排表") is None
