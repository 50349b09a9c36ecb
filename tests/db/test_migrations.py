"""Migrations: empty → head, every older revision → head, and a newer schema refused untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from db import migrate
from db.engine import make_engine, sqlite_url
from db.models import Base
from desktop_app.core.backup import list_backups
from desktop_app.core.context import open_context
from desktop_app.core.errors import SchemaTooNewError

pytestmark = pytest.mark.sqlite_only("these build and inspect SQLite files (the server's migrations: tests/db/test_server_db.py)")


def _revisions() -> list[str]:
    return [r.revision for r in migrate.ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()]


def test_empty_database_migrates_to_head_with_every_model_table(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "x.db"))
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    engine.dispose()


@pytest.mark.parametrize("start", _revisions()[1:] or ["0001"])
def test_older_revision_upgrades_to_head_keeping_data(tmp_path: Path, start: str) -> None:
    engine = make_engine(sqlite_url(tmp_path / "old.db"))
    migrate.upgrade(engine, start)
    with engine.begin() as c:
        c.execute(text("INSERT INTO setting (key, value) VALUES ('office_code', '\"532801\"')"))
    engine.dispose()
    # open_context wants a data folder: put the old database where it looks
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "old.db").rename(data / "fielddesk.db")
    ctx = open_context(data)
    try:
        assert migrate.current_revision(ctx.db.engine) == migrate.head_revision()
        assert ctx.office_code == "532801"
        if start != migrate.head_revision():
            assert any(b.reason == "pre-migration" for b in list_backups(ctx.data.backups))
    finally:
        ctx.close()


def test_models_match_the_migrations(tmp_path: Path) -> None:
    """Autogenerate against a migrated database finds nothing to do: models and migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(sqlite_url(tmp_path / "x.db"))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    # FTS or other virtual/aux tables created by migrations are not models: ignore table removals
    diff = [d for d in diff if not (isinstance(d, tuple) and d[0] == "remove_table")]
    assert diff == []


def test_newer_schema_is_refused_and_the_file_is_untouched(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ctx = open_context(data)
    ctx.close()
    engine = make_engine(sqlite_url(data / "fielddesk.db"))
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with engine.connect() as c:
        c.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    before = hashlib.sha256((data / "fielddesk.db").read_bytes()).hexdigest()
    with pytest.raises(SchemaTooNewError) as err:
        open_context(data)
    assert "更新版本" in err.value.message
    assert hashlib.sha256((data / "fielddesk.db").read_bytes()).hexdigest() == before


def _corrupt_data_pages(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    page = 4096
    # overwrite pages in the second half (table data), leaving the header and schema intact
    for start in range(len(raw) // 2 // page * page, len(raw) - page, page * 3):
        raw[start + 8:start + 200] = b"\xff" * 192
    path.write_bytes(bytes(raw))


def test_damage_inside_data_pages_is_found_at_the_first_open_of_the_day(tmp_path: Path) -> None:
    from desktop_app.core.errors import DatabaseCorruptError
    from desktop_app.org import organisation as org

    data = tmp_path / "data"
    ctx = open_context(data)
    org.setup_office(ctx.db, ctx.actor, org.SetupInput(code="532801", name="测试局",
                                                      sections=[f"科室{i}" for i in range(300)]))
    ctx.db.checkpoint()
    ctx.close()
    _corrupt_data_pages(data / "fielddesk.db")
    # no backup today yet: this is the day's first open, so every page is read
    with pytest.raises(DatabaseCorruptError):
        open_context(data)


def test_a_table_rebuild_works_while_other_rows_point_at_it(tmp_path: Path) -> None:
    """Batch-mode column changes rebuild the table; foreign keys must not block that."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from sqlalchemy import String

    from desktop_app.org import organisation as org

    data = tmp_path / "data"
    ctx = open_context(data)
    org.setup_office(ctx.db, ctx.actor, org.SetupInput(
        code="532801", name="测试局", sections=["综合科"], people=[org.PersonInput("刘洋", "综合科")]))
    engine = ctx.db.engine

    def widen(cfg: object) -> None:
        conn = cfg.attributes["connection"]  # type: ignore[attr-defined]
        with Operations(MigrationContext.configure(conn)).batch_alter_table("section") as batch:
            batch.alter_column("name", type_=String(120))

    migrate._run(engine, widen)
    with engine.connect() as c:
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("SELECT count(*) FROM person")).scalar() == 1
    assert [s.name for s in org.list_sections(ctx.db)] == ["综合科"]
    ctx.close()
