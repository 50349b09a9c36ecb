"""Benchmark group ``startup``: cold start of the GUI and opening the database, 100k-item office.

Figures (seconds, median of 3 runs after one warm-up run — one run, no warm-up, below scale 0.5; names keep their nominal size):

* ``startup_s`` — process start to the main window's first paint: ``python -m desktop_app
  --data-dir D`` with ``FIELDDESK_BENCH_SHOWN=1`` and ``FIELDDESK_BENCH_T0`` = the wall time
  just before spawning; the app prints ``shown <seconds since T0>`` after the first paint.
* ``bare_qt_window_s`` — the floor: the same for a script that only imports PySide6 and
  shows an empty QMainWindow (written to the workdir).
* ``startup_ratio`` — product / floor.
* ``startup_ready_s`` — to the dashboard painted with the office's data (the app prints
  ``ready <seconds>``), against the same floor (``startup_ready_ratio``).
* ``startup_rss_mb`` — the app's peak resident memory when ready.
* ``db_open_100k_s`` — ``open_context`` on the office (integrity check, schema version check,
  identity load; no migration is due) vs ``sqlite_integrity_check_100k_s`` — the floor: sqlite3
  connect + ``PRAGMA integrity_check`` on the same file; ``db_open_100k_ratio``.
* ``db_fast_open_100k_s`` — ``open_context(full_check=False)``, what the GUI does at every
  start but the day's first (structural check, schema version, identity) vs
  ``sqlite_open_100k_s`` — sqlite3 connect + read ``sqlite_master`` and the schema version;
  ``db_fast_open_100k_ratio``. Product and floor runs alternate, so a change in machine load
  hits both alike.

A run that does not print its line within the timeout counts as not measured (null).

Both programs run with their bytecode cached, as an installed build has it: the children write and
read ``.pyc`` files under ``<workdir>/pycache`` (``PYTHONPYCACHEPREFIX``) even where the environment
says ``PYTHONDONTWRITEBYTECODE``, so the warm-up run compiles the sources and the timed runs do not
(compiling the ~130 FieldDesk modules a start imports cost about 0.1 s of ``startup_ready_s`` at
every run, a cost no clerk's start has).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from bench.common import (
    make_big_office,
    median,
    pair,
    python_env,
    rnd,
    run_until_line,
    seconds_field,
    timed,
)

RUNS = 3
TIMEOUT_S = 120.0

BARE_WINDOW = '''\
"""Floor for startup_s: the least a PySide6 program does to show a main window."""
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

T0 = float(os.environ.get("FIELDDESK_BENCH_T0", time.time()))


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(f"shown {time.time() - T0:.4f}", flush=True)
            obj.removeEventFilter(self)
            QTimer.singleShot(0, QApplication.quit)
        return False


app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.setCentralWidget(QLabel("bare"))
window.resize(1200, 800)
watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
sys.exit(app.exec())
'''


def _launch(cmd: list[str], prefixes: tuple[str, ...], pycache: Path | None = None) -> dict[str, object]:
    env = python_env(FIELDDESK_BENCH_SHOWN="1", FIELDDESK_USER="luru", FIELDDESK_PASSWORD="demo2026")
    if pycache is not None:  # bytecode cached, as in an installed build (see the module docstring)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return run_until_line(cmd, prefixes, env=env, timeout=TIMEOUT_S, t0_env="FIELDDESK_BENCH_T0")


def measure_app(office: Path, runs: int = RUNS, warmup: bool = True,
                pycache: Path | None = None) -> dict[str, float | None]:
    """Median start-up figures of the real app on ``office`` (one warm-up run first); ``pycache``: where
    the bytecode is cached (None: as the environment says)."""
    cmd = [sys.executable, "-m", "desktop_app", "--data-dir", str(office)]
    if warmup:
        _launch(cmd, ("shown", "ready"), pycache)  # page cache, .pyc files, today's automatic backup
    shown: list[float | None] = []
    ready: list[float | None] = []
    rss: list[float | None] = []
    for _ in range(runs):
        result = _launch(cmd, ("shown", "ready"), pycache)
        shown.append(seconds_field(result, "shown"))
        ready.append(seconds_field(result, "ready"))
        rss.append(result["peak_rss_mb"])  # type: ignore[arg-type]
        if result["timed_out"] and not result["lines"]:
            print(f"startup: app printed nothing in {TIMEOUT_S:.0f} s; stderr: {result['stderr']}", file=sys.stderr)
    return {"shown": median(shown), "ready": median(ready), "rss": median(rss)}


def measure_bare(workdir: Path, runs: int = RUNS, warmup: bool = True, pycache: Path | None = None) -> float | None:
    """Median time to a painted bare QMainWindow."""
    script = workdir / "bare_qt_window.py"
    script.write_text(BARE_WINDOW, encoding="utf-8")
    cmd = [sys.executable, str(script)]
    if warmup:
        _launch(cmd, ("shown",), pycache)
    return median([seconds_field(_launch(cmd, ("shown",), pycache), "shown") for _ in range(runs)])


def _check(db_path: Path, pragma: str) -> None:
    conn = sqlite3.connect(f"file:{db_path.as_posix()}?mode=ro", uri=True)
    try:
        assert conn.execute(f"PRAGMA {pragma}").fetchone()[0] == "ok"
    finally:
        conn.close()


def _sqlite_open(db_path: Path) -> None:
    """The least an open can do: connect, read the schema and its version."""
    conn = sqlite3.connect(f"file:{db_path.as_posix()}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*), max(rootpage) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA schema_version").fetchone()
    finally:
        conn.close()


def _open(office: Path, full: bool) -> None:
    from desktop_app.core.context import open_context

    ctx = open_context(office, full_check=full, daily_backup=False)
    try:
        assert ctx.office_code
    finally:
        ctx.close()


def measure_open(office: Path, runs: int) -> dict[str, float | None]:
    """Database open vs the bare SQLite check, run alternately so load changes hit both alike."""
    db_path = office / "fielddesk.db"
    _check(db_path, "quick_check")  # warm the page cache
    _open(office, False)
    got: dict[str, list[float | None]] = {"full": [], "integrity": [], "fast": [], "sqlite_open": []}
    for _ in range(runs):
        got["integrity"].append(timed(_check, db_path, "integrity_check")[0])
        got["full"].append(timed(_open, office, True)[0])
        got["sqlite_open"].append(timed(_sqlite_open, db_path)[0])
        got["fast"].append(timed(_open, office, False)[0])
    return {k: median(v) for k, v in got.items()}


def run(scale: float, workdir: Path) -> dict[str, float | None]:
    """Measure the group at ``scale`` (1.0 = a 100k-item office)."""
    workdir.mkdir(parents=True, exist_ok=True)
    items = max(300, int(100_000 * scale))
    office = make_big_office(workdir, items)

    import desktop_app.core.context  # noqa: F401 - imports are not part of opening a database

    full = scale >= 0.5  # a quick run (--scale 0.01) measures once, without warm-ups
    runs = RUNS if full else 1
    opened = measure_open(office, runs)
    pycache = workdir / "pycache"
    bare = measure_bare(workdir, runs, warmup=full, pycache=pycache)
    app = measure_app(office, runs, warmup=full, pycache=pycache)
    figures = pair("startup_s", app["shown"], "bare_qt_window_s", bare)
    ready = pair("startup_ready_s", app["ready"], "bare_qt_window_s", bare)
    figures["startup_ready_s"] = ready["startup_ready_s"]
    figures["startup_ready_ratio"] = ready["startup_ready_ratio"]
    figures["startup_rss_mb"] = rnd(app["rss"], 1)
    figures.update(pair("db_open_100k_s", opened["full"], "sqlite_integrity_check_100k_s", opened["integrity"]))
    figures.update(pair("db_fast_open_100k_s", opened["fast"], "sqlite_open_100k_s", opened["sqlite_open"]))
    figures["startup_db_mb"] = rnd((office / "fielddesk.db").stat().st_size / 1e6, 1)
    return figures
