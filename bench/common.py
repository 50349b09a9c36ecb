"""Helpers shared by the benchmark groups: timing, ratios, big demo offices, memory, subprocesses.

A group imports what it needs::

    from bench.common import make_big_office, median_time, pair, peak_rss_mb

``bench/run.py`` puts the repository root on ``sys.path`` before it imports a
group, so ``bench.common``, ``desktop_app`` and ``db`` import from the work tree.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: where built demo offices are kept between runs (run.py sets it to <workdir>/offices)
ENV_OFFICE_CACHE = "FIELDDESK_BENCH_CACHE"
DEMO_SEED = 2026


# --------------------------------------------------------------------------- timing


def timed(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """(wall seconds, result) of one call."""
    t = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - t, result


def median_time(func: Callable[[], Any], runs: int = 3, warmup: int = 0) -> float:
    """Median wall seconds of ``runs`` calls, after ``warmup`` calls that are not counted."""
    for _ in range(warmup):
        func()
    return statistics.median(timed(func)[0] for _ in range(runs))


def median(values: list[float | None]) -> float | None:
    """Median of the measured values; None when none was measured (e.g. every run timed out)."""
    got = [v for v in values if v is not None]
    return statistics.median(got) if got else None


def rnd(value: float | None, digits: int = 3) -> float | None:
    """A figure rounded for the report (None stays None and prints as null)."""
    return None if value is None else round(value, digits)


def pair(product_name: str, product: float | None, floor_name: str, floor: float | None) -> dict[str, float | None]:
    """A product figure, its floor and ``<product stem>_ratio`` (product / floor), in that order.

    ``pair("startup_s", 0.9, "bare_qt_window_s", 0.3)`` gives
    ``{"startup_s": 0.9, "bare_qt_window_s": 0.3, "startup_ratio": 3.0}``.
    """
    stem = product_name.removesuffix("_s").removesuffix("_mb")
    ratio = product / floor if product is not None and floor else None
    return {product_name: rnd(product), floor_name: rnd(floor), f"{stem}_ratio": rnd(ratio, 2)}


# --------------------------------------------------------------------------- memory


def reset_peak_rss() -> bool:
    """Start the peak-memory figure afresh (Linux: VmHWM), so building a test office in this process
    does not count as the product's memory. False where the system cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    """Peak resident memory of this process since start or ``reset_peak_rss``, MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # Linux reports KiB, macOS bytes
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def children_peak_rss_mb() -> float:
    """Largest peak resident memory among finished child processes, MB."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mb(pid: int | None = None) -> float | None:
    """Resident memory now of ``pid`` (default: this process) from /proc, MB; None where /proc is missing."""
    status = Path(f"/proc/{pid or 'self'}/status")
    try:
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def peak_rss_of_pid_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a running process from /proc, MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --------------------------------------------------------------------------- demo offices


def _cache_root(workdir: Path) -> Path:
    env = os.environ.get(ENV_OFFICE_CACHE)
    return Path(env) if env else Path(workdir) / "offices"


def make_big_office(workdir: Path, items: int, seed: int = DEMO_SEED) -> Path:
    """The data folder of a demo office with ``items`` ledger items, built once and cached by size.

    Treat it as read-only (several groups share it); a group that writes uses
    ``fresh_copy``. The cache key includes the schema head and the generator's
    version, so a new migration or generator builds a new office instead of
    reusing a stale one. Safe when several benchmark processes ask at once: one
    builds (under a file lock, in a temporary folder renamed at the end), the
    others wait for it.
    """
    from db import migrate
    from desktop_app.demo.generate import GENERATOR_VERSION

    root = _cache_root(workdir)
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"office-{items}-seed{seed}-g{GENERATOR_VERSION}-{migrate.head_revision()}"
    marker = folder / "bench-ready.json"
    if marker.exists():
        return folder
    with (root / f"{folder.name}.lock").open("w") as lock:
        _lock(lock)
        if marker.exists():  # another process built it while we waited
            return folder
        _build_office(folder, items, seed)
    return folder


def _lock(handle: Any) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: builds are not run concurrently there
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def _build_office(folder: Path, items: int, seed: int) -> None:
    from desktop_app.demo.generate import generate_demo

    building = folder.with_name(f"{folder.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    if folder.exists():  # an interrupted build of an older runner
        shutil.rmtree(folder)
    t = time.perf_counter()
    summary = generate_demo(building, items=items, seed=seed)
    _quiet_daily_backup(building)
    summary["build_seconds"] = round(time.perf_counter() - t, 2)
    summary["data_dir"] = str(folder)
    (building / "bench-ready.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    building.rename(folder)


def office_summary(folder: Path) -> dict[str, Any]:
    """What ``generate_demo`` reported when the office was built (including its ``seconds``)."""
    return dict(json.loads((folder / "bench-ready.json").read_text(encoding="utf-8")))


def fresh_copy(office: Path, dest: Path) -> Path:
    """A private copy of a cached office that a group may change."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(office, dest, ignore=shutil.ignore_patterns("backups"))
    (dest / "backups").mkdir(exist_ok=True)
    return dest


