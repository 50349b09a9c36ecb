"""The life of a ledger item after it is recorded: edit, progress, extension, urge, closure, follow-up, void.

Each step is one transaction with one audit entry. A step that does not fit
the item's state is refused with a Chinese message and changes nothing:
closed items (已销号) are read-only until a follow-up reopens them, voided
items (已作废) cannot be edited, an extension on a closed item is refused, a
deadline before the assignment date is refused, closure needs evidence.
Which step is allowed from which state, for which office and person, is one table
(``desktop_app.ledger.steps``): each service calls ``steps.check`` before it writes, and the
detail pane shows the same answers (``IssueDetail.allowed_steps``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import AttachmentLink, Closure, Extension, FollowUp, Issue, Progress, Urge
from desktop_app import calendar as workdays
from desktop_app.core import attachments, audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, StaleEditError, StateError, ValidationError
from desktop_app.core.ledger_codes import URGE_LEVEL_LABELS, ClosureState, ExtensionState, IssueStatus
from desktop_app.ledger import completeness, rights, search, steps
from desktop_app.ledger.service import validate_input
from desktop_app.ledger.steps import Step
from desktop_app.ledger.types import IssueInput


def _issue(s: Session, issue_id: str, lock: bool = False) -> Issue:
    # lock: SELECT … FOR UPDATE on a server, so a check of the row's version holds until the write (SQLite ignores it)
    issue = s.get(Issue, issue_id, with_for_update=lock or None)
    if issue is None or issue.deleted:
        raise NotFoundError("该问题不存在或已被删除", "请刷新问题清单后重试")
    return issue


def _text(value: str, label: str, field: str, limit: int = 4000) -> str:
    v = (value or "").strip()
    if not v:
        raise ValidationError(f"{label}不能为空", f"请填写{label}", field=field)
    if len(v) > limit:
        raise ValidationError(f"{label}超过{limit}字", f"请精简{label}", field=field)
    return v


def edit_issue(db: Database, actor: Actor, issue_id: str, data: IssueInput, today: dt.date | None = None,
               complete: bool = False, expected_version: int | None = None) -> None:
    """Change an item's fields (not its serial, year or status — those have their own steps).

    While no extension has been approved the original deadline follows the
    deadline (a correction); after one, it stays as it was. ``complete``: refuse an item
    without the elements of ``completeness`` (the item form asks for it: 待完善 items are
    completed there).

    ``expected_version``: the item's ``IssueDetail.version`` when the clerk opened it. If anyone
    (another clerk on the shared server, a bundle) changed it since, the edit is refused with
    StaleEditError and nothing is written. The row is locked while checked and written.
    """
    if complete:
        data = completeness.with_default_deadline(data)
    errs = validate_input(data, complete=complete)
    if errs:
        raise errs[0]
    today = today or dt.date.today()
    with db.transaction() as s:
        issue = _issue(s, issue_id, lock=expected_version is not None)
        if expected_version is not None and int(issue.hlc or 0) != expected_version:
            raise StaleEditError()
        writer = db.office_code or ""
        steps.check(s, writer, actor, issue, Step.EDIT)
        assigned = data.assigned_date
        deadline = data.deadline
        basis = "date"
        warning = ""
        if data.deadline_workdays is not None:
            assigned = assigned or issue.assigned_date or today
            r = workdays.load_calendar(db).add_workdays(assigned, data.deadline_workdays)
            deadline, basis, warning = r.value, "workdays", r.warning
        if deadline is not None and assigned is not None and deadline < assigned:
            raise ValidationError(f"完成时限 {deadline:%Y-%m-%d} 早于交办日期 {assigned:%Y-%m-%d}",
                                  "请将完成时限改为交办日期之后", field="deadline")
        # an approved extension or an adjustment by the assigner (调整期限) moved the deadline: keep the original
        extended = s.execute(select(Extension.id).where(Extension.issue_id == issue_id,
                                                        Extension.state.in_((ExtensionState.APPROVED, ExtensionState.ADJUSTED)))
                             ).first() is not None
        before = {"deadline": issue.deadline, "unit": issue.responsible_unit, "person": issue.responsible_person}
        # an assigned item's deadline is the assigning office's: its owner edits everything else
        own_deadline = rights.assigner_may_set(writer, issue)
        if not own_deadline:
            if deadline != issue.deadline or (data.assigned_date is not None and assigned != issue.assigned_date):
                rights.refuse_deadline_change(s, writer, issue)
            assigned, deadline, basis = issue.assigned_date, issue.deadline, issue.deadline_basis
        issue.category, issue.description, issue.measures = data.category.strip(), data.description.strip(), data.measures.strip()
        issue.kind, issue.source = data.kind, data.source
        issue.source_visit_id, issue.source_topic_id = data.source_visit_id or None, data.source_topic_id or None
        issue.lead_leader, issue.responsible_unit = data.leader.strip(), data.unit.strip()
        issue.co_units, issue.responsible_person = data.co_units.strip(), data.person.strip()
        if own_deadline:
            issue.assigned_date, issue.deadline = assigned, deadline
            issue.deadline_basis, issue.deadline_workdays = basis, data.deadline_workdays
            if not extended:
                issue.original_deadline = deadline
        if not s.is_modified(issue):
            return  # 编辑 then 保存 with nothing changed: no write, so no "修改问题" entry on the timeline
        s.flush()
        search.index_issues(s, [issue_id])
        details = {"before": before, "deadline": deadline, "unit": issue.responsible_unit}
        if warning:
            details["calendar_warning"] = warning
        audit.record(s, actor, "edit_issue", "issue", issue_id, details)


def _attach(s: Session, attachments_dir: Path | None, files: Sequence[Path], owner_table: str, owner_id: str) -> int:
    """Store files (content once, by sha256) and link them to a row, inside the caller's transaction."""
    if not files:
        return 0
    if attachments_dir is None:
        raise ValidationError("未指定附件存放目录", "请通过程序界面上传附件", field="attachments")
    for f in files:
        info = attachments.store_file(s, attachments_dir, Path(f))
        s.add(AttachmentLink(owner_table=owner_table, owner_id=owner_id, sha256=info.sha256, name=info.name))
    return len(files)


