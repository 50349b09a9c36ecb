"""调整期限 — the office that assigned an item (交办单位) moves its deadline without an extension request.

The deadline of an assigned item is the assigning office's field (DESIGN.md §4): the county
asks for an extension (延期申请) and the assigner decides it; this step is the assigner's own
decision. It is recorded as an extension row born decided (state ``adjusted``, requested and
decided by the judge), so it travels to every office in the ordinary ``extension`` table,
shows on every office's timeline, and is accepted by the importer only from the judge
(``desktop_app.org.field_ownership``: ``state`` is a verdict field). The original deadline is kept
exactly as an approved extension keeps it (``Issue.original_deadline``). No schema change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.engine import Database
from db.models import Extension
from desktop_app import calendar as workdays
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import ValidationError
from desktop_app.core.ledger_codes import ExtensionState
from desktop_app.ledger import steps
from desktop_app.ledger.lifecycle import _issue, _text
from desktop_app.ledger.service import MAX_WORKDAYS
from desktop_app.ledger.steps import Step

#: the state of an extension row that records an adjustment by the assigning office
ADJUSTED = ExtensionState.ADJUSTED
#: the audit action (shown on the timeline as 调整期限)
ACTION = "adjust_deadline"


@dataclass(frozen=True)
class DeadlineAdjustment:
    """What an adjustment did: the deadline before and after, the kept original, the record's id."""

    issue_id: str
    extension_id: str
    old_deadline: dt.date | None
    new_deadline: dt.date
    original_deadline: dt.date | None
    basis: str
    workdays: int | None
    calendar_warning: str = ""


def previous_note(old: dt.date | None) -> str:
    """The decision note of an adjustment: the deadline it replaced, in words every office reads."""
    return f"原完成时限 {old:%Y-%m-%d}" if old else "原无完成时限"


def adjust_deadline(db: Database, actor: Actor, issue_id: str, *, new_deadline: dt.date | None = None,
                    working_days: int | None = None, reason: str, by: str = "",
                    today: dt.date | None = None) -> DeadlineAdjustment:
    """Move an open item's deadline (调整期限) — the assigning office's step, else the owner's.

    Give either ``new_deadline`` or ``working_days`` (N Chinese working days from the
    assignment date, else from today, on the official calendar — as a deadline in
    working days is counted everywhere). The reason is required. Refused, nothing
    changed: a closed or voided item, a new deadline before the assignment date or equal
    to the current one, an office that is not the item's judge (``rights``).
    """
    why = _text(reason, "调整理由", "reason", limit=1000)
    if (new_deadline is None) == (working_days is None):
        raise ValidationError("请在“新期限”和“工作日数”中填写且只填写一项",
                              "请选择具体日期，或填写“交办后N个工作日”", field="new_deadline")
    if working_days is not None and not (1 <= working_days <= MAX_WORKDAYS):
        raise ValidationError(f"工作日数“{working_days}”无效", f"请填写1到{MAX_WORKDAYS}之间的整数",
                              field="working_days")
    today = today or dt.date.today()
    with db.transaction() as s:
        issue = _issue(s, issue_id)
        steps.check(s, db.office_code or "", actor, issue, Step.ADJUST_DEADLINE)
        basis, warning = "date", ""
        if working_days is not None:
            r = workdays.load_calendar(db).add_workdays(issue.assigned_date or today, working_days)
            new_deadline, basis, warning = r.value, "workdays", r.warning
        assert new_deadline is not None  # one of the two, checked above
        if issue.assigned_date is not None and new_deadline < issue.assigned_date:
            raise ValidationError(f"新期限 {new_deadline:%Y-%m-%d} 早于交办日期 {issue.assigned_date:%Y-%m-%d}",
                                  "请将新期限改为交办日期之后", field="new_deadline")
        old = issue.deadline
        if old == new_deadline:
            raise ValidationError(f"新期限 {new_deadline:%Y-%m-%d} 与当前完成时限相同", "请选择不同的日期，或取消调整",
                                  field="new_deadline")
        who = by.strip() or actor.label
        ext = Extension(issue_id=issue_id, requested_date=new_deadline, reason=why, state=ADJUSTED,
                        requested_by=who, approver=who, decided_at=today, decision_note=previous_note(old))
        s.add(ext)
        # as an approved extension does (lifecycle.decide_extension): the first move keeps the original
        if issue.original_deadline is None:
            issue.original_deadline = old
        issue.deadline = new_deadline
        issue.deadline_basis, issue.deadline_workdays = basis, working_days
        s.flush()
        details: dict[str, object] = {"extension_id": ext.id, "from": old, "deadline": new_deadline,
                                      "reason": why, "basis": basis}
        if working_days is not None:
            details["workdays"] = working_days
        if warning:
            details["calendar_warning"] = warning
        audit.record(s, actor, ACTION, "issue", issue_id, details)
        return DeadlineAdjustment(issue_id, ext.id, old, new_deadline, issue.original_deadline, basis,
                                  working_days, warning)
