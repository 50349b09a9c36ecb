"""Checking and decoding the values carried by a bundle, per column type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, Integer, String, Table, Text

from db.changes import STAMP_COLUMNS

Decoder = Callable[[Any], Any]


class BadValueError(ValueError):
    """A value that does not fit its column (the bundle is malformed)."""


def _str(limit: int | None) -> Decoder:
    def dec(x: Any) -> Any:
        if not isinstance(x, str):
            raise BadValueError("应为文本")
        if "\x00" in x:
            raise BadValueError("文本中含有空字符")
        if limit is not None and len(x) > limit * 4:  # lengths are advisory in SQLite; refuse only absurd ones
            raise BadValueError("文本过长")
        return x
    return dec


def _int(x: Any) -> Any:
    if isinstance(x, bool) or not isinstance(x, int):
        raise BadValueError("应为整数")
    if not -(2**63) <= x < 2**63:
        raise BadValueError("整数超出范围")
    return x


def _float(x: Any) -> Any:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise BadValueError("应为数字")
    return float(x)


def _bool(x: Any) -> Any:
    if not isinstance(x, bool):
        raise BadValueError("应为是/否")
    return x


def _date(x: Any) -> Any:
    if not isinstance(x, str) or len(x) != 10:
        raise BadValueError("应为日期")
    try:
        return dt.date.fromisoformat(x)
    except ValueError as exc:
        raise BadValueError("应为日期") from exc


def _datetime(x: Any) -> Any:
    if not isinstance(x, str) or len(x) > 40:
        raise BadValueError("应为日期时间")
    try:
        return dt.datetime.fromisoformat(x)
    except ValueError as exc:
        raise BadValueError("应为日期时间") from exc


def _nullable(dec: Decoder) -> Decoder:
    def inner(x: Any) -> Any:
        return None if x is None else dec(x)
    return inner


def decoders(table: Table) -> dict[str, Decoder]:
    """Column name -> decoder, for the content columns a bundle may carry."""
    out: dict[str, Decoder] = {}
    for col in table.columns:
        if col.name in STAMP_COLUMNS:
            continue
        t = col.type
        dec: Decoder
        if isinstance(t, Boolean):
            dec = _bool
        elif isinstance(t, BigInteger | Integer):
            dec = _int
        elif isinstance(t, Float):
            dec = _float
        elif isinstance(t, DateTime):
            dec = _datetime
        elif isinstance(t, Date):
            dec = _date
        elif isinstance(t, String | Text):
            dec = _str(getattr(t, "length", None))
        else:
            dec = _str(None)
        out[col.name] = _nullable(dec) if col.nullable else dec
    return out


def defaults(table: Table) -> tuple[dict[str, Any], set[str]]:
    """Values for columns a new row did not carry, and the columns that have none (required)."""
    values: dict[str, Any] = {}
    required: set[str] = set()
    for col in table.columns:
        if col.name in STAMP_COLUMNS:
            continue
        d = col.default
        if d is not None and getattr(d, "is_scalar", False):
            values[col.name] = d.arg  # type: ignore[attr-defined]
        elif col.nullable:
            values[col.name] = None
        else:
            required.add(col.name)
    return values, required


def jsonable(x: Any) -> Any:
    """A value as the conflicts page stores it (dates as ISO text)."""
    if isinstance(x, dt.date | dt.datetime):
        return x.isoformat()
    return x


def text_columns(table: Table) -> frozenset[str]:
    """Content columns holding text (checked inline on import, the common case)."""
    return frozenset(c.name for c in table.columns
                     if c.name not in STAMP_COLUMNS and isinstance(c.type, String | Text))


def table_of(model: type) -> Table:
    """A synced model's table (typed, for the Core statements of the sync engine)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]