def add_progress(db: Database, actor: Actor, issue_id: str, date: dt.date, text: str, percent: int | None = None,
                 reporter: str = "", files: Sequence[Path] = (), attachments_dir: Path | None = None) -> str:
    """Append a progress entry (整改进展), with attached files if any; returns its id. 100% marks the item 已完成."""
    body = _text(text, "进展情况", "text")
    if percent is not None and not (0 <= percent <= 100):
        raise ValidationError(f"完成进度“{percent}”超出0–100", "请填写0到100之间的整数", field="percent")
    with db.transaction() as s:
        issue = _issue(s, issue_id)
        steps.check(s, db.office_code or "", actor, issue, Step.PROGRESS)
        p = Progress(issue_id=issue_id, date=date, text=body, percent=percent, reporter=reporter.strip() or actor.label)
        s.add(p)
        s.flush()
        _attach(s, attachments_dir, files, "progress", p.id)
        issue.latest_progress = body
        if percent is not None:
            issue.progress_percent = percent
        if percent == 100:
            issue.status = IssueStatus.DONE
        elif issue.status in (IssueStatus.NOT_STARTED, IssueStatus.DONE):
            issue.status = IssueStatus.IN_PROGRESS
        s.flush()
        search.index_issues(s, [issue_id])
        audit.record(s, actor, "add_progress", "issue", issue_id, {"progress_id": p.id, "percent": percent})
        return p.id


def request_extension(db: Database, actor: Actor, issue_id: str, new_date: dt.date, reason: str,
                      requested_by: str = "") -> str:
    """Ask to move the deadline (延期申请); a leader decides. Returns the request's id."""
    why = _text(reason, "延期理由", "reason")
    with db.transaction() as s:
        issue = _issue(s, issue_id)
        steps.check(s, db.office_code or "", actor, issue, Step.EXTENSION)
        if issue.deadline is not None and new_date <= issue.deadline:  # (the rule refuses an item without one)
            raise ValidationError(f"延期后的时限 {new_date:%Y-%m-%d} 须晚于当前时限 {issue.deadline:%Y-%m-%d}",
                                  "请选择更晚的日期", field="new_date")
        ext = Extension(issue_id=issue_id, requested_date=new_date, reason=why,
                        requested_by=requested_by.strip() or actor.label)
        s.add(ext)
        s.flush()
        audit.record(s, actor, "request_extension", "issue", issue_id,
                     {"extension_id": ext.id, "from": issue.deadline, "to": new_date})
        return ext.id


