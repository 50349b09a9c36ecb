"""业务知识问答 — practice with spaced repetition (FSRS) and the leader's random oral check.

Each person has one FSRS card per question drilled. A wrong answer is rated
Again, so the question comes back within minutes; a right one Good, so it comes
back after growing intervals. 简答 is rated by the person after seeing the
reference answer. Fuzzing is off so that schedules are reproducible.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from fsrs import Card, Rating, Scheduler
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Person, PracticeCard, Question, Section
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, StateError, ValidationError
from desktop_app.quiz import bank, marking
from desktop_app.quiz.types import ExamQuestion, KeyQuestion, OralCheck, PracticeItem, PracticeResult

RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
RATING_LABELS = {"again": "不会", "hard": "模糊", "good": "会", "easy": "很熟"}
_scheduler = Scheduler(enable_fuzzing=False)


def _utc(now: dt.datetime | None) -> dt.datetime:
    """An aware UTC time (FSRS works in UTC); naive values are taken as UTC."""
    now = now or dt.datetime.now(dt.UTC)
    return now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC)


def _naive(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None)


def _person(s: Session, office: str, person_id: str) -> Person:
    p = s.get(Person, person_id)
    if p is None or p.deleted or p.office_code != office:
        raise NotFoundError("该人员不存在", "请刷新人员名单后重试")
    return p


def _as_exam_question(q: Question, number: int = 1) -> ExamQuestion:
    return ExamQuestion(number, q.id, q.type, q.stem, tuple(json.loads(q.options or "[]")), 1.0,
                        marking.count_blanks(q.stem) if q.type == "填空" else 1)


def next_item(db: Database, person_id: str, now: dt.datetime | None = None, seed: int | None = None) -> PracticeItem:
    """The next question to drill: the most overdue card, else a question not yet seen, else the next due."""
    t = _naive(_utc(now))
    with db.session() as s:
        _person(s, db.office_code, person_id)
        live = (Question.office_code.in_(bank.bank_offices(s, db.office_code)), Question.deleted.is_(False),
                Question.retired.is_(False))
        cards = s.execute(select(PracticeCard, Question).join(Question, PracticeCard.question_id == Question.id)
                          .where(PracticeCard.person_id == person_id, PracticeCard.deleted.is_(False), *live)
                          .order_by(PracticeCard.due, PracticeCard.id)).all()
        overdue = [(c, q) for c, q in cards if c.due is not None and c.due <= t]
        if overdue:
            c, q = overdue[0]
            return PracticeItem(_as_exam_question(q), c.due, False)
        seen = {q.id for _c, q in cards}
        fresh = [q for q in s.execute(select(Question).where(*live).order_by(Question.id)).scalars()
                 if q.id not in seen]
        if fresh:
            q = random.Random(seed).choice(fresh)
            return PracticeItem(_as_exam_question(q), None, True)
        if cards:
            c, q = cards[0]
            return PracticeItem(_as_exam_question(q), c.due, False)
    raise StateError("题库中还没有可练习的试题", "请先在 题库 中添加或导入试题，或导入市级单位下发题库的同步包")


def answer(db: Database, actor: Actor, person_id: str, question_id: str, response: object,
           self_rating: str | None = None, now: dt.datetime | None = None) -> PracticeResult:
    """Record one practice answer and reschedule the question for this person.

    Objective types are marked (right → Good, wrong → Again); 简答 needs ``self_rating``
    (again|hard|good|easy) given after reading the reference answer.
    """
    t = _utc(now)
    with db.transaction() as s:
        _person(s, db.office_code, person_id)
        q = s.get(Question, question_id)
        if q is None or q.deleted or q.office_code not in bank.bank_offices(s, db.office_code):
            raise NotFoundError("该试题不存在或已删除", "请换一道题")
        if q.type == "简答" or self_rating:
            if self_rating not in RATINGS:
                raise ValidationError("请自评掌握程度", "不会 / 模糊 / 会 / 很熟")
            key = self_rating
            correct = key in ("good", "easy")
        else:
            blanks = marking.count_blanks(q.stem) if q.type == "填空" else 1
            correct = (marking.mark(q.type, q.answer, response, 1.0, False, blanks) or 0.0) >= 1.0
            key = "good" if correct else "again"
        row = s.execute(select(PracticeCard).where(PracticeCard.person_id == person_id,
                                                   PracticeCard.question_id == question_id,
                                                   PracticeCard.deleted.is_(False))).scalar()
        card = Card.from_json(row.state) if row is not None and row.state not in ("", "{}") else Card(due=t)
        card, _log = _scheduler.review_card(card, RATINGS[key], t)
        if row is None:
            row = PracticeCard(person_id=person_id, question_id=question_id)
            s.add(row)
        row.state, row.due = card.to_json(), _naive(card.due)
        s.flush()
        audit.record(s, actor, "practice_answer", "practice_card", row.id, {"question": question_id, "rating": key})
        return PracticeResult(correct, q.answer, q.explanation, card.due, RATING_LABELS[key])


def practice_summary(db: Database, person_id: str, now: dt.datetime | None = None) -> tuple[int, int, int]:
    """(questions drilled, due now, weak ones — last rated 不会/模糊 or still learning).

    Counts the cards of questions still in the bank (own or sent down), as ``next_item`` drills them.
    """
    t = _naive(_utc(now))
    with db.session() as s:
        cards = s.execute(select(PracticeCard).join(Question, PracticeCard.question_id == Question.id)
                          .where(PracticeCard.person_id == person_id, PracticeCard.deleted.is_(False),
                                 Question.office_code.in_(bank.bank_offices(s, db.office_code)),
                                 Question.deleted.is_(False))).scalars().all()
        due = sum(1 for c in cards if c.due is not None and c.due <= t)
        weak = sum(1 for c in cards if json.loads(c.state or "{}").get("state") in (1, 3))
        return len(cards), due, weak


def oral_check(db: Database, actor: Actor, section_id: str | None = None, seed: int | None = None) -> OralCheck:
    """随机抽问: pick an active person (of ``section_id`` when given) and a question, preferring
    questions of that person's section; the pick is recorded in the audit log."""
    rng = random.Random(seed)
    with db.transaction() as s:
        q_people = select(Person, Section).join(Section, Person.section_id == Section.id).where(
            Person.office_code == db.office_code, Person.deleted.is_(False), Person.active.is_(True))
        if section_id:
            q_people = q_people.where(Person.section_id == section_id)
        people = s.execute(q_people.order_by(Person.id)).all()
        if not people:
            raise StateError("没有可抽问的人员", "请先在 设置 中添加人员")
        person, sec = rng.choice(people)
        live = select(Question).where(Question.office_code.in_(bank.bank_offices(s, db.office_code)),
                                      Question.deleted.is_(False), Question.retired.is_(False)).order_by(Question.id)
        pool = list(s.execute(live.where(Question.section_id == sec.id)).scalars()) or list(
            s.execute(live).scalars())
        if not pool:
            raise StateError("题库中还没有试题", "请先在 题库 中添加或导入试题")
        q = rng.choice(pool)
        audit.record(s, actor, "oral_check", "question", q.id, {"person": person.name, "stem": q.stem[:40]})
        key = KeyQuestion(1, q.id, q.type, q.stem, tuple(json.loads(q.options or "[]")), 0.0, q.answer, q.explanation)
        return OralCheck(person.id, person.name, sec.name, key)
