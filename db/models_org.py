"""Organisation: offices, sections, people, campaigns, users."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SyncMixin

OFFICE_LEVELS = {"county": "县级", "prefecture": "市级"}


class Office(SyncMixin, Base):
    """单位 — an office (county or prefecture), identified by its administrative division code."""

    __tablename__ = "office"
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16), default="county")
    parent_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    public_key: Mapped[str | None] = mapped_column(Text, nullable=True)  # Ed25519, base64


class Section(SyncMixin, Base):
    """科室 — a section of an office."""

    __tablename__ = "section"
    __table_args__ = (UniqueConstraint("office_code", "name", name="uq_section_office_name"),)
    name: Mapped[str] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    people: Mapped[list[Person]] = relationship(back_populates="section")


class Person(SyncMixin, Base):
    """人员 — a member of staff; leaders and staff have different grassroots-day quotas."""

    __tablename__ = "person"
    name: Mapped[str] = mapped_column(String(40), index=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("section.id"), index=True)
    post: Mapped[str] = mapped_column(String(60), default="")
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    #: yearly grassroots-days quota; None = the campaign's default for leaders/staff
    quota_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    phone: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    section: Mapped[Section] = relationship(back_populates="people")


class Campaign(SyncMixin, Base):
    """调研活动 — the year's research campaign with its default quotas."""

    __tablename__ = "campaign"
    __table_args__ = (UniqueConstraint("office_code", "year", name="uq_campaign_office_year"),)
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100), default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    leader_quota: Mapped[int] = mapped_column(Integer, default=90)
    staff_quota: Mapped[int] = mapped_column(Integer, default=60)


class User(Base):
    """用户 — a login on this PC (local only, never synced)."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40), default="")
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    #: legacy single-role column of the first schema (unused; ``roles`` holds the roles)
    role: Mapped[str] = mapped_column(String(16), default="")
    #: JSON list of role keys (desktop_app.core.roles.ROLES)
    roles: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    #: JSON list of section names an approver (审核人/分管领导) decides for; [] = every section
    approve_sections: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    #: JSON {"algo", "n", "r", "p", "salt", "hash"} (hex) — never the password itself
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    #: a first or reset password must be changed at the next sign-in
    must_change: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
