"""A broad text (整改 in most items) is paged by testing each row against the index: same rows, same order."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from desktop_app.core.context import AppContext
from desktop_app.ledger import search
from desktop_app.ledger.query import IssueFilter, count_is_slow, count_issues, fetch_page, iter_issue_rows
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from tests.helpers.common import TEST_ACTOR

pytestmark = pytest.mark.sqlite_only("SQLite's FTS5 character index decides what is broad; PostgreSQL has no such index (a LIKE scan)")


def _ledger(ctx: AppContext) -> None:
    items = [IssueInput(f"第{i}条：{'落实整改不到位' if i % 7 else '资金拨付滞后'}", unit=f"单位{i % 3}",
                        measures="限期整、改" if i % 11 == 0 else "") for i in range(230)]
    create_issues(ctx.db, TEST_ACTOR, items)


def _pages(ctx: AppContext, f: IssueFilter, size: int = 40) -> list[str]:
    return [r.id for r in iter_issue_rows(ctx.db, f, batch=size)]


def test_walking_a_broad_text_gives_the_rows_the_matches_give(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    _ledger(ctx)
    f = IssueFilter(year=2026, text="整改")
    narrow_ids = _pages(ctx, f)
    narrow_count = count_issues(ctx.db, f)
    assert not count_is_slow(ctx.db, f)  # 230 items are never slow to count

    monkeypatch.setattr(search, "BROAD_MATCHES", 10)
    assert count_is_slow(ctx.db, f)
    probes: list[str] = []
    event.listen(ctx.db.engine, "before_cursor_execute",
                 lambda _c, _cur, sql, *_a: probes.append(sql) if "sk.issue_id = issue.id" in sql else None)
    assert _pages(ctx, f) == narrow_ids  # every page by key, in the same order
    assert probes  # the pages were read by walking the list, not from the collected matches
    assert count_issues(ctx.db, f) == narrow_count == len(narrow_ids)
    # "整、改" across punctuation matches in both ways too (the index drops punctuation)
    assert len(narrow_ids) == sum(1 for i in range(230) if i % 7 or i % 11 == 0)
    # the same filter with another condition, and a page from an offset
    g = IssueFilter(year=2026, text="整改", unit="单位1")
    assert [r.id for r in fetch_page(ctx.db, g, offset=5, limit=7)] == _pages(ctx, g)[5:12]


def test_a_narrow_text_is_never_broad(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    _ledger(ctx)
    monkeypatch.setattr(search, "BROAD_MATCHES", 10)
    # 资金 is in 1 item of 7: below the share that makes walking the list cheaper
    assert not count_is_slow(ctx.db, IssueFilter(year=2026, text="资金"))
    assert not count_is_slow(ctx.db, IssueFilter(year=2026, text=""))
    assert not count_is_slow(ctx.db, IssueFilter(year=2026, text="没有的词"))
