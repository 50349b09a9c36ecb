"""批量交办 — a prefecture sends down many items at once from its spreadsheet.

Prefecture offices keep the problems they send down in Excel: one row per problem,
a column naming the county (责任单位 / 县市, by code, full name or a short name such
as 勐海县 or 勐海), 问题描述, 整改措施/整改要求, 类别, 完成时限 (any date wording
offices use, or “N个工作日内”), 责任人…

``preview_sheet`` reads the workbook with the shared Excel machinery (header
synonyms, merged title rows, ``excel.dates``) and never writes: every row comes back
as 可交办, 有错误 (with a Chinese reason) or 已交办 (sent before: skipped).
``assign_from_sheet`` then assigns every ready row through ``assign_issues``, one
call per county, all inside ONE transaction with one audit entry of its own: every
row is assigned, or none. Rows with errors are never written.

A row counts as 已交办 when this office already assigned, to the same county in the
same year, an item with the same description (whitespace ignored): re-importing the
sheet, or a sheet that grew by a few rows, sends each problem once. The assignment
date is not part of the key, since a sheet re-imported the next day is still the
same sheet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Issue
from desktop_app import calendar as workdays
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import ImportFileError, PermissionDeniedError, SetupRequiredError, ValidationError
from desktop_app.core.ledger_codes import IssueStatus
from desktop_app.excel import importer
from desktop_app.excel.dates import KIND_DATED, DateParseError, parse_deadline
from desktop_app.excel.kinds.base import FieldSpec, KindSpec, RowContext, RowErrors, text
from desktop_app.ledger import assign, service
from desktop_app.ledger.types import IssueInput
from desktop_app.org import scope, settings
from desktop_app.org.scope import OfficeChoice

#: audit action of a whole sheet (each county's items also get assign_issues' own entry)
ACTION = "assign_from_sheet"

STATE_READY = "ready"
STATE_ERROR = "error"
STATE_ASSIGNED = "assigned"
STATE_LABELS = {STATE_READY: "可交办", STATE_ERROR: "有错误", STATE_ASSIGNED: "已交办"}

FIELDS = (
    # 责任单位 names the county in a prefecture's 交办 sheet (the county's own units are its business)
    FieldSpec("county", "县（市、区）", ("县", "县市", "县区", "县市区", "责任县", "责任县市", "责任县区", "交办县",
                                       "交办对象", "交办单位", "承办县", "地区", "县市名称", "单位代码", "县市代码",
                                       "责任单位"), required=True),
    FieldSpec("description", "问题描述", ("存在问题", "问题描述", "问题表现", "问题清单", "具体问题", "主要问题", "发现问题",
                                         "问题内容", "问题", "存在的问题", "交办问题", "反映问题"), required=True),
    FieldSpec("measures", "整改要求", ("整改措施", "整改要求", "交办要求", "整改举措", "具体措施", "工作要求", "措施",
                                      "整改意见")),
    FieldSpec("category", "问题类别", ("问题类型", "问题类别", "问题分类", "类别", "类型", "所属领域", "领域", "方面")),
    FieldSpec("deadline", "完成时限", ("完成时限", "整改时限", "时限要求", "完成时间", "整改期限", "办结时限", "整改时间",
                                      "时限", "期限")),
    FieldSpec("workdays", "工作日数", ("工作日", "工作日数", "办理工作日", "整改工作日", "时限工作日")),
    FieldSpec("person", "责任人", ("责任人", "具体责任人", "联系人", "负责人")),
    FieldSpec("leader", "牵头领导", ("牵头领导", "责任领导", "分管领导", "包抓领导")),
    FieldSpec("note", "备注", ("备注",)),
)

_TEXT_FIELDS = ("county", "description", "measures", "category", "person", "leader", "note")
_LABELS = {f.key: f.label for f in FIELDS}


def _parse_row(cells: dict[str, Any], ctx: RowContext, errors: RowErrors) -> dict[str, Any]:
    """One sheet row as plain values; problems go to ``errors`` (the county is resolved later)."""
    row: dict[str, Any] = {k: text(cells.get(k), k, errors, _LABELS[k]) for k in _TEXT_FIELDS}
    if not row["category"] and ctx.section:
        row["category"] = ctx.section
    kind, deadline, workdays = KIND_DATED, None, None
    try:
        d = parse_deadline(cells.get("deadline"), ctx.year)
        kind, deadline, workdays = d.kind, d.date, d.workdays
    except DateParseError as exc:
        errors.add("deadline", str(exc))
    raw = cells.get("workdays")
    if raw is not None and str(raw).strip():
        n = _workday_count(raw)
        if n is None:
            errors.add("workdays", f"工作日数“{text(raw, 'workdays', errors)}”无效，请填写1到{service.MAX_WORKDAYS}之间的整数")
        elif deadline is not None or workdays is not None:
            errors.add("workdays", "完成时限和工作日数只能填写一项")
        else:
            workdays = n
    row.update(kind=kind, deadline=deadline, deadline_workdays=workdays)
    return row


_WORKDAY_TEXT = re.compile(r"(\d+)(?:个)?(?:工作日)?(?:内|以内)?")


def _workday_count(value: Any) -> int | None:
    """15, 15.0, “15”, “15个工作日” → 15; anything else (0, 2.5, 一千…) → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        n = int(value) if float(value).is_integer() else 0
    else:
        m = _WORKDAY_TEXT.fullmatch(re.sub(r"\s+", "", str(value)))
        n = int(m[1]) if m else 0
    return n if 1 <= n <= service.MAX_WORKDAYS else None


