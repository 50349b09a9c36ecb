"""Field ownership (DESIGN.md §4): who may write what, judged per incoming change.

- An ordinary row belongs to its ``office_code``: only that office creates or edits it.
- An issue (问题台账条目) belongs to the county in ``office_code`` for progress and
  rectification; when it was assigned (交办), the assigning office
  (``assigned_by_office``) owns its deadline, its closure (销号) and its reopening.
- Children of an issue that only grow (progress, urges, follow-ups) merge as a
  union from any trusted office; verdicts on closures and extensions, and reopening
  by a follow-up, belong to the assigning office when there is one.
- A new row belongs to the office that made it (``office_code`` = the change's origin).
  The one exception is an item a prefecture assigns (交办) to one of its own counties:
  owner the county, ``assigned_by_office`` the prefecture. Only a prefecture assigns,
  and a county's own item may name only its own prefecture as the assigner (an item the
  prefecture assigned on paper). Who owns a row never changes afterwards.
- Who may carry whose changes in a bundle (:func:`may_relay`): a county only its own;
  a prefecture its own and its counties'.

"Its counties" are read from the administrative division codes (GB/T 2260): a
prefecture's code ends in 00 (not 0000) and its counties share its first four digits.
Every office judges the same way from the codes alone — nothing a bundle carries can
change who belongs to whom.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop_app.core.ledger_codes import IssueStatus

#: issue fields owned by the office that assigned the item
ASSIGNER_ISSUE_FIELDS = frozenset({
    "deadline", "deadline_basis", "deadline_workdays", "original_deadline", "assigned_date", "closed_at",
    "closed_by", "assigned_by_office",
})
#: verdict fields of an issue's children, owned by the assigning office (else the issue's owner)
VERDICT_FIELDS: dict[str, frozenset[str]] = {
    "closure": frozenset({"state", "verifier", "decided_at", "note"}),
    "extension": frozenset({"state", "approver", "decided_at", "decision_note"}),
}
#: tables whose rows hang off an issue via ``issue_id``
ISSUE_CHILDREN = frozenset({"progress", "extension", "urge", "closure", "follow_up"})
_FIELD_LABELS = {
    "deadline": "整改时限", "deadline_basis": "时限依据", "deadline_workdays": "工作日时限", "original_deadline": "原定时限",
    "assigned_date": "交办日期", "closed_at": "销号日期", "closed_by": "销号人", "assigned_by_office": "交办单位",
    "status": "状态", "closure_state": "销号状态", "state": "审核结论", "verifier": "审核人", "approver": "审批人",
    "decided_at": "审核日期", "reopened": "重新打开", "deleted": "作废/删除", "measures": "整改措施",
    "responsible_person": "责任人",
}


def is_prefecture_code(code: str) -> bool:
    """A prefecture-level (市/州) division code: six digits ending in 00, not a province's 0000."""
    return len(code) == 6 and code.isdigit() and code.endswith("00") and not code.endswith("0000")


def is_county_of(county: str, prefecture: str) -> bool:
    """Whether ``county`` is a county-level division under ``prefecture`` (same first four digits)."""
    return (is_prefecture_code(prefecture) and len(county) == 6 and county.isdigit()
            and not county.endswith("00") and county[:4] == prefecture[:4])


def may_relay(sender: str, origin: str) -> bool:
    """Whether a bundle signed by ``sender`` may carry changes made by ``origin``: its own, and —
    for a prefecture, the only office that relays — its own counties'."""
    return origin == sender or is_county_of(origin, sender)


def label(field: str) -> str:
    """The Chinese name of a field for refusal messages."""
    return _FIELD_LABELS.get(field, field)


def check(table: str, origin: str, is_new: bool, before: Mapping[str, Any], values: Mapping[str, Any],
          parent: Mapping[str, Any] | None, append_only: bool) -> str | None:
    """Why office ``origin`` may not write ``values`` to this row (None when it may).

    ``before`` is the row as it stands here (empty when new), ``parent`` the issue a child
    belongs to (None when unknown or not a child). Only the row's owners are read from
    ``before`` (they never change), so every office judges a change the same way.
    """
    owner = str(before.get("office_code") or values.get("office_code") or "")
    if not is_new and "office_code" in values and values["office_code"] != before.get("office_code"):
        return f"记录的所属单位不能更改（单位 {origin} 试图将属于单位 {owner} 的记录改为单位 {values['office_code']}）"
    if table == "issue":
        return _check_issue(origin, is_new, before, values, owner)
    if is_new and owner and origin != owner:
        return f"单位 {origin} 不能创建属于单位 {owner} 的记录"
    if table in ISSUE_CHILDREN and parent is not None:
        return _check_issue_child(table, origin, is_new, before, values, parent, owner)
    if is_new:
        return None
    if origin != owner:
        return f"该记录属于单位 {owner}，单位 {origin} 无权修改"
    return None


