"""Known failures of the machine, in the clerk's words — 磁盘满、只读、被占用、读写出错.

The one place where SQLite's and the operating system's errors become Chinese messages that
say what happened and what to do. The CLI (``cli.run``), the GUI (``ui.dialogs.show_error``),
opening a data folder (``context.open_context``), backups and the bundle import all ask
``known_error``; anything it does not recognise is a bug and is reported as one.

Every write in FieldDesk is one transaction and every file it makes is written to a temporary
name and renamed, so each message can truthfully say that nothing was half-written.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from desktop_app.core.errors import DatabaseError, FieldDeskError

UNDONE = "本次操作已全部撤销，数据没有改动"


def _sqlite_text(exc: BaseException) -> str | None:
    """The SQLite message of ``exc`` (an sqlite3 error, or SQLAlchemy's wrapper of one), else None."""
    orig = getattr(exc, "orig", None)
    if isinstance(orig, sqlite3.Error):
        return str(orig)
    if isinstance(exc, sqlite3.Error):
        return str(exc)
    try:
        from sqlalchemy.exc import DBAPIError
    except ImportError:  # pragma: no cover - sqlalchemy is a dependency
        return None
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return str(exc.orig)
    return None


def _from_sqlite(text: str, where: str) -> FieldDeskError | None:
    low = text.lower()
    place = f"（{where}）" if where else ""
    if "database or disk is full" in low or "disk is full" in low:
        return DiskFullError(place)
    if "readonly" in low or "read-only" in low:
        return DatabaseError(f"数据库文件是只读的，无法写入{place}",
                             "请在文件属性中取消“只读”，或请管理员给该文件夹写入权限；" + UNDONE)
    if "locked" in low or "busy" in low:
        return DatabaseError(f"另一个窗口或命令正在使用本单位数据，数据库暂时无法写入{place}",
                             "请等该命令结束，或关闭其他调研工作台窗口后重试；" + UNDONE)
    if "disk i/o error" in low:
        return DatabaseError(f"读写磁盘时出错{place}",
                             "可能是U盘或移动硬盘被拔出、磁盘空间不足或磁盘损坏；请检查磁盘后重试。" + UNDONE)
    if "unable to open database file" in low:
        return DatabaseError(f"无法打开数据库文件{place}",
                             "请确认数据目录存在、磁盘已连接，并且有读写权限")
    if "not a database" in low or "malformed" in low:
        return DatabaseError(f"数据库文件已损坏，无法读取{place}",
                             "请在“设置 › 备份”中从最近的完好备份恢复，或运行 fielddesk restore 备份文件")
    if "unique constraint failed: change_log.origin" in low:
        return DatabaseError(f"另一个窗口或命令同时写入了本单位数据{place}",
                             "请稍后重试；" + UNDONE)
    if "unique constraint failed: imported_bundle" in low:
        return DatabaseError(f"该数据包已导入过{place}", "无需再次导入；数据没有改动")
    return None


class DiskFullError(DatabaseError):
    """磁盘空间不足: a write ran out of room and was undone."""

    def __init__(self, place: str = "") -> None:
        super().__init__(f"磁盘空间不足，操作未能完成{place}",
                         "请清理磁盘或换一个有足够空间的文件夹（U盘）后重试；" + UNDONE)


def _from_os(exc: OSError, where: str) -> FieldDeskError | None:
    name = exc.filename if isinstance(exc.filename, str) else ""
    place = f"（{name or where}）" if (name or where) else ""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return DiskFullError(place)
    if code == errno.EFBIG:
        return DatabaseError(f"文件超过了磁盘或系统允许的大小，操作未能完成{place}",
                             "请换一个空间足够、格式支持大文件的磁盘（如 NTFS 格式的U盘）后重试；" + UNDONE)
    if code == errno.EROFS:
        return DatabaseError(f"磁盘是只读的，无法写入{place}", "请换一个可写的文件夹或U盘（检查U盘写保护开关）后重试")
    if code in (errno.EACCES, errno.EPERM):
        return DatabaseError(f"没有写入权限{place}",
                             "请确认文件没有在 Excel/WPS 等程序中打开，并检查该文件夹的权限后重试")
    if code == errno.EIO:
        return DatabaseError(f"读写磁盘时出错{place}",
                             "可能是U盘或移动硬盘被拔出或磁盘损坏；请检查磁盘后重试。" + UNDONE)
    if code == errno.ENOENT and name:
        return DatabaseError(f"找不到文件或文件夹{place}", "请确认路径正确、U盘已插好后重试")
    return None


def known_error(exc: BaseException, where: str | Path = "") -> FieldDeskError | None:
    """``exc`` as a calm Chinese error if it is a known failure of the machine or of SQLite, else None.

    A ``FieldDeskError`` is returned as it is.
    """
    if isinstance(exc, FieldDeskError):
        return exc
    place = str(where) if where else ""
    text = _sqlite_text(exc)
    if text is not None:
        found = _from_sqlite(text, place)
        if found is not None:
            return found
    if isinstance(exc, OSError):
        return _from_os(exc, place)
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, OSError | sqlite3.Error) and cause is not exc:
        return known_error(cause, where)
    return None
