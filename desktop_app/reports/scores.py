"""业务知识测试成绩公示表 — the quiz score list as posted (A4 portrait).

``scores_report`` takes ScoreRow-like rows (seq, name, section, score, rank, result, note);
``fetch_scores_report`` gets them from the quiz service for one exam (``--id``) or the year's
latest exam.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from desktop_app.core.errors import NotFoundError
from desktop_app.reports.layout import Column, TableLook
from desktop_app.reports.table_report import TableReport

SCORE_COLUMNS = [
    Column("序号", 12, "CENTER"),
    Column("姓名", 26, "CENTER"),
    Column("科室", 40),
    Column("成绩", 20, "CENTER"),
    Column("名次", 16, "CENTER"),
    Column("结果", 20, "CENTER"),
    Column("备注", 36),
]


def score_text(score: float | None) -> str:
    """A score without a needless “.0”."""
    if score is None:
        return "—"
    return f"{score:g}" if float(score).is_integer() else f"{score:.1f}"


def scores_report(rows: Iterable[Any], title: str, office: str = "", pass_mark: float | None = None,
                  today: dt.date | None = None) -> TableReport:
    """成绩公示表 from ScoreRow-like rows, in the order given (ranked first)."""
    cells = [[str(r.seq), r.name, r.section, score_text(r.score), str(r.rank) if r.rank else "—",
              # 不合格 and 缺考 carry a mark so they stand out on a black-and-white copy
              (f"▲{r.result}" if r.result in ("不合格", "缺考") else r.result), r.note] for r in rows]
    note = f"合格分数线：{score_text(pass_mark)}分。▲为不合格或缺考。" if pass_mark is not None else ""
    return TableReport(f"{office}{title}成绩公示" if office else f"{title}成绩公示", SCORE_COLUMNS,
                       cells or [["", "", "暂无成绩", "", "", "", ""]], office=office, date=today, note=note,
                       landscape=False, signatures=("填表人", "审核人"), look=TableLook(font_size=10.5))


def fetch_scores_report(db: Any, job: Any) -> TableReport:
    """The 公示 list of exam ``job.item`` (or the latest exam of ``job.year``)."""
    from desktop_app.quiz import exams, results
    from desktop_app.reports.visits import scope_title

    # the scope (org.scope): a prefecture prints a county's exam, titled with the county's name
    office = getattr(job, "office", "") or ""
    exam = _exam(db, job.item, job.year, exams, office)
    if office and exam.office_code:
        office = exam.office_code if exam.office_code != db.office_code else ""  # ALL: the exam's own office
    return scores_report(results.score_list(db, exam.id, office=office or ""), exam.title, scope_title(db, office),
                         exam.pass_mark, job.today)


def _exam(db: Any, exam_id: str | None, year: int | None, exams: Any, office: str = "") -> Any:
    if exam_id:
        return exams.get_exam(db, exam_id, office=office)
    listed = exams.list_exams(db, year, office=office)
    if not listed:
        raise NotFoundError(f"{year or ''}{'年' if year else ''}还没有考试", "请先在“业务测试”中创建考试，或用 --id 指定考试")
    return max(listed, key=lambda e: (e.year, e.quarter, e.date or dt.date.min))
