"""Importing a bundle (导入数据包): check everything in memory, then apply in ONE transaction.

Order (DESIGN.md §4): limits and structure (``bundle_reader``) → signature, target
office, versions → already imported? → parse and validate every change → gaps and
same-sequence checks per origin → merge row by row (ownership, per-field last
writer wins by (clock, office code), conflicts kept, append-only children as a
union) → write rows, change-log entries, conflicts, the bundle id and the peer's
acknowledgements in one transaction. A dry run takes the same path and rolls back.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.base import Base
from db.changes import MAX_CLOCK_SKEW_MS, HybridClock, answered_by
from db.engine import Database
from db.models import SYNCED_MODELS, Attachment, ChangeLog, ImportedBundle, PeerState, SyncConflict
from desktop_app import audit, workdays
from desktop_app.attachments import attachment_path
from desktop_app.audit import Actor
from desktop_app.config import DataDir
from desktop_app.errors import SetupRequiredError, SyncError
from desktop_app.ledger import estimates
from desktop_app.sync import keys
from desktop_app.sync.bundle_format import BUNDLE_ID, OFFICE_CODE, ROW_ID, Limits
from desktop_app.sync.bundle_reader import RawBundle, read_bundle
from desktop_app.sync.conflicts import TABLE_LABELS
from desktop_app.sync.history import Stamp, chunks, field_versions, foreign_base_of, latest, load_entries
from desktop_app.sync.ownership import ISSUE_CHILDREN, is_prefecture_code, may_relay, reopens_closed_item
from desktop_app.sync.ownership import check as check_owner
from desktop_app.sync.peers import have_seqs, load_json, merge_acks
from desktop_app.sync.schema_upgrade import revisions, upgrade_changes
from desktop_app.sync.values import BadValueError, decoders, defaults, jsonable, table_of, text_columns

#: test hook: when set to a file path, the import creates that file and waits before committing
HOLD_ENV = "FIELDDESK_SYNC_TEST_HOLD"
MAX_ERRORS = 200
#: refusal reasons copied into an audit entry (the report lists them all)
AUDIT_REASONS = 50
#: a stamp capped by an older version carries this counter, which local clocks never reach, so it
#: stays recognisable (stamps are no longer capped on import: see ``_parse``)
CAP_COUNTER = 0xFFFF
#: no stamp may claim a time after 2200-01-01: every office refuses such a line alike, and an edit on
#: top of it (stamped one above) stays within SQLite's 64-bit integers
MAX_STAMP = HybridClock.pack(7_258_118_400_000, 0)
_OPS = frozenset({"insert", "update", "delete"})


@dataclass
class TableReport:
    """Per table: what the import did (or would do) to its rows."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    rejected: int = 0

    def as_json(self) -> dict[str, int]:
        """The contract's per-table object."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "conflicts": self.conflicts, "rejected": self.rejected}


@dataclass
class ImportReport:
    """The outcome of one import (the ``import-bundle --json`` contract)."""

    file: str
    bundle_id: str = ""
    from_office: str = ""
    status: str = "rejected"  # applied|already-imported|rejected|dry-run
    tables: dict[str, TableReport] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gap: dict[str, list[int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON object."""
        return {"bundle_id": self.bundle_id, "from_office": self.from_office, "status": self.status,
                "tables": {k: v.as_json() for k, v in sorted(self.tables.items())}, "errors": list(self.errors),
                "warnings": list(self.warnings), "file": self.file}

    def add_error(self, text: str) -> None:
        """Record a refusal (the list is capped so a hostile bundle cannot flood the report)."""
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(text)
        elif len(self.errors) == MAX_ERRORS:
            self.errors.append("……更多被拒绝的记录未逐条列出")


@dataclass
class _Change:
    origin: str
    seq: int
    hlc: int
    table: str
    row_id: str
    op: str
    values: dict[str, Any]
    bases: dict[str, Stamp]
    applied: list[str] = field(default_factory=list)
    sent_hlc: int = 0  # the stamp as the bundle carried it, before any capping
    #: conflicts the sender logged that this change took part in (``"x"``), as SyncConflict columns
    relayed: list[dict[str, Any]] = field(default_factory=list)
    #: where the base is the writer's own earlier version: the last other office's version it saw (``"fb"``)
    foreign: dict[str, Stamp | None] = field(default_factory=dict)

    def seen(self, f: str) -> Stamp | None:
        """The newest version of ``f`` from another office that the writer had seen (None: none)."""
        return self.foreign[f] if f in self.foreign else self.bases.get(f)

    @property
    def stamp(self) -> Stamp:
        return (self.hlc, self.origin)


class _DryRunDoneError(Exception):
    """Raised inside the transaction to undo a dry run."""


def _fail(message: str, action: str = "请让发送单位重新导出；本次未做任何改动") -> SyncError:
    return SyncError(message, action)


# ---------------------------------------------------------------- checks before parsing

def _check_header(raw: RawBundle) -> dict[str, Any]:
    m = raw.manifest
    for key in ("bundle_id", "from_office", "to_office", "schema_version"):
        if not isinstance(m.get(key), str):
            raise _fail(f"数据包清单缺少“{key}”，不是有效的数据包")
    if not BUNDLE_ID.match(m["bundle_id"]):
        raise _fail("数据包编号格式不正确")
    if not OFFICE_CODE.match(m["from_office"]) or not OFFICE_CODE.match(m["to_office"]):
        raise _fail("数据包清单中的单位代码格式不正确")
    for key in ("ranges", "acks", "counts"):
        if not isinstance(m.get(key), dict):
            raise _fail(f"数据包清单缺少“{key}”，不是有效的数据包")
    for origin, rng in m["ranges"].items():
        if (not OFFICE_CODE.match(str(origin)) or not isinstance(rng, list) or len(rng) != 2
                or not all(isinstance(x, int) and not isinstance(x, bool) for x in rng) or not 1 <= rng[0] <= rng[1]):
            raise _fail("数据包清单中的序号范围格式不正确")
    for origin, seq in m["acks"].items():
        if not OFFICE_CODE.match(str(origin)) or not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise _fail("数据包清单中的确认信息格式不正确")
    return m


