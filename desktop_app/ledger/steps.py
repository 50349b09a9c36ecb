"""整改流程的规则 — which step of a ledger item's life may be taken now, and by whom: the one table.

A step (:class:`Step`) is refused for one of three reasons, checked in this order:

1. **the item's state** (``_state_refusal``): 已作废 items are read-only for good; 已销号 items take only
   a follow-up (回访), which may reopen them; a step needs what it acts on (延期申请 needs a deadline and no
   request already pending, 审批延期 a pending request, 申请销号 no application under review, 审核销号 one);
2. **the office** (``desktop_app.ledger.rights``): the owner's steps, the judge's verdicts (the assigning
   office's, else the owner's), steps any office may take;
3. **the person** (``_person_refusal``): the right each step needs (录入 or 审核), an approver's sections
   (审核范围), and applicant ≠ approver (nobody decides their own 延期 or 销号 application).

The detail pane shows every step's answer (``IssueDetail.allowed_steps``: None, or the refusal's Chinese
words as the disabled button's tooltip) and the services call :func:`check` before they write, so a step
refused on screen is refused by the service with the same message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Closure, Extension, Issue
from desktop_app.core import roles
from desktop_app.core.audit import Actor
from desktop_app.core.errors import FieldDeskError, PermissionDeniedError, StateError
from desktop_app.core.ledger_codes import ISSUE_STATUS_LABELS, ClosureState, ExtensionState, IssueStatus
from desktop_app.ledger import rights
from desktop_app.org import settings
from desktop_app.org.ownership import office_name


class Step(StrEnum):
    """整改流程的一步 — the detail pane's buttons, and reopening (回访 that reopens a closed item)."""

    EDIT = "edit"
    PROGRESS = "progress"
    EXTENSION = "extension"
    DECIDE_EXTENSION = "decide_extension"
    URGE = "urge"
    CLOSURE = "closure"
    VERIFY = "verify"
    FOLLOW_UP = "follow_up"
    VOID = "void"
    ADJUST_DEADLINE = "adjust_deadline"
    REOPEN = "reopen"


#: each step in the clerk's words ("不能{…}")
STEP_NAMES: dict[Step, str] = {
    Step.EDIT: "修改", Step.PROGRESS: "登记进展", Step.EXTENSION: "申请延期", Step.DECIDE_EXTENSION: "审批延期",
    Step.URGE: "催办", Step.CLOSURE: "申请销号", Step.VERIFY: "审核销号", Step.FOLLOW_UP: "回访",
    Step.VOID: "作废", Step.ADJUST_DEADLINE: "调整期限", Step.REOPEN: "重新打开",
}
#: the right (``roles.RIGHTS``) a signed-in person needs for each step: verdicts are 审核, the rest 录入
STEP_RIGHTS: dict[Step, str] = {step: "record" for step in Step} | {
    Step.DECIDE_EXTENSION: "approve", Step.VERIFY: "approve", Step.REOPEN: "approve"}
#: verdicts an approver limited to some sections (``Actor.sections``) takes only on those sections' items
_SECTION_STEPS = (Step.DECIDE_EXTENSION, Step.VERIFY, Step.REOPEN)
#: each step's key in ``rights`` (the office rule)
_OFFICE_KEYS: dict[Step, str] = {step: step.value for step in Step} | {Step.VERIFY: "verify_closure"}


@dataclass(frozen=True)
class ItemState:
    """What the rules read of an item."""

    serial: str
    status: str
    has_deadline: bool
    pending_extension: bool
    pending_closure: bool
    #: the office that owns the item, and the one that assigned it ('' when none)
    owner: str
    assigner: str
    responsible_unit: str


@dataclass(frozen=True)
class Asker:
    """Who would take the step: this office and the signed-in person."""

    #: this office's code ('' before set-up: no other office to defer to)
    office: str
    #: the person (``rights`` None: no accounts, nobody to tell apart)
    actor: Actor
    #: the pending 延期 / 销号 application is this person's own (applicant ≠ approver)
    own_extension: bool = False
    own_closure: bool = False


