"""Change tracking for sync (DESIGN.md §4): stamps and change-log entries in the same flush.

Every session made by ``db.engine.Database.session`` carries ``info["office_code"]``
(this office) and ``info["clock"]`` (the hybrid logical clock). Before each flush
this module:

- gives new synced rows their UUID and owning office;
- stamps every inserted or changed synced row with the next clock value and
  this office as ``changed_by``;
- writes one ``ChangeLog`` entry per row change with the next per-office
  sequence number, listing the columns that changed (an insert that wrote every
  column says so in one character, ``"*"``: see ``encode_fields``);
- refuses physical deletes of synced rows (they must be tombstoned with
  ``deleted = True``);
- gives an edit of a row a stamp above the row's current version even when that
  version came from an office whose clock runs far ahead (the clock itself is not
  pulled forward by such stamps, see ``observe``), so an edit made after seeing a
  version always wins over it, on every office;
- marks this office's open sync conflicts on an edited field resolved when the edit
  was made on top of both versions, as every office receiving the edit does.

The sync importer applies remote changes with ``info["applying_remote"] = True``
and writes the remote change-log entries itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
import time
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import event, func, inspect, select, update
from sqlalchemy.orm import Session

from db.base import Base, SyncMixin, new_id
from db.dialect import serialise
from db.models_support import ChangeLog, SyncConflict

#: columns that are bookkeeping, not content: they never count as "changed fields"
STAMP_COLUMNS = frozenset({"hlc", "changed_by", "created_at", "updated_at"})
#: a remote clock more than this far ahead of ours is flagged and capped
MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000


class HybridClock:
    """Hybrid logical clock: ``(wall milliseconds << 16) | counter``, monotonic per process.

    Stamps order changes across offices: ties are broken by office code.
    """

    def __init__(self, last: int = 0, now_ms: Any = None) -> None:
        self._last = last
        self._lock = threading.Lock()
        self._now_ms = now_ms or (lambda: int(time.time() * 1000))

    @staticmethod
    def pack(ms: int, counter: int) -> int:
        """Pack wall milliseconds and a logical counter into one sortable integer."""
        return (ms << 16) | (counter & 0xFFFF)

    @staticmethod
    def wall_ms(stamp: int) -> int:
        """The wall-clock milliseconds part of a stamp."""
        return stamp >> 16

    def tick(self) -> int:
        """The next stamp for a local change: never smaller than any stamp seen."""
        with self._lock:
            candidate = self.pack(self._now_ms(), 0)
            self._last = candidate if candidate > self._last else self._last + 1
            return self._last

    def observe(self, remote: int) -> tuple[int, bool]:
        """Take in a remote stamp. Returns (stamp to store, flagged): a stamp more than a
        day in the future is capped to now + 1 day and flagged."""
        limit = self.pack(self._now_ms() + MAX_CLOCK_SKEW_MS, 0)
        flagged = remote > limit
        stamp = min(remote, limit)
        with self._lock:
            if stamp > self._last:
                self._last = stamp
        return stamp, flagged

    @property
    def last(self) -> int:
        """The largest stamp issued or seen so far."""
        return self._last


def next_seq(session: Session, origin: str) -> int:
    """The next change-log sequence number for ``origin`` (1 for the first change).

    Two clerks saving at once on a shared server must not read the same max(seq): the
    writer lock (``db.dialect.serialise``) is held from here to the end of the transaction.
    """
    serialise(session)
    current = session.execute(select(func.max(ChangeLog.seq)).where(ChangeLog.origin == origin)).scalar()
    return int(current or 0) + 1


#: ``change_log.fields`` of an insert that wrote every column of its table (migration 0012): the JSON list
#: of all of them took ~460 bytes a row, most of the log. It means the table's columns as ``insert_fields``
#: names them for the running code. A later migration that adds a column to a synced table must first
#: write the old list back into that table's "*" entries, or those inserts would seem to have written it.
ALL_FIELDS = "*"


@functools.cache
def insert_fields(table: str) -> list[str]:
    """Every column an insert into synced ``table`` writes, in mapper order (the stamps are bookkeeping).
    The list is shared: do not change it."""
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if getattr(cls, "__tablename__", None) == table and issubclass(cls, SyncMixin):
            return [a.key for a in mapper.column_attrs if a.key not in STAMP_COLUMNS]
    raise KeyError(f"not a synced table: {table}")


@functools.cache
def _insert_set(table: str) -> frozenset[str]:
    return frozenset(insert_fields(table))


def encode_fields(table: str, op: str, fields: Sequence[str]) -> str:
    """``change_log.fields`` for a change: ``"*"`` for an insert that wrote every column, else the JSON list."""
    if op == "insert" and len(fields) == len(insert_fields(table)) and _insert_set(table).issuperset(fields):
        return ALL_FIELDS
    return json.dumps(list(fields), separators=(",", ":"))


def decode_fields(table: str, text: str | None) -> list[str]:
    """The column names a ``change_log.fields`` value stands for — the one place that reads it."""
    if text == ALL_FIELDS:
        return insert_fields(table)
    return list(orjson.loads(text or "[]"))


def _changed_columns(obj: Any) -> list[str]:
    state = inspect(obj)
    changed = []
    for attr in state.mapper.column_attrs:
        if attr.key in STAMP_COLUMNS:
            continue
        if state.attrs[attr.key].history.has_changes():
            changed.append(attr.key)
    return changed


def _all_columns(obj: Any) -> list[str]:
    return [a.key for a in inspect(obj).mapper.column_attrs if a.key not in STAMP_COLUMNS]


_SEQ_KEY = "_changes_next_seq"
#: the first sequence number this transaction handed out: ``audit.record`` names the actor on its entries
FIRST_SEQ_KEY = "_changes_first_seq"


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_seq(session: Session) -> None:
    session.info.pop(_SEQ_KEY, None)
    session.info.pop(FIRST_SEQ_KEY, None)


def note_first_seq(session: Session, seq: int) -> None:
    """Remember where this transaction's change-log entries begin (bulk inserts call it too)."""
    session.info.setdefault(FIRST_SEQ_KEY, seq)


