"""Optional encryption of a whole bundle to the recipient (X25519 + HKDF-SHA256 + AES-256-GCM).

Layout: ``MAGIC`` + 2-byte header length + header JSON (recipient, ephemeral public key,
nonce) + ciphertext. The header is authenticated as associated data.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop_app.core.errors import SyncError

MAGIC = b"FDBUNDLE-ENC1\n"
_INFO = b"fielddesk bundle v1"


def is_encrypted(head: bytes) -> bool:
    """True when a file starts like an encrypted bundle."""
    return head.startswith(MAGIC)


def _key(shared: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO).derive(shared)


def encrypt(plain: bytes, recipient_code: str, recipient_enc_key_b64: str) -> bytes:
    """Encrypt ``plain`` so only the holder of the recipient's X25519 key can read it."""
    peer = X25519PublicKey.from_public_bytes(base64.b64decode(recipient_enc_key_b64))
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    nonce = os.urandom(12)
    header = json.dumps({"to": recipient_code, "eph": base64.b64encode(eph_pub).decode(),
                         "nonce": base64.b64encode(nonce).decode()}).encode()
    aad = MAGIC + struct.pack(">H", len(header)) + header
    ct = AESGCM(_key(eph.exchange(peer), eph_pub)).encrypt(nonce, plain, aad)
    return aad + ct


def decrypt(blob: bytes, own_key: X25519PrivateKey) -> tuple[str, bytes]:
    """(recipient code, plain bytes); a Chinese error when it is not for us or was altered."""
    try:
        (hlen,) = struct.unpack(">H", blob[len(MAGIC):len(MAGIC) + 2])
        start = len(MAGIC) + 2
        header = json.loads(blob[start:start + hlen].decode())
        eph_pub = base64.b64decode(header["eph"])
        nonce = base64.b64decode(header["nonce"])
        aad = blob[:start + hlen]
        shared = own_key.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        plain = AESGCM(_key(shared, eph_pub)).decrypt(nonce, blob[start + hlen:], aad)
    except (InvalidTag, ValueError, KeyError, TypeError, struct.error, binascii.Error) as exc:
        raise SyncError("加密数据包无法解密：不是发给本单位的，或文件已损坏", "请向发送单位确认接收单位代码后重新导出") from exc
    return str(header.get("to", "")), plain
