"""打印字体 — choose the 正文/标题/表头 fonts used in printouts (kept on this PC only)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.reports import fonts
from ui import dialogs

OTHER = "__other__"


class FontChoiceDialog(QDialog):
    """Three drop-downs (正文/标题/表头) over the TrueType fonts found, plus 其他字体文件…."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("打印字体"))
        self.available = fonts.available_fonts()
        current = fonts.load_choice(ctx.db)
        form = QFormLayout()
        self.boxes: dict[str, QComboBox] = {}
        for role in fonts.ROLES:
            box = QComboBox()
            self._fill(box, current[role])
            box.activated.connect(lambda i, b=box: self._maybe_other(b, i))
            form.addRow(self.tr(fonts.ROLE_LABELS[role]), box)
            self.boxes[role] = box
        note = QLabel(self.tr("只能使用 TrueType 字体（.ttf/.ttc）。公文习惯：正文用仿宋或宋体，标题用小标宋或黑体。"
                              "未安装时使用随软件附带的文泉驿微米黑。"))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _fill(self, box: QComboBox, selected: fonts.FontSpec) -> None:
        specs = list(self.available)
        if all(s.key != selected.key for s in specs):
            specs.insert(0, selected)
        for spec in specs:
            box.addItem(f"{spec.label or spec.path}", spec)
            if spec.key == selected.key:
                box.setCurrentIndex(box.count() - 1)
        box.addItem(self.tr("其他字体文件…"), OTHER)

    def _maybe_other(self, box: QComboBox, index: int) -> None:
        if box.itemData(index) != OTHER:
            return
        path = dialogs.open_file(self, self.tr("选择字体文件"), self.tr("TrueType 字体 (*.ttf *.ttc)"))
        box.setCurrentIndex(0)
        if not path:
            return
        spec = fonts.FontSpec(path, 0, path.replace("\\", "/").rsplit("/", 1)[-1])
        with dialogs.guard(self) as done:
            fonts.register(spec)
        if done.ok:
            box.insertItem(0, spec.label, spec)
            box.setCurrentIndex(0)

    def choice(self) -> dict[str, fonts.FontSpec]:
        """The fonts selected now."""
        return {role: box.currentData() for role, box in self.boxes.items() if isinstance(box.currentData(),
                                                                                          fonts.FontSpec)}

    def accept(self) -> None:
        """Save the choice; a font that cannot be loaded is refused with the reason."""
        with dialogs.guard(self) as done:
            fonts.save_choice(self.ctx.db, self.choice())
        if done.ok:
            super().accept()
