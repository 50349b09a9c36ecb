"""What differs between SQLite (one office, one file) and PostgreSQL (a shared server).

Queries elsewhere stay dialect-neutral by using these helpers instead of
engine-specific SQL functions (``strftime``, ``julianday``) or PRAGMAs:

- ``days_between(end, start)``: whole days from one date column to another;
- ``serialise(session, name)``: a transaction-long lock around "read the largest
  number, write the next one" (change-log sequence numbers, ledger serials, the
  audit chain's last hash). On PostgreSQL an advisory transaction lock; on SQLite
  the database's single writer already serialises writes, so nothing is needed;
- ``check_lengths``: declared ``String(n)`` lengths are enforced before a flush on
  both engines (SQLite ignores them; PostgreSQL fails the whole transaction).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Date, Integer, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

#: the oldest PostgreSQL release FieldDesk is tested against (server_version_num)
MIN_POSTGRES = 130000


def is_sqlite(bind: Any) -> bool:
    """True when ``bind`` (a Session, Connection or Engine) talks to SQLite."""
    if isinstance(bind, Session):
        bind = bind.get_bind()
    return bool(bind.dialect.name == "sqlite")


class days_between(FunctionElement[int]):  # noqa: N801 - reads like the SQL function it stands for
    """``end - start`` in whole days for two DATE expressions."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    end, start = list(element.clauses)
    return f"(CAST({compiler.process(end, **kw)} AS DATE) - CAST({compiler.process(start, **kw)} AS DATE))"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    end, start = list(element.clauses)
    return (f"CAST(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})"
            " AS INTEGER)")


class as_date(FunctionElement[Any]):  # noqa: N801
    """The date part of a timestamp expression."""

    type = Date()
    inherit_cache = True


@compiles(as_date)
def _as_date_default(element: as_date, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return f"CAST({compiler.process(value, **kw)} AS DATE)"


@compiles(as_date, "sqlite")
def _as_date_sqlite(element: as_date, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return f"date({compiler.process(value, **kw)})"


def _lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_xact_lock`` from a lock's name."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


#: the one lock every numbering write takes: change-log sequence numbers, ledger serials and the audit
#: chain are all allocated by most writes, so one lock (rather than one each) cannot deadlock
WRITER = "fielddesk.writer"


def serialise(session: Session, name: str = WRITER) -> None:
    """Hold the lock ``name`` until this transaction ends (PostgreSQL); nothing on SQLite.

    Use it before reading ``max(...)`` to allocate the next number: two clerks saving at
    the same moment then get consecutive numbers instead of the same one.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_lock_key(name)})")


class ValueTooLongError(ValueError):
    """A text value longer than its column's declared length (both engines refuse it)."""


def _check_row(_mapper: Mapper[Any], _conn: Any, target: Any) -> None:
    table = getattr(target, "__table__", None)
    if table is None:
        return
    for col in table.columns:
        length = getattr(col.type, "length", None)
        if not length:
            continue
        value = target.__dict__.get(col.key)
        if isinstance(value, str) and len(value) > length:
            raise ValueTooLongError(f"{table.name}.{col.name}: {len(value)} characters, at most {length} fit")


def check_lengths(base: type) -> None:
    """Refuse, on every engine, an ORM insert or update whose text overflows a declared length."""
    event.listen(base, "before_insert", _check_row, propagate=True)
    event.listen(base, "before_update", _check_row, propagate=True)
