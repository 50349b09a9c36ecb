"""Benchmark group ``pdf``: printing the 问题清单 against a bare reportlab table of the same cells.

Figures (seconds; names keep their nominal size whatever ``scale`` is):

* ``pdf_ledger_1k_s``, ``pdf_ledger_10k_s`` — the product: plain IssueRows → 问题清单 PDF
  (glyph check, CJK wrapping, warning marks and tints, title, page numbers, signature lines).
* ``reportlab_table_10k_s`` — the floor: the *same cell strings, already wrapped* (the floor does
  not pay for wrapping), drawn by reportlab as Tables of 100 rows with ``repeatRows=1``, the same
  fonts and grid, default canvas and doc template — the fastest plain-reportlab way known
  (perf-baselines.md: chunked pre-wrapped tables beat one LongTable ~2x).
* ``pdf_ledger_10k_ratio`` — product / floor (target ≤ 1.3).
* ``pdf_ledger_10k_pages`` — pages printed.
* ``pdf_ledger_compact_10k_s`` (and ``_cpu_s``, ``_pages``) — the same rows in the 紧凑版, the default print;
  ``pdf_ledger_compact_10k_vs_full`` — compact / 完整版 time (target ≤ 1.2).

Rows are made from plain data (no database): 80–200 Chinese characters of description,
names with uncommon characters, a mix of warning colours.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import sys
import time
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
MEASURES = (
    "制定整改方案，明确责任人和完成时限", "开展专项督查", "建立长效机制", "每月调度一次整改进展",
    "组织专题培训", "完善台账资料", "对照清单逐项销号",
)
NAMES = ("王赟", "李喆", "张堃", "陈珺", "刘燊", "黄涛", "吴芳", "赵磊", "欧阳晓燕")
UNITS = ("勐龙镇人民政府", "嘎洒镇", "规划发展科", "政策法规科", "景洪市农业农村局", "允景洪街道办事处")


def _text(rnd: random.Random, pool: tuple[str, ...], lo: int, hi: int) -> str:
    target = rnd.randint(lo, hi)
    out = ""
    while len(out) < target:
        out += rnd.choice(pool) + rnd.choice("，；。")
    return out[:target - 1] + "。"


def make_rows(n: int, seed: int = 2026) -> list[Any]:
    """``n`` plain IssueRows like a real county's ledger."""
    from desktop_app.ledger.types import IssueRow

    rnd = random.Random(seed)
    colours = (("red", "逾期"), ("yellow", "临期"), ("green", "正常"), ("green", "正常"), ("grey", "已销号/作废"))
    rows = []
    for i in range(n):
        colour, colour_label = rnd.choice(colours)
        deadline = dt.date(2026, 1, 1) + dt.timedelta(days=rnd.randint(0, 364))
        rows.append(IssueRow(
            id=f"id{i}", serial=f"2026-{i + 1:04d}", year=2026, source="visit", source_label="调研发现",
            category=rnd.choice(("基层党建", "产业发展", "乡村治理", "民生保障", "生态环保")),
            description=_text(rnd, PHRASES, 80, 200), measures=_text(rnd, MEASURES, 30, 90),
            kind="dated", kind_label="限期整改", lead_leader="刘洋", responsible_unit=rnd.choice(UNITS), co_units="",
            responsible_person=NAMES[i % len(NAMES)], assigned_date=dt.date(2026, 1, 1), deadline=deadline,
            original_deadline=deadline, status="in_progress", status_label="推进中",
            progress_percent=rnd.choice((0, 20, 50, 80)), latest_progress=_text(rnd, MEASURES, 10, 40),
            closure_state="", closed_at=None, colour=colour, colour_label=colour_label, office_code="532801"))
    return rows


def product(rows: list[Any], out: Path, fontset: Any, layout: str = "full") -> int:
    """The product path: rows → 问题清单 PDF (完整版 unless ``layout`` says compact); returns pages."""
    from desktop_app.reports.ledger import issue_report
    from desktop_app.reports.table_report import render_table_report

    report = issue_report(rows, office="景洪市乡村振兴局", year=2026, today=dt.date(2026, 11, 22), layout=layout)
    return render_table_report(report, out, fontset).pages


