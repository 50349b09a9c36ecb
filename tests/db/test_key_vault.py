"""The office's private keys at rest: sealed once it has accounts — no private key bytes in plain form anywhere
under the data folder (database, WAL, backups, keys/); only an account with 数据交换 unlocks them; changing or
resetting its password re-wraps the data key; the recovery code opens them too."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from desktop_app.core import backup
from desktop_app.core.context import AppContext
from desktop_app.core.errors import SyncError
from desktop_app.org import accounts, key_vault, keys
from tests.helpers.common import TEST_ACTOR

PW = "Jinghong2026"


def _secrets(keys_dir: Path) -> list[bytes]:
    """Every form the two private keys could lie on disk in: PEM, DER and raw bytes."""
    out: list[bytes] = [b"PRIVATE KEY"]
    for key in (keys.load_private_key(keys_dir), keys.load_enc_key(keys_dir)):
        out.append(key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                     serialization.NoEncryption()))
        out.append(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()))
    return out


def _plain_anywhere(root: Path, secrets: list[bytes]) -> list[str]:
    found = []
    for f in root.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            found += [f"{f.relative_to(root)}" for s in secrets if s in data]
    return found


@pytest.fixture(autouse=True)
def _fresh_memory() -> None:
    key_vault.forget_all()


def test_first_account_seals_the_keys_and_nothing_lies_in_plain_form(ctx: AppContext) -> None:
    keys_dir = ctx.data.keys
    keys.create_enc_key(keys_dir)
    public = keys.public_key_b64(keys.load_private_key(keys_dir))
    secrets = _secrets(keys_dir)
    assert _plain_anywhere(ctx.data.root, secrets)  # before accounts: the PEM files, as always

    info, code = accounts.first_admin(ctx.db, TEST_ACTOR, "admin", PW, "刘洋", keys_dir=keys_dir)
    backup.make_backup(ctx.data.db_path, ctx.data.backups, "manual")
    assert sorted(p.name for p in keys_dir.iterdir()) == [
        "office-ed25519.pem.sealed", "office-x25519.pem.sealed", "office-x25519.pub"]
    assert _plain_anywhere(ctx.data.root, secrets) == []

    # in this process the administrator (数据交换) unlocked them at set-up: signing works with the same key
    assert keys.verify(public, b"x", keys.sign(keys_dir, b"x"))
    key_vault.forget_all()
    with pytest.raises(SyncError, match="需由具有“数据交换”权限的账户登录"):
        keys.sign(keys_dir, b"x")
    assert keys.create_enc_key(keys_dir)  # the office card's public half needs no unlocking
    accounts.sign_in(ctx.db, "admin", PW)
    assert keys.verify(public, b"y", keys.sign(keys_dir, b"y"))


def test_only_accounts_with_the_exchange_right_unlock_and_password_changes_rewrap(ctx: AppContext) -> None:
    keys_dir = ctx.data.keys
    public = keys.public_key_b64(keys.load_private_key(keys_dir))
    accounts.first_admin(ctx.db, TEST_ACTOR, "admin", PW, "刘洋", also_clerk=False, keys_dir=keys_dir)
    admin = accounts.sign_in(ctx.db, "admin", PW).actor
    accounts.add_account(ctx.db, admin, "wufang", "First2026", ["clerk"], person="吴芳")
    accounts.add_account(ctx.db, admin, "zhaolei", PW, ["viewer"], person="赵磊", must_change=False)
    key_vault.forget_all()
    accounts.sign_in(ctx.db, "zhaolei", PW)  # 查看 only: no key
    with pytest.raises(SyncError):
        keys.sign(keys_dir, b"x")
    accounts.change_password(ctx.db, "wufang", "First2026", "Mine2026x")  # re-wrapped for the new password
    key_vault.forget_all()
    assert key_vault.unwrap(_wraps(ctx)["wufang"], "First2026") is None
    accounts.sign_in(ctx.db, "wufang", "Mine2026x")
    assert keys.verify(public, b"x", keys.sign(keys_dir, b"x"))
    # losing the right removes the wrap
    accounts.set_roles(ctx.db, admin, "wufang", ["viewer"])
    assert "wufang" not in _wraps(ctx)


def test_the_recovery_code_resets_the_administrator_and_reopens_the_keys(ctx: AppContext) -> None:
    keys_dir = ctx.data.keys
    public = keys.public_key_b64(keys.load_private_key(keys_dir))
    _info, code = accounts.first_admin(ctx.db, TEST_ACTOR, "admin", PW, "刘洋", keys_dir=keys_dir)
    key_vault.forget_all()
    with pytest.raises(Exception, match="恢复码不正确"):
        accounts.recover_admin(ctx.db, "AAAAA-BBBBB-CCCCC-DDDDD", "admin", "New2026pw")
    accounts.recover_admin(ctx.db, code.lower().replace("-", " "), "admin", "New2026pw")
    key_vault.forget_all()
    accounts.sign_in(ctx.db, "admin", "New2026pw")
    assert keys.verify(public, b"z", keys.sign(keys_dir, b"z"))


def _wraps(ctx: AppContext) -> dict:  # type: ignore[type-arg]
    with ctx.db.session() as s:
        return key_vault.wraps(s)
