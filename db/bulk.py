"""Bulk writes of synced rows (批量写入): the one writer shared by ledger creation, the demo and sync.

An import can bring 100k items, a demo office a million rows and a bundle 100k changes: building
SQLAlchemy parameters per row would cost more than SQLite's own work, so rows travel as plain
tuples to the driver's ``executemany`` in chunks of 50k (on another engine Core binds them).

- ``insert_rows`` inserts value tuples into a table. A value may be the Python value (a ``date``,
  a ``bool``) or already SQLite's stored form (ISO text, 0/1): both are stored alike on every engine.
- ``append_log`` writes change-log entries as they are (the sync importer keeps the sender's).
- ``SyncedRows`` queues new rows made by this office and writes them stamped — the next clock
  value as ``hlc``, this office as ``changed_by`` — with one change-log entry each, numbered in
  the order the rows were made, exactly as the flush hook (``db.changes``) logs an ORM insert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Table, insert
from sqlalchemy.orm import Session

from db.base import Base
from db.changes import encode_fields, insert_fields, reserve_seqs
from db.models import SYNCED_MODELS

#: rows per executemany: bounds the driver's parameter list on a 100k-row write
CHUNK = 50_000
#: ``change_log`` columns in the order ``append_log`` takes them (``actor`` may be left off)
LOG_COLUMNS = ("origin", "seq", "hlc", "table_name", "row_id", "op", "fields", "actor")
#: the sync identity first, then each table's own columns (created/updated take server defaults)
IDENTITY = ("id", "office_code", "hlc", "changed_by", "deleted")

Converter = Callable[[Any], Any]


def _iso(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else value.isoformat()


def _sqlite_converters(table: Table, columns: Sequence[str], dialect: Any) -> list[tuple[int, Converter]]:
    """What the stored form needs per column: booleans as 0/1 and floats through their type's own
    bind processor, dates as ISO text; text, numbers and date-times go to the driver as they are."""
    out: list[tuple[int, Converter]] = []
    for k, name in enumerate(columns):
        col_type = table.c[name].type
        if isinstance(col_type, Date) and not isinstance(col_type, DateTime):
            out.append((k, _iso))
        elif name not in ("created_at", "updated_at"):
            proc = col_type.bind_processor(dialect)
            if proc is not None:
                out.append((k, proc))
    return out


def _from_stored(col_type: Any) -> Converter:
    """A value queued in SQLite's stored form, as another engine's driver takes it."""
    if isinstance(col_type, Boolean):
        return lambda v: None if v is None else bool(v)
    if isinstance(col_type, DateTime):
        return lambda v: dt.datetime.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(col_type, Date):
        return lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else v
    return lambda v: v


def insert_rows(s: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                stored: bool = False) -> None:
    """Insert ``rows`` (value tuples in ``columns`` order) in the session's transaction.

    ``stored``: every value is already in SQLite's stored form (the demo's rows), so SQLite takes the
    tuples as they are — no pass over each row."""
    if not rows:
        return
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        convert = [_from_stored(table.c[c].type) for c in columns]
        for i in range(0, len(rows), CHUNK):
            conn.execute(insert(table), [{c: f(v) for c, f, v in zip(columns, convert, r, strict=True)}
                                         for r in rows[i:i + CHUNK]])
        return
    converters = [] if stored else _sqlite_converters(table, columns, conn.dialect)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i:i + CHUNK]
        if converters:
            converted: list[tuple[Any, ...]] = []
            for r in chunk:
                row = list(r)
                for k, f in converters:
                    row[k] = f(row[k])
                converted.append(tuple(row))
            chunk = converted
        conn.exec_driver_sql(sql, chunk)


def insert_mappings(s: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` given by column name, each holding every column of ``table`` (the sync importer's):
    on SQLite each becomes its stored tuple in one pass."""
    if not rows:
        return
    columns = [c.name for c in table.columns]
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        insert_rows(s, table, columns, [tuple(r[c] for c in columns) for r in rows])
        return
    convert: list[Converter | None] = [None] * len(columns)
    for k, f in _sqlite_converters(table, columns, conn.dialect):
        convert[k] = f
    pairs = list(zip(columns, convert, strict=True))
    insert_rows(s, table, columns, [tuple(r[c] if f is None else f(r[c]) for c, f in pairs) for r in rows],
                stored=True)


