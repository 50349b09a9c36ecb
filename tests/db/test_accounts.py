"""Accounts (账户): password rules, sign-in, lockout and unlock, disable, reset, roles refused in the core,
applicant ≠ approver for 销号 and 延期 — each refusal changes nothing but its audit entry."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Closure, Extension, Issue, Progress, Section, User
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.context import AppContext
from desktop_app.core.errors import PermissionDeniedError, ValidationError
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.org import accounts
from desktop_app.org import organisation as org
from tests.helpers.common import TEST_ACTOR

D = dt.date
PW = "Jinghong2026"


def _counts(ctx: AppContext) -> tuple[int, ...]:
    with ctx.db.session() as s:
        return tuple(int(s.execute(select(func.count()).select_from(m)).scalar() or 0)
                     for m in (Issue, Progress, Extension, Closure, Section, User))


def _audit_actions(ctx: AppContext) -> list[str]:
    with ctx.db.session() as s:
        return list(s.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


@pytest.fixture
def office(ctx: AppContext) -> AppContext:
    """The test county with an administrator, two clerks, an approver, a viewer and an auditor."""
    accounts.add_account(ctx.db, TEST_ACTOR, "admin", PW, ["admin"], person="刘洋")
    admin = accounts.sign_in(ctx.db, "admin", PW).actor
    for login, roles, person in (("wufang", ["clerk"], "吴芳"), ("huangtao", ["clerk"], "黄涛"),
                                 ("chenjing", ["approver"], "陈静"), ("zhaolei", ["viewer"], "赵磊"),
                                 ("shenji", ["auditor"], None)):
        accounts.add_account(ctx.db, admin, login, PW, roles, person=person, must_change=False)
    return ctx


def _as(ctx: AppContext, login: str) -> Actor:
    return accounts.sign_in(ctx.db, login, PW).actor


def test_password_rules() -> None:
    for bad, why in (("abc123", "至少需要8个字符"), ("abcdefgh", "字母和数字"), ("12345678", "字母和数字"),
                     ("a1" * 40, "不能超过")):
        with pytest.raises(ValidationError, match=why):
            accounts.check_password_rules(bad)
    accounts.check_password_rules("景洪abc12345")
    stored = accounts.hash_password(PW)
    rec = json.loads(stored)
    assert rec["algo"] == "scrypt" and PW not in stored and len(bytes.fromhex(rec["salt"])) == 16
    assert accounts.password_matches(stored, PW) and not accounts.password_matches(stored, PW + "x")
    assert accounts.hash_password(PW) != stored  # salted


def test_first_account_must_be_an_administrator_and_a_weak_password_adds_nothing(ctx: AppContext) -> None:
    before = _counts(ctx), _audit_actions(ctx)
    with pytest.raises(ValidationError, match="第一个账户必须是系统管理员"):
        accounts.add_account(ctx.db, TEST_ACTOR, "wufang", PW, ["clerk"], person="吴芳")
    with pytest.raises(ValidationError, match="至少需要8个字符"):
        accounts.add_account(ctx.db, TEST_ACTOR, "admin", "a1", ["admin"])
    with pytest.raises(ValidationError, match="不在本单位人员名单"):
        accounts.add_account(ctx.db, TEST_ACTOR, "admin", PW, ["admin"], person="张三丰")
    with pytest.raises(ValidationError, match="角色“出纳”不存在"):
        accounts.add_account(ctx.db, TEST_ACTOR, "admin", PW, ["出纳"])
    assert (_counts(ctx), _audit_actions(ctx)) == before
    info = accounts.add_account(ctx.db, TEST_ACTOR, "admin", PW, ["系统管理员"], person="刘洋")
    assert (info.name, info.roles, info.must_change) == ("刘洋", ["admin"], False)
    with ctx.db.session() as s:
        assert PW not in (s.execute(select(User.password_hash)).scalar() or "")


def test_once_accounts_exist_an_actor_that_is_not_signed_in_writes_nothing(office: AppContext) -> None:
    before = _counts(office)
    with pytest.raises(PermissionDeniedError, match="请先登录"):
        org.add_section(office.db, TEST_ACTOR, "组织科")
    assert _counts(office) == before


def test_lockout_after_five_wrong_passwords_for_fifteen_minutes_and_unlock(office: AppContext) -> None:
    t0 = dt.datetime(2026, 11, 23, 9, 0)
    for i in range(1, 5):
        with pytest.raises(PermissionDeniedError, match=f"还可尝试 {5 - i} 次"):
            accounts.sign_in(office.db, "wufang", "wrong1234", now=t0)
    with pytest.raises(PermissionDeniedError, match="已锁定15分钟"):
        accounts.sign_in(office.db, "wufang", "wrong1234", now=t0)
    # locked: the right password is refused too, and nothing but audit entries was written
    before = _counts(office)
    with pytest.raises(PermissionDeniedError, match="已被锁定，09:15 后自动解锁"):
        accounts.sign_in(office.db, "wufang", PW, now=t0 + dt.timedelta(minutes=14))
    assert _counts(office) == before
    assert _audit_actions(office)[-7:] == ["sign_in_failed"] * 5 + ["lockout", "sign_in_failed"]
    assert accounts.list_accounts(office.db, now=t0)[-1].login == "zhaolei"  # enabled, by login
    assert next(a for a in accounts.list_accounts(office.db, now=t0) if a.login == "wufang").locked
    # fifteen minutes later the account opens again
    assert accounts.sign_in(office.db, "wufang", PW, now=t0 + dt.timedelta(minutes=15, seconds=1)).actor.label == "吴芳"
    # locked again; the administrator unlocks at once — a clerk may not
    for _ in range(5):
        with pytest.raises(PermissionDeniedError):
            accounts.sign_in(office.db, "huangtao", "nope12345")
    with pytest.raises(PermissionDeniedError, match="没有“账户管理”权限"):
        accounts.unlock(office.db, _as(office, "wufang"), "huangtao")
    with pytest.raises(PermissionDeniedError, match="已被锁定"):
        accounts.sign_in(office.db, "huangtao", PW)
    accounts.unlock(office.db, _as(office, "admin"), "huangtao")
    assert accounts.sign_in(office.db, "huangtao", PW).actor.login == "huangtao"


def test_disabled_account_is_refused_and_kept_reset_password_must_be_changed(office: AppContext) -> None:
    admin = _as(office, "admin")
    accounts.set_active(office.db, admin, "zhaolei", False)
    with pytest.raises(PermissionDeniedError, match="已停用"):
        accounts.sign_in(office.db, "zhaolei", PW)
    assert [a.active for a in accounts.list_accounts(office.db) if a.login == "zhaolei"] == [False]
    with pytest.raises(ValidationError, match="不能停用自己"):
        accounts.set_active(office.db, admin, "admin", False)
    with pytest.raises(ValidationError, match="唯一启用的系统管理员"):
        accounts.set_roles(office.db, admin, "admin", ["clerk"])
    accounts.reset_password(office.db, admin, "wufang", "Temp12345")
    signed = accounts.sign_in(office.db, "wufang", "Temp12345")
    assert signed.must_change
    with pytest.raises(ValidationError, match="不能与原密码相同"):
        accounts.change_password(office.db, "wufang", "Temp12345", "Temp12345")
    accounts.change_password(office.db, "wufang", "Temp12345", "Mine2026x")
    assert not accounts.sign_in(office.db, "wufang", "Mine2026x").must_change


def test_expired_password_is_refused_when_a_maximum_age_is_set(office: AppContext) -> None:
    from desktop_app.org import settings

    settings.put(office.db, accounts.MAX_AGE_KEY, 90)
    later = dt.datetime.now() + dt.timedelta(days=91)
    with pytest.raises(PermissionDeniedError, match="已过期"):
        accounts.sign_in(office.db, "wufang", PW, now=later)
    assert accounts.sign_in(office.db, "wufang", PW).actor.login == "wufang"


def test_each_role_is_refused_what_it_may_not_do_and_nothing_changes(office: AppContext) -> None:
    item = create_issues(office.db, _as(office, "wufang"), [IssueInput(
        "村集体经济项目收益分配不规范", unit="综合科", assigned_date=D(2026, 3, 2), deadline=D(2026, 4, 30))])[0]
    cases = [
        ("zhaolei", "录入", lambda a: lc.add_progress(office.db, a, item, D(2026, 3, 10), "已召开专题会议", 30)),
        ("chenjing", "录入", lambda a: lc.add_progress(office.db, a, item, D(2026, 3, 10), "已召开专题会议", 30)),
        ("admin", "录入", lambda a: create_issues(office.db, a, [IssueInput("新问题", unit="综合科")])),
        ("shenji", "录入", lambda a: lc.add_urge(office.db, a, item, 1, "请加快")),
        ("wufang", "系统设置", lambda a: org.add_section(office.db, a, "组织科")),
        ("chenjing", "账户管理", lambda a: accounts.reset_password(office.db, a, "wufang", "Other2026")),
    ]
    for login, right, step in cases:
        actor = _as(office, login)
        before = _counts(office)
        with pytest.raises(PermissionDeniedError, match=f"没有“{right}”权限"):
            step(actor)
        assert _counts(office) == before, login
    lc.apply_closure(office.db, _as(office, "wufang"), item, "已整改到位")
    before = _counts(office)
    for login in ("admin", "wufang", "zhaolei"):
        with pytest.raises(PermissionDeniedError, match="没有“审核”权限"):
            lc.verify_closure(office.db, _as(office, login), item, True)
    assert _counts(office) == before
    with office.db.session() as s:
        assert s.get(Issue, item).status == "done"  # type: ignore[union-attr]


def test_applicant_is_not_the_approver_of_closure_or_extension(office: AppContext) -> None:
    # 陈静 is both an approver and a clerk here: she may record, but not approve what she applied for
    admin = _as(office, "admin")
    accounts.set_roles(office.db, admin, "chenjing", ["approver", "clerk"])
    chen, wu = _as(office, "chenjing"), _as(office, "wufang")
    item = create_issues(office.db, chen, [IssueInput(
        "农村饮水工程管护不到位", unit="综合科", assigned_date=D(2026, 3, 2), deadline=D(2026, 4, 30))])[0]
    ext = lc.request_extension(office.db, chen, item, D(2026, 6, 30), "汛期施工受阻")
    before = _counts(office)
    with pytest.raises(PermissionDeniedError, match="申请人不能审批自己的申请"):
        lc.decide_extension(office.db, chen, ext, True)
    assert _counts(office) == before
    with office.db.session() as s:
        assert s.get(Extension, ext).state == "pending"  # type: ignore[union-attr]
    # a clerk typed 陈静 as the applicant of a closure: still hers to not approve
    lc.apply_closure(office.db, wu, item, "已完成管护制度建设", applicant="陈静")
    with pytest.raises(PermissionDeniedError, match="销号申请由您（陈静）提出"):
        lc.verify_closure(office.db, chen, item, True)
    with office.db.session() as s:
        assert s.get(Issue, item).status == "done"  # type: ignore[union-attr]
    # the clerk's own application recorded by her account, approved by someone else: fine, and named
    accounts.add_account(office.db, admin, "liuyang", PW, ["approver"], person="刘洋", must_change=False)
    lc.verify_closure(office.db, _as(office, "liuyang"), item, True, verifier="随便写的名字")
    with office.db.session() as s:
        c = s.execute(select(Closure).where(Closure.issue_id == item)).scalars().one()
        assert (c.state, c.verifier) == ("approved", "刘洋")
        assert s.get(Issue, item).closed_by == "刘洋"  # type: ignore[union-attr]
        login = s.execute(select(AuditEntry.actor_login).where(AuditEntry.action == "verify_closure")).scalar()
        assert login == "liuyang"
        assert audit.verify(s).ok


def test_an_approver_for_chosen_sections_decides_only_their_items(office: AppContext) -> None:
    admin = _as(office, "admin")
    with pytest.raises(ValidationError, match="科室“宣传科”不存在"):
        accounts.set_approve_sections(office.db, admin, "chenjing", ["宣传科"])
    info = accounts.set_approve_sections(office.db, admin, "chenjing", ["规划发展科"])
    assert info.sections == ["规划发展科"]
    wu = _as(office, "wufang")
    ours, theirs = create_issues(office.db, wu, [
        IssueInput("规划项目进度滞后", unit="规划发展科", assigned_date=D(2026, 3, 2)),
        IssueInput("综合档案管理不规范", unit="综合科", assigned_date=D(2026, 3, 2))])
    for item in (ours, theirs):
        lc.apply_closure(office.db, wu, item, "已整改")
    chen = _as(office, "chenjing")
    before = _counts(office)
    with pytest.raises(PermissionDeniedError, match="负责审核“规划发展科”的问题.*责任单位是“综合科”"):
        lc.verify_closure(office.db, chen, theirs, True)
    assert _counts(office) == before
    lc.verify_closure(office.db, chen, ours, True)
    accounts.set_approve_sections(office.db, admin, "chenjing", [])  # none = every section
    lc.verify_closure(office.db, _as(office, "chenjing"), theirs, True)
    with office.db.session() as s:
        assert {s.get(Issue, i).status for i in (ours, theirs)} == {"closed"}  # type: ignore[union-attr]
