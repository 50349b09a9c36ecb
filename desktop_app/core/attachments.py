"""附件存储 — file contents stored once by sha256 under the data folder's ``attachments``.

The file is written first (idempotent: same content, same name on disk), then the
``Attachment`` row is added in the caller's transaction, so a rolled-back write
leaves at most an unreferenced file, never a row without its content.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from db.models import Attachment
from desktop_app.core.errors import ValidationError

#: larger files are refused: they would make sync bundles unwieldy on a USB stick
MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class AttachmentInfo:
    """附件 — a stored file (content by sha256)."""

    sha256: str
    name: str
    size: int


def attachment_path(attachments_dir: Path, sha256: str) -> Path:
    """Where the content of ``sha256`` lives on disk."""
    return Path(attachments_dir) / sha256


def read_source(path: Path) -> bytes:
    """The bytes of a file the user picked; a Chinese error when it cannot be read or is too large."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(f"文件“{p.name}”过大（{size // (1024 * 1024)} MB）",
                                  "附件不能超过200 MB，请压缩或拆分后再上传", field="file")
        return p.read_bytes()
    except OSError as exc:
        raise ValidationError(f"无法读取文件“{p.name}”（{exc.strerror or exc}）", "请确认文件存在且未被其他程序占用",
                              field="file") from exc


def store_bytes(session: Session, attachments_dir: Path, name: str, content: bytes) -> AttachmentInfo:
    """Store ``content`` once by its sha256 and record it (inside the caller's transaction)."""
    name = (name or "").strip() or "附件"
    digest = hashlib.sha256(content).hexdigest()
    target = attachment_path(attachments_dir, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # write then rename, so a crash never leaves a truncated file under a valid hash
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            os.replace(tmp, target)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise ValidationError(f"无法保存附件“{name}”（{exc.strerror or exc}）", "请检查数据目录的磁盘空间和写入权限") from exc
    if session.get(Attachment, digest) is None:
        session.add(Attachment(sha256=digest, name=name[:200], size=len(content),
                               mime=mimetypes.guess_type(name)[0] or ""))
        session.flush()
    return AttachmentInfo(digest, name, len(content))


def store_file(session: Session, attachments_dir: Path, path: Path) -> AttachmentInfo:
    """Store the file at ``path`` (content by sha256) and record it in the caller's transaction."""
    return store_bytes(session, attachments_dir, Path(path).name, read_source(Path(path)))


def readable_copy(attachments_dir: Path, sha256: str, name: str, dest_root: Path | None = None) -> Path:
    """A copy of a stored attachment under its own file name, for opening in WPS/Word/a viewer.

    Stored contents are named by hash (no extension), which no program knows how to open.
    The copy goes under ``dest_root`` (default: the system temp folder), in a folder per hash.
    """
    src = attachment_path(attachments_dir, sha256)
    if not src.exists():
        from desktop_app.core.errors import NotFoundError

        raise NotFoundError(f"附件“{name}”的文件内容不在本机", "该附件可能来自其他单位的数据包且未随包传来，请向对方索取")
    safe = "".join(c for c in (name or "附件") if c not in '\\/:*?"<>|').strip() or "附件"
    folder = Path(dest_root or tempfile.gettempdir()) / "FieldDesk" / sha256[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe
    if not target.exists() or target.stat().st_size != src.stat().st_size:
        target.write_bytes(src.read_bytes())
    return target
