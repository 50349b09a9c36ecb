"""调研成果转化运用清单 — the year's outcomes with their source and where they were published (A4 landscape)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from desktop_app.reports.layout import Column
from desktop_app.reports.table_report import TableReport

OUTCOME_COLUMNS = [
    Column("序号", 10, "CENTER"),
    Column("科室", 20),
    Column("成果类型", 16, "CENTER"),
    Column("成果名称", 52),
    Column("文号", 28),
    Column("日期", 20, "CENTER"),
    Column("采纳单位", 26),
    Column("来源", 40),
    Column("刊发载体", 24),
    Column("刊发日期", 20, "CENTER"),
]


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def outcomes_report(rows: Iterable[Any], office: str = "", year: int | None = None, today: dt.date | None = None,
                    whose: str = "") -> TableReport:
    """The list from ``OutcomeRow``-like rows; the note counts each kind and the published ones."""
    rows = list(rows)
    cells = [[str(n), r.section_name, r.kind, r.title, r.doc_no, _d(r.date), r.adopted_by, r.source_text,
              r.published_in, _d(r.published_on)] for n, r in enumerate(rows, 1)]
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    published = sum(1 for r in rows if r.published_in)
    note = (f"共{len(rows)}项：" + "、".join(f"{k}{n}项" for k, n in kinds.items())
            + f"；向刊物或网站推介刊发{published}项。") if rows else ""
    whose = whose or office
    title = f"{whose}{year or ''}{'年' if year else ''}调研成果转化运用清单"
    return TableReport(title, OUTCOME_COLUMNS, cells or [["", "", "", "暂无成果"] + [""] * 6], office=office,
                       date=today, note=note)


def fetch_outcomes_report(db: Any, job: Any) -> TableReport:
    """The outcomes of ``job.year`` (default: the campaign year) through ``job.filter`` (an OutcomeFilter) if given."""
    from dataclasses import replace

    from desktop_app.campaign.outcomes import OutcomeFilter, list_outcomes
    from desktop_app.org.organisation import current_year
    from desktop_app.reports.visits import reporter, scope_title

    office = getattr(job, "office", "") or ""
    f = job.filter if isinstance(job.filter, OutcomeFilter) else OutcomeFilter()
    year = f.year or job.year or current_year(db)
    rows = list_outcomes(db, replace(f, year=year), office=office)
    return outcomes_report(rows, reporter(db, office), year, job.today, whose=scope_title(db, office))
