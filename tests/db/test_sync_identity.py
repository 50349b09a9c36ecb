"""The sync identity of DESIGN.md §4: UUIDs, owning office, clock stamps, sequence numbers, tombstones."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from db.changes import MAX_CLOCK_SKEW_MS, HybridClock
from db.models import ChangeLog, Person, Section
from desktop_app.core.context import AppContext


def _log(ctx: AppContext) -> list[ChangeLog]:
    with ctx.db.session() as s:
        return list(s.execute(select(ChangeLog).order_by(ChangeLog.seq)).scalars())


def test_setup_writes_one_change_per_row_with_consecutive_sequence(ctx: AppContext) -> None:
    log = _log(ctx)
    # office + 3 sections + 5 people + campaign
    assert [e.seq for e in log] == list(range(1, 11))
    assert {e.origin for e in log} == {"532801"}
    assert [e.table_name for e in log].count("person") == 5
    assert all(e.op == "insert" for e in log)
    stamps = [e.hlc for e in log]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_rows_get_uuid_owner_and_stamp_in_the_same_transaction(ctx: AppContext) -> None:
    with ctx.db.session() as s:
        people = s.execute(select(Person)).scalars().all()
        log = {e.row_id: e for e in s.execute(select(ChangeLog)).scalars()}
    for p in people:
        assert uuid.UUID(p.id).version == 4
        assert p.office_code == "532801" and p.changed_by == "532801"
        assert log[p.id].hlc == p.hlc


def test_update_logs_only_the_changed_fields(ctx: AppContext) -> None:
    before = len(_log(ctx))
    with ctx.db.transaction() as s:
        p = s.execute(select(Person).where(Person.name == "黄涛")).scalar_one()
        old_hlc = p.hlc
        p.post = "副科长"
    log = _log(ctx)
    assert len(log) == before + 1
    last = log[-1]
    assert last.op == "update" and json.loads(last.fields) == ["post"] and last.seq == before + 1
    with ctx.db.session() as s:
        assert s.get(Person, last.row_id).hlc == last.hlc > old_hlc


def test_a_write_that_fails_leaves_no_change_log_entry(ctx: AppContext) -> None:
    before = len(_log(ctx))
    with pytest.raises(ZeroDivisionError), ctx.db.transaction() as s:
        s.add(Section(name="临时科"))
        s.flush()
        raise ZeroDivisionError
    assert len(_log(ctx)) == before
    with ctx.db.session() as s:
        assert s.execute(select(Section).where(Section.name == "临时科")).first() is None


def test_synced_rows_are_tombstoned_never_deleted(ctx: AppContext) -> None:
    with ctx.db.session() as s:
        sec = s.execute(select(Section).where(Section.name == "政策法规科")).scalar_one()
        s.delete(sec)
        with pytest.raises(RuntimeError, match="tombstone"):
            s.flush()
        s.rollback()
    with ctx.db.transaction() as s:
        sec = s.execute(select(Section).where(Section.name == "政策法规科")).scalar_one()
        sec.deleted = True
    assert _log(ctx)[-1].op == "delete"
    with ctx.db.session() as s:  # the row is still there, marked
        assert s.execute(select(Section).where(Section.name == "政策法规科")).scalar_one().deleted


def test_clock_is_monotonic_and_caps_future_stamps() -> None:
    now = [1_000_000]
    clock = HybridClock(now_ms=lambda: now[0])
    a, b = clock.tick(), clock.tick()
    assert b > a and HybridClock.wall_ms(a) == 1_000_000
    now[0] -= 5000  # the wall clock steps back: stamps still grow
    assert clock.tick() > b
    year_ahead = HybridClock.pack(now[0] + 365 * 24 * 3600 * 1000, 0)
    stamp, flagged = clock.observe(year_ahead)
    assert flagged and stamp == HybridClock.pack(now[0] + MAX_CLOCK_SKEW_MS, 0)
    assert clock.tick() > stamp


def test_clock_survives_reopen(ctx: AppContext) -> None:
    from desktop_app.core.context import open_context

    last = max(e.hlc for e in _log(ctx))
    root = ctx.data.root
    ctx.close()
    again = open_context(root)
    try:
        assert again.office_code == "532801"
        assert again.db.clock.tick() > last
    finally:
        again.close()


@pytest.mark.filterwarnings("ignore:The `objects` parameter")
def test_flushing_one_object_logs_it_once_and_the_rest_at_their_own_flush(ctx: AppContext) -> None:
    before = len(_log(ctx))
    with ctx.db.transaction() as s:
        sec = s.execute(select(Section).where(Section.name == "综合科")).scalar_one()
        a, b = Person(name="甲", section_id=sec.id), Person(name="乙", section_id=sec.id)
        s.add_all([a, b])
        s.flush([a])  # a flush of one object, as some callers do
        s.flush()
    log = _log(ctx)[before:]
    assert [e.seq for e in log] == [before + 1, before + 2]
    assert sorted(e.row_id for e in log) == sorted([a.id, b.id])
