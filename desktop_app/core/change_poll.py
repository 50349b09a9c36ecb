"""Other clerks' changes, noticed without restarting: a cheap poll of the change log.

Every write to a synced row adds change-log entries numbered per origin office
(``db.changes``). The highest number per origin is the *mark* of the data; when a later
mark is higher, someone wrote. To tell another clerk's writes (on the shared server, or
another window on the same folder) from this process's own, every change-log insert this
process commits is noted at the connection level — ORM flushes, bulk inserts and the SQLite
driver path of ``ledger.service`` alike — so :meth:`ChangeWatch.poll` says "others wrote"
only when a new number is not one of ours.

The mark is one query that walks the change log's primary key (origin, seq): each origin's
maximum is an index lookup on both engines, however long the log (a loose index scan).
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, event, text

from db.engine import Database

#: origin office -> highest change-log sequence number
Mark = dict[str, int]

_MARK_SQL = text("""
WITH RECURSIVE o(origin) AS (
    SELECT min(origin) FROM change_log
    UNION ALL
    SELECT (SELECT min(c.origin) FROM change_log c WHERE c.origin > o.origin) FROM o WHERE o.origin IS NOT NULL
)
SELECT o.origin, (SELECT max(c.seq) FROM change_log c WHERE c.origin = o.origin) FROM o WHERE o.origin IS NOT NULL
""")

_INSERT_RE = re.compile(r"^\s*INSERT\s+INTO\s+\"?change_log\"?\s*\(([^)]*)\)", re.IGNORECASE)
_PENDING = "fielddesk_own_changes"


def current_mark(db: Database) -> Mark:
    """The highest change-log sequence number of every origin (one indexed query)."""
    with db.engine.connect() as conn:
        return {str(o): int(s) for o, s in conn.execute(_MARK_SQL) if s is not None}


class _OwnWrites:
    """Change-log numbers this process committed through one engine (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seqs: dict[str, set[int]] = {}

    def add(self, pairs: Iterable[tuple[str, int]]) -> None:
        with self.lock:
            for origin, seq in pairs:
                self.seqs.setdefault(origin, set()).add(seq)

    def take(self) -> dict[str, set[int]]:
        with self.lock:
            out, self.seqs = self.seqs, {}
            return out


_trackers: weakref.WeakKeyDictionary[Engine, _OwnWrites] = weakref.WeakKeyDictionary()
_trackers_lock = threading.Lock()


def _pairs(statement: str, parameters: Any, executemany: bool) -> list[tuple[str, int]]:
    """The (origin, seq) of every change-log row an INSERT statement writes."""
    m = _INSERT_RE.match(statement)
    if m is None:
        return []
    cols = [c.strip().strip('"') for c in m.group(1).split(",")]
    rows: Sequence[Any] = parameters if executemany else [parameters]
    out: list[tuple[str, int]] = []
    for row in rows:
        if isinstance(row, Mapping):  # named parameters; several rows in one statement are seq__0, seq__1 …
            for key, value in row.items():
                if key == "seq" or key.startswith("seq__"):
                    origin = row.get("origin" + key[3:])
                    if origin is not None and value is not None:
                        out.append((str(origin), int(value)))
        elif "origin" in cols and "seq" in cols:
            width, io, iseq = len(cols), cols.index("origin"), cols.index("seq")
            for k in range(0, len(row) - width + 1, width):  # a multi-row VALUES list: width values per row
                out.append((str(row[k + io]), int(row[k + iseq])))
    return out


def _track(engine: Engine) -> _OwnWrites:
    with _trackers_lock:
        own = _trackers.get(engine)
        if own is not None:
            return own
        own = _OwnWrites()
        _trackers[engine] = own

    def after_execute(conn: Connection, _cursor: Any, statement: str, parameters: Any, _context: Any,
                      executemany: bool) -> None:
        if "change_log" not in statement[:40]:
            return
        pairs = _pairs(statement, parameters, executemany)
        if pairs:
            conn.info.setdefault(_PENDING, []).extend(pairs)

    def commit(conn: Connection) -> None:
        pairs = conn.info.pop(_PENDING, None)
        if pairs:
            own.add(pairs)

    def rollback(conn: Connection) -> None:
        conn.info.pop(_PENDING, None)  # rolled back: those numbers may be handed to another clerk

    event.listen(engine, "after_cursor_execute", after_execute)
    event.listen(engine, "commit", commit)
    event.listen(engine, "rollback", rollback)
    return own


class ChangeWatch:
    """Notices changes made by others since the last look: ``poll()`` is True when there were some."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._own = _track(db.engine)
        self.mark = current_mark(db)
        self._own.take()  # what this process wrote before the first look is in the mark already

    def poll(self) -> bool:
        """Read the mark again; True when it grew by a change this process did not commit."""
        own = self._own.take()
        new = current_mark(self.db)
        others = False
        for origin, top in new.items():
            before = self.mark.get(origin, 0)
            ours = sum(1 for n in own.get(origin, ()) if before < n <= top)
            if top - before > ours:  # a number in between that this process did not commit
                others = True
                break
        self.mark = new
        return others
