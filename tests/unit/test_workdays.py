"""Working-day arithmetic on China's official calendar (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.calendar import PACKAGE_SOURCE, WorkCalendar, calendar_from_rows, package_days, parse_kind

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return calendar_from_rows([(d, kind, PACKAGE_SOURCE, False) for d, (kind, _n) in package_days().items()])


def test_spring_festival_2026_rest_days_and_make_up_saturdays(cal: WorkCalendar) -> None:
    # 2026 春节: 2月15日–23日 off; 2月14日(六) and 2月28日(六) are 调休 working days
    assert cal.is_workday(D(2026, 2, 14)).value is True
    assert cal.is_workday(D(2026, 2, 28)).value is True
    for day in range(15, 24):
        assert cal.is_workday(D(2026, 2, day)).value is False, day
    assert cal.is_workday(D(2026, 2, 13)).value is True  # Friday before
    assert cal.is_workday(D(2026, 2, 21)).value is False  # a Saturday inside the holiday


def test_seven_workdays_across_spring_festival(cal: WorkCalendar) -> None:
    # Thu 12 Feb: 13(五) 14(六,调休) 24 25 26 27 28(六,调休) → the 7th working day is 28 Feb
    r = cal.add_workdays(D(2026, 2, 12), 7)
    assert r.value == D(2026, 2, 28)
    assert r.ok and r.warning == ""
    assert cal.workdays_between(D(2026, 2, 12), D(2026, 2, 28)).value == 7
    # plain Monday–Friday counting would have said 24 Feb — the holiday matters
    assert cal.add_workdays(D(2026, 2, 12), 3).value == D(2026, 2, 24)


def test_national_day_2026(cal: WorkCalendar) -> None:
    # 10月1日–7日 off, 9月20日(日) and 10月10日(六) working days
    assert cal.add_workdays(D(2026, 9, 30), 1).value == D(2026, 10, 8)
    assert cal.is_workday(D(2026, 10, 10)).value is True


def test_into_an_uncovered_year_falls_back_to_weekdays_and_says_so(cal: WorkCalendar) -> None:
    assert 2027 not in cal.covered_years
    # Mon 28 Dec 2026: 29 30 31, then 1 Jan 2027 (a Friday, really 元旦, but unknown) counts, then Mon 4 Jan
    r = cal.add_workdays(D(2026, 12, 28), 5)
    assert r.value == D(2027, 1, 4)
    assert r.uncovered_years == (2027,)
    assert not r.ok
    assert "2027年" in r.warning and "周一至周五" in r.warning
    inside = cal.add_workdays(D(2026, 12, 21), 3)
    assert inside.ok and inside.value == D(2026, 12, 24)
    b = cal.workdays_between(D(2026, 12, 31), D(2027, 1, 8))
    assert b.value == 6 and b.uncovered_years == (2027,)
    w = cal.is_workday(D(2027, 1, 1))
    assert w.value is True and w.uncovered_years == (2027,)


def test_between_is_the_inverse_of_add_and_antisymmetric(cal: WorkCalendar) -> None:
    start = D(2025, 9, 15)
    for n in (0, 1, 5, 17, 60, 250):
        end = cal.add_workdays(start, n).value
        assert cal.workdays_between(start, end).value == n
        assert cal.workdays_between(end, start).value == -n
    assert cal.add_workdays(D(2026, 3, 2), -1).value == D(2026, 2, 28)  # the 调休 Saturday


def test_verified_rows_win_over_package_rows() -> None:
    day = D(2026, 5, 6)  # a Wednesday
    c = calendar_from_rows([(day, "workday", PACKAGE_SOURCE, False), (day, "rest", "manual", True)])
    assert c.is_workday(day).value is False
    c2 = calendar_from_rows([(day, "rest", "manual", True), (day, "workday", PACKAGE_SOURCE, False)])
    assert c2.is_workday(day).value is False


def test_spreadsheet_kind_words() -> None:
    assert parse_kind("休") == "rest"
    assert parse_kind("调休上班") == "workday"
    assert parse_kind("班") == "workday"
    assert parse_kind("其他") == "其他"
