"""从表格批量交办 — a prefecture chooses its 交办 sheet, checks the preview row by row, and assigns.

The sheet is read off the UI thread (``assign_excel.preview_sheet``); the table shows each
row's county, problem, deadline and what becomes of it — 可交办, 已交办 (skipped) or the
reason it cannot be assigned, in red. 交办 N 条 asks for confirmation, then assigns every
ready row in one transaction (``assign_excel.assign_from_sheet``): all or nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.excel import assign_sheet as assign_excel
from desktop_app.excel.assign_sheet import STATE_ASSIGNED, STATE_ERROR, SheetPreview, SheetResult
from ui import dialogs
from ui.ledger.assign_sheet_model import AssignSheetModel
from ui.signals import Kind, notify
from ui.tasks import run_task


def _to_qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _from_qdate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class AssignSheetDialog(QDialog):
    """Preview a prefecture's 交办 sheet and assign its valid rows to the counties."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: SheetPreview | None = None
        self.outcome: SheetResult | None = None
        self.task: Any = None
        self._reads = 0  # a changed 交办日期 re-reads the sheet: only the latest read is shown
        self.setWindowTitle(self.tr("从表格批量交办"))
        self.resize(1180, 680)

        self.file_edit = QLineEdit(readOnly=True)
        self.file_edit.setPlaceholderText(self.tr("请选择交办清单（.xlsx、.xls 或 .et）：每行一条问题，含县（市、区）或责任单位列"))
        self.browse_button = QPushButton(self.tr("选择文件…"))
        self.browse_button.clicked.connect(self.choose_file)
        self.assigned_date = QDateEdit(_to_qdate(dt.date.today()))
        self.assigned_date.setCalendarPopup(True)
        self.assigned_date.setDisplayFormat("yyyy-MM-dd")
        self.assigned_date.setToolTip(self.tr("每条问题的交办日期：“N个工作日”从这天起算，完成时限不能早于这天"))
        self.assigned_date.dateChanged.connect(lambda _d: self._reload())
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("交办清单")))
        top.addWidget(self.file_edit, 1)
        top.addWidget(self.browse_button)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("交办日期")))
        top.addWidget(self.assigned_date)

        self.status = QLabel(self.tr("选择一个表格：先预览，确认后才交办。"))
        self.status.setWordWrap(True)
        self.only_errors = QCheckBox(self.tr("只看有错误的行"))
        self.only_errors.toggled.connect(lambda on: self.model.set_only_problems(on))

        self.model = AssignSheetModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.buttons = QDialogButtonBox()
        self.assign_button = QPushButton(self.tr("交办"))
        self.assign_button.setEnabled(False)
        self.assign_button.setDefault(True)
        self.assign_button.clicked.connect(self.do_assign)
        self.buttons.addButton(self.assign_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("关闭"))
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.status)
        lay.addWidget(self.only_errors)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.buttons)

    # --- reading the sheet --------------------------------------------------------------------
    def choose_file(self) -> None:
        """Ask for the sheet and preview it."""
        path = dialogs.open_file(self, self.tr("选择交办清单"), self.tr("表格文件 (*.xlsx *.xls *.et)"))
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        """Preview ``path`` (off the UI thread)."""
        self.file_edit.setText(path)
        self._reload()

    def _reload(self) -> None:
        path = self.file_edit.text()
        if not path:
            return
        db, assigned = self.ctx.db, _from_qdate(self.assigned_date.date())
        self.assign_button.setEnabled(False)
        self.status.setText(self.tr("正在读取表格…"))

        def work(progress: Any) -> SheetPreview:
            def step(done: int, total: int) -> None:
                progress(done, total, f"正在读取第 {done} 行，共 {total} 行…")

            progress(0, 0, "正在打开表格…")
            return assign_excel.preview_sheet(db, path, assigned_date=assigned, progress=step)

        self._reads += 1
        read = self._reads

        def done(pv: SheetPreview) -> None:
            if read == self._reads:
                self._show_preview(pv)

        def failed(exc: BaseException) -> None:
            if read == self._reads:
                self._preview_failed(exc)

        self.task = run_task(self, self.tr("读取交办清单"), work, on_done=done, on_error=failed,
                             on_cancelled=lambda: self.status.setText(self.tr("已取消读取")), cancellable=True)

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview = None
        self.model.set_rows([])
        self._set_assign_count(0)
        self.status.setText(dialogs.error_text(exc) if hasattr(exc, "action") else str(exc))
        dialogs.show_error(self, exc)

    def _show_preview(self, pv: SheetPreview) -> None:
        self.preview = pv
        self.model.set_rows(pv.rows)
        self.table.resizeColumnsToContents()
        for c, width in enumerate((60, 180, 360, 260, 190)):
            self.table.setColumnWidth(c, min(max(self.table.columnWidth(c), 60), width))
        ready = len(pv.ready)
        self._set_assign_count(ready)
        if pv.problems:
            self.status.setText(self.tr("无法交办：") + "；".join(pv.problems))
            return
        counties = len({r.county_code for r in pv.ready})
        text = self.tr("工作表“%1”：表头在第 %2 行，共 %3 行。可交办 %4 条（%5 个县区），已交办过而跳过 %6 条，有错误 %7 条。")
        for k, v in enumerate((pv.sheet, pv.header_row, len(pv.rows), ready, counties, len(pv.of(STATE_ASSIGNED)),
                               len(pv.of(STATE_ERROR))), start=1):
            text = text.replace(f"%{k}", str(v))
        if pv.of(STATE_ERROR):
            text += self.tr("有错误的行不会交办：请改好表格后重新选择，或先交办其余各行。")
        if pv.calendar_warning:
            text += " " + pv.calendar_warning
        self.status.setText(text)

    def _set_assign_count(self, n: int) -> None:
        self.assign_button.setText(self.tr("交办 %1 条").replace("%1", str(n)) if n else self.tr("交办"))
        self.assign_button.setEnabled(n > 0)

    # --- assigning ----------------------------------------------------------------------------
    def do_assign(self) -> None:
        """Confirm, then assign every ready row in one transaction (off the UI thread)."""
        pv = self.preview
        if pv is None or not pv.ready:
            return
        counties = len({r.county_code for r in pv.ready})
        text = self.tr("向 %1 个县（区）交办 %2 条问题？交办后随下次同步包送达各县（区）。").replace(
            "%1", str(counties)).replace("%2", str(len(pv.ready)))
        bad = len(pv.of(STATE_ERROR))
        if bad:
            text += self.tr("\n有错误的 %1 行不会交办。").replace("%1", str(bad))
        if not dialogs.confirm(self, text, self.tr("批量交办"), self.tr("交办")):
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.assign_button.setEnabled(False)

        def work(progress: Any) -> SheetResult:
            progress(0, 0, "正在交办…")
            return assign_excel.assign_from_sheet(db, actor, pv)

        self.task = run_task(self, self.tr("批量交办"), work, on_done=self._assigned, on_error=self._assign_failed)

    def _assign_failed(self, exc: BaseException) -> None:
        self._set_assign_count(len(self.preview.ready) if self.preview else 0)
        dialogs.show_error(self, exc)

    def _assigned(self, result: SheetResult) -> None:
        self.outcome = result
        notify(Kind.ISSUE, [a.issue_id for a in result.assigned])
        serials = [a.serial for a in result.assigned]
        text = self.tr("已交办 %1 条").replace("%1", str(len(serials)))
        if serials:
            text += f"（{serials[0]}–{serials[-1]}）" if len(serials) > 1 else f"（{serials[0]}）"
        text += self.tr("；已交办过而跳过 %1 条；有错误未交办 %2 条。请导出同步包送达各县（区）。").replace(
            "%1", str(len(result.skipped))).replace("%2", str(len(result.errors)))
        dialogs.info(self, text)
        self.accept()
