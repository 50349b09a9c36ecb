"""Plain data the work services take and return (no ORM objects leave the services).

调研课题 (topics), 调研成果 (outcomes), 调研安排 (visits), 基层天数 (grassroots days)
and 扎堆调研提醒 (clash warnings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from db.models_work import (
    OUTCOME_KINDS,
    PLACE_TYPES,
    TOPIC_KINDS,
    TOPIC_REVIEW_STATES,
    TOPIC_STATUSES,
    VISIT_METHODS,
)
from desktop_app.core.attachments import AttachmentInfo
from desktop_app.core.visit_codes import VISIT_STATES, VisitState

#: the ways of researching a topic offered in the dialogs (free text is accepted too)
TOPIC_METHODS = ("座谈访谈", "随机走访", "问卷调查", "蹲点调研", "专项调研", "统计分析", "案例剖析")
#: the three evaluators of a topic, by the key used in settings and on TopicInfo
EVALUATORS = {"leader": "部领导评", "peer": "科室互评", "member": "党员干部参评"}

__all__ = [
    "EVALUATORS", "OUTCOME_KINDS", "PLACE_TYPES", "TOPIC_KINDS", "TOPIC_METHODS", "TOPIC_STATUSES", "VISIT_METHODS",
    "VISIT_STATES",
    "AttachmentInfo", "ClashInfo", "DaysRow", "EvaluationWeights", "OutcomeInfo", "OutcomeInput", "PersonVisit",
    "TopicInfo", "TopicInput", "VisitInfo", "VisitInput", "VisitSaved",
]


@dataclass
class TopicInput:
    """What a clerk gives for one topic (课题). People are person ids of this office."""

    year: int
    section_id: str | None
    title: str
    kind: str = "一般"
    lead_id: str | None = None
    member_ids: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    report_due: dt.date | None = None


@dataclass(frozen=True)
class TopicInfo:
    """调研课题 as the UI and the exporters see it."""

    id: str
    year: int
    section_id: str
    section_name: str
    title: str
    kind: str
    lead_id: str | None
    lead_name: str
    member_ids: tuple[str, ...]
    member_names: tuple[str, ...]
    methods: tuple[str, ...]
    stages: tuple[str, ...]
    report_due: dt.date | None
    status: str
    report: AttachmentInfo | None
    score_leader: float | None
    score_peer: float | None
    score_member: float | None
    composite: float | None
    outcomes: int = 0
    visits: int = 0
    office_code: str = ""  # whose topic (a prefecture lists its counties' too)
    #: report_due is the default (May 31 of the year, ``topic_review``): the topic has no date of its own
    due_is_default: bool = False
    #: 报分管领导审阅 (``topic_review``): "" | submitted | reviewed | returned, with the dates, reviewer and opinion
    review_state: str = ""
    review_submitted_on: dt.date | None = None
    reviewer: str = ""
    review_opinion: str = ""
    reviewed_on: dt.date | None = None
    #: 来源会议: the meeting the topic was raised at (“2026-04-16 组工讲堂“…””), "" when none
    source_meeting: str = ""

    @property
    def review_label(self) -> str:
        """未报审 / 待审阅 / 已审阅 / 退回修改."""
        return TOPIC_REVIEW_STATES.get(self.review_state, self.review_state)


@dataclass
class OutcomeInput:
    """调研成果: 实践成果 / 制度成果 / 理论成果."""

    kind: str
    title: str
    doc_no: str = ""
    date: dt.date | None = None
    adopted_by: str = ""


@dataclass(frozen=True)
class OutcomeInfo:
    """One recorded outcome of a topic."""

    id: str
    topic_id: str | None
    topic_title: str
    kind: str
    title: str
    doc_no: str
    date: dt.date | None
    adopted_by: str


@dataclass(frozen=True)
class EvaluationWeights:
    """Weights (percent, summing to 100) of 部领导评 / 科室互评 / 党员干部参评."""

    leader: float = 50.0
    peer: float = 30.0
    member: float = 20.0


@dataclass
class VisitInput:
    """What a clerk gives for one visit (调研安排). ``lead_id`` is counted as a participant."""

    start_date: dt.date
    end_date: dt.date
    place: str
    lead_id: str | None
    participant_ids: list[str] = field(default_factory=list)
    township: str = ""
    place_type: str = ""
    method: str = ""
    unannounced: bool = False
    topic_id: str | None = None
    section_id: str | None = None  # default: the lead's section
    purpose: str = ""
    findings: str = ""
    #: planned | done | cancelled; '' = by the dates (a visit already over is recorded as done, else planned;
    #: an edit keeps the visit's state)
    state: str = ""


@dataclass(frozen=True)
class VisitInfo:
    """调研安排 as the UI and the exporters see it."""

    id: str
    start_date: dt.date
    end_date: dt.date
    days: int
    place: str
    township: str
    place_type: str
    method: str
    unannounced: bool
    lead_id: str | None
    lead_name: str
    participant_ids: tuple[str, ...]
    participant_names: tuple[str, ...]
    topic_id: str | None
    topic_title: str
    section_id: str | None
    section_name: str
    purpose: str
    findings: str
    attachments: tuple[AttachmentInfo, ...] = ()
    issue_ids: tuple[str, ...] = ()
    office_code: str = ""  # whose visit (a prefecture lists its counties' too)
    state: str = VisitState.PLANNED
    state_label: str = "计划"
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    #: why its days do not count toward the quota ('' when they do): 计划中 / 已取消 / 机关 / 外地（学习考察、汇报）
    not_counted: str = ""


@dataclass(frozen=True)
class ClashInfo:
    """扎堆调研 — another section's visit to the same place or township close in time."""

    visit_id: str
    section_name: str
    start_date: dt.date
    end_date: dt.date
    place: str
    township: str
    lead_name: str
    reason: str  # 同一地点 | 同一乡镇
    gap_days: int  # 0 when the dates overlap


@dataclass(frozen=True)
class VisitSaved:
    """The result of saving a visit: the visit and the clashes found (a warning, not a refusal)."""

    visit: VisitInfo
    clashes: tuple[ClashInfo, ...] = ()


@dataclass(frozen=True)
class DaysRow:
    """基层天数 — one person's grassroots days in a year, against quota and pace."""

    person_id: str
    name: str
    section_id: str
    section_name: str
    is_leader: bool
    days: int
    quota: int
    expected: float  # where the person should be by the reference date (pro rata)
    colour: str  # green | yellow | red
    status: str  # 已完成 | 进度正常 | 稍有滞后 | 明显滞后
    visits: int
    office_code: str = ""  # whose person (a prefecture lists its counties' too)
    #: days of visits still 计划 (not yet done), not counted
    planned: int = 0
    #: done days that do not count, by reason: (("机关", 10), ("外地（学习考察、汇报）", 3))
    not_counted: tuple[tuple[str, int], ...] = ()
    #: share of the working days so far spent on research (done days of any place) — 全年拿出一半以上时间
    research_share: float = 0.0


@dataclass(frozen=True)
class PersonVisit:
    """One visit behind a person's day count, with the days it adds in that year."""

    visit_id: str
    start_date: dt.date
    end_date: dt.date
    place: str
    method: str
    role: str  # 带队 | 参加
    days_in_year: int
    new_days: int  # days not already counted by an earlier visit
    #: why its days do not count ('' when they do): 计划中（未完成） / 机关 / 外地（学习考察、汇报）
    not_counted: str = ""
