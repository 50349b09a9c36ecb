"""Hostile and broken bundles: each is refused, says why, and changes nothing anywhere."""

from __future__ import annotations

import base64
import json
import os
import stat
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.org import keys
from desktop_app.sync import peers
from desktop_app.sync.apply import import_bundle
from desktop_app.sync.bundle_format import Limits
from tests.helpers.sync_support import add_issue, db_fingerprint, export, make_office, rows, trust_both

Members = dict[str, bytes]


@pytest.fixture
def world(tmp_path: Path):
    county = make_office(tmp_path / "county", "532801", "景洪市乡村振兴局")
    pref = make_office(tmp_path / "pref", "532800", "西双版纳州乡村振兴局", level="prefecture")
    trust_both(county, pref)
    iid = add_issue(county)
    with county.db.transaction() as s:
        from db.models import AttachmentLink
        from desktop_app.core import attachments

        info = attachments.store_bytes(s, county.data.attachments, "照片.jpg", os.urandom(4000))
        s.add(AttachmentLink(owner_table="issue", owner_id=iid, sha256=info.sha256))
    good = export(county, pref, tmp_path / "good").file
    yield county, pref, good, tmp_path
    county.close()
    pref.close()


def _members(path: Path) -> Members:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _write(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return path


def _resign(m: Members, signer_keys: Path, change: Callable[[dict], None] | None = None) -> Members:
    manifest = json.loads(m["manifest.json"])
    if change:
        change(manifest)
    body = json.dumps(manifest).encode()
    m = dict(m)
    m["manifest.json"] = body
    m["manifest.sig"] = base64.b64encode(keys.sign(signer_keys, body))
    return m


def _files_outside_db(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")
            if not p.name.startswith("fielddesk.db") and "backups" not in p.parts}


def _refused(pref, bundle: Path, tmp_path: Path, *words: str, limits: Limits | None = None) -> None:
    before_db = db_fingerprint(pref)
    before_files = _files_outside_db(tmp_path)
    rep = import_bundle(pref.db, pref.data, pref.actor, bundle, limits=limits)
    assert rep.status == "rejected", rep.as_json()
    text = " ".join(rep.errors)
    for w in words:
        assert w in text, text
    assert db_fingerprint(pref) == before_db
    assert _files_outside_db(tmp_path) == before_files
    assert not Path("/x").exists()


@pytest.mark.parametrize("fraction", [0.10, 0.50, 0.99])
def test_truncated_bundles_are_rejected_with_no_write(world, fraction: float) -> None:
    county, pref, good, tmp = world
    data = good.read_bytes()
    cut = tmp / f"cut-{int(fraction * 100)}.fdbundle"
    cut.write_bytes(data[: int(len(data) * fraction)])
    _refused(pref, cut, tmp, "损坏或不完整")


def test_one_flipped_byte_in_any_member_or_the_manifest_is_rejected(world) -> None:
    county, pref, good, tmp = world
    m = _members(good)
    assert len([n for n in m if n.startswith("changes/")]) >= 2 and any(n.startswith("blobs/") for n in m)
    for name in m:
        if name == "manifest.sig":
            continue
        changed = dict(m)
        content = bytearray(changed[name])
        content[len(content) // 2] ^= 0x01
        changed[name] = bytes(content)
        bad = _write(tmp / f"flip-{name.replace('/', '_')}.fdbundle", list(changed.items()))
        _refused(pref, bad, tmp)
    # and raw flips in the file itself, inside each member's stored bytes (CRC or hash catch them)
    raw = good.read_bytes()
    with zipfile.ZipFile(good) as zf:
        for info in zf.infolist():
            start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            pos = start + info.compress_size // 2
            flipped = bytearray(raw)
            flipped[pos] ^= 0x40
            bad = tmp / f"rawflip-{info.filename.replace('/', '_')}.fdbundle"
            bad.write_bytes(bytes(flipped))
            _refused(pref, bad, tmp)
    assert import_bundle(pref.db, pref.data, pref.actor, good).status == "applied"


def test_wrong_signer_unknown_and_revoked_keys_are_rejected(world) -> None:
    county, pref, good, tmp = world
    stranger = make_office(tmp / "stranger", "532823", "勐腊县")
    forged = _write(tmp / "forged.fdbundle", list(_resign(_members(good), stranger.data.keys).items()))
    _refused(pref, forged, tmp, "签名与单位 532801 的密钥不符")
    # a bundle from an office whose card was never trusted
    peers.trust_card(stranger.db, stranger.actor, peers.own_card(pref.db, pref.data.keys),
                     peers.own_card(pref.db, pref.data.keys).fingerprint)
    unknown = export(stranger, pref, tmp / "unknown").file
    _refused(pref, unknown, tmp, "未知单位 532823")
    # the county's key is revoked: its bundles are refused, and the old card cannot be trusted again
    peers.revoke_peer(pref.db, pref.actor, "532801")
    _refused(pref, good, tmp, "吊销")
    card = peers.own_card(county.db, county.data.keys)
    with pytest.raises(Exception, match="吊销"):
        peers.trust_card(pref.db, pref.actor, card, card.fingerprint)
    stranger.close()


def test_wrong_target_office_is_rejected(world) -> None:
    county, pref, good, tmp = world
    other = make_office(tmp / "other", "532822", "勐海县")
    trust_both(county, other)
    _refused(other, good, tmp, "发给单位 532800")
    other.close()


def test_wrong_fingerprint_is_not_trusted(world) -> None:
    county, pref, good, tmp = world
    other = make_office(tmp / "other", "532822", "勐海县")
    card = peers.own_card(other.db, other.data.keys)
    with pytest.raises(Exception, match="指纹不符"):
        peers.trust_card(pref.db, pref.actor, card, "0000 1111 2222 3333 4444 5555 6666 7777")
    assert peers.get_peer(pref.db, "532822") is None
    other.close()


@pytest.mark.parametrize("name", ["../x", "/x", "C:\\x", "changes\\issue.jsonl", "changes/../../x.jsonl",
                                  "changes/issue.jsonl/", "blobs/x", "changes/ISSUE.jsonl"])
def test_zip_slip_and_bad_member_names_are_rejected(world, name: str) -> None:
    county, pref, good, tmp = world
    m = _resign(_members(good), county.data.keys,
                lambda man: man["members"].append({"name": name, "sha256": "0" * 64, "size": 1}))
    bad = _write(tmp / "slip.fdbundle", [*m.items(), (name, b"x")])
    _refused(pref, bad, tmp, "不允许")


def test_nul_in_a_member_name_is_rejected(world) -> None:
    county, pref, good, tmp = world
    bad = _write(tmp / "nul.fdbundle", [*_members(good).items(), ("changes/evil#.jsonl", b"x")])
    bad.write_bytes(bad.read_bytes().replace(b"evil#", b"evil\x00"))
    _refused(pref, bad, tmp, "不允许")


def test_symlinks_unlisted_and_duplicate_members_are_rejected(world) -> None:
    county, pref, good, tmp = world
    m = _members(good)
    name = next(n for n in m if n.startswith("changes/"))
    link = zipfile.ZipInfo(name)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    others = [(k, v) for k, v in m.items() if k != name]
    _refused(pref, _write(tmp / "link.fdbundle", [*others, (link, b"/etc/passwd")]), tmp, "符号链接")
    _refused(pref, _write(tmp / "unlisted.fdbundle", [*m.items(), ("changes/holiday.jsonl", b"")]), tmp,
             "未列出")
    _refused(pref, _write(tmp / "dup.fdbundle", [*m.items(), (name, m[name])]), tmp, "重复")


def test_zip_bombs_are_stopped_at_the_caps(world) -> None:
    county, pref, good, tmp = world
    m = _members(good)
    # compression ratio: 200 MB of spaces deflate to ~200 KB
    bomb = tmp / "ratio.fdbundle"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for k, v in m.items():
            zf.writestr(k, v)
        with zf.open("blobs/" + "a" * 64, "w", force_zip64=True) as w:
            chunk = b" " * (1024 * 1024)
            for _ in range(200):
                w.write(chunk)
    _refused(pref, bomb, tmp, "压缩比")
    # member count
    many = _write(tmp / "many.fdbundle", [*m.items(), *[(f"blobs/{i:064x}", b"") for i in range(30)]])
    _refused(pref, many, tmp, "成员过多", limits=Limits(max_members=20))
    # a size header that lies: claims 2 KB, holds 3 MB
    liar = tmp / "liar.fdbundle"
    name = next(n for n in m if n.startswith("changes/"))
    payload = m[name] + b"\n" + b"{}\n" * (1024 * 1024)
    _write(liar, [*[(k, v) for k, v in m.items() if k != name], (name, payload)])
    raw = bytearray(liar.read_bytes())
    with zipfile.ZipFile(liar) as zf:
        info = zf.getinfo(name)
    size_bytes = info.file_size.to_bytes(4, "little")
    fake = (2048).to_bytes(4, "little")
    assert raw.count(size_bytes) >= 2
    liar.write_bytes(bytes(raw).replace(size_bytes, fake))
    _refused(pref, liar, tmp)
    # and a whole file beyond the size cap is refused before it is opened
    _refused(pref, good, tmp, "过大", limits=Limits(max_bundle_bytes=100))


def test_a_future_format_says_which_version_is_needed(world) -> None:
    county, pref, good, tmp = world

    def future(man: dict) -> None:
        man["format_version"] = 3
        man["min_reader_format"] = 2

    bad = _write(tmp / "future.fdbundle", list(_resign(_members(good), county.data.keys, future).items()))
    _refused(pref, bad, tmp, "第 2 版", "升级")


def test_a_newer_schema_is_refused_and_an_older_schema_upgrades(world) -> None:
    county, pref, good, tmp = world
    m = _members(good)
    newer = _write(tmp / "newer.fdbundle", list(_resign(m, county.data.keys,
                                                        lambda man: man.update(schema_version="9999")).items()))
    _refused(pref, newer, tmp, "更新版本")
    # an older office did not have some columns yet: its rows take today's defaults
    lines = [json.loads(x) for x in m["changes/issue.jsonl"].splitlines()]
    for line in lines:
        for col in ("assigned_by_office", "deadline_workdays", "closure_evidence"):
            line["v"].pop(col, None)
    old_changes = ("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n").encode()
    m = dict(m)
    m["changes/issue.jsonl"] = old_changes

    def older(man: dict) -> None:
        import hashlib

        man["schema_version"] = "0001"
        for e in man["members"]:
            if e["name"] == "changes/issue.jsonl":
                e["size"] = len(old_changes)
                e["sha256"] = hashlib.sha256(old_changes).hexdigest()

    old = _write(tmp / "older.fdbundle", list(_resign(m, county.data.keys, older).items()))
    rep = import_bundle(pref.db, pref.data, pref.actor, old)
    assert rep.status == "applied", rep.errors
    [issue] = rows(pref, "issue").values()
    assert issue["assigned_by_office"] == "" and issue["deadline_workdays"] is None
    assert issue["description"] == "村级活动场所管理不规范"


def test_export_needs_a_trusted_peer_and_encryption_is_for_the_recipient_only(world) -> None:
    from desktop_app.core.errors import SyncError
    from desktop_app.sync.bundle_writer import export_bundle

    county, pref, good, tmp = world
    with pytest.raises(SyncError, match="尚未信任单位 532823"):
        export_bundle(county.db, county.data, county.actor, "532823", tmp / "x.fdbundle")
    other = make_office(tmp / "other", "532822", "勐海县")
    trust_both(county, other)
    sealed = export(county, pref, tmp / "sealed", encrypt=True).file
    _refused(other, sealed, tmp, "不是发给本单位")
    tampered = bytearray(sealed.read_bytes())
    tampered[-10] ^= 0x01
    bad = tmp / "sealed-bad.fdbundle"
    bad.write_bytes(bytes(tampered))
    _refused(pref, bad, tmp, "无法解密")
    assert import_bundle(pref.db, pref.data, pref.actor, sealed).status == "applied"
    other.close()


@pytest.mark.parametrize("extra", [
    {"x": "not a list"},
    {"x": [{"t": "issue", "f": "no_such_field", "w": "1", "l": "2", "wh": 1, "wo": "532801", "lh": 1, "lo": "532800"}]},
    {"x": [{"t": "person", "f": "status", "w": "1", "l": "2", "wh": 1, "wo": "532801", "lh": 1, "lo": "532800"}]},
    {"x": [{"t": "issue", "f": "status", "w": "{broken", "l": "2", "wh": 1, "wo": "532801", "lh": 1, "lo": "532800"}]},
    {"x": [{"t": "issue", "f": "status", "w": "1", "l": "2", "wh": -5, "wo": "532801", "lh": 1, "lo": "532800"}]},
    {"x": [{"t": "issue", "f": "status", "w": "1", "l": "2", "wh": 1, "wo": "../x", "lh": 1, "lo": "532800"}]},
    {"fb": {"status": ["1", "532801"]}},
    {"fb": ["status"]},
])
def test_malformed_conflict_or_foreign_base_entries_are_rejected(world, extra: dict) -> None:
    county, pref, good, tmp = world
    import hashlib

    m = dict(_members(good))
    lines = [json.loads(x) for x in m["changes/issue.jsonl"].splitlines()]
    lines[0].update(extra)
    body = ("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n").encode()
    m["changes/issue.jsonl"] = body

    def fix(man: dict) -> None:
        for e in man["members"]:
            if e["name"] == "changes/issue.jsonl":
                e["size"] = len(body)
                e["sha256"] = hashlib.sha256(body).hexdigest()

    bad = _write(tmp / "bad-x.fdbundle", list(_resign(m, county.data.keys, fix).items()))
    _refused(pref, bad, tmp, "格式不正确")
