"""Grassroots day counting and pace: pure functions, fixed dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.work.days import count_days, days_in, expected_days, pace

D = dt.date


def test_overlapping_visits_count_each_day_once() -> None:
    spans = [(D(2026, 3, 3), D(2026, 3, 5)), (D(2026, 3, 4), D(2026, 3, 7)), (D(2026, 3, 5), D(2026, 3, 5))]
    assert count_days(spans, 2026) == 5  # 3,4,5,6,7


def test_multi_day_and_separate_visits_add_up() -> None:
    spans = [(D(2026, 1, 10), D(2026, 1, 12)), (D(2026, 2, 1), D(2026, 2, 1)), (D(2026, 2, 28), D(2026, 3, 2))]
    assert count_days(spans, 2026) == 3 + 1 + 3


def test_visit_across_year_end_counts_in_each_year() -> None:
    spans = [(D(2026, 12, 30), D(2027, 1, 2))]
    assert count_days(spans, 2026) == 2
    assert count_days(spans, 2027) == 2
    assert count_days(spans, 2025) == 0
    assert days_in(D(2026, 12, 30), D(2027, 1, 2), 2027) == {D(2027, 1, 1), D(2027, 1, 2)}


def test_leap_year_february() -> None:
    assert count_days([(D(2028, 2, 27), D(2028, 3, 1))], 2028) == 4


def test_expected_pro_rata_on_fixed_dates() -> None:
    assert expected_days(90, 2026, D(2025, 12, 31)) == 0.0
    assert expected_days(90, 2026, D(2026, 1, 1)) == pytest.approx(90 / 365)
    assert expected_days(73, 2026, D(2026, 12, 31)) == 73.0
    assert expected_days(73, 2026, D(2027, 3, 1)) == 73.0
    # 1 July 2026 is day 182 of 365
    assert expected_days(73, 2026, D(2026, 7, 1)) == pytest.approx(73 * 182 / 365)


def test_pace_colours() -> None:
    today = D(2026, 7, 1)  # expected for quota 73: 36.4 days
    assert pace(37, 73, 2026, today)[1:] == ("green", "进度正常")
    assert pace(30, 73, 2026, today)[1:] == ("neutral", "稍有滞后")  # 30 >= 0.8 * 36.4: no colour, it is no alarm
    assert pace(29, 73, 2026, today)[1:] == ("red", "明显滞后")
    assert pace(73, 73, 2026, D(2026, 2, 1))[1:] == ("green", "已完成")
    assert pace(0, 0, 2026, today)[1:] == ("green", "已完成")  # no quota, nothing owed
    assert pace(0, 60, 2026, D(2025, 6, 1))[1:] == ("green", "进度正常")  # year not begun


@given(st.lists(st.tuples(st.dates(D(2025, 11, 1), D(2027, 2, 1)), st.integers(0, 40)), max_size=12))
def test_count_matches_brute_force_and_years_sum(raw: list[tuple[dt.date, int]]) -> None:
    spans = [(a, a + dt.timedelta(days=n)) for a, n in raw]
    every = set()
    for a, b in spans:
        every |= {a + dt.timedelta(days=i) for i in range((b - a).days + 1)}
    for year in (2025, 2026, 2027):
        assert count_days(spans, year) == len({d for d in every if d.year == year})
    assert sum(count_days(spans, y) for y in (2025, 2026, 2027)) == len(every)
