"""Engine, session factory and the safe way to open a database file.

Opening a file: integrity check → schema version check (a newer schema is
refused, never touched) → backup before any migration → Alembic upgrade.
SQLite pragmas: WAL, foreign keys on, busy timeout, synchronous=NORMAL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from db.bigrams import HOLDS_FUNCTION, holds_word
from db.changes import HybridClock
from db.models_support import ChangeLog, Setting

BUSY_TIMEOUT_MS = 10_000
#: SQLite's page cache per connection, in KiB. Reads are served from the OS's file cache as fast (the
#: 100k ledger's filters took the same time with 2, 4, 8 or 64 MB), and every pooled connection keeps its
#: own: 64 MB each put the ledger page at 223 MB resident, 8 MB at 191 (bench ``ledger_rss_100k_mb``).
#: A bulk writer that needs more for one transaction raises it there (demo.ledger).
CACHE_KIB = 8_192


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cur.close()
    # the ledger search's recheck of a long word against an item's text (desktop_app/ledger/search.py)
    dbapi_conn.create_function(HOLDS_FUNCTION, -1, holds_word, deterministic=True)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections get FieldDesk's pragmas."""
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path).as_posix()}"


def integrity_check(path: Path, quick: bool = False) -> str:
    """Run ``PRAGMA integrity_check`` (or ``quick_check``) on a file; returns "ok" or the problem."""
    try:
        conn = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            rows = conn.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    result = "; ".join(str(r[0]) for r in rows[:5])
    return "ok" if result == "ok" else result


def structure_check(path: Path) -> str:
    """A cheap check that the file is a readable SQLite database: header and schema pages.

    Catches a file that is not a database, a damaged header or schema; damage inside
    data pages needs ``integrity_check``.
    """
    try:
        conn = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute("SELECT count(*), max(rootpage) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "ok"


def free_share(engine: Engine) -> float:
    """The share of a SQLite file's pages that are free (0 on a server)."""
    if engine.dialect.name != "sqlite":
        return 0.0
    with engine.connect() as c:
        free = int(c.exec_driver_sql("PRAGMA freelist_count").scalar() or 0)
        pages = int(c.exec_driver_sql("PRAGMA page_count").scalar() or 0)
    return free / pages if pages else 0.0


def compact(engine: Engine) -> None:
    """VACUUM a SQLite file: its free pages go back to the disk and every table and index is
    rewritten packed, in key order. Needs no open transaction; the WAL briefly grows to the file's
    size and is folded back. A no-op on a server (it reclaims space itself)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        before = _last_logged(c)
        c.exec_driver_sql("VACUUM")
        if _last_logged(c) != before:
            # SQLite may renumber the rowids of a table without an INTEGER PRIMARY KEY (3.40 keeps them; the
            # file format does not promise it). The ledger's search index keeps its place in the change log by
            # rowid (desktop_app/ledger/search.py): ask it to rebuild, as migrations 0011 and 0014 do
            c.exec_driver_sql("DELETE FROM setting WHERE key = 'ledger.search_mark'")
            c.exec_driver_sql("INSERT INTO setting (key, value) VALUES ('ledger.search_mark', '-1')")
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _last_logged(c: Any) -> Any:
    """The change log's last entry with its rowid (None without a log): VACUUM renumbers in rowid order,
    so the rowids are all kept exactly when the last one is."""
    if c.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'change_log'").first() is None:
        return None
    return tuple(c.exec_driver_sql("SELECT rowid, origin, seq FROM change_log ORDER BY rowid DESC LIMIT 1").first() or ())


@dataclass
class Database:
    """An open FieldDesk database: engine, this office's code and the clock."""

    engine: Engine
    office_code: str = ""
    clock: HybridClock = field(default_factory=HybridClock)
    _factory: Callable[[], Session] | None = None

    def __post_init__(self) -> None:
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        """A new session that stamps synced changes as this office."""
        assert self._factory is not None
        s = self._factory()
        s.info["office_code"] = self.office_code
        s.info["clock"] = self.clock
        return s

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error."""
        with self.session() as s, s.begin():
            yield s

    def load_identity(self) -> None:
        """Read this office's code and the clock's last stamp from the database."""
        with self.session() as s:
            code = s.get(Setting, "office_code")
            self.office_code = json.loads(code.value) if code and code.value else ""
            last = s.execute(select(func.max(ChangeLog.hlc))).scalar()
            saved = s.get(Setting, "hlc_last")
            self.clock = HybridClock(int(json.loads(saved.value)) if saved and saved.value else 0)
            # through observe: a stamp from a PC whose clock runs far ahead (kept as sent) must not pull
            # this office's clock forward at the next start either (edits of such rows sort after it anyway)
            self.clock.observe(int(last or 0))

    def dispose(self) -> None:
        """Close every pooled connection (before a restore, at exit)."""
        self.engine.dispose()

    def compact(self) -> None:
        """Rewrite the SQLite file without its free pages, each table and index packed in key order
        (``compact``). After a bulk load (the demo): indexes filled in random key order (ids) keep
        ~10% of each page empty, and a rebuilt search index leaves its old pages free."""
        compact(self.engine)

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (before copying it)."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as c:
                c.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
