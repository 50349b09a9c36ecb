"""The Word documents FieldDesk writes: 督办通知单, 成绩公示, 年度汇总 and the 问题清单 as a document.

Each ``*_document`` takes the same plain data the PDF printouts take (``desktop_app.reports``) and lays it
out through :class:`~desktop_app.documents.official.OfficialDocument`; :func:`write_document` fetches the
data from the services and saves the .docx. A new kind is a function here and a line in :data:`KINDS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.errors import ValidationError
from desktop_app.documents.campaign_kinds import CAMPAIGN_KIND_LABELS, CAMPAIGN_KINDS, resolve_alias
from desktop_app.documents.official import SIZE_5, DocFonts, OfficialDocument, chinese_date

KIND_LABELS: dict[str, str] = {
    "notice": "督办通知单",
    "scores": "成绩公示",
    "summary": "年度汇总",
    "ledger": "问题清单",
    **CAMPAIGN_KIND_LABELS,
}


@dataclass
class DocumentResult:
    """A written document: the file, what it is, its title and how many table rows it holds."""

    path: Path
    kind: str
    title: str
    rows: int


def notice_document(data: Any, fonts: DocFonts | None = None) -> tuple[OfficialDocument, str, int]:
    """督办通知单 from NoticeData (reports.notice): 主送 the responsible unit, the item, its history, 落款."""
    doc = OfficialDocument(fonts)
    title = "问题整改督办通知单" if data.urge_label == "督办" else f"问题整改{data.urge_label}通知单"
    doc.title(title)
    doc.addressee(data.unit)
    doc.paragraph(f"经核查，你单位负责整改的下列问题尚未按期完成整改（或临近完成时限），现予以{data.urge_label}。"
                  f"请高度重视，逐项落实整改措施，并于收到本通知单后{data.reply_by}将整改进展书面报送"
                  f"{data.office or '督办单位'}。")
    fields = [(a, b) for a, b in data.fields if b]
    doc.table(["项目", "内容"], fields, [30, 126], header=False)
    doc.heading("办理记录", 1)
    history = [list(h) for h in data.history] or [["", "", "暂无办理记录", ""]]
    doc.table(["日期", "事项", "内容", "经办人"], history, [26, 20, 86, 24], size=SIZE_5)
    doc.signature(data.office, data.date)
    return doc, title, len(fields) + len(history)


def scores_document(report: Any, fonts: DocFonts | None = None, days: int = 5) -> tuple[OfficialDocument, str, int]:
    """成绩公示 from the scores TableReport: the 公示 text, the list, where to object, 落款."""
    doc = OfficialDocument(fonts)
    doc.title(report.title)
    subject = report.title.removesuffix("成绩公示").removeprefix(report.office or "\0") or report.title
    doc.paragraph(f"现将{subject}成绩予以公示。公示期为{days}个工作日，自公示之日起计算。"
                  f"如有异议，请在公示期内向{report.office or '组织单位'}反映。")
    if report.note:
        doc.paragraph(report.note)
    cols = [c.title for c in report.columns]
    doc.table(cols, report.rows, [c.width_mm for c in report.columns])
    doc.signature(report.office, report.date)
    return doc, report.title, len(report.rows)


def summary_document(data: Any, fonts: DocFonts | None = None) -> tuple[OfficialDocument, str, int]:
    """年度汇总 from SummaryData (reports.summary): three sections, each a paragraph and its figures as a table."""
    doc = OfficialDocument(fonts)
    title = f"{data.office}{data.year}年大调研工作汇总"
    doc.title(title)
    when = chinese_date(data.date or dt.date.today())
    doc.paragraph(f"{data.compiler + '汇总，' if data.compiler else ''}数据截至{when}。")
    who = "单位" if data.by_office else "责任单位"
    rows = 0
    sections = (
        ("一、问题整改销号情况", data.ledger_line, data.unit_rates, [who, "销号情况"]),
        ("二、基层调研天数", data.days_line, data.days, ["单位" if data.by_office else "人员", "完成天数"]),
        ("三、业务知识测试成绩", data.quiz_line, data.quiz, ["单位" if data.by_office else "科室", "平均成绩"]),
    )
    for heading, line, bars, cols in sections:
        doc.heading(heading, 1)
        if line:
            doc.paragraph(line)
        if bars:
            table_rows = [[b.label, b.text or f"{b.value:g}"] for b in bars]
            doc.table(["序号", *cols], [[str(k), *r] for k, r in enumerate(table_rows, start=1)], [14, 70, 72])
            rows += len(table_rows)
        else:
            doc.paragraph("暂无数据。")
    for note in data.notes:
        doc.paragraph(note)
    doc.signature(data.compiler or data.office, data.date)
    return doc, title, rows


def ledger_document(report: Any, fonts: DocFonts | None = None) -> tuple[OfficialDocument, str, int]:
    """问题清单 (the 紧凑版's columns) as a document table, for a report to edit in WPS."""
    doc = OfficialDocument(fonts)
    doc.title(report.title)
    if report.note:
        doc.paragraph(report.note, indent=False)
    cols = [c.title.replace("\n", "") for c in report.columns]
    doc.table(cols, report.rows, [c.width_mm for c in report.columns], size=SIZE_5)
    doc.signature(report.office, report.date)
    return doc, report.title, len(report.rows)


def _fetch(db: Any, kind: str, job: Any) -> Any:
    if kind == "notice":
        from desktop_app.reports.notice import fetch_notice

        if not job.item:
            raise ValidationError("督办通知单需要指定问题", "请用 --id 填写问题编号（如 2026-001）")
        return fetch_notice(db, job.item, job.today)
    if kind == "scores":
        from desktop_app.reports.scores import fetch_scores_report

        return fetch_scores_report(db, job)
    if kind == "summary":
        from desktop_app.reports.summary import fetch_summary_report

        return fetch_summary_report(db, job)
    if kind == "ledger":
        from desktop_app.reports.ledger import fetch_issue_report

        return fetch_issue_report(db, job.year, job.filter, job.note, job.today, sort=job.sort, office=job.office,
                                  layout="compact")
    raise ValidationError(f"未知的文档类型：{kind}", "可选：" + "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items()))


KINDS: dict[str, Callable[..., tuple[OfficialDocument, str, int]]] = {
    "notice": notice_document,
    "scores": scores_document,
    "summary": summary_document,
    "ledger": ledger_document,
}


def write_document(db: Any, kind: str, out: Path, item: str | None = None, year: int | None = None,
                   office: str = "", today: dt.date | None = None, fonts: DocFonts | None = None,
                   period: str | None = None) -> DocumentResult:
    """Fetch the data of ``kind`` and write its .docx to ``out`` (refused before anything is written).

    ``period`` is the campaign documents' (2026-11, 2026-Q4, 2026-H2, 2026 for ``year-summary``)."""
    from desktop_app.reports.jobs import PrintJob

    today = today or dt.date.today()
    kind, year = resolve_alias(kind, period, year, today)
    job = PrintJob(kind, year=year, item=item, today=today, office=office, period=period or "")
    return write_job(db, job, out, fonts)


def write_job(db: Any, job: Any, out: Path, fonts: DocFonts | None = None) -> DocumentResult:
    """The Word document of a print job (``reports.jobs.PrintJob``: kind, year, item, filter, sort, office), as
    the print preview shows it."""
    kind = job.kind
    if out.suffix.lower() != ".docx":
        raise ValidationError(f"输出文件应为 .docx：{out}", "请换用以 .docx 结尾的文件名")
    if kind not in KINDS and kind not in CAMPAIGN_KINDS:
        raise ValidationError(f"未知的文档类型：{kind}", "可选：" + "、".join(KIND_LABELS))
    if job.today is None:
        job.today = dt.date.today()
    if kind in CAMPAIGN_KINDS:
        from desktop_app.documents.campaign_kinds import fetch_campaign_document

        body = fetch_campaign_document(db, job)
        doc, title, rows = body.to_docx(fonts), body.title, body.rows
    else:
        data = _fetch(db, kind, job)
        doc, title, rows = KINDS[kind](data, fonts)
    tmp = out.with_name(out.name + ".part")
    try:
        doc.save(tmp)
        tmp.replace(out)  # a half-written file never takes the name of a document
    finally:
        tmp.unlink(missing_ok=True)
    return DocumentResult(out, kind, title, rows)
