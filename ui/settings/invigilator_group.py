"""设置 › 本单位 › 监考密码: set, change or clear the password that ends a closed-book exam sitting."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.quiz import invigilation
from ui import dialogs
from ui.settings.widgets import button
from ui.signals import Kind, bus


def _password_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(invigilation.MAX_LENGTH)
    field.setMaximumWidth(260)
    field.setPlaceholderText(placeholder)
    return field


class InvigilatorPasswordGroup(QGroupBox):
    """监考密码: old (when one is set), new and its confirmation; 保存 sets or changes, 清除 removes it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("监考密码"), parent)
        self.ctx = ctx
        self.state = QLabel()
        self.old = _password_field(self.tr("当前的监考密码"))
        self.new = _password_field(self.tr("至少%1个字符").replace("%1", str(invigilation.MIN_LENGTH)))
        self.confirm = _password_field(self.tr("再输入一次新密码"))
        self.form = QFormLayout()
        self.form.addRow(self.tr("状态"), self.state)
        self.form.addRow(self.tr("原密码"), self.old)
        self.form.addRow(self.tr("新密码"), self.new)
        self.form.addRow(self.tr("确认新密码"), self.confirm)
        hint = QLabel(self.tr("闭卷机考时，监考人员凭此密码结束本场考试；未设置时改为输入“结束考试”。"
                              "本机只保存密码的校验值（不保存密码本身），不随数据交换传出。"))
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        self.save_btn = button(self.tr("设置密码"), primary=True)
        self.save_btn.clicked.connect(self.save)
        self.clear_btn = button(self.tr("清除密码"), danger=True)
        self.clear_btn.clicked.connect(self.clear)
        self.recover_btn = button(self.tr("忘记密码…"))
        self.recover_btn.setToolTip(self.tr("用设置时打印或抄写的恢复码清除监考密码"))
        self.recover_btn.clicked.connect(self.clear_with_recovery)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.recover_btn)
        row.addWidget(self.clear_btn)
        row.addWidget(self.save_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(hint)
        lay.addLayout(row)
        # a restored backup brings its own setting (or none): show that one
        bus().changed.connect(self._on_changed)  # a bound slot: disconnected when this group goes
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind == Kind.ALL:
            self.refresh()

    def refresh(self) -> None:
        """Show whether a password is set; the old-password field and 清除 only when one is."""
        with dialogs.guard(self) as done:
            is_set = invigilation.has_invigilator_password(self.ctx.db)
        if not done.ok:
            return
        self.state.setText(self.tr("已设置") if is_set else self.tr("未设置（结束考试时输入“结束考试”）"))
        self.form.setRowVisible(self.old, is_set)
        self.clear_btn.setVisible(is_set)
        self.recover_btn.setVisible(is_set)
        self.save_btn.setText(self.tr("修改密码") if is_set else self.tr("设置密码"))
        for field in (self.old, self.new, self.confirm):
            field.clear()

    def save(self) -> bool:
        """Set or change the password from the fields."""
        new = self.new.text()
        if not new:
            dialogs.warn(self, self.tr("请输入新的监考密码"))
            return False
        if new != self.confirm.text():
            dialogs.warn(self, self.tr("两次输入的新密码不一致，请重新输入"))
            self.confirm.clear()
            return False
        with dialogs.guard(self) as done:
            invigilation.set_invigilator_password(self.ctx.db, self.ctx.actor, new, self.old.text() or None)
        if done.ok:
            dialogs.info(self, self.tr("监考密码已保存；结束闭卷考试时需输入此密码"))
            self.refresh()
        return done.ok

    def clear(self) -> bool:
        """Remove the password (needs the old one); ending an exam then asks for 结束考试 again."""
        if not self.old.text():
            dialogs.warn(self, self.tr("请先输入原密码"))
            return False
        if not dialogs.confirm(self, self.tr("清除后，结束闭卷考试只需输入“结束考试”。确定清除监考密码？"),
                               ok=self.tr("清除"), danger=True):
            return False
        with dialogs.guard(self) as done:
            invigilation.set_invigilator_password(self.ctx.db, self.ctx.actor, None, self.old.text())
        if done.ok:
            dialogs.info(self, self.tr("监考密码已清除"))
            self.refresh()
        return done.ok

    def clear_with_recovery(self) -> bool:
        """A forgotten 监考密码: clear it with the office's recovery code (恢复码)."""
        code = dialogs.ask_text(self, self.tr("恢复码（设置时打印或抄写的 20 位字母数字）："), self.tr("忘记监考密码"))
        if not code:
            return False
        with dialogs.guard(self) as done:
            invigilation.clear_with_recovery_code(self.ctx.db, code)
        if done.ok:
            dialogs.info(self, self.tr("监考密码已清除，可以重新设置"))
            self.refresh()
        return done.ok
