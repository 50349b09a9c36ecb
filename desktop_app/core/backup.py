"""Backups with SQLite's online backup API: automatic (daily, before migrations), manual, restore."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from db import killpoints
from db.engine import integrity_check
from desktop_app.core import datalock
from desktop_app.core.db_errors import known_error
from desktop_app.core.errors import DatabaseError, ValidationError

KEEP_AUTOMATIC = 10
PREFIX = "fielddesk-"
#: names the backup that is kept out of rotation: the newest one known to be whole and migratable
KNOWN_GOOD_FILE = "known-good.json"
#: names the pre-migration backup of a migration that has not finished yet (reused by the next try)
PENDING_MIGRATION_FILE = "migration-pending.json"
_PART = re.compile(r"\.(\d+)\.part$")
#: a SQLite file, and a shared server's backups (desktop_app.core.server_backup: pg_dump's format, the app's archive)
SUFFIXES = (".db", ".pgdump", ".fdarchive")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file in the backups folder."""

    path: Path
    created: dt.datetime
    reason: str
    size: int

    @property
    def kind(self) -> str:
        """What the file is: sqlite (a database file), pgdump or archive (a shared server's backups)."""
        return {".pgdump": "pgdump", ".fdarchive": "archive"}.get(self.path.suffix, "sqlite")


def backup_to(db_path: Path, out: Path) -> Path:
    """Copy a live database (even while in use) to ``out`` with the online backup API."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # the writer's process id in the name: a copy left by a killed process is recognised as such
    tmp = out.with_name(f"{out.name}.{os.getpid()}.part")
    try:
        src = sqlite3.connect(str(db_path), timeout=10)
        try:
            dst = sqlite3.connect(str(tmp))
            try:
                src.backup(dst)
                killpoints.reached("backup-copied")
                # one self-contained file: a WAL-mode copy opened read-only (the integrity check
                # before a restore, a clerk's viewer) leaves -wal/-shm files beside it in the folder
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, out)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        known = known_error(exc, out.parent)
        raise DatabaseError(f"备份失败：{known.message if known else exc}",
                            "请检查磁盘空间和备份文件夹的写入权限；原数据没有改动") from exc
    return out


def clean_stale_parts(folder: Path, pattern: str = "*.part") -> list[Path]:
    """Delete half-written copies (``*.part``) whose writing process is gone; returns what was removed."""
    removed = []
    for p in folder.glob(pattern):
        m = _PART.search(p.name)
        if m and _alive(int(m.group(1))):
            continue
        try:
            p.unlink()
            removed.append(p)
        except OSError:
            continue  # still open by its writer (Windows), or not ours to delete: leave it
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - Windows refuses to delete a file its writer holds open
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def make_backup(db_path: Path, backups_dir: Path, reason: str = "manual") -> Path:
    """A timestamped backup in the backups folder; automatic ones rotate (newest kept)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    out = backups_dir / f"{PREFIX}{stamp}-{reason}.db"
    backups_dir.mkdir(parents=True, exist_ok=True)
    clean_stale_parts(backups_dir)  # what a backup killed halfway left (the backups folder is ours)
    backup_to(db_path, out)
    if reason != "manual":
        rotate(backups_dir)
    return out


def backup_info(p: Path) -> BackupInfo | None:
    """When and why a file named as this program names its backups was made; None for any other file."""
    if not (p.name.startswith(PREFIX) and p.suffix in SUFFIXES):
        return None
    parts = p.stem[len(PREFIX):].split("-")
    try:
        created = dt.datetime.strptime("-".join(parts[:3]), "%Y%m%d-%H%M%S-%f")
    except ValueError:
        return None
    return BackupInfo(p, created, "-".join(parts[3:]) or "manual", p.stat().st_size if p.exists() else 0)


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """Backups, newest first."""
    found = [b for b in map(backup_info, backups_dir.glob(f"{PREFIX}*")) if b is not None]
    return sorted(found, key=lambda b: b.created, reverse=True)


def rotate(backups_dir: Path, keep: int = KEEP_AUTOMATIC) -> None:
    """Delete automatic backups beyond the newest ``keep``; manual ones are never deleted, nor the
    last known-good backup, nor the backup a pending migration started from."""
    spared = {known_good(backups_dir), pending_migration(backups_dir)[1]}
    auto = [b for b in list_backups(backups_dir) if b.reason != "manual" and b.path not in spared]
    for b in auto[keep:]:
        b.path.unlink(missing_ok=True)


def usable(path: Path) -> bool:
    """A backup one can restore and open: it passes a quick check and its schema is whole (not a
    half-applied migration, not from a newer FieldDesk)."""
    from db import migrate

    return integrity_check(path, quick=True) == "ok" and not migrate.file_problems(path)


def newest_good_backup(backups_dir: Path) -> Path | None:
    """The newest backup that is ``usable`` (the way out of a corrupted file): never one that fails
    the same way as the file it should replace."""
    for b in list_backups(backups_dir):
        if usable(b.path):
            return b.path
    return None


