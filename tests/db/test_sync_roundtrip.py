"""Sync round trips: county → prefecture, re-import, overlaps, gaps, relays, attachments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db.models import AttachmentLink, ChangeLog, Issue, Progress
from desktop_app.core import attachments
from desktop_app.sync.apply import import_bundle
from tests.helpers.sync_support import (
    add_issue,
    add_progress,
    count,
    edit,
    export,
    make_office,
    prefecture_and_counties,
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


def test_roundtrip_county_to_prefecture_identical_rows_and_attachments(offices, tmp_path: Path) -> None:
    county, pref = offices
    iid = add_issue(county, responsible_unit="勐罕镇")
    add_progress(county, iid, "已召开专题会议")
    with county.db.transaction() as s:
        info = attachments.store_bytes(s, county.data.attachments, "整改方案.pdf", b"%PDF-1.4 evidence " * 50)
        s.add(AttachmentLink(owner_table="issue", owner_id=iid, sha256=info.sha256, name="整改方案.pdf"))
    rep = send(county, pref, tmp_path / "b1")
    assert rep.tables["issue"].created == 1
    for table in ("issue", "progress", "section", "person", "office", "campaign", "attachment_link"):
        mine = rows(county, table)
        theirs = {k: v for k, v in rows(pref, table).items() if k in mine}
        assert theirs == mine, table
    blob = attachments.attachment_path(pref.data.attachments, info.sha256)
    assert blob.read_bytes() == b"%PDF-1.4 evidence " * 50


def test_reimport_is_a_noop(offices, tmp_path: Path) -> None:
    county, pref = offices
    add_issue(county)
    res = export(county, pref, tmp_path / "b")
    first = import_bundle(pref.db, pref.data, pref.actor, res.file)
    assert first.status == "applied"
    before = (rows(pref, "issue"), count(pref, ChangeLog))
    again = import_bundle(pref.db, pref.data, pref.actor, res.file)
    assert again.status == "already-imported"
    assert (rows(pref, "issue"), count(pref, ChangeLog)) == before


def test_unacknowledged_changes_are_resent_and_overlaps_do_not_duplicate(offices, tmp_path: Path) -> None:
    county, pref = offices
    add_issue(county, serial="2026-001")
    lost = export(county, pref, tmp_path / "lost")  # this USB stick is lost
    add_issue(county, serial="2026-002")
    second = export(county, pref, tmp_path / "second")  # nothing acknowledged: carries both items
    assert second.ranges["532801"][0] == 1
    assert import_bundle(pref.db, pref.data, pref.actor, second.file).status == "applied"
    assert count(pref, Issue) == 2
    # the lost stick turns up: overlapping ranges import without duplicates
    late = import_bundle(pref.db, pref.data, pref.actor, lost.file)
    assert late.status == "applied"
    assert count(pref, Issue) == 2
    assert late.tables["issue"].created == 0 and late.tables["issue"].unchanged == 1


def test_a_gap_is_refused_naming_the_missing_range(offices, tmp_path: Path) -> None:
    county, pref = offices
    add_issue(county, serial="2026-001")
    send(county, pref, tmp_path / "b1")
    send(pref, county, tmp_path / "ack")  # the prefecture's acknowledgement reaches the county
    add_issue(county, serial="2026-002")
    first = export(county, pref, tmp_path / "b2")  # carries 4.. onwards
    send(pref, county, tmp_path / "ack2")  # no new acks from the prefecture for county changes
    add_issue(county, serial="2026-003")
    # pretend the prefecture acknowledged bundle 2 (it never arrived), so bundle 3 starts after it
    with county.db.transaction() as s:
        from db.models import PeerState
        from desktop_app.sync.peers import merge_acks

        merge_acks(s.get(PeerState, "532800"), {"532801": first.ranges["532801"][1]})
    third = export(county, pref, tmp_path / "b3")
    rep = import_bundle(pref.db, pref.data, pref.actor, third.file)
    assert rep.status == "rejected"
    lo, hi = first.ranges["532801"]
    assert f"第 {lo}–{hi} 号" in rep.errors[0]
    assert rep.gap == {"532801": [lo, hi]}
    assert count(pref, Issue) == 1
    # once the missing bundle arrives, the later one imports
    assert import_bundle(pref.db, pref.data, pref.actor, first.file).status == "applied"
    assert import_bundle(pref.db, pref.data, pref.actor, third.file).status == "applied"
    assert count(pref, Issue) == 3


def test_relay_county_to_prefecture_to_county_without_echo(tmp_path: Path) -> None:
    a, b, p = prefecture_and_counties(tmp_path)
    iid = add_issue(a, serial="A-1")
    send(a, p, tmp_path / "ap")
    rep = send(p, b, tmp_path / "pb")
    assert rep.tables["issue"].created == 1
    assert rows(b, "issue")[iid] == rows(a, "issue")[iid]
    # b answers the prefecture: a's changes are not echoed back
    back = export(b, p, tmp_path / "bp")
    assert "532801" not in back.ranges
    import_bundle(p.db, p.data, p.actor, back.file)
    # and the prefecture never sends a's own changes back to a
    to_a = export(p, a, tmp_path / "pa")
    assert "532801" not in to_a.ranges
    rep_a = import_bundle(a.db, a.data, a.actor, to_a.file)
    assert rep_a.status == "applied"
    assert count(a, Issue) == 1 and count(b, Issue) == 1 and count(p, Issue) == 1
    for c in (a, b, p):
        c.close()


def test_concurrent_progress_entries_are_all_kept(offices, tmp_path: Path) -> None:
    county, pref = offices
    iid = add_issue(county, assigned_by_office="532800")
    send(county, pref, tmp_path / "1")
    add_progress(county, iid, "县里：已完成排查")
    with pref.db.transaction() as s:  # the prefecture adds a note of its own at the same time
        s.add(Progress(issue_id=iid, date=dt.date(2026, 5, 2), text="州里：现场核查", percent=None))
    send(county, pref, tmp_path / "2")
    send(pref, county, tmp_path / "3")
    texts = {r["text"] for r in rows(county, "progress").values()}
    assert texts == {"县里：已完成排查", "州里：现场核查"}
    assert rows(county, "progress") == rows(pref, "progress")


def test_disjoint_field_edits_merge_without_conflict(offices, tmp_path: Path) -> None:
    county, pref = offices
    iid = add_issue(county, assigned_by_office="532800")
    send(county, pref, tmp_path / "1")
    send(pref, county, tmp_path / "1a")
    edit(county, Issue, iid, measures="建立台账，每月通报")
    edit(pref, Issue, iid, deadline=dt.date(2026, 12, 31))
    rep_p = send(county, pref, tmp_path / "2")
    rep_c = send(pref, county, tmp_path / "3")
    assert rep_p.tables["issue"].conflicts == 0 and rep_c.tables["issue"].conflicts == 0
    for c in (county, pref):
        r = rows(c, "issue")[iid]
        assert r["measures"] == "建立台账，每月通报" and r["deadline"] == dt.date(2026, 12, 31)


def test_encrypted_bundle_roundtrip(offices, tmp_path: Path) -> None:
    county, pref = offices
    iid = add_issue(county, description="加密传输的问题描述")
    res = export(county, pref, tmp_path / "enc", encrypt=True)
    assert "加密传输".encode() not in res.file.read_bytes()
    rep = import_bundle(pref.db, pref.data, pref.actor, res.file)
    assert rep.status == "applied"
    assert rows(pref, "issue")[iid]["description"] == "加密传输的问题描述"


def test_prefecture_sends_down_assigned_items_holidays_and_questions(offices, tmp_path: Path) -> None:
    county, pref = offices
    from db.models import Holiday, Question

    with pref.db.transaction() as s:
        s.add(Issue(serial="州交-001", year=2026, description="州级交办：加快推进易地搬迁后续扶持", source="assigned",
                    office_code="532801", assigned_by_office="532800", deadline=dt.date(2026, 8, 31)))
        s.add(Holiday(date=dt.date(2026, 10, 1), kind="rest", name="国庆节"))
        s.add(Question(type="判断", stem="四不两直是指不发通知、不打招呼、不听汇报、不用陪同接待。", answer="对"))
    rep = send(pref, county, tmp_path / "down")
    assert (rep.tables["issue"].created, rep.tables["holiday"].created, rep.tables["question"].created) == (1, 1, 1)
    [item] = [r for r in rows(county, "issue").values() if r["serial"] == "州交-001"]
    assert item["office_code"] == "532801" and item["assigned_by_office"] == "532800"
    # the county works on it (its progress travels up); the deadline stays the prefecture's
    edit(county, Issue, item["id"], measures="制定专项方案", status="in_progress")
    up = send(county, pref, tmp_path / "up")
    assert up.tables["issue"].updated == 1
    assert rows(pref, "issue")[item["id"]]["measures"] == "制定专项方案"