def _check_signature(s: Session, raw: RawBundle, sender: str) -> None:
    peer = s.get(PeerState, sender)
    if peer is None or not peer.public_key:
        raise SyncError(f"数据包来自未知单位 {sender}：尚未导入并信任其身份卡",
                        "请先导入对方单位的身份卡并电话核对指纹，再导入数据包；本次未做任何改动")
    if keys.verify(peer.public_key, raw.manifest_bytes, raw.signature):
        if peer.revoked or not peer.trusted:
            raise SyncError(f"单位 {sender} 的密钥已被吊销，拒绝其数据包", "请让对方生成新密钥并重新交换身份卡；本次未做任何改动")
        return
    for old in orjson.loads(peer.revoked_keys or "[]"):
        if keys.verify(old, raw.manifest_bytes, raw.signature):
            raise SyncError(f"数据包由单位 {sender} 已吊销的密钥签名，已拒绝", "请让对方用新密钥重新导出；本次未做任何改动")
    raise SyncError(f"数据包签名与单位 {sender} 的密钥不符（可能被篡改或冒名）",
                    "请勿导入来历不明的数据包，请与对方电话核实后重新发送；本次未做任何改动")


def _check_versions(m: dict[str, Any]) -> None:
    schema = m["schema_version"]
    if schema not in revisions():
        raise SyncError(f"数据包由更新版本的调研工作台导出（数据结构 {schema}），本版本无法读取其中的数据",
                        "请升级调研工作台后再导入；本次未做任何改动")


# ---------------------------------------------------------------- parsing

def _parse(raw: RawBundle, m: dict[str, Any], limit_hlc: int) -> tuple[list[_Change], list[str]]:
    """Every change, decoded and checked; the warnings about clocks too far ahead."""
    changes: list[_Change] = []
    warnings: list[str] = []
    ahead_by_origin: dict[str, int] = defaultdict(int)
    counts = m["counts"]
    if set(counts) != set(raw.changes):
        raise _fail("数据包清单的行数统计与内容不符")
    for table, blob in raw.changes.items():
        model = SYNCED_MODELS.get(table)
        if model is None:
            raise _fail(f"数据包含有本版本不认识的数据表“{table}”", "请升级调研工作台后再导入；本次未做任何改动")
        decs = decoders(table_of(model))
        texts = text_columns(table_of(model))
        origins_ok: set[str] = set()
        lines = blob.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        if len(lines) != counts.get(table):
            raise _fail(f"数据表 {table} 的变更条数与清单不符")
        for n, line in enumerate(lines, 1):
            try:
                d = orjson.loads(line)
                origin, seq, hlc, row_id, op, vals = d["o"], d["s"], d["h"], d["id"], d["op"], d["v"]
                bases_raw = d.get("b") or {}
            except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                raise _fail(f"数据表 {table} 第 {n} 条变更格式不正确") from exc
            if origin not in origins_ok and isinstance(origin, str) and OFFICE_CODE.match(origin):
                origins_ok.add(origin)
            if (origin not in origins_ok or not isinstance(seq, int)
                    or isinstance(seq, bool) or seq < 1 or not isinstance(hlc, int) or isinstance(hlc, bool)
                    or not 0 < hlc < 2**63 or not isinstance(row_id, str) or not ROW_ID.match(row_id)
                    or op not in _OPS or not isinstance(vals, dict) or not isinstance(bases_raw, dict)):
                raise _fail(f"数据表 {table} 第 {n} 条变更格式不正确")
            out: dict[str, Any] = vals
            for f, x in vals.items():
                if f in texts and x.__class__ is str and "\x00" not in x:
                    continue  # the common case, checked inline: text for a text column
                dec = decs.get(f)
                if dec is None:
                    raise _fail(f"数据表 {table} 第 {n} 条变更含有未知字段“{str(f)[:40]}”")
                try:
                    out[f] = dec(x)
                except BadValueError as exc:
                    raise _fail(f"数据表 {table} 第 {n} 条变更的字段“{f}”取值不正确（{exc}）") from exc
            if "id" in out and out["id"] != row_id:
                raise _fail(f"数据表 {table} 第 {n} 条变更的编号不一致")
            bases: dict[str, Stamp] = {}
            for f, b in bases_raw.items():
                if (not isinstance(b, list) or len(b) != 2 or not isinstance(b[0], int) or not isinstance(b[1], str)
                        or not OFFICE_CODE.match(b[1])):
                    raise _fail(f"数据表 {table} 第 {n} 条变更的版本信息格式不正确")
                bases[f] = (b[0], b[1])
            foreign: dict[str, Stamp | None] = {}
            fb_raw = d.get("fb") or {}
            if not isinstance(fb_raw, dict):
                raise _fail(f"数据表 {table} 第 {n} 条变更的版本信息格式不正确")
            for f, b in fb_raw.items():  # rare (a row edited twice in a row by one office): no fast path needed
                if b is None:
                    foreign[f] = None
                    continue
                if (not isinstance(b, list) or len(b) != 2 or not isinstance(b[0], int) or not isinstance(b[1], str)
                        or not OFFICE_CODE.match(b[1])):
                    raise _fail(f"数据表 {table} 第 {n} 条变更的版本信息格式不正确")
                foreign[f] = (b[0], b[1])
            sent = hlc
            if hlc > MAX_STAMP:
                raise _fail(f"数据表 {table} 第 {n} 条变更的时间戳无效（晚于2200年）")
            if hlc > limit_hlc:
                ahead_by_origin[origin] += 1
            relayed = _parse_relayed(d["x"], table, row_id, decs, n) if "x" in d else []
            changes.append(_Change(origin, seq, hlc, table, row_id, op, out, bases, sent_hlc=sent, relayed=relayed,
                                   foreign=foreign))
    for origin, n in sorted(ahead_by_origin.items()):
        warnings.append(f"单位 {origin} 的 {n} 条变更时间戳超前本机时钟一天以上（对方或曾修改该记录的单位电脑时间可能设置错误）；"
                        f"已按原时间戳合并（各单位结果一致），本机时钟未随之调快")
    return changes, warnings


