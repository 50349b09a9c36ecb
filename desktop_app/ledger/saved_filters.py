"""Saved filters of the ledger page (常用筛选), kept in this PC's settings."""

from __future__ import annotations

from db.engine import Database
from desktop_app.core.errors import ValidationError
from desktop_app.ledger.query import IssueFilter
from desktop_app.org import settings

SETTING = "ledger.saved_filters"


def list_saved(db: Database) -> dict[str, IssueFilter]:
    """Saved filters by name, in the order they were saved."""
    raw = settings.get(db, SETTING, {}) or {}
    return {name: IssueFilter.from_dict(d) for name, d in raw.items() if isinstance(d, dict)}


def save_filter(db: Database, name: str, f: IssueFilter) -> None:
    """Save (or replace) a filter under ``name``."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("筛选名称不能为空", "请为常用筛选起一个名字", field="name")
    if len(name) > 40:
        raise ValidationError("筛选名称过长", "请使用40字以内的名称", field="name")
    raw = dict(settings.get(db, SETTING, {}) or {})
    raw[name] = f.to_dict()
    settings.put(db, SETTING, raw)


def delete_filter(db: Database, name: str) -> None:
    """Forget a saved filter (no error when it is not there)."""
    raw = dict(settings.get(db, SETTING, {}) or {})
    raw.pop(name, None)
    settings.put(db, SETTING, raw)
