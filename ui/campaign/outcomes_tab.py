"""成果转化运用清单 tab: the year's outcomes, filtered by kind, section, source and published or not;
add, edit, remove (after confirming), export .xlsx and print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from desktop_app.campaign import outcomes
from desktop_app.campaign.outcomes import OUTCOME_KINDS, OutcomeFilter, OutcomeRow
from desktop_app.core.context import AppContext
from desktop_app.org import scope
from desktop_app.org.lookups import office_names
from desktop_app.org.organisation import list_sections
from ui import dialogs
from ui.campaign.outcome_dialog import OutcomeDialog
from ui.enabling import follow_selection, need_selection, set_enabled
from ui.rows_model import Column, RowsTableModel
from ui.signals import Kind, notify
from ui.work.widgets import fit_columns, table_view

COLUMNS: list[Column[OutcomeRow]] = [
    Column("科室", lambda r: r.section_name), Column("成果类型", lambda r: r.kind),
    Column("成果名称", lambda r: r.title), Column("文号", lambda r: r.doc_no), Column("日期", lambda r: r.date),
    Column("采纳单位", lambda r: r.adopted_by), Column("来源", lambda r: r.source_text),
    Column("刊发载体", lambda r: r.published_in), Column("刊发日期", lambda r: r.published_on),
]


class OutcomesTab(QWidget):
    """成果转化运用清单."""

    def __init__(self, ctx: AppContext, year: QSpinBox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.year = ctx, year
        #: the 查看范围 (``services.scope``), set by the page: another office's outcomes are read-only here
        self.office = ""
        self.office_names: dict[str, str] = {}
        self.kind, self.section, self.source, self.published = QComboBox(), QComboBox(), QComboBox(), QComboBox()
        self.kind.addItem(self.tr("全部类型"), "")
        for k in OUTCOME_KINDS:
            self.kind.addItem(k, k)
        self.section.addItem(self.tr("全部科室"), "")
        for key, label in (("", "全部来源"), ("topic", "调研课题"), ("issue", "问题台账"), ("meeting", "会议研讨"),
                           ("none", "其他")):
            self.source.addItem(self.tr(label), key)
        for value, label in ((None, "刊发与否"), (True, "已刊发"), (False, "未刊发")):
            self.published.addItem(self.tr(label), value)
        for combo in (self.kind, self.section, self.source, self.published):
            combo.currentIndexChanged.connect(self.refresh)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for w in (self.kind, self.section, self.source, self.published):
            bar.addWidget(w)
        bar.addStretch(1)
        for key, text, slot in (("add", self.tr("添加成果"), self.add), ("edit", self.tr("编辑"), self.edit),
                                ("remove", self.tr("删除"), self.remove), ("export", self.tr("导出Excel…"), self.export),
                                ("print", self.tr("打印…"), self.print_list)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            bar.addWidget(b)
            self.buttons[key] = b
        self.buttons["add"].setObjectName("Primary")
        self.buttons["remove"].setObjectName("Danger")
        self.buttons["add"].setToolTip(self.tr("添加成果（Ctrl+N）"))
        self.buttons["remove"].setToolTip(self.tr("删除所选成果（Delete）"))
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.add)
        QShortcut(QKeySequence.StandardKey.Delete, self, activated=self.remove)
        self.model: RowsTableModel[OutcomeRow] = RowsTableModel(
            [Column("单位", lambda r: self.office_names.get(r.office_code, r.office_code)), *COLUMNS], self)
        self.table = table_view(self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self._follow = follow_selection(self.table, [self.buttons["edit"], self.buttons["remove"]],
                                        need_selection(self.tr("项成果")), blocked=self._foreign)
        self.summary = QLabel()
        self.summary.setObjectName("Hint")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.summary)
        self._fill_sections()

    def _fill_sections(self) -> None:
        keep = self.section.currentData()
        self.section.blockSignals(True)
        while self.section.count() > 1:
            self.section.removeItem(1)
        for sec in (list_sections(self.ctx.db) if not self.office else []):  # another office: by its sections' names
            self.section.addItem(sec.name, sec.id)
        i = self.section.findData(keep)
        self.section.setCurrentIndex(max(0, i))
        self.section.blockSignals(False)

    def filter(self) -> OutcomeFilter:
        """The filter on screen."""
        return OutcomeFilter(year=self.year.value(), kind=self.kind.currentData() or "",
                             section_id=self.section.currentData() or "", source=self.source.currentData() or "",
                             published=self.published.currentData())

    def refresh(self) -> None:
        """Reload the list through the filter on screen."""
        with dialogs.guard(self) as done:
            rows = outcomes.list_outcomes(self.ctx.db, self.filter(), office=self.office)
            self.office_names = office_names(self.ctx.db) if self.office == scope.ALL else {}
        if not done.ok:
            return
        self.model.set_items(rows)
        self.table.setColumnHidden(0, self.office != scope.ALL)
        fit_columns(self.table)
        set_enabled(self.buttons["add"], self._foreign())
        self._follow()
        c = outcomes.counts_by_kind(rows)
        self.summary.setText(self.tr("共 %1 项：").replace("%1", str(len(rows)))
                             + "、".join(f"{k} {c[k]} 项" for k in OUTCOME_KINDS)
                             + self.tr("；已推介刊发 %1 项").replace("%1", str(c["已刊发"])))

    def _foreign(self) -> str | None:
        """Why nothing here may be changed: another office's list is on screen (None for this office's)."""
        if not getattr(self, "office", ""):
            return None
        return self.tr("正在查看其他单位的成果转化运用清单：由该单位录入和修改，本单位只能查看、打印和导出。")

    def selected(self) -> OutcomeRow | None:
        """The outcome of the current row."""
        i = self.table.currentIndex()
        return self.model.items[i.row()] if i.isValid() and i.row() < len(self.model.items) else None

    def add(self) -> None:
        """添加成果."""
        if self.office:
            return
        dlg = OutcomeDialog(self.ctx, self.year.value(), parent=self)
        if dlg.exec() and dlg.saved:
            self.refresh()

    def edit(self) -> None:
        """Edit the selected outcome."""
        row = self.selected()
        if self.office:
            return
        if row is None:
            dialogs.info(self, self.tr("请先在列表中选择一项成果"))
            return
        dlg = OutcomeDialog(self.ctx, self.year.value(), row, parent=self)
        if dlg.exec() and dlg.saved:
            self.refresh()

    def remove(self) -> None:
        """Remove the selected outcome after confirming."""
        row = self.selected()
        if self.office:
            return
        if row is None:
            dialogs.info(self, self.tr("请先在列表中选择一项成果"))
            return
        if not dialogs.confirm(self, self.tr("删除成果“%1”？\n\n删除后将从成果转化运用清单中移除，并同步到上级单位。")
                               .replace("%1", row.title), self.tr("删除成果"), self.tr("删除"), danger=True):
            return
        with dialogs.guard(self) as done:
            outcomes.remove_outcome(self.ctx.db, self.ctx.actor, row.id)
        if done.ok:
            notify(Kind.TOPIC, [row.id])
            self.refresh()

    def export(self, path: str | None = None) -> Any:
        """Save the list as filtered on screen as .xlsx (off the UI thread)."""
        from desktop_app.excel.outcome_files import export_outcomes
        from ui.tasks import run_task

        target = path or dialogs.save_file(self, self.tr("导出 Excel"), self.tr("Excel 文件 (*.xlsx)"),
                                           f"成果转化运用清单{self.year.value()}.xlsx")
        if not target:
            return None
        out = Path(target if target.lower().endswith(".xlsx") else target + ".xlsx")
        f, db, office = self.filter(), self.ctx.db, self.office

        def work(progress: Any) -> Any:
            return export_outcomes(db, out, office=office, f=f, progress=lambda n: progress(n, 0, f"已写入 {n} 行…"))

        def done(result: Any) -> None:
            from desktop_app.core import audit_log

            with dialogs.guard(self):
                audit_log.record_output(self.ctx.db, self.ctx.actor, "export", "outcomes", str(result.path))
            dialogs.file_saved(self, self.tr("已导出 %1 行到 %2").replace("%1", str(result.rows))
                               .replace("%2", str(result.path)), result.path)

        return run_task(self, self.tr("导出 Excel"), work, on_done=done, cancellable=True)

    def print_list(self) -> None:
        """Preview the list as filtered on screen (print or save as PDF)."""
        import datetime as dt

        from desktop_app.reports.jobs import PrintJob
        from ui.print.preview_dialog import open_print_preview

        open_print_preview(self, self.ctx, PrintJob("outcomes", year=self.year.value(), filter=self.filter(),
                                                    today=dt.date.today(), office=self.office))
