"""Issue 12, item 1: a first-start migration killed at any moment leaves a database that opens.

Real processes killed with SIGKILL at named points (``db.killpoints``): while the pre-migration
backup is copied, right after it, and after a revision's DDL ran but before the migration
committed. Then a file an *older* FieldDesk left half-migrated (stamped 0004, holding 0005's
columns) is recognised: no backup of it, no rotation of the good ones, and the message names
a backup that opens.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from db import migrate
from db.engine import make_engine, sqlite_url
from desktop_app.cli.selftest import check_database
from desktop_app.core import backup
from desktop_app.core.context import open_context
from desktop_app.core.errors import MigrationInterruptedError, ValidationError
from tests.helpers.safety import INIT, POSIX_ONLY, cli, count, fd, killed_at

OLD = "0004"

pytestmark = [pytest.mark.sqlite_only("kills a migration of a SQLite file and inspects the file; a server migrates in its own transaction"), POSIX_ONLY]  # both: one assignment replaced the other


@pytest.fixture(scope="module")
def old_office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A set-up office whose database was taken back to revision 0004 (as an old install left it)."""
    root = tmp_path_factory.mktemp("old") / "data"
    cli(root, *INIT)
    shutil.rmtree(root / "backups")
    (root / "backups").mkdir()
    engine = make_engine(sqlite_url(root / "fielddesk.db"))
    migrate.downgrade(engine, OLD)
    with engine.connect() as c:
        c.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return root


@pytest.fixture
def data(old_office: Path, tmp_path: Path) -> Path:
    shutil.copytree(old_office, tmp_path / "data")
    return tmp_path / "data"


