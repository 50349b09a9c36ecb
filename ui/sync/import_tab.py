"""导入数据包 — preview first (per table: created, updated, unchanged, conflicts, refused and why), then apply."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QTableView, QVBoxLayout, QWidget

from desktop_app.context import AppContext
from desktop_app.sync.apply import ImportReport, import_bundle
from desktop_app.sync.conflicts import TABLE_LABELS
from ui import dialogs
from ui.signals import Kind, notify
from ui.sync.rows_model import RowsModel
from ui.tasks import Progress, run_task

BUNDLE_FILTER = "同步数据包 (*.fdbundle);;所有文件 (*)"
STATUS_LABELS = {"applied": "已导入", "already-imported": "此前已导入，未做任何改动", "rejected": "已拒绝，未做任何改动",
                 "dry-run": "预览（尚未写入）"}


class ImportTab(QWidget):
    """Pick a bundle, see what it would do, then import it in one transaction."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.preview: ImportReport | None = None
        self.report: ImportReport | None = None
        self.task = None
        self.pick = QPushButton(self.tr("选择数据包并预览…"))
        self.apply_btn = QPushButton(self.tr("确认导入"))
        self.apply_btn.setEnabled(False)
        self.status = QLabel(self.tr("请选择对方发来的 .fdbundle 数据包；导入前会先预览，不会改动数据。"))
        self.status.setWordWrap(True)
        self.model = RowsModel([
            (self.tr("数据"), lambda r: TABLE_LABELS.get(r[0], r[0])), (self.tr("新增"), lambda r: r[1].created),
            (self.tr("更新"), lambda r: r[1].updated), (self.tr("未变"), lambda r: r[1].unchanged),
            (self.tr("冲突"), lambda r: r[1].conflicts), (self.tr("拒绝"), lambda r: r[1].rejected),
        ], self, highlight=lambda r: "#f8d7da" if r[1].rejected else ("#fff3cd" if r[1].conflicts else None))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(160)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pick)
        buttons.addWidget(self.apply_btn)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        lay.addWidget(self.table)
        lay.addWidget(QLabel(self.tr("被拒绝的记录与提示：")))
        lay.addWidget(self.details)
        self.pick.clicked.connect(self.choose)
        self.apply_btn.clicked.connect(self.apply)

    def refresh(self) -> None:
        """Nothing to reload: the preview belongs to the chosen file."""

    def choose(self) -> None:
        """Pick a file and run the dry run in the background."""
        path = dialogs.open_file(self, self.tr("选择数据包"), BUNDLE_FILTER)
        if not path:
            return
        self.path = Path(path)
        self.apply_btn.setEnabled(False)

        def work(progress: Progress) -> ImportReport:
            progress(0, 0, "正在检查数据包…")
            return import_bundle(self.ctx.db, self.ctx.data, self.ctx.actor, Path(path), dry_run=True)

        self.task = run_task(self, self.tr("预览数据包"), work, on_done=self._previewed)

    def _show(self, rep: ImportReport) -> None:
        head = self.tr("{file}：{status}（来自单位 {sender}）").format(
            file=Path(rep.file).name, status=STATUS_LABELS.get(rep.status, rep.status), sender=rep.from_office or "?")
        self.status.setText(head)
        self.model.set_rows(sorted(rep.tables.items()))
        self.table.resizeColumnsToContents()
        self.details.setPlainText("\n".join([*rep.errors, *[f"注意：{w}" for w in rep.warnings]]))

    def _previewed(self, rep: ImportReport) -> None:
        self.preview = rep
        self._show(rep)
        self.apply_btn.setEnabled(rep.status == "dry-run")

    def apply(self) -> None:
        """Import the previewed bundle for real."""
        if self.path is None or self.preview is None:
            return
        path = self.path
        self.apply_btn.setEnabled(False)

        def work(progress: Progress) -> ImportReport:
            progress(0, 0, "正在导入数据包…")
            return import_bundle(self.ctx.db, self.ctx.data, self.ctx.actor, path)

        self.task = run_task(self, self.tr("导入数据包"), work, on_done=self._applied)

    def _applied(self, rep: ImportReport) -> None:
        self.report = rep
        self._show(rep)
        if rep.status == "applied":
            notify(Kind.ALL)
        elif rep.status == "rejected":
            dialogs.warn(self, "\n".join(rep.errors))
