"""Sign-in in the GUI: the dialog (demo accounts shown and filled in only on demo data), refusals under the fields
with nothing changed, a first password changed before the app opens, the status bar naming who is signed in,
切换用户, the idle screen lock; the approval dialogs have no default verdict; roles and applicant ≠ approver are
refused in the GUI as in the core."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from db.models import AuditEntry, Issue, Progress
from desktop_app.core.context import AppContext
from desktop_app.demo.accounts import _create as create_demo_accounts
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.org import accounts
from tests.helpers.common import TEST_ACTOR
from tests.helpers.dialogs import DialogAnswers
from tests.helpers.workers import let_workers_finish
from ui import sign_in_dialog
from ui.ledger.step_dialogs import StepDialog
from ui.main_window import MainWindow
from ui.sign_in_dialog import SignInDialog

PW = "Jinghong2026"


@pytest.fixture
def office(ctx: AppContext) -> AppContext:
    accounts.add_account(ctx.db, TEST_ACTOR, "admin", PW, ["admin"], person="刘洋")
    admin = accounts.sign_in(ctx.db, "admin", PW).actor
    for login, roles, person in (("wufang", ["clerk"], "吴芳"), ("chenjing", ["approver", "clerk"], "陈静"),
                                 ("zhaolei", ["viewer"], "赵磊")):
        accounts.add_account(ctx.db, admin, login, PW, roles, person=person, must_change=False)
    return ctx


def _audit_count(ctx: AppContext) -> int:
    with ctx.db.session() as s:
        return int(s.execute(select(func.count(AuditEntry.id))).scalar() or 0)


def test_sign_in_refuses_calmly_then_signs_in(qtbot: QtBot, office: AppContext) -> None:
    dlg = SignInDialog(office)
    qtbot.addWidget(dlg)
    assert dlg.login.text() == "" and dlg.password.echoMode() == dlg.password.EchoMode.Password
    assert dlg.findChild(object, "DemoAccounts") is None  # a real office shows no passwords
    dlg.login.setText("wufang")
    dlg.password.setText("wrong1234")
    assert not dlg.attempt() and "还可尝试 4 次" in dlg.message.text() and dlg.signed is None
    dlg.password.setText(PW)
    assert dlg.attempt() and dlg.result() == QDialog.DialogCode.Accepted
    assert dlg.signed is not None and (dlg.signed.actor.login, dlg.signed.actor.label) == ("wufang", "吴芳")


def test_lockout_shown_in_the_dialog(qtbot: QtBot, office: AppContext) -> None:
    dlg = SignInDialog(office)
    qtbot.addWidget(dlg)
    dlg.login.setText("zhaolei")
    for _ in range(5):
        dlg.password.setText("nope12345")
        dlg.attempt()
    assert "已锁定15分钟" in dlg.message.text()
    dlg.password.setText(PW)
    assert not dlg.attempt() and "已被锁定" in dlg.message.text()


def test_first_password_is_changed_before_the_app_opens(qtbot: QtBot, office: AppContext) -> None:
    admin = accounts.sign_in(office.db, "admin", PW).actor
    accounts.reset_password(office.db, admin, "wufang", "Temp12345")
    dlg = SignInDialog(office)
    qtbot.addWidget(dlg)
    dlg.login.setText("wufang")
    dlg.password.setText("Temp12345")
    assert not dlg.attempt() and dlg.new1.isVisibleTo(dlg) and "设置新密码" in dlg.message.text()
    dlg.new1.setText("short")
    dlg.new2.setText("short")
    assert not dlg.attempt() and "至少需要8个字符" in dlg.message.text()
    dlg.new1.setText("Mine2026x")
    dlg.new2.setText("Mine2026y")
    assert not dlg.attempt() and "不一致" in dlg.message.text()
    dlg.new2.setText("Mine2026x")
    assert dlg.attempt() and dlg.signed is not None and not dlg.signed.must_change
    assert accounts.sign_in(office.db, "wufang", "Mine2026x").actor.login == "wufang"


def test_demo_data_lists_its_accounts_and_fills_in_the_clerk(qtbot: QtBot, ctx: AppContext) -> None:
    made = create_demo_accounts(ctx.db, TEST_ACTOR)
    assert [a["login"] for a in made] == ["admin", "luru", "shenhe", "chakan", "shenji"]
    dlg = SignInDialog(ctx)
    qtbot.addWidget(dlg)
    hint = dlg.findChild(object, "DemoAccounts")
    assert hint is not None and "demo2026" in hint.text() and "shenhe（审核人）" in hint.text()
    assert (dlg.login.text(), dlg.password.text()) == ("luru", "demo2026")
    assert dlg.attempt()  # one click opens the demo
    assert dlg.signed is not None and dlg.signed.actor.login == "luru"


def test_window_names_who_is_signed_in_switches_user_and_locks(qtbot: QtBot, office: AppContext,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    office.actor = accounts.sign_in(office.db, "wufang", PW).actor
    window = MainWindow(office)
    qtbot.addWidget(window)
    assert window.status_actor.text() == "当前用户：吴芳（wufang）"
    assert window.act_switch_user.isEnabled() and window.idle_lock.timer.isActive()
    assert window.idle_lock.timer.interval() == 15 * 60_000

    def answer(login: str) -> None:
        def exec_(self: SignInDialog) -> int:
            self.login.setText(login)
            self.password.setText(PW)
            return int(self.attempt())
        monkeypatch.setattr(SignInDialog, "exec", exec_)

    answer("chenjing")
    window.switch_user()
    assert office.actor.login == "chenjing" and window.status_actor.text() == "当前用户：陈静（chenjing）"
    answer("wufang")
    window.idle_lock.lock()  # what the timer does after 15 idle minutes
    assert office.actor.login == "wufang" and window.centralWidget().isVisibleTo(window)
    assert window.idle_lock.timer.isActive()
    monkeypatch.setattr(sign_in_dialog, "idle_minutes", lambda _ctx: 0)  # 0 = never lock
    window.idle_lock.restart()
    assert not window.idle_lock.timer.isActive()
    # every page reloaded for the new person in the background: let it finish before the database closes
    assert QThreadPool.globalInstance().waitForDone(30_000)


def test_approval_has_no_default_verdict_and_the_applicant_cannot_approve(
        qtbot: QtBot, office: AppContext, dialog_answers: DialogAnswers) -> None:
    chen = accounts.sign_in(office.db, "chenjing", PW).actor
    item = create_issues(office.db, chen, [IssueInput("农村饮水工程管护不到位", unit="综合科",
                                                      assigned_date=dt.date(2026, 3, 2))])[0]
    lc.apply_closure(office.db, chen, item, "已完成管护制度建设")
    office.actor = chen
    before = _audit_count(office)
    dlg = StepDialog(office, get_issue_detail(office.db, item), "verify")
    qtbot.addWidget(dlg)
    assert dlg.decision.currentData() is None and dlg.decision.currentText() == "— 请选择 —"
    assert dlg.person.isReadOnly() and dlg.person.text() == "陈静"
    dlg.accept()
    assert dlg.result() != QDialog.DialogCode.Accepted and any("请选择审核意见" in w for w in dialog_answers.warnings)
    dlg.decision.setCurrentIndex(dlg.decision.findData(True))
    dlg.accept()
    assert dlg.result() != QDialog.DialogCode.Accepted
    assert any("申请人不能审批自己的申请" in w for w in dialog_answers.warnings)
    with office.db.session() as s:
        assert s.get(Issue, item).status == "done"  # type: ignore[union-attr]
    assert _audit_count(office) == before


def test_a_viewer_is_refused_a_step_in_the_gui_with_nothing_changed(
        qtbot: QtBot, office: AppContext, dialog_answers: DialogAnswers) -> None:
    wu = accounts.sign_in(office.db, "wufang", PW).actor
    item = create_issues(office.db, wu, [IssueInput("村务公开不及时", unit="综合科")])[0]
    office.actor = accounts.sign_in(office.db, "zhaolei", PW).actor
    dlg = StepDialog(office, get_issue_detail(office.db, item), "progress")
    qtbot.addWidget(dlg)
    dlg.text.setPlainText("已公开")
    dlg.accept()
    assert dlg.result() != QDialog.DialogCode.Accepted
    assert any("没有“录入”权限" in w for w in dialog_answers.warnings)
    with office.db.session() as s:
        assert s.execute(select(func.count(Progress.id))).scalar() == 0


def test_the_ledger_greys_out_what_the_signed_in_person_may_not_do(qtbot: QtBot, office: AppContext,
                                                                   dialog_answers: DialogAnswers) -> None:
    from ui.ledger.ledger_page import LedgerPage

    wu = accounts.sign_in(office.db, "wufang", PW).actor
    item = create_issues(office.db, wu, [IssueInput("村务公开不及时", unit="综合科", deadline=dt.date(2099, 6, 30))])[0]
    lc.apply_closure(office.db, wu, item, "已公开")
    office.actor = accounts.sign_in(office.db, "zhaolei", PW).actor  # 查看
    page = LedgerPage(office)
    qtbot.addWidget(page)
    page.show_issue(item)
    assert not page.detail.buttons["urge"].isEnabled()
    assert "需要“录入”权限" in page.detail.buttons["urge"].toolTip()
    assert not page.detail.buttons["verify"].isEnabled() and "需要“审核”权限" in page.detail.buttons["verify"].toolTip()
    page.run_step("urge")
    assert any("需要“录入”权限" in t for t in dialog_answers.infos)
    office.actor = accounts.sign_in(office.db, "chenjing", PW).actor  # 审核人 (and 录入员)
    page.show_issue(item)
    assert page.detail.buttons["verify"].isEnabled() and page.detail.buttons["verify"].toolTip() == ""


def test_a_forgotten_administrator_password_is_reset_with_the_recovery_code(
        qtbot: QtBot, ctx: AppContext, dialog_answers: DialogAnswers) -> None:
    _info, code = accounts.first_admin(ctx.db, TEST_ACTOR, "admin", PW, "刘洋", keys_dir=ctx.data.keys)
    dlg = SignInDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.login.setText("admin")
    dialog_answers.texts.extend(["WRONG-CODE0-00000-00000", "New2026pw", "New2026pw"])
    assert not dlg.recover() and "恢复码不正确" in dlg.message.text()
    dialog_answers.texts.extend([code, "New2026pw", "New2026pw"])
    assert dlg.recover() and dlg.password.text() == "New2026pw"
    assert dlg.attempt() and dlg.signed is not None and dlg.signed.actor.login == "admin"


def test_the_demo_opens_with_one_click_on_the_filled_in_sign_in(qtbot: QtBot, ctx: AppContext,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """What `bash scripts/run.sh` shows on a demo: the app starts behind 登录, filled in; 登录 opens it."""
    from PySide6.QtWidgets import QApplication

    from ui import app as app_module

    create_demo_accounts(ctx.db, TEST_ACTOR, ctx.data.keys)
    root = ctx.data.root
    let_workers_finish()  # its windows' background reads end before the database closes
    ctx.close()
    shown: list[str] = []

    def press_enter(self: SignInDialog) -> int:
        shown.append(self.login.text())
        return int(self.attempt())  # nothing typed: the filled-in 录入员 account

    monkeypatch.setattr(SignInDialog, "exec", press_enter)
    startup = app_module._Startup(QApplication.instance(), root)
    qtbot.addWidget(startup.window)
    startup._open()
    try:
        assert shown == ["luru"] and startup.ctx is not None
        assert startup.window.status_actor.text().startswith("当前用户：") and startup.ctx.actor.login == "luru"
        assert QThreadPool.globalInstance().waitForDone(30_000)
    finally:
        assert startup.ctx is not None
        startup.ctx.close()