SPEC = KindSpec("assign", "批量交办", FIELDS, _parse_row, key_fields=("description", "county"))


@dataclass(frozen=True)
class SheetRow:
    """One data row of the sheet and what would become of it."""

    row: int  # 1-based, as Excel numbers it
    county_text: str
    county_code: str  # '' when the county is not known
    county_name: str
    description: str
    measures: str
    category: str
    person: str
    leader: str
    kind: str
    deadline: dt.date | None  # the date, or the one N working days come to
    deadline_workdays: int | None
    state: str  # ready|error|assigned
    reasons: tuple[str, ...] = ()
    #: the serial of the item already assigned (state assigned)
    existing_serial: str = ""

    @property
    def state_label(self) -> str:
        """可交办 / 有错误 / 已交办."""
        return STATE_LABELS[self.state]

    @property
    def reason(self) -> str:
        """The reasons as one line (an empty string for a ready row)."""
        if self.state == STATE_ASSIGNED:
            return f"已交办（{self.existing_serial}），跳过"
        return "；".join(self.reasons)

    def to_json(self) -> dict[str, Any]:
        """The ``assign --from-xlsx --json`` form of a row."""
        return {"row": self.row, "county": self.county_code, "county_text": self.county_text,
                "county_name": self.county_name, "description": self.description, "measures": self.measures,
                "category": self.category, "person": self.person, "leader": self.leader, "kind": self.kind,
                "deadline": self.deadline.isoformat() if self.deadline else None,
                "deadline_workdays": self.deadline_workdays, "state": self.state, "reason": self.reason,
                "existing_serial": self.existing_serial}


@dataclass
class SheetPreview:
    """What a sheet would assign: every data row with its state, and problems with the sheet itself."""

    file: str
    sheet: str
    header_row: int
    mapping: dict[str, str | None]
    assigned_date: dt.date
    rows: list[SheetRow] = field(default_factory=list)
    #: problems that stop the whole sheet (a required column missing)
    problems: list[str] = field(default_factory=list)
    calendar_warning: str = ""

    def of(self, state: str) -> list[SheetRow]:
        """The rows in ``state``."""
        return [r for r in self.rows if r.state == state]

    @property
    def ready(self) -> list[SheetRow]:
        """Rows that would be assigned."""
        return self.of(STATE_READY)

    def to_json(self) -> dict[str, Any]:
        """The ``assign --from-xlsx --dry-run --json`` object."""
        return {"file": self.file, "sheet": self.sheet, "header_row": self.header_row, "mapping": self.mapping,
                "assigned_date": self.assigned_date.isoformat(), "problems": self.problems,
                "calendar_warning": self.calendar_warning, "rows": [r.to_json() for r in self.rows],
                "counts": {"ready": len(self.ready), "error": len(self.of(STATE_ERROR)),
                           "already_assigned": len(self.of(STATE_ASSIGNED))}}


