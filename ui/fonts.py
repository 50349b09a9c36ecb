"""The app's own CJK font: registered with Qt at start so Chinese renders without system fonts."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

FONT_FILE = Path(__file__).resolve().parents[1] / "resources" / "fonts" / "wqy-microhei.ttc"
FAMILY = "WenQuanYi Micro Hei"
POINT_SIZE = 10

_registered: list[str] = []


def register() -> list[str]:
    """Add the shipped font to Qt's database (once); returns the families it provides."""
    if not _registered:
        font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
        if font_id < 0:
            log.error("could not load %s", FONT_FILE)
            return []
        _registered.extend(QFontDatabase.applicationFontFamilies(font_id))
    return list(_registered)


def install(app: QApplication) -> str:
    """Register the font and make it the application font; returns the family in use."""
    families = register()
    family = FAMILY if FAMILY in families else (families[0] if families else app.font().family())
    font = QFont(family, POINT_SIZE)
    # Latin text also uses it: mixing a system Latin font with the CJK one looks uneven at this size.
    font.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    app.setFont(font)
    return family
