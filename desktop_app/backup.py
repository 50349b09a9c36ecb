"""Backups with SQLite's online backup API: automatic (daily, before migrations), manual, restore."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from db.engine import integrity_check
from desktop_app.errors import DatabaseError, ValidationError

KEEP_AUTOMATIC = 10
PREFIX = "fielddesk-"


@dataclass(frozen=True)
class BackupInfo:
    """One backup file in the backups folder."""

    path: Path
    created: dt.datetime
    reason: str
    size: int


def backup_to(db_path: Path, out: Path) -> Path:
    """Copy a live database (even while in use) to ``out`` with the online backup API."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    src = sqlite3.connect(str(db_path), timeout=10)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
            # one self-contained file: a WAL-mode copy opened read-only (the integrity check
            # before a restore, a clerk's viewer) leaves -wal/-shm files beside it in the folder
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"备份失败：{exc}", "请检查磁盘空间和备份文件夹的写入权限") from exc
    finally:
        src.close()
    tmp.replace(out)
    return out


def make_backup(db_path: Path, backups_dir: Path, reason: str = "manual") -> Path:
    """A timestamped backup in the backups folder; automatic ones rotate (newest kept)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    out = backups_dir / f"{PREFIX}{stamp}-{reason}.db"
    backup_to(db_path, out)
    if reason != "manual":
        rotate(backups_dir)
    return out


def backup_info(p: Path) -> BackupInfo | None:
    """When and why a file named as this program names its backups was made; None for any other file."""
    if not (p.name.startswith(PREFIX) and p.suffix == ".db"):
        return None
    parts = p.stem[len(PREFIX):].split("-")
    try:
        created = dt.datetime.strptime("-".join(parts[:3]), "%Y%m%d-%H%M%S-%f")
    except ValueError:
        return None
    return BackupInfo(p, created, "-".join(parts[3:]) or "manual", p.stat().st_size if p.exists() else 0)


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """Backups, newest first."""
    found = [b for b in map(backup_info, backups_dir.glob(f"{PREFIX}*.db")) if b is not None]
    return sorted(found, key=lambda b: b.created, reverse=True)


def rotate(backups_dir: Path, keep: int = KEEP_AUTOMATIC) -> None:
    """Delete automatic backups beyond the newest ``keep``; manual ones are never deleted."""
    auto = [b for b in list_backups(backups_dir) if b.reason != "manual"]
    for b in auto[keep:]:
        b.path.unlink(missing_ok=True)


def newest_good_backup(backups_dir: Path) -> Path | None:
    """The newest backup that passes an integrity check (the way out of a corrupted file)."""
    for b in list_backups(backups_dir):
        if integrity_check(b.path, quick=True) == "ok":
            return b.path
    return None


def backup_due_today(backups_dir: Path) -> bool:
    """True when no backup was made today."""
    today = dt.date.today()
    return not any(b.created.date() == today for b in list_backups(backups_dir))


def restore_file(backup: Path, db_path: Path, backups_dir: Path) -> Path | None:
    """Put ``backup`` in place of the database. The current file, if readable, is kept first as
    a 'before-restore' backup (returned). The backup is checked before anything is touched."""
    if not backup.is_file():
        raise ValidationError(f"找不到备份文件：{backup}", "请选择一个存在的 .db 备份文件")
    check = integrity_check(backup)
    if check != "ok":
        raise ValidationError(f"备份文件已损坏或不是调研工作台数据库：{backup}（{check}）", "请选择另一个备份")
    safety: Path | None = None
    if db_path.exists() and integrity_check(db_path, quick=True) == "ok":
        safety = make_backup(db_path, backups_dir, reason="before-restore")
    elif db_path.exists():
        backups_dir.mkdir(parents=True, exist_ok=True)
        safety = backups_dir / f"damaged-{dt.datetime.now():%Y%m%d-%H%M%S}.db"
        shutil.copy2(db_path, safety)
    tmp = db_path.with_name(db_path.name + ".restoring")
    shutil.copy2(backup, tmp)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    tmp.replace(db_path)
    return safety
