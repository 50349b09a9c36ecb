"""登录 — the sign-in dialog at start, for 切换用户 and after the idle screen lock.

The core decides (``desktop_app.org.accounts``): wrong passwords, lockout, disabled or expired
accounts come back as Chinese refusals shown under the fields; a first or reset password
must be changed here before the app opens. On demo data only, the demo accounts and their
password are listed and the 录入员 account is filled in, so the demo opens with one click.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core import roles
from desktop_app.core.context import AppContext
from desktop_app.core.errors import FieldDeskError, ValidationError
from desktop_app.demo.accounts import DEFAULT_LOGIN, demo_sign_in
from desktop_app.org import accounts
from desktop_app.org.accounts import SignedIn
from ui import dialogs


class SignInDialog(QDialog):
    """Login and password; ``signed`` holds the result once accepted."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, reason: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.signed: SignedIn | None = None
        self._pending_old = ""
        self.setWindowTitle(self.tr("登录调研工作台"))
        self.setMinimumWidth(420)
        lay = QVBoxLayout(self)
        if reason:
            head = QLabel(reason)
            head.setWordWrap(True)
            lay.addWidget(head)
        form = QFormLayout()
        self.login = QLineEdit()
        self.login.setPlaceholderText(self.tr("登录名"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new1 = QLineEdit()
        self.new1.setEchoMode(QLineEdit.EchoMode.Password)
        self.new1.setPlaceholderText(self.tr("至少8位，含字母和数字"))
        self.new2 = QLineEdit()
        self.new2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("登录名"), self.login)
        form.addRow(self.tr("密码"), self.password)
        self.new1_label = QLabel(self.tr("新密码"))
        self.new2_label = QLabel(self.tr("再输入一次"))
        form.addRow(self.new1_label, self.new1)
        form.addRow(self.new2_label, self.new2)
        lay.addLayout(form)
        self._show_change(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c53030;")
        lay.addWidget(self.message)
        demo = demo_sign_in(ctx.db)
        if demo:
            rows = "；".join(f"{a['login']}（{'、'.join(roles.role_label(r) for r in a['roles'])}）" for a in demo)
            hint = QLabel(self.tr("演示数据的账户（密码均为 %1）：%2").replace("%1", str(demo[0]["password"]))
                          .replace("%2", rows))
            hint.setObjectName("DemoAccounts")
            hint.setWordWrap(True)
            hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            lay.addWidget(hint)
            first = next((a for a in demo if a["login"] == DEFAULT_LOGIN), demo[0])
            self.login.setText(str(first["login"]))
            self.password.setText(str(first["password"]))
        buttons = dialogs.ok_cancel(self, self.tr("登录"), self.attempt)
        self.forgot = buttons.addButton(self.tr("忘记管理员密码…"), QDialogButtonBox.ButtonRole.ResetRole)
        self.forgot.setToolTip(self.tr("用设置时打印或抄写的恢复码重置系统管理员的密码；其他人员请找系统管理员重置"))
        self.forgot.clicked.connect(self.recover)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        lay.addWidget(buttons)
        (self.password if self.login.text() else self.login).setFocus()

    def recover(self) -> bool:
        """Reset an administrator's password with the recovery code (恢复码); the new password goes in the field."""
        login = self.login.text().strip() or dialogs.ask_text(self, self.tr("系统管理员的登录名："), self.tr("忘记密码"))
        if not login:
            return False
        code = dialogs.ask_text(self, self.tr("恢复码（设置时打印或抄写的 20 位字母数字）："), self.tr("忘记密码"))
        if not code:
            return False
        new = dialogs.ask_text(self, self.tr("新密码（至少8位，含字母和数字）："), self.tr("忘记密码"), password=True)
        if new is None:
            return False
        again = dialogs.ask_text(self, self.tr("再输入一次新密码："), self.tr("忘记密码"), password=True)
        if again is None:
            return False
        try:
            if new != again:
                raise ValidationError("两次输入的密码不一致", "请重新操作")
            accounts.recover_admin(self.ctx.db, code, login.strip(), new)
        except FieldDeskError as exc:
            self.message.setText(str(exc))
            return False
        self.login.setText(login.strip())
        self.password.setText(new)
        self.message.setText(self.tr("已重置系统管理员密码，请点“登录”"))
        return True

    def _show_change(self, on: bool) -> None:
        for w in (self.new1, self.new2, self.new1_label, self.new2_label):
            w.setVisible(on)

    def attempt(self) -> bool:
        """Sign in (or, after a first/reset password, change it); refusals are shown and the dialog stays."""
        login, password = self.login.text().strip(), self.password.text()
        try:
            if self._pending_old:
                if self.new1.text() != self.new2.text():
                    raise ValidationError("两次输入的新密码不一致", "请重新输入")
                accounts.change_password(self.ctx.db, login, self._pending_old, self.new1.text())
                password = self.new1.text()
            signed = accounts.sign_in(self.ctx.db, login, password)
        except FieldDeskError as exc:
            self.message.setText(str(exc))
            self.password.selectAll()
            return False
        if signed.must_change:
            self._pending_old = password
            self.login.setReadOnly(True)
            self.password.setEnabled(False)
            self._show_change(True)
            self.message.setText(self.tr("首次登录或密码已被重置：请设置新密码"))
            self.new1.setFocus()
            return False
        self.signed = signed
        self.accept()
        return True


def ask_sign_in(ctx: AppContext, parent: QWidget | None = None, reason: str = "") -> bool:
    """Show the sign-in dialog; on success the context acts as the signed-in person. False when cancelled."""
    dlg = SignInDialog(ctx, parent, reason)
    if not dlg.exec() or dlg.signed is None:
        return False
    ctx.actor = dlg.signed.actor
    return True


def idle_minutes(ctx: AppContext) -> int:
    """Minutes without input before the screen locks (0 = never)."""
    return accounts.idle_lock_minutes(ctx.db)


class IdleLock(QObject):
    """Locks the screen after idle minutes: the window is hidden behind the sign-in dialog until someone signs in.

    Any key or mouse input in the application restarts the count.
    """

    def __init__(self, ctx: AppContext, window: QWidget, on_signed: object = None) -> None:
        super().__init__(window)
        self.ctx, self.window = ctx, window
        self.on_signed = on_signed
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.locked = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.restart()

    def restart(self) -> None:
        """Start counting again (after input or a settings change)."""
        minutes = idle_minutes(self.ctx)
        if minutes <= 0 or not accounts.has_accounts(self.ctx.db):
            self.timer.stop()
            return
        self.timer.start(minutes * 60_000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (not self.locked and self.timer.isActive()
                and event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                                     QEvent.Type.Wheel)):
            self.timer.start()  # same interval, from now
        return False

    def lock(self) -> None:
        """Hide the work and ask for a password (the same person, or 切换用户 by typing another login)."""
        if self.locked:
            return
        self.locked = True
        central = self.window.centralWidget() if hasattr(self.window, "centralWidget") else None
        if central is not None:
            central.setVisible(False)
        who = self.ctx.actor.login if self.ctx.actor.account else ""
        try:
            while True:
                dlg = SignInDialog(self.ctx, self.window, self.tr("屏幕已锁定（%1 分钟无操作）。请输入密码继续，或换一个账户登录。")
                                   .replace("%1", str(idle_minutes(self.ctx))))
                if who and not dlg.login.text():
                    dlg.login.setText(who)
                    dlg.password.setFocus()
                if dlg.exec() and dlg.signed is not None:
                    self.ctx.actor = dlg.signed.actor
                    break
        finally:
            if central is not None:
                central.setVisible(True)
            self.locked = False
        if callable(self.on_signed):
            self.on_signed()
        self.restart()
