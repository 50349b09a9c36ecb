"""Reading a bundle's manifest and change lines into checked :class:`Change` objects (before any row is read).

Header, signature, versions, every value decoded and type-checked, ranges exactly as declared.
Nothing here writes; every refusal is a ``SyncError`` raised before the import writes anything.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy.orm import Session

from db.changes import HybridClock
from db.models import SYNCED_MODELS, PeerState
from desktop_app.core.errors import SyncError
from desktop_app.org import keys
from desktop_app.sync.bundle_format import BUNDLE_ID, OFFICE_CODE, ROW_ID
from desktop_app.sync.bundle_reader import RawBundle
from desktop_app.sync.history import Stamp
from desktop_app.sync.schema_upgrade import revisions
from desktop_app.sync.values import BadValueError, decoders, table_of, text_columns

#: a stamp capped by an older version carries this counter, which local clocks never reach, so it
#: stays recognisable (stamps are no longer capped on import: see ``parse_changes``)
CAP_COUNTER = 0xFFFF


#: no stamp may claim a time after 2200-01-01: every office refuses such a line alike, and an edit on
#: top of it (stamped one above) stays within SQLite's 64-bit integers
MAX_STAMP = HybridClock.pack(7_258_118_400_000, 0)


_OPS = frozenset({"insert", "update", "delete"})


@dataclass
class Change:
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
    #: who made the change at its origin (``"by"``), kept in this office's change log
    actor: str | None = None

    def seen(self, f: str) -> Stamp | None:
        """The newest version of ``f`` from another office that the writer had seen (None: none)."""
        return self.foreign[f] if f in self.foreign else self.bases.get(f)

    @property
    def stamp(self) -> Stamp:
        return (self.hlc, self.origin)


def fail(message: str, action: str = "请让发送单位重新导出；本次未做任何改动") -> SyncError:
    return SyncError(message, action)


# ---------------------------------------------------------------- checks before parsing

def check_header(raw: RawBundle) -> dict[str, Any]:
    m = raw.manifest
    for key in ("bundle_id", "from_office", "to_office", "schema_version"):
        if not isinstance(m.get(key), str):
            raise fail(f"数据包清单缺少“{key}”，不是有效的数据包")
    if not BUNDLE_ID.match(m["bundle_id"]):
        raise fail("数据包编号格式不正确")
    if not OFFICE_CODE.match(m["from_office"]) or not OFFICE_CODE.match(m["to_office"]):
        raise fail("数据包清单中的单位代码格式不正确")
    for key in ("ranges", "acks", "counts"):
        if not isinstance(m.get(key), dict):
            raise fail(f"数据包清单缺少“{key}”，不是有效的数据包")
    for origin, rng in m["ranges"].items():
        if (not OFFICE_CODE.match(str(origin)) or not isinstance(rng, list) or len(rng) != 2
                or not all(isinstance(x, int) and not isinstance(x, bool) for x in rng) or not 1 <= rng[0] <= rng[1]):
            raise fail("数据包清单中的序号范围格式不正确")
    for origin, seq in m["acks"].items():
        if not OFFICE_CODE.match(str(origin)) or not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise fail("数据包清单中的确认信息格式不正确")
    return m


def check_signature(s: Session, raw: RawBundle, sender: str) -> None:
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


def check_versions(m: dict[str, Any]) -> None:
    schema = m["schema_version"]
    if schema not in revisions():
        raise SyncError(f"数据包由更新版本的调研工作台导出（数据结构 {schema}），本版本无法读取其中的数据",
                        "请升级调研工作台后再导入；本次未做任何改动")


# ---------------------------------------------------------------- parsing

def parse_changes(raw: RawBundle, m: dict[str, Any], limit_hlc: int) -> tuple[list[Change], list[str]]:
    """Every change, decoded and checked; the warnings about clocks too far ahead."""
    changes: list[Change] = []
    warnings: list[str] = []
    ahead_by_origin: dict[str, int] = defaultdict(int)
    counts = m["counts"]
    if set(counts) != set(raw.changes):
        raise fail("数据包清单的行数统计与内容不符")
    for table, blob in raw.changes.items():
        model = SYNCED_MODELS.get(table)
        if model is None:
            raise fail(f"数据包含有本版本不认识的数据表“{table}”", "请升级调研工作台后再导入；本次未做任何改动")
        decs = decoders(table_of(model))
        texts = text_columns(table_of(model))
        origins_ok: set[str] = set()
        lines = blob.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        if len(lines) != counts.get(table):
            raise fail(f"数据表 {table} 的变更条数与清单不符")
        for n, line in enumerate(lines, 1):
            try:
                d = orjson.loads(line)
                origin, seq, hlc, row_id, op, vals = d["o"], d["s"], d["h"], d["id"], d["op"], d["v"]
                bases_raw = d.get("b") or {}
            except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                raise fail(f"数据表 {table} 第 {n} 条变更格式不正确") from exc
            if origin not in origins_ok and isinstance(origin, str) and OFFICE_CODE.match(origin):
                origins_ok.add(origin)
            if (origin not in origins_ok or not isinstance(seq, int)
                    or isinstance(seq, bool) or seq < 1 or not isinstance(hlc, int) or isinstance(hlc, bool)
                    or not 0 < hlc < 2**63 or not isinstance(row_id, str) or not ROW_ID.match(row_id)
                    or op not in _OPS or not isinstance(vals, dict) or not isinstance(bases_raw, dict)):
                raise fail(f"数据表 {table} 第 {n} 条变更格式不正确")
            out: dict[str, Any] = vals
            for f, x in vals.items():
                if f in texts and x.__class__ is str and "\x00" not in x:
                    continue  # the common case, checked inline: text for a text column
                dec = decs.get(f)
                if dec is None:
                    raise fail(f"数据表 {table} 第 {n} 条变更含有未知字段“{str(f)[:40]}”")
                try:
                    out[f] = dec(x)
                except BadValueError as exc:
                    raise fail(f"数据表 {table} 第 {n} 条变更的字段“{f}”取值不正确（{exc}）") from exc
            if "id" in out and out["id"] != row_id:
                raise fail(f"数据表 {table} 第 {n} 条变更的编号不一致")
            bases: dict[str, Stamp] = {}
            for f, b in bases_raw.items():
                if (not isinstance(b, list) or len(b) != 2 or not isinstance(b[0], int) or not isinstance(b[1], str)
                        or not OFFICE_CODE.match(b[1])):
                    raise fail(f"数据表 {table} 第 {n} 条变更的版本信息格式不正确")
                bases[f] = (b[0], b[1])
            foreign: dict[str, Stamp | None] = {}
            fb_raw = d.get("fb") or {}
            if not isinstance(fb_raw, dict):
                raise fail(f"数据表 {table} 第 {n} 条变更的版本信息格式不正确")
            for f, b in fb_raw.items():  # rare (a row edited twice in a row by one office): no fast path needed
                if b is None:
                    foreign[f] = None
                    continue
                if (not isinstance(b, list) or len(b) != 2 or not isinstance(b[0], int) or not isinstance(b[1], str)
                        or not OFFICE_CODE.match(b[1])):
                    raise fail(f"数据表 {table} 第 {n} 条变更的版本信息格式不正确")
                foreign[f] = (b[0], b[1])
            sent = hlc
            if hlc > MAX_STAMP:
                raise fail(f"数据表 {table} 第 {n} 条变更的时间戳无效（晚于2200年）")
            if hlc > limit_hlc:
                ahead_by_origin[origin] += 1
            relayed = _parse_relayed(d["x"], table, row_id, decs, n) if "x" in d else []
            by = d.get("by")
            if by is not None and (not isinstance(by, str) or len(by) > 60 or "\x00" in by):
                raise fail(f"数据表 {table} 第 {n} 条变更的操作人格式不正确")
            changes.append(Change(origin, seq, hlc, table, row_id, op, out, bases, sent_hlc=sent, relayed=relayed,
                                  foreign=foreign, actor=by or None))
    for origin, n in sorted(ahead_by_origin.items()):
        warnings.append(f"单位 {origin} 的 {n} 条变更时间戳超前本机时钟一天以上（对方或曾修改该记录的单位电脑时间可能设置错误）；"
                        f"已按原时间戳合并（各单位结果一致），本机时钟未随之调快")
    return changes, warnings


def _parse_relayed(raw: Any, table: str, row_id: str, decs: dict[str, Any], n: int) -> list[dict[str, Any]]:
    """The conflicts a change line carries (``"x"``), checked like everything else in a bundle."""
    if raw is None:
        return []
    bad = fail(f"数据表 {table} 第 {n} 条变更的冲突记录格式不正确")
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


def check_ranges(changes: list[Change], m: dict[str, Any]) -> None:
    seen: dict[str, set[int]] = defaultdict(set)
    for c in changes:
        if c.seq in seen[c.origin]:
            raise fail(f"数据包中单位 {c.origin} 的第 {c.seq} 号变更重复出现")
        seen[c.origin].add(c.seq)
    ranges = m["ranges"]
    if set(seen) != set(ranges):
        raise fail("数据包清单的序号范围与内容不符")
    for origin, (lo, hi) in ranges.items():
        got = seen[origin]
        if len(got) != hi - lo + 1 or min(got) != lo or max(got) != hi:
            raise fail(f"数据包中单位 {origin} 的变更序号与清单范围 {lo}–{hi} 不符")
