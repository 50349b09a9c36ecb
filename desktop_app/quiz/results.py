"""成绩分析 — rankings, distributions, section statistics, personal histories and the 公示 score list.

Only the counting attempt of each person is used (a 补考 replaces the earlier
one). Rankings are competition rankings: equal scores share a rank and the next
rank skips (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Attempt, Exam, Person, Section
from desktop_app.core.errors import NotFoundError
from desktop_app.org import scope
from desktop_app.quiz import exams
from desktop_app.quiz.exams import list_exams
from desktop_app.quiz.types import Bucket, HistoryRow, RankRow, ScoreRow, SectionStat

__all__ = ["distribution", "list_exams", "person_history", "rank_scores", "ranking", "score_list",
           "section_averages", "section_stats"]

K = TypeVar("K", bound=Hashable)
BANDS = ((0.0, 60.0, "60分以下"), (60.0, 70.0, "60–69"), (70.0, 80.0, "70–79"), (80.0, 90.0, "80–89"),
         (90.0, 100.01, "90–100"))


def rank_scores(scores: Sequence[tuple[K, float]]) -> list[tuple[int, K, float]]:
    """(rank, key, score) best first; equal scores share a rank and the next rank skips."""
    ordered = sorted(scores, key=lambda t: -t[1])
    out: list[tuple[int, K, float]] = []
    for i, (key, score) in enumerate(ordered):
        rank = out[-1][0] if out and abs(out[-1][2] - score) < 1e-9 else i + 1
        out.append((rank, key, score))
    return out


def _rows(s: Session, codes: list[str] | None, exam_id: str) -> tuple[Exam, list[tuple[Attempt, Person, Section]]]:
    # codes: the offices in view (scope.resolve); a prefecture reads a county's exam as the county scored it
    e = exams.visible_exam(s, codes, exam_id)
    return e, exams.effective(exams._attempt_rows(s, exam_id))


def _scored(a: Attempt) -> bool:
    return a.score is not None and a.marked and not a.absent and not a.exempt


def ranking(db: Database, exam_id: str, office: str = "") -> list[RankRow]:
    """The exam's ranking of everyone with a final score (``office``: the scope, see ``org.scope``)."""
    codes = scope.resolve(db, office)
    with db.session() as s:
        e, rows = _rows(s, codes, exam_id)
        scored = [(r, float(r[0].score or 0)) for r in rows if _scored(r[0])]
        ranked = rank_scores([(i, sc) for i, (_r, sc) in enumerate(scored)])
        return [RankRow(rank, scored[i][0][1].id, scored[i][0][1].name, scored[i][0][2].name, sc,
                        sc >= e.pass_mark, scored[i][0][0].makeup) for rank, i, sc in ranked]


def distribution(db: Database, exam_id: str, office: str = "") -> list[Bucket]:
    """How many scored in each band (as a share of the paper's total, so any total works)."""
    codes = scope.resolve(db, office)
    with db.session() as s:
        e, rows = _rows(s, codes, exam_id)
        pct = [100.0 * float(a.score or 0) / e.total for a, _p, _s in rows if _scored(a)]
    return [Bucket(label, lo, hi, sum(1 for v in pct if lo <= v < hi)) for lo, hi, label in BANDS]


def _sections(s: Session, office: str) -> list[tuple[Section, int]]:
    secs = s.execute(select(Section).where(Section.office_code == office, Section.deleted.is_(False))
                     .order_by(Section.sort_order, Section.name)).scalars().all()
    return [(sec, sum(1 for p in sec.people if p.active and not p.deleted)) for sec in secs]


def section_stats(db: Database, exam_id: str, office: str = "") -> list[SectionStat]:
    """Per section (of the exam's office): head count (less 免考), how many sat, average, participation, pass rate."""
    codes = scope.resolve(db, office)
    with db.session() as s:
        e, rows = _rows(s, codes, exam_id)
        out = []
        for sec, people in _sections(s, e.office_code):
            mine = [a for a, _p, psec in rows if psec.id == sec.id]
            exempt = sum(1 for a in mine if a.exempt)
            scores = [float(a.score or 0) for a in mine if _scored(a)]
            expected = max(people - exempt, 0)
            out.append(SectionStat(sec.id, sec.name, expected, len(scores),
                                   round(sum(scores) / len(scores), 2) if scores else None,
                                   round(len(scores) / expected, 4) if expected else 0.0,
                                   round(sum(1 for v in scores if v >= e.pass_mark) / len(scores), 4)
                                   if scores else None))
        return out


