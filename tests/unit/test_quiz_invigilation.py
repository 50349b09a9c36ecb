"""监考密码 service: a salted hash in local settings, the old one to change or clear it, audited without it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import AuditEntry, Setting
from desktop_app.core.context import AppContext
from desktop_app.core.errors import PermissionDeniedError, ValidationError
from desktop_app.quiz import invigilation as inv
from tests.helpers.common import TEST_ACTOR


def _stored(ctx: AppContext) -> str:
    with ctx.db.session() as s:
        row = s.get(Setting, inv.KEY)
        return "" if row is None else row.value


def _audit_text(ctx: AppContext) -> list[tuple[str, str]]:
    with ctx.db.session() as s:
        rows = s.execute(select(AuditEntry).where(AuditEntry.target_id == inv.KEY)).scalars().all()
        return [(r.action, str(r.details)) for r in rows]


def test_set_check_change_clear(ctx: AppContext) -> None:
    assert not inv.has_invigilator_password(ctx.db)
    assert not inv.check_invigilator_password(ctx.db, "")
    assert inv.set_invigilator_password(ctx.db, TEST_ACTOR, "监考2026") is True
    assert inv.has_invigilator_password(ctx.db)
    raw = _stored(ctx)
    assert "监考2026" not in raw and "2026" not in raw and "scrypt" in raw  # a hash, not the password
    assert inv.check_invigilator_password(ctx.db, "监考2026")
    assert not inv.check_invigilator_password(ctx.db, "监考2027")
    assert not inv.check_invigilator_password(ctx.db, "")
    # changing needs the old one: none or a wrong one is refused and the old one still works
    for old in (None, "wrong"):
        with pytest.raises(PermissionDeniedError, match="原监考密码不正确"):
            inv.set_invigilator_password(ctx.db, TEST_ACTOR, "newpass", old=old)
    assert inv.check_invigilator_password(ctx.db, "监考2026") and not inv.check_invigilator_password(ctx.db, "newpass")
    assert inv.set_invigilator_password(ctx.db, TEST_ACTOR, "newpass", old="监考2026") is True
    assert inv.check_invigilator_password(ctx.db, "newpass") and not inv.check_invigilator_password(ctx.db, "监考2026")
    assert _stored(ctx) != raw  # fresh salt
    # clearing needs it too
    with pytest.raises(PermissionDeniedError):
        inv.set_invigilator_password(ctx.db, TEST_ACTOR, "", old="监考2026")
    assert inv.set_invigilator_password(ctx.db, TEST_ACTOR, "", old="newpass") is False
    assert not inv.has_invigilator_password(ctx.db) and not inv.check_invigilator_password(ctx.db, "newpass")
    entries = _audit_text(ctx)
    assert [a for a, _ in entries] == ["set_invigilator_password", "change_invigilator_password",
                                       "clear_invigilator_password"]
    assert not any("newpass" in d or "2026" in d for _, d in entries)


def test_same_password_gets_a_different_salt(ctx: AppContext) -> None:
    inv.set_invigilator_password(ctx.db, TEST_ACTOR, "abcd")
    first = _stored(ctx)
    inv.set_invigilator_password(ctx.db, TEST_ACTOR, "abcd", old="abcd")
    assert _stored(ctx) != first and inv.check_invigilator_password(ctx.db, "abcd")


@pytest.mark.parametrize(("pw", "msg"), [("abc", "至少需要4个字符"), (" abcd", "空格"), ("x" * 65, "不能超过")])
def test_validation_in_chinese(ctx: AppContext, pw: str, msg: str) -> None:
    with pytest.raises(ValidationError, match=msg):
        inv.set_invigilator_password(ctx.db, TEST_ACTOR, pw)
    assert not inv.has_invigilator_password(ctx.db) and _audit_text(ctx) == []


def test_the_setting_is_not_a_synced_table() -> None:
    # the password stays on this PC: sync bundles carry only SyncMixin tables
    assert not getattr(Setting, "__synced__", False)
