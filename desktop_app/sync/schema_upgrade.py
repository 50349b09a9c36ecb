"""Upgrading changes from bundles written by an older schema (DESIGN.md §4: older ones are upgraded).

Columns added since an older schema are simply absent from its changes and take their
defaults on insert. Renamed or split columns are mapped here, per the schema revision
that changed them, so an old office's bundle still lands in the right place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol

from db import migrate


class _HasValues(Protocol):
    table: str
    values: dict[str, Any]


#: revision -> (table, rename map old -> new); applied to bundles older than that revision
RENAMES: dict[str, list[tuple[str, dict[str, str]]]] = {}
#: revision -> functions fixing one change's values in place, for bundles older than that revision
FIXES: dict[str, list[Callable[[Any], None]]] = {}


@lru_cache(maxsize=1)
def revisions() -> tuple[str, ...]:
    """Every schema revision this version knows, oldest first."""
    return tuple(migrate.revision_order())


def head() -> str:
    """This version's schema revision."""
    return revisions()[-1]


def _order() -> list[str]:
    return list(revisions())


def upgrade_changes(schema_version: str, changes: list[Any]) -> list[Any]:
    """Changes written at ``schema_version`` brought to this version's columns."""
    order = _order()
    if schema_version not in order or schema_version == order[-1]:
        return changes
    later = order[order.index(schema_version) + 1:]
    for rev in later:
        for table, renames in RENAMES.get(rev, []):
            for c in changes:
                if c.table == table:
                    for old, new in renames.items():
                        if old in c.values:
                            c.values[new] = c.values.pop(old)
        for fix in FIXES.get(rev, []):
            for c in changes:
                fix(c)
    return changes


def _visit_state_from_dates(c: Any) -> None:
    """0008 added ``visit.state``: a visit an older office wrote (without a state) that is over by now was
    recorded after the fact — 已完成 on its planned dates, as the migration does to local rows."""
    if c.table != "visit" or getattr(c, "op", "insert") != "insert" or "state" in c.values:
        return
    if "end_date" not in c.values or "start_date" not in c.values:
        return
    end = c.values["end_date"]
    if isinstance(end, str):
        try:
            end = dt.date.fromisoformat(end[:10])
        except ValueError:
            return
    if isinstance(end, dt.date) and end < dt.date.today():
        c.values["state"] = "done"
        c.values["actual_start"], c.values["actual_end"] = c.values["start_date"], c.values["end_date"]


FIXES.setdefault("0008", []).append(_visit_state_from_dates)
