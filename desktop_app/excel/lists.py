"""Exporting each list of the app (ledger, visits, topics, grassroots days, scores) as a hand-made-looking sheet.

Rows come from each capability's own query functions; the ledger streams
``iter_issue_rows`` in pages so 100,000 items never sit in memory as objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.engine import Database
from desktop_app.core.errors import NotFoundError, ValidationError
from desktop_app.excel.exporter import Column, SheetSpec, write_sheet

EXPORT_KINDS = ("ledger", "visits", "topics", "days", "scores", "roundtrip", "crowding", "meetings", "plans", "outcomes")


@dataclass
class ExportResult:
    """Where an export went and how many data rows it holds."""

    path: Path
    rows: int


LEDGER_COLUMNS = [
    Column("序号", "center", 6), Column("编号", "center", 11), Column("问题类别", "center", 12),
    Column("问题描述", "text", 40), Column("整改措施", "text", 40), Column("整改类型", "center", 10),
    Column("牵头领导", "center", 10), Column("责任单位", "center", 14), Column("配合单位", "center", 14),
    Column("责任人", "center", 9), Column("完成时限", "date", 15), Column("整改状态", "center", 9),
    Column("最新进展", "text", 30), Column("预警", "center", 7),
]


def _office_name(db: Database) -> str:
    from desktop_app.org import organisation

    if not db.office_code:
        return ""  # an export before setup simply has no office line
    return organisation.get_office(db).name


def _year(db: Database, year: int | None) -> int:
    if year:
        return year
    from desktop_app.org import organisation

    return organisation.current_year(db)


def ledger_cells(rows: Iterable[Any], office_names: dict[str, str] | None = None) -> Iterator[tuple[Any, ...]]:
    """The ledger export's cells for plain ``IssueRow``s (LEDGER_COLUMNS order).

    With ``office_names`` (code → name: a list of every office) each row names its office after 编号.
    """
    for n, r in enumerate(rows, start=1):
        deadline: Any = r.deadline
        if deadline is None:
            deadline = r.kind_label if r.kind != "dated" else ""
        if office_names is not None:
            yield (n, r.serial, office_names.get(r.office_code, r.office_code), r.category, r.description,
                   r.measures, r.kind_label, r.lead_leader, r.responsible_unit, r.co_units, r.responsible_person,
                   deadline, r.status_label, r.latest_progress, r.colour_label)
            continue
        yield (n, r.serial, r.category, r.description, r.measures, r.kind_label, r.lead_leader, r.responsible_unit,
               r.co_units, r.responsible_person, deadline, r.status_label, r.latest_progress, r.colour_label)


#: the 单位 column a list of every office (scope.ALL) carries after 编号
OFFICE_COLUMN = Column("单位", "center", 12)


def ledger_spec(office: str, year: int, title: str = "", every_office: bool = False, reporter: str = "") -> SheetSpec:
    """The 问题台账 sheet's frame: ``office`` names the list, ``reporter`` (default ``office``) is the 填报单位;
    ``every_office`` adds the 单位 column."""
    columns = LEDGER_COLUMNS[:2] + [OFFICE_COLUMN] + LEDGER_COLUMNS[2:] if every_office else LEDGER_COLUMNS
    return SheetSpec(title=title or f"{office}{year}年调研发现问题整改台账", columns=columns, office=reporter or office,
                     sheet_name="问题台账")


def export_ledger(db: Database, path: Path, year: int | None = None, f: Any = None, title: str = "",
                  progress: Callable[[int], None] | None = None, office: str = "", paper: str = "A4") -> ExportResult:
    """问题台账 as .xlsx: the items matching filter ``f`` (default: all live items of ``year`` of ``office``).

    Whose items: ``f.office`` (or ``office`` when ``f`` does not say), see ``org.scope``; the title
    names that office (a county, or 全市/全州各单位 with a 单位 column when every office is listed).
    """
    from desktop_app.ledger.query import IssueFilter, count_issues, iter_issue_rows
    from desktop_app.org import scope

    if f is None:
        f = IssueFilter(year=year, office=office)
    elif office and not f.office:
        f = IssueFilter.from_dict({**f.to_dict(), "office": office})
    y = f.year or _year(db, year)
    every = f.office == scope.ALL
    names = {c.code: c.name for c in scope.office_choices(db)} if every else None
    heading = scope.scope_label(db, f.office) if f.office else _office_name(db)
    # one county's list is that county's; every office's list is reported by this office
    spec = ledger_spec(heading, y, title, every_office=every, reporter=_office_name(db) if every else "")
    spec.paper = paper
    # iter_issue_rows pages by key: 100k items stream through without being held
    return ExportResult(path, write_sheet(path, spec, ledger_cells(iter_issue_rows(db, f), names), progress,
                                          row_count=count_issues(db, f)))


def _columns_for(headers: Sequence[str], sample: Sequence[dict[str, Any]]) -> list[Column]:
    cols = [Column("序号", "center", 6)]
    for h in headers:
        values = [r.get(h) for r in sample[:200] if r.get(h) not in (None, "")]
        if values and all(isinstance(v, dt.date) for v in values):
            cols.append(Column(h, "date", 15))
        elif values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            cols.append(Column(h, "number"))
        elif any(isinstance(v, str) and len(v) > 12 for v in values):
            cols.append(Column(h, "text"))
        else:
            cols.append(Column(h, "center"))
    return cols


def export_dicts(path: Path, title: str, office: str, sheet_name: str, headers: Sequence[str],
                 rows: Sequence[dict[str, Any]], progress: Callable[[int], None] | None = None,
                 paper: str = "A4") -> ExportResult:
    """Any list of plain rows keyed by Chinese titles (visits, topics, grassroots days)."""
    spec = SheetSpec(title=title, columns=_columns_for(headers, rows), office=office, sheet_name=sheet_name,
                     paper=paper)
    cells: Iterable[tuple[Any, ...]] = ((n, *(r.get(h) for h in headers)) for n, r in enumerate(rows, 1))
    return ExportResult(path, write_sheet(path, spec, cells, progress, row_count=len(rows)))


def _scope_name(db: Database, office: str) -> str:
    """The office named in a list's title: this office, a county (prefecture), or 全市/全州各单位 (ALL)."""
    if not office:
        return _office_name(db)
    from desktop_app.org import scope

    return scope.scope_label(db, office)


