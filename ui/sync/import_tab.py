"""导入数据包 — choose one or several bundles (or a folder), preview them together, then import.

The preview runs every chosen bundle in order, as if each were imported after the
ones before it, and changes nothing; the import applies each bundle in its own
transaction, in the same order (``desktop_app.sync.batch``, shared with the CLI).
Both run off the UI thread with a progress bar; the report lists, per file and table,
what was (or would be) created, updated, unchanged, in conflict or refused, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QTableView, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.core.errors import FieldDeskError
from desktop_app.sync import peers
from desktop_app.sync.apply import ImportReport, TableReport
from desktop_app.sync.batch import BatchResult, bundle_files, import_batch, report_text
from desktop_app.sync.conflicts import TABLE_LABELS
from ui import dialogs, layout_memory
from ui.enabling import set_enabled
from ui.rows_model import RowsTableModel
from ui.signals import Kind, notify
from ui.tasks import Progress, run_task

BUNDLE_FILTER = "同步数据包 (*.fdbundle);;所有文件 (*)"
STATUS_LABELS = {"applied": "已导入", "already-imported": "此前已导入，未做任何改动", "rejected": "已拒绝，未做任何改动",
                 "dry-run": "预览（尚未写入）"}


@dataclass(frozen=True)
class ReportRow:
    """One line of the combined report: a file and one of its tables (``table`` empty for a refused file)."""

    file: str
    sender: str
    status: str
    table: str
    counts: TableReport


def report_rows(reports: list[ImportReport]) -> list[ReportRow]:
    """Per file, one row per table it carries (a refused file: one row saying so)."""
    out: list[ReportRow] = []
    for r in reports:
        name = Path(r.file).name
        if not r.tables:
            out.append(ReportRow(name, r.from_office, r.status, "", TableReport()))
        for t, rep in sorted(r.tables.items()):
            out.append(ReportRow(name, r.from_office, r.status, t, rep))
    return out


class ImportTab(QWidget):
    """Pick bundles (files or a folder), see what they would do together, then import them."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.paths: list[Path] = []
        self.preview: BatchResult | None = None
        self.result: BatchResult | None = None
        self.task = None
        self._names: dict[str, str] = {}
        self.pick = QPushButton(self.tr("选择数据包并预览…"))
        self.pick_dir = QPushButton(self.tr("选择文件夹并预览…"))
        self.apply_btn = QPushButton(self.tr("确认导入"))
        set_enabled(self.apply_btn, self.tr("请先选择数据包并预览"))
        self.status = QLabel(self.tr("请选择对方发来的 .fdbundle 数据包（可多选），或存放数据包的文件夹（如U盘）；"
                                     "导入前会先一起预览，不会改动数据。"))
        self.status.setWordWrap(True)
        self.model = RowsTableModel([
            (self.tr("数据包"), lambda r: r.file), (self.tr("来自"), lambda r: self._sender(r.sender)),
            (self.tr("结果"), lambda r: self.tr(STATUS_LABELS.get(r.status, r.status))),
            (self.tr("数据"), lambda r: TABLE_LABELS.get(r.table, r.table)),
            (self.tr("新增"), lambda r: r.counts.created if r.table else ""),
            (self.tr("更新"), lambda r: r.counts.updated if r.table else ""),
            (self.tr("未变"), lambda r: r.counts.unchanged if r.table else ""),
            (self.tr("冲突"), lambda r: r.counts.conflicts if r.table else ""),
            (self.tr("拒绝"), lambda r: r.counts.rejected if r.table else ""),
        ], self, background=lambda r: "#f8d7da" if r.status == "rejected" or r.counts.rejected
            else ("#fff3cd" if r.counts.conflicts else None))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)  # row numbers mean nothing here; other pages hide them too
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(180)
        buttons = QHBoxLayout()
        for b in (self.pick, self.pick_dir, self.apply_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        lay.addWidget(self.table)
        lay.addWidget(QLabel(self.tr("每个数据包的结果、被拒绝的记录与提示：")))
        lay.addWidget(self.details)
        self.pick.clicked.connect(self.choose)
        self.pick_dir.clicked.connect(self.choose_folder)
        self.apply_btn.clicked.connect(self.apply)

    def refresh(self) -> None:
        """Nothing to reload: the preview belongs to the chosen files."""

    def _sender(self, code: str) -> str:
        return self._names.get(code, code)

    def choose(self) -> None:
        """Pick one or several bundle files and preview them together."""
        paths = dialogs.open_files(self, self.tr("选择数据包（可多选）"), BUNDLE_FILTER)
        if paths:
            self.preview_paths(paths)

    def choose_folder(self) -> None:
        """Pick a folder (e.g. a USB stick) and preview every bundle in it."""
        folder = dialogs.choose_dir(self, self.tr("选择存放数据包的文件夹"))
        if folder:
            self.preview_paths([folder])

    def preview_paths(self, names: list[str | Path]) -> None:
        """Expand folders, then dry-run all the bundles together in the background."""
        from ui import prefs

        for name in names:  # 文件 › 最近打开 (the bundles chosen; a folder is not listed)
            if Path(name).is_file():
                prefs.remember_recent(name)
        try:
            paths = bundle_files(list(names))
        except FieldDeskError as exc:
            dialogs.show_error(self, exc)
            return
        self.paths = paths
        self.preview = None
        set_enabled(self.apply_btn, self.tr("正在预览，请稍候"))

        def work(progress: Progress) -> BatchResult:
            progress(0, len(paths), "正在检查数据包…")
            return import_batch(self.ctx.db, self.ctx.data, self.ctx.actor, paths, dry_run=True, progress=progress)

        self.task = run_task(self, self.tr("预览数据包"), work, on_done=self._previewed)

    def _show(self, res: BatchResult) -> None:
        self._names = {peer.code: f"{peer.name}（{peer.code}）" for peer in peers.list_peers(self.ctx.db)}
        if len(res.reports) == 1:
            rep = res.reports[0]
            head = self.tr("{file}：{status}（来自 {sender}）").format(  # the office's name, as in the table below
                file=Path(rep.file).name, status=self.tr(STATUS_LABELS.get(rep.status, rep.status)),
                sender=self._sender(rep.from_office) if rep.from_office else self.tr("未知单位"))
        else:
            head = res.summary()
        self.status.setText(head)
        self.model.set_items(report_rows(res.reports))
        layout_memory.fit_to_contents(self.table)
        self.details.setPlainText("\n".join(report_text(r, TABLE_LABELS) for r in res.reports))

    def _previewed(self, res: BatchResult) -> None:
        self.preview = res
        self._show(res)
        set_enabled(self.apply_btn, None if any(r.status == "dry-run" for r in res.reports)
                    else self.tr("预览中没有可导入的数据包：见下方每个数据包的结果"))

    def apply(self) -> None:
        """Import the previewed bundles for real, each in its own transaction."""
        if not self.paths or self.preview is None:
            return
        paths = list(self.paths)
        set_enabled(self.apply_btn, self.tr("正在导入，请稍候"))

        def work(progress: Progress) -> BatchResult:
            progress(0, len(paths), "正在导入数据包…")
            return import_batch(self.ctx.db, self.ctx.data, self.ctx.actor, paths, progress=progress)

        # cancelling between bundles would leave a half-imported batch; each bundle is all-or-nothing anyway
        self.task = run_task(self, self.tr("导入数据包"), work, on_done=self._applied, cancellable=False)

    @property
    def report(self) -> ImportReport | None:
        """The last import's report when a single bundle was imported (kept for callers of one file)."""
        return self.result.reports[0] if self.result and len(self.result.reports) == 1 else None

    def _applied(self, res: BatchResult) -> None:
        self.result = res
        set_enabled(self.apply_btn, self.tr("已导入：如需再导入，请重新选择数据包并预览"))
        self._show(res)
        if res.count("applied"):
            notify(Kind.ALL)
        refused = [r for r in res.reports if r.status == "rejected"]
        if refused:
            lines = [f"{Path(r.file).name}：{'；'.join(r.errors)}" for r in refused]
            dialogs.warn(self, self.tr("以下数据包被拒绝，未做任何改动：") + "\n" + "\n".join(lines))
