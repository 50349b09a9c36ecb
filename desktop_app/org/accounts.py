"""账户 — accounts, sign-in, lockout and passwords (等保2.0 level-2 identity controls).

Accounts are this PC's own (``app_user``, never synced). Each names a person from 人员 and
holds roles (``desktop_app.core.roles``). Passwords: at least 8 characters with letters and
digits, stored as a salted scrypt hash; 5 wrong passwords lock the account for 15 minutes;
a first or reset password must be changed at the next sign-in; an optional maximum age
(setting ``accounts.password_max_days``) makes an old password expire. Accounts are
disabled, never deleted, so every audit line keeps naming a real account.

Every step is one transaction with one audit entry. A failed sign-in writes only its audit
entry and the failure count, then raises.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Person, User
from desktop_app.core import audit, roles
from desktop_app.core.audit import Actor
from desktop_app.core.errors import FieldDeskError, NotFoundError, PermissionDeniedError, ValidationError
from desktop_app.org import key_vault, settings

MIN_LENGTH = 8
MAX_LENGTH = 64
MAX_FAILURES = 5
LOCK_MINUTES = 15
MAX_AGE_KEY = "accounts.password_max_days"
#: scrypt cost: ~40 ms here — slow for a guesser with a copied file, unnoticeable at sign-in
_N, _R, _P = 2**14, 8, 1
_LOGIN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{1,39}$")
#: who records what no one typed correctly (failed sign-ins, lockouts)
SIGN_IN_SYSTEM = Actor("system", "系统")


@dataclass(frozen=True)
class AccountInfo:
    """One account as the 账户 tab and ``users list`` show it."""

    login: str
    name: str
    person_id: str | None
    roles: list[str]
    role_labels: list[str]
    active: bool
    locked: bool
    locked_until: str | None
    must_change: bool
    failed_count: int
    #: sections an approver decides for ([] = every section)
    sections: list[str] = dataclasses.field(default_factory=list)


@dataclass(frozen=True)
class SignedIn:
    """The result of a successful sign-in: the actor to act as, and whether the password must change now."""

    actor: Actor
    must_change: bool
    roles: list[str]


def _now() -> dt.datetime:
    return dt.datetime.now()


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def hash_password(password: str) -> str:
    """The stored form of ``password``: JSON with a fresh salt and the scrypt parameters."""
    salt = secrets.token_bytes(16)
    return json.dumps({"algo": "scrypt", "n": _N, "r": _R, "p": _P, "salt": salt.hex(),
                       "hash": _derive(password, salt, _N, _R, _P).hex()})


def password_matches(stored: str, password: str) -> bool:
    """Constant-time check of ``password`` against a stored hash (False for anything malformed)."""
    try:
        rec = json.loads(stored)
        got = _derive(password, bytes.fromhex(rec["salt"]), int(rec["n"]), int(rec["r"]), int(rec["p"]))
        return hmac.compare_digest(got, bytes.fromhex(rec["hash"]))
    except (ValueError, KeyError, TypeError):
        return False


def check_login(login: str) -> str:
    """A valid login (stripped), or a Chinese refusal."""
    login = (login or "").strip()
    if not _LOGIN.match(login):
        raise ValidationError(f"登录名“{login}”无效", "登录名以字母开头，2–40位字母、数字、下划线、点或连字符",
                              field="login")
    return login


def check_password_rules(password: str, field: str = "password") -> None:
    """Refuse a password shorter than 8 characters or without both letters and digits."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"密码至少需要{MIN_LENGTH}个字符", "请输入至少8位、同时包含字母和数字的密码", field=field)
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"密码不能超过{MAX_LENGTH}个字符", "请输入较短的密码", field=field)
    if not re.search(r"[A-Za-z]", password) or not re.search(r"[0-9]", password):
        raise ValidationError("密码须同时包含字母和数字", "请在密码中加入字母和数字", field=field)


def _roles_of(u: User) -> list[str]:
    try:
        value = json.loads(u.roles or "[]")
    except ValueError:
        return []
    return [str(r) for r in value] if isinstance(value, list) else []


