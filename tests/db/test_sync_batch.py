"""Several bundles at once: ordered by sender and time, previewed together, each applied on its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db.models import Issue, PeerState
from desktop_app.sync.batch import bundle_files, import_batch, order_bundles
from desktop_app.sync.peers import merge_acks
from tests.helpers.sync_support import add_issue, count, db_fingerprint, export, make_office, trust_both


@pytest.fixture
def world(tmp_path: Path):
    a = make_office(tmp_path / "a", "532801", "景洪市乡村振兴局")
    b = make_office(tmp_path / "b", "532822", "勐海县乡村振兴局")
    pref = make_office(tmp_path / "pref", "532800", "西双版纳州乡村振兴局", level="prefecture")
    for x, y in ((a, pref), (b, pref), (a, b)):
        trust_both(x, y)
    yield a, b, pref
    for c in (a, b, pref):
        c.close()


def _acked(src, dst_code: str, res) -> None:
    """As if the receiver had acknowledged ``res`` (so the next export is incremental, after it)."""
    with src.db.transaction() as s:
        merge_acks(s.get(PeerState, dst_code), {o: r[1] for o, r in res.ranges.items()})


def _stick(tmp_path: Path, named: dict[str, Path]) -> Path:
    """Copy bundles to a folder under names that sort them in the wrong order."""
    stick = tmp_path / "stick"
    stick.mkdir(exist_ok=True)
    for name, f in named.items():
        shutil.copy(f, stick / name)
    return stick


def test_several_bundles_are_ordered_previewed_together_and_applied(world, tmp_path: Path) -> None:
    a, b, pref = world
    add_issue(a, serial="2026-001")
    first = export(a, pref, tmp_path / "x1")
    _acked(a, "532800", first)
    add_issue(a, serial="2026-002")
    second = export(a, pref, tmp_path / "x2")
    _acked(a, "532800", second)
    add_issue(a, serial="2026-003")
    third = export(a, pref, tmp_path / "x3")
    add_issue(b, serial="2026-101")
    other = export(b, pref, tmp_path / "y1")
    stick = _stick(tmp_path, {"1.fdbundle": third.file, "2.fdbundle": second.file, "3.fdbundle": other.file,
                              "4.fdbundle": first.file})
    (stick / "junk.fdbundle").write_bytes(b"not a zip")
    files = bundle_files([stick, stick / "1.fdbundle"])  # the same file twice counts once
    assert len(files) == 5
    ordered = order_bundles(files, pref.data.keys)
    assert [f.name for f in ordered] == ["4.fdbundle", "2.fdbundle", "1.fdbundle", "3.fdbundle", "junk.fdbundle"]
    # alone, the later bundles are refused for a gap; previewed together they are not
    alone = import_batch(pref.db, pref.data, pref.actor, [stick / "2.fdbundle"], dry_run=True)
    assert alone.reports[0].status == "rejected" and "第 1–" in alone.reports[0].errors[0]
    before = db_fingerprint(pref)
    preview = import_batch(pref.db, pref.data, pref.actor, files, dry_run=True)
    assert [Path(r.file).name for r in preview.reports] == [f.name for f in ordered]
    assert [r.status for r in preview.reports] == ["dry-run"] * 4 + ["rejected"]
    assert [r.tables["issue"].created for r in preview.reports[:4]] == [1, 1, 1, 1]
    assert "损坏" in preview.reports[4].errors[0]
    assert db_fingerprint(pref) == before  # a preview writes nothing
    done = import_batch(pref.db, pref.data, pref.actor, files)
    assert [r.status for r in done.reports] == ["applied"] * 4 + ["rejected"]
    assert [r.tables for r in done.reports[:4]] == [r.tables for r in preview.reports[:4]]
    assert count(pref, Issue) == 4
    assert not done.ok and "已导入 4 个" in done.summary() and "已拒绝 1 个" in done.summary()
    again = import_batch(pref.db, pref.data, pref.actor, files, dry_run=True)
    assert [r.status for r in again.reports] == ["already-imported"] * 4 + ["rejected"]


def test_a_gap_filled_by_another_sender_s_bundle_is_retried_after_it(world, tmp_path: Path) -> None:
    a, b, pref = world
    add_issue(b, serial="2026-101")
    direct = export(b, a, tmp_path / "d")  # B's first changes, straight to A
    first_up = import_batch(pref.db, pref.data, pref.actor, [export(b, pref, tmp_path / "u1").file])
    assert first_up.ok
    add_issue(b, serial="2026-102")
    assert import_batch(pref.db, pref.data, pref.actor, [export(b, pref, tmp_path / "u2").file]).ok
    # the prefecture believes A already has B's first changes (say, from an earlier relay)
    with pref.db.transaction() as s:
        merge_acks(s.get(PeerState, "532801"), {"532822": direct.ranges["532822"][1]})
    relay = export(pref, a, tmp_path / "r")
    assert relay.ranges["532822"][0] == direct.ranges["532822"][1] + 1
    # the relay's sender sorts first, so it meets the gap, and is retried after B's own bundle
    preview = import_batch(a.db, a.data, a.actor, [relay.file, direct.file], dry_run=True)
    assert [r.status for r in preview.reports] == ["dry-run", "dry-run"]
    assert count(a, Issue) == 0
    done = import_batch(a.db, a.data, a.actor, [relay.file, direct.file])
    assert [Path(r.file).name for r in done.reports] == [relay.file.name, direct.file.name]
    assert [r.status for r in done.reports] == ["applied", "applied"]
    assert count(a, Issue) == 2
