"""导出数据包 — a signed bundle for one trusted office: what it has not acknowledged, or everything."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.sync import peers, pending
from desktop_app.sync.bundle_writer import ExportResult, default_file_name, export_bundle
from ui import dialogs
from ui.signals import Kind, notify
from ui.tasks import Progress, run_task

BUNDLE_FILTER = "同步数据包 (*.fdbundle)"


class ExportTab(QWidget):
    """Choose a peer, optionally full and/or encrypted, then write the bundle off the UI thread."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.peer = QComboBox()
        self.scope = QComboBox()
        self.scope.addItem(self.tr("对方尚未收到的全部变更（含转发其他单位的）"), "all")
        self.scope.addItem(self.tr("只发本单位自己的变更（交办事项、节假日、题库等，不转发其他单位的）"), "own")
        self.full = QCheckBox(self.tr("完整数据包（包含全部数据，用于对方新装或数据丢失后重建）"))
        self.encrypt = QCheckBox(self.tr("加密（只有对方单位能打开）"))
        self.go = QPushButton(self.tr("导出数据包…"))
        self.go.setObjectName("Primary")
        self.waiting = QLabel()  # “N 条更改待发送” for the chosen office
        self.waiting.setObjectName("CardTitle")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self._counts: dict[str, int] = {}
        form = QFormLayout()
        form.addRow(self.tr("接收单位"), self.peer)
        form.addRow(self.tr("待发送"), self.waiting)
        form.addRow(self.tr("发送内容"), self.scope)
        form.addRow("", self.full)
        form.addRow("", self.encrypt)
        hint = QLabel(self.tr("数据包包含对方尚未确认收到的更改；U盘丢失后再导出一次即可，不会丢数据。"
                              "只发本单位的更改时，其他单位的更改留到下次导出全部更改时再发。"))
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        # after an export: the bundle's folder, to copy it onto the USB stick or attach it to a mail
        self.open_folder = QPushButton(self.tr("打开所在文件夹"))
        self.open_folder.setToolTip(self.tr("在文件管理器中打开刚导出的数据包所在的文件夹"))
        self.open_folder.clicked.connect(self.show_folder)
        self.open_folder.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_folder)
        buttons.addWidget(self.go)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 14, 16, 14)
        lay.addWidget(hint)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.result)
        lay.addStretch(1)
        self.go.clicked.connect(self.export)
        self.peer.currentIndexChanged.connect(lambda _i: self._show_waiting())
        self.last: ExportResult | None = None
        self.task = None
        self.refresh()

    def refresh(self) -> None:
        """Reload the trusted peers."""
        current = self.peer.currentData()
        self.peer.clear()
        for p in peers.list_peers(self.ctx.db):
            if p.trusted and not p.revoked:
                self.peer.addItem(f"{p.name}（{p.code}）", p.code)
        if current is not None and self.peer.findData(current) >= 0:
            self.peer.setCurrentIndex(self.peer.findData(current))
        self._counts = pending.pending_counts(self.ctx.db)
        self._show_waiting()
        self.go.setEnabled(self.peer.count() > 0)
        self.go.setToolTip("" if self.peer.count() else self.tr("请先在“单位与身份卡”中信任接收单位"))
        no_peer = self.tr("尚未信任任何单位：请先在“单位与身份卡”中导入并核对对方的身份卡。")
        if self.peer.count() == 0:
            self.result.setText(no_peer)
        elif self.result.text() == no_peer:  # a card was trusted meanwhile: the hint no longer holds
            self.result.clear()

    def _show_waiting(self) -> None:
        code = self.peer.currentData()
        if not code:
            self.waiting.setText("—")
            return
        n = self._counts.get(code, 0)
        self.waiting.setText(self.tr("%1 条更改待发送").replace("%1", str(n)) if n
                             else self.tr("没有待发送的更改（对方已全部确认收到）"))

    def export(self) -> None:
        """Ask where, then export in the background."""
        code = self.peer.currentData()
        if not code:
            return
        target = dialogs.save_file(self, self.tr("保存数据包"), BUNDLE_FILTER,
                                   default_file_name(self.ctx.office_code, code))
        if not target:
            return
        full, encrypt = self.full.isChecked(), self.encrypt.isChecked()
        origins = {self.ctx.office_code} if self.scope.currentData() == "own" else None

        def work(progress: Progress) -> ExportResult:
            return export_bundle(self.ctx.db, self.ctx.data, self.ctx.actor, code, Path(target), full=full,
                                 encrypt=encrypt, progress=lambda d, t: progress(d, t, "正在写入数据包…"),
                                 origins=origins)

        self.task = run_task(self, self.tr("导出数据包"), work, on_done=self._done)

    def show_folder(self) -> None:
        """打开所在文件夹 of the bundle just written."""
        if self.last is not None:
            dialogs.open_path(Path(self.last.file).parent)

    def _done(self, res: ExportResult) -> None:
        self.last = res
        self.open_folder.show()
        rows = sum(res.tables.values())
        self.result.setText(self.tr("已导出：{file}\n{rows} 条变更，{kb} KB{enc}").format(
            file=res.file, rows=rows, kb=max(1, res.bytes // 1024), enc=self.tr("，已加密") if res.encrypted else ""))
        notes = []
        if res.added:
            notes.append(self.tr("另附带了单位 {codes} 的变更：所选变更涉及这些单位新建、对方尚未收到的记录。").format(
                codes="、".join(res.added)))
        if res.left:
            notes.append(self.tr("未发送单位 {codes} 的更改，之后导出“全部未确认的更改”时会补上。").format(
                codes="、".join(res.left)))
        if notes:
            self.result.setText(self.result.text() + "\n" + "\n".join(notes))
        notify(Kind.SYNC)
