"""This office's keys and office cards (单位身份卡).

- Ed25519 signing key: made at setup, private half readable by the owner only (mode 600);
  sealed with AES-GCM once the office has accounts (``key_vault``).
- X25519 key for encrypted bundles: made on first need, stored the same way.
- An office card carries the public halves, the office's code, name and level; the
  receiving office confirms the fingerprint over the phone before trusting it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from desktop_app.core.errors import SyncError, ValidationError
from desktop_app.org import key_vault

KEY_FILE = "office-ed25519.pem"
ENC_KEY_FILE = "office-x25519.pem"
#: the X25519 public half, kept beside it so an office card can be made without unlocking the private keys
ENC_PUB_FILE = "office-x25519.pub"
CARD_FORMAT = "fielddesk-office-card"
CARD_VERSION = 1
MAX_CARD_BYTES = 64 * 1024
_CODE = re.compile(r"^\d{6}$")


def _write_private(path: Path, pem: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)


def create_key(keys_dir: Path) -> str:
    """Make and store a new key pair; returns the public key (base64). Refuses to overwrite."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    path = keys_dir / KEY_FILE
    if path.exists() or (keys_dir / (KEY_FILE + key_vault.SEALED_SUFFIX)).exists():
        return public_key_b64(load_private_key(keys_dir))
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    _write_private(path, pem)
    return public_key_b64(key)


def load_private_key(keys_dir: Path) -> Ed25519PrivateKey:
    """The stored private key."""
    pem = key_vault.read_private(keys_dir, KEY_FILE)  # plain before accounts, else sealed (key_vault)
    if pem is None:
        raise SyncError("本单位签名密钥不存在", f"请确认数据目录中的 keys/{KEY_FILE} 未被删除；如已丢失，需重新初始化并重新交换身份卡")
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SyncError(f"keys/{KEY_FILE} 不是本单位的签名密钥（类型不符）",
                        "请确认数据目录中的密钥文件未被替换；如已损坏，需重新初始化并重新交换身份卡")
    return key


def public_key_b64(key: Ed25519PrivateKey) -> str:
    """Raw public key bytes as base64."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def fingerprint(public_b64: str) -> str:
    """A short fingerprint to read out over the phone: 8 groups of 4 hex digits."""
    digest = hashlib.sha256(base64.b64decode(public_b64)).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as typed (spaces, dashes, lower case) in canonical form for comparing."""
    return re.sub(r"[^0-9A-F]", "", (text or "").upper())


def sign(keys_dir: Path, data: bytes) -> bytes:
    """Ed25519 signature of ``data`` by this office."""
    return load_private_key(keys_dir).sign(data)


def verify(public_b64: str, data: bytes, signature: bytes) -> bool:
    """True when ``signature`` is this public key's signature of ``data``."""
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64)).verify(signature, data)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def create_enc_key(keys_dir: Path) -> str:
    """This office's X25519 public key (base64), making the key pair on first need."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    pub = keys_dir / ENC_PUB_FILE
    if pub.exists():
        return pub.read_text(encoding="ascii").strip()
    if key_vault.read_private(keys_dir, ENC_KEY_FILE) is None:
        key = X25519PrivateKey.generate()
        key_vault.write_private(keys_dir, ENC_KEY_FILE, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()), KEY_FILE)
    value = enc_public_b64(load_enc_key(keys_dir))
    pub.write_text(value, encoding="ascii")
    return value


def seal_office_keys(db: Any, keys_dir: Path, login: str, password: str) -> bool:
    """Seal this office's private keys for its first account (``key_vault.seal``); the X25519 pair is made
    first if it is missing, so that no key is ever made in plain form afterwards."""
    if not (keys_dir / KEY_FILE).exists():
        return False  # already sealed, or an office without keys (set up elsewhere): nothing to seal
    create_enc_key(keys_dir)
    return key_vault.seal(db, keys_dir, login, password)


def load_enc_key(keys_dir: Path) -> X25519PrivateKey:
    """The stored X25519 private key."""
    pem = key_vault.read_private(keys_dir, ENC_KEY_FILE)
    if pem is None:
        raise SyncError("本单位解密密钥不存在，无法打开加密数据包", "请让对方导出不加密的数据包，或先导出本单位身份卡再请对方加密")
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, X25519PrivateKey):
        raise SyncError(f"keys/{ENC_KEY_FILE} 不是本单位的解密密钥（类型不符）",
                        "请确认数据目录中的密钥文件未被替换；可重新导出身份卡交对方，再请对方加密")
    return key


def enc_public_b64(key: X25519PrivateKey) -> str:
    """Raw X25519 public key bytes as base64."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class OfficeCard:
    """单位身份卡 — an office's public identity as exchanged between offices."""

    office_code: str
    office_name: str
    level: str
    parent_code: str | None
    public_key: str
    enc_key: str | None

    @property
    def fingerprint(self) -> str:
        """The signing key's fingerprint, to read out over the phone."""
        return fingerprint(self.public_key)

    def to_json(self) -> bytes:
        """The card file's bytes."""
        body: dict[str, Any] = {
            "format": CARD_FORMAT, "version": CARD_VERSION, "office_code": self.office_code,
            "office_name": self.office_name, "level": self.level, "parent_code": self.parent_code,
            "public_key": self.public_key, "enc_key": self.enc_key, "fingerprint": self.fingerprint,
        }
        return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def _raw_key(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"身份卡中的{what}缺失", "请让对方重新导出身份卡")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(f"身份卡中的{what}格式不正确", "请让对方重新导出身份卡") from exc
    if len(raw) != 32:
        raise ValidationError(f"身份卡中的{what}长度不正确", "请让对方重新导出身份卡")
    return value


def parse_card(data: bytes) -> OfficeCard:
    """Read an office card file; a Chinese error when it is not one."""
    if len(data) > MAX_CARD_BYTES:
        raise ValidationError("身份卡文件过大，不是调研工作台的身份卡", "请选择对方导出的 .fdcard 文件")
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError("无法读取身份卡：文件不是调研工作台的身份卡", "请选择对方导出的 .fdcard 文件") from exc
    if not isinstance(body, dict) or body.get("format") != CARD_FORMAT:
        raise ValidationError("无法读取身份卡：文件不是调研工作台的身份卡", "请选择对方导出的 .fdcard 文件")
    if not isinstance(body.get("version"), int) or body["version"] > CARD_VERSION:
        raise ValidationError(f"身份卡版本 {body.get('version')} 过新", "请升级调研工作台后再导入")
    code = body.get("office_code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise ValidationError("身份卡中的单位代码不正确", "请让对方重新导出身份卡")
    enc = body.get("enc_key")
    return OfficeCard(
        office_code=code,
        office_name=str(body.get("office_name") or "")[:100],
        level=str(body.get("level") or "county")[:16],
        parent_code=body.get("parent_code") if isinstance(body.get("parent_code"), str) else None,
        public_key=_raw_key(body.get("public_key"), "签名公钥"),
        enc_key=_raw_key(enc, "加密公钥") if enc is not None else None,
    )
