"""Recording ledger items (问题台账录入): validation, serial numbers, working-day deadlines.

``create_issues`` is the one way items enter the ledger — the item dialog and
the Excel importer both call it. Items are written with Core inserts (an
import can bring 100k rows) together with their change-log entries, the
initial progress entries, the search index and one audit entry, all in one
transaction: every item is written, or none.

The lifecycle steps after creation are in ``desktop_app.ledger.lifecycle``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.base import new_id
from db.bulk import SyncedRows
from db.dialect import serialise
from db.engine import Database
from db.models import Holiday, Issue, Topic, Visit
from desktop_app import calendar as workdays
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import SetupRequiredError, ValidationError
from desktop_app.core.ledger_codes import (
    FINISHED_STATUSES,
    ISSUE_KIND_LABELS,
    ISSUE_SOURCE_LABELS,
    ISSUE_STATUS_LABELS,
    IssueStatus,
)
from desktop_app.ledger import completeness, search
from desktop_app.ledger.types import IssueInput
from desktop_app.org import settings

SETTING_SERIAL_FORMAT = "ledger.serial_format"
#: ``{year}`` and ``{n}`` (the item's number in the office's year) may be used, e.g. "{year}-{n:03d}" → 2026-037
DEFAULT_SERIAL_FORMAT = "{year}-{n:03d}"
MAX_DESCRIPTION = 4000
MAX_WORKDAYS = 1000


class LedgerValidationError(ValidationError):
    """One or more items were refused; ``errors`` holds every problem found (nothing was written)."""

    def __init__(self, errors: list[ValidationError]) -> None:
        first = errors[0]
        more = f"（共{len(errors)}处问题）" if len(errors) > 1 else ""
        super().__init__(first.message + more, first.action, field=first.field, row=first.row)
        self.errors = errors


@dataclass(frozen=True)
class DeadlinePreview:
    """What a deadline of N working days comes to, with any calendar warning."""

    deadline: dt.date
    warning: str


def serial_format(db: Database) -> str:
    """The serial number format (a setting)."""
    fmt = settings.get(db, SETTING_SERIAL_FORMAT, DEFAULT_SERIAL_FORMAT)
    return fmt if _valid_format(fmt) else DEFAULT_SERIAL_FORMAT


def _valid_format(fmt: object) -> bool:
    if not isinstance(fmt, str) or "{n" not in fmt:
        return False
    try:
        fmt.format(year=2026, n=1)
    except (KeyError, ValueError, IndexError):
        return False
    return True


def set_serial_format(db: Database, actor: Actor, fmt: str) -> None:
    """Change the serial format (e.g. “{year}-{n:03d}” or “景乡振〔{year}〕{n}号”)."""
    if not _valid_format(fmt):
        raise ValidationError(f"编号格式“{fmt}”无效", "格式中须包含 {n}（序号），可包含 {year}（年度），例如 {year}-{n:03d}",
                              field="serial_format")
    with db.transaction() as s:
        settings.write(s, SETTING_SERIAL_FORMAT, fmt)
        audit.record(s, actor, "set_serial_format", "setting", SETTING_SERIAL_FORMAT, {"format": fmt})


def preview_deadline(db: Database, assigned: dt.date, n: int) -> DeadlinePreview:
    """The deadline N working days after ``assigned`` and a warning if the holiday table lacks a year."""
    r = workdays.load_calendar(db).add_workdays(assigned, n)
    return DeadlinePreview(r.value, r.warning)


def _err(i: int, n: int, message: str, action: str, field: str) -> ValidationError:
    where = f"第{i}条问题" if n > 1 else "该问题"
    return ValidationError(f"{where}：{message}", action, field=field, row=i)


def validate_input(inp: IssueInput, i: int = 1, n: int = 1, complete: bool = False) -> list[ValidationError]:
    """Every problem with one item (``i`` of ``n``, 1-based), as Chinese messages naming the field.

    ``complete``: also the elements every item needs (``completeness``: measures, responsible unit
    and person, a deadline for 限期整改 — default 7 working days — and a reason beyond 15).
    """
    errs: list[ValidationError] = []
    if complete:
        where = f"第{i}条问题：" if n > 1 else ""
        for e in completeness.completeness_errors(completeness.with_default_deadline(inp), where):
            e.row = i
            errs.append(e)
    desc = (inp.description or "").strip()
    if not desc:
        errs.append(_err(i, n, "问题描述不能为空", "请填写存在的问题", "description"))
    elif len(desc) > MAX_DESCRIPTION:
        errs.append(_err(i, n, f"问题描述超过{MAX_DESCRIPTION}字", "请精简问题描述", "description"))
    if inp.kind not in ISSUE_KIND_LABELS:
        errs.append(_err(i, n, f"整改类型“{inp.kind}”无效", "请选择 立行立改、限期整改 或 长期坚持", "kind"))
    if inp.source not in ISSUE_SOURCE_LABELS:
        errs.append(_err(i, n, f"问题来源“{inp.source}”无效", "请选择 " + "、".join(ISSUE_SOURCE_LABELS.values()), "source"))
    if inp.status not in ISSUE_STATUS_LABELS or inp.status == IssueStatus.VOID:
        errs.append(_err(i, n, f"整改状态“{inp.status}”无效", "请选择 未启动、推进中、已完成 或 已销号", "status"))
    if inp.deadline is not None and inp.deadline_workdays is not None:
        errs.append(_err(i, n, "完成时限和工作日数只能填写一项", "请填写具体日期，或填写“N个工作日内”", "deadline"))
    if inp.deadline_workdays is not None and not (1 <= inp.deadline_workdays <= MAX_WORKDAYS):
        errs.append(_err(i, n, f"工作日数“{inp.deadline_workdays}”无效", f"请填写1到{MAX_WORKDAYS}之间的整数", "deadline_workdays"))
    if inp.deadline is not None and inp.assigned_date is not None and inp.deadline < inp.assigned_date:
        errs.append(_err(i, n, f"完成时限 {inp.deadline:%Y-%m-%d} 早于交办日期 {inp.assigned_date:%Y-%m-%d}",
                         "请将完成时限改为交办日期之后", "deadline"))
    if inp.year is not None and not (2000 <= inp.year <= 2100):
        errs.append(_err(i, n, f"年度“{inp.year}”无效", "请填写四位年份，例如 2026", "year"))
    if inp.progress_percent is not None and not (0 <= inp.progress_percent <= 100):
        errs.append(_err(i, n, f"完成进度“{inp.progress_percent}”超出0–100", "请填写0到100之间的整数", "progress_percent"))
    elif inp.progress_percent is not None and inp.progress_percent < 100 and inp.status in FINISHED_STATUSES:
        label = ISSUE_STATUS_LABELS.get(inp.status, inp.status)
        errs.append(_err(i, n, f"整改状态为“{label}”，完成进度却只有{inp.progress_percent}%",
                         "已完成或已销号的问题完成进度应为100%；未完成请把状态改为推进中", "progress_percent"))
    if inp.source_visit_id and inp.source_topic_id:
        errs.append(_err(i, n, "问题只能关联一次调研或一个课题", "请只保留一个来源", "source"))
    for field, limit, label in (("category", 60, "问题类别"), ("unit", 100, "责任单位"), ("co_units", 200, "配合单位"),
                                ("leader", 40, "牵头领导"), ("person", 40, "责任人"), ("serial", 30, "编号")):
        value = getattr(inp, field) or ""
        if len(value) > limit:
            errs.append(_err(i, n, f"{label}超过{limit}字", f"请精简{label}", field))
    return errs


@dataclass(frozen=True)
class IssueSeries:
    """Whose new items these are and how they are numbered.

    An office's own items (the default) are owned by it and numbered in its own series. A
    prefecture's 交办 items (``desktop_app.ledger.assign``) are owned by a county
    (``owner``), carry the assigning office (``assigner``) and are numbered in the
    prefecture's own series, in a format the county's own serials do not use — so numbers
    made here and numbers made offline in the county at the same time never collide.
    """

    owner: str
    assigner: str = ""
    #: serial format ({year}, {n}); '' = this office's own format (a setting)
    fmt: str = ""
    #: audit action of the write
    action: str = "create_issues"


def _next_numbers(s: Session, series: IssueSeries, year: int, count: int) -> int:
    """Reserve ``count`` serial numbers of the series in ``year``; returns the first.

    The counter row is read and written under the writer lock, so two clerks never get the same serial.
    """
    serialise(s)
    if series.assigner:  # a prefecture's 交办 series: one per assigning office and year, whatever the county
        key = f"ledger.assign_counter.{series.assigner}.{year}"
    else:
        key = f"ledger.serial_counter.{series.owner}.{year}"
    last = settings.read(s, key)
    if last is None and series.assigner:
        last = _last_in_series(s, series, year)
    elif last is None:
        last = s.execute(select(func.count(Issue.id)).where(Issue.office_code == series.owner,
                                                            Issue.year == year)).scalar()
    first = int(last or 0) + 1
    settings.write(s, key, first + count - 1)
    return first


def _last_in_series(s: Session, series: IssueSeries, year: int) -> int:
    """The highest number already used in an assigning office's series (its counter is a local setting).

    Counted from the serials in the series' format only: a county may record items the
    prefecture assigned on paper (assigned_by_office set) under its own numbers.
    """
    fmt = series.fmt or DEFAULT_SERIAL_FORMAT
    at = fmt.index("{n")
    head = fmt[:at].format(year=year)
    tail = fmt[fmt.index("}", at) + 1:].format(year=year)
    pattern = head.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    serials = s.execute(select(Issue.serial).where(Issue.assigned_by_office == series.assigner, Issue.year == year,
                                                   Issue.serial.like(pattern, escape="\\"))).scalars()
    last = 0
    for serial in serials:
        middle = serial[len(head):len(serial) - len(tail) if tail else None]
        if middle.isdigit() and serial.endswith(tail):
            last = max(last, int(middle))
    return last


@contextmanager
def _writing(db: Database, session: Session | None) -> Iterator[Session]:
    """The caller's open transaction when given (it commits or rolls back), else a new one."""
    if session is not None:
        yield session
        return
    with db.transaction() as s:
        yield s


