"""The honest stand-in for a page whose capability has not landed yet (or failed to load)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


class PlaceholderPage(QWidget):
    """尚未提供 — says plainly that the capability is not available yet and what it will hold."""

    def __init__(self, title: str, planned: str = "", error: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        lay = QVBoxLayout(self)
        lay.addStretch(2)
        pic = QLabel()
        pic.setPixmap(QIcon(str(ICONS / "placeholder.svg")).pixmap(QSize(88, 88)))
        pic.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(pic)
        if error:
            head = self.tr("“%1”页面未能打开").replace("%1", title)
            body = self.tr("打开此页面时出现错误，其他功能不受影响。\n错误信息：%1").replace("%1", error)
        else:
            head = self.tr("“%1”功能尚未提供").replace("%1", title)
            body = self.tr("本版本还没有这项功能，此页面目前不能使用。")
            if planned:
                body += "\n" + self.tr("上线后将提供：%1").replace("%1", planned)
        self.heading = QLabel(head)
        self.heading.setObjectName("PlaceholderTitle")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.heading)
        self.body = QLabel(body)
        self.body.setObjectName("PlaceholderText")
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.body)
        lay.addStretch(3)

    def refresh(self) -> None:
        """Nothing to refresh."""
