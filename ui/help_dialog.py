"""使用说明 — the user manual, shipped inside the app and read offline; F1 opens it at the page in front."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

MANUAL = Path(__file__).resolve().parents[1] / "resources" / "manual" / "manual.html"


class HelpDialog(QDialog):
    """The manual in a window of its own (not modal: the clerk reads it beside the page)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("使用说明"))
        self.resize(760, 640)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        if MANUAL.is_file():
            self.browser.setSource(QUrl.fromLocalFile(str(MANUAL)))
        else:  # a damaged install: say so instead of an empty window
            self.browser.setPlainText(self.tr("找不到使用说明文件：%1\n请重新安装调研工作台。").replace("%1", str(MANUAL)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser, 1)
        lay.addWidget(buttons)

    def show_section(self, key: str) -> None:
        """Scroll to the section of a page (its key: dashboard, ledger, …), or the start when it has none."""
        self.browser.scrollToAnchor(key or "start")
        self.show()
        self.raise_()
        self.activateWindow()
