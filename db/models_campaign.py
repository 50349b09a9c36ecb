"""The campaign's other pillars (大讨论 and the rhythm of 大实践): meetings, periodic plans and lists,
section evaluation, contact villages / paired households / service items.

Every table carries the sync identity of DESIGN.md §4 (``SyncMixin``) and travels in bundles.
Codes are stored short; the ``*_LABELS`` give the words the UI, Excel, PDF and Word show.
Outcomes (成果转化运用清单) live in ``db.models_work.Outcome``; a meeting's outcome points
back through ``Outcome.meeting_id``; ledger items and topics raised at a meeting through
``Issue.source_meeting_id`` and ``Topic.source_meeting_id``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncMixin

#: kinds of 大讨论 meetings named by the source documents, in the order the UI offers them
MEETING_KINDS = ("组工讲堂", "中心组学习", "三会一课", "专题研讨", "分组研讨", "全办研讨", "务虚会", "座谈会",
                 "专家讲座", "集中学习", "自学")
#: each month every section holds one 组工讲堂 (“每月举办1期组工讲堂”)
MONTHLY_REQUIRED_MEETING = "组工讲堂"

#: periodic plans and lists; the period text each kind uses is in ``PLAN_PERIODS``
PLAN_KIND_LABELS = {
    "week": "周工作计划",
    "month_key": "月度重点攻坚项目",
    "month_highlight": "月度工作亮点",
    "quarter_gap": "季度重点补短板",
    "quarter_excel": "季度创先争优",
    "half_review": "半年复盘",
    "year_plan": "年度活动计划",
}
#: period grain of each kind: week 2026-W49, month 2026-12, quarter 2026-Q4, half 2026-H2, year 2026
PLAN_PERIODS = {"week": "week", "month_key": "month", "month_highlight": "month", "quarter_gap": "quarter",
                "quarter_excel": "quarter", "half_review": "half", "year_plan": "year"}
#: a plan item's state: open → done, or carried over to the next period, or dropped
PLAN_ITEM_STATES = {"open": "未完成", "done": "已完成", "carried": "结转下期", "dropped": "已取消"}

#: who scores a section's results (部领导评、科室互评、党员干部参评) and the default weights
RATER_KIND_LABELS = {"leader": "部领导评", "peer": "科室互评", "member": "党员干部参评"}
RATER_DEFAULT_WEIGHTS = {"leader": 0.5, "peer": 0.3, "member": 0.2}

#: 挂钩村 (at least one problem solved a year), 结对户 (visited every quarter), 服务清单 items
CONTACT_KIND_LABELS = {"village": "挂钩村", "household": "结对户", "service": "民生实事/服务清单"}
CONTACT_STATES = {"open": "进行中", "done": "已办结"}


class Meeting(SyncMixin, Base):
    """会议研讨 — a 大讨论 meeting: 组工讲堂, 中心组学习, 专题研讨, 务虚会 …"""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_year_date", "year", "date"),)
    year: Mapped[int] = mapped_column(Integer)
    #: the section that held it; None when the whole office did (全办)
    section_id: Mapped[str | None] = mapped_column(ForeignKey("section.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(12))
    date: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(120), default="")
    host_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    theme: Mapped[str] = mapped_column(String(200))
    #: speakers and experts, as written (“张三（州委党校）、李四”)
    speakers: Mapped[str] = mapped_column(String(200), default="")
    minutes: Mapped[str] = mapped_column(Text, default="")


class MeetingAttendee(SyncMixin, Base):
    """参会人员 — a person of the office invited to a meeting, present or absent with the reason."""

    __tablename__ = "meeting_attendee"
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    absence_reason: Mapped[str] = mapped_column(String(100), default="")


class PeriodPlan(SyncMixin, Base):
    """周计划 / 月清单 / 季清单 / 半年复盘 / 年度活动计划 — one section's filing for one period."""

    __tablename__ = "period_plan"
    __table_args__ = (Index("ix_period_plan_kind_period", "kind", "period", "section_id"),)
    year: Mapped[int] = mapped_column(Integer, index=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("section.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: 2026-W49, 2026-12, 2026-Q4, 2026-H2 or 2026 (``PLAN_PERIODS``)
    period: Mapped[str] = mapped_column(String(10))
    #: the 分管领导 it is reported to
    filed_to_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    #: None while a draft; the day it was filed (报送)
    filed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    filed_by: Mapped[str] = mapped_column(String(40), default="")
    #: the review's summary (半年复盘) or a note
    summary: Mapped[str] = mapped_column(Text, default="")
    #: 备案 by the office that runs the campaign (year plans)
    recorded_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(40), default="")


class PlanItem(SyncMixin, Base):
    """计划事项 — one line of a periodic plan or list, with its owner, due date and state."""

    __tablename__ = "plan_item"
    plan_id: Mapped[str] = mapped_column(ForeignKey("period_plan.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    state: Mapped[str] = mapped_column(String(10), default="open")
    #: the item of the previous period this one carries over (结转)
    carried_from_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class SectionScore(SyncMixin, Base):
    """科室评价 — one score of one section's half-year results by one rater."""

    __tablename__ = "section_score"
    __table_args__ = (Index("ix_section_score_year_half", "year", "half", "section_id"),)
    year: Mapped[int] = mapped_column(Integer)
    #: "H1" or "H2"
    half: Mapped[str] = mapped_column(String(2))
    section_id: Mapped[str] = mapped_column(ForeignKey("section.id"), index=True)
    #: leader | peer | member (``RATER_KIND_LABELS``)
    rater_kind: Mapped[str] = mapped_column(String(8))
    #: the scoring section (科室互评: never the section itself)
    rater_section_id: Mapped[str | None] = mapped_column(ForeignKey("section.id"), nullable=True)
    rater_name: Mapped[str] = mapped_column(String(40), default="")
    score: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")


class ContactPoint(SyncMixin, Base):
    """挂钩村 / 结对户 / 服务清单事项 — kept by a section or a person, with its required rhythm."""

    __tablename__ = "contact_point"
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    township: Mapped[str] = mapped_column(String(60), default="")
    section_id: Mapped[str | None] = mapped_column(ForeignKey("section.id"), nullable=True, index=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), nullable=True, index=True)
    #: the year a service item belongs to; villages and households run until ended
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    ended_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    state: Mapped[str] = mapped_column(String(10), default="open")
    notes: Mapped[str] = mapped_column(Text, default="")