def decide_extension(db: Database, actor: Actor, extension_id: str, approve: bool, note: str = "",
                     approver: str = "", today: dt.date | None = None) -> None:
    """Approve or reject an extension. Approval moves the deadline; the original deadline is kept."""
    with db.transaction() as s:
        ext = s.get(Extension, extension_id)
        if ext is None or ext.deleted:
            raise NotFoundError("该延期申请不存在", "请刷新后重试")
        if ext.state != ExtensionState.PENDING:
            raise StateError("该延期申请已审批过", "如需再次延期，请重新提出申请")
        issue = _issue(s, ext.issue_id)
        steps.check(s, db.office_code or "", actor, issue, Step.DECIDE_EXTENSION, extension=ext)
        audit.check_right(s, actor, "decide_extension")  # before accounts' sign-in: "请先登录"
        ext.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
        # with accounts the approver is whoever is signed in, never a typed name
        ext.approver = actor.label if actor.account else (approver.strip() or actor.label)
        ext.decided_at = today or dt.date.today()
        ext.decision_note = (note or "").strip()
        if approve:
            if issue.original_deadline is None:
                issue.original_deadline = issue.deadline
            issue.deadline = ext.requested_date
            issue.deadline_basis = "date"
        audit.record(s, actor, "decide_extension", "issue", issue.id,
                     {"extension_id": ext.id, "approved": approve, "deadline": issue.deadline})


def add_urge(db: Database, actor: Actor, issue_id: str, level: int = 1, note: str = "", date: dt.date | None = None,
             by: str = "") -> str:
    """Record an urge (催办) of level 1 一般催办, 2 重点催办 or 3 挂牌督办; returns its id."""
    if level not in URGE_LEVEL_LABELS:
        raise ValidationError(f"催办级别“{level}”无效", "请选择 一般催办、重点催办 或 挂牌督办", field="level")
    with db.transaction() as s:
        issue = _issue(s, issue_id)
        steps.check(s, db.office_code or "", actor, issue, Step.URGE)
        u = Urge(issue_id=issue_id, date=date or dt.date.today(), level=level, note=(note or "").strip(),
                 by=by.strip() or actor.label)
        s.add(u)
        s.flush()
        audit.record(s, actor, "add_urge", "issue", issue_id, {"urge_id": u.id, "level": level})
        return u.id


def closure_gaps(db: Database, issue_id: str, files: int = 0) -> list[str]:
    """What an application to close (申请销号) would pass over, in words the clerk is asked about first:
    progress below 100 %, no evidence file attached ('' when there is nothing to ask)."""
    with db.session() as s:
        issue = _issue(s, issue_id)
        gaps = []
        if (issue.progress_percent or 0) < 100:
            gaps.append(f"完成进度为{issue.progress_percent or 0}%，未达到100%")
        if files == 0:
            gaps.append("未附佐证材料文件（只有文字说明）")
        return gaps


def apply_closure(db: Database, actor: Actor, issue_id: str, evidence: str, date: dt.date | None = None,
                  applicant: str = "", files: Sequence[Path] = (), attachments_dir: Path | None = None) -> str:
    """Apply to close an item (申请销号) with evidence (text, and files if any); a verifier decides.
    Returns the application's id.

    The item becomes 已完成 at 100 %: status and progress never contradict (已完成 beside 60 %). The
    form asks first when ``closure_gaps`` names something (progress below 100 %, no file); the gap
    passed over is kept in the audit entry.
    """
    proof = (evidence or "").strip()
    if not proof and files:
        proof = "见附件：" + "、".join(Path(f).name for f in files)
    if not proof:
        raise ValidationError("申请销号须提供整改佐证材料", "请填写整改完成情况及佐证材料（文件、照片、会议记录等）",
                              field="evidence")
    with db.transaction() as s:
        issue = _issue(s, issue_id)
        steps.check(s, db.office_code or "", actor, issue, Step.CLOSURE)
        c = Closure(issue_id=issue_id, applied_at=date or dt.date.today(), evidence=proof,
                    applicant=applicant.strip() or actor.label)
        s.add(c)
        s.flush()
        _attach(s, attachments_dir, files, "closure", c.id)
        issue.closure_state = ClosureState.APPLIED
        issue.closure_evidence = proof
        issue.status = IssueStatus.DONE
        details: dict[str, object] = {"closure_id": c.id}
        if (issue.progress_percent or 0) < 100:
            details["progress_before"] = issue.progress_percent or 0
            issue.progress_percent = 100
        s.flush()
        audit.record(s, actor, "apply_closure", "issue", issue_id, details)
        return c.id


