"""Issue ledger (问题台账): items and their append-only children.

Kinds and statuses are stored as short codes: their enums and Chinese words are
``desktop_app.core.ledger_codes`` (this layer stores the text; the core gives it meaning).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncMixin, without_index

#: the natural order of serial numbers as one SQL value (the ledger index and its queries use exactly this)
SERIAL_ORDER_SQL = "(CAST(length(serial) + 100 AS VARCHAR) || serial)"


def serial_order_value(serial: str) -> str:
    """The value of SERIAL_ORDER_SQL for one serial (where a page of rows continues)."""
    return f"{len(serial) + 100}{serial}"


class Issue(SyncMixin, Base):
    """问题台账条目 — one item of the issue ledger."""

    __tablename__ = "issue"
    __table_args__ = (
        Index("ix_issue_office_year_serial", "office_code", "year", "serial"),
        Index("ix_issue_status_deadline", "status", "deadline"),
        # the ledger table lists one year in serial order and counts by status/colour (migration 0002)
        # serials in natural order (2026-999 before 2026-1000): shorter first, then by text
        Index("ix_issue_year_serial", "year", text(SERIAL_ORDER_SQL), "id", "status", "deleted", "deadline", "serial"),
        Index("ix_issue_year_status_deadline", "year", "status", "deadline", "deleted", "id"),
        Index("ix_issue_year_deadline", "year", "deadline", "status", "deleted", "id"),
        Index("ix_issue_year_unit", "year", "responsible_unit", "responsible_person", "status", "deadline", "deleted", "id"),
        # a text match joins on id: this index answers the other filters without reading the wide rows
        Index("ix_issue_id_filters", "id", "year", "status", "deleted", "deadline"),
        # dashboard statistics (opened/closed per month, days to close) without reading the items
        Index("ix_issue_year_dates", "year", "assigned_date", "created_at", "closed_at", "status", "deleted", "deadline"),
    )
    serial: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(12), default="self")
    source_visit_id: Mapped[str | None] = mapped_column(ForeignKey("visit.id"), nullable=True)
    source_topic_id: Mapped[str | None] = mapped_column(ForeignKey("topic.id"), nullable=True)
    category: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(10), default="dated")
    lead_leader: Mapped[str] = mapped_column(String(40), default="")
    responsible_unit: Mapped[str] = mapped_column(String(100), default="", index=True)
    co_units: Mapped[str] = mapped_column(String(200), default="")
    responsible_person: Mapped[str] = mapped_column(String(40), default="", index=True)
    assigned_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: "date" or "workdays" (deadline = N Chinese working days after assigned_date)
    deadline_basis: Mapped[str] = mapped_column(String(10), default="date")
    deadline_workdays: Mapped[int | None] = mapped_column(Integer, nullable=True)
    original_deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="not_started")
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    latest_progress: Mapped[str] = mapped_column(Text, default="")
    closure_state: Mapped[str] = mapped_column(String(10), default="")
    closure_evidence: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    closed_by: Mapped[str] = mapped_column(String(40), default="")
    #: the office that assigned the item (交办) owns its deadline, closure and reopening
    assigned_by_office: Mapped[str] = mapped_column(String(12), default="")
    #: the meeting (会议研讨) where the problem was raised, if any (migration 0010)
    source_meeting_id: Mapped[str | None] = mapped_column(ForeignKey("meeting.id"), nullable=True)


class Progress(SyncMixin, Base):
    """整改进展 — one progress entry (append-only)."""

    __tablename__ = "progress"
    __append_only__ = True
    issue_id: Mapped[str] = mapped_column(ForeignKey("issue.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    percent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reporter: Mapped[str] = mapped_column(String(40), default="")


class Extension(SyncMixin, Base):
    """延期申请 — a request to move the deadline, approved or rejected by a leader."""

    __tablename__ = "extension"
    issue_id: Mapped[str] = mapped_column(ForeignKey("issue.id"), index=True)
    requested_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    requested_by: Mapped[str] = mapped_column(String(40), default="")
    approver: Mapped[str] = mapped_column(String(40), default="")
    decided_at: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")


class Urge(SyncMixin, Base):
    """催办 — an urge on a late or nearly late item (append-only)."""

    __tablename__ = "urge"
    __append_only__ = True
    issue_id: Mapped[str] = mapped_column(ForeignKey("issue.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    level: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(40), default="")


class Closure(SyncMixin, Base):
    """销号 — an application to close an item with evidence, and the verifier's verdict."""

    __tablename__ = "closure"
    issue_id: Mapped[str] = mapped_column(ForeignKey("issue.id"), index=True)
    applied_at: Mapped[dt.date] = mapped_column(Date)
    applicant: Mapped[str] = mapped_column(String(40), default="")
    evidence: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="applied")
    verifier: Mapped[str] = mapped_column(String(40), default="")
    decided_at: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class FollowUp(SyncMixin, Base):
    """回访 — a follow-up visit after closure; may reopen the item (append-only)."""

    __tablename__ = "follow_up"
    __append_only__ = True
    issue_id: Mapped[str] = mapped_column(ForeignKey("issue.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    finding: Mapped[str] = mapped_column(Text)
    satisfied: Mapped[bool] = mapped_column(Boolean, default=True)
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)
    by: Mapped[str] = mapped_column(String(40), default="")


class AttachmentLink(SyncMixin, Base):
    """附件关联 — links a stored attachment (by sha256) to a row of any table."""

    __tablename__ = "attachment_link"
    owner_table: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment.sha256"))
    name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class IssueSearchKey(Base):
    """检索键 — a local integer key per item: the rowid of its row in the ``issue_fts`` index.

    Local only (never synced): the index is rebuilt from the items at will.
    """

    __tablename__ = "issue_search_key"
    key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issue_id: Mapped[str] = mapped_column(String(36), unique=True)
    #: a digest of the text indexed under ``key`` (migration 0011): an unchanged item is not indexed again
    digest: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


# migration 0015: no index on office_code alone for the item (ix_issue_office_year_serial starts with it) nor for
# progress (read through its item, never by office). Dropped from the tables rather than by redeclaring the column,
# which would move it to the front of the mapper's column order (the order "*" in the change log expands to).
without_index(Issue, "office_code")
without_index(Progress, "office_code")
