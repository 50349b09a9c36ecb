"""Conflict logging with three offices (two counties and the prefecture relaying between them).

The rule: a concurrent edit is logged exactly once on every office that ends up with both
versions — the two writers and every office the changes are relayed to — whatever the order
of exchange, with the same winner and loser everywhere; delete-vs-edit likewise, with both versions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Issue, SyncConflict
from desktop_app.core.errors import PermissionDeniedError
from desktop_app.sync import conflicts
from desktop_app.sync.apply import import_bundle
from tests.helpers.clock import FakeWall, share_wall
from tests.helpers.sync_support import add_issue, edit, export, prefecture_and_counties, rows


@pytest.fixture
def world(tmp_path: Path):
    a, b, p = prefecture_and_counties(tmp_path)
    n = [0]

    def sync(src, dst) -> None:
        n[0] += 1
        rep = import_bundle(dst.db, dst.data, dst.actor, export(src, dst, tmp_path / f"x{n[0]}").file)
        assert rep.status == "applied", rep.errors

    iid = add_issue(a, assigned_by_office="532800", serial="2026-001")  # A's item, assigned by the prefecture
    sync(a, p)
    sync(p, a)
    sync(p, b)
    yield a, b, p, iid, sync
    for c in (a, b, p):
        c.close()


@pytest.fixture
def wall(world) -> FakeWall:
    """The three offices' clocks on one fake wall, moved by hand: which concurrent edit is later is chosen."""
    a, b, p, _iid, _sync = world
    return share_wall(a, b, p)


def logged(ctx) -> list[tuple]:
    """Every conflict on an office: (field, winner office, loser office, winner hlc, loser hlc)."""
    with ctx.db.session() as s:
        return sorted((c.field, c.winner_office, c.loser_office, c.winner_hlc, c.loser_hlc)
                      for c in s.execute(select(SyncConflict)).scalars())


def settle(a, b, p, sync) -> None:
    """Every office hears everything (twice over, to catch a conflict logged again on a replay)."""
    for _ in range(2):
        for src, dst in ((a, p), (b, p), (p, a), (p, b)):
            sync(src, dst)


@pytest.mark.parametrize("first", ["county", "prefecture"])
@pytest.mark.parametrize("b_sees_early", [False, True])
def test_a_concurrent_edit_is_logged_once_on_every_office(world, wall: FakeWall, first: str, b_sees_early: bool) -> None:
    a, b, p, iid, sync = world
    # the county marks the item done while the prefecture, not knowing, reopens it to in-progress
    writes = [(a, "done"), (p, "in_progress")]
    if first == "prefecture":
        writes.reverse()
    for ctx, status in writes:
        edit(ctx, Issue, iid, status=status)
        wall.advance()
        if ctx is p and b_sees_early:
            sync(p, b)  # the other county hears the prefecture's version before the conflict exists
    settle(a, b, p, sync)
    winner = writes[1]  # the later stamp
    expected = logged(p)
    assert len(expected) == 1, expected
    field, w_office, l_office, _wh, _lh = expected[0]
    assert (field, w_office) == ("status", winner[0].office_code)
    assert logged(a) == expected and logged(b) == expected
    for ctx in (a, b, p):
        assert rows(ctx, "issue")[iid]["status"] == winner[1]
        [c] = conflicts.list_conflicts(ctx.db)
        assert c.winner_value == winner[1] and c.loser_value == writes[0][1]


def test_a_resolution_closes_the_conflict_on_every_office(world, wall: FakeWall) -> None:
    a, b, p, iid, sync = world
    edit(p, Issue, iid, status="in_progress")
    wall.advance()
    edit(a, Issue, iid, status="done")
    settle(a, b, p, sync)
    [c] = conflicts.list_conflicts(a.db)
    conflicts.resolve(a.db, a.actor, c.id, keep="loser")
    settle(a, b, p, sync)
    for ctx in (a, b, p):
        assert conflicts.list_conflicts(ctx.db) == [], ctx.office_code
        assert len(logged(ctx)) == 1
        assert rows(ctx, "issue")[iid]["status"] == "in_progress"


@pytest.mark.parametrize("delete_first", [False, True])
def test_delete_versus_edit_is_logged_once_on_every_office_with_both_versions(world, wall: FakeWall,
                                                                               delete_first: bool) -> None:
    a, b, p, iid, sync = world
    if delete_first:
        edit(a, Issue, iid, deleted=True)
        wall.advance()
        edit(p, Issue, iid, deadline=dt.date(2026, 12, 1))
    else:
        edit(p, Issue, iid, deadline=dt.date(2026, 12, 1))
        wall.advance()
        edit(a, Issue, iid, deleted=True)
    settle(a, b, p, sync)
    for ctx in (a, b, p):
        r = rows(ctx, "issue")[iid]
        assert r["deleted"] is True and r["deadline"] == dt.date(2026, 12, 1)
        [c] = conflicts.list_conflicts(ctx.db)
        assert c.field == "deleted" and c.winner_office == "532801" and c.loser_office == "532800"
        assert c.winner_value is True and c.loser_value == {"deadline": "2026-12-01"}
    assert logged(a) == logged(b) == logged(p)


