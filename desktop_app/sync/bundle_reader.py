"""Reading a bundle safely (读取数据包): limits first, then structure, then every member's hash.

Nothing here touches the database or writes a file: a bundle is read into memory
with every size capped, so a hostile file (zip bomb, path tricks, truncation,
tampering) is refused before anything is parsed as data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from desktop_app.core.errors import SyncError
from desktop_app.org import keys
from desktop_app.sync import crypto_box
from desktop_app.sync.bundle_format import (
    BLOB_MEMBER,
    CHANGES_MEMBER,
    MANIFEST,
    MEMBER_NAME,
    READER_FORMAT,
    SIGNATURE,
    Limits,
)

#: a member smaller than this cannot be a meaningful bomb, whatever its ratio
_RATIO_FLOOR = 256 * 1024
_BROKEN = "数据包已损坏或不完整（可能复制中断或被修改）"
_RESEND = "请让发送单位重新导出并发送；本次未做任何改动"
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
               NotImplementedError, RuntimeError, KeyError, struct.error, IndexError)


@dataclass
class RawBundle:
    """A bundle's checked contents, before its signature and changes are judged."""

    manifest: dict[str, Any]
    manifest_bytes: bytes
    signature: bytes
    changes: dict[str, bytes] = field(default_factory=dict)  # table -> jsonl bytes
    blobs: dict[str, bytes] = field(default_factory=dict)  # sha256 -> content
    encrypted: bool = False

    @property
    def manifest_sha256(self) -> str:
        """Hash of the signed manifest bytes."""
        return hashlib.sha256(self.manifest_bytes).hexdigest()


def _reject(message: str, action: str = _RESEND) -> SyncError:
    return SyncError(message, action)


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """A member's bytes, never more than ``cap`` whatever its headers claim."""
    out = bytearray()
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(min(1024 * 1024, cap + 1 - len(out)))
            if not chunk:
                break
            out += chunk
            if len(out) > cap:
                raise _reject(f"数据包成员 {info.filename} 的实际大小超过声明或上限，已拒绝（疑似压缩炸弹）")
    return bytes(out)


def _open_source(path: Path, keys_dir: Path | None, limits: Limits) -> tuple[IO[bytes], bool]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SyncError(f"无法读取数据包 {path.name}（{exc.strerror or exc}）", "请确认文件存在且可读") from exc
    if size > limits.max_bundle_bytes:
        raise _reject(f"数据包过大（{size // 1024**2} MB，上限 {limits.max_bundle_bytes // 1024**2} MB）",
                      "请分批导出后再导入；本次未做任何改动")
    with path.open("rb") as fh:
        head = fh.read(len(crypto_box.MAGIC))
    if crypto_box.is_encrypted(head):
        if keys_dir is None:
            raise SyncError("这是加密数据包，需要本单位的解密密钥", "请在本单位的数据目录中导入")
        _to, plain = crypto_box.decrypt(path.read_bytes(), keys.load_enc_key(keys_dir))
        return io.BytesIO(plain), True
    return path.open("rb"), False