def _reporter(db: Database, office: str, name: str) -> str:
    """The 填报单位: one county's list is that county's; every office's list is reported by this office."""
    from desktop_app.org import scope

    return _office_name(db) if office == scope.ALL else name


def export_visits(db: Database, path: Path, year: int | None = None, office: str = "", **kw: Any) -> ExportResult:
    """调研安排 of a year (``office``: the scope, see ``org.scope``; ALL adds a 单位 column)."""
    from desktop_app.work.visits import list_visits, visit_headers

    y = _year(db, year)
    name = _scope_name(db, office)
    return export_dicts(path, f"{name}{y}年调研安排表", _reporter(db, office, name), "调研安排", visit_headers(office),
                        list_visits(db, y, office=office), **kw)


def export_topics(db: Database, path: Path, year: int | None = None, office: str = "", **kw: Any) -> ExportResult:
    """调研课题 of a year (``office``: the scope; ALL adds a 单位 column)."""
    from desktop_app.work.topics import list_topics, topic_headers

    y = _year(db, year)
    name = _scope_name(db, office)
    return export_dicts(path, f"{name}{y}年调研课题一览表", _reporter(db, office, name), "调研课题", topic_headers(office),
                        list_topics(db, y, office=office), **kw)


def export_days(db: Database, path: Path, year: int | None = None, office: str = "", **kw: Any) -> ExportResult:
    """基层调研天数 of a year (``office``: the scope — a county's people against its own quota)."""
    from desktop_app.work.days import days_headers, grassroots_days

    y = _year(db, year)
    name = _scope_name(db, office)
    return export_dicts(path, f"{name}{y}年干部深入基层调研天数统计表", _reporter(db, office, name), "基层天数",
                        days_headers(office),
                        grassroots_days(db, y, office=office), **kw)


