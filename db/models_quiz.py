"""Competency quizzes (业务知识测试): questions, exams, papers, attempts, awards."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncMixin

QUESTION_TYPES = ("单选", "多选", "判断", "填空", "简答")
AWARD_KINDS = ("先进科室", "工作能手")


class Question(SyncMixin, Base):
    """试题 — one question of the bank."""

    __tablename__ = "question"
    type: Mapped[str] = mapped_column(String(4))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of option texts
    answer: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    section_id: Mapped[str | None] = mapped_column(ForeignKey("section.id"), nullable=True)
    difficulty: Mapped[int] = mapped_column(Integer, default=2)  # 1 easy … 3 hard
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Exam(SyncMixin, Base):
    """考试 — a quarterly closed-book exam."""

    __tablename__ = "exam"
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaign.id"), nullable=True)
    title: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    duration_min: Mapped[int] = mapped_column(Integer, default=60)
    total: Mapped[float] = mapped_column(Float, default=100)
    pass_mark: Mapped[float] = mapped_column(Float, default=60)
    rules: Mapped[str] = mapped_column(Text, default="{}")  # JSON paper rules


class Paper(SyncMixin, Base):
    """试卷 — one variant (A/B) of an exam's paper: ordered questions and points."""

    __tablename__ = "paper"
    exam_id: Mapped[str] = mapped_column(ForeignKey("exam.id"), index=True)
    variant: Mapped[str] = mapped_column(String(4), default="A")
    seed: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{question_id, points}]


class Attempt(SyncMixin, Base):
    """答卷/成绩 — a person's result in an exam (append-only)."""

    __tablename__ = "attempt"
    __append_only__ = True
    exam_id: Mapped[str] = mapped_column(ForeignKey("exam.id"), index=True)
    paper_id: Mapped[str | None] = mapped_column(ForeignKey("paper.id"), nullable=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    answers: Mapped[str] = mapped_column(Text, default="{}")
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    absent: Mapped[bool] = mapped_column(Boolean, default=False)
    exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    makeup: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(10), default="in-app")  # in-app|paper|import
    marked: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class Award(SyncMixin, Base):
    """评先 — a half-year award (先进科室 / 工作能手) and the basis for it."""

    __tablename__ = "award"
    period: Mapped[str] = mapped_column(String(12))  # e.g. 2026H1
    kind: Mapped[str] = mapped_column(String(8))
    target_id: Mapped[str] = mapped_column(String(36))
    rank: Mapped[int] = mapped_column(Integer, default=0)
    basis: Mapped[str] = mapped_column(Text, default="{}")
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)


class PracticeCard(SyncMixin, Base):
    """练习卡片 — a person's spaced-repetition state for one question (FSRS)."""

    __tablename__ = "practice_card"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("question.id"), index=True)
    state: Mapped[str] = mapped_column(Text, default="{}")  # FSRS card as JSON
    due: Mapped[dt.datetime | None] = mapped_column(nullable=True)
