"""This PC's preferences for the window (size, position, layouts, the last folder used).

They belong to the person at this PC, not to the office's data, so they live in Qt's per-user settings
(an .ini file in the user's configuration folder), never in the database or in bundles. Tests point
Qt's user settings path at a temporary folder (tests/ui/conftest.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "FieldDesk"
APPLICATION = "FieldDesk"


def settings() -> QSettings:
    """The per-user settings file; a portable build keeps it in its ``data`` folder, never the profile."""
    from desktop_app.core.install_check import portable_data_dir

    portable = portable_data_dir()
    if portable is not None:
        return QSettings(str(portable / f"{APPLICATION}.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def get_bytes(key: str) -> QByteArray | None:
    """A stored blob (window geometry, header state), or None."""
    value: Any = settings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def set_value(key: str, value: Any) -> None:
    """Store one value now (a crash later does not lose it)."""
    s = settings()
    s.setValue(key, value)
    s.sync()


def get_text(key: str, default: str = "") -> str:
    """A stored text, or ``default``."""
    value: Any = settings().value(key, default)
    return value if isinstance(value, str) else default


#: how many files 文件 › 最近打开 lists
RECENT_MAX = 8
_RECENT_KEY = "recent/files"


def _stored_recent() -> list[str]:
    """The stored list as written (QSettings' ini gives a lone entry back as a plain string)."""
    value: Any = settings().value(_RECENT_KEY, [])
    names = [value] if isinstance(value, str) else list(value or [])
    return [n for n in names if isinstance(n, str) and n]


def recent_files() -> list[str]:
    """Spreadsheets and bundles imported lately, newest first (only those still on disk)."""
    return [n for n in _stored_recent() if Path(n).is_file()][:RECENT_MAX]


def remember_recent(path: str | Path) -> None:
    """Put ``path`` first in the recent files (kept across restarts)."""
    name = str(Path(path).resolve()) if str(path) else ""
    if not name:
        return
    set_value(_RECENT_KEY, [name, *[n for n in _stored_recent() if n != name]][:RECENT_MAX])


def clear_recent() -> None:
    """Forget the recent files."""
    set_value(_RECENT_KEY, [])


def forget_layouts() -> None:
    """重置界面布局: forget the stored splitter and table layouts and the chosen columns (not the window's place)."""
    s = settings()
    for group in ("layout", "columns"):
        s.remove(group)
    s.sync()
