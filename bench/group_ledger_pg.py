"""Benchmark group ``ledger_pg``: the 问题台账 page on PostgreSQL at 100k items, against SQLite in the same run.

Opt-in: it needs a PostgreSQL server, given as an address whose user may ``CREATE DATABASE``
(``python bench/run.py --only ledger_pg --db-url postgresql://user@host:port/postgres``, or
``FIELDDESK_BENCH_PG_URL`` / ``FIELDDESK_DB_URL``; the password from the address or
``FIELDDESK_DB_PASSWORD``). ``bash scripts/bench_pg.sh`` starts a throwaway cluster
(``scripts/pg_cluster.sh``), runs this group and stops the cluster. Without an address the
group raises (it is not in the runner's default set).

The office is the ledger group's 100k demo office (``make_big_office``), copied onto the server
once by ``fielddesk migrate-db`` (``desktop_app.server.migrate.migrate_office``: every table,
verified) into the database ``fielddesk_bench_<items>_<schema head>``, reused while it holds
the same rows. Both engines are then measured in this one process, one after the other, with
the ledger group's own steps (``bench.group_ledger``; median of 3 runs after a warm-up):

* ``ledger_pg_first_screen_100k_s`` · ``ledger_sqlite_first_screen_100k_s`` · ratio — build,
  show and paint ``LedgerPage`` (count, first page, first item's timeline) with the database open.
* ``ledger_pg_filter_100k_s`` · ``ledger_sqlite_filter_100k_s`` · ratio — the free-text filter
  党建 applied and its rows painted (SQLite: count and first page from its FTS5 character index;
  PostgreSQL: the count through its character-bigram index, migration 0013, and the first page by
  walking the serial order or through that index, whichever the planner's estimates say is sooner:
  docs/postgresql.md, “Text search”).
* ``ledger_pg_filter_counted_100k_s`` · ``ledger_sqlite_filter_counted_100k_s`` · ratio — the same
  until the exact count is shown and the events queued meanwhile are handled: on both engines a
  narrow text (党建) is counted at once, with the rows, so this adds the first item's detail pane
  (its timeline, ~14 statements: one round trip each on PostgreSQL) to the figure above; a broad
  text is counted off the UI thread after the first page is painted (``query.count_is_slow``).
* ``ledger_pg_last_row_100k_s`` · ``ledger_sqlite_last_row_100k_s`` · ratio — Ctrl+End from a
  fresh model: the last page fetched, selected, its timeline loaded, painted.
* ``ledger_pg_filter_common_term_100k_s`` · ``ledger_sqlite_filter_common_term_100k_s`` · ratio —
  the filter 整改 (in ~85 % of the demo's items), first page painted (the count follows off the
  UI thread).
* ``ledger_pg_copy_100k_s`` — seconds the copy onto the server took (null when reused).
* ``ledger_pg_items_100k`` — the items measured (at ``--scale`` the nominal name stays).

The target of issue #17: each PostgreSQL figure within 2× of SQLite's (``*_ratio`` ≤ 2).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the work tree importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import make_big_office, median, pair, rnd, timed  # noqa: E402
from bench.group_ledger import (  # noqa: E402
    COMMON_TERM,
    RUNS,
    TERM,
    _app,
    _close,
    _filter_time,
    _first_screen,
    _last_row_time,
)

#: the server address for this group (``run.py --db-url`` sets it); FIELDDESK_DB_URL is read too
ENV_PG_URL = "FIELDDESK_BENCH_PG_URL"


def server_url() -> str:
    """The administrator's address of the server to measure on, or a RuntimeError saying how to give one."""
    url = os.environ.get(ENV_PG_URL) or os.environ.get("FIELDDESK_DB_URL") or ""
    if not url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        raise RuntimeError("ledger_pg needs a PostgreSQL server: --db-url postgresql://user@host:port/postgres "
                           f"(or {ENV_PG_URL} / FIELDDESK_DB_URL), or run scripts/bench_pg.sh")
    return url


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.drivername in ("postgres", "postgresql"):
        u = u.set(drivername="postgresql+psycopg")
    return u.set(database=name).render_as_string(hide_password=False)


def _admin_engine(url: str) -> Any:
    from desktop_app.core import server_db

    choice = server_db.choose(url)
    return server_db.make_server_engine(choice).execution_options(isolation_level="AUTOCOMMIT")


def _holds_office(url: str, items: int) -> bool:
    """True when the database at ``url`` is a finished copy of an office with ``items`` ledger items."""
    from sqlalchemy import text

    from db import migrate

    engine = _admin_engine(url)
    try:
        with engine.connect() as c:
            if migrate.current_revision(engine) != migrate.head_revision():
                return False
            return bool(c.execute(text("SELECT count(*) FROM issue")).scalar() == items)
    except Exception:  # noqa: BLE001 - missing tables or database: not a usable copy
        return False
    finally:
        engine.dispose()


