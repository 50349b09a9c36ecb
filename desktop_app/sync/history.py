"""Per-field version history, read from the change log.

A field's version is the stamp ``(hlc, origin)`` of the latest change that wrote it.
The change log records, for remote changes, only the fields that won, so each
field's history is ordered the same way by stamp and by arrival: the version an
office saw before its own edit (the edit's *base*) is the greatest stamp below it.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ChangeLog

Stamp = tuple[int, str]
#: row id -> field -> sorted stamps of the changes that wrote it
History = dict[str, dict[str, list[Stamp]]]
CHUNK = 900


def chunks(items: list[str], size: int = CHUNK) -> Iterable[list[str]]:
    """Slices of ``items`` small enough for SQLite's bound-parameter limit."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def load_history(session: Session, row_ids: Iterable[str], whole_log: bool = False) -> History:
    """The field histories of ``row_ids`` (or of every row when ``whole_log``)."""
    hist: History = defaultdict(lambda: defaultdict(list))
    cols = (ChangeLog.origin, ChangeLog.hlc, ChangeLog.row_id, ChangeLog.fields)
    if whole_log:
        wanted = set(row_ids)
        batches: Iterable = [session.execute(select(*cols)).all()]
    else:
        wanted = None
        ids = sorted(set(row_ids))
        batches = (session.execute(select(*cols).where(ChangeLog.row_id.in_(c))).all() for c in chunks(ids))
    for batch in batches:
        for origin, hlc, row_id, fields in batch:
            if wanted is not None and row_id not in wanted:
                continue
            stamp = (int(hlc), origin)
            per_row = hist[row_id]
            for f in orjson.loads(fields or "[]"):
                per_row[f].append(stamp)
    for per_row in hist.values():
        for stamps in per_row.values():
            stamps.sort()
    return hist


def latest(stamps: list[Stamp] | None) -> Stamp | None:
    """The current version of a field (None when never written)."""
    return stamps[-1] if stamps else None


def base_of(stamps: list[Stamp] | None, stamp: Stamp) -> Stamp | None:
    """The version just before ``stamp`` — what the writer saw when it made that change."""
    if not stamps:
        return None
    i = bisect.bisect_left(stamps, stamp)
    return stamps[i - 1] if i > 0 else None
