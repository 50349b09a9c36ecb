"""设置 › 数据备份: list backups, back up now, restore a chosen one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.core import backup
from desktop_app.core.context import AppContext
from ui import dialogs
from ui.rows_model import RowsTableModel, cell_columns
from ui.settings import backup_ops
from ui.settings.widgets import button, selected_row, table
from ui.signals import Kind, bus

REASONS = {"manual": "手动备份", "daily": "每日自动备份", "pre-migration": "升级前自动备份",
           "before-restore": "恢复前自动备份"}


class BackupsTab(QWidget):
    """数据备份与恢复."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = RowsTableModel(cell_columns([self.tr("备份时间"), self.tr("类型"), self.tr("大小"), self.tr("文件")]), self)
        self.view = table(self.model, self)
        self.where = QLabel()
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setWordWrap(True)
        hint = QLabel(self.tr("每天第一次打开时和升级数据库前会自动备份（自动备份保留最近 %1 份，手动备份不会自动删除）。"
                              "建议定期把备份复制到U盘等其他位置。").replace("%1", str(backup.KEEP_AUTOMATIC)))
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        self.backup_btn = button(self.tr("立即备份"), primary=True)
        self.backup_btn.clicked.connect(self._backup_now)
        self.restore_btn = button(self.tr("从所选备份恢复…"), danger=True)
        self.restore_btn.clicked.connect(self.restore_selected)
        self.file_btn = button(self.tr("从其他备份文件恢复…"))
        self.file_btn.clicked.connect(self.restore_file)
        self.open_btn = button(self.tr("打开备份文件夹"))
        self.open_btn.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.data.backups))))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        lay.addWidget(self.where)
        lay.addWidget(hint)
        top = QHBoxLayout()
        top.addWidget(self.backup_btn)
        top.addStretch(1)
        top.addWidget(self.open_btn)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.file_btn)
        row.addWidget(self.restore_btn)
        lay.addLayout(row)
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.BACKUP):
            self.refresh()

    def _backup_now(self) -> None:
        if backup_ops.backup_now(self, self.ctx):
            self.refresh()

    def refresh(self) -> None:
        """Reload the list of backups."""
        self.where.setText(self.tr("数据文件：%1\n备份文件夹：%2").replace("%1", str(self.ctx.data.db_path))
                           .replace("%2", str(self.ctx.data.backups)))
        with dialogs.guard(self) as done:
            found = backup.list_backups(self.ctx.data.backups)
        if done.ok:
            self.model.set_keyed([(str(b.path), (f"{b.created:%Y-%m-%d %H:%M:%S}", self.tr(REASONS.get(b.reason, b.reason)),
                                                f"{b.size / 1024 / 1024:.1f} MB", b.path.name)) for b in found])

    def restore_selected(self) -> None:
        """Restore the selected backup (after confirmation)."""
        row = selected_row(self.view)
        if row < 0:
            dialogs.info(self, self.tr("请先在列表中选择一个备份"))
            return
        backup_ops.restore_from(self, self.ctx, Path(self.model.key(row)))

    def restore_file(self) -> None:
        """Restore a backup file chosen from disk."""
        path = dialogs.open_file(self, self.tr("选择备份文件"), self.tr("调研工作台数据库 (*.db);;所有文件 (*)"),
                                 str(self.ctx.data.backups))
        if path:
            backup_ops.restore_from(self, self.ctx, Path(path))