@dataclass(frozen=True)
class AssignedRow:
    """A sheet row that became a ledger item."""

    row: int
    county_code: str
    county_name: str
    issue_id: str
    serial: str


@dataclass
class SheetResult:
    """What ``assign_from_sheet`` did: rows assigned, skipped as 已交办, and left out for errors."""

    assigned: list[AssignedRow]
    skipped: list[SheetRow]
    errors: list[SheetRow]

    def to_json(self) -> dict[str, Any]:
        """The ``assign --from-xlsx --json`` object's result part."""
        return {"assigned": [{"row": a.row, "county": a.county_code, "id": a.issue_id, "serial": a.serial}
                             for a in self.assigned],
                "skipped": [{"row": r.row, "county": r.county_code, "serial": r.existing_serial} for r in self.skipped],
                "errors": [{"row": r.row, "reason": r.reason} for r in self.errors]}


# -- counties by code or name ------------------------------------------------------------------------

_NAME_SPACE = re.compile(r"[\s\u3000]+")
#: a county-level place name ends at its first 县/市/区/旗 (勐海县乡村振兴局 → 勐海县)
_PLACE = re.compile(r"^(.+?(?:自治县|县|市|区|旗))")
_PREFECTURE_HEAD = re.compile(r"^.+?(?:州|地区|盟)")


def _short_names(name: str) -> set[str]:
    """The names a sheet may use for an office: 勐海县乡村振兴局 → {勐海县乡村振兴局, 勐海县, 勐海}."""
    full = _NAME_SPACE.sub("", name)
    out = {full}
    m = _PLACE.match(full)
    if m:
        place = m[1]
        out.add(place)
        stem = re.sub(r"(?:自治县|县|市|区|旗)$", "", place)
        if len(stem) >= 2:
            out.add(stem)
    return out


class CountyMatcher:
    """Finds the county a cell names: its code, full name, or short name (勐海县 / 勐海)."""

    def __init__(self, counties: list[OfficeChoice]) -> None:
        self.by_code = {c.code: c for c in counties}
        self.by_name: dict[str, list[OfficeChoice]] = {}
        for c in counties:
            if c.name == c.code:
                continue  # known only by code: no card imported yet
            for n in _short_names(c.name):
                self.by_name.setdefault(n, []).append(c)

    def match(self, cell: str) -> tuple[OfficeChoice | None, str]:
        """The county, or None and a Chinese reason."""
        t = _NAME_SPACE.sub("", cell)
        if not t:
            return None, "未填写县（市、区）"
        if t in self.by_code:
            return self.by_code[t], ""
        found = self.by_name.get(t)
        if not found:  # 西双版纳州勐海县 → 勐海县
            head = _PREFECTURE_HEAD.match(t)
            if head and head.end() < len(t):
                found = self.by_name.get(t[head.end():])
        if not found:
            return None, f"没有县（区）“{cell}”（请填写单位代码或县名，并先导入该县的单位名片或同步包）"
        if len({c.code for c in found}) > 1:
            return None, f"“{cell}”可指多个单位（{'、'.join(c.name for c in found)}），请填写单位代码"
        return found[0], ""


# -- preview -----------------------------------------------------------------------------------------

def _norm_desc(text_: str) -> str:
    return _NAME_SPACE.sub("", text_)


def _existing(s: Session, office: str, keys: set[tuple[str, int]]) -> dict[tuple[str, int, str], str]:
    """(county, year, normalised description) → serial of the items this office already assigned there."""
    out: dict[tuple[str, int, str], str] = {}
    for county, year in keys:
        rows = s.execute(select(Issue.description, Issue.serial).where(
            Issue.assigned_by_office == office, Issue.office_code == county, Issue.year == year,
            Issue.deleted.is_(False), Issue.status != IssueStatus.VOID))
        for desc, serial in rows:
            out.setdefault((county, year, _norm_desc(desc)), serial)
    return out


def _check_prefecture(db: Database) -> None:
    if not db.office_code:
        raise SetupRequiredError()
    if not scope.is_prefecture(db):
        raise PermissionDeniedError("只有市（州）级单位可以交办问题", "县级单位请使用“登记问题”或“导入Excel”")


def preview_sheet(db: Database, path: Path | str, assigned_date: dt.date | None = None, sheet: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> SheetPreview:
    """Read a 交办 sheet (.xlsx/.xls/.et) and say, row by row, what would be assigned — writes nothing.

    ``assigned_date`` (default today) is the 交办日期 of every row: the start of “N个工作日”
    and the date no deadline may precede.
    """
    _check_prefecture(db)
    path = Path(path)
    assigned_date = assigned_date or dt.date.today()
    # the shared importer's worker, sheet choice and row reader: same header synonyms, merged
    # cells, section rows and blank/total-row handling as every other import
    wb, found = importer.read_sheet(path, SPEC, sheet, progress=progress)
    data, sheets = wb.data, wb.sheets
    if found is None:
        raise ImportFileError(f"在工作表“{data.name}”中没有找到交办问题的表头",
                              "表头应包含 县（市、区）或责任单位、问题描述、整改要求、完成时限 等列")
    col_field = importer.resolve_mapping(found.titles, SPEC, None)
    raw = importer.ImportPreview(kind=SPEC.name, file=str(path), sheet=data.name, sheets=sheets,
                                 header_row=found.top_row + 1, titles=found.titles,
                                 mapping={t: col_field.get(c) for c, t in enumerate(found.titles)}, rows=[],
                                 year=found.year or assigned_date.year)
    importer.read_rows(data, found, SPEC, col_field, raw, progress)
    out = SheetPreview(file=str(path), sheet=data.name, header_row=raw.header_row, mapping=raw.mapping,
                       assigned_date=assigned_date)
    for f in FIELDS:
        if f.required and f.key not in col_field.values():
            out.problems.append(f"没有找到“{f.label}”列（表头可写：{'、'.join(f.synonyms[:6])}）")
    if out.problems:
        return out
    row_errors: dict[int, list[str]] = {}
    for e in raw.errors:
        row_errors.setdefault(e.row, []).append(f"{e.column}：{e.message}" if e.column else e.message)
    matcher = CountyMatcher(assign.assignable_counties(db))
    cal = workdays.load_calendar(db)
    year = int(settings.get(db, "current_year", assigned_date.year))
    warnings: set[int] = set()
    staged: list[tuple[dict[str, Any], OfficeChoice | None, list[str], dt.date | None]] = []
    for r in raw.rows:
        reasons = list(row_errors.get(r["row"], []))
        county, why = matcher.match(r["county"])
        if county is None:
            reasons.append(why)
        deadline = r["deadline"]
        if r["deadline_workdays"] is not None:
            res = cal.add_workdays(assigned_date, r["deadline_workdays"])
            deadline = res.value
            warnings.update(res.uncovered_years)
        item = _item(r, assigned_date, year)
        reasons += [e.message.removeprefix("该问题：") for e in service.validate_input(item)]
        staged.append((r, county, reasons, deadline))
    with db.session() as s:
        done = _existing(s, db.office_code, {(c.code, year) for _r, c, _e, _d in staged if c is not None})
    seen: dict[tuple[str, str], int] = {}
    for r, county, reasons, deadline in staged:
        state, serial = STATE_READY, ""
        if county is not None and not reasons:
            key = (county.code, _norm_desc(r["description"]))
            serial = done.get((county.code, year, key[1]), "")
            if serial:
                state = STATE_ASSIGNED
            elif key in seen:
                reasons.append(f"与第{seen[key]}行重复（同一县、同一问题）")
            else:
                seen[key] = r["row"]
        if reasons:
            state = STATE_ERROR
        out.rows.append(SheetRow(
            row=r["row"], county_text=r["county"], county_code=county.code if county else "",
            county_name=county.name if county else "", description=r["description"], measures=r["measures"],
            category=r["category"], person=r["person"], leader=r["leader"], kind=r["kind"], deadline=deadline,
            deadline_workdays=r["deadline_workdays"], state=state, reasons=tuple(reasons), existing_serial=serial))
    if warnings:
        out.calendar_warning = workdays.WorkdayResult(None, tuple(sorted(warnings))).warning
    return out


def _item(r: dict[str, Any], assigned_date: dt.date, year: int) -> IssueInput:
    return IssueInput(description=r["description"], category=r["category"], measures=r["measures"], kind=r["kind"],
                      person=r["person"], leader=r["leader"], deadline=r["deadline"],
                      deadline_workdays=r["deadline_workdays"], assigned_date=assigned_date, source="assigned",
                      year=year)


def _row_item(row: SheetRow, assigned_date: dt.date, year: int) -> IssueInput:
    return IssueInput(description=row.description, category=row.category, measures=row.measures, kind=row.kind,
                      person=row.person, leader=row.leader,
                      deadline=None if row.deadline_workdays is not None else row.deadline,
                      deadline_workdays=row.deadline_workdays, assigned_date=assigned_date, source="assigned",
                      year=year)


def assign_from_sheet(db: Database, actor: Actor, preview: SheetPreview, today: dt.date | None = None) -> SheetResult:
    """Assign every ready row of ``preview`` — one transaction, all or nothing — and say what happened.

    Rows are grouped by county, each group through ``assign_issues`` (the 州交 series, the
    county's ownership, the audit entry of each county's items); this call adds one audit
    entry naming the file and the counts. Rows already assigned meanwhile (checked again
    inside the transaction) are skipped as 已交办; rows with errors are never written.
    """
    _check_prefecture(db)
    if preview.problems:
        raise ValidationError(preview.problems[0], "请修改表格的表头后重新选择文件")
    today = today or dt.date.today()
    year = int(settings.get(db, "current_year", preview.assigned_date.year))
    skipped = preview.of(STATE_ASSIGNED)
    errors = preview.of(STATE_ERROR)
    assigned: list[AssignedRow] = []
    ready = preview.ready
    with db.transaction() as s:
        done = _existing(s, db.office_code, {(r.county_code, year) for r in ready})
        groups: dict[str, list[SheetRow]] = {}
        for r in ready:
            serial = done.get((r.county_code, year, _norm_desc(r.description)))
            if serial:
                skipped.append(_replace_state(r, serial))
            else:
                groups.setdefault(r.county_code, []).append(r)
        for code, rows in groups.items():
            try:
                ids = assign.assign_issues(db, actor, code, [_row_item(r, preview.assigned_date, year) for r in rows],
                                           today=today, session=s)
            except service.LedgerValidationError as exc:
                # name the sheet row, not the position inside the county's group
                first = exc.errors[0]
                at = rows[(first.row or 1) - 1].row
                raise ValidationError(f"第{at}行：{first.message}", first.action, field=first.field, row=at) from exc
            serials = dict(s.execute(select(Issue.id, Issue.serial).where(Issue.id.in_(ids))).all())
            assigned += [AssignedRow(r.row, code, r.county_name, i, serials[i]) for r, i in zip(rows, ids, strict=True)]
        if assigned:
            assigned.sort(key=lambda a: a.row)
            audit.record(s, actor, ACTION, "issue", "", {
                "file": Path(preview.file).name, "sheet": preview.sheet, "assigned": len(assigned),
                "first": assigned[0].serial, "last": assigned[-1].serial,
                "counties": sorted(groups), "skipped": len(skipped), "errors": len(errors)})
    skipped.sort(key=lambda r: r.row)
    return SheetResult(assigned=assigned, skipped=skipped, errors=errors)


def _replace_state(r: SheetRow, serial: str) -> SheetRow:
    return replace(r, state=STATE_ASSIGNED, existing_serial=serial)
