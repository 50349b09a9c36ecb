"""Helpers of the data-safety tests: the real CLI in a child process, killed or paused at a named point."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: kills (SIGKILL), file-size limits and shared file locks are POSIX; on Windows these tests are skipped
POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="SIGKILL, RLIMIT_FSIZE and flock are POSIX-only")
INIT = ["init", "--office-code", "532801", "--office-name", "景洪市乡村振兴局", "--parent", "532800",
        "--section", "综合科"]


def env(**extra: str) -> dict[str, str]:
    """The child's environment: no data folder from the outside, short lock waits unless asked."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("FIELDDESK_")}
    out.setdefault("QT_QPA_PLATFORM", "offscreen")
    out["FIELDDESK_LOCK_WAIT"] = "1"
    out.update(extra)
    return out


def fd(data: Path, *args: str, check: bool = True, timeout: float = 120,
       **extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``fielddesk --data-dir data args…`` to the end."""
    proc = subprocess.run([sys.executable, "-m", "desktop_app", "--data-dir", str(data), *args], cwd=ROOT,
                          capture_output=True, text=True, env=env(**extra), timeout=timeout)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def start(data: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    """Start ``fielddesk`` without waiting for it."""
    return subprocess.Popen([sys.executable, "-m", "desktop_app", "--data-dir", str(data), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(**extra))


def killed_at(data: Path, point: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a command that kills itself (SIGKILL) on reaching ``point``; asserts it did."""
    proc = fd(data, *args, check=False, FIELDDESK_TEST_KILL_AT=point)
    assert proc.returncode == -getattr(signal, "SIGKILL", 9), (point, proc.returncode, proc.stderr)
    return proc


def paused_at(data: Path, point: str, flag: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    """Start a command that stops at ``point`` (until ``flag`` is deleted); returns once it is there."""
    proc = start(data, *args, FIELDDESK_TEST_PAUSE_AT=point, FIELDDESK_TEST_PAUSE_FILE=str(flag), **extra)
    reached(proc, flag, f"{args} at {point}")
    return proc


def reached(proc: subprocess.Popen[Any], flag: Path, what: str, timeout: float = 60) -> None:
    """Return once the child ``proc`` has written ``flag`` (the app's pause point does, then waits for it to
    go); fail if the child ended first or took longer than ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not flag.exists():
        if proc.poll() is not None:
            raise AssertionError(f"{what}: the command ended first: {proc.communicate()}")
        assert time.monotonic() < deadline, f"{what}: never reached"
        # a real sleep: polling another process's file. The app's pause point signals by that file alone
        # (a pipe would need the production hold changed); 50 ms keeps the wait short and the CPU free.
        time.sleep(0.05)


def count(db: Path, table: str) -> int:
    """Rows in ``table`` of the database file ``db`` (read-only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    finally:
        conn.close()


def calm(proc: subprocess.CompletedProcess[str] | tuple[str, str]) -> str:
    """stderr of a failed command, asserted to be a calm Chinese message (no traceback, no SQL)."""
    err = proc[1] if isinstance(proc, tuple) else proc.stderr
    assert "Traceback" not in err and "sqlite3." not in err and "INSERT" not in err and "[SQL" not in err, err
    assert err.startswith("错误：") or "错误：" in err, err
    return err


def limit_file_size(limit: int) -> None:
    """preexec_fn of a child that may not grow any file past ``limit`` bytes (a write past it fails with
    EFBIG, as on a full disk, instead of the default SIGXFSZ kill)."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def cli(data: Path, *args: str) -> str:
    """Run a command in this process (cheaper than a child: for building fixtures); returns stdout."""
    import contextlib
    import io

    from desktop_app.cli.main import run

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run(["--data-dir", str(data), *args])
    assert code == 0, (args, out.getvalue())
    return out.getvalue()


def waiting(proc: subprocess.Popen[str], timeout: float = 60) -> str:
    """Block until ``proc`` says on stderr that it waits for another writer; returns that line."""
    import threading

    found: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "等它结束后继续" in line:
                found.append(line)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    assert found, f"{proc.args} never said it waits"
    return found[0]
