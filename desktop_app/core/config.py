"""Where FieldDesk keeps its files: the data folder and what is inside it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.errors import DataDirError

ENV_DATA_DIR = "FIELDDESK_DATA_DIR"
DB_NAME = "fielddesk.db"


def default_data_dir() -> Path:
    """The platform's user data folder (e.g. ~/.local/share/FieldDesk, %APPDATA%\\FieldDesk)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("FieldDesk", appauthor=False))


def resolve_data_dir(option: str | None) -> Path:
    """``--data-dir`` wins, then ``FIELDDESK_DATA_DIR``, then a portable build's ``data`` folder
    (a ``portable`` marker or ``data`` folder beside the executable), then the platform default."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    from desktop_app.core.install_check import portable_data_dir

    return portable_data_dir() or default_data_dir()


@dataclass(frozen=True)
class DataDir:
    """Paths inside one data folder."""

    root: Path

    @property
    def db_path(self) -> Path:
        """The SQLite database file."""
        return self.root / DB_NAME

    @property
    def backups(self) -> Path:
        """Rotating automatic and manual backups."""
        return self.root / "backups"

    @property
    def attachments(self) -> Path:
        """Attachment contents, stored once by sha256."""
        return self.root / "attachments"

    @property
    def keys(self) -> Path:
        """This office's signing key (readable by the owner only)."""
        return self.root / "keys"

    def ensure(self) -> None:
        """Create the folder tree, or raise a Chinese error saying why it cannot be written."""
        try:
            for p in (self.root, self.backups, self.attachments):
                p.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".write-test"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            raise DataDirError(
                f"无法写入数据目录 {self.root}（{exc.strerror or exc}）",
                "请检查该文件夹的写入权限，或用 --data-dir 指定一个可写的文件夹",
            ) from exc
