"""机考 — sitting an exam in the app: begin, store every answer, submit, then hand-mark 简答.

An in-app attempt's ``answers`` is JSON ``{"started", "submitted", "items": {question_id:
{"response", "points", "max", "type"}}}``; ``points`` is None until marked (简答 by hand).
The attempt's ``score`` stays None until it is submitted; ``marked`` turns true once
every item has points.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Attempt, Paper, Person, Question, Section
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, StateError, ValidationError
from desktop_app.quiz import exams, marking
from desktop_app.quiz.types import SubmitResult


@dataclass(frozen=True)
class Sitting:
    """An attempt in progress: which paper, when it started, what is answered so far."""

    attempt_id: str
    paper_id: str
    person_name: str
    started: dt.datetime
    duration_min: int
    responses: dict[str, Any]
    makeup: bool


@dataclass(frozen=True)
class PendingItem:
    """A 简答 answer waiting to be marked by hand."""

    attempt_id: str
    person_name: str
    question_id: str
    number: int
    stem: str
    reference: str
    response: str
    max_points: float


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _load(a: Attempt) -> dict[str, Any]:
    data = json.loads(a.answers or "{}")
    data.setdefault("items", {})
    return data


def _live_attempts(s: Session, exam_id: str, person_id: str) -> list[Attempt]:
    return list(s.execute(select(Attempt).where(Attempt.exam_id == exam_id, Attempt.person_id == person_id,
                                                Attempt.deleted.is_(False)).order_by(Attempt.created_at)).scalars())


def begin_attempt(db: Database, actor: Actor, exam_id: str, person_id: str, paper_id: str | None = None) -> Sitting:
    """Start (or resume, after a crash) a person's sitting. Papers A/B alternate between examinees.

    A person with a finished attempt may sit again only as a 补考 after 缺考 or a fail.
    """
    with db.transaction() as s:
        exam = exams._get(s, db.office_code, exam_id)
        person = s.get(Person, person_id)
        if person is None or person.deleted or person.office_code != db.office_code:
            raise NotFoundError("该人员不存在", "请刷新人员名单后重试")
        papers = list(s.execute(select(Paper).where(Paper.exam_id == exam.id, Paper.deleted.is_(False))
                                .order_by(Paper.variant)).scalars())
        if not papers:
            raise StateError(f"“{exam.title}”还没有试卷", "请先组卷")
        makeup = False
        for old in _live_attempts(s, exam.id, person.id):
            data = _load(old)
            if old.source == "in-app" and old.score is None and not old.absent and not data.get("submitted"):
                _paper_items(s, old.paper_id)  # the paper must still be there to resume
                return Sitting(old.id, old.paper_id or "", person.name,
                               dt.datetime.fromisoformat(data.get("started") or _now().isoformat()),
                               exam.duration_min, {k: v.get("response") for k, v in data["items"].items()},
                               old.makeup)
            if old.exempt:
                raise StateError(f"{person.name}本次考试为免考", "无需参加考试")
            if old.absent or (old.marked and old.score is not None and old.score < exam.pass_mark):
                makeup = True
            else:
                raise StateError(f"{person.name}已参加过本次考试（{old.score:g}分）" if old.score is not None
                                 else f"{person.name}已交卷，正在等待阅卷", "同一人不能重复参加同一场考试")
        if paper_id:
            chosen = next((p for p in papers if p.id == paper_id), None)
            if chosen is None:
                raise NotFoundError("所选试卷不属于这场考试", "请重新选择试卷")
        else:
            started = s.execute(select(Attempt.id).where(Attempt.exam_id == exam.id, Attempt.source == "in-app",
                                                         Attempt.deleted.is_(False))).all()
            chosen = papers[len(started) % len(papers)]
        started_at = _now()
        a = Attempt(exam_id=exam.id, paper_id=chosen.id, person_id=person.id, source="in-app", makeup=makeup,
                    marked=False, answers=json.dumps({"started": started_at.isoformat(), "submitted": None,
                                                      "items": {}}))
        s.add(a)
        s.flush()
        audit.record(s, actor, "begin_attempt", "attempt", a.id,
                     {"exam": exam.title, "person": person.name, "variant": chosen.variant})
        return Sitting(a.id, chosen.id, person.name, started_at, exam.duration_min, {}, makeup)


def _open_attempt(s: Session, office: str, attempt_id: str) -> tuple[Attempt, dict[str, Any]]:
    a = s.get(Attempt, attempt_id)
    if a is None or a.deleted or a.office_code != office:
        raise NotFoundError("该答卷不存在", "请重新开始考试")
    data = _load(a)
    if data.get("submitted"):
        raise StateError("该答卷已交卷，不能再修改", "如有疑问请联系监考人员")
    return a, data


def save_answer(db: Database, actor: Actor, attempt_id: str, question_id: str, response: Any) -> None:
    """Store one answer as soon as it is given (so a crash loses nothing)."""
    with db.transaction() as s:
        a, data = _open_attempt(s, db.office_code, attempt_id)
        data["items"].setdefault(question_id, {})["response"] = response
        a.answers = json.dumps(data, ensure_ascii=False)
        audit.record(s, actor, "save_answer", "attempt", a.id, {"question": question_id})


def _paper_items(s: Session, paper_id: str | None) -> list[tuple[str, float]]:
    p = s.get(Paper, paper_id) if paper_id else None
    if p is None:
        raise NotFoundError("未找到该答卷的试卷", "请联系管理员")
    return [(i["question_id"], float(i["points"])) for i in json.loads(p.items or "[]")]


def _rescore(a: Attempt, data: dict[str, Any]) -> None:
    items = data["items"].values()
    a.score = marking.total([i.get("points") for i in items])
    a.marked = all(i.get("points") is not None for i in items)


def submit_attempt(db: Database, actor: Actor, attempt_id: str, responses: dict[str, Any] | None = None) -> SubmitResult:
    """交卷: store the final answers, mark the objective ones, leave 简答 for hand marking."""
    with db.transaction() as s:
        a, data = _open_attempt(s, db.office_code, attempt_id)
        exam = exams._get(s, db.office_code, a.exam_id)
        multi_partial = bool(json.loads(exam.rules or "{}").get("multi_partial", False))
        given = {k: v.get("response") for k, v in data["items"].items()}
        given.update(responses or {})
        items: dict[str, Any] = {}
        for qid, points in _paper_items(s, a.paper_id):
            q = s.get(Question, qid)
            if q is None:
                raise NotFoundError("试卷中的试题在题库中找不到", "请联系管理员")
            response = given.get(qid)
            blanks = marking.count_blanks(q.stem) if q.type == "填空" else 1
            got = marking.mark(q.type, q.answer, response, points, multi_partial, blanks)
            if q.type == "简答" and not str(response or "").strip():
                got = 0.0  # nothing written: nothing to mark by hand
            items[qid] = {"response": response, "points": got, "max": points, "type": q.type}
        data["items"], data["submitted"] = items, _now().isoformat()
        a.answers = json.dumps(data, ensure_ascii=False)
        _rescore(a, data)
        pending = sum(1 for i in items.values() if i["points"] is None)
        audit.record(s, actor, "submit_attempt", "attempt", a.id, {"score": a.score, "pending": pending})
        return SubmitResult(a.id, float(a.score or 0), pending)


def pending_marking(db: Database, exam_id: str) -> list[PendingItem]:
    """Every 简答 answer of the exam still waiting for hand marking."""
    out: list[PendingItem] = []
    with db.session() as s:
        exams._get(s, db.office_code, exam_id)
        rows = s.execute(select(Attempt, Person).join(Person, Attempt.person_id == Person.id).where(
            Attempt.exam_id == exam_id, Attempt.deleted.is_(False), Attempt.source == "in-app",
            Attempt.marked.is_(False)).order_by(Person.name)).all()
        for a, p in rows:
            data = _load(a)
            if not data.get("submitted"):
                continue
            order = {qid: n for n, (qid, _pts) in enumerate(_paper_items(s, a.paper_id), 1)}
            for qid, item in data["items"].items():
                if item.get("points") is None:
                    q = s.get(Question, qid)
                    out.append(PendingItem(a.id, p.name, qid, order.get(qid, 0), q.stem if q else "",
                                           q.answer if q else "", str(item.get("response") or ""),
                                           float(item.get("max", 0))))
    return out


def mark_by_hand(db: Database, actor: Actor, attempt_id: str, question_id: str, points: float) -> float:
    """Give points to one 简答 answer; returns the attempt's new score."""
    with db.transaction() as s:
        a = s.get(Attempt, attempt_id)
        if a is None or a.deleted or a.office_code != db.office_code:
            raise NotFoundError("该答卷不存在", "请刷新后重试")
        data = _load(a)
        item = data["items"].get(question_id)
        if not data.get("submitted") or item is None:
            raise StateError("该题尚未交卷，不能阅卷", "请等考生交卷后再阅卷")
        top = float(item.get("max", 0))
        if not (0 <= points <= top):
            raise ValidationError(f"得分{points:g}不在0到本题分值{top:g}之间", "请重新填写得分")
        item["points"] = float(points)
        a.answers = json.dumps(data, ensure_ascii=False)
        _rescore(a, data)
        audit.record(s, actor, "mark_by_hand", "attempt", a.id, {"question": question_id, "points": points})
        return float(a.score or 0)


def examinees(db: Database, exam_id: str) -> list[tuple[str, str, str, str]]:
    """(person id, name, section, status) of everyone who may sit the exam; status ''/已交卷/作答中/缺考/免考."""
    with db.session() as s:
        exams._get(s, db.office_code, exam_id)
        people = s.execute(select(Person, Section).join(Section, Person.section_id == Section.id).where(
            Person.office_code == db.office_code, Person.deleted.is_(False), Person.active.is_(True))
            .order_by(Section.sort_order, Person.name)).all()
        rows = exams.effective(exams._attempt_rows(s, exam_id))
        state: dict[str, str] = {}
        for a, _p, _sec in rows:
            if a.exempt:
                state[a.person_id] = "免考"
            elif a.absent:
                state[a.person_id] = "缺考"
            elif a.source == "in-app" and not _load(a).get("submitted"):
                state[a.person_id] = "作答中"
            else:
                state[a.person_id] = "已交卷"
        return [(p.id, p.name, sec.name, state.get(p.id, "")) for p, sec in people]
