"""Backing up and restoring from the GUI (menu and settings page share these)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from desktop_app.core import backup
from desktop_app.core.context import AppContext, open_context
from ui import dialogs
from ui.signals import Kind, notify


def _tr(text: str) -> str:
    return QCoreApplication.translate("backup_ops", text)


def backup_now(parent: QWidget | None, ctx: AppContext) -> Path | None:
    """A manual backup into the data folder's backups; tells the clerk where it went."""
    with dialogs.guard(parent) as done:
        out = backup.make_backup(ctx.data.db_path, ctx.data.backups, reason="manual")
    if not done.ok:
        return None
    notify(Kind.BACKUP)
    dialogs.file_saved(parent, _tr("已备份到：%1").replace("%1", str(out)), out, openable=False)
    return out


def reopen(ctx: AppContext) -> None:
    """Open the data folder again and put the new database into ``ctx`` (pages keep their ctx)."""
    fresh = open_context(ctx.data.root, actor=ctx.actor, full_check=False, daily_backup=False)
    ctx.db = fresh.db
    if fresh.locks is not None:
        fresh.locks.release()  # ctx keeps holding the folder's locks it took at the start
    ctx.notices.extend(fresh.notices)


def _described(path: Path) -> str:
    """A backup as the list names it (2026-11-22 18:12:01 的手动备份), a file the program did not name by its name."""
    from ui.settings.backups_tab import REASONS  # the tab imports this module

    info = backup.backup_info(path)
    if info is None:
        return _tr("备份文件“%1”").replace("%1", path.name)
    return (_tr("%1 的%2").replace("%1", f"{info.created:%Y-%m-%d %H:%M:%S}")
            .replace("%2", QCoreApplication.translate("BackupsTab", REASONS.get(info.reason, info.reason))))


def restore_from(parent: QWidget | None, ctx: AppContext, path: Path) -> bool:
    """Confirm, close the database, restore ``path``, reopen; every view reloads (Kind.ALL)."""
    if not dialogs.confirm(parent, _tr("用%1替换当前数据？\n\n当前数据会先另存为一份备份，不会丢失。"
                                       "恢复后，该备份时间之后录入的内容将不再显示。").replace("%1", _described(path)),
                           title=_tr("从备份恢复"), ok=_tr("恢复"), danger=True):
        return False
    ctx.db.dispose()  # release the file before it is replaced
    safety: Path | None = None
    ok = False
    try:
        with dialogs.guard(parent) as done:
            safety = backup.restore_file(path, ctx.data.db_path, ctx.data.backups)
        ok = done.ok
    finally:
        # reopened whether or not the restore worked: on failure the old file is untouched
        with dialogs.guard(parent) as reopened:
            reopen(ctx)
        if not reopened.ok:
            ok = False
    if reopened.ok:
        notify(Kind.ALL)
    if ok:
        msg = _tr("已从备份恢复：%1").replace("%1", str(path))
        if safety:
            msg += _tr("\n恢复前的数据已保存为：%1").replace("%1", str(safety))
        dialogs.info(parent, msg)
    return ok
