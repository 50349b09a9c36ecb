"""Concurrent edits, ownership, tombstones and clocks across offices."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from db.changes import HybridClock
from db.models import Closure, Issue, SyncConflict
from desktop_app.sync import conflicts
from desktop_app.sync.apply import import_bundle
from tests.helpers.clock import share_wall
from tests.helpers.sync_support import (
    add_issue,
    count,
    db_fingerprint,
    edit,
    export,
    make_office,
    rows,
    send,
    trust_both,
)


@pytest.fixture
def offices(tmp_path: Path):
    county = make_office(tmp_path / "county", "532801", "景洪市乡村振兴局")
    pref = make_office(tmp_path / "pref", "532800", "西双版纳州乡村振兴局", level="prefecture")
    trust_both(county, pref)
    yield county, pref
    county.close()
    pref.close()


def _shared_issue(county, pref, tmp_path: Path, **fields) -> str:
    iid = add_issue(county, **fields)
    send(county, pref, tmp_path / "seed")
    send(pref, county, tmp_path / "seed-ack")
    return iid


def _open_conflicts(ctx) -> list:
    with ctx.db.session() as s:
        return list(s.execute(select(SyncConflict).where(SyncConflict.resolved.is_(False))).scalars())


def test_prefecture_writing_a_county_owned_field_is_refused(offices, tmp_path: Path) -> None:
    county, pref = offices
    iid = _shared_issue(county, pref, tmp_path, serial="2026-011")
    edit(pref, Issue, iid, responsible_person="州里填写")  # the county owns its own item's fields
    rep = send(pref, county, tmp_path / "p1")
    assert rep.tables["issue"].rejected == 1
    assert any("2026-011" in e and "532800" in e for e in rep.errors)
    assert rows(county, "issue")[iid]["responsible_person"] == ""


def test_concurrent_edits_of_a_shared_field_converge_with_the_loser_logged(tmp_path: Path) -> None:
    # `status` of a 交办 item is written by both: the county moves it along, the prefecture closes it
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    a = make_office(tmp_path / "a", "532801", "景洪市")
    trust_both(a, p)
    iid = add_issue(a, assigned_by_office="532800")
    send(a, p, tmp_path / "1")
    send(p, a, tmp_path / "1a")
    wall = share_wall(a, p)
    # the prefecture closes the item while the county, not knowing, marks it done
    edit(a, Issue, iid, status="done")
    wall.advance()  # the prefecture's edit is the later one
    edit(p, Issue, iid, status="closed")
    rep_p = send(a, p, tmp_path / "2")
    rep_a = send(p, a, tmp_path / "3")
    ra, rp = rows(a, "issue")[iid], rows(p, "issue")[iid]
    assert ra["status"] == rp["status"] == "closed"  # the later stamp wins everywhere
    logged = _open_conflicts(a) + _open_conflicts(p)
    assert logged and all(c.field == "status" for c in logged)
    assert {c.loser_value for c in logged} == {'"done"'}
    assert rep_a.tables["issue"].conflicts == 1 and rep_p.tables["issue"].conflicts == 1
    for c in (a, p):
        c.close()


def test_a_resolution_propagates(tmp_path: Path) -> None:
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    a = make_office(tmp_path / "a", "532801", "景洪市")
    trust_both(a, p)
    iid = add_issue(a, assigned_by_office="532800")
    send(a, p, tmp_path / "1")
    send(p, a, tmp_path / "1a")
    wall = share_wall(a, p)
    edit(a, Issue, iid, status="done")
    wall.advance()
    edit(p, Issue, iid, status="closed")
    send(a, p, tmp_path / "2")
    send(p, a, tmp_path / "3")
    [c_p] = conflicts.list_conflicts(p.db)
    assert c_p.winner_value == "closed" and c_p.loser_value == "done"
    conflicts.resolve(p.db, p.actor, c_p.id, keep="loser")  # the prefecture takes the county's "done"
    assert rows(p, "issue")[iid]["status"] == "done"
    assert conflicts.list_conflicts(p.db) == []
    rep = send(p, a, tmp_path / "4")
    assert rep.tables["issue"].conflicts == 0
    assert rows(a, "issue")[iid]["status"] == "done"
    assert conflicts.list_conflicts(a.db) == []  # the county's copy of the conflict is answered too
    for c in (a, p):
        c.close()


def test_county_writing_a_field_it_does_not_own_is_refused_for_that_row(offices, tmp_path: Path) -> None:
    county, pref = offices
    assigned = _shared_issue(county, pref, tmp_path, assigned_by_office="532800", serial="2026-009")
    own = _shared_issue(county, pref, tmp_path / "own", serial="2026-010")
    edit(county, Issue, assigned, deadline=dt.date(2027, 3, 1))  # the deadline set by the prefecture
    edit(county, Issue, own, measures="县里自己的整改措施")  # fine: the county owns its own item
    with county.db.transaction() as s:  # and a closure verdict the county may not give
        s.add(Closure(issue_id=assigned, applied_at=dt.date(2026, 6, 1), evidence="照片", state="approved",
                      verifier="县里自己"))
    rep = import_bundle(pref.db, pref.data, pref.actor, export(county, pref, tmp_path / "b").file)
    assert rep.status == "applied"
    assert rep.tables["issue"].rejected == 1 and rep.tables["issue"].updated == 1
    assert rep.tables["closure"].rejected == 1
    assert any("整改时限" in e and "2026-009" in e for e in rep.errors)
    assert any("审核结论" in e for e in rep.errors)
    assert rows(pref, "issue")[assigned]["deadline"] == dt.date(2026, 9, 30)
    assert rows(pref, "issue")[own]["measures"] == "县里自己的整改措施"
    assert count(pref, Closure) == 0


def test_tombstones_do_not_resurrect_on_replay_of_an_older_bundle(offices, tmp_path: Path) -> None:
    county, pref = offices
    iid = add_issue(county)
    older = export(county, pref, tmp_path / "old")
    assert import_bundle(pref.db, pref.data, pref.actor, older.file).status == "applied"
    edit(county, Issue, iid, deleted=True)
    send(county, pref, tmp_path / "new")
    assert rows(pref, "issue")[iid]["deleted"] is True
    # the old bundle is replayed, and a full bundle made before the delete too
    assert import_bundle(pref.db, pref.data, pref.actor, older.file).status == "already-imported"
    assert rows(pref, "issue")[iid]["deleted"] is True


def test_tombstone_survives_a_stale_full_bundle(offices, tmp_path: Path) -> None:
    county, pref = offices
    iid = add_issue(county)
    stale = export(county, pref, tmp_path / "stale", full=True)  # made before the delete, never imported
    edit(county, Issue, iid, deleted=True)
    send(county, pref, tmp_path / "new", full=True)
    rep = import_bundle(pref.db, pref.data, pref.actor, stale.file)
    assert rep.status == "applied"
    assert rows(pref, "issue")[iid]["deleted"] is True


def test_delete_versus_edit_keeps_the_tombstone_and_the_edit(tmp_path: Path) -> None:
    a = make_office(tmp_path / "a", "532801", "景洪市")
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    trust_both(a, p)
    iid = add_issue(a, assigned_by_office="532800")
    send(a, p, tmp_path / "1")
    send(p, a, tmp_path / "1a")
    edit(a, Issue, iid, deleted=True)  # the county voids the item
    edit(p, Issue, iid, deadline=dt.date(2026, 12, 1))  # while the prefecture moves its deadline
    rep_p = send(a, p, tmp_path / "2")
    rep_a = send(p, a, tmp_path / "3")
    for c in (a, p):
        r = rows(c, "issue")[iid]
        assert r["deleted"] is True and r["deadline"] == dt.date(2026, 12, 1)
    assert rep_a.tables["issue"].conflicts == 1  # the edit reached a deleted row: shown to someone
    assert rep_p.tables["issue"].conflicts == 1  # and the delete reached an edit it had not seen: the same one
    for ctx in (a, p):
        [c] = conflicts.list_conflicts(ctx.db)
        assert c.field == "deleted" and (c.winner_office, c.loser_office) == ("532801", "532800")
        assert c.winner_value is True and c.loser_value == {"deadline": "2026-12-01"}
    for c in (a, p):
        c.close()


def test_a_clock_a_year_ahead_is_flagged_and_capped(offices, tmp_path: Path) -> None:
    # Behaviour changed deliberately (issue 12 §6): the stamp is kept as sent — every office orders
    # the same stamps, so capping it at one office made offices pick different winners — and only
    # this office's clock is capped: it is not pulled a year ahead, now or at the next start.
    county, pref = offices
    year_ms = 365 * 24 * 3600 * 1000
    real = county.db.clock._now_ms
    county.db.clock = HybridClock(county.db.clock.last, now_ms=lambda: real() + year_ms)
    iid = add_issue(county, assigned_by_office="532800")
    rep = import_bundle(pref.db, pref.data, pref.actor, export(county, pref, tmp_path / "b").file)
    assert rep.status == "applied"
    assert rep.warnings and "时间戳超前" in rep.warnings[0]
    limit = HybridClock.pack(int(time.time() * 1000) + 24 * 3600 * 1000 + 60_000, 0xFFFF)
    assert rows(pref, "issue")[iid]["hlc"] == rows(county, "issue")[iid]["hlc"] > limit
    assert pref.db.clock.last <= limit
    pref.db.load_identity()
    assert pref.db.clock.last <= limit
    # the prefecture's edit made after seeing the county's version wins over it, on both offices
    edit(pref, Issue, iid, deadline=dt.date(2026, 12, 31))
    assert pref.db.clock.last <= limit
    send(pref, county, tmp_path / "back")
    assert rows(county, "issue")[iid]["deadline"] == dt.date(2026, 12, 31)
    assert rows(county, "issue")[iid] == rows(pref, "issue")[iid]


def test_a_stamp_after_2200_is_refused(offices, tmp_path: Path) -> None:
    county, pref = offices
    county.db.clock = HybridClock(HybridClock.pack(7_258_118_400_000 + 1, 0))  # a clock set past 2200
    add_issue(county)
    before = db_fingerprint(pref)
    rep = import_bundle(pref.db, pref.data, pref.actor, export(county, pref, tmp_path / "b").file)
    assert rep.status == "rejected" and "晚于2200年" in rep.errors[0]
    assert db_fingerprint(pref) == before


@pytest.mark.sqlite_only("copies the SQLite file back over itself")
def test_same_sequence_number_with_different_content_is_rejected(tmp_path: Path) -> None:
    county = make_office(tmp_path / "county", "532801", "景洪市")
    pref = make_office(tmp_path / "pref", "532800", "西双版纳州", level="prefecture")
    trust_both(county, pref)
    import shutil

    county.db.checkpoint()
    county.close()
    saved = tmp_path / "saved.db"
    shutil.copy(county.data.db_path, saved)
    county = __import__("desktop_app.core.context", fromlist=["open_context"]).open_context(tmp_path / "county")
    add_issue(county, serial="2026-001")
    send(county, pref, tmp_path / "1")
    # the county's PC is restored from the old copy and makes a different change with the same number
    county.close()
    shutil.copy(saved, county.data.db_path)
    for extra in ("-wal", "-shm"):
        Path(str(county.data.db_path) + extra).unlink(missing_ok=True)
    county = __import__("desktop_app.core.context", fromlist=["open_context"]).open_context(tmp_path / "county")
    add_issue(county, serial="2026-001", description="另一条问题")
    before = db_fingerprint(pref)
    rep = import_bundle(pref.db, pref.data, pref.actor, export(county, pref, tmp_path / "2", full=True).file)
    assert rep.status == "rejected"
    assert "同号变更内容不同" in rep.errors[0]
    assert db_fingerprint(pref) == before
    county.close()
    pref.close()


def test_the_dry_run_report_equals_the_real_report_and_changes_nothing(tmp_path: Path) -> None:
    a = make_office(tmp_path / "a", "532801", "景洪市")
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    trust_both(a, p)
    shared = add_issue(a, assigned_by_office="532800", serial="2026-001")
    send(a, p, tmp_path / "1")
    send(p, a, tmp_path / "1a")
    wall = share_wall(a, p)
    add_issue(a, serial="2026-002")  # created
    edit(a, Issue, shared, deadline=dt.date(2027, 1, 1))  # refused: the prefecture owns it
    edit(a, Issue, shared, status="done")
    wall.advance()
    edit(p, Issue, shared, status="closed")  # conflict with the county's "done"
    bundle = export(a, p, tmp_path / "2").file
    before = db_fingerprint(p)
    dry = import_bundle(p.db, p.data, p.actor, bundle, dry_run=True)
    assert dry.status == "dry-run"
    assert db_fingerprint(p) == before
    real = import_bundle(p.db, p.data, p.actor, bundle)
    assert real.status == "applied"
    assert dry.as_json() | {"status": "x"} == real.as_json() | {"status": "x"}
    t = real.tables["issue"]
    assert (t.created, t.rejected) == (1, 1)
    for c in (a, p):
        c.close()
