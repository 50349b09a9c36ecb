"""Command line of people and their trail: ``fielddesk users …``, ``fielddesk audit verify``, and the
sign-in every command goes through once this office has accounts (``sign_in_for_command``)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import asdict
from pathlib import Path

from desktop_app.cli.support import data_root, emit
from desktop_app.core import audit, roles
from desktop_app.core.audit import Actor
from desktop_app.core.config import DataDir
from desktop_app.core.context import open_context
from desktop_app.core.errors import DatabaseError, PermissionDeniedError, ValidationError
from desktop_app.org import accounts

PASSWORD_ENV = "FIELDDESK_PASSWORD"
NEW_PASSWORD_ENV = "FIELDDESK_NEW_PASSWORD"
USER_ENV = "FIELDDESK_USER"
RECOVERY_ENV = "FIELDDESK_RECOVERY_CODE"

#: command -> the right it needs once accounts exist (None: no sign-in). A command not listed needs 查看;
#: what a command writes is checked again in the core (audit.record), right by right.
COMMAND_RIGHTS: dict[str, str | None] = {
    "init": None, "demo": None, "selftest": None,
    "backup": "settings", "restore": "settings",
    "import-excel": "record", "assign": "record",
    "export-excel": "view", "print": "view", "office-card": "view",
    "trust": "exchange", "revoke": "exchange", "export-bundle": "exchange", "import-bundle": "exchange",
    "users": "accounts", "audit": "audit",
}
#: read commands whose use is recorded in the audit log (export and print leave the building)
AUDITED_READS = {"export-excel": "export", "print": "print"}
#: commands that only read: they sign in beside a writer (the GUI holds the writer lock all session);
#: the sign-in itself appends only its audit line, which SQLite serialises like any short write
READ_COMMANDS = {"export-excel", "print", "office-card", "backup", "audit"}


def _password(prompt: str, env: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise PermissionDeniedError(f"未提供密码（环境变量 {env} 未设置，且无法交互输入）",
                                    f"请设置环境变量 {env}，或在终端中运行以便按提示输入")
    return getpass.getpass(prompt)


def sign_in_for_command(args: argparse.Namespace) -> Actor | None:
    """Sign the command line in when this data folder has accounts; None when it has none (works as before).

    Raises PermissionDeniedError without --user, with a wrong password, a locked, disabled or expired
    account, a first password not yet changed, or a missing right; each is audited, nothing else written.
    """
    command = args.command
    if command == "users" and getattr(args, "action", "") in ("passwd", "recover"):
        return None  # one's own password (signs in by itself), or the recovery code standing for the password
    need = COMMAND_RIGHTS.get(command, "view")
    if need is None:
        return None
    root = data_root(args)
    if not DataDir(root).db_path.exists():
        return None
    try:
        ctx = open_context(root, full_check=False, daily_backup=False, write=command not in READ_COMMANDS)
    except DatabaseError:
        if command == "restore":
            return None  # a file that does not open can still be replaced by a backup
        raise
    try:
        if not accounts.has_accounts(ctx.db):
            return None
        login = (getattr(args, "user", None) or os.environ.get(USER_ENV) or "").strip()
        if not login:
            raise PermissionDeniedError("本单位已启用账户，命令行操作须先登录",
                                        f"请加 --user 登录名，并设置环境变量 {PASSWORD_ENV}（或按提示输入密码）")
        signed = accounts.sign_in(ctx.db, login, _password(f"{login} 的密码：", PASSWORD_ENV))
        if signed.must_change:
            raise PermissionDeniedError(f"账户“{login}”须先修改初始密码",
                                        f"请运行 fielddesk users passwd --user {login}（新密码放在 {NEW_PASSWORD_ENV}）")
        if need not in (signed.actor.rights or frozenset()):
            with ctx.db.transaction() as s:
                audit.record(s, signed.actor, "refused", "command", command, {"right": need}, check=False)
            raise PermissionDeniedError(
                f"账户“{login}”（{signed.actor.label}）没有“{roles.RIGHTS[need]}”权限，不能运行 {command}",
                f"请由具有“{roles.RIGHTS[need]}”权限的人员操作，或请系统管理员调整角色")
        return signed.actor
    finally:
        ctx.close()


def record_read(args: argparse.Namespace, actor: Actor | None) -> None:
    """Record an export or print in the audit log (after it succeeded)."""
    action = AUDITED_READS.get(args.command)
    if action is None:
        return
    ctx = open_context(data_root(args), actor=actor, full_check=False, daily_backup=False, write=False)
    try:
        with ctx.db.transaction() as s:
            audit.record(s, ctx.actor, action, args.command, getattr(args, "kind", "") or "",
                         {"file": Path(getattr(args, "out", "") or "").name, "office": getattr(args, "office", "")})
    finally:
        ctx.close()


# --------------------------------------------------------------------------- users


def _new_password(login: str) -> str:
    value = os.environ.get(NEW_PASSWORD_ENV)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise ValidationError(f"未提供新密码（环境变量 {NEW_PASSWORD_ENV} 未设置）",
                              f"请设置环境变量 {NEW_PASSWORD_ENV}，或在终端中运行以便按提示输入")
    first = getpass.getpass(f"{login} 的新密码（至少8位，含字母和数字）：")
    if getpass.getpass("再输入一次：") != first:
        raise ValidationError("两次输入的密码不一致", "请重新运行命令")
    return first


def _account_json(a: accounts.AccountInfo) -> dict[str, object]:
    d = asdict(a)
    d.pop("person_id", None)
    return d


def _line(a: accounts.AccountInfo) -> str:
    state = "已停用" if not a.active else (f"已锁定至 {a.locked_until}" if a.locked else "正常")
    more = "，须修改初始密码" if a.must_change else ""
    return f"{a.login}\t{a.name}\t{'、'.join(a.role_labels)}\t{state}{more}"


def cmd_users(args: argparse.Namespace) -> int:
    """fielddesk users list|add|set-roles|disable|enable|reset-password|unlock|passwd [--json]."""
    ctx = open_context(data_root(args))
    try:
        action = args.action
        if action == "list":
            rows = accounts.list_accounts(ctx.db)
            emit(args, {"accounts": [_account_json(a) for a in rows]},
                 "\n".join(_line(a) for a in rows) if rows else "本单位尚未建立账户（fielddesk users add 登录名 --roles 系统管理员）")
            return 0
        if action == "passwd":
            login = (getattr(args, "user", None) or os.environ.get(USER_ENV) or "").strip()
            if not login:
                raise ValidationError("请用 --user 指明要修改密码的账户", "例如 fielddesk users passwd --user wufang")
            old = _password(f"{login} 的当前密码：", PASSWORD_ENV)
            accounts.change_password(ctx.db, login, old, _new_password(login))
            emit(args, {"login": login, "changed": True}, f"已修改账户 {login} 的密码")
            return 0
        login = (args.login or "").strip()
        if not login:
            raise ValidationError(f"users {action} 须给出登录名", f"例如 fielddesk users {action} wufang")
        if action == "add":
            info = accounts.add_account(ctx.db, ctx.actor, login, _new_password(login), _roles_arg(args),
                                        person=args.person or None, name=args.name or "", keys_dir=ctx.data.keys)
            done = f"已添加账户 {info.login}（{info.name}，{'、'.join(info.role_labels)}）" + (
                "，首次登录须修改密码" if info.must_change else "")
        elif action == "set-roles":
            info = accounts.set_roles(ctx.db, ctx.actor, login, _roles_arg(args))
            done = f"账户 {login} 的角色：{'、'.join(info.role_labels)}"
        elif action in ("disable", "enable"):
            info = accounts.set_active(ctx.db, ctx.actor, login, action == "enable")
            done = f"已{'启用' if action == 'enable' else '停用'}账户 {login}（账户保留，不删除）"
        elif action == "reset-password":
            info = accounts.reset_password(ctx.db, ctx.actor, login, _new_password(login))
            done = f"已重置账户 {login} 的密码，该账户下次登录须修改密码"
        elif action == "recover":
            code = os.environ.get(RECOVERY_ENV) or (getpass.getpass("恢复码：") if sys.stdin.isatty() else "")
            if not code:
                raise ValidationError(f"未提供恢复码（环境变量 {RECOVERY_ENV} 未设置）", "请输入设置时打印或抄写的恢复码")
            info = accounts.recover_admin(ctx.db, code, login, _new_password(login))
            done = f"已用恢复码重置系统管理员 {login} 的密码"
        elif action == "unlock":
            info = accounts.unlock(ctx.db, ctx.actor, login)
            done = f"已解锁账户 {login}"
        else:  # argparse's choices keep this out
            raise ValidationError(f"未知操作 {action}")
        if action in ("add", "set-roles") and getattr(args, "sections", None) is not None:
            raw = ",".join(args.sections).replace("、", ",").replace("，", ",")
            names = [] if raw.strip() in ("全部", "all") else [n.strip() for n in raw.split(",") if n.strip()]
            info = accounts.set_approve_sections(ctx.db, ctx.actor, login, names)
            done += f"；审核范围：{'、'.join(info.sections) or '全部科室'}"
        emit(args, _account_json(info), done)
        return 0
    finally:
        ctx.close()


def _roles_arg(args: argparse.Namespace) -> list[str]:
    raw = ",".join(args.roles or [])
    if not raw.strip():
        raise ValidationError("请用 --roles 指定角色", "可选：" + "、".join(label for label, _ in roles.ROLES.values()))
    try:
        return roles.parse_roles(raw)
    except ValueError as exc:
        raise ValidationError(f"角色“{exc}”不存在",
                              "可选：" + "、".join(f"{label}（{key}）" for key, (label, _) in roles.ROLES.items())) from exc


# --------------------------------------------------------------------------- audit


def cmd_audit(args: argparse.Namespace) -> int:
    """fielddesk audit verify [--json]: check the hash chain and its head; exit 1 naming the first broken entry."""
    ctx = open_context(data_root(args), full_check=False, daily_backup=False, write=False)
    try:
        # reading only: a verification that wrote to the log would change what the next one reports
        with ctx.db.session() as s:
            report = audit.verify(s)
    finally:
        ctx.close()
    payload = {"ok": report.ok, "entries": report.entries, "head_id": report.head_id,
               "broken": None if report.ok else {"id": report.broken_id, "kind": report.kind,
                                                 "message": report.message}}
    emit(args, payload, ("✓ " if report.ok else "✗ ") + report.message +
         ("" if report.ok else "；请保留现场并报告单位负责人，可从备份中核对被改动前的记录"))
    return 0 if report.ok else 1