def export_crowding(db: Database, path: Path, year: int | None = None, office: str = "", **kw: Any) -> ExportResult:
    """扎堆调研清单 of a year (``office``: the scope; every office adds 扎堆调研 across offices)."""
    from desktop_app.work.crowding import CROWDING_HEADERS, crowding_report

    y = _year(db, year)
    name = _scope_name(db, office)
    return export_dicts(path, f"{name}{y}年扎堆调研清单", _reporter(db, office, name), "扎堆调研", CROWDING_HEADERS,
                        crowding_report(db, y, office=office), **kw)


def export_meetings(db: Database, path: Path, year: int | None = None, office: str = "", **kw: Any) -> ExportResult:
    """会议研讨 of a year, in the columns the import reads back (``office``: the scope; ALL adds a 单位 column)."""
    from desktop_app.campaign.meetings import list_meetings, meeting_headers

    y = _year(db, year)
    name = _scope_name(db, office)
    return export_dicts(path, f"{name}{y}年会议研讨记录表", _reporter(db, office, name), "会议研讨",
                        meeting_headers(office), list_meetings(db, y, office=office), **kw)


SCORE_HEADERS = ("姓名", "科室", "得分", "名次", "结果", "备注")


def export_scores(db: Database, path: Path, year: int | None = None, exam_id: str | None = None,
                  office: str = "", **kw: Any) -> ExportResult:
    """成绩公示 of one exam (default: the latest exam of the year; ``office``: the scope)."""
    from desktop_app.quiz.exams import list_exams
    from desktop_app.quiz.results import score_list

    y = _year(db, year)
    exams = list_exams(db, y, office=office)
    exam = next((e for e in exams if e.id == exam_id), None) if exam_id else (
        max(exams, key=lambda e: (e.quarter, e.date or dt.date.min)) if exams else None)
    if exam is None:
        raise NotFoundError(f"{y}年还没有考试，无法导出成绩", "请先在“业务测试”中新建考试并录入成绩")
    if office and exam.office_code:
        office = "" if exam.office_code == db.office_code else exam.office_code  # ALL: titled with the exam's office
    name = _scope_name(db, office)
    rows = [{"姓名": r.name, "科室": r.section, "得分": r.score, "名次": r.rank, "结果": r.result, "备注": r.note}
            for r in score_list(db, exam.id, office=office)]
    return export_dicts(path, f"{name}{exam.title}成绩", name, "成绩", SCORE_HEADERS, rows, **kw)


def export_kind(db: Database, path: Path, kind: str, year: int | None = None, unit: str | None = None,
                progress: Callable[[int], None] | None = None, office: str = "", paper: str = "A4") -> ExportResult:
    """The command line's ``export-excel --kind`` (``office``: the scope, see ``org.scope``; ``paper``
    A4 or A3 for the sheet's page setup)."""
    if kind not in EXPORT_KINDS:
        raise ValidationError(f"不支持导出的类型：{kind}", "可选：" + "、".join(EXPORT_KINDS))
    from desktop_app.excel.exporter import PAPER_SIZES

    if paper not in PAPER_SIZES:
        raise ValidationError(f"不支持的纸张：{paper}", "可选：" + "、".join(PAPER_SIZES))
    if kind == "roundtrip":
        from desktop_app.excel.roundtrip import export_for_unit

        if not unit:
            raise ValidationError("导出回执表需要指定责任单位", "请加上 --unit 责任单位名称")
        return export_for_unit(db, path, unit, year=year, progress=progress)
    if kind == "ledger":
        return export_ledger(db, path, year=year, progress=progress, office=office, paper=paper)
    funcs: dict[str, Callable[..., ExportResult]] = {"visits": export_visits, "topics": export_topics,
                                                      "days": export_days, "scores": export_scores,
                                                      "crowding": export_crowding, "meetings": export_meetings}
    if kind == "plans":
        from desktop_app.excel.plan_sheets import export_plans

        funcs["plans"] = export_plans
    if kind == "outcomes":
        from desktop_app.excel.outcome_files import export_outcomes

        funcs["outcomes"] = export_outcomes
    return funcs[kind](db, path, year=year, progress=progress, office=office, paper=paper)