def create_issues(db: Database, actor: Actor, items: list[IssueInput], today: dt.date | None = None,
                  series: IssueSeries | None = None, session: Session | None = None,
                  complete: bool = False) -> list[str]:
    """Record ledger items — all or nothing; returns their ids in the order given.

    Validates every item (a ``LedgerValidationError`` lists every problem, in
    Chinese, naming the item and field), assigns serials per office and year in
    the configured format, turns “N working days” into a date on the official
    calendar (a year missing from the holiday table counts Monday–Friday and is
    noted in the audit entry), writes an initial progress entry where
    ``progress_text`` is given, and indexes the items for search.

    ``series`` (default: this office's own items) is set only by
    ``desktop_app.ledger.assign.assign_issues``, which checks the assignment first.
    ``session``: write inside the caller's open transaction instead of a new one (a batch
    of several calls that must be all or nothing, e.g. 批量交办 to several counties).
    ``complete``: refuse items without the elements of ``completeness`` (the item form and the
    Excel import ask for it); a 限期整改 item without a deadline then gets 7 working days.
    """
    if not db.office_code:
        raise SetupRequiredError()
    if not items:
        return []
    today = today or dt.date.today()
    if complete:
        items = [completeness.with_default_deadline(inp) for inp in items]
    errs: list[ValidationError] = []
    for i, inp in enumerate(items, start=1):
        errs.extend(validate_input(inp, i, len(items), complete))
    if errs:
        raise LedgerValidationError(errs)
    office = db.office_code
    series = series or IssueSeries(owner=office)
    cal = workdays.load_calendar(db)
    fmt = series.fmt or serial_format(db)
    default_year = int(settings.get(db, "current_year", today.year))
    uncovered: set[int] = set()
    with _writing(db, session) as s:
        if s.execute(select(func.count()).select_from(Holiday)).scalar() == 0:
            workdays.seed_in_session(s)
        _check_links(s, items)
        serials = _assign_serials(s, series, items, fmt, default_year)
        batch = SyncedRows(office, db.clock.tick)
        issues: list[dict[str, Any]] = []
        for inp, serial in zip(items, serials, strict=True):
            row = _issue_row(inp, serial, inp.year or default_year, series, today, cal, uncovered)
            batch.add_mapping("issue", row)
            issues.append(row)
            if inp.progress_text.strip():
                batch.add("progress", new_id(), (row["id"], today, inp.progress_text.strip(), inp.progress_percent,
                                                 inp.reporter.strip() or actor.label), owner=office)
        batch.write(s)
        ids = [str(r["id"]) for r in issues]
        search.index_new_issues(s, [(str(r["id"]), [r[f] for f in search.INDEXED_FIELDS]) for r in issues])
        details = _audit_details(items, issues, series, office, uncovered)
        audit.record(s, actor, series.action, "issue", ids[0] if len(ids) == 1 else "", details)
    return ids


