"""监考密码: an optional password the invigilator types to end a closed-book exam sitting.

Kept in the local key/value settings (``setting`` table), which is this PC's own and never
travels in sync bundles — a password set at the county must not leak to, or be overwritten
by, another office. Only a salted scrypt hash is stored, never the password itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from db.engine import Database
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import PermissionDeniedError, ValidationError
from desktop_app.org import settings

#: the setting key; its value is {"algo", "n", "r", "p", "salt", "hash"} (hex) or absent
KEY = "quiz.invigilator_password"
MIN_LENGTH = 4
MAX_LENGTH = 64
# scrypt cost: ~20 ms here, enough against guessing from a copied database, unnoticeable on a click
_N, _R, _P = 2**14, 8, 1


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def _matches(record: object, password: str) -> bool:
    if not isinstance(record, dict):
        return False
    try:
        salt = bytes.fromhex(str(record["salt"]))
        stored = bytes.fromhex(str(record["hash"]))
        got = _derive(password, salt, int(record["n"]), int(record["r"]), int(record["p"]))
    except (KeyError, ValueError, TypeError):
        return False
    return hmac.compare_digest(got, stored)


def has_invigilator_password(db: Database) -> bool:
    """True when this PC has a 监考密码 set."""
    return isinstance(settings.get(db, KEY), dict)


def check_invigilator_password(db: Database, password: str) -> bool:
    """True when ``password`` is the 监考密码 (False when none is set)."""
    return _matches(settings.get(db, KEY), password)


def set_invigilator_password(db: Database, actor: Actor, new: str | None, old: str | None = None) -> bool:
    """Set, change or (``new`` empty/None) clear the 监考密码; returns whether one is set afterwards.

    Changing or clearing an existing password needs the old one. The audit entry says what was
    done, never the password nor its hash.
    """
    new = new or ""
    if new and len(new) < MIN_LENGTH:
        raise ValidationError(f"监考密码至少需要{MIN_LENGTH}个字符", "请输入更长的密码", field="new")
    if len(new) > MAX_LENGTH:
        raise ValidationError(f"监考密码不能超过{MAX_LENGTH}个字符", "请输入较短的密码", field="new")
    if new != new.strip():
        raise ValidationError("监考密码的开头和结尾不能是空格", "请去掉首尾空格", field="new")
    with db.transaction() as s:
        current = settings.read(s, KEY)
        existed = isinstance(current, dict)
        if existed and not _matches(current, old or ""):
            raise PermissionDeniedError("原监考密码不正确", "请输入正确的原密码；忘记时请联系管理员")
        if not new:
            if not existed:
                return False
            settings.write(s, KEY, None)
            audit.record(s, actor, "clear_invigilator_password", "setting", KEY, {})
            return False
        salt = secrets.token_bytes(16)
        settings.write(s, KEY, {"algo": "scrypt", "n": _N, "r": _R, "p": _P, "salt": salt.hex(),
                                "hash": _derive(new, salt, _N, _R, _P).hex()})
        audit.record(s, actor, "change_invigilator_password" if existed else "set_invigilator_password",
                     "setting", KEY, {})
        return True


def clear_with_recovery_code(db: Database, code: str) -> None:
    """Clear a forgotten 监考密码 with the office's recovery code (恢复码, shown once at set-up)."""
    from desktop_app.org import accounts

    if not accounts.recovery_code_matches(db, code):
        raise PermissionDeniedError("恢复码不正确", "请核对设置时打印或抄写的恢复码")
    with db.transaction() as s:
        if not isinstance(settings.read(s, KEY), dict):
            return
        settings.write(s, KEY, None)
        audit.record(s, accounts.SIGN_IN_SYSTEM, "clear_invigilator_password_by_recovery", "setting", KEY, {},
                     check=False)