def _parse_relayed(raw: Any, table: str, row_id: str, decs: dict[str, Any], n: int) -> list[dict[str, Any]]:
    """The conflicts a change line carries (``"x"``), checked like everything else in a bundle."""
    if raw is None:
        return []
    bad = _fail(f"数据表 {table} 第 {n} 条变更的冲突记录格式不正确")
    if not isinstance(raw, list) or len(raw) > 100:
        raise bad
    out = []
    for x in raw:
        if not isinstance(x, dict) or x.get("t") != table or x.get("f") not in decs:
            raise bad
        w, lo_val, r = x.get("w"), x.get("l"), x.get("r", False)
        stamps = [x.get("wh"), x.get("lh")]
        offices = [x.get("wo"), x.get("lo")]
        if (not isinstance(w, str) or not isinstance(lo_val, str) or len(w) + len(lo_val) > 200_000
                or not isinstance(r, bool)
                or not all(isinstance(h, int) and not isinstance(h, bool) and 0 < h <= MAX_STAMP for h in stamps)
                or not all(isinstance(o, str) and OFFICE_CODE.match(o) for o in offices)):
            raise bad
        try:
            orjson.loads(w)
            orjson.loads(lo_val)
        except orjson.JSONDecodeError as exc:
            raise bad from exc
        win_hlc, lose_hlc = int(stamps[0] or 0), int(stamps[1] or 0)  # both checked to be positive ints above
        out.append({"table_name": table, "row_id": row_id, "field": x["f"], "winner_value": w, "loser_value": lo_val,
                    "winner_hlc": win_hlc, "loser_hlc": lose_hlc,
                    "winner_office": offices[0], "loser_office": offices[1], "resolved": r,
                    "resolved_by": "发送单位已处理" if r else ""})
    return out


def _check_ranges(changes: list[_Change], m: dict[str, Any]) -> None:
    seen: dict[str, set[int]] = defaultdict(set)
    for c in changes:
        if c.seq in seen[c.origin]:
            raise _fail(f"数据包中单位 {c.origin} 的第 {c.seq} 号变更重复出现")
        seen[c.origin].add(c.seq)
    ranges = m["ranges"]
    if set(seen) != set(ranges):
        raise _fail("数据包清单的序号范围与内容不符")
    for origin, (lo, hi) in ranges.items():
        got = seen[origin]
        if len(got) != hi - lo + 1 or min(got) != lo or max(got) != hi:
            raise _fail(f"数据包中单位 {origin} 的变更序号与清单范围 {lo}–{hi} 不符")


def _check_against_log(s: Session, me: str, changes: list[_Change], m: dict[str, Any],
                       report: ImportReport) -> list[_Change]:
    """Refuse gaps and rewritten history; return only the changes this office does not have yet."""
    have = have_seqs(s)
    gaps: list[str] = []
    for origin, (lo, hi) in sorted(m["ranges"].items()):
        mine = have.get(origin, 0)
        if origin == me and hi > mine:
            raise SyncError(f"数据包中含有本单位第 {mine + 1}–{hi} 号变更，但本单位没有这些记录（本机数据可能从旧备份恢复过）",
                            "请联系技术人员处理；本次未做任何改动")
        if lo > mine + 1:
            gaps.append(f"单位 {origin} 的第 {mine + 1}–{lo - 1} 号变更")
            report.gap[origin] = [mine + 1, lo - 1]
    if gaps:
        raise SyncError(f"数据包不连续：缺少{'、'.join(gaps)}",
                        "请先导入更早的数据包（或请对方导出完整数据包 --full）后再导入本包；本次未做任何改动")
    known = [c for c in changes if c.seq <= have.get(c.origin, 0)]
    by_origin: dict[str, list[_Change]] = defaultdict(list)
    for c in known:
        by_origin[c.origin].append(c)
    for origin, cs in by_origin.items():
        local = _local_log(s, origin, [c.seq for c in cs])
        for c in cs:
            if c.seq in local and not _same_change(c, local[c.seq]):
                raise SyncError(f"单位 {origin} 的第 {c.seq} 号变更与本单位已有的同号变更内容不同（对方数据可能从旧备份恢复后重新编号）",
                                "请联系发送单位核实，不要导入本包；本次未做任何改动")
    return [c for c in changes if c.seq > have.get(c.origin, 0)]


def _local_log(s: Session, origin: str, seqs: list[int]) -> dict[int, tuple[int, str, str, str]]:
    """This office's change-log entries of ``origin`` with these sequence numbers: seq -> (hlc, table, row, op)."""
    seqs = sorted(seqs)
    local: dict[int, tuple[int, str, str, str]] = {}
    for lo in range(0, len(seqs), 20000):
        part = seqs[lo:lo + 20000]
        rows = s.execute(select(ChangeLog.seq, ChangeLog.hlc, ChangeLog.table_name, ChangeLog.row_id, ChangeLog.op)
                         .where(ChangeLog.origin == origin, ChangeLog.seq >= part[0], ChangeLog.seq <= part[-1]))
        for seq, hlc, table, row_id, op in rows:
            local[int(seq)] = (int(hlc), table, row_id, op)
    return local


def _same_change(c: _Change, mine: tuple[int, str, str, str]) -> bool:
    """Whether an incoming change is the one this office holds under the same number (a capped
    stamp, recognisable by its counter, stands for any later one)."""
    hlc, table, row_id, op = mine
    same_stamp = c.sent_hlc == hlc or (hlc & CAP_COUNTER == CAP_COUNTER and c.sent_hlc > hlc)
    return table == c.table and row_id == c.row_id and op == c.op and same_stamp


