"""Backup files as a clerk sees them in the 备份 folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db.engine import integrity_check
from desktop_app.core import backup
from desktop_app.core.context import AppContext


def test_backup_is_one_file_even_after_it_is_checked_and_restored(ctx: AppContext, tmp_path: Path) -> None:
    """The check before a restore left fielddesk-…-manual.db-wal/-shm beside the backup."""
    db_path = ctx.data.db_path
    folder = tmp_path / "backups"
    made = backup.make_backup(db_path, folder)
    assert integrity_check(made) == "ok"
    ctx.db.dispose()
    safety = backup.restore_file(made, db_path, folder)
    assert safety is not None
    assert sorted(p.name for p in folder.iterdir()) == sorted([made.name, safety.name])
    # the restored database still works as the program opens it (WAL is set again on connect)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM office").fetchone()[0] >= 1
