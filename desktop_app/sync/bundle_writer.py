"""Writing a bundle for a peer (导出数据包): everything the peer has not acknowledged, signed.

Each change line carries the values of the fields for which that change is still
the latest version here, and for each such field the version the writer saw
before (its *base*), so the receiver can tell a concurrent edit from a later one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import tempfile
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Boolean, func, select
from sqlalchemy.orm import Session

from db.changes import decode_fields
from db.engine import Database
from db.models import SYNCED_MODELS, Attachment, ChangeLog, PeerState, SyncConflict
from desktop_app import __version__
from desktop_app.core import audit
from desktop_app.core.attachments import attachment_path
from desktop_app.core.audit import Actor
from desktop_app.core.config import DataDir
from desktop_app.core.errors import SetupRequiredError, SyncError, ValidationError
from desktop_app.org import keys
from desktop_app.org.field_ownership import may_relay
from desktop_app.sync import crypto_box
from desktop_app.sync.bundle_format import BUNDLE_SUFFIX, FORMAT_VERSION, MANIFEST, OFFICE_CODE, SIGNATURE
from desktop_app.sync.history import (
    Entries,
    base_of,
    chunks,
    field_versions,
    foreign_base_of,
    latest,
    load_entries,
)
from desktop_app.sync.peers import have_seqs, load_json
from desktop_app.sync.pending import unacknowledged
from desktop_app.sync.schema_upgrade import head as schema_head
from desktop_app.sync.values import table_of

_SHA = re.compile(r"\A[0-9a-f]{64}\Z")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote (the ``export-bundle --json`` contract)."""

    bundle_id: str
    file: Path
    tables: dict[str, int]
    bytes: int
    to_office: str
    kind: str
    encrypted: bool = False
    ranges: dict[str, list[int]] = field(default_factory=dict)
    blobs: int = 0
    #: the origins asked for (None: every origin the peer has not acknowledged)
    chosen: list[str] | None = None
    #: origins carried although not asked for, because a chosen change needs them (see ``carried_origins``)
    added: list[str] = field(default_factory=list)
    #: origins with changes the peer lacks that this bundle leaves for a later one
    left: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON object."""
        return {"bundle_id": self.bundle_id, "file": str(self.file), "tables": self.tables, "bytes": self.bytes,
                "to_office": self.to_office, "kind": self.kind, "encrypted": self.encrypted,
                "ranges": self.ranges, "blobs": self.blobs, "origins": self.chosen, "added_origins": self.added,
                "left_origins": self.left}


@dataclass
class _Change:
    origin: str
    seq: int
    hlc: int
    table: str
    row_id: str
    op: str
    fields: list[str]
    actor: str | None = None  # who made it (the change log's actor), carried as "by"


def default_file_name(from_code: str, to_code: str, when: dt.datetime | None = None) -> str:
    """``<from>-<to>-<YYYYmmdd-HHMMSS>.fdbundle``: sorting names sorts one sender's bundles by time."""
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    return f"{from_code}-{to_code}-{stamp}{BUNDLE_SUFFIX}"


def _target(out: Path, from_code: str, to_code: str) -> Path:
    if out.is_dir():
        return out / default_file_name(from_code, to_code)
    if out.suffix == "":
        return out.with_suffix(BUNDLE_SUFFIX)
    return out


def _pending_changes(s: Session, to_code: str, acked: dict[str, int],
                     carry: set[str] | None = None) -> tuple[list[_Change], dict[str, list[int]]]:
    have = have_seqs(s)
    changes: list[_Change] = []
    ranges: dict[str, list[int]] = {}
    for origin in sorted(have):
        if origin == to_code:  # a peer has all of its own changes: never echo them back
            continue
        if carry is not None and origin not in carry:
            continue
        lo = acked.get(origin, 0) + 1
        if lo > have[origin]:
            continue
        rows = s.connection().execute(select(ChangeLog.seq, ChangeLog.hlc, ChangeLog.table_name, ChangeLog.row_id, ChangeLog.op,
                                ChangeLog.fields, ChangeLog.actor)
                         .where(ChangeLog.origin == origin, ChangeLog.seq >= lo).order_by(ChangeLog.seq)).all()
        for seq, hlc, table, row_id, op, fields, actor in rows:
            changes.append(_Change(origin, int(seq), int(hlc), table, row_id, op, decode_fields(table, fields), actor))
        ranges[origin] = [lo, have[origin]]
    return changes, ranges


