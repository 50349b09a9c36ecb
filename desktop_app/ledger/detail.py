"""One ledger item in full: its row and its timeline (进展、延期、催办、销号、回访、操作记录)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import AttachmentLink, AuditEntry, ChangeLog, Closure, Extension, FollowUp, Issue, Progress, Urge
from desktop_app.core import audit as audit_mod
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError
from desktop_app.core.ledger_codes import (
    CLOSURE_STATE_LABELS,
    ENDED_STATUSES,
    EXTENSION_STATE_LABELS,
    FINISHED_STATUSES,
    ISSUE_STATUS_LABELS,
    URGE_LEVEL_LABELS,
    IssueStatus,
)
from desktop_app.core.meeting_links import source_meeting_text
from desktop_app.ledger import completeness, rights, steps
from desktop_app.ledger.query import _COLUMNS, to_row
from desktop_app.ledger.steps import Step
from desktop_app.ledger.types import ClosureInfo, ExtensionInfo, IssueDetail, IssueRow, TimelineEntry, UrgeInfo
from desktop_app.ledger.warnings import WarningClock, warning_clock
from desktop_app.org.ownership import office_name

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
    "recompute_deadline": "重算期限",
}


def ext_info(e: Extension) -> ExtensionInfo:
    """Plain data of an extension request."""
    return ExtensionInfo(e.id, e.requested_date, e.reason, e.state, EXTENSION_STATE_LABELS.get(e.state, e.state),
                         e.requested_by, e.approver, e.decided_at, e.decision_note)


def urge_info(u: Urge) -> UrgeInfo:
    """Plain data of an urge."""
    return UrgeInfo(u.id, u.date, u.level, URGE_LEVEL_LABELS.get(u.level, str(u.level)), u.note, u.by)


#: audit actions written together with a lifecycle row, and the details key naming that row: the row's own
#: timeline entry tells the step, so the audit entry is not shown a second time (its recorder is kept)
STEP_ROW_KEYS = {
    "add_progress": "progress_id",
    "request_extension": "extension_id",
    "decide_extension": "extension_id",
    "adjust_deadline": "extension_id",
    "add_urge": "urge_id",
    "apply_closure": "closure_id",
    "verify_closure": "closure_id",
    "add_follow_up": "follow_up_id",
}
#: within one instant an item is made before anything else happens to it
_CREATION = ("create_issues", "assign_issues")


def _audit_date(at: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(at).date()
    except ValueError:
        return None


def _instant(at: dt.datetime | str | None) -> str:
    """A sortable UTC timestamp: rows' created_at/updated_at are UTC (SQLite CURRENT_TIMESTAMP), audit
    timestamps are the writer's local time; compared as written (\" \" against \"T\") they misorder a day."""
    if at is None:
        return ""
    if isinstance(at, str):
        try:
            t = dt.datetime.fromisoformat(at)
        except ValueError:
            return at
        t = t.astimezone(dt.UTC)  # a naive one is taken as local time, as audit.record wrote it
    else:
        t = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")


def get_issue_detail(db: Database, issue_id: str, today: dt.date | None = None,
                     actor: Actor | None = None) -> IssueDetail:
    """The item, its children and its timeline (oldest first), and which steps ``actor`` may take on it here
    (``allowed_steps``; without an actor, only the item's state and this office decide)."""
    clock = warning_clock(db, today)
    with db.session() as s:
        r = s.execute(select(*_COLUMNS).where(Issue.id == issue_id, Issue.deleted.is_(False))).first()
        if r is None:
            raise NotFoundError("该问题不存在或已被删除", "请刷新问题清单后重试")
        row = to_row(r, clock)
        links = s.execute(select(Issue.source_visit_id, Issue.source_topic_id, Issue.created_at,
                                 Issue.assigned_by_office, Issue.hlc, Issue.source_meeting_id)
                          .where(Issue.id == issue_id)).one()
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
        files = _attachments(s, [p.id for p in progress] + [c.id for c in closures])
        steps = {**_progress_entries(progress, files), **_extension_entries(exts), **_urge_entries(urges),
                 **_closure_entries(closures, files), **_follow_up_entries(follow)}
        names = _OfficeNames(s)
        events = _fold_audits(steps, audits, names, before_accounts=audit_mod.accounts_exist(s))
        remote = _remote_actors(s, db.office_code or "", [issue_id, *(k[1] for k in steps)])
        events = [(_with_remote(t, remote, names), seq) if seq == 0 else (t, seq) for t, seq in events]
        if not any(a.action in _CREATION for a in audits) and links.created_at is not None:
            events.append((_registration_entry(issue_id, row, links.created_at, links.assigned_by_office,
                                               remote, names), 0))
        tl = [t for t, _seq in sorted(events, key=_order)]
        ext_list = [ext_info(e) for e in exts]
        clo_list = [ClosureInfo(c.id, c.applied_at, c.applicant, c.evidence, c.state,
                                CLOSURE_STATE_LABELS.get(c.state, c.state), c.verifier, c.decided_at, c.note)
                    for c in closures]
        return IssueDetail(
            row=row, timeline=tl, extensions=ext_list, closures=clo_list, urges=[urge_info(u) for u in urges],
            pending_extension=next((x for x in ext_list if x.state == "pending"), None),
            pending_closure=next((x for x in clo_list if x.state == "applied"), None),
            read_only=row.status in ENDED_STATUSES, warnings=_detail_warnings(row, clock),
            source_visit_id=links.source_visit_id, source_topic_id=links.source_topic_id,
            source_meeting=source_meeting_text(s, links.source_meeting_id),
            refused_steps=rights.refused_steps(db.office_code or "", row.office_code, links.assigned_by_office or ""),
            allowed_steps=_allowed_steps(s, db.office_code or "", actor or audit_mod.SYSTEM, issue_id),
            version=int(links.hlc or 0),
        )


