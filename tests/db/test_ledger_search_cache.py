"""The text filter runs its FTS match once and reuses it, but never past a write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event

from desktop_app.core.context import AppContext
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger.query import IssueFilter, count_issues, fetch_page
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from tests.helpers.common import TEST_ACTOR


def _matches(ctx: AppContext) -> list[str]:
    seen: list[str] = []

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "MATCH" in statement:
            seen.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", on_execute)
    return seen


@pytest.mark.sqlite_only("counts the FTS5 MATCH statements SQLite runs")
def test_count_and_pages_share_one_match_until_a_write(ctx: AppContext) -> None:
    d = dt.date(2026, 3, 31)
    a, b = create_issues(ctx.db, TEST_ACTOR, [IssueInput("党建台账不全", unit="综合科", deadline=d),
                                               IssueInput("资金拨付滞后", unit="综合科", deadline=d)])
    f = IssueFilter(year=2026, text="党建")
    seen = _matches(ctx)
    assert count_issues(ctx.db, f) == 1
    assert [r.id for r in fetch_page(ctx.db, f)] == [a]
    assert [r.id for r in fetch_page(ctx.db, f, offset=0, limit=1)] == [a]
    # one MATCH collecting the ids for the count and every page, and one counting the matches
    # (which decides whether the text is broad): each ran once, then came from the cache
    assert len(seen) == len(set(seen)) == 2
    assert sum("count(*)" in s for s in seen) == 1

    # an edit through the service: the cached match must not hide it
    lc.edit_issue(ctx.db, TEST_ACTOR, b, IssueInput("党建资金拨付滞后", unit="综合科", deadline=d))
    assert count_issues(ctx.db, f) == 2
    assert {r.id for r in fetch_page(ctx.db, f)} == {a, b}
    lc.edit_issue(ctx.db, TEST_ACTOR, a, IssueInput("台账不全", unit="综合科", deadline=d))
    assert count_issues(ctx.db, f) == 1
    assert [r.id for r in fetch_page(ctx.db, f)] == [b]
    (c,) = create_issues(ctx.db, TEST_ACTOR, [IssueInput("基层党建薄弱", unit="综合科", deadline=d)])
    assert {r.id for r in fetch_page(ctx.db, f)} == {b, c}
    assert count_issues(ctx.db, f) == 2