def _assign_serials(s: Session, series: IssueSeries, items: list[IssueInput], fmt: str,
                    default_year: int) -> list[str]:
    """Each item's serial: the one it was given (checked to be new) or the next of its year's series."""
    explicit = [inp.serial.strip() for inp in items if inp.serial and inp.serial.strip()]
    _check_serials(s, series.owner, items, explicit)
    years: dict[int, list[int]] = {}
    for k, inp in enumerate(items):
        years.setdefault(inp.year or default_year, []).append(k)
    serials = [(inp.serial or "").strip() for inp in items]
    for year, idx in sorted(years.items()):
        need = [k for k in idx if not serials[k]]
        first = _next_numbers(s, series, year, len(need)) if need else 0
        for j, k in enumerate(need):
            serials[k] = fmt.format(year=year, n=first + j)
    return serials


def _issue_row(inp: IssueInput, serial: str, year: int, series: IssueSeries, today: dt.date,
               cal: workdays.WorkCalendar, uncovered: set[int]) -> dict[str, Any]:
    """The new item's columns (its stamps come from the writer); adds the years the calendar lacked."""
    assigned = inp.assigned_date
    deadline = inp.deadline
    basis = "date"
    if inp.deadline_workdays is not None:
        assigned = assigned or today
        r = cal.add_workdays(assigned, inp.deadline_workdays)
        deadline, basis = r.value, "workdays"
        uncovered.update(r.uncovered_years)
    status = inp.status
    percent = inp.progress_percent if inp.progress_percent is not None else (100 if status in FINISHED_STATUSES else 0)
    return {
        "id": new_id(), "office_code": series.owner,
        "serial": serial, "year": year, "source": inp.source,
        "source_visit_id": inp.source_visit_id or None, "source_topic_id": inp.source_topic_id or None,
        "category": inp.category.strip(), "description": inp.description.strip(),
        "measures": inp.measures.strip(), "kind": inp.kind, "lead_leader": inp.leader.strip(),
        "responsible_unit": inp.unit.strip(), "co_units": inp.co_units.strip(),
        "responsible_person": inp.person.strip(), "assigned_date": assigned, "deadline": deadline,
        "deadline_basis": basis, "deadline_workdays": inp.deadline_workdays, "original_deadline": deadline,
        "status": status, "progress_percent": percent, "latest_progress": inp.progress_text.strip(),
        "closure_state": "approved" if status == IssueStatus.CLOSED else "", "closure_evidence": "",
        "closed_at": None, "closed_by": "", "assigned_by_office": series.assigner, "source_meeting_id": None,
    }


