"""Building a demo office out of sight and moving it into place — 演示数据的原子生成.

``fielddesk demo`` takes seconds to minutes. Built straight into the data folder, a demo
killed halfway left an office with people and no ledger (or 25,000 of 30,000 items) that
``selftest`` passed and that the next ``demo`` refused as “已有单位数据”. So the office is
built in ``<data folder>/.demo-building`` (same disk, so the final moves are renames) while
the folder's writer lock is held, and only a finished one is moved in: the signing key and
attachments first, the database file last with one atomic rename. Until that rename the data
folder has no office; a build a killed run left is deleted by the next run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from db import killpoints
from desktop_app.core import datalock
from desktop_app.core.config import DB_NAME, DataDir
from desktop_app.core.errors import ValidationError

BUILD_DIR = ".demo-building"
#: what a built demo folder holds besides the database, moved in before it
_PARTS = ("keys", "attachments", "backups")


@contextlib.contextmanager
def building(root: Path) -> Iterator[Path]:
    """The folder to build a demo office in; moved into ``root`` when the block ends without error.

    Refuses a ``root`` whose database already has an office. On any error (or a kill) ``root``
    is left as it was.
    """
    root = Path(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(f"无法建立数据目录 {root}（{exc.strerror or exc}）", "请检查路径和写入权限") from exc
    locks = datalock.writer(root, "生成演示数据")
    try:
        _refuse_an_office(root)
        build = root / BUILD_DIR
        shutil.rmtree(build, ignore_errors=True)  # what a killed demo left
        build.mkdir()
        try:
            yield build
            killpoints.reached("demo-built")
            _move_into_place(build, root)
        finally:
            shutil.rmtree(build, ignore_errors=True)
    finally:
        locks.release()


def _refuse_an_office(root: Path) -> None:
    db_path = DataDir(root).db_path
    if not db_path.exists():
        return
    from desktop_app.core.context import open_context  # checks the file as every open does (0 bytes, damage …)

    ctx = open_context(root, daily_backup=False)
    code = ctx.office_code
    ctx.close()
    if code:
        raise ValidationError(f"数据目录 {root} 已有单位数据（{code}），演示数据只能生成到空目录",
                              "请用 --data-dir 指定一个新的空文件夹")


def _move_into_place(build: Path, root: Path) -> None:
    for name in _PARTS:
        src = build / name
        if not src.is_dir():
            continue
        dst = root / name
        if not dst.exists():
            os.replace(src, dst)
            continue
        for child in src.iterdir():
            os.replace(child, dst / child.name)
    killpoints.reached("demo-moving")
    # the database last, in one rename: before it the folder has no office, after it a whole one
    with datalock.exclusive_open(root):
        for suffix in ("-wal", "-shm"):  # of an office-less database being replaced
            (root / f"{DB_NAME}{suffix}").unlink(missing_ok=True)
        os.replace(build / DB_NAME, root / DB_NAME)
