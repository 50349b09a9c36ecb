"""Other clerks' changes are noticed without restarting (desktop_app.core.change_poll).

Two ``Database`` objects on one database stand for two clerks' windows: the same SQLite
file here, the same PostgreSQL database when the suite runs on a server (scripts/pg_test.sh).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, select

from db.engine import Database
from db.models import ChangeLog, Section
from desktop_app.core import change_poll
from desktop_app.core.context import AppContext
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.org import organisation
from tests.helpers.common import TEST_ACTOR


@pytest.fixture
def other(ctx: AppContext) -> Iterator[Database]:
    """A second clerk's window on the same database (its own engine and connection pool)."""
    engine = create_engine(ctx.db.engine.url.render_as_string(hide_password=False), future=True)
    db = Database(engine)
    db.load_identity()
    yield db
    engine.dispose()


def test_the_mark_is_the_highest_number_of_every_origin(ctx: AppContext) -> None:
    create_issues(ctx.db, TEST_ACTOR, [IssueInput(f"问题{k}", unit="综合科") for k in range(3)])
    with ctx.db.session() as s:
        expected = dict(s.execute(select(ChangeLog.origin, func.max(ChangeLog.seq)).group_by(ChangeLog.origin)).all())
    assert change_poll.current_mark(ctx.db) == expected
    assert expected[ctx.office_code] > 3


def test_another_clerks_write_is_noticed_and_own_writes_are_not(ctx: AppContext, other: Database) -> None:
    watch = change_poll.ChangeWatch(ctx.db)
    assert watch.poll() is False  # nothing happened
    create_issues(ctx.db, TEST_ACTOR, [IssueInput("本窗口登记的问题", unit="综合科")])  # ORM + bulk inserts
    organisation.add_section(ctx.db, TEST_ACTOR, "本窗口新增科室")
    assert watch.poll() is False, "this window's own writes are not someone else's"
    create_issues(other, TEST_ACTOR, [IssueInput("另一位同事登记的问题", unit="综合科")])
    assert watch.poll() is True
    assert watch.poll() is False  # noticed once
    # both at once: ours and theirs between two looks
    organisation.add_section(ctx.db, TEST_ACTOR, "又一个科室")
    organisation.add_section(other, TEST_ACTOR, "同事新增的科室")
    assert watch.poll() is True


def test_a_rolled_back_write_of_ours_does_not_hide_a_colleagues_write(ctx: AppContext, other: Database) -> None:
    watch = change_poll.ChangeWatch(ctx.db)
    with pytest.raises(RuntimeError), ctx.db.transaction() as s:
        s.add(Section(name="回滚的科室"))
        s.flush()  # numbers handed out in this transaction …
        raise RuntimeError("… and rolled back")
    # … may be handed to the colleague next: theirs, not ours, even once this window has written again
    organisation.add_section(other, TEST_ACTOR, "同事新增的科室")
    organisation.add_section(ctx.db, TEST_ACTOR, "本窗口新增科室")
    assert watch.poll() is True


def test_the_poll_is_cheap_on_a_long_change_log(ctx: AppContext) -> None:
    create_issues(ctx.db, TEST_ACTOR, [IssueInput(f"批量问题{k}", unit="综合科") for k in range(3000)])
    watch = change_poll.ChangeWatch(ctx.db)
    started = time.perf_counter()
    for _ in range(20):
        watch.poll()
    per_poll = (time.perf_counter() - started) / 20
    assert per_poll < 0.05, f"one poll took {per_poll * 1000:.1f} ms"
