"""Opening a data folder safely: the one place the app and the CLI get their database from."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from db import migrate
from db.engine import Database, integrity_check, make_engine, sqlite_url, structure_check
from desktop_app import backup
from desktop_app.audit import CLI, Actor
from desktop_app.config import DataDir
from desktop_app.errors import DatabaseCorruptError, DatabaseError, SchemaTooNewError
from desktop_app.services.organisation import OfficeInfo, SetupInput

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    """An open data folder: its paths, its database and who is acting."""

    data: DataDir
    db: Database
    actor: Actor = CLI
    notices: list[str] = field(default_factory=list)

    @property
    def office_code(self) -> str:
        """This office's code ('' before setup)."""
        return self.db.office_code

    def close(self) -> None:
        """Release the database file."""
        self.db.dispose()


def open_context(root: Path, actor: Actor = CLI, full_check: bool | None = None,
                 daily_backup: bool = True) -> AppContext:
    """Open (creating if needed) the data folder at ``root``.

    Checks the file's integrity, refuses a newer schema, backs up before migrating,
    migrates, and makes the day's first automatic backup.

    ``full_check``: True runs ``PRAGMA integrity_check`` now; False only a structural
    check (the file is a SQLite database and its schema reads); None (the default)
    runs the full check at the first open of each day — right before that day's
    backup, so every daily backup is of a verified file — and the structural check
    otherwise. The full check reads every page (seconds on a 100k-item ledger), which
    is too slow for every start of the app.
    """
    data = DataDir(Path(root))
    data.ensure()
    existed = data.db_path.exists() and data.db_path.stat().st_size > 0
    if existed:
        if full_check is None:
            full_check = backup.backup_due_today(data.backups)
        check = integrity_check(data.db_path) if full_check else structure_check(data.db_path)
        if check != "ok":
            raise DatabaseCorruptError(str(data.db_path), check, _str(backup.newest_good_backup(data.backups)))
    engine = make_engine(sqlite_url(data.db_path))
    notices: list[str] = []
    try:
        current = migrate.current_revision(engine)
        if current is not None and current not in migrate.known_revisions():
            engine.dispose()
            raise SchemaTooNewError(current)
        if current != migrate.head_revision():
            if existed and current is not None:
                made = backup.make_backup(data.db_path, data.backups, reason="pre-migration")
                notices.append(f"数据库结构已升级，升级前的数据已备份到 {made}")
            migrate.upgrade(engine)
        db = Database(engine)
        db.load_identity()
    except (OperationalError, SADatabaseError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        text = str(getattr(exc, "orig", exc))
        if "locked" in text or "busy" in text:
            raise DatabaseError("数据库正被其他程序占用", "请关闭其他正在使用该数据目录的调研工作台窗口后重试") from exc
        if "readonly" in text or "read-only" in text:
            raise DatabaseError(f"数据库文件只读：{data.db_path}", "请检查文件权限") from exc
        raise DatabaseCorruptError(str(data.db_path), text, _str(backup.newest_good_backup(data.backups))) from exc
    if daily_backup and existed and backup.backup_due_today(data.backups):
        try:
            backup.make_backup(data.db_path, data.backups, reason="daily")
        except DatabaseError as exc:  # a failed backup must not stop the clerk's work; say so
            notices.append(str(exc))
    return AppContext(data=data, db=db, actor=actor, notices=notices)


def _str(p: Path | None) -> str | None:
    return str(p) if p else None


def initialise_office(ctx: AppContext, data: SetupInput) -> OfficeInfo:
    """Set up this data folder's office: validate, make its signing key, record everything."""
    from desktop_app.services import organisation
    from desktop_app.sync import keys

    organisation.validate_office(data.code, data.name, data.level, data.parent_code)
    if ctx.db.office_code:
        return organisation.setup_office(ctx.db, ctx.actor, data)  # raises the "already set up" error
    public = keys.create_key(ctx.data.keys)
    return organisation.setup_office(ctx.db, ctx.actor, data, public_key=public)
