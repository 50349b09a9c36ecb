"""Issue 12, item 8: the machine fails — calm Chinese messages, nothing half-written, no traceback.

Disk full, read-only file, locked, I/O error, a 0-byte or truncated database: each mapped in one
place (``desktop_app.core.db_errors``) and checked where the clerk meets it (the CLI's stderr, an
import's report, opening the folder). Real failures where a test can make them (a file-size
limit on a child process, a read-only file, a truncated file), simulated ones otherwise.
"""

from __future__ import annotations

import errno
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from desktop_app.cli.main import run
from desktop_app.core import backup, db_errors
from desktop_app.core.context import open_context
from desktop_app.core.errors import DatabaseCorruptError, DatabaseError
from desktop_app.sync import apply
from tests.helpers.common import SAMPLES
from tests.helpers.safety import INIT, POSIX_ONLY, ROOT, calm, count, env, fd, limit_file_size
from tests.helpers.sync_support import export, make_office, trust_both

SHEET = str(SAMPLES / "ledger.xlsx")


def _sa(message: str, cls: type = OperationalError) -> Exception:
    return cls("INSERT INTO change_log (origin, seq) VALUES (?, ?)", {}, sqlite3.OperationalError(message))


@pytest.mark.parametrize(("raised", "words"), [
    (sqlite3.OperationalError("database or disk is full"), "磁盘空间不足"),
    (_sa("database or disk is full"), "磁盘空间不足"),
    (OSError(errno.ENOSPC, "No space left on device", "/media/u/x.fdbundle"), "磁盘空间不足"),
    (_sa("attempt to write a readonly database"), "只读"),
    (_sa("database is locked"), "另一个窗口或命令正在使用本单位数据"),
    (_sa("disk I/O error"), "读写磁盘时出错"),
    (OSError(errno.EIO, "Input/output error"), "读写磁盘时出错"),
    (OSError(errno.EROFS, "Read-only file system", "/media/u"), "只读"),
    (OSError(errno.EFBIG, "File too large"), "文件超过"),
    (_sa("UNIQUE constraint failed: change_log.origin, change_log.seq", IntegrityError), "同时写入"),
    (_sa("UNIQUE constraint failed: imported_bundle.bundle_id", IntegrityError), "已导入过"),
    (_sa("file is not a database", sqlite3.DatabaseError), "已损坏"),
])
def test_known_failures_read_as_chinese_with_what_to_do(raised: Exception, words: str) -> None:
    known = db_errors.known_error(raised)
    assert known is not None and words in known.message
    assert known.action and "INSERT" not in str(known) and "sqlite" not in str(known).lower()


def test_anything_else_stays_a_bug() -> None:
    assert db_errors.known_error(RuntimeError("boom")) is None
    assert db_errors.known_error(_sa("no such column: x")) is None


def _office(root: Path) -> None:
    assert run(["--data-dir", str(root), *INIT]) == 0


@pytest.mark.sqlite_only("damages the SQLite file itself")
def test_a_zero_byte_database_is_never_set_up_as_a_new_office(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "d"
    _office(root)
    good = backup.make_backup(root / "fielddesk.db", root / "backups", "manual")
    (root / "fielddesk.db").write_bytes(b"")
    for _ in range(2):
        with pytest.raises(DatabaseCorruptError) as err:
            open_context(root)
        assert "0 字节" in err.value.message and err.value.backup == str(good)
    assert (root / "fielddesk.db").stat().st_size == 0
    capsys.readouterr()
    # nor backed up: a backup of the empty file would be the newest "good" one
    assert run(["--data-dir", str(root), "backup"]) == 3
    assert "0 字节" in capsys.readouterr().err
    assert [b.path for b in backup.list_backups(root / "backups")] == [good]


def test_a_zero_byte_database_in_an_untouched_folder_is_a_first_start(tmp_path: Path) -> None:
    """What a first start killed right after SQLite created the file leaves: set up as new."""
    root = tmp_path / "new"
    root.mkdir()
    (root / "fielddesk.db").write_bytes(b"")
    ctx = open_context(root)
    assert ctx.office_code == ""
    ctx.close()


@POSIX_ONLY
def test_a_read_only_database_is_refused_at_open_and_left_untouched(tmp_path: Path) -> None:
    root = tmp_path / "ro"
    fd(root, *INIT)
    db = root / "fielddesk.db"
    db.chmod(0o444)
    before = db.read_bytes()
    try:
        proc = fd(root, "import-excel", SHEET, "--kind", "ledger", check=False)
        assert proc.returncode == 3 and "只读" in calm(proc) and "取消“只读”" in proc.stderr
    finally:
        db.chmod(0o644)
    assert db.read_bytes() == before and count(db, "issue") == 0


@pytest.mark.sqlite_only("damages the SQLite file itself")
def test_a_truncated_database_is_damaged_and_leaves_no_stray_files(tmp_path: Path) -> None:
    root = tmp_path / "t"
    fd(root, *INIT)
    db = root / "fielddesk.db"
    db.write_bytes(db.read_bytes()[:3000])
    proc = fd(root, "export-excel", str(tmp_path / "x.xlsx"), "--kind", "ledger", check=False)
    assert proc.returncode == 3 and "已损坏" in calm(proc)
    with pytest.raises(DatabaseCorruptError):
        open_context(root)
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("fielddesk.db")) == ["fielddesk.db"]



