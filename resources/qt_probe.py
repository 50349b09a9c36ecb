"""Qt start-up probe for ``fielddesk selftest``, run in a child process so a broken Qt cannot
take the checker down: ``fielddesk --qt-probe FONT`` (the same executable in a packaged build,
``python -m desktop_app --qt-probe FONT`` from source). It never starts the GUI and never
opens a data folder: it shows a bare widget, registers the font, loads the Chinese
translations and an SVG icon, lists the input-method plugins, and prints one JSON line.

It lives outside desktop_app/ because the core never imports Qt.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent


def main(font_file: str) -> int:
    """Run the probe; prints the JSON line and returns 0 (Qt aborts the process itself if it cannot start)."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QLibraryInfo, QSize, QTranslator, qVersion
    from PySide6.QtGui import QFontDatabase, QIcon
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    widget = QWidget()
    widget.resize(200, 100)
    widget.show()
    app.processEvents()
    font_id = QFontDatabase.addApplicationFont(font_file)
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    plugins = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
    qtbase = QTranslator(app).load("qtbase_zh_CN", translations)
    gaps = QTranslator(app).load("qt_gaps_zh_CN", str(RESOURCES / "i18n"))
    icon = QIcon(str(RESOURCES / "icons" / "fielddesk.svg")).pixmap(QSize(32, 32))
    contexts = Path(plugins) / "platforminputcontexts"
    input_methods = sorted(p.name for p in contexts.iterdir()) if contexts.is_dir() else []
    print(json.dumps({
        "platform": app.platformName(),
        "qt": qVersion(),
        "pyside": pyside_version,
        "plugins": plugins,
        "font_families": list(families),
        "qtbase_zh_CN": qtbase,
        "qt_gaps_zh_CN": gaps,
        "svg_icon": not icon.isNull(),
        "input_methods": input_methods,
    }, ensure_ascii=False), flush=True)
    widget.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
