"""Handing previewed rows to the capability that owns them, in one call (one transaction).

Each capability provides its own import function, named in ``TARGETS`` (the PyInstaller
spec reads that registry, so a frozen build carries every one of them).
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable
from typing import Any

from db.engine import Database
from desktop_app.core.audit import Actor
from desktop_app.core.errors import ValidationError

#: kind → (module, function) of the owning capability's import function
TARGETS: dict[str, tuple[str, str]] = {
    "ledger": ("desktop_app.ledger.service", "create_issues"),
    "visits": ("desktop_app.work.importing", "import_visits"),
    "topics": ("desktop_app.work.importing", "import_topics"),
    "questions": ("desktop_app.quiz.importing", "import_questions"),
    "scores": ("desktop_app.quiz.importing", "import_scores"),
    "meetings": ("desktop_app.campaign.meeting_import", "import_meetings"),
    "plans": ("desktop_app.excel.plan_sheets", "import_plans"),
    "outcomes": ("desktop_app.campaign.outcomes", "import_outcomes"),
}


def _target(kind: str) -> Callable[..., Any]:
    """The owning capability's import function; an ImportError (a damaged install) propagates."""
    module, name = TARGETS[kind]
    func: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return func


def issue_inputs(rows: list[dict[str, Any]], year: int | None) -> list[Any]:
    """Ledger contract rows → the ledger service's IssueInput."""
    from desktop_app.ledger.types import IssueInput

    out = []
    for r in rows:
        out.append(IssueInput(
            description=r["description"], category=r["category"], measures=r["measures"], kind=r["kind"],
            unit=r["unit"], co_units=r["co_units"], leader=r["leader"], person=r["person"],
            deadline=dt.date.fromisoformat(r["deadline"]) if r["deadline"] else None,
            deadline_workdays=r.get("deadline_workdays"), status=r["status_code"],
            progress_text=r["progress"], year=year, deadline_reason=r.get("note") or ""))
    return out


#: IssueInput field → contract field (for naming the sheet column of a ledger validation error)
_ISSUE_FIELD = {"description": "description", "category": "category", "measures": "measures", "unit": "unit",
                "co_units": "co_units", "leader": "leader", "person": "person", "deadline": "deadline",
                "deadline_workdays": "deadline", "kind": "deadline", "status": "status", "year": "deadline",
                "deadline_reason": "deadline"}


def validate_rows(kind: str, rows: list[dict[str, Any]], year: int | None) -> list[tuple[int, str, str]]:
    """The owning service's own checks on rows that parsed cleanly: (sheet row, field, message).

    Only the ledger exposes row validation; other kinds are checked when written.
    """
    if kind != "ledger":
        return []
    from desktop_app.ledger.service import validate_input

    out = []
    for r, inp in zip(rows, issue_inputs(rows, year), strict=True):
        for err in validate_input(inp, complete=True):
            message = err.message.removeprefix("该问题：")
            out.append((r["row"], _ISSUE_FIELD.get(err.field or "", err.field or ""), message))
    return out


def _owner_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # The owners read the sheet row number from "_row" (work) or "row" (quiz).
    return [{**r, "_row": r.get("row")} for r in rows]


def service_errors(exc: ValidationError, fallback_row: int) -> list[tuple[int, str, str]]:
    """An owner's refusal as (sheet row, column, message) lines."""
    listed = getattr(exc, "errors", None)
    if isinstance(listed, list) and listed:
        return [(int(getattr(e, "row", 0) or fallback_row), str(getattr(e, "column", "") or ""),
                 _unprefixed(str(getattr(e, "message", e)))) for e in listed]
    return [(exc.row or fallback_row, getattr(exc, "field", None) or "", _unprefixed(exc.message))]


_ROW_PREFIX = re.compile(r"^第\s*\d+\s*[行条][^：:]*[：:]")


def _unprefixed(message: str) -> str:
    # the error list already names the row
    return _ROW_PREFIX.sub("", message, count=1)


def dry_run_rows(db: Database, actor: Actor, kind: str, rows: list[dict[str, Any]]) -> None:
    """Let an owner that supports it check the rows in a transaction it rolls back (quiz kinds)."""
    if kind not in ("questions", "scores") or not rows:
        return
    _target(kind)(db, actor, _owner_rows(rows), dry_run=True)


def write_rows(db: Database, actor: Actor, kind: str, rows: list[dict[str, Any]], year: int | None) -> int:
    """Write all rows of one import through the owning service; returns how many were created."""
    func = _target(kind)
    if kind == "ledger":
        return len(func(db, actor, issue_inputs(rows, year), complete=True))
    return int(func(db, actor, _owner_rows(rows)))