@POSIX_ONLY
def test_an_import_that_runs_out_of_room_writes_nothing(tmp_path: Path) -> None:
    """A real failing write: the child may not grow any file past 40 KB (the WAL of the import)."""
    root = tmp_path / "full"
    fd(root, *INIT)
    proc = subprocess.run([sys.executable, "-m", "desktop_app", "--data-dir", str(root), "import-excel", SHEET,
                           "--kind", "ledger"], cwd=ROOT, capture_output=True, text=True, env=env(), timeout=120,
                          preexec_fn=lambda: limit_file_size(40_000))
    assert proc.returncode == 3, proc.stderr
    assert "磁盘" in calm(proc)
    assert count(root / "fielddesk.db", "issue") == 0
    fd(root, "import-excel", SHEET, "--kind", "ledger")  # with room again it works
    assert count(root / "fielddesk.db", "issue") == 5


def test_a_bundle_export_on_a_full_disk_is_calm_and_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    a = make_office(tmp_path / "a", "532801", "景洪市乡村振兴局")
    p = make_office(tmp_path / "p", "532800", "西双版纳州乡村振兴局", level="prefecture", parent=None)
    trust_both(a, p)
    a.close()
    p.close()
    from desktop_app.sync import bundle_writer

    def full(*_args: Any, **_kw: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bundle_writer, "_finish_zip", full)
    out = tmp_path / "usb"
    out.mkdir()
    code = run(["--data-dir", str(tmp_path / "a"), "export-bundle", str(out / "b.fdbundle"), "--to", "532800"])
    err = capsys.readouterr().err
    assert code == 3 and "磁盘空间不足" in err and "Traceback" not in err
    assert list(out.iterdir()) == []


def test_an_import_refused_by_the_database_reports_words_not_sql(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    a = make_office(tmp_path / "a", "532801", "景洪市乡村振兴局")
    p = make_office(tmp_path / "p", "532800", "西双版纳州乡村振兴局", level="prefecture", parent=None)
    try:
        trust_both(a, p)
        sent = export(a, p, tmp_path / "b")

        def full(*_args: Any, **_kw: Any) -> None:
            raise _sa("database or disk is full")

        monkeypatch.setattr(apply, "_record", full)
        report = apply.import_bundle(p.db, p.data, p.actor, sent.file)
        assert report.status == "rejected"
        assert "磁盘空间不足" in report.errors[0] and "INSERT" not in report.errors[0]
        monkeypatch.undo()
        assert apply.import_bundle(p.db, p.data, p.actor, sent.file).status == "applied"  # nothing half-applied
    finally:
        a.close()
        p.close()


def test_the_gui_shows_the_machine_failures_calmly(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import dialogs

    shown: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda _p, text, *_a, **_k: shown.append(text))
    monkeypatch.setattr(dialogs, "show_bug", lambda *_a: shown.append("BUG"))
    dialogs.show_error(None, _sa("database or disk is full"))
    dialogs.show_error(None, OSError(errno.EROFS, "Read-only file system"))
    assert len(shown) == 2 and "磁盘空间不足" in shown[0] and "只读" in shown[1]


def test_json_output_of_a_refused_command_names_the_error(tmp_path: Path) -> None:
    root = tmp_path / "ro"
    fd(root, *INIT)
    (root / "fielddesk.db").chmod(0o444)
    try:
        proc = fd(root, "import-excel", SHEET, "--kind", "ledger", "--json", check=False)
    finally:
        (root / "fielddesk.db").chmod(0o644)
    assert proc.returncode == 3 and "只读" in json.loads(proc.stdout)["error"]
    assert isinstance(db_errors.known_error(DatabaseError("x")), DatabaseError)
