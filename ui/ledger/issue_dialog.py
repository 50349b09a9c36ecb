"""问题登记/编辑/交办 — the dialog that records a new ledger item, edits one, or (prefecture) assigns one to a county."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.core.ledger_codes import ISSUE_KIND_LABELS, ISSUE_SOURCE_LABELS
from desktop_app.ledger import assign as assigning
from desktop_app.ledger import lifecycle, service
from desktop_app.ledger.completeness import MAX_WORKDAYS_WITHOUT_REASON
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.types import IssueInput
from desktop_app.org import organisation
from ui import dialogs
from ui.form_dialog import FormDialog
from ui.signals import Kind, notify


def to_qdate(d: dt.date) -> QDate:
    """A QDate from a date."""
    return QDate(d.year, d.month, d.day)


def from_qdate(q: QDate) -> dt.date:
    """A date from a QDate."""
    return dt.date(q.year(), q.month(), q.day())


class _EnterMovesOn(QObject):
    """Enter in an editable drop-down (a 责任单位 not in the list…) takes the typed text and moves to the next
    field: it must not press 保存 with the form half filled. Ctrl+Enter still saves."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            # as Tab would: the combo keeps the typed text (currentText) and the next field takes the focus
            QApplication.sendEvent(watched, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab,
                                                      Qt.KeyboardModifier.NoModifier))
            return True
        return False


