"""One entry point for every printout, used by ``fielddesk print`` and by the print preview.

A :class:`PrintJob` says what to print; :func:`render` fetches the rows from the services,
checks glyphs, and writes the PDF (and, for the preview, the drawn pages).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.errors import ValidationError
from desktop_app.reports.fonts import FontSet, build_fontset
from desktop_app.reports.layout import ProgressFn, Rendered

KIND_LABELS: dict[str, str] = {
    "ledger": "问题清单",
    "responsibility": "责任清单",
    "supervision": "督办清单",
    "notice": "督办通知单",
    "scores": "成绩公示表",
    "paper": "试卷及答案",
    "visits": "调研安排表",
    "topics": "调研课题一览表",
    "crowding": "扎堆调研清单",
    "summary": "年度工作汇总",
    "meetings": "会议研讨记录表",
    "outcomes": "调研成果转化运用清单",
    "plans": "计划清单",
    # the campaign documents (desktop_app.documents.campaign_kinds), printed as they are written to Word
    "monthly-report": "月度工作报告",
    "quarter-bulletin": "季度督查通报",
    "half-year-review": "半年复盘报告",
    "award-notice": "评比表彰通报",
    "topic-report": "调研报告（初稿）",
}

#: the kinds fetched by name (module:function taking (db, job)); the PyInstaller spec reads this registry
FETCHERS: dict[str, str] = {
    "scores": "desktop_app.reports.scores:fetch_scores_report",
    "paper": "desktop_app.reports.paper:fetch_paper_report",
    "visits": "desktop_app.reports.visits:fetch_visits_report",
    "topics": "desktop_app.reports.topics:fetch_topics_report",
    "crowding": "desktop_app.reports.crowding:fetch_crowding_report",
    "summary": "desktop_app.reports.summary:fetch_summary_report",
    "meetings": "desktop_app.reports.meetings:fetch_meetings_report",
    "outcomes": "desktop_app.reports.outcomes:fetch_outcomes_report",
    "plans": "desktop_app.reports.plans:fetch_plans_report",
    **{kind: "desktop_app.documents.campaign_kinds:fetch_campaign_document"
       for kind in ("monthly-report", "quarter-bulletin", "half-year-review", "award-notice", "topic-report")},
}


@dataclass
class PrintJob:
    """What to print: a kind of KIND_LABELS, the year, the item (notice) or exam (scores/paper), a filter."""

    kind: str
    year: int | None = None
    item: str | None = None
    today: dt.date | None = None
    #: an IssueFilter for the ledger views (as filtered on screen); None = the whole year
    filter: Any = None
    note: str = ""
    #: the 问题清单's order as on screen: (sort key of the ledger query, descending)
    sort: tuple[str, bool] = ("serial", False)
    #: whose rows (``desktop_app.org.scope``): "" this office, a county's code, or scope.ALL;
    #: a filter's own ``office`` wins for the ledger views
    office: str = ""
    #: 纸张 of a list (``layout.PAPERS``: A4 or A3; documents such as the notice stay A4)
    paper: str = "A4"
    #: 版式 of the ledger views: ``compact`` (紧凑版, the default) or ``full`` (完整版)
    layout: str = "compact"
    #: the signed-in person, printed on the 填表人 line of lists ('' leaves it blank to write by hand)
    prepared_by: str = ""
    #: the campaign documents' period (``documents.periods``: 2026-11, 2026-Q4, 2026-H2); '' the current one
    period: str = ""


#: the lists whose 紧凑版 differs from the 完整版
LEDGER_KINDS = ("ledger", "responsibility", "supervision")


def _report(db: Any, job: PrintJob) -> tuple[str, Any]:
    """("table"|"notice"|"custom", data) for the job."""
    if job.kind == "ledger":
        from desktop_app.reports.ledger import fetch_issue_report

        return "table", fetch_issue_report(db, job.year, job.filter, job.note, job.today, sort=job.sort,
                                           office=job.office, layout=job.layout)
    if job.kind == "responsibility":
        from desktop_app.reports.ledger import fetch_responsibility_report

        return "table", fetch_responsibility_report(db, job.year, job.filter, job.note, job.today, office=job.office)
    if job.kind == "supervision":
        from desktop_app.reports.ledger import fetch_supervision_report

        return "table", fetch_supervision_report(db, job.year, job.filter, job.note, job.today, office=job.office,
                                                 layout=job.layout)
    if job.kind == "notice":
        from desktop_app.reports.notice import fetch_notice

        if not job.item:
            raise ValidationError("打印督办通知单需要指定问题", "请先在问题清单中选中一条问题")
        return "notice", fetch_notice(db, job.item, job.today)
    target = FETCHERS.get(job.kind)
    if target is None:
        raise ValidationError(f"未知的打印类型：{job.kind}", "可选：" + "、".join(KIND_LABELS))
    import importlib

    module, func = target.split(":")
    # every fetcher ships: an ImportError is a damaged install and propagates as one
    fetch = getattr(importlib.import_module(module), func)
    return "table", fetch(db, job)


def render(db: Any, job: PrintJob, out: Path | Any, fontset: FontSet | None = None, record: bool = False,
           progress: ProgressFn | None = None) -> Rendered:
    """Write the job's PDF to ``out`` (a path or a binary file).

    A character no font of the computer has prints as 〓; ``Rendered.warnings`` then names it and its items.
    """
    from desktop_app.reports.layout import check_paper

    check_paper(job.paper, job.layout)
    fontset = fontset or build_fontset(db=db)
    shape, data = _report(db, job)
    warnings = fontset.audit(data.items() if hasattr(data, "items") else
                             [(KIND_LABELS.get(job.kind, job.kind), data.texts())])
    result: Rendered
    if shape == "notice":
        from desktop_app.reports.notice import render_notice

        result = render_notice(data, out, fontset, record=record, progress=progress)
    else:
        from desktop_app.reports.table_report import TableReport, render_table_report

        if isinstance(data, TableReport):
            data.paper = job.paper
            if job.prepared_by:
                data.signature_values = [job.prepared_by if label == "填表人" else "" for label in data.signatures]
            if job.kind in LEDGER_KINDS:
                data.compact = job.layout == "compact"
            result = render_table_report(data, out, fontset, record=record, progress=progress)
        else:
            # documents other than lists (paper, summary) know how to render themselves
            result = data.render(out, fontset, record=record, progress=progress)
    result.warnings = warnings
    return result