def person_history(db: Database, person_id: str, office: str = "") -> list[HistoryRow]:
    """A person's results across quarters, oldest first, with their rank in each exam (``office``: the scope)."""
    codes = scope.resolve(db, office)
    with db.session() as s:
        p = s.get(Person, person_id)
        if p is None or p.deleted or (codes is not None and p.office_code not in codes):
            raise NotFoundError("该人员不存在", "请刷新后重试")
        exam_ids = s.execute(select(Attempt.exam_id).where(Attempt.person_id == person_id,
                                                           Attempt.deleted.is_(False)).distinct()).scalars().all()
        out = []
        for e in s.execute(select(Exam).where(Exam.id.in_(exam_ids), Exam.deleted.is_(False))
                           .order_by(Exam.year, Exam.quarter, Exam.created_at)).scalars():
            rows = exams.effective(exams._attempt_rows(s, e.id))
            mine = next((a for a, _p, _s in rows if a.person_id == person_id), None)
            if mine is None:
                continue
            ranks = {key: rank for rank, key, _sc in rank_scores([(a.person_id, float(a.score or 0))
                                                                  for a, _p, _s in rows if _scored(a)])}
            status = "免考" if mine.exempt else "缺考" if mine.absent else "待阅卷" if not mine.marked else (
                "合格" if (mine.score or 0) >= e.pass_mark else "不合格")
            out.append(HistoryRow(e.id, e.title, e.year, e.quarter, mine.score, e.total, status, ranks.get(person_id)))
        return out


def score_list(db: Database, exam_id: str, office: str = "") -> list[ScoreRow]:
    """The 公示 list: plain rows, ranked first (by rank), then 待阅卷, 缺考 and 免考 (``office``: the scope)."""
    codes = scope.resolve(db, office)
    with db.session() as s:
        e, rows = _rows(s, codes, exam_id)
        scored = [r for r in rows if _scored(r[0])]
        ranks = {key: rank for rank, key, _sc in rank_scores([(r[0].id, float(r[0].score or 0)) for r in scored])}
        scored.sort(key=lambda r: (ranks[r[0].id], r[2].sort_order, r[1].name))
        rest = [r for r in rows if not _scored(r[0])]
        order = {"待阅卷": 0, "缺考": 1, "免考": 2}

        def result(a: Attempt) -> str:
            if a.exempt:
                return "免考"
            if a.absent:
                return "缺考"
            if not a.marked or a.score is None:
                return "待阅卷"
            return "合格" if a.score >= e.pass_mark else "不合格"

        rest.sort(key=lambda r: (order[result(r[0])], r[2].sort_order, r[1].name))
        out = []
        for n, (a, p, sec) in enumerate(scored + rest, 1):
            notes = ["补考"] if a.makeup else []
            notes += [a.note] if a.note and a.note != "补考" else []
            note = "；".join(notes)
            out.append(ScoreRow(n, p.name, sec.name, a.score if _scored(a) else None, ranks.get(a.id), result(a),
                                note))
        return out


def section_averages(db: Database, year: int) -> list[tuple[str, str, list[tuple[str, float | None]]]]:
    """For the dashboard chart: per section, its average score (as % of the total) in each exam of ``year``.

    Returns (section id, section name, [(exam short label, average % or None)]), exams oldest first.
    """
    with db.session() as s:
        year_exams = s.execute(select(Exam).where(Exam.office_code == db.office_code, Exam.year == year,
                                                  Exam.deleted.is_(False))
                               .order_by(Exam.quarter, Exam.created_at)).scalars().all()
        per_exam = []
        for e in year_exams:
            rows = exams.effective(exams._attempt_rows(s, e.id))
            per_exam.append((e, rows))
        out = []
        for sec, _n in _sections(s, db.office_code):
            values: list[tuple[str, float | None]] = []
            for e, rows in per_exam:
                pct = [100.0 * float(a.score or 0) / e.total for a, _p, psec in rows if psec.id == sec.id and _scored(a)]
                values.append((f"第{'一二三四'[e.quarter - 1]}季度", round(sum(pct) / len(pct), 1) if pct else None))
            out.append((sec.id, sec.name, values))
        return out
