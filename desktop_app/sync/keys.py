"""This office's Ed25519 signing key: made at setup, private half readable by the owner only."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_FILE = "office-ed25519.pem"


def create_key(keys_dir: Path) -> str:
    """Make and store a new key pair; returns the public key (base64). Refuses to overwrite."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    path = keys_dir / KEY_FILE
    if path.exists():
        return public_key_b64(load_private_key(keys_dir))
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return public_key_b64(key)


def load_private_key(keys_dir: Path) -> Ed25519PrivateKey:
    """The stored private key."""
    key = serialization.load_pem_private_key((keys_dir / KEY_FILE).read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def public_key_b64(key: Ed25519PrivateKey) -> str:
    """Raw public key bytes as base64."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def fingerprint(public_b64: str) -> str:
    """A short fingerprint to read out over the phone: 8 groups of 4 hex digits."""
    digest = hashlib.sha256(base64.b64decode(public_b64)).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))
