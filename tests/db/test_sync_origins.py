"""Choosing what to send down: a bundle limited to chosen origins (e.g. the prefecture's own changes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db.models import Holiday, Issue
from desktop_app.sync.apply import import_bundle
from desktop_app.sync.bundle_writer import export_bundle
from tests.helpers.sync_support import add_issue, add_progress, edit, make_office, rows, trust_both


@pytest.fixture
def world(tmp_path: Path):
    a = make_office(tmp_path / "a", "532801", "景洪市乡村振兴局")
    b = make_office(tmp_path / "b", "532822", "勐海县乡村振兴局")
    pref = make_office(tmp_path / "pref", "532800", "西双版纳州乡村振兴局", level="prefecture")
    trust_both(a, pref)
    trust_both(b, pref)
    yield a, b, pref
    for c in (a, b, pref):
        c.close()


def _send(src, dst, folder: Path, origins: set[str] | None = None, full: bool = False):
    folder.mkdir(parents=True, exist_ok=True)
    res = export_bundle(src.db, src.data, src.actor, dst.office_code, folder, full=full, origins=origins)
    rep = import_bundle(dst.db, dst.data, dst.actor, res.file)
    assert rep.status == "applied", rep.errors
    assert not rep.errors
    return res, rep


def _holiday(ctx) -> str:
    with ctx.db.transaction() as s:
        h = Holiday(date=dt.date(2026, 10, 1), kind="rest", name="国庆节")
        s.add(h)
        s.flush()
        return h.id


def test_only_own_changes_go_down_and_a_later_bundle_still_relays_the_rest(world, tmp_path: Path) -> None:
    a, b, pref = world
    a_item = add_issue(a, serial="2026-001", description="景洪市的问题")
    _send(a, pref, tmp_path / "up")  # the prefecture now holds A's changes, which B has not seen
    sent_down = add_issue(pref, serial="州-2026-001", description="交办勐海县的问题", office_code="532822",
                          assigned_by_office="532800")
    hol = _holiday(pref)
    res, rep = _send(pref, b, tmp_path / "own", origins={"532800"})
    assert set(res.ranges) == {"532800"} and res.added == [] and res.left == ["532801"]
    assert res.as_json()["origins"] == ["532800"]
    assert rep.tables["issue"].created == 1
    assert set(rows(b, "issue")) == {sent_down} and hol in rows(b, "holiday")
    assert a_item not in rows(b, "issue")
    # the next ordinary bundle still carries A's changes: nothing was acknowledged that was not sent
    res2, rep2 = _send(pref, b, tmp_path / "relay")
    assert res2.ranges["532801"][0] == 1
    assert a_item in rows(b, "issue")
    assert rows(b, "issue")[a_item] == rows(a, "issue")[a_item]
    # B answers; the prefecture's next bundle for B is then empty of both origins
    _send(b, pref, tmp_path / "ack")
    res3, _ = _send(pref, b, tmp_path / "after", origins={"532800"})
    assert res3.ranges == {}


def test_own_changes_after_a_full_history_arrive_without_a_gap(world, tmp_path: Path) -> None:
    a, b, pref = world
    item = add_issue(pref, serial="州-2026-001", office_code="532822", assigned_by_office="532800")
    _send(pref, b, tmp_path / "1")
    _send(b, pref, tmp_path / "ack")  # B has acknowledged the prefecture's first changes
    add_issue(a, serial="2026-001")
    _send(a, pref, tmp_path / "up")
    edit(pref, Issue, item, deadline=dt.date(2026, 12, 31))
    res, rep = _send(pref, b, tmp_path / "2", origins={"532800"})
    assert res.ranges["532800"][0] > 1 and "532801" not in res.ranges
    assert rep.tables["issue"].updated == 1
    assert rows(b, "issue")[item]["deadline"] == dt.date(2026, 12, 31)


def test_an_origin_a_chosen_change_depends_on_is_carried_too(world, tmp_path: Path) -> None:
    a, b, pref = world
    a_item = add_issue(a, serial="2026-001")
    _send(a, pref, tmp_path / "up")
    # the prefecture writes progress under A's new item: B cannot take it without the item itself
    note = add_progress(pref, a_item, "州督查组已现场核实")
    own_only = add_issue(pref, serial="州-2026-002", office_code="532822", assigned_by_office="532800")
    res, rep = _send(pref, b, tmp_path / "own", origins={"532800"})
    assert res.added == ["532801"] and set(res.ranges) == {"532800", "532801"} and res.left == []
    assert {a_item, own_only} <= set(rows(b, "issue")) and note in rows(b, "progress")


def test_a_county_s_edits_of_a_sent_down_item_need_not_travel_with_it(world, tmp_path: Path) -> None:
    a, b, pref = world
    item = add_issue(pref, serial="州-2026-001", office_code="532801", assigned_by_office="532800")
    _send(pref, a, tmp_path / "down")
    edit(a, Issue, item, measures="制定专项方案", status="in_progress")
    _send(a, pref, tmp_path / "up")
    hol = _holiday(pref)
    res, _ = _send(pref, b, tmp_path / "own", origins={"532800"})
    assert res.added == [] and "532801" not in res.ranges  # B gets the item from its creation: no need for A
    assert rows(b, "issue")[item]["measures"] != "制定专项方案" and hol in rows(b, "holiday")
    _send(pref, b, tmp_path / "relay")
    assert rows(b, "issue")[item] == rows(pref, "issue")[item] == rows(a, "issue")[item]