def _validate_roles(values: Iterable[str]) -> list[str]:
    try:
        out = roles.parse_roles(list(values))
    except ValueError as exc:
        known = "、".join(label for label, _ in roles.ROLES.values())
        raise ValidationError(f"角色“{exc}”不存在", f"可选角色：{known}", field="roles") from exc
    if not out:
        raise ValidationError("账户至少需要一个角色", "请选择角色", field="roles")
    return out


def _user(s: Session, login: str) -> User:
    u = s.execute(select(User).where(User.login == login.strip())).scalars().first()
    if u is None:
        raise NotFoundError(f"账户“{login}”不存在", "请检查登录名，或请系统管理员添加账户")
    return u


def _name_of(s: Session, u: User) -> str:
    if u.person_id:
        p = s.get(Person, u.person_id)
        if p is not None:
            return p.name
    return u.display_name or u.login


def _sections_of(u: User) -> list[str]:
    try:
        value = json.loads(u.approve_sections or "[]")
    except ValueError:
        return []
    return [str(x) for x in value] if isinstance(value, list) else []


def actor_for(s: Session, u: User) -> Actor:
    """The actor a signed-in account acts as: its login, its person's name, its rights (and approval scope)."""
    sections = _sections_of(u)
    return Actor(u.login, _name_of(s, u), rights=roles.rights_of(_roles_of(u)), account=True,
                 sections=frozenset(sections) if sections else None)


def _locked(u: User, now: dt.datetime) -> bool:
    return u.locked_until is not None and u.locked_until > now


def _info(s: Session, u: User, now: dt.datetime) -> AccountInfo:
    rs = _roles_of(u)
    locked = _locked(u, now)
    return AccountInfo(u.login, _name_of(s, u), u.person_id, rs, [roles.role_label(r) for r in rs], u.active,
                       locked, u.locked_until.isoformat(timespec="minutes") if locked and u.locked_until else None,
                       u.must_change, u.failed_count, _sections_of(u))


def has_accounts(db: Database) -> bool:
    """True once this office has any account (sign-in is then required everywhere)."""
    with db.session() as s:
        return audit.accounts_exist(s)


def list_accounts(db: Database, now: dt.datetime | None = None) -> list[AccountInfo]:
    """Every account, enabled first, by login."""
    now = now or _now()
    with db.session() as s:
        users = s.execute(select(User).order_by(User.active.desc(), User.login)).scalars().all()
        return [_info(s, u, now) for u in users]


def _person_id(s: Session, person: str | None) -> str | None:
    if not person:
        return None
    p = s.get(Person, person)
    if p is None:
        matches = s.execute(select(Person).where(Person.name == person.strip(), Person.deleted.is_(False))
                            ).scalars().all()
        if len(matches) > 1:
            raise ValidationError(f"人员“{person}”有重名", "请在设置 › 人员中区分后再选择", field="person")
        p = matches[0] if matches else None
    if p is None:
        raise ValidationError(f"人员“{person}”不在本单位人员名单中", "请先在设置 › 人员中添加此人", field="person")
    return p.id


def add_account(db: Database, actor: Actor, login: str, password: str, account_roles: Iterable[str],
                person: str | None = None, name: str = "", must_change: bool = True,
                keys_dir: Path | None = None) -> AccountInfo:
    """Add an account (needs 账户管理, except the very first one, made at set-up).

    ``person``: a person's id or name from 人员. The first password must be changed at the
    first sign-in unless ``must_change`` is False (the demo's accounts, the set-up wizard's own).
    ``keys_dir``: the office's keys folder; with the first account its private keys are sealed
    (``key_vault``). An account with 数据交换 gets the keys' data key wrapped for its password when
    someone with that right has signed in here (the administrator adding it).
    """
    login = check_login(login)
    check_password_rules(password)
    rs = _validate_roles(account_roles)
    with db.transaction() as s:
        first = not audit.accounts_exist(s)
        if s.execute(select(User.id).where(User.login == login)).first() is not None:
            raise ValidationError(f"登录名“{login}”已被使用", "请换一个登录名（停用的账户也占用其登录名）",
                                  field="login")
        if first and "admin" not in rs:
            raise ValidationError("第一个账户必须是系统管理员", "请为第一个账户选择“系统管理员”角色", field="roles")
        pid = _person_id(s, person)
        now = _now()
        u = User(login=login, display_name=(name or "").strip()[:40], person_id=pid, roles=json.dumps(rs),
                 password_hash=hash_password(password), active=True, must_change=must_change and not first,
                 password_changed_at=now, created_at=now, failed_count=0)
        s.add(u)
        s.flush()
        # the first account is made by whoever sets the office up, before anyone can sign in
        audit.record(s, actor, "add_account", "app_user", login, {"roles": rs, "person_id": pid}, check=not first)
        if not first and "exchange" in roles.rights_of(rs):
            key_vault.grant(s, login, password)
        info = _info(s, u, now)
    if first and keys_dir is not None:
        from desktop_app.org import keys

        keys.seal_office_keys(db, keys_dir, login, password)
    return info


