"""设置 › 账户: the administrator adds an account (first password to change), sets roles, resets, unlocks, disables
(never deletes) and sets the screen-lock time; someone without 账户管理 sees the buttons disabled with why, and is
refused by the core with nothing changed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from desktop_app.core.context import AppContext
from desktop_app.core.errors import PermissionDeniedError
from desktop_app.org import accounts
from tests.helpers.common import TEST_ACTOR
from tests.helpers.dialogs import DialogAnswers
from ui.settings.accounts_tab import AccountDialog, AccountsTab

PW = "Jinghong2026"


@pytest.fixture
def admin_ctx(ctx: AppContext) -> AppContext:
    accounts.add_account(ctx.db, TEST_ACTOR, "admin", PW, ["admin"], person="刘洋")
    ctx.actor = accounts.sign_in(ctx.db, "admin", PW).actor
    return ctx


def _select(tab: AccountsTab, login: str) -> None:
    row = [a.login for a in tab.infos].index(login)
    tab.view.selectionModel().select(tab.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                     | QItemSelectionModel.SelectionFlag.Rows)
    tab.view.setCurrentIndex(tab.model.index(row, 0))


def test_administrator_manages_accounts(qtbot: QtBot, admin_ctx: AppContext, dialog_answers: DialogAnswers,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    tab = AccountsTab(admin_ctx)
    qtbot.addWidget(tab)
    assert tab.add_btn.isEnabled() and tab.model.rowCount() == 1

    def fill(self: AccountDialog) -> int:
        self.login.setText("wufang")
        self.person.setCurrentIndex(next(i for i in range(self.person.count()) if "吴芳" in self.person.itemText(i)))
        self.password.setText("First2026")
        self.password2.setText("First2026")
        assert not self.save() and "至少需要一个角色" in self.error.text()  # refused inline, stays open
        self.role_boxes["clerk"].setChecked(True)
        return int(self.save())

    monkeypatch.setattr(AccountDialog, "exec", fill)
    tab.add_account()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2)
    wu = next(a for a in tab.infos if a.login == "wufang")
    assert (wu.name, wu.roles, wu.must_change) == ("吴芳", ["clerk"], True)
    assert tab.model.rows[[a.login for a in tab.infos].index("wufang")][3] == "须修改初始密码"

    def roles(self: AccountDialog) -> int:
        assert self.login.isReadOnly() and self.role_boxes["clerk"].isChecked()
        self.role_boxes["viewer"].setChecked(True)
        self.section_boxes["综合科"].setChecked(True)
        return int(self.save())

    monkeypatch.setattr(AccountDialog, "exec", roles)
    _select(tab, "wufang")
    tab.set_roles()
    wu = next(a for a in accounts.list_accounts(admin_ctx.db) if a.login == "wufang")
    assert (wu.roles, wu.sections) == (["clerk", "viewer"], ["综合科"])
    assert "（审核：综合科）" in tab.model.rows[[a.login for a in tab.infos].index("wufang")][2]

    dialog_answers.texts.extend(["Reset2026", "Reset2026"])
    _select(tab, "wufang")
    tab.reset_password()
    assert accounts.sign_in(admin_ctx.db, "wufang", "Reset2026").must_change
    for _ in range(5):
        with pytest.raises(PermissionDeniedError):
            accounts.sign_in(admin_ctx.db, "wufang", "nope12345")
    tab.refresh()
    _select(tab, "wufang")
    assert tab.model.rows[[a.login for a in tab.infos].index("wufang")][3].startswith("已锁定至")
    tab.unlock()
    assert accounts.sign_in(admin_ctx.db, "wufang", "Reset2026").actor.login == "wufang"
    _select(tab, "wufang")
    tab.toggle_active()  # confirmed (the fixture's default answer)
    qtbot.waitUntil(lambda: any(a.login == "wufang" and not a.active for a in tab.infos))
    assert [a.login for a in accounts.list_accounts(admin_ctx.db)] == ["admin", "wufang"]  # kept
    tab.idle.setValue(5)
    tab.max_days.setValue(90)
    tab.save_idle()
    assert accounts.idle_lock_minutes(admin_ctx.db) == 5 and accounts.password_max_days(admin_ctx.db) == 90


def test_a_clerk_sees_why_and_is_refused(qtbot: QtBot, admin_ctx: AppContext, dialog_answers: DialogAnswers) -> None:
    accounts.add_account(admin_ctx.db, admin_ctx.actor, "wufang", PW, ["clerk"], person="吴芳", must_change=False)
    admin_ctx.actor = accounts.sign_in(admin_ctx.db, "wufang", PW).actor
    tab = AccountsTab(admin_ctx)
    qtbot.addWidget(tab)
    assert not tab.add_btn.isEnabled() and "账户管理" in tab.add_btn.toolTip()
    assert not tab.idle_btn.isEnabled()
    _select(tab, "admin")
    tab.unlock()  # even if reached: the core refuses
    assert any("没有“账户管理”权限" in w for w in dialog_answers.warnings)
    tab.idle.setValue(1)
    tab.save_idle()
    assert accounts.idle_lock_minutes(admin_ctx.db) == 15 and any("没有“系统设置”权限" in w for w in dialog_answers.warnings)


def test_an_office_without_accounts_makes_its_first_administrator_here(
        qtbot: QtBot, ctx: AppContext, dialog_answers: DialogAnswers, monkeypatch: pytest.MonkeyPatch) -> None:
    """An office from before accounts: the first account must be an administrator; it seals the keys, is signed
    in at once and its recovery code is shown once."""
    from desktop_app.org import key_vault

    tab = AccountsTab(ctx)
    qtbot.addWidget(tab)
    assert tab.add_btn.isEnabled() and tab.model.rowCount() == 0

    def fill(self: AccountDialog) -> int:
        self.login.setText("admin")
        self.password.setText(PW)
        self.password2.setText(PW)
        self.role_boxes["clerk"].setChecked(True)
        assert not self.save() and "第一个账户必须是系统管理员" in self.error.text()
        self.role_boxes["admin"].setChecked(True)
        return int(self.save())

    monkeypatch.setattr(AccountDialog, "exec", fill)
    tab.add_account()
    assert ctx.actor.account and ctx.actor.login == "admin"
    assert any("恢复码" in t for t in dialog_answers.infos)
    assert key_vault.is_sealed(ctx.db) and not (ctx.data.keys / "office-ed25519.pem").exists()
    [admin] = accounts.list_accounts(ctx.db)
    assert admin.roles == ["admin", "clerk"] and not admin.must_change


def test_a_typed_account_is_not_thrown_away_by_esc(qtbot: QtBot, admin_ctx: AppContext,
                                                   dialog_answers: DialogAnswers) -> None:
    from PySide6.QtCore import Qt

    dlg = AccountDialog(admin_ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.login.setText("wufang")
    dialog_answers.confirms.append(False)  # 继续填写
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert dlg.isVisible() and "放弃已填写的内容" in dialog_answers.questions[-1]
    assert dlg.login.text() == "wufang"
