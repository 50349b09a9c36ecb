"""Issue 12, item 2: a restore killed at any step leaves the data folder whole — the old data or the
restored data, never neither, never a stray copy."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core.context import open_context
from tests.helpers.common import SAMPLES
from tests.helpers.safety import INIT, POSIX_ONLY, cli, count, fd, killed_at

pytestmark = [POSIX_ONLY, pytest.mark.sqlite_only("kills a restore that swaps the SQLite file")]  # both: one assignment replaced the other


@pytest.fixture(scope="module")
def office_with_backup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An office backed up with no items, then given 5 items and a last write still in its -wal."""
    root = tmp_path_factory.mktemp("restore")
    data = root / "data"
    cli(data, *INIT)
    cli(data, "backup", str(root / "empty.db"))
    cli(data, "import-excel", str(SAMPLES / "ledger.xlsx"), "--kind", "ledger")
    # a last write still in the -wal (as a program killed after it left it): copied with its -wal
    conn = sqlite3.connect(data / "fielddesk.db")
    try:
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("INSERT INTO setting (key, value) VALUES ('wal_probe', '\"1\"')")
        conn.commit()
        shutil.copytree(root, root.parent / "with-wal")
    finally:
        conn.close()
    assert (root.parent / "with-wal" / "data" / "fielddesk.db-wal").stat().st_size > 0
    return root.parent / "with-wal"


def _probe(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM setting WHERE key = 'wal_probe'").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("point", ["backup-copied", "restore-safety-copied", "restore-before-swap"])
def test_a_killed_restore_leaves_the_old_data_whole(office_with_backup: Path, tmp_path: Path, point: str) -> None:
    shutil.copytree(office_with_backup, tmp_path / "o")
    data = tmp_path / "o" / "data"
    killed_at(data, point, "restore", str(tmp_path / "o" / "empty.db"))
    assert count(data / "fielddesk.db", "issue") == 5 and _probe(data / "fielddesk.db") == 1
    ctx = open_context(data, daily_backup=False)
    ctx.close()
    assert not list(data.glob("fielddesk.db.*")) and not list((data / "backups").glob("*.part"))
    # the restore can simply be run again
    out = json.loads(fd(data, "restore", str(tmp_path / "o" / "empty.db"), "--json").stdout)
    assert count(data / "fielddesk.db", "issue") == 0
    assert count(Path(out["previous_saved_as"]), "issue") == 5 and _probe(Path(out["previous_saved_as"])) == 1