def sign_in(db: Database, login: str, password: str, now: dt.datetime | None = None) -> SignedIn:
    """Check a login and password; the actor to act as, or a Chinese refusal.

    A wrong password counts towards the lockout (5 → 15 minutes) and is audited; a locked,
    disabled or expired account is refused before the password is looked at.
    """
    now = now or _now()
    failure: PermissionDeniedError | None = None
    with db.transaction() as s:
        u = s.execute(select(User).where(User.login == (login or "").strip())).scalars().first()
        if u is None:
            audit.record(s, SIGN_IN_SYSTEM, "sign_in_failed", "app_user", (login or "")[:36],
                         {"reason": "unknown_login"}, check=False)
            failure = PermissionDeniedError("登录名或密码不正确", "请检查后重试；连续输错5次账户将被锁定15分钟")
        elif not u.active:
            audit.record(s, SIGN_IN_SYSTEM, "sign_in_failed", "app_user", u.login, {"reason": "disabled"}, check=False)
            failure = PermissionDeniedError(f"账户“{u.login}”已停用", "请联系系统管理员启用账户")
        elif _locked(u, now):
            audit.record(s, SIGN_IN_SYSTEM, "sign_in_failed", "app_user", u.login, {"reason": "locked"}, check=False)
            until = u.locked_until.strftime("%H:%M") if u.locked_until else ""
            failure = PermissionDeniedError(f"账户“{u.login}”因连续输错密码已被锁定，{until} 后自动解锁",
                                            "请稍后再试，或请系统管理员解锁")
        elif not password_matches(u.password_hash, password or ""):
            u.failed_count = (u.failed_count or 0) + 1
            left = MAX_FAILURES - u.failed_count
            audit.record(s, SIGN_IN_SYSTEM, "sign_in_failed", "app_user", u.login,
                         {"reason": "wrong_password", "failures": u.failed_count}, check=False)
            if left <= 0:
                u.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                u.failed_count = 0
                audit.record(s, SIGN_IN_SYSTEM, "lockout", "app_user", u.login, {"minutes": LOCK_MINUTES}, check=False)
                failure = PermissionDeniedError(f"密码连续输错{MAX_FAILURES}次，账户“{u.login}”已锁定{LOCK_MINUTES}分钟",
                                                "请稍后再试，或请系统管理员解锁")
            else:
                failure = PermissionDeniedError("登录名或密码不正确", f"还可尝试 {left} 次，之后账户将被锁定{LOCK_MINUTES}分钟")
        else:
            max_days = settings.read(s, MAX_AGE_KEY, 0) or 0
            if (isinstance(max_days, int) and max_days > 0 and u.password_changed_at is not None
                    and now - u.password_changed_at > dt.timedelta(days=max_days)):
                audit.record(s, SIGN_IN_SYSTEM, "sign_in_failed", "app_user", u.login, {"reason": "expired"},
                             check=False)
                failure = PermissionDeniedError(f"账户“{u.login}”的密码已超过{max_days}天未修改，已过期",
                                                "请系统管理员重置密码后，用新密码登录并修改")
            else:
                u.failed_count = 0
                u.locked_until = None
                actor = actor_for(s, u)
                if "exchange" in (actor.rights or frozenset()):
                    key_vault.unlock_with(s, u.login, password)  # the office's keys, for this process
                audit.record(s, actor, "sign_in", "app_user", u.login, {}, check=False)
                return SignedIn(actor, u.must_change, _roles_of(u))
    assert failure is not None
    raise failure