def _refuse_foreign_origins(s: Session, sender: str, changes: list[_Change], ranges: dict[str, list[int]],
                            report: ImportReport) -> tuple[list[_Change], dict[str, list[int]], dict[str, int]]:
    """Keep the changes ``sender`` may carry (``ownership.may_relay``); refuse the others row by row.

    A change signed by one office but made in another's name is never applied nor logged, so it
    takes none of that office's sequence numbers: the genuine office's bundles still fit after it.
    A line that only repeats a change already here under the same number (an echo) is skipped
    quietly. Returns the changes kept, their ranges, and per refused origin the number of lines.
    """
    barred = [c for c in changes if not may_relay(sender, c.origin)]
    if not barred:
        return changes, ranges, {}
    have = have_seqs(s)
    by_origin: dict[str, list[_Change]] = defaultdict(list)
    for c in barred:
        by_origin[c.origin].append(c)
    refused: dict[str, int] = {}
    rows: dict[tuple[str, str], _Change] = {}
    echoed: set[tuple[str, str]] = set()
    for origin, cs in sorted(by_origin.items()):
        known = [c for c in cs if c.seq <= have.get(origin, 0)]
        local = _local_log(s, origin, [c.seq for c in known]) if known else {}
        for c in cs:
            if c.seq in local and _same_change(c, local[c.seq]):
                echoed.add((c.table, c.row_id))
                continue
            refused[origin] = refused.get(origin, 0) + 1
            rows.setdefault((c.table, c.row_id), c)
    why_sender = ("县级单位只能发送本单位的变更" if not is_prefecture_code(sender)
                  else "市（州）级单位只能转发本单位和所辖县（区）的变更")
    here: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # the rows as they stand here, to name them
    for table in {t for t, _r in rows}:
        if table in SYNCED_MODELS:
            here[table] = _load_rows(s, table, sorted(r for t, r in rows if t == table))
    for (table, row_id), c in sorted(rows.items()):
        report.tables.setdefault(table, TableReport()).rejected += 1
        known_row = here[table].get(row_id) or c.values
        report.add_error(f"{TABLE_LABELS.get(table, table)} {_row_label(known_row, row_id)}：数据包由单位 {sender} 签发，"
                         f"却含有署名单位 {c.origin} 的变更（第 {c.seq} 号），{why_sender}，已拒绝（可能是伪造）")
    for table, _row in echoed - set(rows):
        report.tables.setdefault(table, TableReport()).unchanged += 1
    kept = [c for c in changes if may_relay(sender, c.origin)]
    return kept, {o: r for o, r in ranges.items() if may_relay(sender, o)}, refused


# ---------------------------------------------------------------- merging

@dataclass
class _Plan:
    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    updates: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    log: list[tuple[Any, ...]] = field(default_factory=list)
    max_hlc: int = 0
    #: (table, row, field, base hlc, origin) of applied edits that were made on top of a known version
    answered: list[tuple[str, str, str, int, str]] = field(default_factory=list)
    #: conflicts logged here already or in this plan: each is logged once per office
    conflict_keys: set[tuple[Any, ...]] = field(default_factory=set)
    #: this office, the office that sent the bundle, and what it held when it did (its acknowledgements)
    me: str = ""
    sender: str = ""
    sender_acks: dict[str, int] = field(default_factory=dict)
    #: (hlc, origin) -> sequence number of the local change-log entries of rows being deleted
    seqs: dict[tuple[int, str], int] = field(default_factory=dict)

    def concurrent_with(self, table: str, row_id: str, f: str, stamp: Stamp) -> set[Stamp]:
        """Versions logged here as concurrent edits that ``stamp`` won over (its writer never saw them)."""
        return {(k[5], k[6]) for k in self.conflict_keys
                if k[0] == table and k[1] == row_id and k[2] == f and (k[3], k[4]) == stamp}

    def add_conflict(self, c: dict[str, Any]) -> bool:
        """Log a conflict unless this office has it already; True when it is new."""
        key = _conflict_key(c)
        if key in self.conflict_keys:
            return False
        self.conflict_keys.add(key)
        self.conflicts.append(c)
        return True


def _conflict_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["table_name"], c["row_id"], c["field"], int(c["winner_hlc"]), c["winner_office"], int(c["loser_hlc"]),
            c["loser_office"])


def _known_conflicts(s: Session, table: str, ids: list[str]) -> set[tuple[Any, ...]]:
    cols = (SyncConflict.table_name, SyncConflict.row_id, SyncConflict.field, SyncConflict.winner_hlc,
            SyncConflict.winner_office, SyncConflict.loser_hlc, SyncConflict.loser_office)
    out: set[tuple[Any, ...]] = set()
    for part in chunks(ids):
        for r in s.execute(select(*cols).where(SyncConflict.table_name == table, SyncConflict.row_id.in_(part))):
            out.add((r[0], r[1], r[2], int(r[3]), r[4], int(r[5]), r[6]))
    return out


def _local_seqs(s: Session, ids: list[str]) -> dict[tuple[int, str], int]:
    out: dict[tuple[int, str], int] = {}
    for part in chunks(ids):
        for origin, seq, hlc in s.execute(select(ChangeLog.origin, ChangeLog.seq, ChangeLog.hlc)
                                          .where(ChangeLog.row_id.in_(part))):
            out[(int(hlc), str(origin))] = int(seq)
    return out


def _load_rows(s: Session, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    tbl = table_of(SYNCED_MODELS[table])
    out: dict[str, dict[str, Any]] = {}
    if len(ids) > 2000:
        # many incoming rows: find which exist from one scan of the (indexed) ids, then load only those
        have = {r for (r,) in s.execute(select(tbl.c.id))}
        ids = [i for i in ids if i in have]
    for part in chunks(ids):
        for row in s.execute(select(tbl).where(tbl.c.id.in_(part))).mappings():
            out[row["id"]] = dict(row)
    return out


def _sorted_tables() -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables if t.name in SYNCED_MODELS]


