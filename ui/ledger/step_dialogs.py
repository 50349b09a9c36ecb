"""整改流程对话框 — one small form per lifecycle step: 进展, 延期申请/审批, 催办, 申请/审核销号, 回访, 作废, 调整期限."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
)

from desktop_app.core.context import AppContext
from desktop_app.core.errors import ValidationError
from desktop_app.core.ledger_codes import URGE_LEVEL_LABELS
from desktop_app.ledger import deadline, lifecycle, service
from desktop_app.ledger.steps import Step
from desktop_app.ledger.types import IssueDetail
from ui import dialogs
from ui.attachment_picker import AttachmentPicker
from ui.enabling import set_enabled
from ui.form_dialog import FormDialog
from ui.ledger.issue_dialog import from_qdate, to_qdate
from ui.signals import Kind, notify

#: step → window title
STEPS = {
    Step.PROGRESS: "登记整改进展",
    Step.EXTENSION: "申请延期",
    Step.DECIDE_EXTENSION: "审批延期申请",
    Step.URGE: "催办",
    Step.CLOSURE: "申请销号",
    Step.VERIFY: "审核销号",
    Step.FOLLOW_UP: "登记回访",
    Step.VOID: "作废问题",
    Step.ADJUST_DEADLINE: "调整期限",
}


class StepDialog(FormDialog):
    """The form of one lifecycle step on one item. ``submit()`` calls the service; refusals are shown."""

    def __init__(self, ctx: AppContext, detail: IssueDetail, step: str, parent: Any = None,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.step = step
        #: asked before the step runs (申请销号's gaps); False keeps the form open
        self._before: Callable[[], bool] | None = None
        today = today or dt.date.today()
        self.setWindowTitle(self.tr(STEPS[step]))
        self.resize(520, 360)
        form = QFormLayout()
        row = detail.row
        head = QLabel(f"{row.serial}　{row.description[:80]}")
        head.setWordWrap(True)
        form.addRow(head)
        self._build_fields(today)
        self._submit: Callable[[], None]
        builders: dict[str, Callable[[QFormLayout, dt.date], None]] = {
            Step.PROGRESS: self._build_progress, Step.EXTENSION: self._build_extension,
            Step.DECIDE_EXTENSION: self._build_decide_extension, Step.URGE: self._build_urge,
            Step.CLOSURE: self._build_closure, Step.VERIFY: self._build_verify, Step.FOLLOW_UP: self._build_follow_up,
            Step.VOID: self._build_void, Step.ADJUST_DEADLINE: self._build_adjust}
        if step not in builders:
            raise ValueError(step)
        builders[step](form, today)
        buttons = dialogs.ok_cancel(self, self.tr("确定"))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)

    def _build_fields(self, today: dt.date) -> None:
        """The fields the steps draw from (each step places those it asks for)."""
        row = self.detail.row
        self.date = QDateEdit(to_qdate(today))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)  # Tab moves on to the next field, as in every other form
        self.percent = QSpinBox()
        self.percent.setRange(0, 100)
        self.percent.setSuffix("%")
        self.percent.setValue(row.progress_percent)
        self.person = QLineEdit(self.ctx.actor.label)
        self.decision = QComboBox()
        self.level = QComboBox()
        self.satisfied = QCheckBox(self.tr("群众/服务对象满意"))
        self.satisfied.setChecked(True)
        self.reopen = QCheckBox(self.tr("问题反弹，重新打开整改"))
        self.attachments = AttachmentPicker(mark_pending=False, empty=self.tr("（无）"))
        self.files, self.files_label = self.attachments.files, self.attachments.label

    def _build_progress(self, form: QFormLayout, _today: dt.date) -> None:
        ctx, row = self.ctx, self.detail.row
        form.addRow(self.tr("日期"), self.date)
        form.addRow(self.tr("进展情况*"), self.text)
        form.addRow(self.tr("完成进度"), self.percent)
        form.addRow(self.tr("报送人"), self.person)
        form.addRow(self.tr("附件"), self.attachments)
        self._submit = lambda: lifecycle.add_progress(
            ctx.db, ctx.actor, row.id, from_qdate(self.date.date()), self.text.toPlainText(),
            self.percent.value(), self.person.text(), self.files, ctx.data.attachments)

    def _build_extension(self, form: QFormLayout, today: dt.date) -> None:
        ctx, row = self.ctx, self.detail.row
        current = row.deadline or today
        self.date.setDate(to_qdate(current + dt.timedelta(days=30)))
        form.addRow(self.tr("当前时限"), QLabel(f"{current:%Y-%m-%d}"))
        form.addRow(self.tr("延期至"), self.date)
        form.addRow(self.tr("延期理由*"), self.text)
        self._submit = lambda: lifecycle.request_extension(
            ctx.db, ctx.actor, row.id, from_qdate(self.date.date()), self.text.toPlainText(), self.person.text())

    def _build_decide_extension(self, form: QFormLayout, today: dt.date) -> None:
        ctx = self.ctx
        ext = self.detail.pending_extension
        form.addRow(self.tr("申请延期至"), QLabel(f"{ext.requested_date:%Y-%m-%d}" if ext else ""))
        form.addRow(self.tr("理由"), QLabel(ext.reason if ext else ""))
        self.decision.addItem(self.tr("— 请选择 —"), None)  # no default verdict: the approver decides
        self.decision.addItem(self.tr("批准"), True)
        self.decision.addItem(self.tr("驳回"), False)
        form.addRow(self.tr("审批意见*"), self.decision)
        form.addRow(self.tr("说明"), self.text)
        form.addRow(self.tr("审批人"), self.person)
        self._signed_approver()
        self._submit = lambda: lifecycle.decide_extension(
            ctx.db, ctx.actor, ext.id if ext else "", self.verdict(),
            self.text.toPlainText(), self.person.text(), today)

    def _build_urge(self, form: QFormLayout, _today: dt.date) -> None:
        ctx, row = self.ctx, self.detail.row
        for k, v in URGE_LEVEL_LABELS.items():
            self.level.addItem(v, k)
        form.addRow(self.tr("日期"), self.date)
        form.addRow(self.tr("催办级别"), self.level)
        form.addRow(self.tr("催办内容"), self.text)
        form.addRow(self.tr("催办人"), self.person)
        self._submit = lambda: lifecycle.add_urge(
            ctx.db, ctx.actor, row.id, int(self.level.currentData()), self.text.toPlainText(),
            from_qdate(self.date.date()), self.person.text())

    def _build_closure(self, form: QFormLayout, _today: dt.date) -> None:
        ctx, row = self.ctx, self.detail.row
        form.addRow(self.tr("申请日期"), self.date)
        form.addRow(self.tr("整改佐证*"), self.text)
        form.addRow(self.tr("申请人"), self.person)
        form.addRow(self.tr("佐证附件"), self.attachments)
        self._submit = lambda: lifecycle.apply_closure(
            ctx.db, ctx.actor, row.id, self.text.toPlainText(), from_qdate(self.date.date()), self.person.text(),
            self.files, ctx.data.attachments)
        self._before = lambda: self._confirm_closure(row.id)

    def _build_verify(self, form: QFormLayout, _today: dt.date) -> None:
        ctx, row = self.ctx, self.detail.row
        c = self.detail.pending_closure
        evidence = QLabel(c.evidence if c else "")
        evidence.setWordWrap(True)
        form.addRow(self.tr("整改佐证"), evidence)
        self.decision.addItem(self.tr("— 请选择 —"), None)  # no default verdict: the verifier decides
        self.decision.addItem(self.tr("审核通过，予以销号"), True)
        self.decision.addItem(self.tr("退回，继续整改"), False)
        form.addRow(self.tr("审核意见*"), self.decision)
        form.addRow(self.tr("说明"), self.text)
        form.addRow(self.tr("审核人"), self.person)
        form.addRow(self.tr("日期"), self.date)
        self._signed_approver()
        self._submit = lambda: lifecycle.verify_closure(
            ctx.db, ctx.actor, row.id, self.verdict(), self.text.toPlainText(),
            self.person.text(), from_qdate(self.date.date()))

    def _build_follow_up(self, form: QFormLayout, _today: dt.date) -> None:
        ctx, row = self.ctx, self.detail.row
        form.addRow(self.tr("回访日期"), self.date)
        form.addRow(self.tr("回访情况*"), self.text)
        form.addRow("", self.satisfied)
        form.addRow("", self.reopen)
        form.addRow(self.tr("回访人"), self.person)
        set_enabled(self.reopen, self.detail.allowed_steps.get(Step.REOPEN))  # the core says whether, and why not
        self._submit = lambda: lifecycle.add_follow_up(
            ctx.db, ctx.actor, row.id, from_qdate(self.date.date()), self.text.toPlainText(),
            self.satisfied.isChecked(), self.reopen.isChecked(), self.person.text())

    def _build_void(self, form: QFormLayout, _today: dt.date) -> None:
        ctx, row = self.ctx, self.detail.row
        form.addRow(QLabel(self.tr("作废后问题仍保留在台账中，但不能再修改。")))
        form.addRow(self.tr("作废原因*"), self.text)
        self._submit = lambda: lifecycle.void_issue(ctx.db, ctx.actor, row.id, self.text.toPlainText())

    def _build_adjust(self, form: QFormLayout, today: dt.date) -> None:
        """调整期限 (the assigning office's step): a new date or N working days, and a required reason."""
        ctx, row = self.ctx, self.detail.row
        self.base = row.assigned_date or today  # working days count from the assignment date, as everywhere
        current = f"{row.deadline:%Y-%m-%d}" if row.deadline else self.tr("无")
        if row.deadline_basis == "workdays" and row.deadline_workdays:
            current += self.tr("（交办后%1个工作日）").replace("%1", str(row.deadline_workdays))
        original = row.original_deadline or row.deadline
        self.current_label = QLabel(current)
        self.original_label = QLabel(f"{original:%Y-%m-%d}" if original else self.tr("无"))
        form.addRow(self.tr("当前时限"), self.current_label)
        form.addRow(self.tr("原定时限"), self.original_label)
        if self.detail.pending_extension is not None:  # it stays pending: approving it later moves the deadline again
            pending = QLabel(self.tr("注意：该问题有待审批的延期申请（申请延期至 %1），调整期限后仍需审批该申请")
                             .replace("%1", f"{self.detail.pending_extension.requested_date:%Y-%m-%d}"))
            pending.setWordWrap(True)
            pending.setStyleSheet("color: #b7791f;")
            form.addRow(pending)
        self.by_date = QRadioButton(self.tr("具体日期"))
        self.by_workdays = QRadioButton(self.tr("交办后"))
        group = QButtonGroup(self)  # exclusive whatever the radios' parent is while the form is built
        group.addButton(self.by_date)
        group.addButton(self.by_workdays)
        self.by_date.setChecked(True)
        self.date.setDate(to_qdate(row.deadline or today + dt.timedelta(days=30)))
        self.workdays = QSpinBox()
        self.workdays.setRange(1, service.MAX_WORKDAYS)
        self.workdays.setValue(row.deadline_workdays or 10)
        self.workdays.setSuffix(self.tr(" 个工作日"))
        choice = QHBoxLayout()
        for w in (self.by_date, self.date, self.by_workdays, self.workdays):
            choice.addWidget(w)
        choice.addStretch(1)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        form.addRow(self.tr("新期限*"), choice)
        form.addRow("", self.preview)
        form.addRow(self.tr("调整理由*"), self.text)
        form.addRow(self.tr("调整人"), self.person)
        self.by_date.toggled.connect(lambda _c: self._update_adjust_preview())
        self.workdays.valueChanged.connect(lambda _v: self._update_adjust_preview())
        self._update_adjust_preview()
        self._submit = lambda: deadline.adjust_deadline(
            ctx.db, ctx.actor, row.id, reason=self.text.toPlainText(), by=self.person.text(), today=today,
            new_deadline=from_qdate(self.date.date()) if self.by_date.isChecked() else None,
            working_days=self.workdays.value() if self.by_workdays.isChecked() else None)

    def _update_adjust_preview(self) -> None:
        self.date.setEnabled(self.by_date.isChecked())
        self.workdays.setEnabled(self.by_workdays.isChecked())
        if not self.by_workdays.isChecked():
            self.preview.setText("")
            return
        p = service.preview_deadline(self.ctx.db, self.base, self.workdays.value())
        text = self.tr("自 %1 起，按国家法定节假日和调休计算，新期限为 %2").replace("%1", f"{self.base:%Y-%m-%d}") \
            .replace("%2", f"{p.deadline:%Y-%m-%d}")
        self.preview.setText(text + (("\n▲ " + p.warning) if p.warning else ""))

    def _signed_approver(self) -> None:
        """With accounts the approver is whoever is signed in: shown, not typed."""
        if self.ctx.actor.account:
            self.person.setText(self.ctx.actor.label)
            self.person.setReadOnly(True)
            self.person.setToolTip(self.tr("审核人为当前登录的人员；如需他人审核，请切换用户"))

    def verdict(self) -> bool:
        """The chosen verdict; refused (nothing written) while none is chosen."""
        value = self.decision.currentData()
        if value is None:
            raise ValidationError("请选择审核意见", "请在“审核意见”中选择通过或退回（驳回）", field="decision")
        return bool(value)

    def pick_files(self) -> None:
        """Choose files to attach (photos, documents, meeting minutes)."""
        self.attachments.pick()

    def _confirm_closure(self, issue_id: str) -> bool:
        """申请销号 below 100 % or without an evidence file: ask first, naming the gap (the core names it)."""
        with dialogs.guard(self) as done:
            gaps = lifecycle.closure_gaps(self.ctx.db, issue_id, len(self.files))
        if not done.ok:
            return False
        if not gaps:
            return True
        text = self.tr("申请销号前请确认：\n%1\n\n仍要申请销号？申请后该问题记为已完成（进度100%），由审核人决定是否销号。") \
            .replace("%1", "\n".join("· " + g for g in gaps))
        return dialogs.confirm(self, text, self.tr("申请销号"), self.tr("仍要申请"))

    def submit(self) -> bool:
        """Run the step; on a refusal show why (nothing changed) and stay open."""
        if self._before is not None and not self._before():
            return False
        with dialogs.guard(self) as done:
            self._submit()
        if done.ok:
            notify(Kind.ISSUE, [self.detail.row.id])
        return done.ok

    def accept(self) -> None:
        if self.submit():
            super().accept()
