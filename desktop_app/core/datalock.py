"""One writer at a time per data folder, across processes — 数据目录锁.

Two lock files in the data folder, held with the operating system's file locks (released
by the OS when a process dies, even by ``kill -9``, so a crash never leaves a folder locked):

* ``fielddesk.lock`` — the *writer* lock, exclusive. Held by the GUI for its whole session
  and by every command that writes (init, demo, import-*, export-bundle, assign, trust,
  restore …) for as long as it runs. It also carries who holds it (process, command, since
  when) so a refused second writer can say so.
* ``fielddesk.open.lock`` — the *open* lock, shared by every process that has the database
  open, readers included (print, export-excel, backup, selftest). A restore takes it
  exclusively, so it never swaps the file under a process that has it open.

Within one process the locks are counted, not re-taken: the GUI that holds the writer lock
may restore (it closes its own connections first), and a test may open the same folder
twice.

On Windows only the writer lock is real (``msvcrt.locking`` has no shared mode); there the
system itself refuses to replace a database file another process has open, and that refusal
is reported calmly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from desktop_app.core.errors import DatabaseError

WRITER_FILE = "fielddesk.lock"
OPEN_FILE = "fielddesk.open.lock"
#: how long a command waits for another writer to finish before giving up (env overrides, seconds)
ENV_WAIT = "FIELDDESK_LOCK_WAIT"
DEFAULT_WAIT_S = 15.0
_POLL_S = 0.1
#: Windows locks a byte range; far past the holder text so the text stays readable
_WIN_OFFSET = 1 << 30

BUSY_MESSAGE = "另一个窗口或命令正在使用本单位数据"


class FolderBusyError(DatabaseError):
    """Another process is writing to (or, for a restore, has open) this data folder."""

    def __init__(self, root: Path, holder: str = "", action: str = "") -> None:
        who = f"（{holder}）" if holder else ""
        super().__init__(f"{BUSY_MESSAGE}{who}：{root}",
                         action or "请等该命令结束，或关闭正在使用这个数据目录的调研工作台窗口后再试；本次没有改动任何数据")
        self.root = root
        self.holder = holder


def wait_seconds() -> float:
    """How long a command waits for the writer lock (``FIELDDESK_LOCK_WAIT``, default 15 s)."""
    try:
        return max(0.0, float(os.environ.get(ENV_WAIT, DEFAULT_WAIT_S)))
    except ValueError:
        return DEFAULT_WAIT_S


@dataclass
class _Held:
    handle: IO[bytes]
    count: int = 0
    shared: bool = False


_lock = threading.RLock()
_held: dict[str, _Held] = {}


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def _try_os_lock(handle: IO[bytes], shared: bool) -> bool:
    """Take the OS lock without blocking; False when another process holds a conflicting one."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        if shared:
            return True
        handle.seek(_WIN_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _os_unlock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        handle.seek(_WIN_OFFSET)
        with contextlib.suppress(OSError):
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _open_lock_file(path: Path) -> IO[bytes]:
    try:
        return open(path, "a+b")  # noqa: SIM115 - kept open as long as the lock is held
    except OSError as exc:
        raise DatabaseError(f"无法在数据目录中建立锁文件 {path}（{exc.strerror or exc}）",
                            "请检查该文件夹的写入权限") from exc


def _holder_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()[:120]
    except OSError:
        return ""


def _acquire(path: Path, shared: bool, wait_s: float, purpose: str, root: Path) -> None:
    key = _key(path)
    with _lock:  # held while waiting: two threads of one process must not race for one file
        held = _held.get(key)
        if held is not None:
            held.count += 1
            return
        handle = _open_lock_file(path)
        deadline = time.monotonic() + wait_s
        told = False
        while not _try_os_lock(handle, shared):
            if time.monotonic() >= deadline:
                handle.close()
                raise FolderBusyError(root, _holder_text(path))
            if not told and _waiting_notice is not None and wait_s > 0:
                holder = _holder_text(path)
                _waiting_notice(f"{BUSY_MESSAGE}{f'（{holder}）' if holder else ''}，"
                                f"最多等待 {wait_s:.0f} 秒，等它结束后继续…")
                told = True
            time.sleep(_POLL_S)
        if not shared:
            _write_holder(handle, purpose)
        _held[key] = _Held(handle, 1, shared)


def _write_holder(handle: IO[bytes], purpose: str) -> None:
    text = f"进程 {os.getpid()}：{purpose}，{dt.datetime.now():%m-%d %H:%M} 起"
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(text.encode("utf-8"))
        handle.flush()
    except OSError:
        pass  # the text only helps the message; the lock itself is what counts


def _release(path: Path) -> None:
    key = _key(path)
    with _lock:
        held = _held.get(key)
        if held is None:
            return
        held.count -= 1
        if held.count > 0:
            return
        del _held[key]
    try:
        if not held.shared:
            held.handle.seek(0)
            held.handle.truncate()
        _os_unlock(held.handle)
    except OSError:
        pass
    held.handle.close()


@dataclass
class FolderLocks:
    """The locks one open context holds on its data folder; ``release`` is safe to call twice."""

    root: Path
    writer: bool
    _released: bool = field(default=False, repr=False)

    def release(self) -> None:
        """Give the locks back (the OS lock goes when the last holder in this process releases it)."""
        if self._released:
            return
        self._released = True
        _release(self.root / OPEN_FILE)
        if self.writer:
            _release(self.root / WRITER_FILE)


def hold(root: Path, writer: bool, purpose: str = "", wait_s: float | None = None) -> FolderLocks:
    """Take the open lock (shared) and, with ``writer``, the writer lock (waiting up to ``wait_s``)."""
    root = Path(root)
    if writer:
        _acquire(root / WRITER_FILE, False, wait_seconds() if wait_s is None else wait_s, purpose or _purpose(), root)
    try:
        _acquire(root / OPEN_FILE, True, wait_seconds() if wait_s is None else wait_s, "", root)
    except BaseException:
        if writer:
            _release(root / WRITER_FILE)
        raise
    return FolderLocks(root, writer)


def writer(root: Path, purpose: str = "", wait_s: float | None = None) -> FolderLocks:
    """Only the writer lock (for work on the folder without opening its database, e.g. a restore's
    preparation or building a demo elsewhere)."""
    root = Path(root)
    _acquire(root / WRITER_FILE, False, wait_seconds() if wait_s is None else wait_s, purpose or _purpose(), root)
    return _WriterOnly(root, True)


@dataclass
class _WriterOnly(FolderLocks):
    def release(self) -> None:
        if self._released:
            return
        self._released = True
        _release(self.root / WRITER_FILE)


def holds_writer(root: Path) -> bool:
    """True when this process holds the writer lock of ``root``."""
    with _lock:
        return _key(Path(root) / WRITER_FILE) in _held


class exclusive_open:  # noqa: N801 - used as a context manager like a function
    """No other process may have the database open while the block runs (a restore's swap).

    The caller must already hold the writer lock and have closed its own connections. Within
    this process an open lock held by a context is upgraded for the block and given back after.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / OPEN_FILE

    def __enter__(self) -> exclusive_open:
        key = _key(self.path)
        with _lock:
            held = _held.get(key)
        if held is None:
            handle = _open_lock_file(self.path)
            if not _try_os_lock(handle, shared=False):
                handle.close()
                raise _busy_readers(self.root)
            self._own: IO[bytes] | None = handle
            return self
        self._own = None
        if sys.platform != "win32" and not _try_os_lock(held.handle, shared=False):
            # flock dropped the shared lock while trying: take it back before reporting
            _try_os_lock(held.handle, shared=True)
            raise _busy_readers(self.root)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._own is not None:
            _os_unlock(self._own)
            self._own.close()
            return
        with _lock:
            held = _held.get(_key(self.path))
        if held is not None and sys.platform != "win32":
            _try_os_lock(held.handle, shared=True)


def _busy_readers(root: Path) -> FolderBusyError:
    return FolderBusyError(root, "有程序正打开着数据库，例如正在打印、导出或备份",
                           "请等打印、导出或备份完成，或关闭其他调研工作台窗口后再恢复；当前数据没有改动")


_current_purpose = "调研工作台窗口"
_waiting_notice: Callable[[str], None] | None = None


def set_waiting_notice(tell: Callable[[str], None] | None) -> None:
    """How to tell the person that this process waits for another writer (the CLI prints to stderr)."""
    global _waiting_notice
    _waiting_notice = tell


def set_purpose(text: str) -> None:
    """What this process is, as a refused second writer is told (the CLI names its command)."""
    global _current_purpose
    _current_purpose = text


def _purpose() -> str:
    return _current_purpose
