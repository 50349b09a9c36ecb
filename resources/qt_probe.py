"""Qt start-up probe run by ``fielddesk selftest`` in a child process (a broken Qt cannot
take the checker down): shows a widget, registers the font given as argv[1], prints JSON.

It lives outside desktop_app/ because the core never imports Qt.
"""

import json
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QLibraryInfo, qVersion
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

app = QApplication(sys.argv[:1])
widget = QWidget()
widget.resize(200, 100)
widget.show()
app.processEvents()
font_id = QFontDatabase.addApplicationFont(sys.argv[1])
families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
print(json.dumps({
    "platform": app.platformName(),
    "qt": qVersion(),
    "pyside": pyside_version,
    "plugins": QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath),
    "font_families": list(families),
}))
widget.close()