def _revision(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def _columns(db: Path, table: str) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def test_a_failed_migration_takes_its_ddl_back(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pysqlite runs ALTER TABLE outside any transaction; the migration now says BEGIN itself."""
    def fail_after(step: object, **_: object) -> None:
        if getattr(step, "up_revision_id", "") == "0005":
            raise RuntimeError("cut off after 0005's DDL")

    monkeypatch.setattr(migrate, "_kill_points", fail_after)
    engine = make_engine(sqlite_url(data / "fielddesk.db"))
    with pytest.raises(RuntimeError):
        migrate.upgrade(engine)
    assert migrate.current_revision(engine) == OLD
    assert "office_name" not in {c["name"] for c in inspect(engine).get_columns("peer_state")}
    assert migrate.schema_problems(engine) == []
    engine.dispose()


@pytest.mark.parametrize("point", ["backup-copied", "pre-migration-backup-made", "migration-0005",
                                   f"migration-{migrate.head_revision()}"])
def test_a_killed_first_start_opens_at_the_next_start(data: Path, point: str) -> None:
    db = data / "fielddesk.db"
    killed_at(data, point, "office-card", str(data.parent / "card.fdcard"))
    # the file is still whole at the old revision: not a column of 0005 survived the kill
    assert _revision(db) == OLD
    assert "office_name" not in _columns(db, "peer_state")
    made_before = backup.list_backups(data / "backups")
    if point == "backup-copied":  # killed while copying: a half-written copy, no backup
        assert made_before == [] and list((data / "backups").glob("*.part"))
    else:  # killed after the backup: the migration was under way (its backup named as pending)
        assert len(made_before) == 1 and backup.pending_migration(data / "backups")[1] == made_before[0].path
    ctx = open_context(data, daily_backup=False)
    try:
        assert migrate.current_revision(ctx.db.engine) == migrate.head_revision()
        assert ctx.office_code == "532801"
    finally:
        ctx.close()
    after = backup.list_backups(data / "backups")
    pre = [b for b in after if b.reason == "pre-migration"]
    assert len(pre) == 1, after  # a backup a killed try completed is reused, not copied again
    if made_before:
        assert pre[0].path == made_before[0].path
    assert backup.known_good(data / "backups") == pre[0].path
    assert _revision(pre[0].path) == OLD and backup.usable(pre[0].path)
    assert not list((data / "backups").glob("*.part")) and not list(data.glob("*.part"))
    assert not (data / "backups" / backup.PENDING_MIGRATION_FILE).exists()
    result = check_database(data)
    assert result.ok, result.detail


def _half_applied(data: Path) -> None:
    """What an older FieldDesk left when killed in 0005: its first ALTER TABLE committed on its own."""
    with sqlite3.connect(data / "fielddesk.db") as conn:
        conn.execute("ALTER TABLE peer_state ADD COLUMN office_name VARCHAR(100) DEFAULT '' NOT NULL")


def test_a_half_applied_revision_is_recognised_and_never_backed_up(data: Path) -> None:
    good = backup.make_backup(data / "fielddesk.db", data / "backups", reason="pre-migration")
    _half_applied(data)
    # an older version also copied the broken file at every failed open: a newer, unusable backup
    broken_copy = backup.make_backup(data / "fielddesk.db", data / "backups", reason="pre-migration")
    assert not backup.usable(broken_copy) and backup.usable(good)
    before = sorted(p.name for p in (data / "backups").iterdir())
    for _ in range(12):  # more opens than the rotation keeps backups
        with pytest.raises(MigrationInterruptedError) as err:
            open_context(data)
        assert err.value.backup == str(good)  # never the broken copy, though it is newer
        assert "升级被中断" in err.value.message and "0004" in err.value.message
        assert str(good) in err.value.action
    assert sorted(p.name for p in (data / "backups").iterdir()) == before
    assert _revision(data / "fielddesk.db") == OLD
    # the CLI says it calmly; restoring the named backup brings the office back at the newest schema
    proc = fd(data, "export-excel", str(data.parent / "x.xlsx"), "--kind", "ledger", check=False)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr and "升级被中断" in proc.stderr
    with pytest.raises(ValidationError):
        backup.restore_file(broken_copy, data / "fielddesk.db", data / "backups")
    fd(data, "restore", str(good))
    ctx = open_context(data, daily_backup=False)
    try:
        assert migrate.current_revision(ctx.db.engine) == migrate.head_revision() and ctx.office_code == "532801"
    finally:
        ctx.close()


def test_rotation_never_deletes_the_last_known_good_backup(data: Path) -> None:
    folder = data / "backups"
    good = backup.make_backup(data / "fielddesk.db", folder, reason="daily")
    backup.mark_known_good(good)
    for _ in range(backup.KEEP_AUTOMATIC + 3):
        backup.make_backup(data / "fielddesk.db", folder, reason="pre-migration")
    kept = backup.list_backups(folder)
    assert good in [b.path for b in kept]
    assert len([b for b in kept if b.reason != "manual"]) == backup.KEEP_AUTOMATIC + 1


def test_a_backup_half_written_by_a_killed_process_is_removed(data: Path) -> None:
    killed_at(data, "backup-copied", "backup")
    assert list((data / "backups").glob("*.part"))  # the kill left it …
    fd(data, "office-card", str(data.parent / "card.fdcard"))
    assert not list((data / "backups").glob("*.part"))  # … and the next start removed it
    assert count(data / "fielddesk.db", "office") == 1


def test_only_what_a_later_revision_makes_counts_as_half_applied(data: Path) -> None:
    """A table some code made outside the migrations does not block an upgrade; batch mode's copy does."""
    with sqlite3.connect(data / "fielddesk.db") as conn:
        conn.execute("CREATE TABLE local_cache (k TEXT PRIMARY KEY, v TEXT)")
    engine = make_engine(sqlite_url(data / "fielddesk.db"))
    try:
        assert migrate.schema_problems(engine) == []
        with engine.begin() as c:
            c.execute(text("CREATE TABLE _alembic_tmp_peer_state (x INTEGER)"))
        assert migrate.schema_problems(engine) == ["多出表 _alembic_tmp_peer_state"]
    finally:
        engine.dispose()
