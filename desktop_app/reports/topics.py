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
    Column("课题组成员", 24),
    Column("调研方式", 22),
    Column("报告时限", 20, "CENTER"),
    Column("阶段", 12, "CENTER"),
    Column("报审·审阅意见", 40),
    Column("调研成果", 44),
    Column("综合得分", 14, "CENTER"),
]

STAGES = ("立项", "调研中", "成稿", "结题")


def stage_text(status: str) -> str:
    """The stage with the road travelled: ●立项 ●调研中 ○成稿 ○结题 reads in black and white."""
    if status not in STAGES:
        return status
    k = STAGES.index(status)
    return f"{status}\n" + "".join("●" if i <= k else "○" for i in range(len(STAGES)))


def review_text(t: Any) -> str:
    """The 报分管领导审阅 cell: the state, when it was reported, and the 审阅意见 with who gave it and when."""
    from desktop_app.work.topic_review import TOPIC_REVIEW_STATES

    state = getattr(t, "review_state", "") or ""
    label = TOPIC_REVIEW_STATES.get(state, state)
    submitted: dt.date | None = getattr(t, "review_submitted_on", None)
    if state == "submitted":
        return f"{label}\n{submitted.isoformat()}报审" if submitted else label
    if state in ("reviewed", "returned"):
        on: dt.date | None = getattr(t, "reviewed_on", None)
        who = "　".join(x for x in (getattr(t, "reviewer", "") or "", on.isoformat() if on else "") if x)
        opinion = (getattr(t, "review_opinion", "") or "").strip()
        return "\n".join(x for x in (f"{label}（{who}）" if who else label, f"意见：{opinion}" if opinion else "") if x)
    return label


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
                      review_text(t),
                      "\n".join(by_topic.get(t.id, [])), score_text(t.composite) if t.composite is not None else ""])
    whose = whose or office
    title = f"{whose}{year or ''}{'年' if year else ''}调研课题一览表" if whose else "调研课题一览表"
    note = ("阶段：●已完成 ○未完成（立项→调研中→成稿→结题）。报审·审阅意见：调研报告报分管领导审阅的情况"
            "（未报审、待审阅、已审阅、退回修改）。成果：【实践】【制度】【理论】。")
    empty = [["", "暂无课题"] + [""] * (len(TOPIC_COLUMNS) - 2)]
    return TableReport(title, TOPIC_COLUMNS, cells or empty, office=office, date=today, note=note)


def fetch_topics_report(db: Any, job: Any) -> TableReport:
    """The topics of ``job.year`` (default: the current campaign year) with their outcomes."""
    from desktop_app.org import scope
    from desktop_app.org.lookups import office_names
    from desktop_app.org.organisation import current_year
    from desktop_app.reports.visits import reporter, scope_title
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