def _check_issue(origin: str, is_new: bool, before: Mapping[str, Any], values: Mapping[str, Any],
                 owner: str) -> str | None:
    assigner = str(before.get("assigned_by_office") or values.get("assigned_by_office") or "")
    if is_new:
        return _check_new_issue(origin, owner, assigner)
    if "assigned_by_office" in values and (values["assigned_by_office"] or "") != (before.get("assigned_by_office") or ""):
        return f"问题的交办单位不能更改（单位 {origin} 试图改为 {values['assigned_by_office'] or '无'}）"
    for f, v in values.items():
        if assigner and origin != assigner:
            if f in ASSIGNER_ISSUE_FIELDS:
                return f"“{label(f)}”由交办单位 {assigner} 负责，单位 {origin} 无权修改"
            if f == "status" and v == IssueStatus.CLOSED:
                return f"销号由交办单位 {assigner} 决定，单位 {origin} 无权将状态改为已销号"
            if f == "closure_state" and v in ("approved", "returned"):
                return f"销号审核结论由交办单位 {assigner} 作出，单位 {origin} 无权修改"
        if origin == owner or (assigner and origin == assigner and f in ASSIGNER_ISSUE_FIELDS):
            continue
        if assigner and origin == assigner and f == "status":
            continue  # closing and reopening
        if assigner and origin == assigner and f == "closure_state" and v in ("approved", "returned", ""):
            continue  # its verdict, or cleared when it reopens the item
        return f"“{label(f)}”由责任单位 {owner} 负责，单位 {origin} 无权修改"
    return None


def _check_new_issue(origin: str, owner: str, assigner: str) -> str | None:
    """A new ledger item: made by its owner (assigner empty, or the owner's own prefecture for an
    item assigned on paper), or assigned by a prefecture to one of its own counties."""
    if origin == owner:
        if not assigner or assigner == owner or is_county_of(owner, assigner):
            return None
        return f"单位 {origin} 登记的问题只能由本单位或其上级市（州）交办，不能记为单位 {assigner} 交办"
    if origin != assigner:
        return f"单位 {origin} 不能在单位 {owner} 的台账中登记问题"
    if not is_prefecture_code(origin):
        return f"只有市（州）级单位可以交办问题，单位 {origin} 不能向单位 {owner} 交办"
    if not is_county_of(owner, origin):
        return f"单位 {origin} 只能向本市（州）所辖县（区）交办问题，单位 {owner} 不属于其管辖"
    return None


def _check_issue_child(table: str, origin: str, is_new: bool, before: Mapping[str, Any], values: Mapping[str, Any],
                       parent: Mapping[str, Any], owner: str) -> str | None:
    issue_owner = str(parent.get("office_code") or "")
    assigner = str(parent.get("assigned_by_office") or "")
    judge = assigner or issue_owner
    verdicts = VERDICT_FIELDS.get(table, frozenset())
    for f, v in values.items():
        if f in verdicts and origin != judge and not (is_new and f == "state" and v in ("applied", "pending")):
            if is_new and v in (None, "", before.get(f)):
                continue
            return f"“{label(f)}”由{'交办' if assigner else '责任'}单位 {judge} 决定，单位 {origin} 无权填写"
        if table == "follow_up" and f == "reopened" and v and assigner and origin != assigner:
            return f"重新打开由交办单位 {assigner} 决定，单位 {origin} 无权操作"
    if is_new:
        return None  # new children merge as a union from any trusted office
    if origin in (owner, issue_owner, assigner):
        return None
    return f"该记录属于单位 {owner}，单位 {origin} 无权修改"


def reopens_closed_item(assigner: str, origin: str, current_status: Any, closed_by: str, new_status: Any,
                        writer_saw_closure: bool) -> str | None:
    """Refusal when an office other than the assigner changes the status of an item it knew was closed."""
    if (assigner and origin != assigner and current_status == IssueStatus.CLOSED and closed_by == assigner
            and new_status != IssueStatus.CLOSED and writer_saw_closure):
        return f"重新打开由交办单位 {assigner} 决定，单位 {origin} 无权修改已销号事项的状态"
    return None