def server_copy(office: Path, admin_url: str, items: int) -> tuple[str, float | None]:
    """The address of a server database holding ``office`` (copied now unless an earlier run left it), and
    the seconds the copy took (None when reused)."""
    from sqlalchemy import text

    from db import migrate
    from desktop_app.core.context import open_context
    from desktop_app.server.migrate import migrate_office

    name = f"fielddesk_bench_{items}_{migrate.head_revision()}".lower()
    url = _with_database(admin_url, name)
    if _holds_office(url, items):
        return url, None
    admin = _admin_engine(admin_url)
    try:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            c.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    finally:
        admin.dispose()
    source = open_context(office, full_check=False, daily_backup=False, write=False)
    try:
        seconds, _result = timed(migrate_office, source.db, url)
    finally:
        source.close()
    with_stats = _admin_engine(url)
    try:
        with with_stats.connect() as c:
            c.execute(text("VACUUM ANALYZE"))  # what autovacuum does on a server after a bulk load
    finally:
        with_stats.dispose()
    print(f"copied the office onto the server in {seconds:.1f} s", file=sys.stderr, flush=True)
    return url, seconds


def measure(app: Any, ctx: Any) -> dict[str, float | None]:
    """The ledger page's first screen, filters and last row on an open office (medians of ``RUNS``)."""
    from desktop_app.ledger import search

    search.catch_up(ctx.db)  # a no-op on PostgreSQL; brings an older SQLite index up to date (not timed)
    _t, warm = _first_screen(app, ctx)  # imports and first-use caches are not the page's cost
    _close(app, warm)
    firsts: list[float | None] = []
    for _ in range(RUNS):
        t, page = _first_screen(app, ctx)
        firsts.append(t)
        _close(app, page)
    _t, page = _first_screen(app, ctx)
    try:
        _filter_time(app, page, TERM)  # warm-up: the first LIKE scan reads the table into the server's cache
        counted: list[float] = []
        filters: list[float | None] = [_filter_time(app, page, TERM, counted=counted) for _ in range(RUNS)]
        common: list[float | None] = [_filter_time(app, page, COMMON_TERM) for _ in range(RUNS)]
        lasts: list[float | None] = [_last_row_time(app, page) for _ in range(RUNS)]
        rows = page.model.rowCount()
    finally:
        _close(app, page)
    return {"first": median(firsts), "filter": median(filters), "counted": median(list(counted)),
            "common": median(common), "last": median(lasts), "rows": float(rows)}


def run(scale: float, workdir: Path) -> dict[str, float | None]:
    """The ledger figures on PostgreSQL and on SQLite (see the module docstring)."""
    from desktop_app.core.context import open_context

    admin_url = server_url()
    n100k = max(1000, round(100_000 * scale))
    office = make_big_office(workdir, n100k)
    url, copy_s = server_copy(office, admin_url, n100k)
    app = _app()
    ctx = open_context(office, full_check=False, daily_backup=False)
    try:
        lite = measure(app, ctx)
    finally:
        ctx.close()
    folder = Path(workdir) / "pg-folder"  # the server's data folder: database.json, backups, attachments
    shutil.rmtree(folder, ignore_errors=True)
    ctx = open_context(folder, db_url=url, daily_backup=False)
    try:
        if ctx.db.engine.dialect.name != "postgresql":
            raise RuntimeError(f"expected a PostgreSQL database, got {ctx.db.engine.dialect.name}")
        pg = measure(app, ctx)
    finally:
        ctx.close()
    if pg["rows"] != lite["rows"]:
        raise RuntimeError(f"the two engines list different rows: PostgreSQL {pg['rows']}, SQLite {lite['rows']}")
    out: dict[str, float | None] = {}
    out.update(pair("ledger_pg_first_screen_100k_s", pg["first"], "ledger_sqlite_first_screen_100k_s", lite["first"]))
    out.update(pair("ledger_pg_filter_100k_s", pg["filter"], "ledger_sqlite_filter_100k_s", lite["filter"]))
    out.update(pair("ledger_pg_filter_counted_100k_s", pg["counted"], "ledger_sqlite_filter_counted_100k_s",
                    lite["counted"]))
    out.update(pair("ledger_pg_last_row_100k_s", pg["last"], "ledger_sqlite_last_row_100k_s", lite["last"]))
    out.update(pair("ledger_pg_filter_common_term_100k_s", pg["common"],
                    "ledger_sqlite_filter_common_term_100k_s", lite["common"]))
    out["ledger_pg_copy_100k_s"] = rnd(copy_s, 1)
    out["ledger_pg_items_100k"] = float(n100k)
    return out


def main() -> int:
    """Run the group on its own and print its figures as JSON."""
    import argparse
    import json

    p = argparse.ArgumentParser(description="FieldDesk ledger benchmark on PostgreSQL")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--db-url", help=f"the server (default ${ENV_PG_URL} or $FIELDDESK_DB_URL)")
    p.add_argument("--workdir", type=Path, default=Path(os.environ.get("FIELDDESK_BENCH_DIR", "/tmp/fielddesk-bench")))
    args = p.parse_args()
    if args.db_url:
        os.environ[ENV_PG_URL] = args.db_url
    os.environ.setdefault("FIELDDESK_BENCH_CACHE", str(args.workdir / "offices"))
    (args.workdir / "ledger_pg").mkdir(parents=True, exist_ok=True)
    print(json.dumps(run(args.scale, args.workdir / "ledger_pg"), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
