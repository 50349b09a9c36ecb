"""Declarative base and the sync identity every synced table carries (DESIGN.md §4).

A synced row has:
- ``id``: a UUID made when the row is made; never renumbered, never reused;
- ``office_code``: the administrative division code of the office that owns it;
- ``hlc``: the hybrid-logical-clock stamp of its last change;
- ``changed_by``: the office code that made that last change;
- ``deleted``: a tombstone flag — synced rows are never physically deleted.

The stamps and the change-log entries are written by ``db.changes`` in the
same flush (so the same transaction) as the change itself.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import BigInteger, Boolean, DateTime, MetaData, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A fresh UUID4 as text — the primary key of every synced row."""
    return str(uuid.uuid4())


def without_index(model: type, column: str) -> None:
    """Take the single-column index a mixin gave ``model.column`` off its table (the column keeps its place)."""
    table = model.__table__  # type: ignore[attr-defined]
    for index in list(table.indexes):
        if [c.name for c in index.columns] == [column]:
            table.indexes.discard(index)
    table.c[column].index = False


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (Alembic batch mode needs them)."""

    metadata = MetaData(naming_convention=NAMING)


class SyncMixin:
    """Columns of the sync identity. Tables with it are tracked by ``db.changes``."""

    __synced__ = True
    #: children that only ever grow merge as a union on import (DESIGN.md §4)
    __append_only__ = False

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    office_code: Mapped[str] = mapped_column(String(12), index=True)
    hlc: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    changed_by: Mapped[str] = mapped_column(String(12), default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )
