"""The responsible-unit round trip (回执表): export one unit's items, read back the progress it fills in.

The exported sheet carries a hidden 系统编号 column (each item's id) and a
drop-down for the status. The unit fills in 本次进展情况 in Excel or WPS and
sends the file back; importing it adds a progress entry (through the ledger
service) to each item whose row says something new. Every row is reported as
changed, unchanged or rejected — an id that is not a live item of this
office's ledger, a closed item, an unknown status or percent is rejected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from db.engine import Database
from db.models import Issue
from desktop_app.core.audit import Actor
from desktop_app.core.errors import FieldDeskError, ImportFileError
from desktop_app.core.ledger_codes import ENDED_STATUSES, ISSUE_STATUS_LABELS, OPEN_STATUSES, IssueStatus
from desktop_app.excel import header as hdr
from desktop_app.excel.exporter import Column, SheetSpec, write_sheet
from desktop_app.excel.importer import ROUNDTRIP_ID_TITLE, RowError
from desktop_app.excel.lists import ExportResult, _office_name, _year
from desktop_app.excel.sheet import SheetData

MARKER_NAME = "FieldDeskRoundTrip"
STATUS_CHOICES = ("未启动", "推进中", "已完成")
_STATUS_CODE = {"未启动": IssueStatus.NOT_STARTED, "推进中": IssueStatus.IN_PROGRESS, "已完成": IssueStatus.DONE}

T_SERIAL, T_DESC, T_STATUS, T_PERCENT, T_TEXT, T_REPORTER = (
    "编号", "问题描述", "整改状态", "完成进度（%）", "本次进展情况", "填报人")

COLUMNS = [
    Column("序号", "center", 6), Column(T_SERIAL, "center", 11), Column(T_DESC, "text", 40),
    Column("整改措施", "text", 36), Column("完成时限", "date", 15),
    Column(T_STATUS, "fill", 10, choices=STATUS_CHOICES), Column(T_PERCENT, "fill", 10),
    Column(T_TEXT, "fill", 40), Column(T_REPORTER, "fill", 10),
    Column(ROUNDTRIP_ID_TITLE, "center", 38, hidden=True),
]


def export_for_unit(db: Database, path: Path, unit: str, year: int | None = None,
                    progress: Callable[[int], None] | None = None) -> ExportResult:
    """The 回执表 of one responsible unit: its open items, with room for this round's progress."""
    from desktop_app.ledger.query import IssueFilter, iter_issue_rows

    y = _year(db, year)
    f = IssueFilter(year=y, unit=unit, statuses=[*OPEN_STATUSES, IssueStatus.DONE])
    rows = ((n, r.serial, r.description, r.measures, r.deadline or r.kind_label, r.status_label,
             r.progress_percent, "", "", r.id) for n, r in enumerate(iter_issue_rows(db, f), start=1))
    office = _office_name(db)
    today = dt.date.today()  # written as every other sheet writes it: 2026年3月5日
    spec = SheetSpec(title=f"{unit}问题整改进展回执表", columns=COLUMNS, office=office, sheet_name="整改回执",
                     date_line=f"请填写“整改状态”“完成进度（%）”“本次进展情况”后交回　导出日期：{today.year}年{today.month}月{today.day}日",
                     defined_names={MARKER_NAME: f'"{unit}"'},
                     signatures=())
    return ExportResult(path, write_sheet(path, spec, rows, progress))


@dataclass
class RoundTripRow:
    """What became of one returned row."""

    row: int
    id: str
    serial: str
    result: str  # changed | unchanged | rejected
    message: str = ""


@dataclass
class RoundTripReport:
    """The outcome of importing a returned 回执表."""

    rows_report: list[RoundTripRow] = field(default_factory=list)
    dry_run: bool = False

    def count(self, result: str) -> int:
        """How many rows ended as ``result``."""
        return sum(1 for r in self.rows_report if r.result == result)

    @property
    def changed_count(self) -> int:
        """Rows that added a progress entry (or would, in a dry run)."""
        return self.count("changed")

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The per-row report as contract-style dicts."""
        return [{"row": r.row, "id": r.id, "serial": r.serial, "result": r.result, "message": r.message}
                for r in self.rows_report]

    @property
    def errors(self) -> list[RowError]:
        """Rejected rows as row errors."""
        return [RowError(r.row, ROUNDTRIP_ID_TITLE if "编号" in r.message else "", r.message)
                for r in self.rows_report if r.result == "rejected"]

    def to_json(self) -> dict[str, Any]:
        """Counts plus every row."""
        return {"changed": self.count("changed"), "unchanged": self.count("unchanged"),
                "rejected": self.count("rejected"), "dry_run": self.dry_run, "rows": self.rows}


def _read(data: SheetData) -> tuple[int, dict[str, int], list[list[Any]]]:
    for r, row in enumerate(data.rows[:hdr.HEADER_SCAN_ROWS]):
        titles = [hdr.cell_text(v) for v in row]
        if ROUNDTRIP_ID_TITLE in titles:
            return r, {t: c for c, t in enumerate(titles) if t}, data.rows[r + 1:]
    raise ImportFileError("这不是调研工作台导出的回执表（没有找到“系统编号”列）", "请使用“导出回执表”生成的文件")


def _percent(value: Any) -> int | None:
    if hdr.is_empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        p = float(value) * 100 if 0 < float(value) < 1 and not float(value).is_integer() else float(value)
    else:
        p = float(str(value).strip().rstrip("%％"))
    if not p.is_integer() or not 0 <= p <= 100:
        raise ValueError(value)
    return int(p)


def apply(db: Database, actor: Actor, data: SheetData, dry_run: bool = False,
          today: dt.date | None = None) -> RoundTripReport:
    """Add progress to the items whose rows of a returned 回执表 (the sheet as read) say something new."""
    from desktop_app.ledger.lifecycle import add_progress

    header_index, cols, body = _read(data)
    today = today or dt.date.today()

    def cell(row: list[Any], title: str) -> Any:
        c = cols.get(title)
        return row[c] if c is not None and c < len(row) else None

    lines = [(header_index + 2 + i, row) for i, row in enumerate(body)
             if not hdr.is_empty(cell(row, ROUNDTRIP_ID_TITLE)) or not hdr.is_empty(cell(row, T_TEXT))]
    ids = {hdr.cell_text(cell(row, ROUNDTRIP_ID_TITLE)) for _, row in lines}
    with db.session() as s:
        found = {r.id: r for r in s.execute(
            select(Issue.id, Issue.serial, Issue.status, Issue.progress_percent, Issue.latest_progress, Issue.office_code,
                   Issue.deleted)
            .where(Issue.id.in_(ids))).all()} if ids else {}
    report = RoundTripReport(dry_run=dry_run)
    for sheet_row, row in lines:
        issue_id = hdr.cell_text(cell(row, ROUNDTRIP_ID_TITLE))
        serial = hdr.cell_text(cell(row, T_SERIAL))
        item = found.get(issue_id)
        if not issue_id:
            report.rows_report.append(RoundTripRow(sheet_row, "", serial, "rejected",
                                                   "该行没有系统编号（可能是新加的行），回执表只能填写已有问题的进展"))
            continue
        if item is None or item.deleted or item.office_code != db.office_code:
            report.rows_report.append(RoundTripRow(sheet_row, issue_id, serial, "rejected",
                                                   f"系统编号不在本单位的问题台账中（编号 {serial or '空'}）"))
            continue
        if item.status in ENDED_STATUSES:
            report.rows_report.append(RoundTripRow(sheet_row, issue_id, item.serial, "rejected",
                                                   f"问题 {item.serial} {ISSUE_STATUS_LABELS[item.status]}，不能登记进展"))
            continue
        status_word = hdr.cell_text(cell(row, T_STATUS))
        if status_word and status_word not in _STATUS_CODE:
            report.rows_report.append(RoundTripRow(sheet_row, issue_id, item.serial, "rejected",
                                                   f"整改状态“{status_word}”无效，请从下拉列表中选择"))
            continue
        try:
            percent = _percent(cell(row, T_PERCENT))
        except ValueError:
            report.rows_report.append(RoundTripRow(sheet_row, issue_id, item.serial, "rejected",
                                                   f"完成进度“{hdr.cell_text(cell(row, T_PERCENT))}”应为 0–100 的整数"))
            continue
        text = hdr.cell_text(cell(row, T_TEXT))
        new_status = _STATUS_CODE.get(status_word, item.status)
        if new_status == IssueStatus.DONE and (percent is None or percent < 100):
            percent = 100
        status_changed = new_status != item.status and new_status != IssueStatus.NOT_STARTED
        percent_changed = percent is not None and percent != item.progress_percent
        if text == (item.latest_progress or "").strip():
            text = ""  # the same sheet imported twice adds nothing the second time
        if not text and not status_changed and not percent_changed:
            report.rows_report.append(RoundTripRow(sheet_row, issue_id, item.serial, "unchanged"))
            continue
        body_text = text or f"整改状态：{status_word or ISSUE_STATUS_LABELS[item.status]}" + (
            f"，完成进度 {percent}%" if percent is not None else "")
        if not dry_run:
            try:
                add_progress(db, actor, issue_id, today, body_text, percent=percent,
                             reporter=hdr.cell_text(cell(row, T_REPORTER)))
            except FieldDeskError as exc:
                report.rows_report.append(RoundTripRow(sheet_row, issue_id, item.serial, "rejected", exc.message))
                continue
        report.rows_report.append(RoundTripRow(sheet_row, issue_id, item.serial, "changed", body_text[:60]))
    return report
