"""Hash-chained audit log: every write records who did it, in the same transaction.

Each entry's hash is sha256(previous hash + the entry's canonical JSON), so an
edited, inserted or removed entry breaks the chain at that point and
``verify_chain`` names it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.dialect import serialise
from db.models import AuditEntry

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who is acting: a login and a display name (the CLI acts as 系统/命令行)."""

    login: str
    name: str = ""

    @property
    def label(self) -> str:
        """How the actor appears in the audit log and on timelines."""
        return self.name or self.login


SYSTEM = Actor("system", "系统")
CLI = Actor("cli", "命令行")


def _digest(prev_hash: str, at: str, actor: str, action: str, table: str, target: str, details: str) -> str:
    payload = json.dumps([prev_hash, at, actor, action, table, target, details], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: Actor,
    action: str,
    target_table: str = "",
    target_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry to the chain (call inside the write's transaction).

    On a shared server the writer lock keeps two clerks' entries from linking to the same predecessor.
    """
    serialise(session)
    prev = session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    at = dt.datetime.now().isoformat(timespec="seconds")
    body = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
    prev_hash = prev or GENESIS
    entry = AuditEntry(
        at=at,
        actor=actor.label,
        action=action,
        target_table=target_table,
        target_id=target_id,
        details=body,
        prev_hash=prev_hash,
        hash=_digest(prev_hash, at, actor.label, action, target_table, target_id, body),
    )
    session.add(entry)
    session.flush()
    return entry


def verify_chain(session: Session) -> list[int]:
    """Ids of entries whose hash or link does not hold; empty when the log is intact."""
    bad: list[int] = []
    prev_hash = GENESIS
    for e in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        expected = _digest(prev_hash, e.at, e.actor, e.action, e.target_table, e.target_id, e.details)
        if e.prev_hash != prev_hash or e.hash != expected:
            bad.append(e.id)
        prev_hash = e.hash
    return bad
