"""考试 — exams, their attempts and scores (机考 in the app, 纸质 entered or imported)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Attempt, Exam, Paper, Person, Section
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, ValidationError
from desktop_app.org import scope
from desktop_app.org.ownership import refuse_foreign
from desktop_app.quiz.types import EXAM_MODES, AttemptInfo, ExamInfo, ExamInput, RowError, RowsError, ScoreEntry

QUARTER_NAMES = "一二三四"


def quarter_of(day: dt.date) -> int:
    """1–4."""
    return (day.month - 1) // 3 + 1


def default_title(year: int, quarter: int) -> str:
    """2026年第一季度业务知识测试."""
    return f"{year}年第{QUARTER_NAMES[quarter - 1]}季度业务知识测试"


def _rules(e: Exam) -> dict:
    try:
        data = json.loads(e.rules or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def exam_info(s: Session, e: Exam) -> ExamInfo:
    """An exam row as plain data, with its paper and attempt counts."""
    r = _rules(e)
    papers = s.execute(select(func.count()).select_from(Paper).where(Paper.exam_id == e.id,
                                                                      Paper.deleted.is_(False))).scalar() or 0
    attempts = s.execute(select(func.count()).select_from(Attempt).where(Attempt.exam_id == e.id,
                                                                         Attempt.deleted.is_(False))).scalar() or 0
    return ExamInfo(e.id, e.title, e.year, e.quarter, e.date, e.duration_min, e.total, e.pass_mark,
                    str(r.get("mode", "in-app")), bool(r.get("multi_partial", False)), int(papers), int(attempts),
                    office_code=e.office_code)


def _validate(data: ExamInput) -> None:
    if not (data.title or "").strip():
        raise ValidationError("考试名称不能为空", "请填写考试名称，例如 2026年第一季度业务知识测试", field="title")
    if not (2000 <= data.year <= 2100):
        raise ValidationError(f"年度“{data.year}”无效", "请填写四位年份", field="year")
    if data.quarter not in (1, 2, 3, 4):
        raise ValidationError(f"季度“{data.quarter}”无效", "请选择第一至第四季度", field="quarter")
    if not (1 <= data.duration_min <= 600):
        raise ValidationError(f"考试时长“{data.duration_min}”分钟无效", "请填写1到600之间的分钟数", field="duration_min")
    if data.total <= 0:
        raise ValidationError("满分必须大于0", "请填写满分，例如 100", field="total")
    if not (0 <= data.pass_mark <= data.total):
        raise ValidationError(f"及格分{data.pass_mark:g}不在0到满分{data.total:g}之间", "请修改及格分", field="pass_mark")
    if data.mode not in EXAM_MODES:
        raise ValidationError(f"考试方式“{data.mode}”无效", "请选择 机考 或 纸质", field="mode")


def _get(s: Session, office: str, exam_id: str) -> Exam:
    """An exam of this office, for a write: another office's exam (sent in its bundle) is refused by name."""
    e = visible_exam(s, None, exam_id)
    refuse_foreign(s, office, e.office_code, "考试及成绩")
    return e


def visible_exam(s: Session, codes: list[str] | None, exam_id: str) -> Exam:
    """A live exam of one of the offices in view (``codes`` from ``scope.resolve``; None = every office)."""
    e = s.get(Exam, exam_id)
    if e is None or e.deleted or (codes is not None and e.office_code not in codes):
        raise NotFoundError("该考试不存在或已删除", "请刷新后重试")
    return e


def _new_exam(data: ExamInput) -> Exam:
    return Exam(title=data.title.strip(), year=data.year, quarter=data.quarter, date=data.date,
                duration_min=data.duration_min, total=float(data.total), pass_mark=float(data.pass_mark),
                rules=json.dumps({"mode": data.mode, "multi_partial": data.multi_partial}, ensure_ascii=False))


def create_exam(db: Database, actor: Actor, data: ExamInput) -> ExamInfo:
    """Create an exam (its paper is built afterwards, or scores are entered for a paper exam)."""
    _validate(data)
    with db.transaction() as s:
        e = _new_exam(data)
        s.add(e)
        s.flush()
        audit.record(s, actor, "create_exam", "exam", e.id, {"title": e.title, "year": e.year, "quarter": e.quarter})
        return exam_info(s, e)


