"""Benchmark group ``sync``: a full bundle of a 100k-item office, exported and imported.

Figures (seconds; names keep their nominal size whatever ``scale`` is):

* ``bundle_export_100k_s`` — the product: ``export_bundle(..., full=True)`` from the demo county
  (100k ledger items plus their progress, urges, closures, follow-ups and the office's other rows;
  every change of the change log) to its prefecture: read the log and the rows, work out per field
  which change carries the current value and its base version, orjson lines, zip deflate level 1,
  sha256 per member, signed manifest.
* ``jsonl_zip_100k_s`` — the floor: the same rows (every row of every synced table) read with raw
  sqlite3, one orjson line each, written to a zip at deflate level 1.
* ``bundle_export_100k_ratio`` — product / floor.
* ``bundle_import_100k_s`` — the product: ``import_bundle`` of that bundle into the prefecture's
  empty database: limits, signature, hashes, parse and validate every change, gaps, ownership,
  merge, then rows + change-log entries + report in one transaction.
* ``sqlite_executemany_100k_s`` — the floor: raw ``sqlite3.executemany`` of the same rows (as
  tuples, prepared beforehand) into the same empty schema in one transaction.
* ``bundle_import_100k_ratio`` — product / floor (target ≤ 4).
* ``bundle_import_dry_run_100k_s`` — the preview a clerk sees first (same path, rolled back),
  for information.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import fresh_copy, make_big_office, pair, rnd  # noqa: E402

PREF_CODE = "532800"


def _log(msg: str) -> None:
    print(f"[sync] {msg}", file=sys.stderr, flush=True)


def _empty_prefecture(folder: Path):
    from desktop_app.core.context import open_context
    from desktop_app.org.organisation import SetupInput, initialise_office

    if folder.exists():
        shutil.rmtree(folder)
    ctx = open_context(folder, daily_backup=False)
    initialise_office(ctx, SetupInput(code=PREF_CODE, name="西双版纳州乡村振兴局", level="prefecture",
                                      sections=["综合科"], year=2026))
    return ctx


def _trust(a, b) -> None:
    from desktop_app.sync import peers

    ca, cb = peers.own_card(a.db, a.data.keys), peers.own_card(b.db, b.data.keys)
    peers.trust_card(a.db, a.actor, cb, cb.fingerprint)
    peers.trust_card(b.db, b.actor, ca, ca.fingerprint)


def _synced_rows(db_path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    from db.models import SYNCED_MODELS

    conn = sqlite3.connect(db_path)
    try:
        out = {}
        for table in SYNCED_MODELS:
            cur = conn.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names from the model registry
            cols = [d[0] for d in cur.description]
            out[table] = (cols, cur.fetchall())
        return out
    finally:
        conn.close()


def _jsonl_zip_floor(db_path: Path, out: Path) -> float:
    import orjson

    from db.models import SYNCED_MODELS

    t = time.perf_counter()
    conn = sqlite3.connect(db_path)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for table in SYNCED_MODELS:
            cur = conn.execute(f"SELECT * FROM {table}")  # noqa: S608
            cols = [d[0] for d in cur.description]
            with zf.open(f"changes/{table}.jsonl", "w", force_zip64=True) as w:
                while True:
                    batch = cur.fetchmany(5000)
                    if not batch:
                        break
                    w.write(b"\n".join(orjson.dumps(dict(zip(cols, r, strict=True))) for r in batch) + b"\n")
    conn.close()
    return time.perf_counter() - t


def _executemany_floor(empty_db: Path, rows: dict[str, tuple[list[str], list[tuple]]]) -> float:
    from db.base import Base

    order = [t.name for t in Base.metadata.sorted_tables if t.name in rows]
    conn = sqlite3.connect(empty_db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    for table in reversed(order):  # the prefecture's own few rows would collide with nothing, but start empty
        conn.execute(f"DELETE FROM {table}")  # noqa: S608
    conn.commit()
    t = time.perf_counter()
    for table in order:
        cols, data = rows[table]
        if data:
            conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", data)  # noqa: S608
    conn.commit()
    elapsed = time.perf_counter() - t
    conn.close()
    return elapsed


def run(scale: float, workdir: Path) -> dict[str, float | None]:
    """Export and import a full bundle of the demo office with ``100_000 * scale`` items."""
    from desktop_app.core.context import open_context
    from desktop_app.sync.apply import import_bundle
    from desktop_app.sync.bundle_writer import export_bundle

    items = max(100, int(100_000 * scale))
    workdir.mkdir(parents=True, exist_ok=True)
    office = make_big_office(workdir, items)
    county_dir = fresh_copy(office, workdir / "county")
    county = open_context(county_dir, daily_backup=False)
    pref_template = workdir / "pref-template"
    pref = _empty_prefecture(pref_template)
    _trust(county, pref)
    pref.db.checkpoint()
    pref.close()

    out = workdir / "bundles"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    t = time.perf_counter()
    res = export_bundle(county.db, county.data, county.actor, PREF_CODE, out / "full.fdbundle", full=True)
    export_s = time.perf_counter() - t
    changes = sum(res.tables.values())
    _log(f"bundle: {changes} changes, {res.bytes / 1e6:.1f} MB, export {export_s:.2f}s")
    county.db.checkpoint()
    floor_export = _jsonl_zip_floor(county.data.db_path, out / "floor.zip")
    _log(f"jsonl+zip floor {floor_export:.2f}s")

    dry_dir = fresh_copy(pref_template, workdir / "pref-dry")
    dry_ctx = open_context(dry_dir, daily_backup=False)
    t = time.perf_counter()
    dry = import_bundle(dry_ctx.db, dry_ctx.data, dry_ctx.actor, res.file, dry_run=True)
    dry_s = time.perf_counter() - t
    dry_ctx.close()
    assert dry.status == "dry-run", dry.errors

    pref_dir = fresh_copy(pref_template, workdir / "pref")
    pref = open_context(pref_dir, daily_backup=False)
    t = time.perf_counter()
    rep = import_bundle(pref.db, pref.data, pref.actor, res.file)
    import_s = time.perf_counter() - t
    assert rep.status == "applied", rep.errors
    created = sum(x.created for x in rep.tables.values())
    _log(f"import {import_s:.2f}s ({created} rows created), dry run {dry_s:.2f}s")
    pref.close()

    rows = _synced_rows(county.data.db_path)
    county.close()
    floor_dir = fresh_copy(pref_template, workdir / "pref-floor")
    floor_import = _executemany_floor(floor_dir / "fielddesk.db", rows)
    _log(f"executemany floor {floor_import:.2f}s ({sum(len(r) for _, r in rows.values())} rows)")
    for d in (dry_dir, pref_dir, floor_dir, county_dir):
        shutil.rmtree(d, ignore_errors=True)
    figures: dict[str, float | None] = {}
    figures.update(pair("bundle_export_100k_s", export_s, "jsonl_zip_100k_s", floor_export))
    figures.update(pair("bundle_import_100k_s", import_s, "sqlite_executemany_100k_s", floor_import))
    figures["bundle_import_dry_run_100k_s"] = rnd(dry_s)
    return figures
