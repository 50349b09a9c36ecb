"""调研课题一览表 — the year's topics with their stage and outcomes (A4 landscape)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from desktop_app.reports.layout import Column
from desktop_app.reports.scores import score_text
from desktop_app.reports.table_report import TableReport

TOPIC_COLUMNS = [
    Column("序号", 10, "CENTER"),
    Column("课题名称", 44),
    Column("类别", 10, "CENTER"),
    Column("牵头科室", 20),
    Column("领题领导", 16, "CENTER"),
    Column("课题组成员", 28),
    Column("调研方式", 24),
    Column("报告时限", 20, "CENTER"),
    Column("阶段", 12, "CENTER"),
    Column("调研成果", 50),
    Column("综合得分", 14, "CENTER"),
]

STAGES = ("立项", "调研中", "成稿", "结题")


def stage_text(status: str) -> str:
    """The stage with the road travelled: ●立项 ●调研中 ○成稿 ○结题 reads in black and white."""
    if status not in STAGES:
        return status
    k = STAGES.index(status)
    return f"{status}\n" + "".join("●" if i <= k else "○" for i in range(len(STAGES)))


def topics_report(rows: Iterable[Any], outcomes: Sequence[Any] = (), office: str = "", year: int | None = None,
                  today: dt.date | None = None, whose: str = "") -> TableReport:
    """调研课题一览表 from TopicInfo-like rows and OutcomeInfo-like outcomes (matched by topic id).

    ``office`` is the 填报单位; ``whose`` (default ``office``) names the list in the title (全市或全州各单位).
    """
    by_topic: dict[str, list[str]] = {}
    for o in outcomes:
        doc = f"（{o.doc_no}）" if o.doc_no else ""
        by_topic.setdefault(o.topic_id or "", []).append(f"【{o.kind.removesuffix('成果')}】{o.title}{doc}")
    cells = []
    for n, t in enumerate(rows, start=1):
        cells.append([str(n), t.title, t.kind, t.section_name, t.lead_name, "、".join(t.member_names),
                      "、".join(t.methods), t.report_due.isoformat() if t.report_due else "", stage_text(t.status),
                      "\n".join(by_topic.get(t.id, [])), score_text(t.composite) if t.composite is not None else ""])
    whose = whose or office
    title = f"{whose}{year or ''}{'年' if year else ''}调研课题一览表" if whose else "调研课题一览表"
    note = "阶段：●已完成 ○未完成（立项→调研中→成稿→结题）。成果：【实践】【制度】【理论】。"
    return TableReport(title, TOPIC_COLUMNS, cells or [["", "暂无课题"] + [""] * 9], office=office, date=today,
                       note=note)


def fetch_topics_report(db: Any, job: Any) -> TableReport:
    """The topics of ``job.year`` (default: the current campaign year) with their outcomes."""
    from desktop_app.reports.visits import reporter, scope_title
    from desktop_app.services import scope
    from desktop_app.services.organisation import current_year
    from desktop_app.work.common import office_names
    from desktop_app.work.topics import outcome_infos, topic_infos

    office = getattr(job, "office", "") or ""  # the scope: this office, one county, or all (prefecture)
    year = job.year or current_year(db)
    rows = topic_infos(db, year, office=office)
    if office == scope.ALL:
        # several offices in one list: each lead section is printed with its office (勐海县·综合科)
        names = office_names(db)
        rows = [replace(t, section_name=f"{names.get(t.office_code, t.office_code)}·{t.section_name}") for t in rows]
    return topics_report(rows, outcome_infos(db, year=year, office=office), reporter(db, office), year,
                         job.today, whose=scope_title(db, office))