@dataclass(frozen=True)
class Refusal:
    """Why a step is refused: ``kind`` "state" (the item's state) or "office"/"person" (who asks)."""

    kind: str
    message: str
    action: str

    def error(self) -> FieldDeskError:
        """The service's error for this refusal."""
        cls = StateError if self.kind == "state" else PermissionDeniedError
        return cls(self.message, self.action)


def refusal(step: Step, item: ItemState, asker: Asker, names: Callable[[str], str]) -> Refusal | None:
    """Why ``asker`` may not take ``step`` on ``item`` now (None: they may). ``names``: office code → name."""
    return (_state_refusal(step, item)
            or _office_refusal(step, item, asker, names)
            or _person_refusal(step, item, asker))


def allowed_steps(item: ItemState, asker: Asker, names: Callable[[str], str]) -> dict[Step, str | None]:
    """Every step → None (allowed) or the Chinese reason it is refused: the service's message and what to do."""
    out: dict[Step, str | None] = {}
    for step in Step:
        r = refusal(step, item, asker, names)
        out[step] = None if r is None else f"{r.message}。{r.action}"
    return out


def _state_refusal(step: Step, item: ItemState) -> Refusal | None:
    serial, what = item.serial, STEP_NAMES[step]
    if item.status == IssueStatus.VOID:
        if step == Step.VOID:
            return Refusal("state", f"问题 {serial} 已作废", "无需重复操作")
        return Refusal("state", f"问题 {serial} 已作废，不能{what}", "作废的问题只能查看")
    if item.status == IssueStatus.CLOSED:
        if step in (Step.FOLLOW_UP, Step.REOPEN):
            return None
        if step == Step.VOID:
            return Refusal("state", f"问题 {serial} 已销号，不能作废", "已销号的问题是整改记录，应保留")
        return Refusal("state", f"问题 {serial} 已销号，不能{what}", "如需继续整改，请先登记回访并重新打开该问题")
    if step == Step.REOPEN:
        return Refusal("state", f"问题 {serial} 当前为“{ISSUE_STATUS_LABELS.get(item.status, item.status)}”，无需重新打开",
                       "只有已销号的问题才能通过回访重新打开")
    if step == Step.EXTENSION:
        if not item.has_deadline:
            return Refusal("state", f"问题 {serial} 没有完成时限，无需延期", "如需设定时限，请编辑该问题")
        if item.pending_extension:
            return Refusal("state", f"问题 {serial} 已有待审批的延期申请", "请等待领导审批后再申请")
    if step == Step.DECIDE_EXTENSION and not item.pending_extension:
        return Refusal("state", f"问题 {serial} 没有待审批的延期申请", "请先由责任单位申请延期")
    if step == Step.CLOSURE and item.pending_closure:
        return Refusal("state", f"问题 {serial} 已提交销号申请，正在审核", "请等待审核结果")
    if step == Step.VERIFY and not item.pending_closure:
        return Refusal("state", f"问题 {serial} 没有待审核的销号申请", "请先由责任单位申请销号")
    return None


def _office_refusal(step: Step, item: ItemState, asker: Asker, names: Callable[[str], str]) -> Refusal | None:
    why = rights.refusal(asker.office, item.owner, item.assigner, _OFFICE_KEYS[step])
    if why is None:
        return None
    message, action = rights.words(why, item.serial, item.owner, item.assigner, names)
    return Refusal("office", message, action)


def _person_refusal(step: Step, item: ItemState, asker: Asker) -> Refusal | None:
    actor, what = asker.actor, STEP_NAMES[step]
    need = STEP_RIGHTS[step]
    if actor.rights is not None and need not in actor.rights:
        right = roles.RIGHTS[need]
        return Refusal("person", f"{what}需要“{right}”权限，账户“{actor.login}”（{actor.label}）没有“{right}”权限",
                       f"请由具有“{right}”权限的人员办理，或切换用户")
    if step in _SECTION_STEPS and actor.sections is not None and item.responsible_unit not in actor.sections:
        return Refusal("person", f"您（{actor.label}）负责审核“{'、'.join(sorted(actor.sections))}”的问题，"
                       f"问题 {item.serial} 的责任单位是“{item.responsible_unit or '未填写'}”，不能{what}",
                       "请由分管该单位的审核人办理，或请系统管理员调整审核范围")
    own = {Step.DECIDE_EXTENSION: ("延期", asker.own_extension), Step.VERIFY: ("销号", asker.own_closure)}.get(step)
    if own is not None and own[1]:
        return Refusal("person", f"问题 {item.serial} 的{own[0]}申请由您（{actor.label}）提出，申请人不能审批自己的申请",
                       "请由其他具有“审核”权限的人员（分管领导）审批")
    return None


