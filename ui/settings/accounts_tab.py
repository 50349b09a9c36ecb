"""设置 › 账户: accounts of this PC — add (login, person, roles, a first password to change), roles, disable/enable
(never delete), reset password, unlock; the idle screen-lock time and the password's maximum age. The core checks every step's right
(账户管理 / 系统设置); buttons a signed-in person may not use say why in their tooltip."""

from __future__ import annotations

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

from desktop_app.core import roles
from desktop_app.core.context import AppContext
from desktop_app.core.errors import ValidationError
from desktop_app.org import accounts, organisation
from ui import dialogs
from ui.form_dialog import FormDialog
from ui.rows_model import RowsTableModel, cell_columns
from ui.settings.widgets import button, selected_row, table
from ui.signals import Kind, bus, notify

ACCOUNTS = "accounts"  # the change kind this tab announces


class AccountDialog(FormDialog):
    """添加账户 (login, person, roles, first password) or 设置角色 (roles only, ``login`` given)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, login: str = "",
                 current_roles: list[str] | None = None, current_sections: list[str] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.recovery_code = ""
        self.editing = bool(login)
        self.setWindowTitle(self.tr("设置角色") if self.editing else self.tr("添加账户"))
        self.setMinimumWidth(440)
        form = QFormLayout()
        self.login = QLineEdit(login)
        self.login.setReadOnly(self.editing)
        self.person = QComboBox()
        self.person.addItem(self.tr("（不对应人员）"), None)
        for p in organisation.list_people(ctx.db):
            self.person.addItem(f"{p.name}（{p.section_name}）", p.id)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("至少8位，含字母和数字；首次登录须修改"))
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.role_boxes: dict[str, QCheckBox] = {}
        role_col = QVBoxLayout()
        for key, (label, rights) in roles.ROLES.items():
            box = QCheckBox(label)
            box.setToolTip(self.tr("权限：%1").replace("%1", "、".join(roles.RIGHTS[r] for r in sorted(rights))))
            box.setChecked(key in (current_roles or []))
            self.role_boxes[key] = box
            role_col.addWidget(box)
        form.addRow(self.tr("登录名"), self.login)
        if not self.editing:
            form.addRow(self.tr("对应人员"), self.person)
            form.addRow(self.tr("初始密码"), self.password)
            form.addRow(self.tr("再输入一次"), self.password2)
        form.addRow(self.tr("角色"), role_col)
        # 审核人/分管领导: the sections they decide for (none ticked = every section)
        self.section_boxes: dict[str, QCheckBox] = {}
        sec_col = QVBoxLayout()
        for sec in organisation.list_sections(ctx.db):
            box = QCheckBox(sec.name)
            box.setChecked(sec.name in (current_sections or []))
            self.section_boxes[sec.name] = box
            sec_col.addWidget(box)
        sec_hint = QLabel(self.tr("审核人负责审核的科室；都不勾选为全部科室"))
        sec_hint.setObjectName("Hint")
        sec_col.addWidget(sec_hint)
        form.addRow(self.tr("审核范围"), sec_col)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c53030;")
        buttons = dialogs.ok_cancel(self, self.tr("保存"))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def chosen_roles(self) -> list[str]:
        """The ticked roles."""
        return [k for k, box in self.role_boxes.items() if box.isChecked()]

    def save(self) -> bool:
        """Store the form through the core; a refusal stays on screen with what was typed."""
        try:
            sections = [n for n, box in self.section_boxes.items() if box.isChecked()]
            if self.editing:
                accounts.set_roles(self.ctx.db, self.ctx.actor, self.login.text(), self.chosen_roles())
                accounts.set_approve_sections(self.ctx.db, self.ctx.actor, self.login.text(), sections)
            else:
                if self.password.text() != self.password2.text():
                    raise ValidationError("两次输入的密码不一致", "请重新输入")
                first = not accounts.has_accounts(self.ctx.db)
                # the first account (an office upgraded from before accounts): it seals the keys and signs in
                accounts.add_account(self.ctx.db, self.ctx.actor, self.login.text(), self.password.text(),
                                     self.chosen_roles(), person=self.person.currentData(),
                                     must_change=not first, keys_dir=self.ctx.data.keys)
                if sections and not first:
                    accounts.set_approve_sections(self.ctx.db, self.ctx.actor, self.login.text(), sections)
                if first:
                    login = self.login.text().strip()
                    self.recovery_code = accounts.new_recovery_code(self.ctx.db, accounts.actor_for_login(self.ctx.db,
                                                                                                       login))
                    self.ctx.actor = accounts.sign_in(self.ctx.db, login, self.password.text()).actor
        except Exception as exc:  # known refusals show inline; anything else goes to the bug dialog
            from desktop_app.core.errors import FieldDeskError

            if not isinstance(exc, FieldDeskError):
                raise
            self.error.setText(str(exc))
            return False
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()


class AccountsTab(QWidget):
    """账户管理."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = RowsTableModel(cell_columns([self.tr("登录名"), self.tr("姓名"), self.tr("角色"), self.tr("状态")]), self)
        self.view = table(self.model, self)
        self.add_btn = button(self.tr("添加账户…"), primary=True)
        self.add_btn.clicked.connect(self.add_account)
        self.roles_btn = button(self.tr("设置角色…"))
        self.roles_btn.clicked.connect(self.set_roles)
        self.reset_btn = button(self.tr("重置密码…"))
        self.reset_btn.clicked.connect(self.reset_password)
        self.unlock_btn = button(self.tr("解锁"))
        self.unlock_btn.clicked.connect(self.unlock)
        self.active_btn = button(self.tr("停用/启用"), danger=True)
        self.active_btn.clicked.connect(self.toggle_active)
        self.idle = QSpinBox()
        self.idle.setRange(0, 240)
        self.idle.setSuffix(self.tr(" 分钟"))
        self.idle.setSpecialValueText(self.tr("不自动锁屏"))
        self.max_days = QSpinBox()
        self.max_days.setRange(0, 3650)
        self.max_days.setSuffix(self.tr(" 天"))
        self.max_days.setSpecialValueText(self.tr("永不过期"))
        self.idle_btn = button(self.tr("保存"))
        self.idle_btn.clicked.connect(self.save_idle)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        hint = QLabel(self.tr("账户不能删除，只能停用，审计记录始终指向真实的人。系统管理员管理账户，不审批台账；"
                              "申请销号或延期的人不能审批自己的申请。"))
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        lay.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_btn)
        row.addStretch(1)
        for b in (self.roles_btn, self.reset_btn, self.unlock_btn, self.active_btn):
            row.addWidget(b)
        lay.addLayout(row)
        idle_row = QHBoxLayout()
        idle_row.addWidget(QLabel(self.tr("无操作自动锁屏：")))
        idle_row.addWidget(self.idle)
        idle_row.addWidget(QLabel(self.tr("　密码有效期：")))
        idle_row.addWidget(self.max_days)
        idle_row.addWidget(self.idle_btn)
        idle_row.addStretch(1)
        lay.addLayout(idle_row)
        self.infos: list[accounts.AccountInfo] = []
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, ACCOUNTS, Kind.PERSON):
            self.refresh()

    def refresh(self) -> None:
        """Reload the accounts and say which buttons this person may use."""
        with dialogs.guard(self) as done:
            self.infos = accounts.list_accounts(self.ctx.db)
            minutes = accounts.idle_lock_minutes(self.ctx.db)
            days = accounts.password_max_days(self.ctx.db)
        if not done.ok:
            return
        self.idle.setValue(minutes)
        self.max_days.setValue(days)
        self.model.set_keyed([(a.login, (a.login, a.name, "、".join(a.role_labels) + (
            self.tr("（审核：%1）").replace("%1", "、".join(a.sections)) if a.sections else ""), self._state(a)))
            for a in self.infos])
        rights = self.ctx.actor.rights
        may_manage = rights is None or "accounts" in rights
        may_set = rights is None or "settings" in rights
        why = self.tr("需要“账户管理”权限（系统管理员）")
        for b in (self.add_btn, self.roles_btn, self.reset_btn, self.unlock_btn, self.active_btn):
            b.setEnabled(may_manage)
            b.setToolTip("" if may_manage else why)
        self.idle_btn.setEnabled(may_set)
        self.idle_btn.setToolTip("" if may_set else self.tr("需要“系统设置”权限（系统管理员）"))

    def _state(self, a: accounts.AccountInfo) -> str:
        if not a.active:
            return self.tr("已停用")
        if a.locked:
            return self.tr("已锁定至 %1").replace("%1", a.locked_until or "")
        return self.tr("须修改初始密码") if a.must_change else self.tr("正常")

    def _selected(self) -> accounts.AccountInfo | None:
        row = selected_row(self.view)
        if row < 0 or row >= len(self.infos):
            dialogs.info(self, self.tr("请先在列表中选择一个账户"))
            return None
        return self.infos[row]

    def add_account(self) -> None:
        """添加账户… (before any account exists: the office's first, a 系统管理员, then signed in)."""
        dlg = AccountDialog(self.ctx, self)
        if not dlg.exec():
            return
        if dlg.recovery_code:
            dialogs.info(self, self.tr("已建立第一个账户并登录。恢复码（只显示这一次，请抄写或打印后妥善保管）：\n\n%1\n\n"
                                       "忘记系统管理员密码或监考密码时，凭此码重置。").replace("%1", dlg.recovery_code),
                         self.tr("恢复码"))
            notify(Kind.ALL, [])  # every page: the signed-in person's rights now apply
            return
        notify(ACCOUNTS, [])

    def set_roles(self) -> None:
        """设置角色… of the selected account."""
        a = self._selected()
        if a is not None and AccountDialog(self.ctx, self, a.login, a.roles, a.sections).exec():
            notify(ACCOUNTS, [a.login])

    def reset_password(self) -> None:
        """Give the selected account a new password it must change at its next sign-in."""
        a = self._selected()
        if a is None:
            return
        new = dialogs.ask_text(self, self.tr("“%1”的新密码（至少8位，含字母和数字；该账户下次登录须修改）：")
                               .replace("%1", a.login), self.tr("重置密码"), password=True)
        if new is None:
            return
        again = dialogs.ask_text(self, self.tr("再输入一次新密码："), self.tr("重置密码"), password=True)
        if again is None:
            return
        with dialogs.guard(self) as done:
            if new != again:
                raise ValidationError("两次输入的密码不一致", "请重新重置")
            accounts.reset_password(self.ctx.db, self.ctx.actor, a.login, new)
        if done.ok:
            notify(ACCOUNTS, [a.login])

    def unlock(self) -> None:
        """Lift the selected account's lockout."""
        a = self._selected()
        if a is None:
            return
        with dialogs.guard(self) as done:
            accounts.unlock(self.ctx.db, self.ctx.actor, a.login)
        if done.ok:
            notify(ACCOUNTS, [a.login])

    def toggle_active(self) -> None:
        """Disable (after confirmation) or enable the selected account; it is never deleted."""
        a = self._selected()
        if a is None:
            return
        if a.active and not dialogs.confirm(
                self, self.tr("停用账户“%1”（%2）？停用后不能登录，账户和它的记录都保留，可随时重新启用。")
                .replace("%1", a.login).replace("%2", a.name), ok=self.tr("停用"), danger=True):
            return
        with dialogs.guard(self) as done:
            accounts.set_active(self.ctx.db, self.ctx.actor, a.login, not a.active)
        if done.ok:
            notify(ACCOUNTS, [a.login])

    def save_idle(self) -> None:
        """Store the screen-lock time and the password's maximum age."""
        with dialogs.guard(self) as done:
            if self.idle.value() != accounts.idle_lock_minutes(self.ctx.db):
                accounts.set_idle_lock_minutes(self.ctx.db, self.ctx.actor, self.idle.value())
            if self.max_days.value() != accounts.password_max_days(self.ctx.db):
                accounts.set_password_max_days(self.ctx.db, self.ctx.actor, self.max_days.value())
        if done.ok:
            notify(ACCOUNTS, [])
