"""The office's private keys at rest (密钥保护): sealed with AES-GCM once the office has accounts.

Before accounts exist the keys are PEM files readable by the owner only (as before). When the first
administrator account is made, both private keys are sealed: a random 32-byte data key encrypts
each file (``keys/<name>.sealed``, AES-GCM, the file name as associated data) and the plain files are
overwritten and removed. The data key itself is only stored wrapped — AES-GCM under a scrypt key
derived from the password of each account holding the 数据交换 right, and from the recovery code —
in the local ``keys.wraps`` setting (never synced). Signing in with such an account unwraps the data
key into this process's memory; nothing else can read the private keys. Changing or resetting that
password re-wraps the data key; the private key bytes never lie on disk in plain form.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session

from db.engine import Database
from desktop_app.core.errors import SyncError
from desktop_app.org import settings

WRAPS_KEY = "keys.wraps"
RECOVERY = "__recovery__"
SEALED_SUFFIX = ".sealed"
_N, _R, _P = 2**14, 8, 1
#: data keys unwrapped by sign-ins in this process (several offices may be open in one test run)
_UNLOCKED: list[bytes] = []


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"))


def _kek(secret: str, salt: bytes, n: int = _N, r: int = _R, p: int = _P) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def wrap(dek: bytes, secret: str) -> dict[str, Any]:
    """The data key encrypted under a key derived from ``secret`` (a password or the recovery code)."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    ct = AESGCM(_kek(secret, salt)).encrypt(nonce, dek, b"fielddesk-dek")
    return {"algo": "scrypt+aes-gcm", "n": _N, "r": _R, "p": _P, "salt": _b64(salt), "nonce": _b64(nonce),
            "ct": _b64(ct)}


def unwrap(record: Any, secret: str) -> bytes | None:
    """The data key from a wrap record, or None when ``secret`` does not open it."""
    if not isinstance(record, dict):
        return None
    try:
        kek = _kek(secret, _unb64(record["salt"]), int(record["n"]), int(record["r"]), int(record["p"]))
        return AESGCM(kek).decrypt(_unb64(record["nonce"]), _unb64(record["ct"]), b"fielddesk-dek")
    except (InvalidTag, KeyError, ValueError, TypeError):
        return None


def _remember(dek: bytes) -> None:
    if dek not in _UNLOCKED:
        _UNLOCKED.append(dek)


def forget_all() -> None:
    """Drop every unwrapped data key from memory (tests; a signed-out process)."""
    _UNLOCKED.clear()


def wraps(s: Session) -> dict[str, Any]:
    """The wrap records by login (and ``__recovery__``); {} while the keys are not sealed."""
    value = settings.read(s, WRAPS_KEY)
    return value if isinstance(value, dict) else {}


def is_sealed(db: Database) -> bool:
    """True once the office's private keys are sealed (it has accounts)."""
    with db.session() as s:
        return bool(wraps(s))


def unlock_with(s: Session, login: str, secret: str) -> bool:
    """At sign-in: unwrap the data key with this account's password (if it holds a wrap); True when unlocked."""
    dek = unwrap(wraps(s).get(login), secret)
    if dek is None:
        return False
    _remember(dek)
    return True


def _current_dek(s: Session) -> bytes | None:
    """A data key unwrapped in this process that belongs to this office (it opens one of its wraps' checks)."""
    check = wraps(s).get("__check__")
    for dek in _UNLOCKED:
        if isinstance(check, str) and hashlib.sha256(dek).hexdigest()[:16] == check:
            return dek
    return None


def grant(s: Session, login: str, secret: str) -> bool:
    """Wrap the data key for ``login`` (inside the caller's transaction); False when no one has unlocked it here."""
    if not wraps(s):
        return False
    dek = _current_dek(s)
    if dek is None:
        return False
    w = wraps(s)
    w[login] = wrap(dek, secret)
    settings.write(s, WRAPS_KEY, w)
    return True


def revoke(s: Session, login: str) -> None:
    """Remove ``login``'s wrap (account disabled, or its 数据交换 right taken away)."""
    w = wraps(s)
    if login in w:
        del w[login]
        settings.write(s, WRAPS_KEY, w)