def floor_cells(rows: list[Any], fontset: Any) -> tuple[list[str], list[list[str]], list[float]]:
    """The same cells as the product prints, wrapped the same way (not timed)."""
    from desktop_app.reports.layout import LANDSCAPE, TableLook, fit_columns
    from desktop_app.reports.ledger import ISSUE_COLUMNS, issue_report
    from desktop_app.reports.wrap import wrap_text

    look = TableLook()
    widths = fit_columns(ISSUE_COLUMNS, LANDSCAPE.frame_width)
    report = issue_report(rows, office="景洪市乡村振兴局", year=2026)
    cells = [["\n".join(wrap_text(v, w - 2 * look.pad_h, fontset, fontset.body, look.font_size))
              for v, w in zip(row, widths, strict=True)] for row in report.rows]
    header = [c.title for c in ISSUE_COLUMNS]
    return header, cells, widths


def floor(header: list[str], cells: list[list[str]], widths: list[float], out: Path, fontset: Any) -> int:
    """A bare reportlab table of the same cells: chunks of 100 rows, header repeated."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from desktop_app.reports.layout import LANDSCAPE, TableLook

    look = TableLook()
    style = TableStyle([
        ("FONT", (0, 0), (-1, 0), fontset.heading, look.header_size, look.header_leading),
        ("FONT", (0, 1), (-1, -1), fontset.body, look.font_size, look.leading),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), look.grid, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), look.header_fill),
    ])
    story = []
    for start in range(0, len(cells), 100):
        t = Table([header, *cells[start:start + 100]], colWidths=widths, repeatRows=1)
        t.setStyle(style)
        story.append(t)
    doc = SimpleDocTemplate(str(out), pagesize=landscape(A4), leftMargin=LANDSCAPE.left, rightMargin=LANDSCAPE.right,
                            topMargin=LANDSCAPE.top, bottomMargin=LANDSCAPE.bottom, initialFontName=fontset.body)
    doc.build(story)
    return doc.page


def _timed(fn: Any, *args: Any) -> tuple[float, float, Any]:
    """(wall s, CPU s, result): CPU time shows the cost when other processes share the machine."""
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    result = fn(*args)
    return time.perf_counter() - t, time.process_time() - c, result


def run(scale: float, workdir: Path) -> dict[str, float | None]:
    """Measure the group at ``scale`` (1.0 = 1k and 10k rows).

    Floor and product alternate twice on the same cells and the faster run of each counts, so a
    burst of load from another process does not land on one side only.
    """
    from bench.common import pair
    from desktop_app.reports.fonts import build_fontset

    workdir.mkdir(parents=True, exist_ok=True)
    fontset = build_fontset()  # font registration is once per process: not part of either figure
    n1k, n10k = max(10, int(1000 * scale)), max(20, int(10000 * scale))
    rows_1k, rows_10k = make_rows(n1k, seed=1), make_rows(n10k, seed=2)
    product(rows_1k[:50], workdir / "warm.pdf", fontset)  # warm caches (widths, imports) for both sides
    header, cells, widths = floor_cells(rows_10k, fontset)
    floors, products, compacts = [], [], []
    for _ in range(2):
        floors.append(_timed(floor, header, cells, widths, workdir / "floor_10k.pdf", fontset))
        products.append(_timed(product, rows_10k, workdir / "ledger_10k.pdf", fontset))
        compacts.append(_timed(product, rows_10k, workdir / "ledger_compact_10k.pdf", fontset, "compact"))
    t_floor = min(f[0] for f in floors)
    t10k = min(p[0] for p in products)
    t_compact = min(p[0] for p in compacts)
    ones = [_timed(product, rows_1k, workdir / "ledger_1k.pdf", fontset) for _ in range(3)]
    return {
        **pair("pdf_ledger_10k_s", t10k, "reportlab_table_10k_s", t_floor),
        "pdf_ledger_1k_s": round(sorted(o[0] for o in ones)[1], 3),
        "pdf_ledger_1k_cpu_s": round(sorted(o[1] for o in ones)[1], 3),
        "pdf_ledger_10k_cpu_s": round(min(p[1] for p in products), 3),
        "reportlab_table_10k_cpu_s": round(min(f[1] for f in floors), 3),
        "pdf_ledger_10k_pages": float(products[0][2]),
        # the 紧凑版 (the default print): judged against the 完整版 above (issue 16: within 1.2x)
        "pdf_ledger_compact_10k_s": round(t_compact, 3),
        "pdf_ledger_compact_10k_cpu_s": round(min(p[1] for p in compacts), 3),
        "pdf_ledger_compact_10k_vs_full": round(t_compact / t10k, 2) if t10k else None,
        "pdf_ledger_compact_10k_pages": float(compacts[0][2]),
    }


if __name__ == "__main__":
    import json
    import tempfile

    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(run(scale, Path(tmp)), indent=1))