def verify_closure(db: Database, actor: Actor, issue_id: str, approve: bool, note: str = "", verifier: str = "",
                   date: dt.date | None = None) -> None:
    """Approve (审核销号 → 已销号) or return (退回) the pending closure application."""
    with db.transaction() as s:
        issue = _issue(s, issue_id)
        writer = db.office_code or ""
        c = steps.pending_closure(s, issue)
        steps.check(s, writer, actor, issue, Step.VERIFY, closure=c)
        assert c is not None  # the rule refuses an item with no application under review
        audit.check_right(s, actor, "verify_closure")  # before accounts' sign-in: "请先登录"
        if not approve and not (note or "").strip():
            raise ValidationError("退回销号申请须说明理由", "请填写退回理由", field="note")
        when = date or dt.date.today()
        who = actor.label if actor.account else (verifier.strip() or actor.label)
        c.state = ClosureState.APPROVED if approve else ClosureState.RETURNED
        c.verifier, c.decided_at, c.note = who, when, (note or "").strip()
        if approve:
            issue.status, issue.closure_state = IssueStatus.CLOSED, ClosureState.APPROVED
            issue.closed_at, issue.closed_by = when, who
            if not writer or writer == issue.office_code:
                issue.progress_percent = 100  # the owner's field: an assigning office leaves it to the county
        else:
            issue.status, issue.closure_state = IssueStatus.IN_PROGRESS, ClosureState.RETURNED
        audit.record(s, actor, "verify_closure", "issue", issue_id, {"closure_id": c.id, "approved": approve})


def add_follow_up(db: Database, actor: Actor, issue_id: str, date: dt.date, finding: str, satisfied: bool = True,
                  reopen: bool = False, by: str = "") -> str:
    """Record a follow-up visit (回访); ``reopen`` brings a closed item back to 推进中. Returns its id."""
    text = _text(finding, "回访情况", "finding")
    with db.transaction() as s:
        issue = _issue(s, issue_id)
        # reopening is a verdict, as 审核销号 is (the follow-up itself is 录入: audit.record checks that)
        steps.check(s, db.office_code or "", actor, issue, Step.REOPEN if reopen else Step.FOLLOW_UP)
        if reopen:
            audit.check_right(s, actor, "verify_closure")  # before accounts' sign-in: "请先登录"
        f = FollowUp(issue_id=issue_id, date=date, finding=text, satisfied=satisfied, reopened=reopen,
                     by=by.strip() or actor.label)
        s.add(f)
        if reopen:
            issue.status, issue.closure_state = IssueStatus.IN_PROGRESS, ClosureState.NONE
            issue.closed_at, issue.closed_by = None, ""
        s.flush()
        audit.record(s, actor, "add_follow_up", "issue", issue_id,
                     {"follow_up_id": f.id, "satisfied": satisfied, "reopened": reopen})
        return f.id


def void_issue(db: Database, actor: Actor, issue_id: str, reason: str) -> None:
    """Void an item (作废) instead of deleting it; it stays on record, read-only."""
    why = _text(reason, "作废原因", "reason")
    with db.transaction() as s:
        issue = _issue(s, issue_id)
        steps.check(s, db.office_code or "", actor, issue, Step.VOID)
        before = issue.status
        issue.status = IssueStatus.VOID
        audit.record(s, actor, "void_issue", "issue", issue_id, {"reason": why, "status_before": before})
