"""打印字体 — choose the 正文/标题/表头 fonts used in printouts (kept on this PC only).

``FontChoiceForm`` holds the three drop-downs; ``FontChoiceDialog`` (from the print preview) and
``PrintFontsTab`` (设置 → 打印字体) wrap it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.reports import fonts
from ui import dialogs

OTHER = "__other__"


class FontChoiceForm(QWidget):
    """Three drop-downs (正文/标题/表头) over the TrueType fonts found, plus 其他字体文件…."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.available = fonts.available_fonts()
        form = QFormLayout()
        self.boxes: dict[str, QComboBox] = {}
        for role in fonts.ROLES:
            box = QComboBox()
            box.activated.connect(lambda i, b=box: self._maybe_other(b, i))
            form.addRow(self.tr(fonts.ROLE_LABELS[role]), box)
            self.boxes[role] = box
        # the default paper of lists, printed and exported to Excel (the preview can still change it per print)
        self.paper_box = QComboBox()
        self.paper_box.addItem(self.tr("A4 纸"), "A4")
        self.paper_box.addItem(self.tr("A3 纸"), "A3")
        form.addRow(self.tr("清单纸张（打印和导出 Excel）"), self.paper_box)
        note = QLabel(self.tr("只能使用 TrueType 字体（.ttf/.ttc），OpenType/CFF 字体无法嵌入 PDF。公文习惯：正文用仿宋或宋体，"
                              "标题用小标宋或黑体。未安装时使用随软件附带的文泉驿微米黑。"))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(note)
        self.refresh()

    def refresh(self) -> None:
        """Show the saved choice."""
        from desktop_app.reports.layout import saved_paper

        self.paper_box.setCurrentIndex(max(0, self.paper_box.findData(saved_paper(self.ctx.db))))
        current = fonts.load_choice(self.ctx.db)
        for role, box in self.boxes.items():
            box.clear()
            specs = list(self.available)
            if all(s.key != current[role].key for s in specs):
                specs.insert(0, current[role])
            for spec in specs:
                box.addItem(spec.label or spec.path, spec)
                if spec.key == current[role].key:
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
        return {role: box.currentData() for role, box in self.boxes.items()
                if isinstance(box.currentData(), fonts.FontSpec)}

    def save(self) -> bool:
        """Keep the choice; a font that cannot be loaded is refused with the reason."""
        from desktop_app.reports.layout import save_paper

        with dialogs.guard(self) as done:
            fonts.save_choice(self.ctx.db, self.choice())
            save_paper(self.ctx.db, self.paper_box.currentData())
        return done.ok


class FontChoiceDialog(QDialog):
    """The form in a dialog with 确定/取消 (opened from the print preview)."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("打印字体"))
        self.form = FontChoiceForm(ctx, self)
        self.boxes = self.form.boxes
        buttons = dialogs.ok_cancel(self, self.tr("确定"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Save, then close."""
        if self.form.save():
            super().accept()


class PrintFontsTab(QWidget):
    """设置 → 打印字体."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = FontChoiceForm(ctx, self)
        self.save_button = QPushButton(self.tr("保存"))
        self.status = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addLayout(row)
        layout.addStretch(1)
        self.save_button.clicked.connect(self._save)

    def _save(self) -> None:
        if self.form.save():
            self.status.setText(self.tr("已保存，下次打印时生效"))

    def refresh(self) -> None:
        """Show the saved choice."""
        self.form.refresh()
        self.status.clear()
