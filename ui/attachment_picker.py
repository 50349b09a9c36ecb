"""附件 on a form: the files a record already holds, those picked to store with the next save, and 添加附件…."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ui import dialogs


class AttachmentPicker(QWidget):
    """The files line of a form and its 添加附件… button; ``files`` are the picked ones, stored at 保存.

    ``stored`` names the files the record holds already; ``mark_pending`` adds （待保存） to the picked ones
    beside them; ``empty`` is shown while there are none.
    """

    def __init__(self, stored: Sequence[str] = (), *, mark_pending: bool = True, empty: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stored = list(stored)
        self.files: list[Path] = []
        self.mark_pending = mark_pending
        self.empty = self.tr("无") if empty is None else empty
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.button = QPushButton(self.tr("添加附件…"))
        self.button.clicked.connect(self.pick)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.button)
        self._show()

    def pick(self) -> None:
        """Choose files (minutes, photos, questionnaires, evidence) to attach when saving."""
        for f in dialogs.open_files(self, self.tr("选择附件")):
            if Path(f) not in self.files:
                self.files.append(Path(f))
        self._show()

    def _show(self) -> None:
        suffix = self.tr("（待保存）") if self.mark_pending else ""
        self.label.setText("、".join(self.stored + [p.name + suffix for p in self.files]) or self.empty)
