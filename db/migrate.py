"""Schema versions: where a database stands, and bringing it to head with Alembic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at the bundled migrations (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest schema revision this version of FieldDesk knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every revision this version knows (older databases are at one of these)."""
    return {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty (new) database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _run(engine: Engine, action: Callable[[Config], None]) -> None:
    """Run a migration step in one transaction.

    On SQLite, batch mode rebuilds a table to change a column (copy, drop, rename);
    with foreign keys enforced, dropping a table that other rows point at fails. So
    enforcement is switched off around the migration — it can only be switched
    outside a transaction — and ``PRAGMA foreign_key_check`` must find nothing
    before the transaction commits.
    """
    cfg = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                action(cfg)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left dangling references: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Migrate the database to ``target`` in one transaction."""
    _run(engine, lambda cfg: command.upgrade(cfg, target))


def downgrade(engine: Engine, target: str) -> None:
    """Migrate down (used by tests to build databases of older revisions)."""
    _run(engine, lambda cfg: command.downgrade(cfg, target))