class IssueDialog(FormDialog):
    """Record a new item (``issue_id`` None) or edit an existing one. ``saved_id`` holds the result.

    With ``assign`` (a prefecture office, new items only) the item is assigned (交办) to the
    county chosen in the required 责任县（区） combo (``county`` preselects one): its source is
    上级交办, and its progress, people and units are the county's to fill in.
    """

    def __init__(self, ctx: AppContext, parent: Any = None, issue_id: str | None = None, assign: bool = False,
                 county: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.issue_id = issue_id
        self.version: int | None = None  # the item's row version when loaded (edits of a stale copy are refused)
        self.assign = assign and issue_id is None
        self.saved_id: str | None = None
        self.setWindowTitle(self.tr("编辑问题") if issue_id else self.tr("交办问题") if self.assign else self.tr("登记问题"))
        self.resize(640, 600)
        self._build_county(county)
        self._build_what()
        self._build_who()
        deadline_box = self._build_deadline()
        self.progress = QPlainTextEdit()
        self.progress.setPlaceholderText(self.tr("已采取的整改措施和进展（可留空）"))
        self.progress.setMaximumHeight(70)
        self.progress.setTabChangesFocus(True)
        buttons = dialogs.ok_cancel(self, self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip(self.tr("保存（Ctrl+Enter）"))
        lay = QVBoxLayout(self)
        lay.addLayout(self._build_form(deadline_box))
        lay.addWidget(buttons)
        self._connect_keys()
        for sig in (self.by_date.toggled, self.by_workdays.toggled, self.no_deadline.toggled):
            sig.connect(lambda _c: self._update_preview())
        self.workdays.valueChanged.connect(lambda _v: self._update_preview())
        self.assigned.dateChanged.connect(lambda _d: self._update_preview())
        if issue_id:
            self._load(issue_id)
        self._update_preview()

    def _build_county(self, county: str) -> None:
        """责任县（区）: whom a prefecture assigns the item to (filled only when assigning)."""
        self.county = QComboBox()
        if self.assign:
            self.county.addItem(self.tr("（请选择）"), "")
            for choice in assigning.assignable_counties(self.ctx.db):
                self.county.addItem(choice.name, choice.code)
            self.county.setCurrentIndex(max(0, self.county.findData(county)) if county else 0)
            self.county.setToolTip(self.tr("交办给哪个县（区）：问题归该县（区）整改，完成时限和销号审核由本单位负责"))

    def _build_what(self) -> None:
        """The problem, the measures, its category, kind and source."""
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(self.tr("存在的问题（必填）"))
        self.measures = QPlainTextEdit()
        self.measures.setPlaceholderText(self.tr("整改措施"))
        # Tab moves to the next field, as in every other box of the form (a clerk never types a tab here)
        for edit in (self.description, self.measures):
            edit.setTabChangesFocus(True)
        self.category = QComboBox()
        self.category.setEditable(True)
        for c in ("基层党建", "产业发展", "乡村治理", "民生保障", "作风建设", "其他"):
            self.category.addItem(c)
        self.category.setCurrentText("")
        self.kind = QComboBox()
        for k, v in ISSUE_KIND_LABELS.items():
            self.kind.addItem(v, k)
        self.kind.setCurrentIndex(self.kind.findData("dated"))
        self.source = QComboBox()
        for k, v in ISSUE_SOURCE_LABELS.items():
            self.source.addItem(v, k)
        self.source.setCurrentIndex(self.source.findData("assigned" if self.assign else "self"))
        self.source.setEnabled(not self.assign)  # an assigned item is 上级交办

    def _build_who(self) -> None:
        """牵头领导, 责任人, 责任单位 (typed or picked from this office's) and 配合单位."""
        ctx = self.ctx
        # the people and units of an assigned item are the county's, not this office's
        people = [p for p in organisation.list_people(ctx.db)] if ctx.db.office_code and not self.assign else []
        self.leader = self._names([p.name for p in people if p.is_leader])
        self.person = self._names([p.name for p in people])
        self.unit = self._names([s.name for s in organisation.list_sections(ctx.db)]
                                if ctx.db.office_code and not self.assign else [])
        if self.assign:
            line = self.unit.lineEdit()
            if line is not None:
                line.setPlaceholderText(self.tr("留空则为所选县（区）"))
        self.co_units = QLineEdit()

    def _build_deadline(self) -> QWidget:
        """交办日期 and 完成时限: a date, N working days (previewed), or none; a reason past 15 days."""
        self.assigned = QDateEdit(to_qdate(dt.date.today()))
        self.assigned.setCalendarPopup(True)
        self.assigned.setDisplayFormat("yyyy-MM-dd")
        self.by_date = QRadioButton(self.tr("具体日期"))
        self.by_workdays = QRadioButton(self.tr("工作日内"))
        self.no_deadline = QRadioButton(self.tr("无（长期坚持）"))
        group = QButtonGroup(self)
        for b in (self.by_date, self.by_workdays, self.no_deadline):
            group.addButton(b)
        self.by_date.setChecked(True)
        self.deadline = QDateEdit(to_qdate(dt.date.today() + dt.timedelta(days=30)))
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.workdays = QSpinBox()
        self.workdays.setRange(1, service.MAX_WORKDAYS)
        self.workdays.setValue(7)
        self.workdays.setSuffix(self.tr(" 个工作日"))
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        # more than 15 working days needs a stated reason (completeness)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("超过15个工作日的，须说明理由"))
        row = QHBoxLayout()
        for w in (self.by_date, self.deadline, self.by_workdays, self.workdays, self.no_deadline):
            row.addWidget(w)
        row.addStretch(1)
        deadline_box = QWidget()
        deadline_box.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        return deadline_box

    def _build_form(self, deadline_box: QWidget) -> QFormLayout:
        form = QFormLayout()
        if self.assign:
            form.addRow(self.tr("责任县（区）*"), self.county)
        form.addRow(self.tr("问题描述*"), self.description)
        form.addRow(self.tr("整改措施*"), self.measures)
        form.addRow(self.tr("问题类别"), self.category)
        form.addRow(self.tr("整改类型"), self.kind)
        form.addRow(self.tr("问题来源"), self.source)
        form.addRow(self.tr("牵头领导"), self.leader)
        form.addRow(self.tr("责任单位*"), self.unit)
        form.addRow(self.tr("配合单位"), self.co_units)
        form.addRow(self.tr("责任人*"), self.person)
        form.addRow(self.tr("交办日期"), self.assigned)
        form.addRow(self.tr("完成时限"), deadline_box)
        form.addRow("", self.preview)
        self.reason_label = QLabel(self.tr("延长理由*"))
        form.addRow(self.reason_label, self.reason)
        if self.issue_id is None and not self.assign:  # an assigned item's progress is the county's
            form.addRow(self.tr("整改进展"), self.progress)
        return form

    def _connect_keys(self) -> None:
        """Enter in a drop-down moves on (it never saves half a form); Ctrl+Enter saves."""
        self._enter_moves_on = _EnterMovesOn(self)
        for combo in (self.category, self.leader, self.unit, self.person):
            line = combo.lineEdit()
            if line is not None:
                line.installEventFilter(self._enter_moves_on)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.accept)

    def _names(self, names: list[str]) -> QComboBox:
        c = QComboBox()
        c.setEditable(True)
        c.addItem("")
        for n in names:
            c.addItem(n)
        return c

    def _load(self, issue_id: str) -> None:
        detail = get_issue_detail(self.ctx.db, issue_id)
        self.version = detail.version
        r = detail.row
        self.description.setPlainText(r.description)
        self.measures.setPlainText(r.measures)
        self.category.setCurrentText(r.category)
        self.kind.setCurrentIndex(self.kind.findData(r.kind))
        self.source.setCurrentIndex(self.source.findData(r.source))
        self.leader.setCurrentText(r.lead_leader)
        self.unit.setCurrentText(r.responsible_unit)
        self.co_units.setText(r.co_units)
        self.person.setCurrentText(r.responsible_person)
        if r.assigned_date:
            self.assigned.setDate(to_qdate(r.assigned_date))
        if r.deadline_basis == "workdays" and r.deadline_workdays:
            self.by_workdays.setChecked(True)
            self.workdays.setValue(r.deadline_workdays)
        elif r.deadline:
            self.by_date.setChecked(True)
            self.deadline.setDate(to_qdate(r.deadline))
        else:
            self.no_deadline.setChecked(True)

    def _update_preview(self) -> None:
        self.deadline.setEnabled(self.by_date.isChecked())
        self.workdays.setEnabled(self.by_workdays.isChecked())
        long = self.by_workdays.isChecked() and self.workdays.value() > MAX_WORKDAYS_WITHOUT_REASON
        self.reason.setVisible(long)
        self.reason_label.setVisible(long)
        if self.by_workdays.isChecked():
            p = service.preview_deadline(self.ctx.db, from_qdate(self.assigned.date()), self.workdays.value())
            text = self.tr("按国家法定节假日和调休计算，完成时限为 %1").replace("%1", f"{p.deadline:%Y-%m-%d}")
            self.preview.setText(text + (("\n▲ " + p.warning) if p.warning else ""))
        else:
            self.preview.setText("")

    def values(self) -> IssueInput:
        """What the form holds."""
        return IssueInput(
            description=self.description.toPlainText().strip(),
            measures=self.measures.toPlainText().strip(),
            category=self.category.currentText().strip(),
            kind=str(self.kind.currentData()),
            source=str(self.source.currentData()),
            leader=self.leader.currentText().strip(),
            unit=self.unit.currentText().strip(),
            co_units=self.co_units.text().strip(),
            person=self.person.currentText().strip(),
            assigned_date=from_qdate(self.assigned.date()),
            deadline=from_qdate(self.deadline.date()) if self.by_date.isChecked() else None,
            deadline_workdays=self.workdays.value() if self.by_workdays.isChecked() else None,
            progress_text=self.progress.toPlainText().strip() if self.issue_id is None and not self.assign else "",
            year=organisation.current_year(self.ctx.db) if self.issue_id is None else None,
            deadline_reason=self.reason.text().strip() if self.by_workdays.isChecked() else "",
        )

    def submit(self) -> bool:
        """Save through the service; on a refusal show why and stay open."""
        data = self.values()
        if self.assign and self.county.count() <= 1:  # no county's data has come in yet
            dialogs.warn(self, self.tr("还没有可交办的县（区）：请先在“数据交换”中导入县（区）的同步包"))
            return False
        if self.assign and not self.county.currentData():
            dialogs.warn(self, self.tr("请选择责任县（区）：交办问题须指定一个县（区）负责整改"))
            self.county.setFocus()
            return False
        with dialogs.guard(self) as done:
            if self.assign:
                self.saved_id = assigning.assign_issues(self.ctx.db, self.ctx.actor, str(self.county.currentData()),
                                                     [data])[0]
            elif self.issue_id is None:
                # a clerk's own item needs every element (completeness); a 交办 item's person is the county's to name
                self.saved_id = service.create_issues(self.ctx.db, self.ctx.actor, [data], complete=True)[0]
            else:
                # refused (该问题已被他人修改) if someone changed the item since it was loaded; the form stays open
                lifecycle.edit_issue(self.ctx.db, self.ctx.actor, self.issue_id, data, complete=True,
                                     expected_version=self.version)
                self.saved_id = self.issue_id
        if done.ok:
            notify(Kind.ISSUE, [self.saved_id] if self.saved_id else [])
        return done.ok

    def accept(self) -> None:
        if self.submit():
            super().accept()