def _merge(s: Session, changes: list[_Change], report: ImportReport, bundle_id: str,
           blobs_meta: dict[str, dict[str, Any]], sender: str = "", sender_acks: dict[str, int] | None = None,
           me: str = "") -> _Plan:
    plan = _Plan(me=me, sender=sender, sender_acks=dict(sender_acks or {}))
    any_conflicts = s.execute(select(SyncConflict.id).limit(1)).first() is not None
    by_table: dict[str, dict[str, list[_Change]]] = defaultdict(lambda: defaultdict(list))
    for c in changes:
        by_table[c.table][c.row_id].append(c)
    issues_state: dict[str, dict[str, Any]] = {}
    present: dict[str, set[str]] = defaultdict(set)  # rows that will exist after the import, per table
    now = dt.datetime.now()
    now_text = now.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy stores a DateTime in SQLite
    for table in _sorted_tables():
        rows = by_table.get(table)
        if not rows:
            continue
        tr = report.tables.setdefault(table, TableReport())
        model = SYNCED_MODELS[table]
        tbl = table_of(model)
        append_only = bool(getattr(model, "__append_only__", False))
        dflt, required = defaults(tbl)
        local = _load_rows(s, table, list(rows))
        hist = load_entries(s, list(local)) if local else {}
        if any_conflicts or any(c.relayed for cs in rows.values() for c in cs):
            plan.conflict_keys |= _known_conflicts(s, table, list(rows))
        deleting = [rid for rid, cs in rows.items()
                    if rid in local and (local[rid].get("deleted") or any(c.values.get("deleted") is True for c in cs))]
        if deleting:
            plan.seqs.update(_local_seqs(s, deleting))
        parents: dict[str, dict[str, Any]] = {}
        if table in ISSUE_CHILDREN:
            need = {c.values.get("issue_id") or (local.get(rid) or {}).get("issue_id")
                    for rid, cs in rows.items() for c in cs}
            wanted = sorted(str(x) for x in need if x and x not in issues_state)
            issues_state.update(_load_rows(s, "issue", wanted))
            parents = issues_state
        fks = [(fk.parent.name, fk.column.table.name, fk.column.name) for fk in tbl.foreign_keys]
        for row_id, cs in rows.items():
            cs.sort(key=lambda c: c.stamp)
            before = local.get(row_id)
            outcome = _merge_row(table, row_id, cs, before, hist.get(row_id, []), parents, append_only, plan,
                                 report, bundle_id)
            values, changed, conflicted, rejected = outcome
            if values is not None and before is None:
                missing = sorted(f for f in required if f not in values)
                if missing:
                    reason = f"缺少必填字段 {'、'.join(missing)}"
                    values = None
                    rejected = True
                    report.add_error(f"{TABLE_LABELS.get(table, table)} {row_id[:8]}：{reason}，已拒绝该行")
                    for c in cs:
                        c.applied = []
            if values is not None:
                bad_fk = _missing_reference(s, values, before, fks, present, blobs_meta)
                if bad_fk:
                    report.add_error(f"{TABLE_LABELS.get(table, table)} {row_id[:8]}：引用的记录（{bad_fk}）不存在，已拒绝该行")
                    values, changed, rejected = None, False, True
                    for c in cs:
                        c.applied = []
            if values is not None:
                present[table].add(row_id)
                if table == "issue":
                    issues_state[row_id] = values
                if before is None:
                    full = {**dflt, **values, "created_at": now_text, "updated_at": now_text}
                    plan.inserts[table].append(full)
                else:
                    diff = {k: v for k, v in values.items() if before.get(k) != v}
                    if diff:
                        diff["id"] = row_id
                        diff["updated_at"] = now
                        plan.updates[table].append(diff)
            elif before is not None:
                present[table].add(row_id)
            if rejected:
                tr.rejected += 1
            elif conflicted:
                tr.conflicts += 1
            elif before is None and values is not None:
                tr.created += 1
            elif changed:
                tr.updated += 1
            else:
                tr.unchanged += 1
            for c in cs:
                plan.log.append((c.origin, c.seq, c.hlc, table, row_id, c.op, orjson.dumps(c.applied).decode()))
                plan.max_hlc = max(plan.max_hlc, c.hlc)
    return plan


def _merge_row(table: str, row_id: str, cs: list[_Change], before: dict[str, Any] | None,
               hist: list[tuple[Stamp, list[str]]], parents: dict[str, dict[str, Any]], append_only: bool, plan: _Plan,
               report: ImportReport, bundle_id: str) -> tuple[dict[str, Any] | None, bool, bool, bool]:
    """Merge one row's incoming changes; returns (values or None, changed, conflicted, rejected)."""
    if before is None and len(cs) == 1:
        fast = _new_row_fast(table, row_id, cs[0], parents, append_only, report)
        if fast is not None:
            return fast
    values: dict[str, Any] = dict(before) if before is not None else {}
    versions: dict[str, list[Stamp]] = field_versions(hist)
    if before is not None and before.get("hlc"):
        fallback = (int(before["hlc"]), str(before.get("changed_by") or before.get("office_code") or ""))
        for f in values:
            versions.setdefault(f, [fallback])
    exists = before is not None
    changed = conflicted = rejected = False
    for c in cs:
        parent = parents.get(c.values.get("issue_id") or values.get("issue_id") or "") if table in ISSUE_CHILDREN \
            else None
        why = check_owner(table, c.origin, not exists, values, c.values, parent, append_only)
        if not why and table == "issue" and exists and "status" in c.values:
            cur = latest(versions.get("status"))
            seen = c.seen("status")
            base = c.bases.get("status")
            # the writer saw the closure only if its own view was that version: a base newer than ours is
            # its own edit that won over the closure as a concurrent edit (the closure lost there too)
            saw = cur is not None and seen is not None and seen >= cur and (base is None or base <= cur)
            why = reopens_closed_item(str(values.get("assigned_by_office") or ""), c.origin, values.get("status"),
                                      cur[1] if cur else "", c.values["status"], saw)
        if why:
            rejected = True
            c.applied = []
            report.add_error(f"{TABLE_LABELS.get(table, table)} {_row_label(values or c.values, row_id)}：{why}，已拒绝该行的这次修改")
            continue
        for x in c.relayed:  # conflicts the sender logged: every office that gets both versions logs them
            if plan.add_conflict({**x, "bundle_id": bundle_id}):
                conflicted = True
        if exists and values.get("deleted") and c.values and "deleted" not in c.values:
            # an edit reaching a row deleted elsewhere: the row stays deleted, the edit is kept
            # and shown on the conflicts page so someone can restore the row if the delete was wrong
            deleter = latest(versions.get("deleted"))
            if deleter is not None and deleter[1] != c.origin and _edit_unseen_by_deleter(deleter, c, plan):
                added = plan.add_conflict(_conflict(table, row_id, "deleted", True, c.values, deleter, c.stamp,
                                                    bundle_id))
                conflicted = conflicted or added
        elif exists and c.values.get("deleted") is True and not values.get("deleted"):
            # a delete reaching edits made here that its writer had not seen: the same conflict,
            # seen from the editor's side (the deleting office logs it when the edit reaches it)
            for stamp, edited in _unseen_edits(hist, versions, c, plan):
                if plan.add_conflict(_conflict(table, row_id, "deleted", True, {f: values.get(f) for f in edited},
                                               c.stamp, stamp, bundle_id)):
                    conflicted = True
        for f, v in c.values.items():
            stamps = versions.get(f)
            cur = latest(stamps)
            if cur is None or c.stamp > cur:
                if cur is not None and values.get(f) != v and cur[1] != c.origin:
                    b = c.seen(f)
                    if b is None or b < cur:  # the writer had not seen our value: a concurrent edit
                        added = plan.add_conflict(_conflict(table, row_id, f, v, values.get(f), c.stamp, cur,
                                                            bundle_id))
                        conflicted = conflicted or added
                if values.get(f) != v or not exists:
                    changed = True
                values[f] = v
                if f in c.bases and exists:
                    plan.answered.append((table, row_id, f, c.bases[f][0], c.origin))
                versions.setdefault(f, []).append(c.stamp)
                versions[f].sort()
                c.applied.append(f)
            elif c.stamp < cur and values.get(f) != v and cur[1] != c.origin:
                b_local = foreign_base_of(stamps, cur, plan.concurrent_with(table, row_id, f, cur))
                if b_local is None or b_local < c.stamp:  # our writer had not seen theirs: concurrent
                    added = plan.add_conflict(_conflict(table, row_id, f, values.get(f), v, cur, c.stamp, bundle_id))
                    conflicted = conflicted or added
                    # the losing version is now seen here: a later local edit of the field is made
                    # knowing of it, and must not be taken elsewhere for a second concurrent edit
                    versions.setdefault(f, []).append(c.stamp)
                    versions[f].sort()
                    c.applied.append(f)
            elif c.stamp < cur and values.get(f) == v and cur[1] != c.origin:
                # an older version with the same value: nothing to apply, but this office has now seen it,
                # so its next edit of the field is not taken elsewhere as made without knowing it
                versions.setdefault(f, []).append(c.stamp)
                versions[f].sort()
                c.applied.append(f)
        if not exists and c.values:
            exists = True
    if not values and before is None:
        return None, False, conflicted, rejected
    top = max((st[-1] for st in versions.values() if st), default=None)
    if top is not None and (before is None or (int(before.get("hlc") or 0), str(before.get("changed_by") or "")) != top):
        values["hlc"], values["changed_by"] = top
    return values, changed, conflicted, rejected


