"""Column mappings remembered per office: the next file with the same headers maps the same way."""

from __future__ import annotations

import hashlib

from db.engine import Database
from desktop_app.excel.header import normalise_title
from desktop_app.services import settings


def _key(db: Database, kind: str, titles: list[str]) -> str:
    digest = hashlib.sha1("|".join(normalise_title(t) for t in titles).encode("utf-8")).hexdigest()[:16]
    return f"excel.mapping.{db.office_code}.{kind}.{digest}"


def load(db: Database, kind: str, titles: list[str]) -> dict[str, str | None] | None:
    """The mapping this office saved for a sheet with exactly these headers, or None."""
    value = settings.get(db, _key(db, kind, titles))
    return dict(value) if isinstance(value, dict) else None


def save(db: Database, kind: str, titles: list[str], mapping: dict[str, str | None]) -> None:
    """Remember a mapping for sheets with these headers (a local setting, never synced)."""
    settings.put(db, _key(db, kind, titles), {t: mapping.get(t) for t in titles})