def _audit_details(items: list[IssueInput], issues: list[dict[str, Any]], series: IssueSeries, office: str,
                   uncovered: set[int]) -> dict[str, object]:
    """The audit entry of a creation: how many, which serials, stated deadline reasons, calendar gaps."""
    ids = [str(r["id"]) for r in issues]
    details: dict[str, object] = {"count": len(ids), "first": issues[0]["serial"], "last": issues[-1]["serial"]}
    if series.owner != office:
        details["office"] = series.owner
    if len(ids) <= 20:
        details["ids"] = ids
    reasons = {str(issues[k]["serial"]): inp.deadline_reason.strip() for k, inp in enumerate(items)
               if inp.deadline_reason.strip()}
    if reasons:  # the stated reason of a deadline beyond 15 working days (completeness)
        details["reason" if len(items) == 1 else "deadline_reasons"] = (
            next(iter(reasons.values())) if len(items) == 1 else dict(list(reasons.items())[:50]))
    if uncovered:
        details["calendar_warning"] = workdays.WorkdayResult(None, tuple(sorted(uncovered))).warning
    return details


def _check_serials(s: Session, office: str, items: list[IssueInput], explicit: list[str]) -> None:
    errs: list[ValidationError] = []
    seen: dict[str, int] = {}
    for i, inp in enumerate(items, start=1):
        serial = (inp.serial or "").strip()
        if not serial:
            continue
        if serial in seen:
            errs.append(_err(i, len(items), f"编号“{serial}”与第{seen[serial]}条重复", "请修改编号，或留空由系统编号", "serial"))
        seen.setdefault(serial, i)
    if explicit:
        taken: set[str] = set()
        for start in range(0, len(explicit), 500):
            chunk = explicit[start:start + 500]
            taken.update(s.execute(select(Issue.serial).where(Issue.office_code == office, Issue.serial.in_(chunk),
                                                              Issue.status != IssueStatus.VOID)).scalars())
        for i, inp in enumerate(items, start=1):
            serial = (inp.serial or "").strip()
            if serial and serial in taken:
                errs.append(_err(i, len(items), f"编号“{serial}”已存在", "请修改编号，或留空由系统编号", "serial"))
    if errs:
        raise LedgerValidationError(errs)


def _check_links(s: Session, items: list[IssueInput]) -> None:
    errs: list[ValidationError] = []
    for i, inp in enumerate(items, start=1):
        if inp.source_visit_id and s.get(Visit, inp.source_visit_id) is None:
            errs.append(_err(i, len(items), "关联的调研活动不存在", "请重新选择来源调研", "source_visit_id"))
        if inp.source_topic_id and s.get(Topic, inp.source_topic_id) is None:
            errs.append(_err(i, len(items), "关联的调研课题不存在", "请重新选择来源课题", "source_topic_id"))
    if errs:
        raise LedgerValidationError(errs)