def _scan_whole_log(s: Session, to_code: str, acked: dict[str, int], have: dict[str, int],
                    carry: set[str] | None = None) -> tuple[list[_Change], dict[str, list[int]], Entries]:
    """The pending changes and every row's entries from one read of the log (most of it is being sent)."""
    changes: list[_Change] = []
    entries: Entries = defaultdict(list)
    rows = s.connection().execute(select(ChangeLog.origin, ChangeLog.seq, ChangeLog.hlc, ChangeLog.table_name,
                                         ChangeLog.row_id, ChangeLog.op, ChangeLog.fields, ChangeLog.actor)
                                  .order_by(ChangeLog.origin, ChangeLog.seq)).all()
    for origin, seq, hlc, table, row_id, op, fields, actor in rows:
        names = decode_fields(table, fields)
        entries[row_id].append(((hlc, origin), names))
        if origin != to_code and seq > acked.get(origin, 0) and (carry is None or origin in carry):
            changes.append(_Change(origin, seq, hlc, table, row_id, op, names, actor))
    ranges = {o: [acked.get(o, 0) + 1, n] for o, n in sorted(have.items())
              if o != to_code and n > acked.get(o, 0) and (carry is None or o in carry)}
    return changes, ranges, entries


#: (row id, hlc, origin) of a change -> the conflicts logged here that it took part in
Involved = dict[tuple[str, int, str], list[dict[str, Any]]]


def _involved(s: Session, row_ids: set[str]) -> Involved:
    """The conflicts logged here on these rows, by the changes they involve (winner and loser).

    They travel with those changes (``"x"`` in a change line) so every office that gets both
    versions logs the conflict once, even when the losing value no longer travels itself.
    """
    out: Involved = defaultdict(list)
    if not row_ids or s.execute(select(SyncConflict.id).limit(1)).first() is None:
        return out
    for part in chunks(sorted(row_ids)):
        for c in s.execute(select(SyncConflict).where(SyncConflict.row_id.in_(part))).scalars():
            x = {"t": c.table_name, "f": c.field, "w": c.winner_value, "l": c.loser_value, "wh": c.winner_hlc,
                 "wo": c.winner_office, "lh": c.loser_hlc, "lo": c.loser_office, "r": bool(c.resolved)}
            out[(c.row_id, c.winner_hlc, c.winner_office)].append(x)
            out[(c.row_id, c.loser_hlc, c.loser_office)].append(x)
    return out


def _carried(change: _Change, entries: Entries, versions_cache: dict[str, dict[str, list]],
             columns: set[str],
             involved: Involved | None = None) -> tuple[list[str], dict[str, list[Any]], dict[str, list[Any] | None]]:
    """Fields whose current value this change wrote, the base version of each, and — where that
    base is the same office's own earlier version — the last other office's version below it."""
    row_entries = entries.get(change.row_id)
    if row_entries is not None and len(row_entries) == 1:
        # the row's only change (the common case: a row made and never edited) carries everything
        return [f for f in change.fields if f in columns], {}, {}
    per_row = versions_cache.get(change.row_id)
    if per_row is None:
        per_row = versions_cache[change.row_id] = field_versions(row_entries)
    stamp = (change.hlc, change.origin)
    carried: list[str] = []
    bases: dict[str, list[Any]] = {}
    foreign: dict[str, list[Any] | None] = {}
    # versions this change won over as a concurrent edit: its writer never saw them
    concurrent: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for x in (involved or {}).get((change.row_id, change.hlc, change.origin), ()):
        if (x["wh"], x["wo"]) == stamp:
            concurrent[x["f"]].add((x["lh"], x["lo"]))
    for f in change.fields:
        if f not in columns:
            continue
        stamps = per_row.get(f)
        if latest(stamps) != stamp:
            continue  # a later change holds this field's current value; that one carries it
        carried.append(f)
        skip = concurrent.get(f)
        b = foreign_base_of(stamps, stamp, skip, other_office=False) if skip else base_of(stamps, stamp)
        if b is not None:
            bases[f] = [b[0], b[1]]
            if b[1] == change.origin:
                # its own earlier version never travels (superseded): the receiver judges a concurrent
                # edit by the last version from another office that the writer had seen
                fb = foreign_base_of(stamps, stamp, skip or frozenset())
                foreign[f] = [fb[0], fb[1]] if fb is not None else None
    return carried, bases, foreign


