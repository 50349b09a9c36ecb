"""Local key/value settings (this PC only; never synced)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Setting


def read(session: Session, key: str, default: Any = None) -> Any:
    """A setting's JSON value, or ``default``."""
    row = session.get(Setting, key)
    if row is None or row.value == "":
        return default
    try:
        return json.loads(row.value)
    except ValueError:
        return row.value


def write(session: Session, key: str, value: Any) -> None:
    """Set a setting inside the caller's transaction."""
    text = json.dumps(value, ensure_ascii=False)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text


def get(db: Database, key: str, default: Any = None) -> Any:
    """Read one setting in its own short session."""
    with db.session() as s:
        return read(s, key, default)


def put(db: Database, key: str, value: Any) -> None:
    """Write one setting in its own transaction."""
    with db.transaction() as s:
        write(s, key, value)
