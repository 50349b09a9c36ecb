"""组卷 — building an exam's paper by rules (counts per type and tag, points per type) or by hand.

A/B variants share the make-up (the same rule lines, so the same counts and
points) but draw different questions where the bank allows. The same seed on
the same bank gives the same paper: questions are taken in id order and shuffled
by ``random.Random(seed)``, never by the global generator.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Attempt, Exam, Paper, Question
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, StateError, ValidationError
from desktop_app.quiz import bank, marking
from desktop_app.quiz.exams import _get as _get_exam
from desktop_app.quiz.types import (
    QUESTION_TYPES,
    ExamQuestion,
    KeyQuestion,
    PaperInfo,
    PaperItem,
    QuestionBrief,
    RuleLine,
)

VARIANTS = "ABCD"


def validate_rules(lines: Sequence[RuleLine]) -> None:
    """Check rule lines: known types, positive counts and points."""
    if not lines:
        raise ValidationError("组卷规则为空", "请至少添加一行：题型、题数、每题分值")
    for i, line in enumerate(lines, 1):
        if line.type not in QUESTION_TYPES:
            raise ValidationError(f"第{i}条规则的题型“{line.type}”无效", "题型应为 单选、多选、判断、填空、简答 之一")
        if line.count <= 0:
            raise ValidationError(f"第{i}条规则（{line.type}）的题数应大于0", "请填写题数")
        if line.points <= 0:
            raise ValidationError(f"第{i}条规则（{line.type}）的每题分值应大于0", "请填写分值")


def _matches(q: QuestionBrief, line: RuleLine) -> bool:
    return q.type == line.type and (not line.tag or line.tag in q.tags)


def select_items(pool: Sequence[QuestionBrief], lines: Sequence[RuleLine], seed: int,
                 variants: int = 1) -> list[list[PaperItem]]:
    """Draw ``variants`` papers from ``pool`` by ``lines``; deterministic for a given seed and pool.

    Each variant gets the same counts and points per line. Variants draw
    disjoint questions while the bank has enough; beyond that they share.
    Questions are grouped by type in the usual order (单选 … 简答).
    """
    validate_rules(lines)
    rng = random.Random(seed)
    ordered = sorted(pool, key=lambda q: q.id)
    used_by: list[set[str]] = [set() for _ in range(variants)]
    drawn: list[list[tuple[str, PaperItem]]] = [[] for _ in range(variants)]
    used_any: set[str] = set()
    # tagged lines first so that an untagged line of the same type does not eat their questions
    for line in sorted(lines, key=lambda rule: (rule.tag == "", QUESTION_TYPES.index(rule.type))):
        candidates = [q.id for q in ordered if _matches(q, line)]
        rng.shuffle(candidates)
        for v in range(variants):
            fresh = [c for c in candidates if c not in used_any]
            shared = [c for c in candidates if c in used_any and c not in used_by[v]]
            take = (fresh + shared)[:line.count]
            if len(take) < line.count:
                what = f"{line.type}题" + (f"（标签“{line.tag}”）" if line.tag else "")
                available = len([c for c in candidates if c not in used_by[v]])
                raise ValidationError(f"题库中可用的{what}只有{available}道，规则需要{line.count}道",
                                      "请减少该题型的题数，或先向题库补充试题")
            for qid in take:
                used_by[v].add(qid)
                used_any.add(qid)
                drawn[v].append((line.type, PaperItem(qid, float(line.points))))
    out = []
    for v in range(variants):
        items = drawn[v]
        rng.shuffle(items)
        items.sort(key=lambda t: QUESTION_TYPES.index(t[0]))
        out.append([item for _t, item in items])
    return out


def _info(p: Paper) -> PaperInfo:
    items = tuple(PaperItem(i["question_id"], float(i["points"])) for i in json.loads(p.items or "[]"))
    return PaperInfo(p.id, p.exam_id, p.variant, p.seed, items)


def _live_papers(s: Session, exam_id: str) -> list[Paper]:
    return list(s.execute(select(Paper).where(Paper.exam_id == exam_id, Paper.deleted.is_(False))
                          .order_by(Paper.variant)).scalars())


def scaled_pass_mark(old_total: float, old_pass: float, new_total: float) -> float:
    """及格分 when a paper changes the exam's 满分: the same share of the total (60 of 100 → 48 of 80),
    to half a point; a total that does not change keeps its pass mark as it is."""
    if new_total == old_total:
        return old_pass
    share = old_pass / old_total if old_total > 0 else 0.6
    return min(new_total, round(share * new_total * 2) / 2)


def _replace_papers(s: Session, exam: Exam, made: list[tuple[str, int, list[PaperItem]]]) -> list[Paper]:
    """Tombstone the exam's old papers (refused once someone sat one) and add the new ones."""
    old = _live_papers(s, exam.id)
    sat = s.execute(select(Attempt.id).where(Attempt.paper_id.in_([p.id for p in old]),
                                             Attempt.deleted.is_(False)).limit(1)).first() if old else None
    if sat:
        raise StateError(f"“{exam.title}”已有人作答，不能重新组卷", "如需换卷，请新建一场考试")
    for p in old:
        p.deleted = True
    papers = []
    for variant, seed, items in made:
        p = Paper(exam_id=exam.id, variant=variant, seed=seed,
                  items=json.dumps([{"question_id": i.question_id, "points": i.points} for i in items]))
        s.add(p)
        papers.append(p)
    total = float(sum(i.points for i in made[0][2]))
    # the paper decides the 满分; the 及格分 keeps its share of it, never silently 60 of 78
    exam.pass_mark = scaled_pass_mark(exam.total, exam.pass_mark, total)
    exam.total = total
    s.flush()
    return papers