#: (step, row id) → the row's timeline entry; an audit entry of that step is folded into it (``_fold_audits``)
_StepEntries = dict[tuple[str, str], TimelineEntry]


def _attachments(s: Session, owners: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The live attachments (name, sha256) of each of ``owners`` (progress and closure rows)."""
    files: dict[str, list[tuple[str, str]]] = {}
    if owners:
        for link in s.execute(select(AttachmentLink).where(AttachmentLink.owner_id.in_(owners),
                                                           AttachmentLink.deleted.is_(False))).scalars():
            files.setdefault(link.owner_id, []).append((link.name, link.sha256))
    return files


def _progress_entries(progress: list[Progress], files: dict[str, list[tuple[str, str]]]) -> _StepEntries:
    steps: _StepEntries = {}
    for p in progress:
        pct = f"（{p.percent}%）" if p.percent is not None else ""
        steps["add_progress", p.id] = TimelineEntry(
            p.date, "progress", "整改进展", f"进展{pct}", p.text, p.reporter, p.id,
            sort_key=_instant(p.created_at), files=tuple(files.get(p.id, ())))
    return steps


def _extension_entries(exts: list[Extension]) -> _StepEntries:
    """A request and, once decided, its decision; a deadline the assigning office adjusted is one entry."""
    steps: _StepEntries = {}
    for e in exts:
        if e.state == "adjusted":  # the assigning office's own step (deadline.adjust_deadline), born decided
            note = "；".join(x for x in (e.reason, e.decision_note) if x)
            steps["adjust_deadline", e.id] = TimelineEntry(
                e.decided_at, "extension", "调整期限", f"调整期限至 {e.requested_date:%Y-%m-%d}", note,
                e.approver, e.id, e.state, _instant(e.created_at))
            continue
        steps["request_extension", e.id] = TimelineEntry(
            e.created_at.date() if e.created_at else None, "extension", "延期申请",
            f"申请延期至 {e.requested_date:%Y-%m-%d}", e.reason, e.requested_by, e.id, "pending",
            _instant(e.created_at))
        if e.decided_at:
            verdict = "批准" if e.state == "approved" else "驳回"
            steps["decide_extension", e.id] = TimelineEntry(
                e.decided_at, "extension", "延期审批", f"{verdict}延期至 {e.requested_date:%Y-%m-%d}",
                e.decision_note, e.approver, e.id, e.state, _instant(e.updated_at))
    return steps


def _urge_entries(urges: list[Urge]) -> _StepEntries:
    return {("add_urge", u.id): TimelineEntry(u.date, "urge", "催办", URGE_LEVEL_LABELS.get(u.level, "催办"),
                                              u.note, u.by, u.id, sort_key=_instant(u.created_at))
            for u in urges}


def _closure_entries(closures: list[Closure], files: dict[str, list[tuple[str, str]]]) -> _StepEntries:
    """An application and, once decided, its verification."""
    steps: _StepEntries = {}
    for c in closures:
        steps["apply_closure", c.id] = TimelineEntry(
            c.applied_at, "closure", "申请销号", "申请销号", c.evidence, c.applicant, c.id, "applied",
            _instant(c.created_at), files=tuple(files.get(c.id, ())))
        if c.decided_at:
            steps["verify_closure", c.id] = TimelineEntry(
                c.decided_at, "closure", "审核销号", "审核通过，予以销号" if c.state == "approved" else "退回销号申请",
                c.note, c.verifier, c.id, c.state, _instant(c.updated_at))
    return steps


def _follow_up_entries(follow: list[FollowUp]) -> _StepEntries:
    steps: _StepEntries = {}
    for f in follow:
        title = "回访：" + ("满意" if f.satisfied else "不满意") + ("，重新打开" if f.reopened else "")
        steps["add_follow_up", f.id] = TimelineEntry(f.date, "follow_up", "回访", title, f.finding, f.by, f.id,
                                                     sort_key=_instant(f.created_at))
    return steps


def _registration_entry(issue_id: str, row: IssueRow, created_at: dt.datetime, assigned_by_office: str | None,
                        remote: dict[str, tuple[str, str]], names: _OfficeNames) -> TimelineEntry:
    """The 登记/交办 entry of an item no audit entry here records the making of (imported, synced, demo rows)."""
    made, by = "登记问题", ""
    if issue_id in remote:  # recorded at another office: its bundle named the person
        by = f"{names(remote[issue_id][0])}：{remote[issue_id][1]}"
    if assigned_by_office:  # an item another office assigned: say which (its audit stays there)
        made, by = "交办问题", names(assigned_by_office)
    # no audit entry says when (imported, synced or demo rows): the item was registered by its 交办/登记
    # date, not on the day the row reached this database — else it sits above its own older progress
    when = created_at.date()
    if row.assigned_date and row.assigned_date < when:
        when = row.assigned_date
    return TimelineEntry(when, "audit", "操作记录", made, "", by, "",
                         sort_key=_instant(created_at) if when == created_at.date() else "")


def _detail_warnings(row: IssueRow, clock: WarningClock) -> list[str]:
    """The deadline clock's warnings, then what the item's own record lacks or contradicts."""
    warnings = list(clock.warnings)
    lacking = completeness.missing_labels(row) if row.status != IssueStatus.VOID else []
    if lacking:
        warnings.append(f"待完善：缺少{'、'.join(lacking)}（请点“编辑”补齐）")
    if row.status in FINISHED_STATUSES and row.progress_percent < 100:  # an older record's contradiction
        warnings.append(f"状态为{row.status_label}，完成进度却为{row.progress_percent}%：请登记最新进展")
    if row.deadline_basis == "workdays" and row.assigned_date and row.deadline:
        cal = clock.calendar
        w = cal.workdays_between(row.assigned_date, row.deadline).warning
        if w:
            warnings.append(w)
    return warnings


def _allowed_steps(s: Session, office: str, actor: Actor, issue_id: str) -> dict[Step, str | None]:
    """The rule table's answer for every step (``ledger.steps``), as the services will answer."""
    issue = s.get(Issue, issue_id)
    if issue is None:  # read just above in the same session
        raise NotFoundError("该问题不存在或已被删除", "请刷新问题清单后重试")
    ext, clo = steps.pending_extension(s, issue_id), steps.pending_closure(s, issue)
    return steps.allowed_steps(steps.item_state(issue, ext, clo), steps.asker(s, office, actor, issue_id, ext, clo),
                               steps.office_names(s))


def _remote_actors(s: Session, here: str, row_ids: list[str]) -> dict[str, tuple[str, str]]:
    """Row id → (office, person) for rows another office recorded, as its bundle named who made them."""
    if not here:
        return {}
    rows = s.execute(select(ChangeLog.row_id, ChangeLog.origin, ChangeLog.actor)
                     .where(ChangeLog.row_id.in_(row_ids), ChangeLog.op == "insert", ChangeLog.origin != here,
                            ChangeLog.actor.is_not(None))).all()
    return {r.row_id: (r.origin, r.actor) for r in rows}


def _with_remote(t: TimelineEntry, remote: dict[str, tuple[str, str]], names: _OfficeNames) -> TimelineEntry:
    """A lifecycle entry of another office's row, with who recorded it there (李四（景洪市… 王五 录入）)."""
    if t.ref_id not in remote or t.kind_label in ("延期审批", "审核销号"):  # verdicts: not who applied
        return t
    office, who = remote[t.ref_id]
    if who in t.by:
        return t
    label = f"{names(office)} {who} 录入"
    return replace(t, by=f"{t.by}（{label}）" if t.by else label)


class _OfficeNames:
    """Office code → name, as the clerk knows the office (the code only when no card or setup names it)."""

    def __init__(self, s: Session) -> None:
        self._s = s
        self._known: dict[str, str] = {}

    def __call__(self, code: str) -> str:
        if code not in self._known:
            name = office_name(self._s, code)
            self._known[code] = name if name != code else f"单位 {code}"
        return self._known[code]


def _order(event: tuple[TimelineEntry, int]) -> tuple[dt.date, str, int, int]:
    """The event's day, then the real time it was recorded (audit timestamps are whole seconds: within one,
    the item's creation first, then the audit log's order)."""
    t, seq = event
    made = t.kind == "audit" and t.title in ("登记问题", "交办问题")
    return (t.at or dt.date.min, t.sort_key, 0 if made else 1, seq)


def _fold_audits(steps: dict[tuple[str, str], TimelineEntry], audits: list[AuditEntry],
                 names: _OfficeNames, before_accounts: bool = False) -> list[tuple[TimelineEntry, int]]:
    """(entry, audit id or 0) of the lifecycle entries and of the audit entries that add something: an audit
    entry written with a lifecycle row (登记进展, 申请销号…) is that row's entry, once, keeping who recorded it
    and when. ``before_accounts`` (the office has accounts now): entries no account signed are marked as
    recorded before accounts existed — their actor text is kept as it was."""
    tl: dict[tuple[str, str], tuple[TimelineEntry, int]] = {k: (t, 0) for k, t in steps.items()}
    shown: list[tuple[TimelineEntry, int]] = []
    for a in audits:
        mark = "（启用账户前记录）" if before_accounts and not a.actor_login and a.actor else ""
        d = _details(a.details)
        key = (a.action, str(d.get(STEP_ROW_KEYS.get(a.action, ""), "")))
        if key in tl:
            entry = tl[key][0]
            by = entry.by
            if a.actor and a.actor not in by:  # typed 填报人 differs from the login that recorded it
                by = f"{by}（{a.actor} 录入）" if by else a.actor
            tl[key] = (replace(entry, by=by + mark, sort_key=_instant(a.at) or entry.sort_key), a.id)
            continue
        shown.append((TimelineEntry(_audit_date(a.at), "audit", "操作记录", AUDIT_LABELS.get(a.action, "其他操作"),
                                    _audit_text(a.action, d, names), a.actor + mark, str(a.id),
                                    sort_key=_instant(a.at)),
                      a.id))
    return [*tl.values(), *shown]


def _details(details: str) -> dict[str, Any]:
    try:
        d = json.loads(details)
    except ValueError:
        return {}
    return d if isinstance(d, dict) else {}


def _day(value: object) -> str:
    """A date as the clerk writes it (details hold ISO dates; some old entries a datetime)."""
    return str(value or "")[:10] or "无"


def _audit_text(action: str, d: dict[str, Any], names: _OfficeNames) -> str:
    """An audit entry's details in the clerk's words: never raw keys, codes or ids."""
    parts: list[str] = []
    if action == "assign_issues" and d.get("office"):
        parts.append(f"交办给 {names(str(d['office']))}")
    if action == "edit_issue":
        raw_before = d.get("before")
        before: dict[str, Any] = raw_before if isinstance(raw_before, dict) else {}
        if before.get("deadline") is not None and "deadline" in d and _day(before["deadline"]) != _day(d["deadline"]):
            parts.append(f"完成时限：{_day(before['deadline'])} → {_day(d['deadline'])}")
        if "unit" in before and "unit" in d and (before["unit"] or "") != (d["unit"] or ""):
            parts.append(f"责任单位：{before['unit'] or '无'} → {d['unit'] or '无'}")
    elif action == "recompute_deadline" and d.get("deadline"):
        parts.append(f"完成时限：{_day(d.get('from'))} → {_day(d['deadline'])}")
    elif d.get("deadline") and action in _CREATION:
        parts.append(f"完成时限：{_day(d['deadline'])}")
    if d.get("reason"):
        parts.append(f"原因：{d['reason']}")
    if action == "void_issue" and d.get("status_before"):
        status = str(d["status_before"])
        parts.append(f"作废前状态：{ISSUE_STATUS_LABELS.get(status, status)}")
    if d.get("calendar_warning"):
        parts.append(str(d["calendar_warning"]))
    return "；".join(parts)