def _pending_rows(s: Session, origin: str, after: int) -> tuple[set[tuple[str, str]], set[str]]:
    """The (table, row) pairs an origin's changes after ``after`` touch, and the rows they create."""
    rows = s.execute(select(ChangeLog.table_name, ChangeLog.row_id, ChangeLog.op)
                     .where(ChangeLog.origin == origin, ChangeLog.seq > after)).all()
    return {(str(t), str(r)) for t, r, _op in rows}, {str(r) for _t, r, op in rows if op == "insert"}


def _references(s: Session, rows: set[tuple[str, str]]) -> set[str]:
    """The ids the given rows point at (their foreign keys, and an attachment link's owner)."""
    by_table: dict[str, list[str]] = defaultdict(list)
    for table, row_id in rows:
        by_table[table].append(row_id)
    out: set[str] = set()
    for table, ids in by_table.items():
        model = SYNCED_MODELS.get(table)
        if model is None:
            continue
        tbl = table_of(model)
        cols = [fk.parent for fk in tbl.foreign_keys if fk.column.table.name in SYNCED_MODELS]
        if "owner_id" in tbl.c:
            cols.append(tbl.c.owner_id)
        if not cols:
            continue
        for part in chunks(sorted(ids)):
            for values in s.execute(select(*cols).where(tbl.c.id.in_(part))).all():
                out.update(str(v) for v in values if v)
    return out


def carried_origins(s: Session, to_code: str, acked: dict[str, int], chosen: set[str],
                    sender: str | None = None) -> tuple[set[str], set[str]]:
    """The origins a bundle limited to ``chosen`` must carry, and those it leaves for later.

    Whole origins only: an origin's changes go from the first one the peer lacks to the last,
    so sequence ranges stay contiguous (acknowledgements and gap checks rely on it). And an
    origin is added when it made a row the peer does not have yet that a carried change edits
    or points at (a prefecture's verdict on, or progress under, another county's new item):
    the peer would refuse that change for the missing row and, its sequence number being
    acknowledged, never get it again. Edits of rows the peer has merge in any order (each field
    travels with the change that holds its current value), so they need nothing more.
    """
    have = have_seqs(s)
    pending = {o for o, n in have.items() if o != to_code and n > acked.get(o, 0)
               and (sender is None or may_relay(sender, o))}
    carry = set(chosen) & pending
    touched_by = {o: _pending_rows(s, o, acked.get(o, 0)) for o in pending}
    while True:
        rows = set().union(*(touched_by[o][0] for o in carry)) if carry else set()
        needed = {r for _t, r in rows} | _references(s, rows)
        extra = {o for o in pending - carry if touched_by[o][1] & needed}
        if not extra:
            return carry, pending - carry
        carry |= extra


