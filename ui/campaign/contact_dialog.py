"""添加/编辑挂钩联系点 — a contact village, a paired household or a service item."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from desktop_app.campaign import contacts
from desktop_app.campaign.contacts import CONTACT_KIND_LABELS, CONTACT_STATES, ContactInput, ContactStatus
from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_people, list_sections
from ui.work.topic_dialogs import _FormDialog  # the app's form with an inline error line and 保存/取消
from ui.work.widgets import date_edit, from_qdate, select_data


def _optional_date(value: dt.date | None, label: str) -> tuple[QCheckBox, QDateEdit, QHBoxLayout]:
    box = QCheckBox(label)
    edit = date_edit(value or dt.date.today())
    box.setChecked(value is not None)
    edit.setEnabled(value is not None)
    box.toggled.connect(edit.setEnabled)
    row = QHBoxLayout()
    row.addWidget(box)
    row.addWidget(edit, 1)
    return box, edit, row


class ContactDialog(_FormDialog):
    """Record (``point`` None) or edit a contact point; ``kind`` preselects 挂钩村/结对户/服务清单."""

    def __init__(self, ctx: AppContext, year: int, kind: str = "village", point: ContactStatus | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑挂钩联系") if point else self.tr("添加挂钩联系"), parent)
        self.ctx, self.year, self.point = ctx, year, point
        self.saved_id: str | None = None
        self.kind = QComboBox()
        for key, label in CONTACT_KIND_LABELS.items():
            self.kind.addItem(self.tr(label), key)
        select_data(self.kind, point.kind if point else kind)
        self.name = QLineEdit(point.name if point else "")
        self.name.setObjectName("name")
        self.township = QLineEdit(point.township if point else "")
        self.township.setPlaceholderText(self.tr("例如 勐阿镇纳京村（结对户写到村，可据此识别走访）"))
        self.section = QComboBox()
        self.section.addItem(self.tr("（不指定）"), None)
        for sec in list_sections(ctx.db):
            self.section.addItem(sec.name, sec.id)
        self.person = QComboBox()
        self.person.addItem(self.tr("（不指定，由科室负责）"), None)
        for p in list_people(ctx.db, year):
            self.person.addItem(f"{p.name}（{p.section_name}）", p.id)
        self.state = QComboBox()
        for key, label in CONTACT_STATES.items():
            self.state.addItem(self.tr(label), key)
        self.has_due, self.due, due_row = _optional_date(point.due if point else None, self.tr("填写"))
        self.has_start, self.start, start_row = _optional_date(point.started_on if point else None, self.tr("填写"))
        self.has_end, self.end, end_row = _optional_date(point.ended_on if point else None, self.tr("填写"))
        self.notes = QPlainTextEdit(point.notes if point else "")
        self.notes.setFixedHeight(60)
        if point:
            select_data(self.section, point.section_id)
            select_data(self.person, point.person_id)
            select_data(self.state, point.state)
        self.form.addRow(self.tr("类型"), self.kind)
        self.form.addRow(self.tr("名称"), self.name)
        self.form.addRow(self.tr("乡镇/地址"), self.township)
        self.form.addRow(self.tr("联系科室"), self.section)
        self.form.addRow(self.tr("联系人"), self.person)
        self.form.addRow(self.tr("完成时限"), due_row)
        self.form.addRow(self.tr("状态"), self.state)
        self.form.addRow(self.tr("开始日期"), start_row)
        self.form.addRow(self.tr("结束日期"), end_row)
        self.form.addRow(self.tr("备注"), self.notes)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.resize(520, self.sizeHint().height())

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.name.setPlaceholderText({"village": self.tr("村名，例如 勐阿镇纳京村"),
                                      "household": self.tr("户主姓名，例如 岩温"),
                                      "service": self.tr("事项，例如 修缮村活动场所")}[kind])
        service = kind == "service"
        self.has_due.setEnabled(service)
        self.state.setEnabled(service)
        if service and not self.has_due.isChecked():
            self.has_due.setChecked(True)

    def data(self) -> ContactInput:
        """What the form says."""
        kind = self.kind.currentData()
        service = kind == "service"
        return ContactInput(
            kind=kind, name=self.name.text().strip(), township=self.township.text().strip(),
            section_id=self.section.currentData(), person_id=self.person.currentData(),
            year=(from_qdate(self.due.date()).year if self.has_due.isChecked() else self.year) if service else None,
            started_on=from_qdate(self.start.date()) if self.has_start.isChecked() else None,
            ended_on=from_qdate(self.end.date()) if self.has_end.isChecked() else None,
            due=from_qdate(self.due.date()) if service and self.has_due.isChecked() else None,
            state=self.state.currentData() if service else "open", notes=self.notes.toPlainText().strip())

    def _save(self) -> None:
        if self.point:
            contacts.update_point(self.ctx.db, self.ctx.actor, self.point.id, self.data())
            self.saved_id = self.point.id
        else:
            self.saved_id = contacts.add_point(self.ctx.db, self.ctx.actor, self.data())