def change_password(db: Database, login: str, old: str, new: str, now: dt.datetime | None = None) -> None:
    """One's own password: the current one, then a new one that follows the rules and differs from it."""
    check_password_rules(new, field="new")
    if new == old:
        raise ValidationError("新密码不能与原密码相同", "请输入一个新的密码", field="new")
    signed = sign_in(db, login, old, now)  # the same lockout applies to a wrong current password
    with db.transaction() as s:
        u = _user(s, login)
        u.password_hash, u.must_change, u.password_changed_at = hash_password(new), False, now or _now()
        if "exchange" in (signed.actor.rights or frozenset()):
            key_vault.grant(s, u.login, new)  # re-wrap the keys' data key (unlocked by the sign-in above)
        audit.record(s, signed.actor, "change_password", "app_user", u.login, {}, check=False)


def set_roles(db: Database, actor: Actor, login: str, account_roles: Iterable[str]) -> AccountInfo:
    """Change an account's roles (账户管理); the last enabled administrator keeps 系统管理员."""
    rs = _validate_roles(account_roles)
    with db.transaction() as s:
        u = _user(s, login)
        before = _roles_of(u)
        if "admin" in before and "admin" not in rs and u.active:
            _keep_one_admin(s, u)
        u.roles = json.dumps(rs)
        if "exchange" not in roles.rights_of(rs):
            key_vault.revoke(s, u.login)
        audit.record(s, actor, "set_roles", "app_user", u.login, {"before": before, "after": rs})
        return _info(s, u, _now())


def set_approve_sections(db: Database, actor: Actor, login: str, sections: Iterable[str]) -> AccountInfo:
    """The sections an approver (审核人/分管领导) decides for; none = every section (账户管理)."""
    from db.models import Section

    names = [n.strip() for n in sections if n and n.strip()]
    with db.transaction() as s:
        u = _user(s, login)
        known = set(s.execute(select(Section.name).where(Section.deleted.is_(False))).scalars())
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValidationError(f"科室“{'、'.join(unknown)}”不存在", "请从本单位的科室中选择", field="sections")
        before = _sections_of(u)
        u.approve_sections = json.dumps(sorted(set(names)), ensure_ascii=False)
        audit.record(s, actor, "set_roles", "app_user", u.login, {"sections_before": before,
                                                                   "sections": sorted(set(names))})
        return _info(s, u, _now())


def _keep_one_admin(s: Session, leaving: User) -> None:
    others = [u for u in s.execute(select(User).where(User.active.is_(True), User.id != leaving.id)).scalars()
              if "admin" in _roles_of(u)]
    if not others:
        raise ValidationError(f"“{leaving.login}”是唯一启用的系统管理员，不能取消其管理员角色或停用",
                              "请先为另一个账户授予系统管理员角色", field="roles")


def set_active(db: Database, actor: Actor, login: str, active: bool) -> AccountInfo:
    """Disable (never delete) or enable an account (账户管理); one cannot disable oneself."""
    with db.transaction() as s:
        u = _user(s, login)
        if not active and actor.account and actor.login == u.login:
            raise ValidationError("不能停用自己正在使用的账户", "请由另一位系统管理员操作")
        if not active and "admin" in _roles_of(u) and u.active:
            _keep_one_admin(s, u)
        if u.active == active:
            return _info(s, u, _now())
        u.active = active
        audit.record(s, actor, "enable_account" if active else "disable_account", "app_user", u.login, {})
        return _info(s, u, _now())


