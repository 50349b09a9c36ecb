"""挂钩联系 tab: contact villages, paired households and service items with the year's rhythm
(Q1–Q4 ✓/✗ for households, problems solved for villages, done or late for service items)."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from desktop_app.campaign import contacts
from desktop_app.campaign.contacts import CONTACT_KIND_LABELS, ContactStatus
from desktop_app.core.context import AppContext
from desktop_app.org import scope
from ui import dialogs
from ui.campaign.contact_dialog import ContactDialog
from ui.enabling import follow_selection, need_selection, set_enabled
from ui.rows_model import Column, RowsTableModel
from ui.work.widgets import fit_columns, table_view


def _keeper(c: ContactStatus) -> str:
    return "、".join(x for x in (c.section_name, c.person_name) if x)


COLUMNS: list[Column[ContactStatus]] = [
    Column("类型", lambda c: c.kind_label), Column("名称", lambda c: c.name), Column("乡镇/地址", lambda c: c.township),
    Column("联系科室/人", _keeper), Column("完成时限", lambda c: c.due),
    Column("本年情况", lambda c: c.rhythm_text),
    Column("是否达标", lambda c: "达标" if c.met else "未达标", colour=lambda c: None if c.met else "#c0392b"),
    Column("依据", lambda c: "；".join(c.evidence)),
]


class ContactsTab(QWidget):
    """挂钩联系."""

    def __init__(self, ctx: AppContext, year: QSpinBox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.year = ctx, year
        #: the 查看范围 (``services.scope``), set by the page: another office's points are read-only here
        self.office = ""
        self.kind = QComboBox()
        self.kind.addItem(self.tr("全部类型"), "")
        for key, label in CONTACT_KIND_LABELS.items():
            self.kind.addItem(self.tr(label), key)
        self.kind.currentIndexChanged.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.kind)
        bar.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("add", self.tr("添加"), self.add), ("edit", self.tr("编辑"), self.edit),
                                ("done", self.tr("办结"), self.mark_done), ("remove", self.tr("删除"), self.remove)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            bar.addWidget(b)
            self.buttons[key] = b
        self.buttons["add"].setObjectName("Primary")
        self.buttons["remove"].setObjectName("Danger")
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.add)
        QShortcut(QKeySequence.StandardKey.Delete, self, activated=self.remove)
        self.model: RowsTableModel[ContactStatus] = RowsTableModel(COLUMNS, self)
        self.table = table_view(self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self._follow = follow_selection(self.table, [self.buttons[k] for k in ("edit", "done", "remove")],
                                        need_selection(self.tr("个挂钩村或结对户")), blocked=self._foreign)
        hint = QLabel(self.tr("结对户每季度至少走访一次（只计“已完成”的调研，且由联系人或联系科室走访，地点、目的或发现"
                              "中写明户主姓名或所在村）；挂钩村每年至少解决一个问题（问题台账中已完成或已销号、写明该村的问题）。"))
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("Hint")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(bar)
        lay.addWidget(hint)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.summary)

    def _foreign(self) -> str | None:
        """Why nothing here may be changed: another office's points are on screen (None for this office's)."""
        if not getattr(self, "office", ""):
            return None
        return self.tr("正在查看其他单位的挂钩联系：由该单位录入和修改，本单位只能查看。")

    def refresh(self) -> None:
        """Reload the points of the kind on screen with their rhythm in the year."""
        for key, b in self.buttons.items():
            if key not in ("edit", "done", "remove"):
                set_enabled(b, self._foreign())
        self._follow()
        if self.office == scope.ALL:  # a point's rhythm is read from its own office's visits and ledger
            self.model.set_items([])
            self.summary.setText(self.tr("挂钩联系按单位分别统计：请在“查看范围”中选择一个单位。"))
            return
        with dialogs.guard(self) as done:
            rows = contacts.contact_status(self.ctx.db, self.year.value(), kind=self.kind.currentData() or "",
                                           office=self.office)
        if not done.ok:
            return
        self.model.set_items(rows)
        fit_columns(self.table)
        missed = sum(1 for r in rows if not r.met)
        self.summary.setText(self.tr("共 %1 个，未达标 %2 个").replace("%1", str(len(rows))).replace("%2", str(missed)))

    def selected(self) -> ContactStatus | None:
        """The point of the current row."""
        i = self.table.currentIndex()
        return self.model.items[i.row()] if i.isValid() and i.row() < len(self.model.items) else None

    def add(self) -> None:
        """添加 a point of the kind on screen."""
        if self.office:
            return
        dlg = ContactDialog(self.ctx, self.year.value(), self.kind.currentData() or "village", parent=self)
        if dlg.exec() and dlg.saved_id:
            self.refresh()

    def edit(self) -> None:
        """Edit the selected point."""
        point = self.selected()
        if self.office:  # another office's point: read-only here (Delete and a double click land here too)
            return
        if point is None:
            dialogs.info(self, self.tr("请先在列表中选择一项"))
            return
        dlg = ContactDialog(self.ctx, self.year.value(), point.kind, point, parent=self)
        if dlg.exec() and dlg.saved_id:
            self.refresh()

    def mark_done(self) -> None:
        """办结 the selected service item."""
        point = self.selected()
        if self.office:  # another office's point: read-only here (Delete and a double click land here too)
            return
        if point is None or point.kind != "service":
            dialogs.info(self, self.tr("请先选择一项服务清单事项"))
            return
        with dialogs.guard(self) as done:
            contacts.set_state(self.ctx.db, self.ctx.actor, point.id, "done")
        if done.ok:
            self.refresh()

    def remove(self) -> None:
        """Remove the selected point after confirming."""
        point = self.selected()
        if self.office:  # another office's point: read-only here (Delete and a double click land here too)
            return
        if point is None:
            dialogs.info(self, self.tr("请先在列表中选择一项"))
            return
        if not dialogs.confirm(self, self.tr("删除%1“%2”？").replace("%1", point.kind_label).replace("%2", point.name),
                               self.tr("删除"), self.tr("删除"), danger=True):
            return
        with dialogs.guard(self) as done:
            contacts.remove_point(self.ctx.db, self.ctx.actor, point.id)
        if done.ok:
            self.refresh()