def append_log(s: Session, entries: Sequence[Sequence[Any]]) -> None:
    """Write change-log entries: tuples in ``LOG_COLUMNS`` order, all with or all without ``actor``."""
    if entries:
        insert_rows(s, Base.metadata.tables["change_log"], LOG_COLUMNS[:len(entries[0])], entries)


class SyncedRows:
    """New rows of synced tables made by this office, queued, then written stamped and logged in one go."""

    def __init__(self, office: str, tick: Callable[[], int]) -> None:
        self.office = office
        self.tick = tick
        #: table -> queued rows, each a tuple in ``columns(table)`` order
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        #: (hlc, table, row id) of each queued row in the order it was made
        self.log: list[tuple[int, str, str]] = []

    @staticmethod
    def own_columns(table: str) -> list[str]:
        """A synced table's columns after the sync identity, in table order (``add``'s ``values``)."""
        return _layout(table)[1]

    @staticmethod
    def columns(table: str) -> list[str]:
        """Every column a queued row of ``table`` holds: the sync identity, then the own columns."""
        return _layout(table)[0]

    def add(self, table: str, row_id: str, values: Sequence[Any], owner: str = "") -> int:
        """Queue one row: ``values`` in ``own_columns(table)`` order; ``owner`` the owning office
        (default this one). Returns the row's stamp."""
        stamp = self.tick()
        self.rows.setdefault(table, []).append((row_id, owner or self.office, stamp, self.office, 0, *values))
        self.log.append((stamp, table, row_id))
        return stamp

    def add_mapping(self, table: str, values: Mapping[str, Any]) -> int:
        """Queue one row given by column name (``id`` required, ``office_code`` optional, stamps ignored)."""
        return self.add(table, values["id"], [values[c] for c in _layout(table)[1]],
                        owner=values.get("office_code") or "")

    def __len__(self) -> int:
        return len(self.log)

    def write(self, s: Session, by_id: bool = False, stored: bool = False) -> dict[str, int]:
        """Insert the queued rows and their change-log entries in the session's transaction, then
        forget them; returns the rows written per table. ``by_id``: insert each table's rows in id
        order (neighbouring inserts touch neighbouring pages of a random-UUID primary key);
        ``stored``: the values were queued in SQLite's stored form (see ``insert_rows``)."""
        if not self.log:
            return {}
        seq = reserve_seqs(s, self.office, len(self.log))
        for tbl in Base.metadata.sorted_tables:  # parents before children, whatever order rows came in
            rows = self.rows.get(tbl.name)
            if rows:
                if by_id:
                    rows.sort()
                insert_rows(s, tbl, _layout(tbl.name)[0], rows, stored)
        fields = {table: encode_fields(table, "insert", insert_fields(table)) for table in self.rows}
        append_log(s, [(self.office, seq + k, stamp, table, rid, "insert", fields[table])
                       for k, (stamp, table, rid) in enumerate(self.log)])
        counts = {table: len(rows) for table, rows in self.rows.items()}
        self.rows, self.log = {}, []
        return counts


_LAYOUTS: dict[str, tuple[list[str], list[str]]] = {}


def _layout(table: str) -> tuple[list[str], list[str]]:
    """(queued columns, own columns) of a synced table."""
    if table not in _LAYOUTS:
        if table not in SYNCED_MODELS:
            raise KeyError(f"not a synced table: {table}")
        cols = [c.name for c in Base.metadata.tables[table].columns]
        own = [c for c in cols if c not in IDENTITY and c not in ("created_at", "updated_at")]
        _LAYOUTS[table] = ([*IDENTITY, *own], own)
    return _LAYOUTS[table]
