"""A key file of the wrong kind is a calm SyncError, not an AssertionError (a swapped or damaged file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from desktop_app.core.errors import SyncError
from desktop_app.org import keys


def _pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def test_swapped_key_files_are_refused_with_a_message(tmp_path: Path) -> None:
    (tmp_path / keys.KEY_FILE).write_bytes(_pem(X25519PrivateKey.generate()))
    (tmp_path / keys.ENC_KEY_FILE).write_bytes(_pem(Ed25519PrivateKey.generate()))
    with pytest.raises(SyncError, match="不是本单位的签名密钥"):
        keys.load_private_key(tmp_path)
    with pytest.raises(SyncError, match="不是本单位的解密密钥"):
        keys.load_enc_key(tmp_path)


def test_the_right_key_files_load(tmp_path: Path) -> None:
    keys.create_key(tmp_path)
    keys.create_enc_key(tmp_path)
    assert isinstance(keys.load_private_key(tmp_path), Ed25519PrivateKey)
    assert isinstance(keys.load_enc_key(tmp_path), X25519PrivateKey)
