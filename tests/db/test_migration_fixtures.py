"""Databases of every earlier schema revision, holding real rows, upgrade to head losing nothing.

The files in tests/fixtures/migrations (made by make_fixtures.py there) stand for databases already
out in the offices: each is opened as a user's data folder would be (backup, migrate), then every
row and every value of every table it had must still be there.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from db import migrate
from db.changes import decode_fields
from db.engine import make_engine, sqlite_url
from desktop_app.core.backup import list_backups
from desktop_app.core.context import open_context
from tests.fixtures.migrations.make_fixtures import _columns, _user_tables

pytestmark = pytest.mark.sqlite_only("the fixtures are SQLite files of each earlier revision")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"
FILES = sorted(FIXTURES.glob("rev-*.db"))
#: settings the migrations themselves write (0008: the audit head kept apart, where pre-account entries end)
MIGRATION_SETTINGS = {"audit.head", "accounts.legacy_audit_id"}
#: bookkeeping of the local search index, not the office's data: 0011 resets it to ask for a rebuild
INDEX_SETTINGS = {"ledger.search_mark"}


def _rows(con: sqlite3.Connection, table: str, cols: list[str]) -> list[tuple[object, ...]]:
    names = ", ".join(f'"{c}"' for c in cols)
    rows = con.execute(f'SELECT {names} FROM "{table}"').fetchall()
    if table == "change_log":  # 0012 writes an insert's full column list as "*": compare what the entry says
        at, name = cols.index("fields"), cols.index("table_name")
        rows = [(*r[:at], tuple(sorted(decode_fields(r[name], r[at]))), *r[at + 1:]) for r in rows]
    return sorted(rows, key=repr)


def test_there_is_a_fixture_for_every_revision_but_none_newer() -> None:
    revisions = {r.revision for r in migrate.ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()}
    have = {f.stem.removeprefix("rev-") for f in FILES}
    assert have == revisions, "run tests/fixtures/migrations/make_fixtures.py after adding a migration"


@pytest.mark.parametrize("fixture", FILES, ids=[f.stem for f in FILES])
def test_an_office_database_of_an_earlier_revision_upgrades_keeping_every_row(tmp_path: Path, fixture: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(fixture, data / "fielddesk.db")
    before = sqlite3.connect(fixture)
    tables = {t: _columns(before, t) for t in _user_tables(before)}
    expected = {t: _rows(before, t, cols) for t, cols in tables.items()}
    before.close()
    assert sum(len(r) for r in expected.values()) > 500  # real rows, not an empty schema

    ctx = open_context(data)
    try:
        assert migrate.current_revision(ctx.db.engine) == migrate.head_revision()
        if fixture.stem.removeprefix("rev-") != migrate.head_revision():
            assert any(b.reason == "pre-migration" for b in list_backups(ctx.data.backups))
    finally:
        ctx.close()

    after = sqlite3.connect(data / "fielddesk.db")
    try:
        for table, cols in tables.items():
            if table == "setting":  # a migration may add settings of its own (never change or drop one)
                got = [r for r in _rows(after, table, cols) if r[0] not in INDEX_SETTINGS]
                kept = [r for r in expected[table] if r[0] not in INDEX_SETTINGS]
                assert set(kept) <= set(got), "setting: a setting was changed or lost by the upgrade"
                assert {r[0] for r in set(got) - set(kept)} <= MIGRATION_SETTINGS
                continue
            assert _rows(after, table, cols) == expected[table], f"{table}: rows or values changed by the upgrade"
    finally:
        after.close()


def _indexes(path: Path) -> set[tuple[str, str]]:
    con = sqlite3.connect(path)
    try:
        return {(n, t) for n, t in con.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    finally:
        con.close()


@pytest.mark.parametrize("fixture", FILES, ids=[f.stem for f in FILES])
def test_an_upgraded_database_has_every_index_a_new_one_has(tmp_path: Path, fixture: Path) -> None:
    """Expression indexes (the ledger's serial order, ix_issue_year_serial) are invisible to Alembic's reflection:
    a batch rebuild of the table drops them silently (0010 did, until it re-created it). An upgraded office must
    end with exactly the indexes of a database made new at head, or its ledger pages sort the whole year."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(fixture, data / "fielddesk.db")
    open_context(data).close()
    fresh = tmp_path / "fresh.db"
    engine = make_engine(sqlite_url(fresh))
    migrate.upgrade(engine)
    engine.dispose()
    assert ("ix_issue_year_serial", "issue") in _indexes(fresh)
    assert _indexes(data / "fielddesk.db") == _indexes(fresh)


def test_an_upgrade_that_drops_an_index_gives_its_pages_back(tmp_path: Path) -> None:
    """0014 drops the character-per-token search index (63 MB at 100,000 items): the upgraded file is
    compacted, not left holding the old index's pages as free space."""
    data = tmp_path / "data"
    data.mkdir()
    db = data / "fielddesk.db"
    shutil.copyfile(FIXTURES / "rev-0013.db", db)
    con = sqlite3.connect(db)
    with con:  # an office's old index, as large against its items as a real ledger's
        con.executemany("INSERT INTO issue_fts(rowid, body) VALUES (?, ?)",
                        [(n, " ".join(f"字{n % 97}{i}" for i in range(300))) for n in range(1, 3001)])
    con.close()
    grown = db.stat().st_size
    ctx = open_context(data)
    try:
        assert migrate.current_revision(ctx.db.engine) == migrate.head_revision()
    finally:
        ctx.close()
    after = sqlite3.connect(db)
    try:
        assert after.execute("PRAGMA freelist_count").fetchone() == (0,)
        assert after.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        after.close()
    assert db.stat().st_size < grown / 2