def export_bundle(db: Database, data: DataDir, actor: Actor, to_code: str, out: Path, full: bool = False,
                  encrypt: bool = False, progress: Progress | None = None,
                  origins: set[str] | None = None) -> ExportResult:
    """Write a signed bundle for ``to_code`` at ``out`` (a file, or a folder to put it in).

    ``origins`` limits the bundle to those offices' changes (e.g. ``{own code}``: a prefecture
    sending down its own items, holidays and question banks without relaying other counties);
    origins they depend on are added (``ExportResult.added``), the rest wait for a later bundle
    (nothing is acknowledged that was not sent). None: everything the peer has not acknowledged.
    """
    me = _sender(db, to_code)
    bundle_id = str(uuid.uuid4())
    target = _target(Path(out), me, to_code)
    target.parent.mkdir(parents=True, exist_ok=True)
    with db.session() as s, s.begin():  # one read transaction: a consistent snapshot
        peer = _trusted_peer(s, to_code, encrypt)
        enc_key = peer.enc_key
        acked = {} if full else load_json(peer.acked)
        acks = have_seqs(s)
        carry, added, left = _origins_carried(s, me, to_code, acked, acks, origins)
        changes, ranges, entries = _gather(s, to_code, acked, acks, carry)
        by_table: dict[str, list[_Change]] = defaultdict(list)
        for c in changes:
            if c.table in SYNCED_MODELS:
                by_table[c.table].append(c)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".part")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            involved = _involved(s, {c.row_id for c in changes})
            members, counts, shas = _write_changes(s, tmp, by_table, entries, len(changes), progress, involved)
            blobs = _attachment_meta(s, data, shas)
            manifest = {
                "format_version": FORMAT_VERSION, "min_reader_format": 1,
                "schema_version": schema_head(), "app_version": __version__,
                "bundle_id": bundle_id, "kind": "full" if full else "incremental",
                "from_office": me, "to_office": to_code, "created": db.clock.tick(),
                "created_at": dt.datetime.now().isoformat(timespec="seconds"),
                "ranges": ranges, "acks": acks, "counts": counts, "attachments": [b for b, _ in blobs],
                "members": members,
                # the sender's audit-log head, signed with the manifest: a peer notices a log that shrank
                "audit_head": audit.read_head(s),
            }
            _finish_zip(tmp, data, manifest, blobs)
            size = _place(tmp, target, to_code, enc_key if encrypt else None)
        finally:
            tmp.unlink(missing_ok=True)
    with db.transaction() as s:
        p = s.get(PeerState, to_code)
        if p is not None:
            p.last_export = dt.datetime.now()
        audit.record(s, actor, "export_bundle", "peer_state", to_code,
                     {"bundle_id": bundle_id, "file": str(target), "rows": counts, "full": full, "encrypted": encrypt,
                      "origins": sorted(origins) if origins is not None else None, "added_origins": added})
    return ExportResult(bundle_id=bundle_id, file=target, tables=counts, bytes=size, to_office=to_code,
                        kind="full" if full else "incremental", encrypted=encrypt, ranges=ranges, blobs=len(blobs),
                        chosen=sorted(origins) if origins is not None else None, added=added, left=left)


def _sender(db: Database, to_code: str) -> str:
    """This office's code, once it is set up and ``to_code`` names another office."""
    me = db.office_code
    if not me:
        raise SetupRequiredError()
    if not OFFICE_CODE.match(to_code or ""):
        raise ValidationError(f"接收单位代码“{to_code}”格式不正确", "请填写6位行政区划代码", field="to")
    if to_code == me:
        raise ValidationError("不能给本单位导出数据包", "请填写接收单位的代码", field="to")
    return me


def _trusted_peer(s: Session, to_code: str, encrypt: bool) -> PeerState:
    """The receiving office, whose identity card was imported and checked (with an encryption key if asked)."""
    peer = s.get(PeerState, to_code)
    if peer is None or not peer.trusted or peer.revoked or not peer.public_key:
        raise SyncError(f"尚未信任单位 {to_code} 的身份卡", "请先导入并核对对方单位的身份卡（数据交换 → 导入身份卡）")
    if encrypt and not peer.enc_key:
        raise SyncError(f"单位 {to_code} 的身份卡不含加密公钥，无法加密", "请让对方用新版本重新导出身份卡，或不加密导出")
    return peer


def _origins_carried(s: Session, me: str, to_code: str, acked: dict[str, int], acks: dict[str, int],
                     origins: set[str] | None) -> tuple[set[str], list[str], list[str]]:
    """The origins whose changes this bundle carries, those added to the chosen ``origins`` (they depend on
    them) and those left for a later bundle."""
    if origins is not None:
        carry, rest = carried_origins(s, to_code, acked, set(origins), me)
        return carry, sorted(carry - set(origins)), sorted(rest)
    # only what this office may carry (ownership.may_relay): a county its own changes, a prefecture
    # also its counties' — the receiver would refuse the rest (e.g. a county's full bundle holding
    # the other counties' changes relayed to it)
    return {o for o in acks if may_relay(me, o)}, [], []