def _unseen_edits(hist: list[tuple[Stamp, list[str]]], versions: dict[str, list[Stamp]], c: _Change,
                  plan: _Plan) -> list[tuple[Stamp, list[str]]]:
    """The edits of this row, by other offices, that the delete ``c`` was made without seeing, each
    with the fields whose current value it holds (what its writer would lose)."""
    out: list[tuple[Stamp, list[str]]] = []
    for stamp, fields in hist:
        # only this office's own edits: it knows it made them before the delete reached it; whether
        # a third office's edit was made knowing of the delete cannot be told here (its writer tells,
        # and the conflict then travels with the changes)
        if stamp[1] != plan.me or stamp[1] == c.origin:
            continue
        held = sorted(f for f in fields if f != "deleted" and latest(versions.get(f)) == stamp)
        if not held:
            continue
        # a later stamp cannot have been seen by the deleting office; an earlier one was not if
        # that office, sending this bundle itself, had not yet received it
        seq = plan.seqs.get(stamp)
        unseen = stamp > c.stamp or (plan.sender == c.origin and seq is not None
                                     and seq > plan.sender_acks.get(stamp[1], 0))
        if unseen:
            out.append((stamp, held))
    return out


def _edit_unseen_by_deleter(deleter: Stamp, c: _Change, plan: _Plan) -> bool:
    """An edit ``c`` reaching a row this office deleted: a conflict when the editing office made
    it without knowing of the delete — its stamp is older, or it sent the edit itself before it
    had received the delete. (Other offices learn of the conflict from the writers' bundles.)"""
    if deleter[1] != plan.me:
        return False
    if c.stamp < deleter:
        return True
    seq = plan.seqs.get(deleter)
    return plan.sender == c.origin and seq is not None and seq > plan.sender_acks.get(plan.me, 0)


def _new_row_fast(table: str, row_id: str, c: _Change, parents: dict[str, dict[str, Any]], append_only: bool,
                  report: ImportReport) -> tuple[dict[str, Any] | None, bool, bool, bool] | None:
    """A row new here with a single change (the bulk of a first full bundle): no versions to weigh."""
    parent = parents.get(c.values.get("issue_id") or "") if table in ISSUE_CHILDREN else None
    why = check_owner(table, c.origin, True, {}, c.values, parent, append_only)
    if why:
        return None  # the general path reports the refusal
    if not c.values:
        return None, False, False, False
    values = dict(c.values)
    values["hlc"], values["changed_by"] = c.hlc, c.origin
    c.applied = list(c.values)
    return values, True, False, False


def _row_label(values: dict[str, Any], row_id: str) -> str:
    serial = values.get("serial")
    return f"{serial}（{row_id[:8]}）" if serial else row_id[:8]


def _conflict(table: str, row_id: str, f: str, winner: Any, loser: Any, wst: Stamp, lst: Stamp,
              bundle_id: str) -> dict[str, Any]:
    return {"table_name": table, "row_id": row_id, "field": f,
            "winner_value": orjson.dumps(jsonable(winner), default=str).decode(),
            "loser_value": orjson.dumps(jsonable(loser), default=str).decode(),
            "winner_hlc": wst[0], "loser_hlc": lst[0], "winner_office": wst[1], "loser_office": lst[1],
            "resolved": False, "resolved_by": "", "bundle_id": bundle_id}


def _missing_reference(s: Session, values: dict[str, Any], before: dict[str, Any] | None,
                       fks: list[tuple[str, str, str]], present: dict[str, set[str]],
                       blobs_meta: dict[str, dict[str, Any]]) -> str | None:
    for col, target, target_col in fks:
        v = values.get(col)
        if v is None or (before is not None and before.get(col) == v):
            continue
        if target == "attachment":
            if v in blobs_meta or s.get(Attachment, v) is not None:
                continue
            return f"附件 {str(v)[:12]}"
        if v in present.get(target, ()):
            continue
        tmodel = SYNCED_MODELS.get(target)
        if tmodel is not None:
            ttbl = table_of(tmodel)
            hit = s.execute(select(ttbl.c[target_col]).where(ttbl.c[target_col] == v)).first()
            if hit is not None:
                present[target].add(v)
                continue
        return f"{target} {str(v)[:8]}"
    return None


# ---------------------------------------------------------------- writing