# --- reading the rules' inputs from the database ------------------------------------------------------------


def pending_extension(s: Session, issue_id: str) -> Extension | None:
    """The item's 延期申请 awaiting a decision, if any."""
    return s.execute(select(Extension).where(Extension.issue_id == issue_id, Extension.state == ExtensionState.PENDING,
                                             Extension.deleted.is_(False)).order_by(Extension.created_at)
                     ).scalars().first()


def pending_closure(s: Session, issue: Issue) -> Closure | None:
    """The item's 销号申请 under review, if any (the item says so, and the application row is there)."""
    if issue.closure_state != ClosureState.APPLIED:
        return None
    return s.execute(select(Closure).where(Closure.issue_id == issue.id, Closure.state == ClosureState.APPLIED,
                                           Closure.deleted.is_(False))).scalars().first()


def item_state(issue: Issue, extension: Extension | None, closure: Closure | None) -> ItemState:
    """The rules' view of ``issue`` with its pending extension request and closure application."""
    return ItemState(issue.serial, issue.status, issue.deadline is not None, extension is not None,
                     closure is not None, issue.office_code, issue.assigned_by_office or "", issue.responsible_unit)


def own_application(s: Session, actor: Actor, office: str, issue_id: str, row_office: str, applicant: str,
                    action: str, row_id: str) -> bool:
    """Whether ``actor`` made the application ``row_id`` (``action``: its audit action), so may not decide it.

    It is theirs when it names them (申请人) or their account recorded it. Only applications made at this
    office are compared (another office's people are other people); an office where one person works
    alone (本机仅一人使用, chosen at set-up) has no second person to approve.
    """
    if not actor.account or (office and row_office and row_office != office):
        return False
    if settings.read(s, "accounts.single_user"):
        return False
    recorded_by = s.execute(select(AuditEntry.actor_login).where(
        AuditEntry.action == action, AuditEntry.target_table == "issue", AuditEntry.target_id == issue_id,
        AuditEntry.details.like(f"%{row_id}%")).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    return applicant.strip() == actor.label or recorded_by == actor.login


def asker(s: Session, office: str, actor: Actor, issue_id: str, extension: Extension | None,
          closure: Closure | None) -> Asker:
    """This office and ``actor`` as the rules see them, for an item with these pending applications."""
    own_ext = extension is not None and own_application(s, actor, office, issue_id, extension.office_code,
                                                         extension.requested_by, "request_extension", extension.id)
    own_clo = closure is not None and own_application(s, actor, office, issue_id, closure.office_code,
                                                      closure.applicant, "apply_closure", closure.id)
    return Asker(office, actor, own_ext, own_clo)


def office_names(s: Session) -> Callable[[str], str]:
    """Office code → name, as the refusals name offices."""
    return lambda code: office_name(s, code)


def check(s: Session, office: str, actor: Actor, issue: Issue, step: Step, *,
          extension: Extension | None = None, closure: Closure | None = None) -> None:
    """Refuse ``step`` on ``issue`` (StateError or PermissionDeniedError, in the words the detail pane shows).

    ``extension``/``closure``: the application the step decides, when the service already holds it; else the
    item's pending ones are read.
    """
    ext = extension if extension is not None else pending_extension(s, issue.id)
    clo = closure if closure is not None else pending_closure(s, issue)
    why = refusal(step, item_state(issue, ext, clo), asker(s, office, actor, issue.id, ext, clo), office_names(s))
    if why is not None:
        raise why.error()