def reset_password(db: Database, actor: Actor, login: str, new: str) -> AccountInfo:
    """Give an account a new password it must change at its next sign-in (账户管理); also unlocks it."""
    check_password_rules(new)
    with db.transaction() as s:
        u = _user(s, login)
        u.password_hash, u.must_change = hash_password(new), True
        u.password_changed_at, u.failed_count, u.locked_until = _now(), 0, None
        key_vault.revoke(s, u.login)
        if "exchange" in roles.rights_of(_roles_of(u)):
            key_vault.grant(s, u.login, new)
        audit.record(s, actor, "reset_password", "app_user", u.login, {})
        return _info(s, u, _now())


def unlock(db: Database, actor: Actor, login: str) -> AccountInfo:
    """Lift a lockout now (账户管理)."""
    with db.transaction() as s:
        u = _user(s, login)
        u.failed_count, u.locked_until = 0, None
        audit.record(s, actor, "unlock_account", "app_user", u.login, {})
        return _info(s, u, _now())


def require(actor: Actor, right: str) -> None:
    """Refuse when a signed-in ``actor`` lacks ``right`` (actors without accounts pass: no accounts yet)."""
    if actor.rights is not None and right not in actor.rights:
        raise PermissionDeniedError(f"账户“{actor.login}”（{actor.label}）没有“{roles.RIGHTS[right]}”权限",
                                    f"请由具有“{roles.RIGHTS[right]}”权限的人员办理，或请系统管理员调整角色")


# --------------------------------------------------------------------------- set-up, one-person offices, recovery

SINGLE_USER_KEY = "accounts.single_user"
RECOVERY_KEY = "accounts.recovery"
#: letters and digits that cannot be misread when copied by hand (no 0/O, 1/I/L)
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def first_admin(db: Database, actor: Actor, login: str, password: str, person: str | None,
                single_user: bool = False, also_clerk: bool = True,
                keys_dir: Path | None = None) -> tuple[AccountInfo, str]:
    """The set-up wizard's account: the office's first 系统管理员; returns it and the one-time recovery code.

    ``single_user`` (本机仅一人使用): this one account holds every role and signs in by itself at start.
    ``also_clerk``: the administrator also records the daily work (录入员), as in most small offices.
    """
    rs = ["admin", "clerk", "approver", "auditor"] if single_user else (["admin", "clerk"] if also_clerk else ["admin"])
    info = add_account(db, actor, login, password, rs, person=person, must_change=False, keys_dir=keys_dir)
    code = new_recovery_code(db, actor_for_login(db, login))
    if single_user:
        with db.transaction() as s:
            settings.write(s, SINGLE_USER_KEY, login)
            audit.record(s, actor_for_login_in(s, login), "change_setting", "setting", SINGLE_USER_KEY,
                         {"single_user": True})
    return info, code


def actor_for_login(db: Database, login: str) -> Actor:
    """The actor of an account (for steps taken right after the account was made, e.g. at set-up)."""
    with db.session() as s:
        return actor_for(s, _user(s, login))


def actor_for_login_in(s: Session, login: str) -> Actor:
    """``actor_for_login`` inside the caller's transaction."""
    return actor_for(s, _user(s, login))


def single_user_login(db: Database) -> str | None:
    """The one account of an office that chose 本机仅一人使用 at set-up (it signs in by itself), else None."""
    login = settings.get(db, SINGLE_USER_KEY)
    return login if isinstance(login, str) and login else None


def auto_sign_in(db: Database) -> SignedIn | None:
    """Sign the one-person office's account in without a password — only when that was chosen explicitly,
    the account is still enabled and is the only enabled account."""
    login = single_user_login(db)
    if login is None:
        return None
    with db.transaction() as s:
        active = s.execute(select(User).where(User.active.is_(True), User.password_hash != "")).scalars().all()
        if len(active) != 1 or active[0].login != login:
            return None
        u = active[0]
        actor = actor_for(s, u)
        audit.record(s, actor, "sign_in", "app_user", u.login, {"automatic": True}, check=False)
        return SignedIn(actor, False, _roles_of(u))