def build_papers(db: Database, actor: Actor, exam_id: str, lines: Sequence[RuleLine], seed: int,
                 variants: int = 1) -> list[PaperInfo]:
    """Build the exam's paper(s) by rules — A, or A and B with the same make-up; sets the exam's total."""
    if not (1 <= variants <= len(VARIANTS)):
        raise ValidationError(f"试卷套数“{variants}”无效", f"请选择1到{len(VARIANTS)}套")
    with db.transaction() as s:
        exam = _get_exam(s, db.office_code, exam_id)
        drawn = select_items(bank.briefs(s, db.office_code), lines, seed, variants)
        papers = _replace_papers(s, exam, [(VARIANTS[v], seed, drawn[v]) for v in range(variants)])
        rules = json.loads(exam.rules or "{}")
        rules["lines"] = [{"type": r.type, "count": r.count, "points": r.points, "tag": r.tag} for r in lines]
        rules["seed"] = seed
        exam.rules = json.dumps(rules, ensure_ascii=False)
        audit.record(s, actor, "build_papers", "exam", exam.id,
                     {"seed": seed, "variants": variants, "questions": len(drawn[0]), "total": exam.total})
        return [_info(p) for p in papers]


def build_paper_by_hand(db: Database, actor: Actor, exam_id: str, items: Sequence[PaperItem]) -> PaperInfo:
    """Make the exam's paper from questions picked by hand (in the given order)."""
    if not items:
        raise ValidationError("试卷中没有试题", "请先从题库中选择试题")
    ids = [i.question_id for i in items]
    if len(set(ids)) != len(ids):
        raise ValidationError("同一道题在试卷中出现了两次", "请删除重复的试题")
    for n, i in enumerate(items, 1):
        if i.points <= 0:
            raise ValidationError(f"第{n}题的分值应大于0", "请填写分值")
    with db.transaction() as s:
        exam = _get_exam(s, db.office_code, exam_id)
        offices = bank.bank_offices(s, db.office_code)  # questions sent down from above may be picked too
        for n, qid in enumerate(ids, 1):
            q = s.get(Question, qid)
            if q is None or q.deleted or q.office_code not in offices:
                raise NotFoundError(f"第{n}题在题库中不存在", "请刷新题库后重新选择")
        [paper] = _replace_papers(s, exam, [("A", 0, list(items))])
        audit.record(s, actor, "build_paper_by_hand", "exam", exam.id, {"questions": len(items), "total": exam.total})
        return _info(paper)


def saved_rules(db: Database, exam_id: str) -> tuple[list[RuleLine], int | None]:
    """The rule lines and seed the exam's paper was last built with (empty, None before any)."""
    with db.session() as s:
        rules = json.loads(_get_exam(s, db.office_code, exam_id).rules or "{}")
    lines = [RuleLine(r["type"], int(r["count"]), float(r["points"]), r.get("tag", "")) for r in rules.get("lines", [])]
    return lines, rules.get("seed")


def list_papers(db: Database, exam_id: str) -> list[PaperInfo]:
    """The exam's current paper variants (A, B …)."""
    with db.session() as s:
        _get_exam(s, db.office_code, exam_id)
        return [_info(p) for p in _live_papers(s, exam_id)]


def _paper(s: Session, office: str, paper_id: str) -> Paper:
    p = s.get(Paper, paper_id)
    if p is None or p.deleted or p.office_code != office:
        raise NotFoundError("该试卷不存在或已作废", "请刷新后重试")
    return p


def _questions(s: Session, p: Paper) -> list[tuple[int, PaperItem, Question]]:
    info = _info(p)
    out = []
    for n, item in enumerate(info.items, 1):
        q = s.get(Question, item.question_id)
        if q is None:
            raise NotFoundError(f"试卷第{n}题在题库中找不到", "该题可能尚未同步到本机，请先导入数据包")
        out.append((n, item, q))
    return out


def exam_questions(db: Database, paper_id: str) -> list[ExamQuestion]:
    """The paper as an examinee sees it — stems, options and points, never answers."""
    with db.session() as s:
        return [ExamQuestion(n, q.id, q.type, q.stem, tuple(json.loads(q.options or "[]")), item.points,
                             marking.count_blanks(q.stem) if q.type == "填空" else 1)
                for n, item, q in _questions(s, _paper(s, db.office_code, paper_id))]


def answer_key(db: Database, paper_id: str) -> list[KeyQuestion]:
    """The paper with answers and explanations (答案及评分标准), for printing and hand marking."""
    with db.session() as s:
        return [KeyQuestion(n, q.id, q.type, q.stem, tuple(json.loads(q.options or "[]")), item.points, q.answer,
                            q.explanation)
                for n, item, q in _questions(s, _paper(s, db.office_code, paper_id))]