def _write(s: Session, plan: _Plan, raw: RawBundle, data: DataDir, dry_run: bool) -> None:
    if raw.manifest.get("attachments"):
        for meta in raw.manifest["attachments"]:
            sha = meta.get("sha256") if isinstance(meta, dict) else None
            if not isinstance(sha, str) or sha not in raw.blobs:
                continue
            if s.get(Attachment, sha) is None:
                s.add(Attachment(sha256=sha, name=str(meta.get("name") or "附件")[:200], size=len(raw.blobs[sha]),
                                 mime=str(meta.get("mime") or "")[:100]))
        s.flush()
    conn = s.connection()
    dialect = conn.dialect
    sqlite = dialect.name == "sqlite"
    for table in _sorted_tables():
        tbl = table_of(SYNCED_MODELS[table])
        rows = plan.inserts.get(table)
        if rows:
            # plain DBAPI executemany of tuples: the per-row cost of Core parameter handling would
            # dominate a 100k-row bundle; the column types' own bind processors keep the stored form
            cols = [c.name for c in tbl.columns]
            procs = [None if c.name in ("created_at", "updated_at") else c.type.bind_processor(dialect)
                     for c in tbl.columns]
            pairs = list(zip(cols, procs, strict=True))
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            tuples = [tuple(p(r[c]) if p is not None else r[c] for c, p in pairs) for r in rows]
            for i in range(0, len(tuples), 50000):
                if sqlite:
                    conn.exec_driver_sql(sql, tuples[i:i + 50000])
                else:  # other drivers have other parameter styles: let Core bind
                    s.execute(insert(tbl), rows[i:i + 50000])
        ups = plan.updates.get(table)
        if ups:
            for u in ups:
                rid = u.pop("id")
                s.execute(update(tbl).where(tbl.c.id == rid).values(**u))
    log_sql = ("INSERT INTO change_log (origin, seq, hlc, table_name, row_id, op, fields) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)")
    log_cols = ("origin", "seq", "hlc", "table_name", "row_id", "op", "fields")
    for i in range(0, len(plan.log), 50000):
        if sqlite:
            conn.exec_driver_sql(log_sql, plan.log[i:i + 50000])
        else:
            s.execute(insert(ChangeLog), [dict(zip(log_cols, r, strict=True)) for r in plan.log[i:i + 50000]])
    if plan.conflicts:
        s.execute(insert(SyncConflict), plan.conflicts)
    _close_answered_conflicts(s, plan)
    if not dry_run:
        for sha, content in raw.blobs.items():
            target = attachment_path(data.attachments, sha)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".incoming-{sha}")
                tmp.write_bytes(content)
                os.replace(tmp, target)


def _close_answered_conflicts(s: Session, plan: _Plan) -> None:
    """An incoming edit made after seeing a conflict's winning value answers that conflict here too."""
    if not plan.answered:
        return
    open_any = s.execute(select(SyncConflict.id).where(SyncConflict.resolved.is_(False)).limit(1)).first()
    if open_any is None:
        return
    for table, row_id, f, base_hlc, origin in plan.answered:
        s.execute(update(SyncConflict)
                  .where(SyncConflict.table_name == table, SyncConflict.row_id == row_id, SyncConflict.field == f,
                         SyncConflict.resolved.is_(False), *answered_by(base_hlc, f))
                  .values(resolved=True, resolved_by=f"单位 {origin}", resolved_at=dt.datetime.now()))


def _hold_for_tests() -> None:
    hold = os.environ.get(HOLD_ENV)
    if hold:
        Path(hold).write_text("holding", encoding="utf-8")
        time.sleep(60)


def _read(path: Path, data: DataDir, limits: Limits | None, report: ImportReport) -> tuple[RawBundle, dict[str, Any]]:
    raw = read_bundle(Path(path), data.keys, limits)
    m = _check_header(raw)
    report.bundle_id, report.from_office = m["bundle_id"], m["from_office"]
    return raw, m


def _apply_in(s: Session, me: str, data: DataDir, actor: Actor, raw: RawBundle, m: dict[str, Any],
              report: ImportReport, dry_run: bool) -> int:
    """Check and merge one bundle inside the caller's transaction; returns the highest clock applied.

    Every refusal (``SyncError``) is raised before anything is written, so the caller's
    transaction is untouched by a refused bundle (the batch preview relies on this).
    An already-imported bundle sets ``report.status`` and writes nothing.
    """
    now_ms = int(time.time() * 1000)
    limit_hlc = HybridClock.pack(now_ms + MAX_CLOCK_SKEW_MS, CAP_COUNTER)
    if m["from_office"] == me:
        raise SyncError("这是本单位自己导出的数据包，无需导入", "请在接收单位的电脑上导入")
    _check_signature(s, raw, m["from_office"])
    if m["to_office"] != me:
        raise SyncError(f"该数据包是发给单位 {m['to_office']} 的，不是本单位（{me}）",
                        "请确认接收单位后让对方重新导出；本次未做任何改动")
    _check_versions(m)
    if s.get(ImportedBundle, m["bundle_id"]) is not None:
        report.status = "already-imported"
        report.warnings.append("该数据包此前已导入，本次未做任何改动")
        return 0
    changes, warnings = _parse(raw, m, limit_hlc)
    changes = upgrade_changes(m["schema_version"], changes)
    report.warnings.extend(warnings)
    _check_ranges(changes, m)
    changes, kept_ranges, forged = _refuse_foreign_origins(s, m["from_office"], changes, m["ranges"], report)
    m = {**m, "ranges": kept_ranges}  # what is acknowledged and gap-checked: only what the sender may carry
    fresh = _check_against_log(s, me, changes, m, report)
    for table in raw.changes:
        report.tables.setdefault(table, TableReport())
    skipped_rows = defaultdict(set)
    fresh_ids = {(c.table, c.row_id) for c in fresh}
    for c in changes:
        if (c.table, c.row_id) not in fresh_ids:
            skipped_rows[c.table].add(c.row_id)
    blobs_meta = {a["sha256"]: a for a in m.get("attachments") or []
                  if isinstance(a, dict) and a.get("sha256") in raw.blobs}
    plan = _merge(s, fresh, report, m["bundle_id"], blobs_meta, m["from_office"],
                  {str(k): int(v) for k, v in m["acks"].items()}, me)
    for table, ids in skipped_rows.items():
        report.tables[table].unchanged += len(ids)
    _write(s, plan, raw, data, dry_run)
    _record(s, actor, m, raw, report, dry_run, forged)
    return plan.max_hlc


def _refused(report: ImportReport, exc: SyncError | SQLAlchemyError) -> ImportReport:
    report.status = "rejected"
    report.tables = {}
    if isinstance(exc, SyncError):
        report.errors = [str(exc)]
    else:
        from desktop_app.db_errors import known_error

        known = known_error(exc)  # disk full, locked, read-only …: in words, never raw SQL
        report.errors = [str(known) if known else f"写入数据库失败，已全部撤销：{type(exc).__name__}: {str(exc)[:300]}"]
    return report