def new_recovery_code(db: Database, actor: Actor) -> str:
    """Make the office's recovery code (恢复码), replacing any earlier one; only its scrypt hash is kept.

    Shown once (to be printed or copied and kept safe): it resets the administrator's password
    and clears the 监考密码 when they are forgotten.
    """
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(20))
    code = "-".join(raw[i:i + 5] for i in range(0, 20, 5))
    with db.transaction() as s:
        settings.write(s, RECOVERY_KEY, hash_password(raw))
        key_vault.add_recovery(s, raw)  # the code also opens the office's sealed keys
        audit.record(s, actor, "new_recovery_code", "setting", RECOVERY_KEY, {}, check=False)
    return code


def _raw_code(code: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", code or "").upper()


def _code_ok(s: Session, code: str) -> bool:
    stored = settings.read(s, RECOVERY_KEY)
    return isinstance(stored, str) and password_matches(stored, _raw_code(code))


def recover_admin(db: Database, code: str, login: str, new: str) -> AccountInfo:
    """Reset an administrator's password with the recovery code (also unlocks and re-enables it)."""
    check_password_rules(new, field="new")
    failure: FieldDeskError | None = None
    with db.transaction() as s:
        if not _code_ok(s, code):
            audit.record(s, SIGN_IN_SYSTEM, "recovery_failed", "app_user", (login or "")[:36], {}, check=False)
            failure = PermissionDeniedError("恢复码不正确", "请核对设置时打印或抄写的恢复码（字母不分大小写）")
        else:
            u = _user(s, login)
            if "admin" not in _roles_of(u):
                raise ValidationError(f"账户“{login}”不是系统管理员", "恢复码只能用于重置系统管理员的密码")
            u.password_hash, u.must_change, u.active = hash_password(new), False, True
            u.password_changed_at, u.failed_count, u.locked_until = _now(), 0, None
            if key_vault.unlock_with_recovery(s, _raw_code(code)):
                key_vault.grant(s, u.login, new)
            audit.record(s, SIGN_IN_SYSTEM, "recovery_reset", "app_user", u.login, {}, check=False)
            return _info(s, u, _now())
    assert failure is not None
    raise failure


def recovery_code_matches(db: Database, code: str) -> bool:
    """Whether ``code`` is the office's recovery code (for clearing a forgotten 监考密码)."""
    with db.session() as s:
        return _code_ok(s, code)


IDLE_KEY = "accounts.idle_lock_minutes"
IDLE_DEFAULT = 15


def idle_lock_minutes(db: Database) -> int:
    """Minutes without input before the screen locks (0 = never; default 15)."""
    value = settings.get(db, IDLE_KEY, IDLE_DEFAULT)
    return value if isinstance(value, int) and value >= 0 else IDLE_DEFAULT


def set_idle_lock_minutes(db: Database, actor: Actor, minutes: int) -> None:
    """Set the screen-lock time (系统设置): 0 turns it off, at most 240 minutes."""
    if not (0 <= minutes <= 240):
        raise ValidationError(f"锁屏时间“{minutes}”分钟无效", "请填写0到240之间的分钟数（0为不自动锁屏）", field="minutes")
    with db.transaction() as s:
        before = settings.read(s, IDLE_KEY, IDLE_DEFAULT)
        settings.write(s, IDLE_KEY, minutes)
        audit.record(s, actor, "change_setting", "setting", IDLE_KEY, {"before": before, "after": minutes})


def password_max_days(db: Database) -> int:
    """Days a password stays valid (0 = it never expires, the default)."""
    value = settings.get(db, MAX_AGE_KEY, 0)
    return value if isinstance(value, int) and value >= 0 else 0


def set_password_max_days(db: Database, actor: Actor, days: int) -> None:
    """Set the password's maximum age (系统设置): 0 = never expires, at most 3650 days."""
    if not (0 <= days <= 3650):
        raise ValidationError(f"密码有效期“{days}”天无效", "请填写0到3650之间的天数（0为永不过期）", field="days")
    with db.transaction() as s:
        before = settings.read(s, MAX_AGE_KEY, 0)
        settings.write(s, MAX_AGE_KEY, days)
        audit.record(s, actor, "change_setting", "setting", MAX_AGE_KEY, {"before": before, "after": days})
