"""Schema versions: where a database stands, and bringing it to head with Alembic.

Every open asks where the database stands; almost always it is at head and nothing else
happens. That check reads the revision numbers from the migration files and the version
table with plain SQL: Alembic itself (its import and loading every migration module took a
third of a second of each start, more on a busy PC) is imported only to migrate.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import SAWarning

from db import killpoints

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_REVISION_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:["']([^"']*)["']|None)""", re.M)


@functools.cache
def _chain() -> dict[str, str | None]:
    """revision -> the revision it follows (None for the first), read from the migration files' own lines."""
    chain: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = {m.group(1): m.group(2) for m in _REVISION_LINE.finditer(path.read_text(encoding="utf-8"))}
        if found.get("revision"):
            chain[str(found["revision"])] = found.get("down_revision") or None
    return chain


def alembic_config() -> Config:
    """An Alembic config pointing at the bundled migrations (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest schema revision this version of FieldDesk knows (the one no other follows)."""
    chain = _chain()
    heads = set(chain) - {down for down in chain.values() if down}
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must form one chain, found heads {sorted(heads)}")
    return heads.pop()


def known_revisions() -> set[str]:
    """Every revision this version knows (older databases are at one of these)."""
    return set(_chain())


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty (new) database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(versions) > 1:
        raise RuntimeError(f"the database records several schema versions: {versions}")
    return versions[0] if versions else None


def _kill_points(step: object, **_: object) -> None:
    """Alembic's on_version_apply hook: a crash test may die right after a revision's DDL ran."""
    killpoints.reached(f"migration-{getattr(step, 'up_revision_id', '')}")


