"""Opening a data folder safely: the one place the app and the CLI get their database from."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from db import killpoints, migrate
from db.engine import Database, compact, free_share, integrity_check, make_engine, sqlite_url, structure_check
from desktop_app.core import backup, datalock, server_db
from desktop_app.core.audit import CLI, Actor
from desktop_app.core.config import DataDir
from desktop_app.core.db_errors import known_error
from desktop_app.core.errors import (
    DatabaseCorruptError,
    DatabaseError,
    FieldDeskError,
    MigrationInterruptedError,
    SchemaTooNewError,
)

log = logging.getLogger(__name__)
#: after an upgrade, a file with at least this share of free pages is compacted (VACUUM: seconds at 100k items)
COMPACT_ABOVE = 0.1

#: who the command line signed in as for the command being run (``cli.run`` sets and resets it);
#: ``open_context`` acts as this account when no actor is passed
SIGNED_IN: ContextVar[Actor | None] = ContextVar("fielddesk_signed_in", default=None)


@dataclass
class AppContext:
    """An open data folder: its paths, its database and who is acting."""

    data: DataDir
    db: Database
    actor: Actor = CLI
    notices: list[str] = field(default_factory=list)
    locks: datalock.FolderLocks | None = None

    @property
    def office_code(self) -> str:
        """This office's code ('' before setup)."""
        return self.db.office_code

    def close(self) -> None:
        """Release the database file and the data folder's locks."""
        self.db.dispose()
        if self.locks is not None:
            self.locks.release()


def open_context(root: Path, actor: Actor | None = None, full_check: bool | None = None,
                 daily_backup: bool = True, write: bool = True, wait_s: float | None = None,
                 db_url: str | None = None) -> AppContext:
    """Open (creating if needed) the data folder at ``root``.

    Takes the folder's locks first (see ``datalock``): with ``write`` (the default) the
    writer lock, which another writer holds for as long as it runs — this call waits up to
    ``wait_s`` (default ``FIELDDESK_LOCK_WAIT``, 15 s) and then refuses calmly with
    “另一个窗口或命令正在使用本单位数据”. Readers (print, export, backup, selftest) pass
    ``write=False`` and run beside a writer; a reader that finds an old schema takes the
    writer lock just for the migration.

    Then checks the file's integrity, refuses a newer schema or a half-applied migration,
    backs up before migrating, migrates (all or nothing), and makes the day's first
    automatic backup.

    ``full_check``: True runs ``PRAGMA integrity_check`` now; False only a structural
    check (the file is a SQLite database and its schema reads); None (the default)
    runs the full check at the first open of each day — right before that day's
    backup, so every daily backup is of a verified file — and the structural check
    otherwise. The full check reads every page (seconds on a 100k-item ledger), which
    is too slow for every start of the app.

    ``db_url`` (or ``--db-url`` / ``FIELDDESK_DB_URL`` for this run, or the folder's
    remembered choice) opens a PostgreSQL server instead: ``desktop_app.core.server_db``.
    """
    actor = actor or SIGNED_IN.get() or CLI
    data = DataDir(Path(root))
    data.ensure()
    url = db_url or server_db.url_for(data)
    if url:  # a shared server: transactions and db.dialect's writer lock order the clerks, not the folder's locks
        server, server_notices = server_db.open_database(data, url)
        return AppContext(data=data, db=server, actor=actor, notices=server_notices)
    locks = datalock.hold(data.root, writer=write, wait_s=wait_s)
    try:
        return _open(data, actor, full_check, daily_backup, locks)
    except BaseException:
        locks.release()
        raise


