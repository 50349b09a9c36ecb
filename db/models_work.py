"""Research work: topics (调研课题), their members and outcomes, visits (调研安排)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncMixin

TOPIC_KINDS = ("重点", "一般")
TOPIC_STATUSES = ("立项", "调研中", "成稿", "结题")
#: the report's review by the 分管领导 (“形成调研报告报分管领导审阅”) before 结题
TOPIC_REVIEW_STATES = {"": "未报审", "submitted": "待审阅", "reviewed": "已审阅", "returned": "退回修改"}
OUTCOME_KINDS = ("实践成果", "制度成果", "理论成果")
PLACE_TYPES = ("农村", "社区", "企业", "医院", "学校", "新经济组织", "新社会组织", "机关", "外地")
#: places whose days count toward the grassroots quota (机关 and 外地 — 学习考察、汇报 — are recorded, not counted)
GRASSROOTS_PLACE_TYPES = ("农村", "社区", "企业", "医院", "学校", "新经济组织", "新社会组织")
VISIT_METHODS = ("蹲点调研", "随机走访", "专项调研", "座谈访谈", "问卷调查", "四不两直", "统计分析")
#: the width of visit.method: several methods written together (座谈交流、实地走访、个别访谈、查阅资料) fit whole
VISIT_METHOD_MAX = 60


class Topic(SyncMixin, Base):
    """调研课题 — a research topic led by a leader (领题)."""

    __tablename__ = "topic"
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaign.id"), nullable=True, index=True)
    year: Mapped[int] = mapped_column(index=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("section.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8), default="一般")
    lead_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    methods: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of method names
    stages: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of planned stages
    report_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(8), default="立项")
    report_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    score_leader: Mapped[float | None] = mapped_column(Float, nullable=True)
    score_peer: Mapped[float | None] = mapped_column(Float, nullable=True)
    score_member: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: the meeting (会议研讨) where the topic was raised, if any
    source_meeting_id: Mapped[str | None] = mapped_column(ForeignKey("meeting.id"), nullable=True)
    #: 报分管领导审阅: "" (not yet) → submitted → reviewed, or returned (TOPIC_REVIEW_STATES)
    review_state: Mapped[str] = mapped_column(String(10), default="", server_default="")
    review_submitted_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    reviewer: Mapped[str] = mapped_column(String(40), default="", server_default="")
    review_opinion: Mapped[str] = mapped_column(Text, default="", server_default="")
    reviewed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class TopicMember(SyncMixin, Base):
    """课题组成员 — a person taking part in a topic."""

    __tablename__ = "topic_member"
    topic_id: Mapped[str] = mapped_column(ForeignKey("topic.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)


class Outcome(SyncMixin, Base):
    """调研成果 — a practical, institutional or theoretical result of a topic or an issue."""

    __tablename__ = "outcome"
    topic_id: Mapped[str | None] = mapped_column(ForeignKey("topic.id"), nullable=True, index=True)
    issue_id: Mapped[str | None] = mapped_column(ForeignKey("issue.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    doc_no: Mapped[str] = mapped_column(String(60), default="")
    date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    adopted_by: Mapped[str] = mapped_column(String(100), default="")
    #: 成果转化运用清单: outcomes of meetings, and of no topic at all, carry their own section and year
    meeting_id: Mapped[str | None] = mapped_column(ForeignKey("meeting.id"), nullable=True, index=True)
    section_id: Mapped[str | None] = mapped_column(ForeignKey("section.id"), nullable=True, index=True)
    year: Mapped[int | None] = mapped_column(nullable=True, index=True)
    #: 向权威刊物或网站推介刊发: where and when it was published
    published_in: Mapped[str] = mapped_column(String(100), default="", server_default="")
    published_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class Visit(SyncMixin, Base):
    """调研安排 — a grassroots visit: dates, place, method, who went."""

    __tablename__ = "visit"
    __append_only__ = True
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaign.id"), nullable=True, index=True)
    topic_id: Mapped[str | None] = mapped_column(ForeignKey("topic.id"), nullable=True, index=True)
    section_id: Mapped[str | None] = mapped_column(ForeignKey("section.id"), nullable=True, index=True)
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(120))
    township: Mapped[str] = mapped_column(String(60), default="")
    place_type: Mapped[str] = mapped_column(String(12), default="")
    method: Mapped[str] = mapped_column(String(VISIT_METHOD_MAX), default="")
    unannounced: Mapped[bool] = mapped_column(Boolean, default=False)
    lead_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    #: planned | done | cancelled (``desktop_app.core.visit_codes.VisitState``); only done days count
    state: Mapped[str] = mapped_column(String(10), default="planned", server_default="planned", index=True)
    #: the days it really took (set when done; the plan stays in start_date/end_date)
    actual_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    actual_end: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class VisitParticipant(SyncMixin, Base):
    """随行人员 — a person on a visit (the lead is a participant too)."""

    __tablename__ = "visit_participant"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
