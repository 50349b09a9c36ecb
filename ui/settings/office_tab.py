"""设置 › 本单位: the office's name and parent (its code and level are its identity)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.org import organisation, upstream
from ui import dialogs
from ui.settings.invigilator_group import InvigilatorPasswordGroup
from ui.settings.widgets import button
from ui.signals import Kind, bus, notify


class OfficeTab(QWidget):
    """本单位信息."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        form = QFormLayout()
        self.code = QLabel()
        self.level = QLabel()
        self.name = QLineEdit()
        self.parent_code = QLineEdit()
        self.parent_code.setMaxLength(6)
        self.parent_code.setPlaceholderText(self.tr("上级单位的6位区划代码，可不填"))
        self.name.setMaximumWidth(520)
        # wide enough for its hint (a 6-digit code needs less; the hint was cut to "…可…")
        hint = self.parent_code.fontMetrics().horizontalAdvance(self.parent_code.placeholderText())
        self.parent_code.setMaximumWidth(max(200, hint + 32))
        self.folder = QLabel(str(ctx.data.root))
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("单位代码"), self.code)
        form.addRow(self.tr("单位级别"), self.level)
        form.addRow(self.tr("单位名称"), self.name)
        form.addRow(self.tr("上级单位代码"), self.parent_code)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        open_btn = button(self.tr("打开文件夹"))
        open_btn.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.data.root))))
        folder_row.addWidget(open_btn)
        form.addRow(self.tr("数据文件夹"), folder_row)
        hint = QLabel(self.tr("单位代码和级别是数据交换时识别本单位的依据，设置后不能修改。"))
        hint.setObjectName("Hint")
        # a parent code naming no office known here: what the prefecture sends down would not count
        self.parent_warning = QLabel()
        self.parent_warning.setObjectName("Warning")
        self.parent_warning.setWordWrap(True)
        self.parent_warning.setStyleSheet("QLabel { color: #8a5300; background: #fff4e0; border: 1px solid #f0c36d;"
                                          " border-radius: 4px; padding: 6px 10px; }")
        self.parent_warning.hide()
        self.save_btn = button(self.tr("保存"), primary=True)
        self.save_btn.clicked.connect(self.save)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(self.parent_warning)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_btn)
        lay.addLayout(row)
        self.invigilator = InvigilatorPasswordGroup(ctx)
        self.invigilator.setMaximumWidth(720)
        lay.addWidget(self.invigilator)
        lay.addStretch(1)
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.OFFICE, Kind.SYNC):
            self.refresh()

    def refresh(self) -> None:
        """Reload from the database."""
        with dialogs.guard(self) as done:
            office = organisation.get_office(self.ctx.db)
            warning = upstream.parent_code_warning(self.ctx.db)
        if done.ok:
            self.parent_warning.setText(warning)
            self.parent_warning.setVisible(bool(warning))
            self.code.setText(office.code)
            self.level.setText(office.level_label)
            self.name.setText(office.name)
            self.parent_code.setText(office.parent_code or "")
            self.folder.setText(str(self.ctx.data.root))

    def save(self) -> bool:
        """Save the name and parent."""
        with dialogs.guard(self) as done:
            organisation.update_office(self.ctx.db, self.ctx.actor, self.name.text(), self.parent_code.text().strip() or None)
        if done.ok:
            notify(Kind.OFFICE)
            dialogs.info(self, self.tr("单位信息已保存"))
        return done.ok
