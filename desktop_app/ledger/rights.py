"""Who may take which step on a ledger item here — DESIGN.md §4 field ownership, applied before writing.

A prefecture office holds every county's items, and a county may hold items the prefecture
relayed from another county. The sync importer refuses any change whose sender does not own
the fields it writes (``desktop_app.org.field_ownership``); the lifecycle services refuse the same
step here first, in Chinese, so a clerk never records what every other office would reject.

- The county that owns an item (``office_code``) edits it, records progress, asks for an
  extension and applies for closure (销号申请).
- Verdicts — deciding an extension, verifying a closure, reopening by a follow-up — belong to
  the office that assigned the item (``assigned_by_office``, 交办单位), else to its owner.
  So does the deadline of an assigned item: 调整期限 (``deadline.adjust_deadline``) is a judge's step.
- Urges (催办) and follow-up visits that do not reopen may come from any office (they only add).
- Voiding: the owner, or the assigning office.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from db.models import Issue
from desktop_app.core.errors import PermissionDeniedError
from desktop_app.org.ownership import office_name

#: steps only the item's owner takes
OWNER_STEPS = {"edit": "修改", "progress": "登记进展", "extension": "申请延期", "closure": "申请销号"}
#: verdicts: the assigning office's, else the owner's
JUDGE_STEPS = {"decide_extension": "审批延期", "verify_closure": "审核销号", "reopen": "重新打开",
               "adjust_deadline": "调整期限"}
#: steps any office may take (they only add a record)
ANY_STEPS = {"urge": "催办", "follow_up": "回访"}
VOID_STEP = {"void": "作废"}


def refusal(writer: str, owner: str, assigner: str, step: str) -> str | None:
    """Why office ``writer`` may not take ``step`` on an item of ``owner`` assigned by ``assigner`` (None: it may).

    Codes only; :func:`words` turns them into Chinese with office names. ``desktop_app.ledger.steps`` applies
    this rule with the item's state and the person's rights.
    """
    if not writer or step in ANY_STEPS:
        return None  # before setup there is no other office to defer to
    if step in OWNER_STEPS:
        if writer == owner:
            return None
        return f"owner:{OWNER_STEPS[step]}"
    if step in JUDGE_STEPS:
        judge = assigner or owner
        if writer == judge:
            return None
        return f"judge:{JUDGE_STEPS[step]}"
    if step in VOID_STEP:
        if writer in (owner, assigner):
            return None
        return f"owner:{VOID_STEP[step]}"
    raise ValueError(f"unknown step {step!r}")


#: the detail pane's step keys → steps here ("verify" is the pane's 审核销号)
PANE_STEPS = {"edit": "edit", "progress": "progress", "extension": "extension", "decide_extension": "decide_extension",
              "closure": "closure", "verify": "verify_closure", "void": "void", "adjust_deadline": "adjust_deadline"}


def refused_steps(writer: str, owner: str, assigner: str) -> frozenset[str]:
    """The detail pane's steps (``PANE_STEPS`` keys) office ``writer`` may not take on such an item."""
    return frozenset(k for k, step in PANE_STEPS.items() if refusal(writer, owner, assigner, step) is not None)


def words(why: str, serial: str, owner_code: str, assigner_code: str, names: Callable[[str], str]) -> tuple[str, str]:
    """A refusal of :func:`refusal` as (message, action) in Chinese, offices named by ``names`` (code → name)."""
    kind, what = why.split(":", 1)
    if kind == "owner":
        owner = names(owner_code)
        return (f"问题 {serial} 属于“{owner}”，{what}由该单位办理，本单位只能查看",
                "请联系该单位办理，其同步包送达后即可看到结果；本单位可以催办或回访")
    judge = names(assigner_code or owner_code)
    by = "交办单位" if assigner_code else "责任单位"
    return f"问题 {serial} 的{what}由{by}“{judge}”决定，本单位无权操作", f"请通过同步包报{by}“{judge}”办理"


def refuse_deadline_change(s: Session, writer: str, issue: Issue) -> None:
    """Refuse a change of an assigned item's deadline by anyone but the assigning office."""
    assigner = issue.assigned_by_office or ""
    if writer and assigner and writer != assigner:
        raise PermissionDeniedError(
            f"问题 {issue.serial} 由“{office_name(s, assigner)}”交办，完成时限和交办日期由交办单位确定",
            "如需延长时限，请提出延期申请，由交办单位审批")


def assigner_may_set(writer: str, issue: Issue) -> bool:
    """Whether ``writer`` may write the assigning office's fields (deadline…) of ``issue``."""
    assigner = issue.assigned_by_office or ""
    return not writer or not assigner or writer == assigner
