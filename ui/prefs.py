"""This PC's preferences for the window (size, position, layouts, the last folder used).

They belong to the person at this PC, not to the office's data, so they live in Qt's per-user settings
(an .ini file in the user's configuration folder), never in the database or in bundles. Tests point
Qt's user settings path at a temporary folder (tests/ui/conftest.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "FieldDesk"
APPLICATION = "FieldDesk"


def settings() -> QSettings:
    """The per-user settings file; a portable build keeps it in its ``data`` folder, never the profile."""
    from desktop_app.install_check import portable_data_dir

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