def update_exam(db: Database, actor: Actor, exam_id: str, data: ExamInput) -> ExamInfo:
    """Edit an exam's settings; the total cannot drop below a score already recorded."""
    _validate(data)
    with db.transaction() as s:
        e = _get(s, db.office_code, exam_id)
        top = s.execute(select(func.max(Attempt.score)).where(Attempt.exam_id == e.id,
                                                               Attempt.deleted.is_(False))).scalar()
        if top is not None and top > data.total:
            raise ValidationError(f"已有成绩{top:g}分高于新的满分{data.total:g}", "请先核对成绩，或保留原满分")
        paper_items = s.execute(select(Paper.items).where(Paper.exam_id == e.id, Paper.deleted.is_(False))
                                .limit(1)).scalar()
        total = float(data.total)
        if paper_items:  # the paper decides the total once it is built
            total = float(sum(float(i["points"]) for i in json.loads(paper_items)))
            if data.pass_mark > total:
                raise ValidationError(f"及格分{data.pass_mark:g}高于试卷满分{total:g}", "请修改及格分", field="pass_mark")
        r = _rules(e)
        r.update({"mode": data.mode, "multi_partial": data.multi_partial})
        e.title, e.year, e.quarter, e.date = data.title.strip(), data.year, data.quarter, data.date
        e.duration_min, e.total, e.pass_mark = data.duration_min, total, float(data.pass_mark)
        e.rules = json.dumps(r, ensure_ascii=False)
        audit.record(s, actor, "update_exam", "exam", e.id, {"title": e.title})
        return exam_info(s, e)


def get_exam(db: Database, exam_id: str, office: str = "") -> ExamInfo:
    """One exam (``office``: the scope, see ``org.scope`` — a prefecture may read a county's)."""
    codes = scope.resolve(db, office)
    with db.session() as s:
        return exam_info(s, visible_exam(s, codes, exam_id))


def list_exams(db: Database, year: int | None = None, office: str = "") -> list[ExamInfo]:
    """Exams (of ``year`` when given), newest first.

    ``office`` is the scope: "" this office, a county's code or ``scope.ALL`` (prefecture only).
    """
    codes = scope.resolve(db, office)
    with db.session() as s:
        q = select(Exam).where(Exam.deleted.is_(False))
        if codes is not None:
            q = q.where(Exam.office_code.in_(codes))
        if year is not None:
            q = q.where(Exam.year == year)
        rows = s.execute(q.order_by(Exam.year.desc(), Exam.quarter.desc(), Exam.created_at.desc())).scalars().all()
        return [exam_info(s, e) for e in rows]


def quarter_exam(s: Session, office: str, year: int, quarter: int) -> Exam:
    """The (first) exam of a quarter, created as a paper exam of 100 points when there is none."""
    e = s.execute(select(Exam).where(Exam.office_code == office, Exam.year == year, Exam.quarter == quarter,
                                     Exam.deleted.is_(False)).order_by(Exam.created_at, Exam.id).limit(1)).scalar()
    if e is None:
        e = _new_exam(ExamInput(default_title(year, quarter), year, quarter, mode="paper"))
        s.add(e)
        s.flush()
    return e


def attempt_info(a: Attempt, p: Person, sec: Section) -> AttemptInfo:
    """An attempt row as plain data."""
    return AttemptInfo(a.id, a.exam_id, a.paper_id, a.person_id, p.name, sec.id, sec.name, a.score, a.absent,
                       a.exempt, a.makeup, a.source, a.marked, a.note, json.loads(a.answers or "{}"))


def _attempt_rows(s: Session, exam_id: str) -> list[tuple[Attempt, Person, Section]]:
    q = (select(Attempt, Person, Section).join(Person, Attempt.person_id == Person.id)
         .join(Section, Person.section_id == Section.id)
         .where(Attempt.exam_id == exam_id, Attempt.deleted.is_(False))
         .order_by(Section.sort_order, Person.name, Attempt.created_at))
    return [(a, p, sec) for a, p, sec in s.execute(q).all()]


def effective(rows: list[tuple[Attempt, Person, Section]]) -> list[tuple[Attempt, Person, Section]]:
    """One attempt per person: a make-up (补考) attempt replaces the earlier one."""
    chosen: dict[str, tuple[Attempt, Person, Section]] = {}
    for row in rows:
        a = row[0]
        cur = chosen.get(a.person_id)
        if cur is None or (a.makeup and not cur[0].makeup) or (a.makeup == cur[0].makeup
                                                                and a.created_at >= cur[0].created_at):
            chosen[a.person_id] = row
    return [r for r in rows if chosen.get(r[0].person_id) is r]


def list_attempts(db: Database, exam_id: str, all_attempts: bool = False, office: str = "") -> list[AttemptInfo]:
    """The attempts of an exam: one per person (the counting one) unless ``all_attempts`` (``office``: the scope)."""
    with db.session() as s:
        visible_exam(s, scope.resolve(db, office), exam_id)
        rows = _attempt_rows(s, exam_id)
        return [attempt_info(*r) for r in (rows if all_attempts else effective(rows))]