def _gather(s: Session, to_code: str, acked: dict[str, int], acks: dict[str, int],
            carry: set[str]) -> tuple[list[_Change], dict[str, list[int]], Entries]:
    """The changes not yet acknowledged by ``to_code``, their ranges and the rows' history entries: from one
    pass over the whole log when most of it is pending, else from the pending ranges."""
    pending = unacknowledged(acks, acked, to_code, carry)
    if pending * 2 > sum(acks.values()):
        return _scan_whole_log(s, to_code, acked, acks, carry)  # one pass, one parse
    changes, ranges = _pending_changes(s, to_code, acked, carry)
    return changes, ranges, load_entries(s, {c.row_id for c in changes})


def _write_changes(s: Session, tmp: Path, by_table: dict[str, list[_Change]], entries: Entries, total: int,
                   progress: Progress | None,
                   involved: Involved | None = None) -> tuple[list[dict[str, Any]], dict[str, int], set[str]]:
    members: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    shas: set[str] = set()
    done = 0
    cache: dict[str, dict[str, list]] = {}
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for table in sorted(by_table):
            writer = _TableWriter(s, table, shas, involved or {})
            chs = by_table[table]
            members.append(writer.write(zf, chs, entries, cache, progress, done, total))
            done += len(chs)
            counts[table] = len(chs)
    return members, counts, shas


#: a change to write: (change, fields carried, their bases, their other-office bases)
_Item = tuple[_Change, list[str], dict[str, list[Any]], dict[str, "list[Any] | None"]]


class _TableWriter:
    """Writes one table's ``changes/<table>.jsonl``."""

    def __init__(self, s: Session, table: str, shas: set[str], involved: Involved) -> None:
        self.table = table
        self.shas = shas
        self.involved = involved
        self.tbl = table_of(SYNCED_MODELS[table])
        self.conn = s.connection()
        # SQLite: the session's own DBAPI connection (same snapshot), rows as stored (ISO dates stay
        # text; result processing cost more than the rest of the export); elsewhere Core rows
        self.raw = self.conn.connection.driver_connection if self.conn.dialect.name == "sqlite" else None
        self.names = [c.name for c in self.tbl.columns]
        self.columns = set(self.names)
        self.at = {n: i for i, n in enumerate(self.names)}
        self.id_at = self.at["id"]
        self.bool_cols = [c.name for c in self.tbl.columns if isinstance(c.type, Boolean)]
        self.sha_cols = [c for c in self.names if c.endswith("sha256")]  # attachments referenced by hash

    def line(self, c: _Change, carried: list[str], bases: dict[str, list[Any]],
             foreign: dict[str, list[Any] | None], row: tuple | None) -> bytes:
        """One change as a JSON line."""
        v = {f: row[self.at[f]] for f in carried} if row is not None else {}
        for f in self.bool_cols:
            if v.get(f) is not None:
                v[f] = bool(v[f])  # stored as 0/1
        for f in self.sha_cols:
            val = v.get(f)
            if isinstance(val, str) and _SHA.match(val):
                self.shas.add(val)
        out: dict[str, Any] = {"o": c.origin, "s": c.seq, "h": c.hlc, "id": c.row_id, "op": c.op, "v": v}
        if c.actor:
            out["by"] = c.actor  # who made the change: the receiving office sees who recorded what
        if bases:
            out["b"] = bases
        if foreign:
            out["fb"] = foreign
        if self.involved:
            x = self.involved.get((c.row_id, c.hlc, c.origin))
            if x:
                out["x"] = x
        return orjson.dumps(out)

    def rows(self, wanted: dict[str, Any]) -> Iterator[list[tuple]]:
        """The stored rows whose ids are in ``wanted``, in batches."""
        count = self.conn.execute(select(func.count()).select_from(self.tbl)).scalar() or 0
        if self.raw is not None and len(wanted) * 3 > count:
            # most of the table is wanted: one sequential scan beats random lookups by UUID
            cur = self.raw.execute(f"SELECT {', '.join(self.names)} FROM {self.table}")
            while batch := cur.fetchmany(5000):
                yield [r for r in batch if r[self.id_at] in wanted]
            return
        for ids in chunks(sorted(wanted)):
            if self.raw is not None:
                marks = ", ".join("?" * len(ids))
                yield self.raw.execute(f"SELECT {', '.join(self.names)} FROM {self.table} WHERE id IN ({marks})",
                                       ids).fetchall()
            else:
                cols = [self.tbl.c[n] for n in self.names]
                yield [tuple(r) for r in self.conn.execute(select(*cols).where(self.tbl.c.id.in_(ids))).all()]

    def write(self, zf: zipfile.ZipFile, chs: list[_Change], entries: Entries, cache: dict[str, dict[str, list]],
              progress: Progress | None, done: int, total: int) -> dict[str, Any]:
        """Write the member; returns its manifest entry."""
        by_row: dict[str, list[_Item]] = defaultdict(list)
        bare: list[_Item] = []  # values all in later changes
        for c in chs:
            item = (c, *_carried(c, entries, cache, self.columns, self.involved))
            (by_row[c.row_id] if item[1] else bare).append(item)
        name = f"changes/{self.table}.jsonl"
        digest = hashlib.sha256()
        size = written = 0
        with zf.open(name, "w", force_zip64=True) as w:
            for found_rows in [*self.rows(by_row), None]:
                if found_rows is None:
                    lines = [self.line(c, carried, bases, fb, None) for c, carried, bases, fb in bare]
                else:
                    lines = [self.line(c, carried, bases, fb, found) for found in found_rows
                             for c, carried, bases, fb in by_row[found[self.id_at]]]
                if not lines:
                    continue
                blob = b"\n".join(lines) + b"\n"
                digest.update(blob)
                size += len(blob)
                w.write(blob)
                written += len(lines)
                if progress:
                    progress(done + written, total)
        if written != len(chs):
            raise SyncError(f"导出时数据表 {self.table} 的记录缺失（{len(chs) - written} 条变更找不到对应记录）",
                            "请运行 fielddesk selftest 检查数据库后重试")
        return {"name": name, "sha256": digest.hexdigest(), "size": size}


