"""What a clerk clicking through the app noticed: each test pins one fixed annoyance."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

STYLE = Path(__file__).resolve().parents[2] / "ui" / "style.qss"
PRIMARY_BLUE = QColor("#1f4e8c")


def test_disabled_default_button_does_not_look_clickable(qtbot) -> None:  # noqa: ANN001
    """导入 in the Excel dialog (a default button) was disabled but painted in the primary blue."""
    dlg = QDialog()
    dlg.setStyleSheet(STYLE.read_text(encoding="utf-8"))
    qtbot.addWidget(dlg)
    box = QDialogButtonBox()
    button = box.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
    QVBoxLayout(dlg).addWidget(box)
    button.setDefault(True)
    dlg.show()
    qtbot.waitExposed(dlg)

    def fill() -> QColor:
        img = button.grab().toImage()
        return img.pixelColor(img.width() // 2, 3)  # inside the padding, above the text

    assert fill() == PRIMARY_BLUE  # enabled: the default button is the blue one
    button.setEnabled(False)
    assert fill() != PRIMARY_BLUE