def reserve_seqs(session: Session, origin: str, count: int) -> int:
    """The first of ``count`` sequence numbers for this office's entries written in bulk (``db.bulk``):
    after those already in the log and those this transaction's flushes handed out."""
    seq = max(next_seq(session, origin), session.info.get(_SEQ_KEY, 0))
    note_first_seq(session, seq)
    session.info[_SEQ_KEY] = seq + count
    return seq


@event.listens_for(Session, "before_flush")
def _stamp_changes(session: Session, flush_context: Any, instances: Any) -> None:
    # flush([obj]) flushes only those objects: stamp and log only them, the rest at their own flush
    only = {id(o) for o in instances} if instances else None
    synced_new = [o for o in session.new if isinstance(o, SyncMixin) and (only is None or id(o) in only)]
    synced_dirty = [o for o in session.dirty if isinstance(o, SyncMixin) and session.is_modified(o)
                    and (only is None or id(o) in only)]
    synced_deleted = [o for o in session.deleted if isinstance(o, SyncMixin)]
    if synced_deleted:
        names = ", ".join(sorted({type(o).__tablename__ for o in synced_deleted}))  # type: ignore[attr-defined]
        raise RuntimeError(f"synced rows are never deleted, tombstone them instead ({names})")
    if not (synced_new or synced_dirty) or session.info.get("applying_remote"):
        return
    office = session.info.get("office_code")
    clock: HybridClock | None = session.info.get("clock")
    if not office or clock is None:
        raise RuntimeError("a session that writes synced rows needs info['office_code'] and info['clock']")
    # change-log entries made by an earlier flush([obj]) of this transaction may still be pending
    # (not yet in the table), so the counter also remembers what this transaction handed out
    seq = max(next_seq(session, office), session.info.get(_SEQ_KEY, 0))
    note_first_seq(session, seq)
    entries: list[ChangeLog] = []
    answered: list[tuple[str, str, list[str]]] = []
    for obj, op in [(o, "insert") for o in synced_new] + [(o, "update") for o in synced_dirty]:
        if op == "insert":
            if not obj.id:
                obj.id = new_id()
            if not obj.office_code:
                obj.office_code = office
            fields = _all_columns(obj)
        else:
            fields = _changed_columns(obj)
            if not fields:
                continue
            if "deleted" in fields and obj.deleted:
                op = "delete"
        stamp = clock.tick()
        if op != "insert":
            # a version stamped by a clock far ahead (kept as sent, so every office orders the same
            # stamps): an edit made on top of it must still sort after it
            stamp = max(stamp, int(obj.hlc or 0) + 1)
            answered.append((type(obj).__tablename__, obj.id, fields))  # type: ignore[attr-defined]
        obj.hlc = stamp
        obj.changed_by = office
        entries.append(
            ChangeLog(
                origin=office,
                seq=seq,
                hlc=stamp,
                table_name=type(obj).__tablename__,  # type: ignore[attr-defined]
                row_id=obj.id,
                op=op,
                fields=encode_fields(type(obj).__tablename__, op, fields),  # type: ignore[attr-defined]
            )
        )
        seq += 1
    session.info[_SEQ_KEY] = seq
    session.add_all(entries)
    if answered:
        _close_answered_conflicts(session, answered)


def answered_by(base: int, field: str) -> list[Any]:
    """The conditions under which an edit of ``field`` made on top of version ``base`` answers an open
    conflict on that field — the same on the editing office and on every office receiving the edit.

    Both versions at or below the base: the writer had seen both. A delete-versus-edit conflict
    (field ``deleted``; the delete is its winner) is answered by a new edit of ``deleted`` made
    after the delete: the losing edit wrote other fields, so no base of ``deleted`` covers it.
    """
    if field == "deleted":
        return [SyncConflict.winner_hlc <= base]
    return [SyncConflict.winner_hlc <= base, SyncConflict.loser_hlc <= base]


def _close_answered_conflicts(session: Session, edits: list[tuple[str, str, list[str]]]) -> None:
    """A local edit of a field made on top of both versions of an open conflict answers it: mark it
    resolved here, as every office that receives the edit does (``sync.apply``), so the conflict
    ends resolved on all of them. The base is the field's latest version in this office's log."""
    if session.execute(select(SyncConflict.id).where(SyncConflict.resolved.is_(False)).limit(1)).first() is None:
        return
    for table, row_id, fields in edits:
        open_fields = set(session.execute(select(SyncConflict.field).where(
            SyncConflict.table_name == table, SyncConflict.row_id == row_id,
            SyncConflict.resolved.is_(False))).scalars()) & set(fields)
        if not open_fields:
            continue
        base: dict[str, int] = {}
        for hlc, written in session.execute(select(ChangeLog.hlc, ChangeLog.fields).where(ChangeLog.row_id == row_id)):
            for f in decode_fields(table, written):
                if f in open_fields and int(hlc) > base.get(f, 0):
                    base[f] = int(hlc)
        for f, b in base.items():
            session.execute(update(SyncConflict)
                            .where(SyncConflict.table_name == table, SyncConflict.row_id == row_id,
                                   SyncConflict.field == f, SyncConflict.resolved.is_(False), *answered_by(b, f))
                            .values(resolved=True, resolved_by="本单位修改", resolved_at=dt.datetime.now())
                            .execution_options(synchronize_session=False))
