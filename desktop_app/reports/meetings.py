"""会议研讨记录表 — the year's 大讨论 meetings (A4 landscape), with attendance and what came of each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from desktop_app.reports.layout import Column
from desktop_app.reports.table_report import TableReport
from desktop_app.reports.visits import reporter, scope_title

MEETING_COLUMNS = [
    Column("序号", 10, "CENTER"),
    Column("日期", 22, "CENTER"),
    Column("会议类型", 20, "CENTER"),
    Column("主题", 44),
    Column("科室", 18, "CENTER"),
    Column("主持人", 14, "CENTER"),
    Column("主讲人", 20),
    Column("实到/应到", 14, "CENTER"),
    Column("缺席人员及原因", 30),
    Column("转为问题/课题", 22, "CENTER"),
]


def meetings_report(rows: Iterable[Any], office: str = "", year: int | None = None, today: dt.date | None = None,
                    office_names: dict[str, str] | None = None, whose: str = "") -> TableReport:
    """会议研讨记录表 from MeetingInfo-like rows, in the order given.

    ``office`` is the 填报单位; ``whose`` (default ``office``) names the list; with ``office_names``
    (a list of several offices) each section is printed with its office (勐海县·综合科).
    """
    cells = []
    kinds: dict[str, int] = {}
    for n, m in enumerate(rows, start=1):
        kinds[m.kind] = kinds.get(m.kind, 0) + 1
        section = m.section_name
        if office_names is not None:
            section = f"{office_names.get(m.office_code, m.office_code)}·{section}"
        cells.append([str(n), m.date.isoformat(), m.kind, m.theme, section, m.host_name, m.speakers, m.attendance,
                      m.absent_text, m.linked_text])
    whose = whose or office
    title = f"{whose}{year or ''}{'年' if year else ''}会议研讨记录表" if whose else "会议研讨记录表"
    by_kind = "，".join(f"{k} {n} 次" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    note = f"共 {len(cells)} 次会议" + (f"：{by_kind}。" if by_kind else "。")
    return TableReport(title, MEETING_COLUMNS, cells or [["", "", "", "暂无会议研讨记录"] + [""] * 6], office=office,
                       date=today, note=note)


def fetch_meetings_report(db: Any, job: Any) -> TableReport:
    """The meetings of ``job.year`` (default: the current campaign year); ``job.office`` is the scope."""
    from desktop_app.campaign.meetings import meeting_infos
    from desktop_app.org import scope
    from desktop_app.org.lookups import office_names
    from desktop_app.org.organisation import current_year

    office = getattr(job, "office", "") or ""
    year = job.year or current_year(db)
    names = office_names(db) if office == scope.ALL else None
    return meetings_report(meeting_infos(db, year, office=office), reporter(db, office), year, job.today, names,
                           whose=scope_title(db, office))
