"""Ledger queries: warning colours on fixed dates, filters, keyset pages, streams, grouped views, statistics."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.context import AppContext
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger import query
from desktop_app.ledger.query import IssueFilter, count_issues, fetch_page, iter_issue_rows, row_key
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.summaries import due_summary, ledger_stats, responsibility_summary, supervision_list
from desktop_app.ledger.types import IssueInput
from desktop_app.ledger.warnings import colour_of, warning_clock
from desktop_app.org import settings
from tests.helpers.common import TEST_ACTOR

D = dt.date
TODAY = D(2026, 2, 10)  # a Tuesday before the Spring Festival


def test_colour_rule() -> None:
    until = D(2026, 2, 27)
    assert colour_of("in_progress", D(2026, 2, 9), TODAY, until) == "red"
    assert colour_of("in_progress", TODAY, TODAY, until) == "yellow"
    assert colour_of("not_started", until, TODAY, until) == "yellow"
    assert colour_of("in_progress", D(2026, 2, 28), TODAY, until) == "green"
    assert colour_of("in_progress", None, TODAY, until) == "green"
    assert colour_of("closed", D(2020, 1, 1), TODAY, until) == "grey"
    assert colour_of("void", None, TODAY, until) == "grey"


def test_yellow_window_counts_working_days_across_the_holiday(ctx: AppContext) -> None:
    # 5 working days after Tue 10 Feb: 11 12 13 14(调休六) 24 → yellow until 24 Feb
    clock = warning_clock(ctx.db, TODAY)
    assert clock.yellow_until == D(2026, 2, 24)
    settings.put(ctx.db, "ledger.yellow_workdays", 2)
    assert warning_clock(ctx.db, TODAY).yellow_until == D(2026, 2, 12)


@pytest.fixture
def ledger(ctx: AppContext) -> dict[str, str]:
    specs = {
        "late": IssueInput("党建台账不全", unit="综合科", person="吴芳", deadline=D(2026, 2, 9), category="基层党建"),
        "soon": IssueInput("资金拨付滞后", unit="规划发展科", person="黄涛", deadline=D(2026, 2, 24), kind="dated"),
        "fine": IssueInput("产业规划未更新", unit="规划发展科", person="黄涛", deadline=D(2026, 3, 31)),
        "ongoing": IssueInput("长效机制建设", unit="政策法规科", kind="ongoing", source="assigned"),
        "closed": IssueInput("已整改的党建问题", unit="综合科", person="吴芳", deadline=D(2026, 1, 31),
                             assigned_date=D(2026, 1, 5)),
    }
    ids = dict(zip(specs, create_issues(ctx.db, TEST_ACTOR, list(specs.values())), strict=True))
    lc.apply_closure(ctx.db, TEST_ACTOR, ids["closed"], "照片", D(2026, 1, 20))
    lc.verify_closure(ctx.db, TEST_ACTOR, ids["closed"], True, date=D(2026, 1, 22))
    lc.add_urge(ctx.db, TEST_ACTOR, ids["late"], 2, "请加快", D(2026, 2, 10))
    return ids


def test_filters(ctx: AppContext, ledger: dict[str, str]) -> None:
    clock = warning_clock(ctx.db, TODAY)

    def ids(**kw: object) -> set[str]:
        f = IssueFilter(**kw)  # type: ignore[arg-type]
        rows = fetch_page(ctx.db, f, clock=clock)
        assert count_issues(ctx.db, f, clock) == len(rows)
        return {k for k, v in ledger.items() if v in {r.id for r in rows}}

    assert ids(colours=["red"]) == {"late"}
    assert ids(colours=["yellow"]) == {"soon"}
    assert ids(colours=["green"]) == {"fine", "ongoing"}
    assert ids(colours=["grey"]) == {"closed"}
    assert ids(colours=["red", "yellow"]) == {"late", "soon"}
    assert ids(unit="规划发展科") == {"soon", "fine"}
    assert ids(person="吴芳") == {"late", "closed"}
    assert ids(category="基层党建") == {"late"}
    assert ids(kind="ongoing", source="assigned") == {"ongoing"}
    assert ids(statuses=["closed"]) == {"closed"}
    assert ids(text="党建") == {"late", "closed"}
    assert ids(text="党建", colours=["red"]) == {"late"}
    assert ids(year=2026, text="党建", unit="综合科") == {"late", "closed"}
    assert ids(year=2025) == set()
    lc.void_issue(ctx.db, TEST_ACTOR, ledger["fine"], "重复")
    assert ids(unit="规划发展科") == {"soon"}
    assert ids(unit="规划发展科", include_void=True) == {"soon", "fine"}
    assert ids(statuses=["void"]) == {"fine"}


def test_year_counts_are_the_filters_counts_in_one_read(ctx: AppContext, ledger: dict[str, str]) -> None:
    from desktop_app.core.ledger_codes import OPEN_STATUSES

    lc.void_issue(ctx.db, TEST_ACTOR, ledger["fine"], "重复")
    clock = warning_clock(ctx.db, TODAY)
    got = query.year_counts(ctx.db, 2026, "", clock)
    expected = [count_issues(ctx.db, IssueFilter(year=2026, **kw), clock) for kw in (  # type: ignore[arg-type]
        {}, {"statuses": list(OPEN_STATUSES)}, {"colours": ["red"]}, {"incomplete": True}, {"statuses": ["void"]})]
    assert [got.listed, got.open, got.overdue, got.incomplete, got.void] == expected
    # late, soon, ongoing and closed listed; the first three open; late overdue; the four live ones lack
    # measures (待完善); fine void
    assert expected == [4, 3, 1, 4, 1]
    assert query.year_counts(ctx.db, 2025, "", clock) == query.YearCounts(0, 0, 0, 0, 0)


def test_keyset_pages_walk_every_sort_exactly_once(ctx: AppContext) -> None:
    items = [IssueInput(f"问题{i:03d}", unit=f"单位{i % 4}", deadline=None if i % 5 == 0 else D(2026, 3, 1 + i % 20),
                        progress_percent=None) for i in range(57)]
    create_issues(ctx.db, TEST_ACTOR, items)
    f = IssueFilter(year=2026)
    clock = warning_clock(ctx.db, TODAY)
    for key in ("serial", "deadline", "responsible_unit", "colour", "description"):
        for desc in (False, True):
            full = [r.id for r in fetch_page(ctx.db, f, key, desc, limit=1000, clock=clock)]
            assert len(full) == 57 and len(set(full)) == 57
            walked: list[str] = []
            after = None
            while True:
                page = fetch_page(ctx.db, f, key, desc, after_key=after, limit=10, clock=clock)
                walked += [r.id for r in page]
                if len(page) < 10:
                    break
                after = row_key(page[-1], key)
            assert walked == full, (key, desc)
            # backwards from the end, and by offset from the end
            last = fetch_page(ctx.db, f, key, desc, limit=10, clock=clock, from_end=True)
            assert [r.id for r in last] == full[-10:]
            before = fetch_page(ctx.db, f, key, desc, after_key=row_key(last[0], key), limit=10, clock=clock,
                                from_end=True)
            assert [r.id for r in before] == full[-20:-10]
            assert [r.id for r in fetch_page(ctx.db, f, key, desc, offset=7, limit=5, clock=clock,
                                             from_end=True)] == full[-12:-7]
    streamed = list(iter_issue_rows(ctx.db, f, batch=8))
    assert [r.serial for r in streamed] == [f"2026-{i:03d}" for i in range(1, 58)]
    assert all(r.kind_label == "限期整改" and r.status_label == "未启动" for r in streamed)


def test_responsibility_and_supervision(ctx: AppContext, ledger: dict[str, str]) -> None:
    rows = responsibility_summary(ctx.db, IssueFilter(year=2026), TODAY)
    unit = {r.unit: r for r in rows if not r.person}
    assert unit["综合科"].total == 2 and unit["综合科"].closed == 1 and unit["综合科"].closure_rate == 0.5
    assert unit["综合科"].red == 1 and unit["规划发展科"].yellow == 1
    person = {(r.unit, r.person): r for r in rows if r.person}
    assert person[("规划发展科", "黄涛")].total == 2
    sup = supervision_list(ctx.db, IssueFilter(year=2026), TODAY)
    assert [s.row.id for s in sup] == [ledger["late"], ledger["soon"]]
    assert [u.level_label for u in sup[0].urges] == ["重点催办"]
    assert sup[0].workdays_left == -1 and sup[1].workdays_left == 5


def test_stats_and_due_summary(ctx: AppContext, ledger: dict[str, str]) -> None:
    s = ledger_stats(ctx.db, 2026, TODAY)
    assert (s.total, s.closed, s.overdue, s.due_soon) == (5, 1, 1, 1)
    assert s.by_colour == {"red": 1, "yellow": 1, "green": 2, "grey": 1}
    # assigned Mon 5 Jan, closed Thu 22 Jan: 13 working days
    assert s.avg_workdays_to_close == 13
    assert s.closed_per_month[0] == 1 and sum(s.opened_per_month) == 5
    assert {u.unit: u.rate for u in s.by_unit}["综合科"] == 0.5
    d = due_summary(ctx.db, TODAY)
    assert (d.overdue_count, d.due_soon_count) == (1, 1)
    assert d.overdue[0].id == ledger["late"] and d.overdue[0].workdays_left == -1
    assert d.due_soon[0].serial and d.due_soon[0].workdays_left == 5


def test_filter_round_trips_through_a_dict() -> None:
    f = IssueFilter(year=2026, statuses=["in_progress"], colours=["red"], unit="综合科", text="三会一课")
    assert IssueFilter.from_dict(f.to_dict()) == f
    assert query.IssueFilter.from_dict({"year": 2025, "bogus": 1}).year == 2025


def test_a_text_is_counted_off_the_ui_thread_where_it_is_a_scan(ctx: AppContext) -> None:
    """Both engines' indexes count a narrow text at once (only a broad one, in most items, waits). PostgreSQL's
    bigram index cannot narrow a 1-character word: a LIKE scan of the whole ledger, the first page first."""
    on_server = ctx.db.engine.dialect.name != "sqlite"
    assert query.count_is_slow(ctx.db, IssueFilter(year=2026, text="党建")) is False
    assert query.count_is_slow(ctx.db, IssueFilter(year=2026, text="党")) is on_server
    assert query.count_is_slow(ctx.db, IssueFilter(year=2026)) is False
    assert query.count_is_slow(ctx.db, IssueFilter(year=2026, text="  ")) is False
