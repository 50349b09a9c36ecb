"""Small helpers shared by the Excel tests: building office-style sheets and counting rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select

from db.models import AuditEntry, Issue, Progress


def make_sheet(path: Path, rows: list[list[Any]], merges: tuple[str, ...] = (), title: str = "Sheet1") -> Path:
    """A one-sheet workbook with ``rows`` from A1 and the given merged ranges."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def counts(db: Any) -> tuple[int, int, int]:
    """(issues, progress entries, audit entries) in the database."""
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Issue)) or 0,
                s.scalar(select(func.count()).select_from(Progress)) or 0,
                s.scalar(select(func.count()).select_from(AuditEntry)) or 0)
