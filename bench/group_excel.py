"""Benchmark group ``excel``: ledger export and import against the fastest plain libraries.

Figures (seconds; names keep their nominal size whatever ``scale`` is):

* ``excel_export_100k_s`` — the product: the 100k items of the demo office exported from the
  database (the ledger's paged query, streamed) to the hand-made-looking 问题台账 .xlsx (title,
  office line, styled header, borders, wrap, widths, print titles, footer, real dates).
* ``openpyxl_write_only_100k_s`` — the floor: openpyxl's write-only mode writing the *same cells*
  (same 14 values per row, dates as dates, read from the database beforehand, untimed) with no
  styling at all.
* ``excel_export_rows_100k_s`` — the sheet writer alone: 100k plain IssueRows (no database).
* ``excel_export_100k_ratio`` — product / floor (target ≤ 1.5).
* ``excel_import_100k_s`` — the product: previewing the exported file as a ledger import
  (hostile-file checks, header detection, every row parsed into the contract dict, dates read,
  statuses mapped — everything except handing the rows to the ledger service).
* ``calamine_read_100k_s`` — the floor: python-calamine reading the same sheet into Python lists.
* ``excel_import_100k_ratio`` — product / floor (target ≤ 1.5, issue #20).
* ``excel_import_write_100k_s`` — preview plus ``create_issues`` of the plain-rows sheet into a
  fresh office (the whole import a clerk waits for).
* ``sqlite_executemany_import_100k_s`` — its floor: raw ``sqlite3.executemany`` of the rows that import
  wrote (the items and their progress entries, as tuples read back beforehand) into another fresh
  office's empty tables in one transaction; ``excel_import_write_100k_ratio`` — product / floor (target ≤ 4).
* ``excel_import_50_s`` / ``calamine_read_50_s`` — the same two on a 50-row sheet (median of 5): the
  import's fixed cost, mostly starting the worker process that parses the file (excel/worker.py);
  ``excel_import_50_overhead_s`` is their difference (target < 0.3 s).
* ``excel_peak_rss_mb`` — the group process's peak RSS (all of the above in one process).

Plain rows: 80–200 Chinese characters of description etc., like the demo office's.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PHRASES = (
    "部分村（社区）党组织落实“三会一课”制度不够严格", "会议记录不规范", "学习内容针对性不强",
    "产业发展规划与市场需求衔接不紧", "村级集体经济收入来源单一", "易地搬迁安置点后续扶持措施落实不到位",
    "农村人居环境整治存在反弹现象", "村规民约修订后宣传不够", "基层干部培训覆盖面不足",
    "防返贫监测帮扶机制运行不畅，信息更新不及时", "小型水利设施管护责任未落实", "群众反映的道路硬化问题未按期完成",
)
MEASURES = ("制定整改方案，明确责任人和完成时限", "开展专项督查", "建立长效机制", "每月调度一次整改进展",
            "组织专题培训", "完善台账资料", "对照清单逐项销号")
NAMES = ("王赟", "李喆", "张堃", "陈珺", "刘燊", "黄涛", "吴芳", "赵磊", "欧阳晓燕")
UNITS = ("勐龙镇人民政府", "嘎洒镇", "规划发展科", "政策法规科", "景洪市农业农村局", "允景洪街道办事处")


def _text(rnd: random.Random, pool: tuple[str, ...], lo: int, hi: int) -> str:
    target = rnd.randint(lo, hi)
    out = ""
    while len(out) < target:
        out += rnd.choice(pool) + rnd.choice("，；。")
    return out[:target - 1] + "。"


def make_rows(n: int, seed: int = 2026) -> list[Any]:
    """``n`` plain IssueRows like a real county's ledger (~1.3 KB each)."""
    from desktop_app.ledger.types import IssueRow

    rnd = random.Random(seed)
    statuses = (("in_progress", "推进中"), ("not_started", "未启动"), ("done", "已完成"))
    colours = (("red", "逾期"), ("yellow", "临期"), ("green", "正常"))
    rows = []
    for i in range(n):
        status, status_label = rnd.choice(statuses)
        colour, colour_label = rnd.choice(colours)
        deadline = dt.date(2026, 1, 1) + dt.timedelta(days=rnd.randint(0, 364))
        rows.append(IssueRow(
            id=f"id{i}", serial=f"2026-{i + 1:05d}", year=2026, source="visit", source_label="调研发现",
            category=rnd.choice(("基层党建", "产业发展", "乡村治理", "民生保障", "生态环保")),
            description=_text(rnd, PHRASES, 80, 200), measures=_text(rnd, MEASURES, 30, 90),
            kind="dated", kind_label="限期整改", lead_leader="刘洋", responsible_unit=rnd.choice(UNITS),
            co_units=rnd.choice(("", "各乡镇", "县财政局")), responsible_person=NAMES[i % len(NAMES)],
            assigned_date=dt.date(2026, 1, 1), deadline=deadline, original_deadline=deadline, status=status,
            status_label=status_label, progress_percent=rnd.choice((0, 20, 50, 80)),
            latest_progress=_text(rnd, MEASURES, 10, 40), closure_state="", closed_at=None, colour=colour,
            colour_label=colour_label, office_code="532801"))
    return rows


