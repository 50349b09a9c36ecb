"""Timing of the ledger's text search on PostgreSQL with and without the bigram index (issue #17).

    bash scripts/pg_cluster.sh start DIR  → FIELDDESK_TEST_PG_URL, FIELDDESK_DB_PASSWORD
    python bench/pg_text_search.py OFFICE_FOLDER [ITEMS]

OFFICE_FOLDER: a demo office (e.g. the ledger bench's 100k office, a copy: opening it migrates it).
It is copied onto the server once (``group_ledger_pg.server_copy``, reused while it holds the same
rows). Each text is then counted (``count_issues``) and its first page read (``fetch_page``, serial
order) through the ledger's own queries: "like" with the bigram condition switched off (the LIKE
scan of before migration 0013), "bigram" as shipped. Best of 5 after a warm-up; the two counts must agree.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import true  # noqa: E402

TEXTS = ("党建", "整改", "合作社", "整改 党建", "党")
REPS = 5


def _best(fn: Any) -> tuple[float, Any]:
    fn()
    best, out = 9e9, None
    for _ in range(REPS):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    from bench.group_ledger_pg import server_copy
    from desktop_app.core.context import open_context
    from desktop_app.ledger import query, search

    office = Path(sys.argv[1])
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    admin = os.environ["FIELDDESK_TEST_PG_URL"]
    url, copied = server_copy(office, admin, items)
    ctx = open_context(office.parent / "pg-folder", db_url=url, daily_backup=False)  # the server's data folder
    year = ctx.db.engine.connect().exec_driver_sql("SELECT max(year) FROM issue").scalar()
    real = search.bigram_condition
    out: dict[str, Any] = {"items": items, "copy_s": copied, "year": year}
    try:
        for mode in ("like", "bigram"):
            search.bigram_condition = real if mode == "bigram" else (lambda _w: true())  # type: ignore[assignment]
            for words in TEXTS:
                f = query.IssueFilter(year=year, text=words)
                tc, n = _best(lambda f=f: query.count_issues(ctx.db, f))
                tp, page = _best(lambda f=f: query.fetch_page(ctx.db, f, limit=200))
                out[f"{mode} {words}"] = {"count_s": round(tc, 4), "count": n, "page_s": round(tp, 4),
                                          "page_rows": len(page),
                                          "counted_off_ui_thread": query.count_is_slow(ctx.db, f)}
    finally:
        search.bigram_condition = real  # type: ignore[assignment]
        ctx.close()
    for words in TEXTS:
        assert out[f"like {words}"]["count"] == out[f"bigram {words}"]["count"], words
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
