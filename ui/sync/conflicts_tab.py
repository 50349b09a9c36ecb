"""冲突 — values that lost a concurrent edit, both versions side by side; resolving is a new edit that travels."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.sync import conflicts
from ui import dialogs, layout_memory
from ui.rows_model import RowsTableModel
from ui.signals import Kind, notify


class ConflictsTab(QWidget):
    """The conflicts list with 保留当前值 / 采用另一版本."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.show_resolved = QCheckBox(self.tr("显示已处理的冲突"))
        self.keep_btn = QPushButton(self.tr("保留当前值"))
        self.take_btn = QPushButton(self.tr("采用另一版本"))
        self.summary = QLabel()
        self.model = RowsTableModel([
            (self.tr("数据"), lambda c: c.table_label), (self.tr("记录"), lambda c: c.row_label),
            (self.tr("字段"), lambda c: c.field_label),
            (self.tr("当前值"), lambda c: c.winner_text),
            (self.tr("当前值来自"), lambda c: f"{c.winner_office} {c.winner_time:%Y-%m-%d %H:%M}"),
            (self.tr("另一版本"), lambda c: c.loser_text),
            (self.tr("另一版本来自"), lambda c: f"{c.loser_office} {c.loser_time:%Y-%m-%d %H:%M}"),
            (self.tr("状态"), lambda c: self.tr("已处理（{who}）").format(who=c.resolved_by) if c.resolved else
             self.tr("待处理")),
        ], self, background=lambda c: None if c.resolved else "#fff3cd")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)  # row numbers mean nothing here; other pages hide them too
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        top = QHBoxLayout()
        for w in (self.keep_btn, self.take_btn, self.show_resolved):
            top.addWidget(w)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("两个单位同时修改了同一字段时，各单位按同一规则选出当前值；另一版本保存在这里，"
                                     "处理后会随数据包同步到其他单位。")))
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.table)
        self.keep_btn.clicked.connect(lambda: self.resolve("winner"))
        self.take_btn.clicked.connect(lambda: self.resolve("loser"))
        self.show_resolved.toggled.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Reload the list."""
        rows = conflicts.list_conflicts(self.ctx.db, include_resolved=self.show_resolved.isChecked())
        self.model.set_items(rows)
        self.summary.setText(self.tr("待处理冲突：{n} 条").format(n=conflicts.count_open(self.ctx.db)))
        layout_memory.fit_to_contents(self.table)

    def resolve(self, keep: str) -> None:
        """Resolve the selected conflict keeping one version."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            dialogs.info(self, self.tr("请先在列表中选择一条冲突"))
            return
        c = self.model.rows[rows[0].row()]
        with dialogs.guard(self) as g:
            conflicts.resolve(self.ctx.db, self.ctx.actor, c.id, keep)
        if g.ok:
            notify(Kind.SYNC, [c.row_id])  # the page refreshes this tab and its badge
            self.refresh()
