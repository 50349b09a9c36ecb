"""问题台账的代码 — the ledger's stored codes (status, kind, source, closure and extension states, urge
levels) as enums, each with its Chinese words beside it.

The database stores the enums' values (``StrEnum``: a member *is* its string, so rows, bundles and JSON
keep the same text). Code compares against the members, never against string literals; the UI reads the
words from here and never imports the database layer.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class IssueStatus(StrEnum):
    """整改状态 — where an item stands."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CLOSED = "closed"
    VOID = "void"


ISSUE_STATUS_LABELS: dict[str, str] = {
    IssueStatus.NOT_STARTED: "未启动",
    IssueStatus.IN_PROGRESS: "推进中",
    IssueStatus.DONE: "已完成",
    IssueStatus.CLOSED: "已销号",
    IssueStatus.VOID: "已作废",
}
#: still being worked on (未启动, 推进中)
OPEN_STATUSES = (IssueStatus.NOT_STARTED, IssueStatus.IN_PROGRESS)
#: the work is finished (已完成, or verified: 已销号)
FINISHED_STATUSES = (IssueStatus.DONE, IssueStatus.CLOSED)
#: the item's life is over: read-only (已销号 until a follow-up reopens it; 已作废 for good)
ENDED_STATUSES = (IssueStatus.CLOSED, IssueStatus.VOID)


class IssueKind(StrEnum):
    """问题类型."""

    IMMEDIATE = "immediate"
    DATED = "dated"
    ONGOING = "ongoing"


ISSUE_KIND_LABELS: dict[str, str] = {IssueKind.IMMEDIATE: "立行立改", IssueKind.DATED: "限期整改",
                                     IssueKind.ONGOING: "长期坚持"}


class IssueSource(StrEnum):
    """问题来源."""

    VISIT = "visit"
    TOPIC = "topic"
    ASSIGNED = "assigned"
    SELF = "self"
    PUBLIC = "public"
    MEETING = "meeting"


ISSUE_SOURCE_LABELS: dict[str, str] = {
    IssueSource.VISIT: "调研发现",
    IssueSource.TOPIC: "课题调研",
    IssueSource.ASSIGNED: "上级交办",
    IssueSource.SELF: "自查",
    IssueSource.PUBLIC: "群众反映",
    IssueSource.MEETING: "会议研讨",
}


class ClosureState(StrEnum):
    """销号申请的状态 (of an item: ``NONE`` until someone applies)."""

    NONE = ""
    APPLIED = "applied"
    APPROVED = "approved"
    RETURNED = "returned"


CLOSURE_STATE_LABELS: dict[str, str] = {ClosureState.NONE: "", ClosureState.APPLIED: "申请销号",
                                        ClosureState.APPROVED: "已审核", ClosureState.RETURNED: "已退回"}


class ExtensionState(StrEnum):
    """延期申请的状态. ``ADJUSTED`` is not a request but the assigning office's own 调整期限
    (``desktop_app.ledger.deadline``), born decided."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    ADJUSTED = "adjusted"


EXTENSION_STATE_LABELS: dict[str, str] = {ExtensionState.PENDING: "待审批", ExtensionState.APPROVED: "已批准",
                                          ExtensionState.REJECTED: "已驳回", ExtensionState.ADJUSTED: "期限调整"}


class UrgeLevel(IntEnum):
    """催办级别."""

    ORDINARY = 1
    KEY = 2
    LISTED = 3


URGE_LEVEL_LABELS: dict[int, str] = {UrgeLevel.ORDINARY: "一般催办", UrgeLevel.KEY: "重点催办",
                                     UrgeLevel.LISTED: "挂牌督办"}
