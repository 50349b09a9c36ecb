"""打印预览 — preview a report inside the app, print it through the system dialog, or save the PDF.

The report is rendered once, off the UI thread, into PDF bytes plus a per-page display list
(desktop_app.reports: RecordingCanvas). The preview paints only the page on screen, so a
2,000-page ledger opens as quickly as a one-page notice. Printing paints every page onto a
QPrinter with the same fonts; 另存为 PDF writes the very bytes that were previewed.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QKeySequence, QPageLayout, QPageSize, QPainter, QPaintEvent, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.documents.campaign_kinds import CAMPAIGN_KINDS
from desktop_app.reports import jobs
from desktop_app.reports.jobs import PrintJob
from desktop_app.reports.layout import PAPERS, saved_paper
from ui import dialogs
from ui.print.page_painter import paint_page
from ui.tasks import Progress, Task, run_task

#: kinds that also exist as a Word document (desktop_app.documents.kinds.KINDS)
WORD_KINDS = ("notice", "scores", "summary", "ledger", *CAMPAIGN_KINDS)
#: portrait documents: always A4 (GB/T 9704), no paper choice
DOCUMENT_KINDS = ("notice", "paper", "summary", *CAMPAIGN_KINDS)

ZOOMS: tuple[tuple[str, float], ...] = (("适合宽度", 0.0), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0),
                                        ("150%", 1.5), ("200%", 2.0))


class PageView(QWidget):
    """One report page painted from its display list, on a grey desk."""

    MARGIN = 16

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages: list[Any] = []
        self.index = 0
        self.zoom = 0.0  # 0 = fit the width of the viewport
        self.fit_width = 800

    def page_size_px(self) -> QSize:
        """The painted page's size at the current zoom (points at 96 dpi x zoom)."""
        if not self.pages:
            return QSize(400, 300)
        page = self.pages[self.index]
        if self.zoom:
            scale = self.zoom * self.logicalDpiX() / 72.0
        else:
            scale = max(0.1, (self.fit_width - 2 * self.MARGIN) / page.width)
        return QSize(round(page.width * scale), round(page.height * scale))

    def sizeHint(self) -> QSize:
        """Page plus margins."""
        s = self.page_size_px()
        return QSize(s.width() + 2 * self.MARGIN, s.height() + 2 * self.MARGIN)

    def relayout(self) -> None:
        """Take the new size after a page, zoom or viewport change."""
        self.setFixedSize(self.sizeHint())
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Desk, shadow, page."""
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(0x80, 0x80, 0x80))
        if self.pages:
            s = self.page_size_px()
            target = QRectF(self.MARGIN, self.MARGIN, s.width(), s.height())
            p.fillRect(target.translated(3, 3), QColor(0x50, 0x50, 0x50))
            paint_page(p, self.pages[self.index], target)
        p.end()


class PrintPreviewDialog(QDialog):
    """Preview, print and save one PrintJob."""

    def __init__(self, ctx: Any, job: PrintJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if job.paper == "A4" and job.kind not in DOCUMENT_KINDS:
            job = replace(job, paper=saved_paper(ctx.db))  # the clerk's default (设置 → 打印字体 › 清单纸张)
        self.ctx, self.job = ctx, job
        self.pdf: bytes = b""
        self.pages: list[Any] = []
        self.warnings: list[str] = []
        self.task: Task | None = None
        self.setWindowTitle(self.tr("打印预览 — %s") % jobs.KIND_LABELS.get(job.kind, job.kind))
        self.resize(1000, 760)

        self.prev_btn = QPushButton(self.tr("上一页"))
        self.next_btn = QPushButton(self.tr("下一页"))
        self.page_box = QSpinBox()
        self.page_box.setMinimum(1)
        self.count_label = QLabel()
        self.zoom_box = QComboBox()
        for label, _z in ZOOMS:
            self.zoom_box.addItem(self.tr(label))
        # 纸张 and 版式: a list may go on A3; the ledger views have a 紧凑版 (default) and a 完整版
        self.paper_box = QComboBox()
        self.paper_box.setToolTip(self.tr("纸张"))
        for paper in PAPERS:
            self.paper_box.addItem(self.tr("%s 纸") % paper, paper)
        self.paper_box.setCurrentIndex(max(0, self.paper_box.findData(job.paper)))
        self.layout_box = QComboBox()
        self.layout_box.setToolTip(self.tr("版式"))
        self.layout_box.addItem(self.tr("紧凑版"), "compact")
        self.layout_box.addItem(self.tr("完整版"), "full")
        self.layout_box.setCurrentIndex(max(0, self.layout_box.findData(job.layout)))
        self.layout_box.setVisible(job.kind in jobs.LEDGER_KINDS)
        self.paper_box.setVisible(job.kind not in DOCUMENT_KINDS)
        self.print_btn = QPushButton(self.tr("打印…"))
        self.save_btn = QPushButton(self.tr("另存为 PDF…"))
        # the same content as an editable Word document (GB/T 9704), for the kinds that have one
        self.word_btn = QPushButton(self.tr("另存为 Word…"))
        self.word_btn.setVisible(job.kind in WORD_KINDS)
        self.font_btn = QPushButton(self.tr("字体…"))
        self.close_btn = QPushButton(self.tr("关闭"))
        self.status = QLabel(self.tr("正在生成…"))

        bar = QHBoxLayout()
        for w in (self.prev_btn, self.page_box, self.count_label, self.next_btn, self.zoom_box, self.paper_box,
                  self.layout_box):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.font_btn, self.word_btn, self.save_btn, self.print_btn, self.close_btn):
            bar.addWidget(w)
        self.view = PageView()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.view)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setWidgetResizable(False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.status)

        self.prev_btn.clicked.connect(lambda: self.show_page(self.view.index - 1))
        self.next_btn.clicked.connect(lambda: self.show_page(self.view.index + 1))
        self.page_box.valueChanged.connect(lambda v: self.show_page(v - 1))
        self.zoom_box.currentIndexChanged.connect(self._zoom_changed)
        self.paper_box.activated.connect(lambda _i: self._page_options_changed())
        self.layout_box.activated.connect(lambda _i: self._page_options_changed())
        self.print_btn.clicked.connect(lambda: self.print_pages())
        self.save_btn.clicked.connect(lambda: self.save_pdf())
        self.word_btn.clicked.connect(lambda: self.save_word())
        self.font_btn.clicked.connect(self.choose_fonts)
        self.close_btn.clicked.connect(self.close)
        for keys, slot in ((QKeySequence.StandardKey.MoveToPreviousPage, lambda: self.show_page(self.view.index - 1)),
                           (QKeySequence.StandardKey.MoveToNextPage, lambda: self.show_page(self.view.index + 1)),
                           (QKeySequence.StandardKey.Print, lambda: self.print_pages()),
                           (QKeySequence.StandardKey.Save, lambda: self.save_pdf())):
            QShortcut(QKeySequence(keys), self, activated=slot)
        self._set_ready(False)

    # --- rendering ---------------------------------------------------------------------------------

    def render(self) -> Task:
        """Render the job off the UI thread; the preview fills in when it is done."""
        self._set_ready(False)
        self.status.setText(self.tr("正在生成…"))
        ctx, job = self.ctx, self.job

        def work(progress: Progress) -> tuple[bytes, list[Any], list[str]]:
            progress(0, 0, "正在读取数据…")
            buf = io.BytesIO()
            result = jobs.render(ctx.db, job, buf, record=True, progress=progress)
            return buf.getvalue(), result.records, result.warnings

        def done(value: tuple[bytes, list[Any], list[str]]) -> None:
            self.pdf, self.pages, self.warnings = value
            self.view.pages = self.pages
            self.page_box.setMaximum(max(1, len(self.pages)))
            self.count_label.setText(self.tr("/ 共 %d 页") % len(self.pages))
            self.status.setText(self.tr("共 %d 页，可打印或另存为 PDF") % len(self.pages))
            self._set_ready(bool(self.pages))
            self.show_page(0)
            if self.warnings:
                # printing goes on: the clerk is told which characters print as 〓 and where
                self.status.setText(self.tr("共 %d 页；有字符印为“〓”，见提示") % len(self.pages))
                self.status.setToolTip("\n".join(self.warnings))
                dialogs.warn(self, "\n".join(self.warnings))

        def failed(exc: BaseException) -> None:
            self.status.setText(self.tr("未能生成，请按提示处理后重试"))
            dialogs.show_error(self, exc)

        self.task = run_task(self, self.tr("正在生成打印文件"), work, on_done=done, on_error=failed,
                             on_cancelled=lambda: self.status.setText(self.tr("已取消")), cancellable=True)
        return self.task

    def _page_options_changed(self) -> None:
        """纸张/版式 chosen: lay the job out again (not while a layout is still running: its result would win)."""
        paper, layout = self.paper_box.currentData(), self.layout_box.currentData()
        if (paper, layout) == (self.job.paper, self.job.layout):
            return
        if self.task is not None and not (self.task.done or self.task.cancelled):
            self.paper_box.setCurrentIndex(max(0, self.paper_box.findData(self.job.paper)))
            self.layout_box.setCurrentIndex(max(0, self.layout_box.findData(self.job.layout)))
            return
        self.job = replace(self.job, paper=paper, layout=layout)
        self.render()

    def _set_ready(self, ready: bool) -> None:
        for w in (self.prev_btn, self.next_btn, self.page_box, self.print_btn, self.save_btn):
            w.setEnabled(ready)

    # --- navigation --------------------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        """Show page ``index`` (0-based), clamped to the document."""
        if not self.pages:
            return
        index = max(0, min(index, len(self.pages) - 1))
        self.view.index = index
        if self.page_box.value() != index + 1:
            self.page_box.blockSignals(True)
            self.page_box.setValue(index + 1)
            self.page_box.blockSignals(False)
        self.prev_btn.setEnabled(index > 0)
        self.next_btn.setEnabled(index < len(self.pages) - 1)
        self._fit()

    def _zoom_changed(self, i: int) -> None:
        self.view.zoom = ZOOMS[i][1]
        self._fit()

    def _fit(self) -> None:
        fit = self.view.zoom == 0
        # 适合宽度: leave room for the vertical scroll bar so no horizontal one appears
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if fit
                                                 else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        bar = self.scroll.verticalScrollBar()
        room = self.scroll.viewport().width() - (0 if bar.isVisible() else bar.sizeHint().width())
        self.view.fit_width = max(200, room)
        self.view.relayout()

    def resizeEvent(self, event: Any) -> None:
        """Keep 适合宽度 fitting."""
        super().resizeEvent(event)
        self._fit()

    # --- output ------------------------------------------------------------------------------------

    def save_pdf(self, path: str | None = None) -> bool:
        """Write the previewed PDF to ``path`` (asks where when not given)."""
        if not self.pdf:
            return False
        if path is None:
            name = f"{jobs.KIND_LABELS.get(self.job.kind, self.job.kind)}.pdf"
            path = dialogs.save_file(self, self.tr("另存为 PDF"), self.tr("PDF 文件 (*.pdf)"), name)
            if not path:
                return False
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        with dialogs.guard(self) as done:
            Path(path).write_bytes(self.pdf)
        if done.ok:
            self._record("print", path)
            self.status.setText(self.tr("已保存到 %s") % path)
            dialogs.file_saved(self, self.tr("已保存到 %1").replace("%1", path), path)
        return done.ok

    def save_word(self, path: str | None = None) -> Task | None:
        """Write the job as a Word document (desktop_app.documents) off the UI thread; asks where when not given."""
        if self.job.kind not in WORD_KINDS:
            return None
        if path is None:
            name = f"{jobs.KIND_LABELS.get(self.job.kind, self.job.kind)}.docx"
            path = dialogs.save_file(self, self.tr("另存为 Word"), self.tr("Word 文档 (*.docx)"), name)
            if not path:
                return None
        if not path.lower().endswith(".docx"):
            path += ".docx"
        ctx, job, out = self.ctx, self.job, Path(path)

        def work(progress: Progress) -> Any:
            from desktop_app.documents.kinds import write_job

            progress(0, 0, "正在生成 Word 文档…")
            return write_job(ctx.db, job, out)  # the same rows as the preview: filter, order and scope

        def done(result: Any) -> None:
            self.status.setText(self.tr("已保存到 %s") % result.path)
            dialogs.file_saved(self, self.tr("已生成 Word 文档：%s") % result.path, result.path)

        return run_task(self, self.tr("另存为 Word"), work, on_done=done,
                        on_error=lambda exc: dialogs.show_error(self, exc))

    def print_pages(self, printer: QPrinter | None = None) -> bool:
        """Print every page; without a printer given, the system print dialog chooses one."""
        if not self.pages:
            return False
        first = self.pages[0]
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            _setup_printer(printer, first)
            dlg = QPrintDialog(printer, self)
            dlg.setWindowTitle(self.tr("打印"))
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return False
        else:
            _setup_printer(printer, first)
        painter = QPainter()
        if not painter.begin(printer):
            dialogs.warn(self, self.tr("无法连接打印机，请检查打印机是否已开启"))
            return False
        try:
            lo, hi = printer.fromPage(), printer.toPage()
            chosen = range(lo - 1, hi) if lo > 0 and hi >= lo else range(len(self.pages))
            for n, i in enumerate(i for i in chosen if 0 <= i < len(self.pages)):
                if n:
                    printer.newPage()
                rect = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
                paint_page(painter, self.pages[i], QRectF(0, 0, rect.width(), rect.height()))
        finally:
            painter.end()
        self._record("print", printer.printerName() or "")
        self.status.setText(self.tr("已发送到打印机"))
        return True

    def _record(self, action: str, where: str) -> None:
        """Put the print on the audit trail (who printed which list, and where)."""
        from desktop_app.core import audit_log

        with dialogs.guard(self):
            audit_log.record_output(self.ctx.db, self.ctx.actor, action, self.job.kind, where)

    def choose_fonts(self) -> None:
        """Pick fonts (设置 → 打印字体), then render again."""
        from ui.print.font_dialog import FontChoiceDialog

        dlg = FontChoiceDialog(self.ctx, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.render()


def _setup_printer(printer: QPrinter, page: Any) -> None:
    """A4 or A3 (as the page was laid out) in the page's orientation, no printer margins (the report has its own)."""
    orientation = (QPageLayout.Orientation.Landscape if page.width > page.height
                   else QPageLayout.Orientation.Portrait)
    # A4's long side is 842 pt, A3's 1191 pt
    size = QPageSize.PageSizeId.A3 if max(page.width, page.height) > 1000 else QPageSize.PageSizeId.A4
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(QPageSize(size), orientation, QMarginsF(0, 0, 0, 0)))
    printer.setDocName("调研工作台")


def open_print_preview(parent: QWidget | None, ctx: Any, job: PrintJob) -> PrintPreviewDialog:
    """Open the preview for ``job`` (non-modal) and start rendering. The entry point for every page.

    With accounts, the signed-in person is printed as 填表人."""
    actor = getattr(ctx, "actor", None)
    if actor is not None and actor.account and not job.prepared_by:
        job = dataclasses.replace(job, prepared_by=actor.label)
    dlg = PrintPreviewDialog(ctx, job, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dlg.show()
    dlg.render()
    return dlg
