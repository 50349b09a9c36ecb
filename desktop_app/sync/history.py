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

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.changes import decode_fields
from db.models import ChangeLog

Stamp = tuple[int, str]
#: row id -> the change-log entries of that row: (stamp, fields written)
Entries = dict[str, list[tuple[Stamp, list[str]]]]
#: field -> sorted stamps of the changes that wrote it
FieldVersions = dict[str, list[Stamp]]
CHUNK = 900


def chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    """Slices of ``items`` small enough for SQLite's bound-parameter limit."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def load_entries(session: Session, row_ids: Iterable[str], whole_log: bool = False) -> Entries:
    """The change-log entries of ``row_ids`` (scanning the whole log when that is cheaper)."""
    out: Entries = defaultdict(list)
    cols = (ChangeLog.origin, ChangeLog.hlc, ChangeLog.table_name, ChangeLog.row_id, ChangeLog.fields)
    if whole_log:
        wanted = set(row_ids)
        for origin, hlc, table, row_id, fields in session.connection().execute(select(*cols)).all():
            if row_id in wanted:
                out[row_id].append(((int(hlc), origin), decode_fields(table, fields)))
        return out
    for part in chunks(sorted(set(row_ids))):
        for origin, hlc, table, row_id, fields in session.connection().execute(
                select(*cols).where(ChangeLog.row_id.in_(part))).all():
            out[row_id].append(((int(hlc), origin), decode_fields(table, fields)))
    return out


def field_versions(entries: list[tuple[Stamp, list[str]]] | None) -> FieldVersions:
    """Per field, the sorted stamps of the changes that wrote it."""
    per: FieldVersions = defaultdict(list)
    for stamp, fields in entries or ():
        for f in fields:
            per[f].append(stamp)
    for stamps in per.values():
        stamps.sort()
    return per


def latest(stamps: list[Stamp] | None) -> Stamp | None:
    """The current version of a field (None when never written)."""
    return stamps[-1] if stamps else None


def base_of(stamps: list[Stamp] | None, stamp: Stamp) -> Stamp | None:
    """The version just before ``stamp`` — what the writer saw when it made that change."""
    if not stamps:
        return None
    i = bisect.bisect_left(stamps, stamp)
    return stamps[i - 1] if i > 0 else None


def foreign_base_of(stamps: list[Stamp] | None, stamp: Stamp, skip: frozenset[Stamp] | set[Stamp] = frozenset(),
                    other_office: bool = True) -> Stamp | None:
    """The latest version before ``stamp`` that its writer had seen: written by another office than
    ``stamp``'s (with ``other_office``; its own earlier versions in between do not count), and not
    one of ``skip`` — versions known to have been concurrent with it (a logged conflict), which
    sort below it here only because they arrived first."""
    if not stamps:
        return None
    i = bisect.bisect_left(stamps, stamp)
    while i > 0:
        i -= 1
        s = stamps[i]
        if (not other_office or s[1] != stamp[1]) and s not in skip:
            return s
    return None