def _attachment_meta(s: Session, data: DataDir, shas: set[str]) -> list[tuple[dict[str, Any], Path]]:
    out: list[tuple[dict[str, Any], Path]] = []
    for ids in chunks(sorted(shas)):
        for a in s.execute(select(Attachment).where(Attachment.sha256.in_(ids))).scalars():
            path = attachment_path(data.attachments, a.sha256)
            if path.exists():
                out.append(({"sha256": a.sha256, "name": a.name, "size": a.size, "mime": a.mime}, path))
    return out


def _finish_zip(tmp: Path, data: DataDir, manifest: dict[str, Any], blobs: list[tuple[dict[str, Any], Path]]) -> None:
    with zipfile.ZipFile(tmp, "a") as zf:
        for meta, path in blobs:
            content = path.read_bytes()
            if hashlib.sha256(content).hexdigest() != meta["sha256"]:
                raise SyncError(f"附件“{meta['name']}”的文件内容与记录不符（可能已损坏）", "请重新上传该附件后再导出")
            name = f"blobs/{meta['sha256']}"
            # stored, not deflated: attachments are mostly compressed already, and a stored
            # member can never look like a zip bomb to the receiver
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), content,
                        compress_type=zipfile.ZIP_STORED)
            manifest["members"].append({"name": name, "sha256": meta["sha256"], "size": len(content)})
        body = orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
        zf.writestr(MANIFEST, body, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr(SIGNATURE, base64.b64encode(keys.sign(data.keys, body)), compress_type=zipfile.ZIP_STORED)


def _place(tmp: Path, target: Path, to_code: str, enc_key: str | None) -> int:
    if enc_key:
        sealed = crypto_box.encrypt(tmp.read_bytes(), to_code, enc_key)
        tmp.write_bytes(sealed)
    os.replace(tmp, target)
    return target.stat().st_size
