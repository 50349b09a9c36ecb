"""Every table's rows, engine-neutral: read, write, count and digest them.

Used by the PostgreSQL backup written by the app (when ``pg_dump`` is not
available), its restore, and ``fielddesk migrate-db`` (SQLite ⇄ PostgreSQL).
A row is encoded as a JSON array of its columns in table order, with dates and
times in ISO form, so the same office digests the same on both engines.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    delete,
    insert,
    select,
    text,
)

from db.models import Base

BATCH = 2000


def tables() -> list[Table]:
    """Every FieldDesk table, parents before children (the order to insert in)."""
    return list(Base.metadata.sorted_tables)


def _encoder(table: Table) -> Callable[[tuple[Any, ...]], list[Any]]:
    kinds = []
    for c in table.columns:
        t = c.type
        kinds.append("bin" if isinstance(t, LargeBinary) else "dt" if isinstance(t, DateTime)
                     else "d" if isinstance(t, Date) else "b" if isinstance(t, Boolean)
                     else "f" if isinstance(t, Float) else "")

    def encode(row: tuple[Any, ...]) -> list[Any]:
        out: list[Any] = []
        for k, v in zip(kinds, row, strict=True):
            if v is None:
                out.append(None)
            elif k == "dt":
                out.append(v.isoformat(sep=" ") if isinstance(v, dt.datetime) else str(v))
            elif k == "d":
                out.append(v.isoformat() if isinstance(v, dt.date) else str(v)[:10])
            elif k == "b":
                out.append(bool(v))
            elif k == "f":
                out.append(float(v))
            elif k == "bin":
                out.append(base64.b64encode(bytes(v)).decode())
            else:
                out.append(v)
        return out
    return encode


def _decoder(table: Table) -> Callable[[list[Any]], dict[str, Any]]:
    cols = list(table.columns)

    def decode(values: list[Any]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for c, v in zip(cols, values, strict=True):
            t = c.type
            if v is not None:
                if isinstance(t, DateTime):
                    v = dt.datetime.fromisoformat(v)
                elif isinstance(t, Date):
                    v = dt.date.fromisoformat(v)
                elif isinstance(t, LargeBinary):
                    v = base64.b64decode(v)
            row[c.key] = v
        return row
    return decode


def read_rows(conn: Connection, table: Table) -> Iterator[list[Any]]:
    """The table's rows, encoded, in primary-key order (so a digest does not depend on storage order)."""
    order: list[Any] = list(table.primary_key.columns) or list(table.columns)
    if conn.dialect.name == "postgresql":
        # SQLite compares text byte by byte; a server's default collation (zh_CN …) would not
        order = [c.collate("C") if isinstance(c.type, String) else c for c in order]
    encode = _encoder(table)
    result = conn.execution_options(yield_per=BATCH).execute(select(*table.columns).order_by(*order))
    for part in result.partitions(BATCH):
        for row in part:
            yield encode(tuple(row))


def digest(conn: Connection, table: Table) -> tuple[int, str]:
    """(row count, sha256 of the encoded rows) of a table."""
    h = hashlib.sha256()
    n = 0
    for values in read_rows(conn, table):
        h.update(orjson.dumps(values))
        h.update(b"\n")
        n += 1
    return n, h.hexdigest()


def digests(conn: Connection) -> dict[str, tuple[int, str]]:
    """``digest`` of every table."""
    return {t.name: digest(conn, t) for t in tables()}


def clear_all(conn: Connection) -> None:
    """Delete every row of every table, children first."""
    for t in reversed(tables()):
        conn.execute(delete(t))


def write_rows(conn: Connection, table: Table, rows: Iterable[list[Any]]) -> int:
    """Insert encoded rows; returns how many."""
    decode = _decoder(table)
    n = 0
    batch: list[dict[str, Any]] = []
    for values in rows:
        batch.append(decode(values))
        if len(batch) >= BATCH:
            conn.execute(insert(table), batch)
            n += len(batch)
            batch = []
    if batch:
        conn.execute(insert(table), batch)
        n += len(batch)
    return n


def reset_sequences(conn: Connection) -> None:
    """On PostgreSQL, move each serial column's sequence past the rows copied in (SQLite needs nothing)."""
    if conn.dialect.name != "postgresql":
        return
    for t in tables():
        for c in t.primary_key.columns:
            if len(t.primary_key.columns) == 1 and isinstance(c.type, Integer) and c.autoincrement in (True, "auto"):
                seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": t.name, "c": c.name}).scalar()
                if seq:
                    conn.execute(text(f"SELECT setval(:s, coalesce((SELECT max({c.name}) FROM {t.name}), 0) + 1, false)"),
                                 {"s": seq})
