"""Plain data the ledger service takes and returns (no ORM objects leave the service)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_app.ledger.steps import Step


@dataclass
class IssueInput:
    """What a clerk (or an Excel row) gives for one ledger item.

    ``kind`` is immediate|dated|ongoing; ``status`` a code of ISSUE_STATUS_LABELS.
    ``deadline_workdays`` (with ``assigned_date``) instead of ``deadline`` means
    "N working days from assignment", counted on China's official calendar.
    """

    description: str
    category: str = ""
    measures: str = ""
    kind: str = "dated"
    unit: str = ""
    co_units: str = ""
    leader: str = ""
    person: str = ""
    deadline: dt.date | None = None
    deadline_workdays: int | None = None
    assigned_date: dt.date | None = None
    source: str = "self"
    source_visit_id: str | None = None
    source_topic_id: str | None = None
    status: str = "not_started"
    progress_text: str = ""
    serial: str | None = None
    year: int | None = None
    #: percent of the initial progress entry (0–100), when ``progress_text`` is given
    progress_percent: int | None = None
    #: who reported the initial progress ('' = the acting user)
    reporter: str = ""
    #: why a deadline of more than 15 working days (required then: ``completeness``)
    deadline_reason: str = ""


@dataclass(frozen=True)
class IssueRow:
    """One row of the ledger table / export / print: plain data with Chinese labels.

    ``colour`` is green|yellow|red|grey, computed from status, deadline and today.
    """

    id: str
    serial: str
    year: int
    source: str
    source_label: str
    category: str
    description: str
    measures: str
    kind: str
    kind_label: str
    lead_leader: str
    responsible_unit: str
    co_units: str
    responsible_person: str
    assigned_date: dt.date | None
    deadline: dt.date | None
    original_deadline: dt.date | None
    status: str
    status_label: str
    progress_percent: int
    latest_progress: str
    closure_state: str
    closed_at: dt.date | None
    colour: str
    colour_label: str
    office_code: str
    deadline_basis: str = "date"
    deadline_workdays: int | None = None
    #: the deadline's working days ran into a year without a holiday table: counted Monday–Friday
    #: (按周一至周五估算, ``desktop_app.ledger.estimates``)
    deadline_estimated: bool = False


@dataclass(frozen=True)
class TimelineEntry:
    """One event on an item's timeline (进展、延期、催办、销号、回访、操作记录)."""

    at: dt.date | None
    kind: str  # progress|extension|urge|closure|follow_up|audit
    kind_label: str
    title: str
    text: str
    by: str = ""
    ref_id: str = ""
    state: str = ""
    sort_key: str = ""
    #: attached files as (name, sha256)
    files: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ExtensionInfo:
    """延期申请."""

    id: str
    requested_date: dt.date
    reason: str
    state: str
    state_label: str
    requested_by: str
    approver: str
    decided_at: dt.date | None
    note: str


@dataclass(frozen=True)
class ClosureInfo:
    """销号申请."""

    id: str
    applied_at: dt.date
    applicant: str
    evidence: str
    state: str
    state_label: str
    verifier: str
    decided_at: dt.date | None
    note: str


@dataclass(frozen=True)
class UrgeInfo:
    """催办."""

    id: str
    date: dt.date
    level: int
    level_label: str
    note: str
    by: str


@dataclass(frozen=True)
class IssueDetail:
    """Everything the detail pane shows: the row, the timeline and what may be done next."""

    row: IssueRow
    timeline: list[TimelineEntry]
    extensions: list[ExtensionInfo]
    closures: list[ClosureInfo]
    urges: list[UrgeInfo]
    pending_extension: ExtensionInfo | None
    pending_closure: ClosureInfo | None
    read_only: bool
    warnings: list[str] = field(default_factory=list)
    source_visit_id: str | None = None
    source_topic_id: str | None = None
    #: 来源会议: the meeting the item was raised at (“2026-04-16 组工讲堂“…””), "" when none
    source_meeting: str = ""
    #: steps of the detail pane this office may not take on the item (another office's, ``ledger.rights``)
    refused_steps: frozenset[str] = frozenset()
    #: every step of the item's life → None (allowed now, for this office and person) or the Chinese reason it
    #: is refused (``ledger.steps``: the services refuse it in the same words); the UI asks here, never decides
    allowed_steps: dict[Step, str | None] = field(default_factory=dict)
    #: the item's row version as read (its change stamp): ``edit_issue(expected_version=…)`` refuses a stale edit
    version: int = 0


@dataclass(frozen=True)
class ResponsibilityRow:
    """责任清单 — one responsible unit (person '' ) or one person within a unit."""

    unit: str
    person: str
    total: int
    open: int
    closed: int
    red: int
    yellow: int
    closure_rate: float  # closed / (total), 0–1
    #: the office's name when the list covers every office (scope.ALL), else ''
    office: str = ""
    #: that office's code (with ``office``)
    office_code: str = ""
    #: the stored 责任人 this row counts, to filter the items by ('' on a unit's row, and for the items that
    #: name none: ``person`` then reads “（未指定）”)
    person_key: str = ""


@dataclass(frozen=True)
class SupervisionRow:
    """督办清单 — a red or yellow item with its urge history."""

    row: IssueRow
    urges: list[UrgeInfo]
    workdays_left: int | None
    #: the office's name when the list covers every office (scope.ALL), else ''
    office: str = ""


@dataclass(frozen=True)
class UnitRate:
    """Closure rate of one responsible unit."""

    unit: str
    total: int
    closed: int
    rate: float


@dataclass(frozen=True)
class LedgerStats:
    """Dashboard figures for one year."""

    year: int
    total: int
    closed: int
    overdue: int
    due_soon: int
    avg_workdays_to_close: float | None
    by_unit: list[UnitRate]
    opened_per_month: list[int]  # 12 values
    closed_per_month: list[int]  # 12 values
    by_colour: dict[str, int]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DueItem:
    """An overdue or due-soon item for the start-up summary."""

    id: str
    serial: str
    description: str
    responsible_unit: str
    deadline: dt.date
    colour: str
    workdays_left: int
    #: the office's name when the list covers every office (scope.ALL), else ''
    office: str = ""


@dataclass(frozen=True)
class DueSummary:
    """逾期与临期提醒 — shown on start-up; each item one click away (by id)."""

    today: dt.date
    overdue_count: int
    due_soon_count: int
    overdue: list[DueItem]
    due_soon: list[DueItem]
    warnings: list[str] = field(default_factory=list)
