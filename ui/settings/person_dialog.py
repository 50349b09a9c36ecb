"""人员信息 — the form for adding or editing one person."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.org.organisation import PersonInfo, PersonInput
from ui import dialogs
from ui.form_dialog import FormDialog


class PersonDialog(FormDialog):
    """Add or edit a person. ``value()`` gives the ``PersonInput`` and ``active``.

    ``save`` (set by the caller) stores the form on 保存; the form closes only when it returns True,
    so a refusal (姓名不能为空) leaves what the clerk typed on screen to correct.
    """

    def __init__(self, sections: list[str], leader_quota: int, staff_quota: int,
                 person: PersonInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.leader_quota, self.staff_quota = leader_quota, staff_quota
        self.save: Callable[[PersonInput, bool], bool] | None = None
        self.setWindowTitle(self.tr("编辑人员") if person else self.tr("添加人员"))
        self.setMinimumWidth(420)
        form = QFormLayout()
        self.name = QLineEdit()
        self.section = QComboBox()
        self.section.addItems(sections)
        self.post = QLineEdit()
        self.post.setPlaceholderText(self.tr("例如 局长、科长、科员"))
        self.leader = QCheckBox(self.tr("领导（班子成员）"))
        self.own_quota = QCheckBox(self.tr("单独设定"))
        self.quota = QSpinBox()
        self.quota.setRange(0, 366)
        self.quota.setSuffix(self.tr(" 天"))
        self.quota.setMinimumWidth(100)
        self.phone = QLineEdit()
        self.active = QCheckBox(self.tr("在岗"))
        self.active.setChecked(True)
        quota_row = QHBoxLayout()
        quota_row.addWidget(self.quota)
        quota_row.addWidget(self.own_quota)
        quota_row.addStretch(1)
        form.addRow(self.tr("姓名"), self.name)
        form.addRow(self.tr("科室"), self.section)
        form.addRow(self.tr("职务"), self.post)
        form.addRow(self.tr("身份"), self.leader)
        form.addRow(self.tr("年度基层调研天数"), quota_row)
        form.addRow(self.tr("联系电话"), self.phone)
        form.addRow(self.tr("状态"), self.active)
        self.hint = QLabel()
        self.hint.setObjectName("Hint")
        self.hint.setWordWrap(True)
        self.buttons = dialogs.ok_cancel(self, self.tr("保存"))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.hint)
        lay.addWidget(self.buttons)
        self.leader.toggled.connect(self._sync_quota)
        self.own_quota.toggled.connect(self._sync_quota)
        if person is not None:
            self.name.setText(person.name)
            self.section.setCurrentText(person.section_name)
            self.post.setText(person.post)
            self.leader.setChecked(person.is_leader)
            self.own_quota.setChecked(person.quota_days is not None)
            self.quota.setValue(person.effective_quota)
            self.phone.setText(person.phone)
            self.active.setChecked(person.active)
        else:
            self.active.hide()
            form.labelForField(self.active).hide()
        self._sync_quota()

    def _sync_quota(self) -> None:
        default = self.leader_quota if self.leader.isChecked() else self.staff_quota
        self.quota.setEnabled(self.own_quota.isChecked())
        if not self.own_quota.isChecked():
            self.quota.setValue(default)
        self.hint.setText(self.tr("未单独设定时按年度定额：领导 %1 天，工作人员 %2 天。")
                          .replace("%1", str(self.leader_quota)).replace("%2", str(self.staff_quota)))

    def accept(self) -> None:
        """Close only once the person is stored (no ``save``: close at once)."""
        if self.save is None or self.save(*self.value()):
            super().accept()

    def value(self) -> tuple[PersonInput, bool]:
        """The entered person and whether they are active."""
        return (PersonInput(self.name.text(), self.section.currentText(), self.post.text().strip(),
                            self.leader.isChecked(), self.quota.value() if self.own_quota.isChecked() else None,
                            self.phone.text().strip()),
                self.active.isChecked())
