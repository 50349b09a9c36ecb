"""设置 › 审计日志 (审计员 and 系统管理员): the audit trail filtered by person, action and date, exported to
Excel, and the chain checked (the same check as ``fielddesk audit verify``)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.core import audit_log
from desktop_app.core.context import AppContext
from desktop_app.excel import audit_export
from ui import dialogs
from ui.rows_model import RowsTableModel, cell_columns
from ui.settings.widgets import button, table
from ui.signals import Kind, bus


class AuditTab(QWidget):
    """审计日志."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[audit_log.AuditRow] = []
        self.person = QLineEdit()
        self.person.setPlaceholderText(self.tr("操作人姓名或登录名"))
        self.person.returnPressed.connect(self.refresh)
        self.action = QComboBox()
        self.action.addItem(self.tr("全部操作"), "")
        for key, label in audit_log.ACTION_LABELS.items():
            self.action.addItem(label, key)
        self.by_date = QCheckBox(self.tr("日期"))
        self.start = QDateEdit(QDate.currentDate().addMonths(-1))
        self.end = QDateEdit(QDate.currentDate())
        for d in (self.start, self.end):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.query_btn = button(self.tr("查询"), primary=True)
        self.query_btn.clicked.connect(self.refresh)
        self.export_btn = button(self.tr("导出Excel…"))
        self.export_btn.clicked.connect(self.export)
        self.verify_btn = button(self.tr("校验完整性"))
        self.verify_btn.clicked.connect(self.verify)
        self.model = RowsTableModel(cell_columns([self.tr("时间"), self.tr("操作人"), self.tr("登录名"), self.tr("操作"), self.tr("对象"),
                                self.tr("详情")]), self)
        self.view = table(self.model, self)
        self.count = QLabel()
        filters = QHBoxLayout()
        for w in (self.person, self.action, self.by_date, self.start, QLabel("—"), self.end, self.query_btn):
            filters.addWidget(w)
        filters.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.verify_btn)
        bottom.addWidget(self.export_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        lay.addLayout(filters)
        lay.addWidget(self.view, 1)
        lay.addLayout(bottom)
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _allowed(self) -> bool:
        rights = self.ctx.actor.rights
        return rights is None or "audit" in rights

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, "accounts"):
            self.refresh()

    def _range(self) -> tuple[dt.date | None, dt.date | None]:
        if not self.by_date.isChecked():
            return None, None
        s, e = self.start.date(), self.end.date()
        return dt.date(s.year(), s.month(), s.day()), dt.date(e.year(), e.month(), e.day())

    def refresh(self) -> None:
        """Read the log as filtered (only for 审计员 and 系统管理员; others see why)."""
        allowed = self._allowed()
        for w in (self.query_btn, self.export_btn, self.verify_btn, self.person, self.action):
            w.setEnabled(allowed)
            w.setToolTip("" if allowed else self.tr("需要“审计日志”权限（审计员或系统管理员）"))
        if not allowed:
            self.rows = []
            self.model.set_keyed([])
            self.count.setText(self.tr("审计日志仅审计员和系统管理员可以查看"))
            return
        start, end = self._range()
        with dialogs.guard(self) as done:
            self.rows = audit_log.list_entries(self.ctx.db, self.ctx.actor, self.person.text(),
                                               str(self.action.currentData() or ""), start, end)
        if done.ok:
            self.model.set_keyed([(r.id, (r.at, r.actor, r.login, r.action_label, r.target, r.details))
                                 for r in self.rows])
            self.count.setText(self.tr("共 %1 条").replace("%1", str(len(self.rows))))

    def export(self, path: str | None = None) -> None:
        """Export the lines shown to .xlsx."""
        path = path or dialogs.save_file(self, self.tr("导出审计日志"), self.tr("Excel 工作簿 (*.xlsx)"))
        if not path:
            return
        from pathlib import Path

        with dialogs.guard(self) as done:
            n = audit_export.export_entries(self.ctx.db, self.ctx.actor, Path(path), self.rows)
        if done.ok:
            dialogs.file_saved(self, self.tr("已导出 %1 条审计记录：%2").replace("%1", str(n)).replace("%2", path), path)

    def verify(self) -> None:
        """Check the hash chain and its head, as ``fielddesk audit verify`` does."""
        with dialogs.guard(self) as done:
            report = audit_log.verify(self.ctx.db, self.ctx.actor)
        if not done.ok:
            return
        if report.ok:
            dialogs.info(self, report.message)
        else:
            dialogs.warn(self, self.tr("%1\n\n请保留现场并报告单位负责人，可从备份中核对被改动前的记录。")
                         .replace("%1", report.message))