def seal(db: Database, keys_dir: Path, login: str, password: str, recovery_code: str | None = None) -> bool:
    """Seal the office's plain private keys for the first account (and the recovery code). False if already sealed."""
    with db.transaction() as s:
        if wraps(s):
            return False
        dek = secrets.token_bytes(32)
        w: dict[str, Any] = {"__check__": hashlib.sha256(dek).hexdigest()[:16], login: wrap(dek, password)}
        if recovery_code:
            w[RECOVERY] = wrap(dek, recovery_code)
        plain = [p for p in sorted(keys_dir.glob("*.pem")) if p.is_file()]
        for p in plain:
            _write_sealed(keys_dir / (p.name + SEALED_SUFFIX), dek, p.name, p.read_bytes())
        settings.write(s, WRAPS_KEY, w)
    for p in plain:  # only once the wraps are committed: until then the plain file is the only copy
        _shred(p)
    _remember(dek)
    return True


def add_recovery(s: Session, code: str) -> None:
    """Wrap the data key for a new recovery code (needs it unlocked here); no-op while not sealed."""
    dek = _current_dek(s)
    if dek is None or not wraps(s):
        return
    w = wraps(s)
    w[RECOVERY] = wrap(dek, code)
    settings.write(s, WRAPS_KEY, w)


def unlock_with_recovery(s: Session, code: str) -> bool:
    """Unwrap the data key with the recovery code (a forgotten administrator password)."""
    dek = unwrap(wraps(s).get(RECOVERY), code)
    if dek is None:
        return False
    _remember(dek)
    return True


def _write_sealed(path: Path, dek: bytes, name: str, data: bytes) -> None:
    nonce = secrets.token_bytes(12)
    body = json.dumps({"v": 1, "nonce": _b64(nonce),
                       "ct": _b64(AESGCM(dek).encrypt(nonce, data, name.encode("utf-8")))}).encode("ascii")
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(body)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _shred(path: Path) -> None:
    """Overwrite a plain key file before removing it (a deleted file's blocks may otherwise stay readable)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as f:
            f.write(secrets.token_bytes(size))
            f.flush()
            os.fsync(f.fileno())
    finally:
        path.unlink(missing_ok=True)


def read_private(keys_dir: Path, name: str) -> bytes | None:
    """A private key file's PEM bytes: plain (before accounts) or unsealed with a data key unlocked here.

    None when neither file exists; SyncError when it is sealed and no one with 数据交换 has signed in.
    """
    plain = keys_dir / name
    if plain.exists():
        return plain.read_bytes()
    sealed = keys_dir / (name + SEALED_SUFFIX)
    if not sealed.exists():
        return None
    try:
        body = json.loads(sealed.read_bytes())
        nonce, ct = _unb64(body["nonce"]), _unb64(body["ct"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SyncError(f"本单位密钥文件 keys/{sealed.name} 已损坏", "请从备份中恢复 keys 文件夹") from exc
    for dek in _UNLOCKED:
        try:
            return AESGCM(dek).decrypt(nonce, ct, name.encode("utf-8"))
        except InvalidTag:
            continue
    raise SyncError("本单位的签名密钥已加密保存，需由具有“数据交换”权限的账户登录后才能使用",
                    "请用具有“数据交换”权限的账户登录（命令行加 --user 登录名），再导出或打开数据包")


def write_private(keys_dir: Path, name: str, pem: bytes, sibling: str) -> None:
    """Store a newly made private key: sealed with the data key that opens ``sibling`` when that one is sealed
    (the office has accounts), else plain with mode 600."""
    sealed_sibling = keys_dir / (sibling + SEALED_SUFFIX)
    if sealed_sibling.exists():
        body = json.loads(sealed_sibling.read_bytes())
        for dek in _UNLOCKED:
            try:
                AESGCM(dek).decrypt(_unb64(body["nonce"]), _unb64(body["ct"]), sibling.encode("utf-8"))
            except InvalidTag:
                continue
            _write_sealed(keys_dir / (name + SEALED_SUFFIX), dek, name, pem)
            return
        raise SyncError("本单位的密钥已加密保存，需由具有“数据交换”权限的账户登录后才能生成新密钥",
                        "请用具有“数据交换”权限的账户登录后重试")
    fd = os.open(keys_dir / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
