"""重复导入提醒 — which rows of a ledger sheet this office has already recorded.

Importing the same Excel ledger twice is the commonest slip: the import dialog warns (and asks)
before it makes a second copy of each item. An item counts as the same when its 问题描述 and
责任单位 match a live (not voided) item of this office.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from db.engine import Database
from db.models import Issue
from desktop_app.core.ledger_codes import IssueStatus

_CHUNK = 500  # descriptions per IN (...) query, well under SQLite's parameter limit


def already_recorded(db: Database, rows: Sequence[dict[str, Any]]) -> list[int]:
    """The sheet row numbers (``row`` of each previewed row) whose item this office already has."""
    wanted = {(str(r.get("description") or "").strip(), str(r.get("unit") or "").strip()): r.get("row")
              for r in rows if str(r.get("description") or "").strip()}
    if not wanted or not db.office_code:
        return []
    descriptions = sorted({d for d, _u in wanted})
    found: set[tuple[str, str]] = set()
    with db.session() as s:
        for i in range(0, len(descriptions), _CHUNK):
            q = (select(Issue.description, Issue.responsible_unit)
                 .where(Issue.office_code == db.office_code, Issue.deleted.is_(False), Issue.status != IssueStatus.VOID,
                        Issue.description.in_(descriptions[i:i + _CHUNK])))
            found.update((d, (u or "").strip()) for d, u in s.execute(q))
    return sorted(int(row) for key, row in wanted.items() if key in found and row is not None)