def _check_members(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise _reject(f"数据包成员过多（{len(infos)} 个，上限 {limits.max_members}），已拒绝")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        shown = name.encode("unicode_escape").decode("ascii")[:80]
        if not MEMBER_NAME.match(name) or info.orig_filename != name:
            raise _reject(f"数据包含有不允许的成员名“{shown}”，已拒绝（可能是恶意文件）")
        if name in seen:
            raise _reject(f"数据包中的成员“{shown}”重复出现，已拒绝")
        seen.add(name)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if kind and kind != stat.S_IFREG:  # symlinks, devices, directories
            raise _reject(f"数据包成员“{shown}”是符号链接或特殊文件，已拒绝")
        if info.flag_bits & 0x1:
            raise _reject(f"数据包成员“{shown}”使用了压缩包密码，不是调研工作台生成的数据包")
        if info.file_size > limits.max_member_bytes:
            raise _reject(f"数据包成员“{shown}”过大（{info.file_size} 字节），已拒绝")
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _reject(f"数据包成员“{shown}”压缩比异常（疑似压缩炸弹），已拒绝")
    if total > limits.max_total_bytes:
        raise _reject(f"数据包解压后过大（{total // 1024**2} MB），已拒绝")


def _parse_manifest(raw: bytes) -> dict[str, Any]:
    try:
        manifest = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _reject(f"数据包清单无法解析：{_BROKEN}") from exc
    if not isinstance(manifest, dict):
        raise _reject(f"数据包清单格式不正确：{_BROKEN}")
    fmt = manifest.get("format_version")
    need = manifest.get("min_reader_format", fmt)
    if not isinstance(fmt, int) or not isinstance(need, int) or fmt < 0:
        raise _reject("数据包清单缺少格式版本，不是调研工作台的数据包")
    if need > READER_FORMAT:
        raise SyncError(f"数据包格式为第 {fmt} 版，需要能读取第 {need} 版格式的调研工作台（本版本只能读取到第 {READER_FORMAT} 版）",
                        f"请升级调研工作台到支持数据包格式 {need} 的版本后再导入；本次未做任何改动")
    return manifest


def read_bundle(path: Path, keys_dir: Path | None = None, limits: Limits | None = None) -> RawBundle:
    """Open and check a bundle file; raises ``SyncError`` (in Chinese) when it must be refused."""
    limits = limits or Limits()
    source, encrypted = _open_source(Path(path), keys_dir, limits)
    try:
        with source, zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            _check_members(infos, limits)
            by_name = {i.filename: i for i in infos}
            if MANIFEST not in by_name or SIGNATURE not in by_name:
                raise _reject(f"数据包缺少清单或签名：{_BROKEN}")
            manifest_bytes = _read_capped(zf, by_name[MANIFEST], limits.max_manifest_bytes)
            sig_text = _read_capped(zf, by_name[SIGNATURE], 1024)
            manifest = _parse_manifest(manifest_bytes)
            listed = manifest.get("members")
            if not isinstance(listed, list):
                raise _reject(f"数据包清单缺少成员列表：{_BROKEN}")
            bundle = RawBundle(manifest=manifest, manifest_bytes=manifest_bytes, signature=b"", encrypted=encrypted)
            try:
                bundle.signature = base64.b64decode(sig_text, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise _reject(f"数据包签名格式不正确：{_BROKEN}") from exc
            names: set[str] = set()
            for entry in listed:
                if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                    raise _reject(f"数据包清单的成员列表格式不正确：{_BROKEN}")
                name = entry["name"]
                if name in names or name in (MANIFEST, SIGNATURE) or not MEMBER_NAME.match(name):
                    raise _reject(f"数据包清单列出了不允许或重复的成员“{name[:80]}”")
                names.add(name)
                info = by_name.get(name)
                if info is None:
                    raise _reject(f"数据包缺少清单中列出的成员 {name}：{_BROKEN}")
                size = entry.get("size")
                if not isinstance(size, int) or size != info.file_size:
                    raise _reject(f"数据包成员 {name} 的大小与清单不符：{_BROKEN}")
                content = _read_capped(zf, info, size)
                if len(content) != size or hashlib.sha256(content).hexdigest() != entry.get("sha256"):
                    raise _reject(f"数据包成员 {name} 的校验值与清单不符：{_BROKEN}")
                m = CHANGES_MEMBER.match(name)
                if m:
                    bundle.changes[m.group(1)] = content
                else:
                    b = BLOB_MEMBER.match(name)
                    if b is None:  # MEMBER_NAME admits only changes/ and blobs/ members besides the manifest
                        raise _reject(f"数据包成员名称“{name[:80]}”不正确，已拒绝")
                    if hashlib.sha256(content).hexdigest() != b.group(1):
                        raise _reject(f"附件 {name} 的内容与其名称（校验值）不符：{_BROKEN}")
                    bundle.blobs[b.group(1)] = content
            unlisted = sorted(set(by_name) - names - {MANIFEST, SIGNATURE})
            if unlisted:
                raise _reject(f"数据包含有清单未列出的成员“{unlisted[0][:80]}”，已拒绝")
            return bundle
    except SyncError:
        raise
    except _ZIP_ERRORS as exc:
        raise _reject(f"{_BROKEN}：{type(exc).__name__}") from exc


def peek_manifest(path: Path, keys_dir: Path | None = None, limits: Limits | None = None) -> dict[str, Any]:
    """Only the manifest (not yet trusted: its signature is checked at import) — enough to order a
    batch of bundles by sender and time without reading their changes."""
    limits = limits or Limits()
    source, _encrypted = _open_source(Path(path), keys_dir, limits)
    try:
        with source, zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            _check_members(infos, limits)
            info = {i.filename: i for i in infos}.get(MANIFEST)
            if info is None:
                raise _reject(f"数据包缺少清单或签名：{_BROKEN}")
            return _parse_manifest(_read_capped(zf, info, limits.max_manifest_bytes))
    except SyncError:
        raise
    except _ZIP_ERRORS as exc:
        raise _reject(f"{_BROKEN}：{type(exc).__name__}") from exc