@dataclass
class _Resolved:
    row: int
    person: Person
    entry: ScoreEntry


def check_entry(entry: ScoreEntry, total: float, where: str) -> str | None:
    """The problem with one score line, or None."""
    if entry.exempt and entry.absent:
        return f"{where}不能同时为缺考和免考"
    if entry.score is not None:
        if entry.absent or entry.exempt:
            return f"{where}标为{'缺考' if entry.absent else '免考'}，却填写了得分{entry.score:g}"
        if entry.score < 0:
            return f"{where}得分{entry.score:g}不能为负数"
        if entry.score > total:
            return f"{where}得分{entry.score:g}超过试卷满分{total:g}"
    elif not (entry.absent or entry.exempt):
        return f"{where}缺少得分（缺考请注明“缺考”，免考请注明“免考”）"
    return None


def apply_scores(s: Session, actor: Actor, exam: Exam, lines: list[tuple[int, ScoreEntry]], source: str,
                 replace_own: bool) -> int:
    """Validate every line, then write them all; raises RowsError (nothing written) on any problem.

    ``lines`` are (row number, entry). With ``replace_own`` (the grid) a person's
    entered/imported score is corrected in place; otherwise (an import) a person
    who already has a score is a duplicate unless the line is a 补考 after 缺考 or a fail.
    """
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    resolved: list[_Resolved] = []
    existing = {a.person_id: a for a, _p, _sec in effective(_attempt_rows(s, exam.id))}
    for row, entry in lines:
        p = s.get(Person, entry.person_id)
        if p is None or p.deleted or p.office_code != exam.office_code:
            errors.append(RowError(row, "人员不存在"))
            continue
        who = f"“{p.name}”"
        problem = check_entry(entry, exam.total, who)
        if problem:
            errors.append(RowError(row, problem))
            continue
        if p.id in seen:
            errors.append(RowError(row, f"{who}在本次考试中重复出现（与第{seen[p.id]}行重复）"))
            continue
        seen[p.id] = row
        old = existing.get(p.id)
        if old is not None:
            correcting = replace_own and old.source in ("paper", "import")
            makeup_ok = entry.makeup and (old.absent or (old.score is not None and old.score < exam.pass_mark))
            if not (correcting or makeup_ok):
                what = "缺考" if old.absent else ("免考" if old.exempt else f"{old.score:g}分" if old.score is not None
                                                   else "答卷")
                errors.append(RowError(row, f"{who}在本次考试中已有成绩（{what}），同一人不能重复录入"))
                continue
        resolved.append(_Resolved(row, p, entry))
    if errors:
        raise RowsError(errors, "成绩")
    for r in resolved:
        old = existing.get(r.person.id)
        e = r.entry
        if old is not None and replace_own and old.source in ("paper", "import"):
            old.score, old.absent, old.exempt, old.makeup, old.note = e.score, e.absent, e.exempt, e.makeup, e.note
            old.marked = True
        else:
            s.add(Attempt(exam_id=exam.id, person_id=r.person.id, score=e.score, absent=e.absent, exempt=e.exempt,
                          makeup=e.makeup or old is not None, source=source, marked=True, note=e.note))
    s.flush()
    audit.record(s, actor, "record_scores", "exam", exam.id, {"source": source, "rows": len(resolved)})
    return len(resolved)


def set_scores(db: Database, actor: Actor, exam_id: str, entries: list[ScoreEntry]) -> int:
    """Save the score grid of a paper exam, all or nothing; errors name the grid row."""
    with db.transaction() as s:
        exam = _get(s, db.office_code, exam_id)
        lines = [(i + 1, e) for i, e in enumerate(entries) if e.score is not None or e.absent or e.exempt]
        return apply_scores(s, actor, exam, lines, "paper", replace_own=True)


def void_attempt(db: Database, actor: Actor, attempt_id: str, reason: str) -> None:
    """作废 an attempt (kept as a tombstone with the reason), e.g. a score entered for the wrong person."""
    if not (reason or "").strip():
        raise ValidationError("请填写作废原因", "例如：录错人员")
    with db.transaction() as s:
        a = s.get(Attempt, attempt_id)
        if a is None or a.deleted:
            raise NotFoundError("该成绩不存在或已作废", "请刷新后重试")
        _get(s, db.office_code, a.exam_id)
        a.deleted = True
        a.note = (a.note + f"（作废：{reason.strip()}）").strip()
        audit.record(s, actor, "void_attempt", "attempt", a.id, {"reason": reason})
