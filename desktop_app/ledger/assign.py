"""州级交办 — a prefecture (市级) office assigns ledger items to a county (DESIGN.md §4).

An assigned item belongs to the county (``office_code``): the county records its
progress, its rectification and applies for closure. The prefecture that assigned it
(``assigned_by_office``) owns its deadline, its closure verdict (审核销号) and its
reopening. The item travels to the county in the prefecture's next bundle.

Items are made by ``service.create_issues`` (same validation, working-day deadlines,
search index and audit), numbered in the prefecture's own 交办 series (e.g.
``州交2026-001``, one sequence per prefecture and year), a format the counties' own
serials do not use, so a number made here never collides with one a county makes
offline at the same time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Office
from desktop_app.core.audit import Actor
from desktop_app.core.errors import PermissionDeniedError, SetupRequiredError, ValidationError
from desktop_app.core.ledger_codes import IssueStatus
from desktop_app.ledger import service
from desktop_app.ledger.service import IssueSeries, LedgerValidationError, _err
from desktop_app.ledger.types import IssueInput
from desktop_app.org import scope, settings
from desktop_app.org.field_ownership import is_county_of
from desktop_app.org.scope import OfficeChoice

SETTING_ASSIGN_FORMAT = "ledger.assign_serial_format"
#: the audit action of an assignment (shown on the item's timeline as 交办问题)
ACTION = "assign_issues"


def assign_serial_format(db: Database) -> str:
    """The 交办 serial format: a setting, else 州交{year}-{n:03d} (市交… for a 市).

    It must differ from the counties' own format, which never starts with 州交/市交 by default.
    """
    fmt = settings.get(db, SETTING_ASSIGN_FORMAT)
    if isinstance(fmt, str) and service._valid_format(fmt):
        return fmt
    with db.session() as s:
        name = s.execute(select(Office.name).where(Office.code == db.office_code)).scalar() or ""
    prefix = "市交" if "市" in name and "州" not in name else "州交"
    return prefix + "{year}-{n:03d}"


def assignable_counties(db: Database) -> list[OfficeChoice]:
    """The offices a prefecture may assign to: its own counties known here (by division code,
    ``sync.ownership.is_county_of``) — every other office would refuse the item on import.

    Empty for a county office.
    """
    if not db.office_code:
        raise SetupRequiredError()
    if not scope.is_prefecture(db):
        return []
    with db.session() as s:
        prefectures = set(s.execute(select(Office.code).where(Office.level == "prefecture")).scalars())
    return [c for c in scope.office_choices(db)
            if not c.own and c.code not in prefectures and is_county_of(c.code, db.office_code)]


def _check_items(items: list[IssueInput]) -> None:
    """What only the county may fill in: progress, status, its own serial."""
    errs: list[ValidationError] = []
    n = len(items)
    for i, inp in enumerate(items, start=1):
        if inp.status != IssueStatus.NOT_STARTED:
            errs.append(_err(i, n, "交办问题的整改状态由责任县（区）填报", "请保留“未启动”，由责任县（区）登记进展",
                             "status"))
        if inp.progress_text.strip() or inp.progress_percent:
            errs.append(_err(i, n, "交办问题的整改进展由责任县（区）填报", "请清空整改进展", "progress_text"))
        if (inp.serial or "").strip():
            errs.append(_err(i, n, "交办问题的编号由系统按本单位交办序列编排", "请将编号留空", "serial"))
    if errs:
        raise LedgerValidationError(errs)


def assign_issues(db: Database, actor: Actor, county_code: str, inputs: list[IssueInput],
                  today: dt.date | None = None, session: Session | None = None) -> list[str]:
    """Assign items to the county ``county_code`` (州级交办) — all or nothing; returns their ids.

    Only a prefecture office may assign, only to a county whose data or card is here.
    The items are the county's (``office_code``), assigned by this office, source 上级交办,
    assigned today unless a date is given, numbered in this office's 交办 series; 责任单位
    defaults to the county's name. Validation, working-day deadlines, search indexing and
    the audit entry are ``create_issues``'. ``session``: write inside the caller's open
    transaction (批量交办 to several counties, all or nothing).
    """
    if not db.office_code:
        raise SetupRequiredError()
    if not scope.is_prefecture(db):
        raise PermissionDeniedError("只有市（州）级单位可以交办问题", "县级单位请使用“登记问题”登记本单位的问题")
    code = (county_code or "").strip()
    if not code:
        raise ValidationError("请选择责任县（区）", "交办问题须指定一个责任县（区）", field="office")
    if code == db.office_code:
        raise ValidationError("不能向本单位交办问题", "本单位的问题请使用“登记问题”", field="office")
    counties = {c.code: c.name for c in assignable_counties(db)}
    if code not in counties:
        raise ValidationError(f"没有县（区）“{code}”", "请先导入该县（区）的单位名片或同步包，或检查单位代码",
                              field="office")
    if not inputs:
        return []
    _check_items(inputs)
    today = today or dt.date.today()
    name = counties[code]
    items = [dataclasses.replace(inp, source="assigned", assigned_date=inp.assigned_date or today,
                                 unit=inp.unit.strip() or (name if name != code else ""))
             for inp in inputs]
    series = IssueSeries(owner=code, assigner=db.office_code, fmt=assign_serial_format(db), action=ACTION)
    return service.create_issues(db, actor, items, today=today, series=series, session=session)