def _read_json(p: Path) -> dict[str, str]:
    try:
        value = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _write_json(p: Path, value: dict[str, str]) -> None:
    tmp = p.with_name(f"{p.name}.{os.getpid()}.part")
    tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, p)


def known_good(backups_dir: Path) -> Path | None:
    """The last backup known to be whole (made from a fully checked file, or one a migration
    succeeded from); rotation never deletes it."""
    name = _read_json(backups_dir / KNOWN_GOOD_FILE).get("file")
    p = backups_dir / name if name else None
    return p if p is not None and p.is_file() else None


def mark_known_good(backup: Path) -> None:
    """Record ``backup`` as the last known-good backup (the one before it may rotate away again)."""
    _write_json(backup.parent / KNOWN_GOOD_FILE, {"file": backup.name,
                                                  "marked": dt.datetime.now().isoformat(timespec="seconds")})


def pending_migration(backups_dir: Path) -> tuple[str | None, Path | None]:
    """(revision, backup) of a migration that was started and has not finished, or (None, None)."""
    value = _read_json(backups_dir / PENDING_MIGRATION_FILE)
    name = value.get("file")
    p = backups_dir / name if name else None
    return (value.get("from"), p) if p is not None and p.is_file() else (None, None)


def start_migration(backups_dir: Path, revision: str, backup: Path) -> None:
    """Remember that a migration from ``revision`` starts, with everything in ``backup``."""
    _write_json(backups_dir / PENDING_MIGRATION_FILE, {"from": revision, "file": backup.name})


def finish_migration(backups_dir: Path) -> None:
    """The migration succeeded: its backup becomes the known-good one."""
    _, made = pending_migration(backups_dir)
    if made is not None:
        mark_known_good(made)
    (backups_dir / PENDING_MIGRATION_FILE).unlink(missing_ok=True)


def backup_due_today(backups_dir: Path) -> bool:
    """True when no backup was made today."""
    today = dt.date.today()
    return not any(b.created.date() == today for b in list_backups(backups_dir))


def restore_file(backup: Path, db_path: Path, backups_dir: Path) -> Path | None:
    """Put ``backup`` in place of the database. The current file, if readable, is kept first as
    a 'before-restore' backup (returned). The backup is checked before anything is touched.

    Holds the data folder's writer lock (waiting for a running import to finish, or refusing
    calmly) and swaps the file only while no other process has the database open, so a
    concurrent write is never lost between the safety copy and the swap. The caller closes
    its own connections first.
    """
    if not backup.is_file():
        raise ValidationError(f"找不到备份文件：{backup}", "请选择一个存在的 .db 备份文件")
    check = integrity_check(backup)
    if check != "ok":
        raise ValidationError(f"备份文件已损坏或不是调研工作台数据库：{backup}（{check}）", "请选择另一个备份")
    from db import migrate

    problems = migrate.file_problems(backup)
    if problems:
        raise ValidationError(f"备份文件的数据库结构不完整，恢复后也无法打开：{backup}（{'；'.join(problems[:3])}）",
                              "请选择另一个备份（例如更早的升级前备份）")
    root = db_path.parent
    root.mkdir(parents=True, exist_ok=True)
    locks = datalock.writer(root, "从备份恢复")
    try:
        with datalock.exclusive_open(root):
            return _swap_in(backup, db_path, backups_dir)
    except OSError as exc:
        known = known_error(exc, db_path)
        raise known or DatabaseError(f"恢复失败：{exc}", "当前数据没有改动；请检查磁盘后重试") from exc
    finally:
        locks.release()


def _swap_in(backup: Path, db_path: Path, backups_dir: Path) -> Path | None:
    safety: Path | None = None
    if db_path.exists() and db_path.stat().st_size > 0 and integrity_check(db_path, quick=True) == "ok":
        safety = make_backup(db_path, backups_dir, reason="before-restore")
    elif db_path.exists():
        backups_dir.mkdir(parents=True, exist_ok=True)
        safety = backups_dir / f"damaged-{dt.datetime.now():%Y%m%d-%H%M%S}.db"
        shutil.copy2(db_path, safety)
        if Path(f"{db_path}-wal").exists():
            shutil.copy2(f"{db_path}-wal", f"{safety}-wal")
    killpoints.reached("restore-safety-copied")
    clean_stale_parts(db_path.parent, f"{db_path.name}.*.part")
    tmp = db_path.with_name(f"{db_path.name}.{os.getpid()}.part")
    try:
        shutil.copy2(backup, tmp)
        with open(tmp, "rb+") as f:  # on disk before it replaces anything
            os.fsync(f.fileno())
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    # nobody else has the database open (exclusive_open): fold its -wal into the file, so a kill
    # between here and the swap leaves the old data whole, then drop -wal/-shm, which must not
    # be replayed onto the restored file
    _checkpoint(db_path)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    killpoints.reached("restore-before-swap")
    os.replace(tmp, db_path)
    return safety


def _checkpoint(db_path: Path) -> None:
    if not db_path.exists() or not Path(f"{db_path}-wal").exists():
        return
    try:
        conn = sqlite3.connect(str(db_path), timeout=10)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # a damaged file: its copy (with the -wal) was kept as damaged-….db
