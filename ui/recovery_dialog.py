"""数据库损坏时的恢复 — the way out of a corrupted database: restore a good backup."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core import backup
from desktop_app.core.config import DataDir
from desktop_app.core.errors import DatabaseCorruptError, MigrationInterruptedError
from ui import dialogs


class RecoveryDialog(QDialog):
    """Offers the newest good backup (pre-selected), any other backup, or a file; accepted after a restore."""

    def __init__(self, error: DatabaseCorruptError, root: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.data = DataDir(Path(root))
        self.restored_from: Path | None = None
        self.setWindowTitle(self.tr("数据库需要恢复"))
        self.resize(620, 420)
        lay = QVBoxLayout(self)
        interrupted = isinstance(error, MigrationInterruptedError)
        head = QLabel(self.tr("上次数据库升级被中断，数据库无法打开。") if interrupted
                      else self.tr("数据库文件已损坏，无法安全打开。"))
        head.setObjectName("CardTitle")
        lay.addWidget(head)
        text = QLabel((self.tr("文件：%1\n\n请从升级前的备份恢复（已为您选好最近一份能打开的备份），恢复后会重新升级。"
                               "恢复前，当前文件会另存一份，不会删除。") if interrupted
                       else self.tr("文件：%1\n\n可以从备份恢复：恢复前，损坏的文件会另存一份，不会删除。"
                                    "恢复后，备份时间之后录入的内容需要重新录入。")).replace("%1", error.path))
        text.setWordWrap(True)
        lay.addWidget(text)
        self.list = QListWidget()
        newest_good = Path(error.backup) if error.backup else None
        for b in backup.list_backups(self.data.backups):
            label = f"{b.created:%Y-%m-%d %H:%M:%S}　{_reason(b.reason)}　{b.size / 1024 / 1024:.1f} MB"
            if newest_good and b.path == newest_good:
                label += self.tr("　（最近的完好备份）")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, str(b.path))
            self.list.addItem(item)
            if newest_good and b.path == newest_good:
                self.list.setCurrentItem(item)
        if self.list.count() == 0:
            self.list.addItem(self.tr("（没有找到备份，请选择其他备份文件）"))
            self.list.setEnabled(False)
        lay.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.btn_file = QPushButton(self.tr("选择其他备份文件…"))
        self.btn_file.clicked.connect(self._choose_file)
        row.addWidget(self.btn_file)
        row.addStretch(1)
        self.btn_restore = QPushButton(self.tr("从所选备份恢复"))
        self.btn_restore.setObjectName("Primary")
        self.btn_restore.clicked.connect(self._restore_selected)
        self.btn_restore.setEnabled(self.list.isEnabled())
        row.addWidget(self.btn_restore)
        quit_btn = QPushButton(self.tr("退出"))
        quit_btn.clicked.connect(self.reject)
        row.addWidget(quit_btn)
        lay.addLayout(row)

    def _restore_selected(self) -> None:
        item = self.list.currentItem()
        path = item.data(Qt.ItemDataRole.UserRole) if item else None
        if path:
            self.restore(Path(path))

    def _choose_file(self) -> None:
        path = dialogs.open_file(self, self.tr("选择备份文件"), self.tr("调研工作台数据库 (*.db);;所有文件 (*)"),
                                 str(self.data.backups))
        if path:
            self.restore(Path(path))

    def restore(self, path: Path) -> bool:
        """Restore ``path`` after confirmation; accepts the dialog on success."""
        if not dialogs.confirm(self, self.tr("用备份“%1”替换损坏的数据库？").replace("%1", path.name),
                               ok=self.tr("恢复")):
            return False
        try:
            safety = backup.restore_file(path, self.data.db_path, self.data.backups)
        except Exception as exc:  # shown calmly if known; the damaged file is untouched on failure
            dialogs.show_error(self, exc)
            return False
        self.restored_from = path
        msg = self.tr("已从备份恢复。")
        if safety:
            msg += self.tr("\n损坏的文件已另存为：%1").replace("%1", str(safety))
        dialogs.info(self, msg)
        self.accept()
        return True


def _reason(code: str) -> str:
    return {"manual": "手动备份", "daily": "每日自动备份", "pre-migration": "升级前备份",
            "before-restore": "恢复前备份"}.get(code, code)