def test_an_edit_the_deleter_had_seen_is_no_conflict(world) -> None:
    a, b, p, iid, sync = world
    edit(p, Issue, iid, deadline=dt.date(2026, 12, 1))
    sync(p, a)
    edit(a, Issue, iid, deleted=True)  # voided knowing the new deadline
    settle(a, b, p, sync)
    for ctx in (a, b, p):
        assert logged(ctx) == [], ctx.office_code


def test_a_closure_and_two_county_edits_made_without_knowing_it_converge_and_are_logged(world) -> None:
    a, b, p, iid, sync = world
    edit(p, Issue, iid, status="closed")
    edit(a, Issue, iid, status="in_progress")  # the county has not heard of the closure
    edit(a, Issue, iid, status="done")  # and edits again, on top of its own first edit
    settle(a, b, p, sync)
    assert {rows(ctx, "issue")[iid]["status"] for ctx in (a, b, p)} == {"done"}  # the later stamp, everywhere
    expected = logged(p)
    assert [(f, w, lo) for f, w, lo, _wh, _lh in expected] == [("status", "532801", "532800")]
    assert logged(a) == expected and logged(b) == expected
    [c] = conflicts.list_conflicts(b.db)
    assert (c.winner_value, c.loser_value) == ("done", "closed")


def test_an_edit_relayed_after_a_concurrent_closure_is_not_taken_as_made_knowing_it(world) -> None:
    a, b, p, iid, sync = world
    edit(p, Issue, iid, status="closed")
    edit(a, Issue, iid, status="in_progress")  # the county has not heard of the closure
    sync(p, b)  # the other county hears of the closure first
    sync(a, p)  # the county's edit wins at the prefecture (later stamp), a conflict is logged
    n_errors = []
    for src, dst in ((p, b), (p, a)):
        rep = import_bundle(dst.db, dst.data, dst.actor, export(src, dst, dst.data.root / "relay").file)
        n_errors += rep.errors
    # relayed, the edit must not look as if made on top of the closure (that would refuse it at B)
    assert n_errors == []
    assert {rows(ctx, "issue")[iid]["status"] for ctx in (a, b, p)} == {"in_progress"}
    assert logged(a) == logged(b) == logged(p) and len(logged(p)) == 1


def test_an_edit_made_after_seeing_an_equal_concurrent_value_is_no_conflict(world) -> None:
    a, b, p, iid, sync = world
    edit(p, Issue, iid, status="in_progress")
    edit(a, Issue, iid, status="in_progress")  # the same value, concurrently: no conflict
    sync(p, a)  # the county now knows the prefecture's version
    edit(a, Issue, iid, status="done")  # and edits knowing it
    settle(a, b, p, sync)
    for ctx in (a, b, p):
        assert logged(ctx) == [], ctx.office_code
        assert rows(ctx, "issue")[iid]["status"] == "done"


@pytest.mark.parametrize("keep", ["winner", "loser"])
def test_a_resolved_delete_versus_edit_ends_resolved_on_every_office(world, wall: FakeWall, keep: str) -> None:
    a, b, p, iid, sync = world
    edit(a, Issue, iid, deleted=True)
    wall.advance()
    edit(p, Issue, iid, deadline=dt.date(2026, 12, 1))  # made later, without knowing of the void
    settle(a, b, p, sync)
    # only the office that may write the field resolves: the others' edit would be refused elsewhere
    for other in (p, b):
        [c] = conflicts.list_conflicts(other.db)
        with pytest.raises(PermissionDeniedError, match="本单位不能处理这个冲突：“作废/删除”由责任单位 532801 负责"):
            conflicts.resolve(other.db, other.actor, c.id, keep=keep)
        assert len(conflicts.list_conflicts(other.db)) == 1
    [c] = conflicts.list_conflicts(a.db)
    conflicts.resolve(a.db, a.actor, c.id, keep=keep)
    settle(a, b, p, sync)
    for office in (a, b, p):
        assert conflicts.list_conflicts(office.db) == [], office.office_code
    assert rows(a, "issue")[iid] == rows(b, "issue")[iid] == rows(p, "issue")[iid]
    assert rows(a, "issue")[iid]["deleted"] is (keep == "winner")
