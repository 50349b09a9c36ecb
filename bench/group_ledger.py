"""Benchmark group ``ledger``: the 问题台账 page on a 100k-item office, and opening it on 1M items.

Figures (seconds unless ``_mb``; median of 3 runs; names keep their nominal size at any --scale):

* ``ledger_first_screen_100k_s`` — with the database open: build ``LedgerPage`` (count, first
  page of rows, the first item's timeline), show it and paint it (a synchronous repaint of the
  whole page). The filter drop-downs and the overdue/due-soon banner fill in on the next turn
  of the event loop: ``ledger_page_complete_100k_s`` is the time until they are painted too.
* ``ledger_filter_100k_s`` — a free-text filter with a two-character term (党建) applied to the
  shown page: count, first page, a synchronous repaint (the filtered rows and their count are on
  screen). The detail pane then loads the first row's timeline on the next turn of the event
  loop: ``ledger_filter_complete_100k_s`` is the time until that is painted too.
* ``ledger_filter_common_term_100k_s`` — the same with 整改, which the demo ledger has in ~85% of
  its items (the hardest case for the index). Such a broad text shows its first page by walking
  the list and testing rows against the index, and is counted off the UI thread:
  ``ledger_filter_common_term_counted_100k_s`` is the time until the exact count is shown.
* ``ledger_last_row_100k_s`` — Ctrl+End in the table from a fresh model: fetch the last page,
  move the selection, load that item's timeline, repaint.
* ``ledger_rss_100k_mb`` — the process's peak resident memory after the above (Python, Qt,
  SQLAlchemy and the page; the model holds at most 12 pages of 200 rows).
* ``ledger_open_1m_s`` — ``LedgerPage`` built, shown and painted on a 1,000,000-item office
  (database already open), as the first-screen figure; ``ledger_page_complete_1m_s`` likewise.
  The 1M office is the 100k demo office with its items copied by SQL (``_replicated_office``:
  new ids and serials, same texts and states; children and search index not copied).
* ``sqlite_select_page_100k_s`` — the floor: raw ``sqlite3``: connect, ``count(*)`` and the
  first 200 rows of ``issue`` in rowid order, on the 100k office.
* ``*_ratio`` — product / floor.

Standalone: ``python bench/group_ledger.py [--scale S] [--workdir DIR]`` prints the JSON.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the work tree importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import make_big_office, median, pair, peak_rss_mb, reset_peak_rss, rnd  # noqa: E402

RUNS = 3
TERM = "党建"
COMMON_TERM = "整改"
FLOOR_COLUMNS = ("id, serial, category, description, measures, kind, lead_leader, responsible_unit, co_units, "
                 "responsible_person, deadline, status, progress_percent, latest_progress")


def _app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    try:  # the shipped CJK font, as the real app has it
        from ui import fonts

        fonts.install(app)  # type: ignore[arg-type]
    except Exception as exc:  # a missing font changes glyph costs a little, never the figures' meaning
        print(f"font not installed: {exc}", file=sys.stderr)
    return app


def _open(folder: Path) -> Any:
    from desktop_app.core.context import open_context

    return open_context(folder, full_check=False, daily_backup=False)


def _paint(app: Any, widget: Any) -> None:
    app.processEvents()
    widget.repaint()


def _first_screen(app: Any, ctx: Any, complete: list[float] | None = None) -> tuple[float, Any]:
    """Seconds until the page with its rows is painted; ``complete`` gets the time until the deferred
    parts (filter drop-downs, overdue banner) are filled in and painted too."""
    from ui.ledger.ledger_page import LedgerPage

    t0 = time.perf_counter()
    page = LedgerPage(ctx)
    page.resize(1500, 900)
    page.show()
    page.repaint()  # synchronous: the rows are on screen when this returns
    first = time.perf_counter() - t0
    _paint(app, page)
    if complete is not None:
        complete.append(time.perf_counter() - t0)
    return first, page


def _close(app: Any, page: Any) -> None:
    from ui.signals import bus

    with contextlib.suppress(RuntimeError, TypeError):
        bus().changed.disconnect(page._on_changed)
    page.close()
    page.deleteLater()
    app.processEvents()


def _filter_time(app: Any, page: Any, term: str, complete: list[float] | None = None,
                 counted: list[float] | None = None) -> float:
    """Seconds until the filtered rows are painted; ``complete`` gets the time until the detail pane
    is painted too, ``counted`` the time until the exact count is shown (a broad text)."""
    from desktop_app.ledger.query import IssueFilter

    year = page.model.filter.year
    page.apply_filter(IssueFilter(year=year))  # back to the whole year (not timed)
    _paint(app, page)
    t0 = time.perf_counter()
    page.apply_filter(IssueFilter(year=year, text=term))
    page.repaint()  # synchronous: the rows and the count line are on screen when this returns
    elapsed = time.perf_counter() - t0
    _paint(app, page)
    if complete is not None:
        complete.append(time.perf_counter() - t0)
    while page.model.counting:
        app.processEvents()
        time.sleep(0.001)
    page.repaint()
    if counted is not None:
        counted.append(time.perf_counter() - t0)
    if page.model.rowCount() == 0:
        print(f"warning: {term} matched nothing", file=sys.stderr)
    return elapsed


def _last_row_time(app: Any, page: Any) -> float:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop_app.ledger.query import IssueFilter

    page.apply_filter(IssueFilter(year=page.model.filter.year))  # a fresh model: only the first page cached
    _paint(app, page)
    page.table.setFocus()
    t0 = time.perf_counter()
    QTest.keyClick(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    _paint(app, page)
    elapsed = time.perf_counter() - t0
    last = page.model.rowCount() - 1
    if page.table.currentIndex().row() != last or page.current_id != page.model.issue_id(last):
        raise RuntimeError("Ctrl+End did not reach the last row")
    return elapsed


def _floor(db_path: Path) -> float:
    def once() -> float:
        t0 = time.perf_counter()
        conn = sqlite3.connect(str(db_path))
        conn.execute("SELECT count(*) FROM issue").fetchone()
        rows = conn.execute(f"SELECT {FLOOR_COLUMNS} FROM issue ORDER BY rowid LIMIT 200").fetchall()
        conn.close()
        assert len(rows) == 200 or len(rows) > 0
        return time.perf_counter() - t0

    once()
    return float(median([once() for _ in range(RUNS)]) or 0.0)


def _replicated_office(workdir: Path, base: Path, items: int) -> Path:
    """An office of ``items`` ledger items: the demo office ``base`` with its items copied by SQL.

    The demo generator needs 10+ minutes and ~5 GB for a million items with all their children
    and search index; what opening the page costs depends on the items and the ledger's indexes,
    which the copies have (new ids and serials, same texts, dates and statuses). Built once,
    cached under the group's workdir by size and schema head.
    """
    from db import migrate

    folder = Path(workdir) / f"replicated-{items}-{migrate.head_revision()}"
    if (folder / "ready").exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(base, folder, ignore=shutil.ignore_patterns("backups"))
    (folder / "backups").mkdir(exist_ok=True)
    conn = sqlite3.connect(str(folder / "fielddesk.db"))
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        cols = [r[1] for r in conn.execute("PRAGMA table_info(issue)")]
        n0 = conn.execute("SELECT count(*) FROM issue").fetchone()[0]
        top = conn.execute("SELECT max(rowid) FROM issue").fetchone()[0]
        copies = -(-items // max(1, n0)) - 1
        uuid = ("lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' "
                "|| substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' "
                "|| hex(randomblob(6)))")
        for k in range(1, copies + 1):
            left = items - n0 * k
            if left <= 0:
                break
            exprs = []
            for c in cols:
                if c == "id":
                    exprs.append(uuid)
                elif c == "serial":  # 2026-001 → 2026-100001 …: unique, still in natural order
                    exprs.append(f"printf('%d-%03d', year, CAST(substr(serial, instr(serial, '-') + 1) AS INTEGER) "
                                 f"+ {k * n0})")
                else:
                    exprs.append(c)
            conn.execute(f"INSERT INTO issue ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM issue "
                         f"WHERE rowid <= ? LIMIT ?", (top, min(left, n0)))
            conn.commit()
            print(f"replicated copy {k}/{copies}", file=sys.stderr, flush=True)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    (folder / "ready").write_text(str(items), encoding="utf-8")
    return folder


def run(scale: float, workdir: Path) -> dict[str, float | None]:
    """The ledger figures (see the module docstring)."""
    n100k = max(1000, round(100_000 * scale))
    n1m = max(2000, round(1_000_000 * scale))
    office = make_big_office(workdir, n100k)
    reset_peak_rss()  # building the office (first run only) is not the page's memory
    app = _app()
    ctx = _open(office)
    from desktop_app.ledger import search

    search.catch_up(ctx.db)  # an office built by older code may have an index to bring up to date (not timed)
    try:
        _t, warm = _first_screen(app, ctx)  # imports and first-use caches are not the page's cost
        _close(app, warm)
        firsts: list[float] = []
        completes: list[float] = []
        for _ in range(RUNS):
            t, page = _first_screen(app, ctx, completes)
            firsts.append(t)
            _close(app, page)
        t, page = _first_screen(app, ctx)
        filters_complete: list[float] = []
        common_counted: list[float] = []
        filters = [_filter_time(app, page, TERM, filters_complete) for _ in range(RUNS)]
        common = [_filter_time(app, page, COMMON_TERM, counted=common_counted) for _ in range(RUNS)]
        lasts = [_last_row_time(app, page) for _ in range(RUNS)]
        cached = page.model.cached_pages()
        _close(app, page)
        rss = peak_rss_mb()
    finally:
        ctx.close()
    floor = _floor(office / "fielddesk.db")
    big = _replicated_office(workdir, office, n1m)
    ctx1m = _open(big)
    try:
        opens: list[float] = []
        opens_complete: list[float] = []
        for _ in range(RUNS):
            t, page = _first_screen(app, ctx1m, opens_complete)
            opens.append(t)
            _close(app, page)
    finally:
        ctx1m.close()
    out: dict[str, float | None] = {}
    out.update(pair("ledger_first_screen_100k_s", median(firsts), "sqlite_select_page_100k_s", floor))
    out.update(pair("ledger_filter_100k_s", median(filters), "sqlite_select_page_100k_s", floor))
    out.update(pair("ledger_last_row_100k_s", median(lasts), "sqlite_select_page_100k_s", floor))
    out.update(pair("ledger_open_1m_s", median(opens), "sqlite_select_page_100k_s", floor))
    out["ledger_page_complete_100k_s"] = rnd(median(completes))
    out["ledger_page_complete_1m_s"] = rnd(median(opens_complete))
    out["ledger_filter_complete_100k_s"] = rnd(median(filters_complete))
    out["ledger_filter_common_term_100k_s"] = rnd(median(common))
    out["ledger_filter_common_term_counted_100k_s"] = rnd(median(common_counted))
    out["ledger_rss_100k_mb"] = rnd(rss, 1)
    out["ledger_cached_pages"] = float(cached)
    out["ledger_items_100k"] = float(n100k)
    out["ledger_items_1m"] = float(n1m)
    return out


def main() -> int:
    """Run the group on its own and print its figures as JSON."""
    import argparse
    import json

    p = argparse.ArgumentParser(description="FieldDesk ledger benchmark")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--workdir", type=Path, default=Path(os.environ.get("FIELDDESK_BENCH_DIR", "/tmp/fielddesk-bench")))
    args = p.parse_args()
    os.environ.setdefault("FIELDDESK_BENCH_CACHE", str(args.workdir / "offices"))
    (args.workdir / "ledger").mkdir(parents=True, exist_ok=True)
    print(json.dumps(run(args.scale, args.workdir / "ledger"), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
