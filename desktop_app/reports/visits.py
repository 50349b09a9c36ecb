"""调研安排表 — the year's visits (A4 landscape), from VisitInfo-like rows.

四不两直 (unannounced) visits carry “★” in their own column so they stand out on a
black-and-white copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from desktop_app.reports.layout import Column
from desktop_app.reports.table_report import TableReport

VISIT_COLUMNS = [
    Column("序号", 10, "CENTER"),
    Column("调研时间", 24, "CENTER"),
    Column("天数", 10, "CENTER"),
    Column("调研地点", 30),
    Column("调研方式", 16, "CENTER"),
    Column("四不两直", 12, "CENTER"),
    Column("带队领导", 16, "CENTER"),
    Column("参加人员", 26),
    Column("牵头科室", 18),
    Column("关联课题", 30),
    Column("调研目的", 30),
    Column("发现问题", 30),
]


def span_text(start: dt.date, end: dt.date) -> str:
    """2026-03-02 or 2026-03-02至03-04."""
    if start == end:
        return start.isoformat()
    tail = end.strftime("%m-%d") if end.year == start.year else end.isoformat()
    return f"{start.isoformat()}至{tail}"


def visits_report(rows: Iterable[Any], office: str = "", year: int | None = None,
                  today: dt.date | None = None, office_names: dict[str, str] | None = None,
                  whose: str = "") -> TableReport:
    """调研安排表 from VisitInfo-like rows, in the order given.

    ``office`` is the 填报单位; ``whose`` (default ``office``) names the list in the title (全市或全州各单位).
    ``office_names`` ({code: name}) is given for a list of several offices: each section is then
    printed with its office (勐海县·综合科).
    """
    cells = []
    total_days = 0
    for n, v in enumerate(rows, start=1):
        total_days += v.days
        place = v.place + (f"（{v.township}）" if v.township and v.township not in v.place else "")
        section = v.section_name
        if office_names is not None:
            code = getattr(v, "office_code", "")
            section = f"{office_names.get(code, code)}·{section}" if section else office_names.get(code, code)
        cells.append([str(n), span_text(v.start_date, v.end_date), str(v.days), place, v.method,
                      "★" if v.unannounced else "", v.lead_name, "、".join(v.participant_names), section,
                      v.topic_title, v.purpose, v.findings])
    whose = whose or office
    title = f"{whose}{year or ''}{'年' if year else ''}调研安排表" if whose else "调研安排表"
    note = f"共 {len(cells)} 次调研，合计 {total_days} 天。★为“四不两直”调研。"
    return TableReport(title, VISIT_COLUMNS, cells or [["", "", "", "暂无调研安排"] + [""] * 8], office=office,
                       date=today, note=note)


def fetch_visits_report(db: Any, job: Any) -> TableReport:
    """The visits of ``job.year`` (default: the current campaign year) from the work service.

    ``job.office`` is the scope (``org.scope``): a prefecture prints one county's list, titled
    with the county's name, or every office's.
    """
    from desktop_app.org import scope
    from desktop_app.org.lookups import office_names
    from desktop_app.org.organisation import current_year
    from desktop_app.work.visits import visit_infos

    office = getattr(job, "office", "") or ""
    year = job.year or current_year(db)
    names = office_names(db) if office == scope.ALL else None
    return visits_report(visit_infos(db, year, office=office), reporter(db, office), year, job.today, names,
                         whose=scope_title(db, office))


def reporter(db: Any, office: str) -> str:
    """The 填报单位: one county's list is that county's; every office's list is reported by this office."""
    from desktop_app.org import scope
    from desktop_app.reports.ledger import office_name

    return office_name(db) if office == scope.ALL else scope_title(db, office)


def scope_title(db: Any, office: str) -> str:
    """The office named in a list's title: this office's name, a county's, or 全市/全州各单位 (scope.scope_label)."""
    from desktop_app.reports.ledger import office_name

    if not office:
        return office_name(db)
    from desktop_app.org import scope

    return scope.scope_label(db, office)