def import_bundle(db: Database, data: DataDir, actor: Actor, path: Path, dry_run: bool = False,
                  limits: Limits | None = None) -> ImportReport:
    """Import one bundle (or preview it with ``dry_run``). A refused bundle changes nothing and
    comes back with ``status == "rejected"`` and the reason in ``errors``."""
    report = ImportReport(file=str(path))
    me = db.office_code
    if not me:
        raise SetupRequiredError()
    before = None if dry_run else workdays.load_calendar(db)  # a holiday table may arrive: see below
    try:
        raw, m = _read(path, data, limits, report)
        with db.session() as s:
            s.info["applying_remote"] = True
            try:
                with s.begin():
                    max_hlc = _apply_in(s, me, data, actor, raw, m, report, dry_run)
                    if report.status == "already-imported":
                        return report
                    if dry_run:
                        raise _DryRunDoneError()
                    _hold_for_tests()
            except _DryRunDoneError:
                report.status = "dry-run"
                return report
        if max_hlc:
            db.clock.observe(max_hlc)
        report.status = "applied"
        held = report.tables.get("holiday")
        if before is not None and held is not None and (held.created or held.updated):
            # the year's table arrived: deadlines estimated Monday–Friday for it are counted again (as our change);
            # the bundle is in whatever happens here, so a failure is a warning, never a "rejected"
            try:
                moved = estimates.recompute_after(db, actor, before)
            except SQLAlchemyError as exc:
                report.warnings.append(f"数据包已导入，但按新节假日表重算完成时限失败（{type(exc).__name__}），"
                                       "请在 设置 › 节假日 重新导入该年放假安排")
            else:
                if moved:
                    report.warnings.append(estimates.moved_summary(moved))
        return report
    except (SyncError, SQLAlchemyError) as exc:
        _refused(report, exc)
        if not dry_run:
            _audit_refusal(db, actor, report)
        return report


def _audit_refusal(db: Database, actor: Actor, report: ImportReport) -> None:
    """An audit entry for a bundle refused as a whole: which file, from whom, and why."""
    try:
        with db.transaction() as s:
            audit.record(s, actor, "import_bundle_refused", "imported_bundle", report.bundle_id,
                         {"file": Path(report.file).name, "from": report.from_office,
                          "reasons": report.errors[:AUDIT_REASONS]})
    except SQLAlchemyError:
        # the database itself refused the import (locked, full, read-only): it cannot take the entry
        # either, and the report already says why — the refusal must not turn into a second failure
        return


def preview_batch(db: Database, data: DataDir, actor: Actor, paths: list[Path],
                  progress: Callable[[int, int, str], None] | None = None,
                  limits: Limits | None = None) -> list[ImportReport]:
    """Dry-run several bundles together, in the given order, as if each were imported after the
    ones before it (so a bundle that fills another's gap counts); nothing is written.

    All of them run in ONE transaction that is rolled back at the end. A bundle refused only
    for a gap is tried again after the others, as the real import does.
    """
    me = db.office_code
    if not me:
        raise SetupRequiredError()
    reports: dict[Path, ImportReport] = {p: ImportReport(file=str(p)) for p in paths}
    with db.session() as s:
        s.info["applying_remote"] = True
        try:
            with s.begin():
                pending = list(paths)
                done = 0
                while pending:
                    retry: list[Path] = []
                    moved = False
                    for path in pending:
                        if progress:
                            progress(done, len(paths), f"正在预览 {Path(path).name}…")
                        report = reports[path] = ImportReport(file=str(path))
                        try:
                            raw, m = _read(path, data, limits, report)
                            _apply_in(s, me, data, actor, raw, m, report, dry_run=True)
                        except SyncError as exc:
                            _refused(report, exc)
                            if report.gap:
                                retry.append(path)
                                continue
                        else:
                            if report.status != "already-imported":
                                report.status = "dry-run"
                                moved = True
                        done += 1
                    if not moved:
                        done += len(retry)
                    pending = retry if moved else []
                raise _DryRunDoneError()
        except _DryRunDoneError:
            pass
        except SQLAlchemyError as exc:  # the shared transaction is gone: no later preview is reliable
            for path in paths:
                if reports[path].status in ("dry-run", "rejected") and not reports[path].errors:
                    _refused(reports[path], exc)
    if progress:
        progress(len(paths), len(paths), "预览完成")
    return [reports[p] for p in paths]


def _record(s: Session, actor: Actor, m: dict[str, Any], raw: RawBundle, report: ImportReport, dry_run: bool,
            forged: dict[str, int] | None = None) -> None:
    sender = m["from_office"]
    s.add(ImportedBundle(bundle_id=m["bundle_id"], from_office=sender, manifest_sha256=raw.manifest_sha256,
                         report=orjson.dumps({k: v.as_json() for k, v in report.tables.items()}).decode()))
    peer = s.get(PeerState, sender)
    if peer is None:  # checked by _check_signature in the same transaction
        raise SyncError(f"数据包来自未知单位 {sender}", "请先导入并信任其身份卡；本次未做任何改动")
    acks = {str(k): int(v) for k, v in m["acks"].items()}
    for origin, (_lo, hi) in m["ranges"].items():
        acks[origin] = max(acks.get(origin, 0), int(hi))
    merge_acks(peer, acks)
    received = load_json(peer.received)
    received.update(have_seqs(s))
    peer.received = orjson.dumps(received).decode()
    peer.last_import = dt.datetime.now()
    audit.record(s, actor, "import_bundle_preview" if dry_run else "import_bundle", "imported_bundle",
                 m["bundle_id"], {"from": sender, "tables": {k: v.as_json() for k, v in report.tables.items()},
                                  "rejected_rows": len(report.errors)})
    if report.errors and not dry_run:
        # what was refused and why, on its own entry: a forged line or a write the sender has no right
        # to is worth finding in the log without reading every import's counts
        audit.record(s, actor, "import_bundle_rows_refused", "imported_bundle", m["bundle_id"],
                     {"from": sender, "file": Path(report.file).name, "forged_origins": dict(sorted((forged or {}).items())),
                      "reasons": report.errors[:AUDIT_REASONS], "refused": len(report.errors)})
