"""Column mappings remembered per office: the next file with the same headers maps the same way."""

from __future__ import annotations

import hashlib

from db.engine import Database
from desktop_app.excel.header import normalise_title
from desktop_app.org import settings


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


def _values_key(db: Database, kind: str, titles: list[str]) -> str:
    return _key(db, kind, titles).replace("excel.mapping.", "excel.values.", 1)


def load_values(db: Database, kind: str, titles: list[str]) -> dict[str, dict[str, str]] | None:
    """What this office said unknown words mean in a sheet with these headers (column → {word: chosen})."""
    value = settings.get(db, _values_key(db, kind, titles))
    if not isinstance(value, dict):
        return None
    return {str(t): {str(k): str(v) for k, v in m.items()} for t, m in value.items() if isinstance(m, dict)}


def save_values(db: Database, kind: str, titles: list[str], values: dict[str, dict[str, str]]) -> None:
    """Remember the meanings of unknown words with the header mapping (merged with what was saved before)."""
    merged = load_values(db, kind, titles) or {}
    for title, words in values.items():
        merged.setdefault(title, {}).update(words)
    settings.put(db, _values_key(db, kind, titles), merged)