def _run(engine: Engine, action: Callable[[Config], None], kill_points: bool = True) -> None:
    """Run every migration step in ONE transaction: all of them happen, or none.

    Python's sqlite3 opens a transaction only before INSERT/UPDATE/DELETE, never before
    ``CREATE``/``ALTER``/``DROP``: left to it, an ``ALTER TABLE`` commits on its own and
    survives a rollback or a kill, leaving a file stamped with the old revision that
    already has the new columns (it then never opens again). So on SQLite the driver's
    own transaction handling is switched off for this connection and an explicit
    ``BEGIN IMMEDIATE`` opens a transaction that holds the DDL too — SQLite's schema
    changes are transactional; only the driver skipped them.

    Batch mode rebuilds a table to change a column (copy, drop, rename); with foreign
    keys enforced, dropping a table that other rows point at fails. So enforcement is
    switched off around the migration — it can only be switched outside a transaction
    — and ``PRAGMA foreign_key_check`` must find nothing before the transaction commits.
    """
    cfg = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        raw = conn.connection.driver_connection if sqlite else None
        saved_level = getattr(raw, "isolation_level", None)
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            raw.isolation_level = None  # type: ignore[union-attr]  # we say BEGIN ourselves, DDL included
        try:
            with conn.begin():
                if sqlite:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                cfg.attributes["connection"] = conn
                if kill_points:
                    cfg.attributes["on_version_apply"] = _kill_points
                with warnings.catch_warnings():
                    # batch mode reflects a table before rebuilding it and cannot read expression
                    # indexes; the migrations that rebuild such a table re-create them (0010), so
                    # the warning says nothing to whoever runs `init` or starts the app
                    warnings.filterwarnings(
                        "ignore", "Skipped unsupported reflection of expression-based index", SAWarning)
                    action(cfg)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left dangling references: {broken[:5]}")
        finally:
            if sqlite:
                raw.isolation_level = saved_level  # type: ignore[union-attr]
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Migrate the database to ``target`` in one transaction."""
    from alembic import command

    _run(engine, lambda cfg: command.upgrade(cfg, target))


def downgrade(engine: Engine, target: str) -> None:
    """Migrate down (used by tests to build databases of older revisions)."""
    from alembic import command

    _run(engine, lambda cfg: command.downgrade(cfg, target))


@functools.lru_cache(maxsize=64)
def _reference_schema(revision: str) -> tuple[frozenset[str], frozenset[str]]:
    """Tables and ``table.column`` names a database has at ``revision`` (built once in memory)."""
    from alembic import command

    engine = create_engine("sqlite://", future=True)
    try:
        _run(engine, lambda cfg: command.upgrade(cfg, revision), kill_points=False)
        return _schema(engine)
    finally:
        engine.dispose()


def _schema(engine: Engine) -> tuple[frozenset[str], frozenset[str]]:
    insp = inspect(engine)
    tables = {t for t in insp.get_table_names() if t != "alembic_version"}
    columns = {f"{t}.{c['name']}" for t in tables for c in insp.get_columns(t)}
    return frozenset(tables), frozenset(columns)


def schema_problems(engine: Engine, revision: str | None = None) -> list[str]:
    """What the database has (or lacks) that its recorded revision does not: ``[]`` when they agree.

    A migration interrupted by an older FieldDesk (whose DDL was not transactional) leaves a
    file stamped with revision N that already holds part of N+1 — "half-applied". It then
    fails every later upgrade ("duplicate column name"); recognising it lets the app say so
    and point to a backup that is whole, instead of calling it corrupt and backing it up.
    """
    if engine.dialect.name != "sqlite":
        return []
    revision = revision if revision is not None else current_revision(engine)
    if revision is None or revision not in known_revisions():
        return []
    want_tables, want_columns = _reference_schema(revision)
    later_tables, later_columns = _later_schema(revision)
    have_tables, have_columns = _schema(engine)
    # surplus counts only where a later revision would have made it (or batch mode's temporary copy):
    # a table some code made outside the migrations is not a half-applied upgrade
    problems = [f"多出表 {t}" for t in sorted(have_tables - want_tables)
                if t in later_tables or t.startswith("_alembic_tmp_")]
    problems += [f"缺少表 {t}" for t in sorted(want_tables - have_tables)]
    problems += [f"多出列 {c}" for c in sorted(have_columns - want_columns)
                 if c.split(".")[0] in want_tables and c in later_columns]
    problems += [f"缺少列 {c}" for c in sorted(want_columns - have_columns) if c.split(".")[0] in have_tables]
    return problems


def _later_schema(revision: str) -> tuple[frozenset[str], frozenset[str]]:
    """Every table and column some revision after ``revision`` has."""
    order = revision_order()
    later = order[order.index(revision) + 1:]
    tables: set[str] = set()
    columns: set[str] = set()
    for r in later:
        t, c = _reference_schema(r)
        tables |= t
        columns |= c
    return frozenset(tables), frozenset(columns)


def revision_order() -> list[str]:
    """The known revisions, oldest first."""
    chain = _chain()
    after = {down: rev for rev, down in chain.items()}
    order: list[str] = []
    rev = after.get(None)
    while rev is not None:
        order.append(rev)
        rev = after.get(rev)
    return order


def file_problems(path: Path) -> list[str]:
    """``schema_problems`` of a database file, read-only; a file that cannot be read says why."""
    engine = create_engine(f"sqlite:///file:{Path(path).as_posix()}?mode=ro&uri=true", future=True)
    try:
        revision = current_revision(engine)
        if revision is not None and revision not in known_revisions():
            return [f"结构版本 {revision} 比本程序新"]
        return schema_problems(engine, revision)
    except (sqlite3.Error, Exception) as exc:  # noqa: BLE001 - any unreadable file is "not usable"
        return [f"无法读取：{exc}"]
    finally:
        engine.dispose()


def __getattr__(name: str) -> object:
    """``ScriptDirectory`` for callers that walk Alembic's own view of the chain (tests, fixtures), imported on use."""
    if name == "ScriptDirectory":
        from alembic.script import ScriptDirectory

        return ScriptDirectory
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