def _open(data: DataDir, actor: Actor, full_check: bool | None, daily_backup: bool,
          locks: datalock.FolderLocks) -> AppContext:
    existed = _check_file(data)
    if existed:
        if full_check is None:
            full_check = backup.backup_due_today(data.backups)
        check = _checked(data.db_path, full_check)
        if check != "ok":
            raise DatabaseCorruptError(str(data.db_path), check, _str(backup.newest_good_backup(data.backups)))
    if locks.writer:
        _tidy(data)
    engine = make_engine(sqlite_url(data.db_path))
    notices: list[str] = []
    try:
        current = migrate.current_revision(engine)
        if current is not None and current not in migrate.known_revisions():
            raise SchemaTooNewError(current)
        if current != migrate.head_revision():
            migrating = locks if locks.writer else datalock.writer(data.root)
            try:
                current = migrate.current_revision(engine)  # another process may have migrated meanwhile
                if current != migrate.head_revision():
                    _migrate(data, engine, current, existed, notices)
            finally:
                if migrating is not locks:
                    migrating.release()
        db = Database(engine)
        db.load_identity()
    except FieldDeskError:
        engine.dispose()
        raise
    except (OperationalError, SADatabaseError, sqlite3.DatabaseError, OSError) as exc:
        engine.dispose()
        known = known_error(exc, data.db_path)
        if known is not None and not _is_corruption(exc):
            raise known from exc
        text = str(getattr(exc, "orig", exc))
        raise DatabaseCorruptError(str(data.db_path), text, _str(backup.newest_good_backup(data.backups))) from exc
    if daily_backup and existed and backup.backup_due_today(data.backups):
        try:
            made = backup.make_backup(data.db_path, data.backups, reason="daily")
            if full_check:  # the file was read page by page just now: this copy is known to be whole
                backup.mark_known_good(made)
        except DatabaseError as exc:  # a failed backup must not stop the clerk's work; say so
            notices.append(str(exc))
    return AppContext(data=data, db=db, actor=actor, notices=notices, locks=locks)


def _check_file(data: DataDir) -> bool:
    """Whether the folder already has a database; refuses an emptied or read-only one.

    A 0-byte ``fielddesk.db`` in a folder that has held an office (backups, a signing key,
    attachments) is a damaged file, never a new office: setting it up again would bury the
    office's data under an empty one (and the next backup would copy the empty file). In a
    folder with no trace of an office it is what a first start killed right after creating
    the file leaves, and it is set up as new.
    """
    path = data.db_path
    if not path.exists():
        return False
    size = path.stat().st_size
    if size == 0:
        if _has_history(data):
            raise DatabaseCorruptError(str(path), "文件大小为 0 字节（内容已丢失，可能是磁盘写满或复制中断）",
                                       _str(backup.newest_good_backup(data.backups)))
        return False
    if not os.access(path, os.W_OK) or not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise DatabaseError(f"数据库文件是只读的：{path}",
                            "请在文件属性中取消“只读”，或请管理员给该文件写入权限，然后重新打开；数据没有改动")
    return True


def _has_history(data: DataDir) -> bool:
    return (any(data.backups.glob(f"{backup.PREFIX}*.db")) or any(data.keys.glob("*"))
            or any(data.attachments.iterdir()))


def _checked(path: Path, full: bool) -> str:
    """The check's verdict; a failed check of a damaged file leaves no -wal/-shm of its own behind."""
    extra = [Path(f"{path}{s}") for s in ("-wal", "-shm")]
    before = {p for p in extra if p.exists()}
    check = integrity_check(path) if full else structure_check(path)
    if check != "ok":
        for p in extra:
            if p not in before:
                p.unlink(missing_ok=True)
    return check


def _tidy(data: DataDir) -> None:
    """Remove what killed processes left (half-written copies); only a writer may."""
    backup.clean_stale_parts(data.backups)
    backup.clean_stale_parts(data.root, f"{data.db_path.name}.*")


def _is_corruption(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "malformed" in text or "not a database" in text


def _migrate(data: DataDir, engine: Engine, current: str | None, existed: bool, notices: list[str]) -> None:
    """Bring the database to head in one transaction, with a whole backup of it first.

    A file whose schema does not match its recorded revision (a migration half-applied by
    an older FieldDesk) is refused before anything is copied: backing it up would only add
    broken copies and rotate whole ones away. A migration that failed (killed, disk full)
    is retried from the same backup instead of copying the unchanged file again.
    """
    if existed and current is not None:
        problems = migrate.schema_problems(engine, current)
        if problems:
            raise MigrationInterruptedError(str(data.db_path), current, problems,
                                            _str(backup.newest_good_backup(data.backups)))
        pending_from, made = backup.pending_migration(data.backups)
        if made is None or pending_from != current or not backup.usable(made):
            made = backup.make_backup(data.db_path, data.backups, reason="pre-migration")
            backup.start_migration(data.backups, current, made)
        killpoints.reached("pre-migration-backup-made")
        notices.append(f"数据库结构已升级，升级前的数据已备份到 {made}")
    upgraded = existed and current is not None and current != migrate.head_revision()
    migrate.upgrade(engine)
    if existed and current is not None:
        backup.finish_migration(data.backups)
    if upgraded and free_share(engine) >= COMPACT_ABOVE:
        # a migration dropped or rebuilt something (0014: the old search index, 63 MB at 100k items):
        # its pages would stay in the file, free, until it grew back over them
        compact(engine)


def _str(p: Path | None) -> str | None:
    return str(p) if p else None