def _timed(func: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    gc.collect()
    t0 = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - t0, result


def product_export(rows: list[Any], out: Path) -> int:
    """The product path: IssueRows → 问题台账 .xlsx."""
    from desktop_app.excel.exporter import write_sheet
    from desktop_app.excel.lists import ledger_cells, ledger_spec

    return write_sheet(out, ledger_spec("景洪市乡村振兴局", 2026), ledger_cells(rows), row_count=len(rows))


def floor_export(cells: list[tuple[Any, ...]], titles: list[str], out: Path) -> int:
    """The floor: openpyxl write-only mode, the same cells, no styling."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("问题台账")
    ws.append(titles)
    for row in cells:
        ws.append(row)
    wb.save(out)
    return len(cells)


def product_import(path: Path) -> int:
    """The product path: the exported file previewed as a ledger import."""
    from desktop_app.excel.importer import preview

    pv = preview(path, "ledger", year=2026)
    if pv.errors:
        raise RuntimeError(f"bench import found errors: {pv.errors[:3]}")
    return len(pv.rows)


def floor_import(path: Path) -> int:
    """The floor: python-calamine reading the sheet into lists."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python()
    book.close()
    return len(rows)


def import_and_write(path: Path, workdir: Path) -> int:
    """Preview plus create_issues into a fresh office: the whole wait of a real import."""
    from desktop_app.core.context import open_context
    from desktop_app.excel.service import import_file
    from desktop_app.org.organisation import SetupInput, initialise_office

    folder = workdir / "import_db"
    if folder.exists():  # the workdir is kept between runs: start from an empty office every time
        shutil.rmtree(folder)
    ctx = open_context(folder, daily_backup=False)
    try:
        initialise_office(ctx, SetupInput(code="532801", name="景洪市乡村振兴局", year=2026))
        return import_file(ctx.db, ctx.actor, path, "ledger").imported
    finally:
        ctx.close()


def executemany_floor(written: Path, workdir: Path) -> float:
    """Raw sqlite3 executemany of the item and progress rows of office ``written`` into a fresh office."""
    import sqlite3

    from desktop_app.core.context import open_context
    from desktop_app.org.organisation import SetupInput, initialise_office

    src = sqlite3.connect(written / "fielddesk.db")
    tables = {}
    for table in ("issue", "progress"):
        cur = src.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed names
        tables[table] = ([d[0] for d in cur.description], cur.fetchall())
    src.close()
    folder = workdir / "floor_db"
    if folder.exists():
        shutil.rmtree(folder)
    ctx = open_context(folder, daily_backup=False)
    initialise_office(ctx, SetupInput(code="532801", name="景洪市乡村振兴局", year=2026))
    ctx.close()
    conn = sqlite3.connect(folder / "fielddesk.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    gc.collect()
    t0 = time.perf_counter()
    for table, (cols, data) in tables.items():
        conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", data)  # noqa: S608
    conn.commit()
    elapsed = time.perf_counter() - t0
    conn.close()
    shutil.rmtree(folder)
    return elapsed


def run(scale: float, workdir: Path) -> dict[str, float | None]:
    """Measure the group at ``scale`` (1.0 = 100k ledger items)."""
    from bench.common import make_big_office, pair, peak_rss_mb, rnd
    from desktop_app.core.context import open_context
    from desktop_app.excel.lists import LEDGER_COLUMNS, export_ledger, ledger_cells
    from desktop_app.ledger.query import IssueFilter, iter_issue_rows

    workdir.mkdir(parents=True, exist_ok=True)
    n = max(50, int(100_000 * scale))
    office = make_big_office(workdir, n)  # shared, read-only: exporting does not write
    ctx = open_context(office, full_check=False, daily_backup=False)
    try:
        everything = IssueFilter()  # every live item (voided ones are not exported by default)
        export_ledger(ctx.db, workdir / "warm.xlsx", f=IssueFilter(text="防返贫"))  # imports, caches
        cells = list(ledger_cells(iter_issue_rows(ctx.db, everything)))  # the floor's input, untimed
        titles = [c.title for c in LEDGER_COLUMNS]
        t_floor_w, _ = _timed(floor_export, cells, titles, workdir / "floor.xlsx")
        items = len(cells)
        del cells
        # the product: from the database (paged query) to the finished, styled sheet
        t_export, result = _timed(export_ledger, ctx.db, workdir / "ledger.xlsx", None, everything)
        assert result.rows == items, (result.rows, items)
    finally:
        ctx.close()
    rows = make_rows(n)
    product_export(rows[:50], workdir / "warm_rows.xlsx")
    product_import(workdir / "warm_rows.xlsx")  # both readers warm (imports, first-call caches)
    floor_import(workdir / "warm_rows.xlsx")
    t_rows, written = _timed(product_export, rows, workdir / "ledger_rows.xlsx")
    assert written == n
    del rows
    t_floor_r, _ = _timed(floor_import, workdir / "ledger.xlsx")
    t_import, read = _timed(product_import, workdir / "ledger.xlsx")
    assert read == items, (read, items)
    t_write, imported = _timed(import_and_write, workdir / "ledger_rows.xlsx", workdir)
    assert imported == n
    t_write_floor = executemany_floor(workdir / "import_db", workdir)
    # a clerk's everyday sheet (50 rows): what the worker process adds to an import is visible here
    small = sorted(_timed(product_import, workdir / "warm_rows.xlsx")[0] for _ in range(5))[2]
    small_floor = sorted(_timed(floor_import, workdir / "warm_rows.xlsx")[0] for _ in range(5))[2]
    return {
        "excel_import_50_s": rnd(small), "calamine_read_50_s": rnd(small_floor),
        "excel_import_50_overhead_s": rnd(small - small_floor),
        **pair("excel_export_100k_s", t_export, "openpyxl_write_only_100k_s", t_floor_w),
        **pair("excel_import_100k_s", t_import, "calamine_read_100k_s", t_floor_r),
        "excel_export_rows_100k_s": rnd(t_rows),
        **pair("excel_import_write_100k_s", t_write, "sqlite_executemany_import_100k_s", t_write_floor),
        "excel_export_100k_file_mb": rnd((workdir / "ledger.xlsx").stat().st_size / 1e6, 1),
        "excel_peak_rss_mb": rnd(peak_rss_mb(), 0),
    }


if __name__ == "__main__":
    import json
    import tempfile

    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(run(scale, Path(tmp)), indent=1))
