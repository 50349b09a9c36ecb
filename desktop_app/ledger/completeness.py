"""台账要素 — every problem with its 解决措施、责任单位、责任人和完成时限 (逐一列出).

A ledger item needs a description, measures, a responsible unit, a responsible person and a
kind (立行立改 / 限期整改 / 长期坚持); a 限期整改 item needs a deadline. Where none is set, the
documents' default applies: 7 working days (“没有时限要求的，7个工作日内……”), and a deadline of
more than 15 working days needs a stated reason (“……不超过15个工作日”).

The rules are enforced where a clerk records an item — the item form and the Excel import
(``complete=True`` of ``service.create_issues`` / ``service.validate_input``); items already in
the ledger without them are listed by the 待完善 filter and counted on the dashboard
(``incomplete_condition``), so they can be completed rather than lost.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import ColumnElement, and_, or_

from db.models import Issue
from desktop_app.core.errors import ValidationError
from desktop_app.core.ledger_codes import IssueStatus
from desktop_app.ledger.types import IssueInput

DEFAULT_WORKDAYS = 7
#: a deadline of more working days than this needs a stated reason
MAX_WORKDAYS_WITHOUT_REASON = 15
#: the fields every item needs: (IssueInput field, label)
REQUIRED = (("description", "问题描述"), ("measures", "整改措施"), ("unit", "责任单位"), ("person", "责任人"))
INCOMPLETE_LABEL = "待完善"


def with_default_deadline(inp: IssueInput) -> IssueInput:
    """A 限期整改 item with no deadline gets the default of 7 working days."""
    if inp.kind == "dated" and inp.deadline is None and inp.deadline_workdays is None:
        return replace(inp, deadline_workdays=DEFAULT_WORKDAYS)
    return inp


def missing(inp: IssueInput) -> list[tuple[str, str]]:
    """The required fields ``inp`` leaves empty: (field, label)."""
    out = [(f, label) for f, label in REQUIRED if not (getattr(inp, f) or "").strip()]
    if inp.kind == "dated" and inp.deadline is None and inp.deadline_workdays is None:
        out.append(("deadline", "完成时限"))
    return out


def completeness_errors(inp: IssueInput, where: str) -> list[ValidationError]:
    """Every missing element of one item and an over-long working-day deadline without a reason.

    ``where`` names the item (“第3条问题：”, or '' for one item)."""
    errs = [ValidationError(f"{where}缺少{label}", f"请填写{label}（每个问题须逐一列明整改措施、责任单位、责任人和完成时限）",
                            field=f) for f, label in missing(inp) if f != "description"]  # 问题描述 is checked always
    n = inp.deadline_workdays
    if n is not None and n > MAX_WORKDAYS_WITHOUT_REASON and not (inp.deadline_reason or "").strip():
        errs.append(ValidationError(
            f"{where}完成时限为{n}个工作日，超过{MAX_WORKDAYS_WITHOUT_REASON}个工作日须说明理由",
            f"请填写超过{MAX_WORKDAYS_WITHOUT_REASON}个工作日的理由，或把时限改为{MAX_WORKDAYS_WITHOUT_REASON}个工作日以内",
            field="deadline_reason"))
    return errs


def incomplete_condition() -> ColumnElement[bool]:
    """SQL: a live item that lacks measures, a responsible unit or person, or (限期整改) a deadline."""
    return and_(Issue.status != IssueStatus.VOID, or_(
        Issue.measures == "", Issue.measures.is_(None),
        Issue.responsible_unit == "", Issue.responsible_unit.is_(None),
        Issue.responsible_person == "", Issue.responsible_person.is_(None),
        and_(Issue.kind == "dated", Issue.deadline.is_(None))))


def missing_labels(row: object) -> list[str]:
    """What a stored item (an ``IssueRow``) lacks, in words: ['整改措施', '责任人']."""
    out = [label for f, label in (("measures", "整改措施"), ("responsible_unit", "责任单位"),
                                  ("responsible_person", "责任人")) if not (getattr(row, f, "") or "").strip()]
    if getattr(row, "kind", "") == "dated" and getattr(row, "deadline", None) is None:
        out.append("完成时限")
    return out
