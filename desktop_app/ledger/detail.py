"""One ledger item in full: its row and its timeline (进展、延期、催办、销号、回访、操作记录)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from db.engine import Database
from db.models import (
    CLOSURE_STATE_LABELS,
    EXTENSION_STATE_LABELS,
    URGE_LEVEL_LABELS,
    AttachmentLink,
    AuditEntry,
    Closure,
    Extension,
    FollowUp,
    Issue,
    Office,
    Progress,
    Urge,
)
from desktop_app.errors import NotFoundError
from desktop_app.ledger import rights
from desktop_app.ledger.query import _COLUMNS, to_row
from desktop_app.ledger.types import ClosureInfo, ExtensionInfo, IssueDetail, TimelineEntry, UrgeInfo
from desktop_app.ledger.warnings import warning_clock

#: audit actions shown on the timeline, in the clerk's words
AUDIT_LABELS = {
    "create_issues": "登记问题",
    "assign_issues": "交办问题",
    "edit_issue": "修改问题",
    "add_progress": "登记进展",
    "request_extension": "申请延期",
    "decide_extension": "审批延期",
    "add_urge": "催办",
    "apply_closure": "申请销号",
    "verify_closure": "审核销号",
    "add_follow_up": "回访",
    "void_issue": "作废",
    "adjust_deadline": "调整期限",
}


def ext_info(e: Extension) -> ExtensionInfo:
    """Plain data of an extension request."""
    return ExtensionInfo(e.id, e.requested_date, e.reason, e.state, EXTENSION_STATE_LABELS.get(e.state, e.state),
                         e.requested_by, e.approver, e.decided_at, e.decision_note)


def urge_info(u: Urge) -> UrgeInfo:
    """Plain data of an urge."""
    return UrgeInfo(u.id, u.date, u.level, URGE_LEVEL_LABELS.get(u.level, str(u.level)), u.note, u.by)


def _audit_date(at: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(at).date()
    except ValueError:
        return None


def get_issue_detail(db: Database, issue_id: str, today: dt.date | None = None) -> IssueDetail:
    """The item, its children and its timeline (oldest first)."""
    clock = warning_clock(db, today)
    with db.session() as s:
        r = s.execute(select(*_COLUMNS).where(Issue.id == issue_id, Issue.deleted.is_(False))).first()
        if r is None:
            raise NotFoundError("该问题不存在或已被删除", "请刷新问题清单后重试")
        row = to_row(r, clock)
        links = s.execute(select(Issue.source_visit_id, Issue.source_topic_id, Issue.created_at,
                                 Issue.assigned_by_office).where(Issue.id == issue_id)).one()
        progress = list(s.execute(select(Progress).where(Progress.issue_id == issue_id, Progress.deleted.is_(False))
                                  .order_by(Progress.date, Progress.created_at)).scalars())
        exts = list(s.execute(select(Extension).where(Extension.issue_id == issue_id, Extension.deleted.is_(False))
                              .order_by(Extension.created_at)).scalars())
        urges = list(s.execute(select(Urge).where(Urge.issue_id == issue_id, Urge.deleted.is_(False))
                               .order_by(Urge.date, Urge.created_at)).scalars())
        closures = list(s.execute(select(Closure).where(Closure.issue_id == issue_id, Closure.deleted.is_(False))
                                  .order_by(Closure.created_at)).scalars())
        follow = list(s.execute(select(FollowUp).where(FollowUp.issue_id == issue_id, FollowUp.deleted.is_(False))
                                .order_by(FollowUp.date, FollowUp.created_at)).scalars())
        audits = list(s.execute(select(AuditEntry).where(AuditEntry.target_table == "issue",
                                                         AuditEntry.target_id == issue_id)
                                .order_by(AuditEntry.id)).scalars())
        owners = [p.id for p in progress] + [c.id for c in closures]
        files: dict[str, list[tuple[str, str]]] = {}
        if owners:
            for link in s.execute(select(AttachmentLink).where(AttachmentLink.owner_id.in_(owners),
                                                               AttachmentLink.deleted.is_(False))).scalars():
                files.setdefault(link.owner_id, []).append((link.name, link.sha256))
        tl: list[TimelineEntry] = []
        for p in progress:
            pct = f"（{p.percent}%）" if p.percent is not None else ""
            tl.append(TimelineEntry(p.date, "progress", "整改进展", f"进展{pct}", p.text, p.reporter, p.id,
                                    sort_key=f"{p.created_at}", files=tuple(files.get(p.id, ()))))
        for e in exts:
            if e.state == "adjusted":  # the assigning office's own step (deadline.adjust_deadline), born decided
                note = "；".join(x for x in (e.reason, e.decision_note) if x)
                tl.append(TimelineEntry(e.decided_at, "extension", "调整期限", f"调整期限至 {e.requested_date:%Y-%m-%d}",
                                        note, e.approver, e.id, e.state, f"{e.created_at}"))
                continue
            tl.append(TimelineEntry(e.created_at.date() if e.created_at else None, "extension", "延期申请",
                                    f"申请延期至 {e.requested_date:%Y-%m-%d}", e.reason, e.requested_by, e.id,
                                    "pending", f"{e.created_at}"))
            if e.decided_at:
                verdict = "批准" if e.state == "approved" else "驳回"
                tl.append(TimelineEntry(e.decided_at, "extension", "延期审批", f"{verdict}延期至 {e.requested_date:%Y-%m-%d}",
                                        e.decision_note, e.approver, e.id, e.state, f"{e.updated_at}"))
        for u in urges:
            tl.append(TimelineEntry(u.date, "urge", "催办", URGE_LEVEL_LABELS.get(u.level, "催办"), u.note, u.by, u.id,
                                    sort_key=f"{u.created_at}"))
        for c in closures:
            tl.append(TimelineEntry(c.applied_at, "closure", "申请销号", "申请销号", c.evidence, c.applicant, c.id,
                                    "applied", f"{c.created_at}", files=tuple(files.get(c.id, ()))))
            if c.decided_at:
                tl.append(TimelineEntry(c.decided_at, "closure", "审核销号",
                                        "审核通过，予以销号" if c.state == "approved" else "退回销号申请", c.note,
                                        c.verifier, c.id, c.state, f"{c.updated_at}"))
        for f in follow:
            title = "回访：" + ("满意" if f.satisfied else "不满意") + ("，重新打开" if f.reopened else "")
            tl.append(TimelineEntry(f.date, "follow_up", "回访", title, f.finding, f.by, f.id,
                                    sort_key=f"{f.created_at}"))
        for a in audits:
            tl.append(TimelineEntry(_audit_date(a.at), "audit", "操作记录", AUDIT_LABELS.get(a.action, a.action),
                                    _audit_text(a.details), a.actor, str(a.id), sort_key=a.at))
        if not any(a.action in ("create_issues", "assign_issues") for a in audits) and links.created_at is not None:
            made, by = "登记问题", ""
            if links.assigned_by_office:  # an item another office assigned: say which (its audit stays there)
                made = "交办问题"
                name = s.execute(select(Office.name).where(Office.code == links.assigned_by_office)).scalar()
                by = str(name or links.assigned_by_office)
            tl.append(TimelineEntry(links.created_at.date(), "audit", "操作记录", made, "", by, "",
                                    sort_key=str(links.created_at)))
        tl.sort(key=lambda t: (t.at or dt.date.min, t.sort_key))
        ext_list = [ext_info(e) for e in exts]
        clo_list = [ClosureInfo(c.id, c.applied_at, c.applicant, c.evidence, c.state,
                                CLOSURE_STATE_LABELS.get(c.state, c.state), c.verifier, c.decided_at, c.note)
                    for c in closures]
        warnings = list(clock.warnings)
        if row.deadline_basis == "workdays" and row.assigned_date and row.deadline:
            cal = clock.calendar
            w = cal.workdays_between(row.assigned_date, row.deadline).warning
            if w:
                warnings.append(w)
        return IssueDetail(
            row=row, timeline=tl, extensions=ext_list, closures=clo_list, urges=[urge_info(u) for u in urges],
            pending_extension=next((x for x in ext_list if x.state == "pending"), None),
            pending_closure=next((x for x in clo_list if x.state == "applied"), None),
            read_only=row.status in ("closed", "void"), warnings=warnings,
            source_visit_id=links.source_visit_id, source_topic_id=links.source_topic_id,
            refused_steps=rights.refused_steps(db.office_code or "", row.office_code, links.assigned_by_office or ""),
        )


def _audit_text(details: str) -> str:
    try:
        d = json.loads(details)
    except ValueError:
        return ""
    parts = []
    if "reason" in d:
        parts.append(f"原因：{d['reason']}")
    if "deadline" in d and d["deadline"]:
        parts.append(f"完成时限：{d['deadline']}")
    if d.get("calendar_warning"):
        parts.append(str(d["calendar_warning"]))
    return "；".join(parts)