def _quiet_daily_backup(folder: Path) -> None:
    """Make today's automatic backup now, so the first timed open is not the one that copies the file."""
    from desktop_app.core import backup
    from desktop_app.core.config import DataDir

    data = DataDir(folder)
    if backup.backup_due_today(data.backups):
        backup.make_backup(data.db_path, data.backups, reason="daily")


# --------------------------------------------------------------------------- subprocesses


def python_env(**extra: str) -> dict[str, str]:
    """Environment for a child Python that imports the work tree; offscreen Qt when there is no display."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(extra)
    return env


def run_until_line(cmd: list[str], prefixes: tuple[str, ...], env: dict[str, str] | None = None,
                   timeout: float = 120.0, t0_env: str | None = None) -> dict[str, Any]:
    """Start ``cmd`` and collect the first stdout line starting with each of ``prefixes``.

    With ``t0_env`` the wall time just before spawning is passed to the child in
    that variable (the child reports its own ``<prefix> <seconds since t0>``).
    Returns ``{"lines": {prefix: text after it}, "arrived": {prefix: seconds since
    spawn when seen}, "timed_out": bool, "returncode", "stderr", "peak_rss_mb"}``.
    The child is killed once every prefix was seen or the timeout passes.
    """
    env = dict(env or os.environ)
    found: dict[str, str] = {}
    arrived: dict[str, float] = {}
    t0 = time.time()
    if t0_env:
        env[t0_env] = repr(t0)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))
    err_chunks: list[str] = []
    err_thread = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read() if proc.stderr else ""),
                                  daemon=True)
    err_thread.start()
    peak: list[float] = []
    done = threading.Event()

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            for p in prefixes:
                if p not in found and line.startswith(p):
                    found[p] = line[len(p):].strip()
                    arrived[p] = time.time() - t0
                    rss = peak_rss_of_pid_mb(proc.pid)
                    if rss:
                        peak.append(rss)
            if len(found) == len(prefixes):
                break
        done.set()

    threading.Thread(target=reader, daemon=True).start()
    timed_out = not done.wait(timeout)
    if proc.poll() is None:
        try:
            proc.wait(timeout=5)  # the app quits by itself after the last line
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    err_thread.join(timeout=5)
    return {"lines": found, "arrived": arrived, "timed_out": timed_out, "returncode": proc.returncode,
            "stderr": "".join(err_chunks)[-2000:], "peak_rss_mb": max(peak) if peak else None}


def seconds_field(result: dict[str, Any], prefix: str) -> float | None:
    """The seconds a child reported after ``prefix`` (falls back to when the line arrived)."""
    text = result["lines"].get(prefix)
    if text is None:
        return None
    try:
        return float(text.split()[0])
    except (ValueError, IndexError):
        return float(result["arrived"][prefix])
