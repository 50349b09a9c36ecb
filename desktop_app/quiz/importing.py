"""Importing a question bank and a score sheet from the Excel importer's rows — all or nothing.

Rows are the importer's contract (DESIGN.md §6): questions ``type, stem, options``
(a list, split from "A.xx|B.yy"), ``answer`` and optionally ``explanation, tags,
section, difficulty``; scores ``name, section, score`` (number or None),
``absent`` (bool), ``note``. A row may carry its sheet row number as ``row``
(or ``_row``); otherwise rows are counted from 1. Any wrong row raises
``RowsError`` listing every problem, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import select

from db.engine import Database
from db.models import Exam, Person, Question, Section
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import FieldDeskError, NotFoundError
from desktop_app.quiz import bank, exams
from desktop_app.quiz.types import QuestionInput, RowError, RowsError, ScoreEntry

_DIFFICULTY = {"易": 1, "简单": 1, "容易": 1, "中": 2, "一般": 2, "中等": 2, "难": 3, "困难": 3, "较难": 3}
_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*分?\s*$")


class _DryRunError(Exception):
    """Raised inside the transaction of a dry run so that it rolls back."""


def _row_no(row: dict[str, Any], index: int) -> int:
    value = row.get("row", row.get("_row"))
    try:
        return int(value) if value is not None else index + 1
    except (TypeError, ValueError):
        return index + 1


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _options(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [_text(v) for v in value]
    return [p for p in (x.strip() for x in str(value).split("|")) if p]


def _difficulty(value: Any) -> int | None:
    if value is None or value == "":
        return 2
    text = _text(value)
    if text in _DIFFICULTY:
        return _DIFFICULTY[text]
    try:
        n = int(float(text))
    except ValueError:
        return None
    return n if 1 <= n <= 3 else None


def question_inputs(db: Database, rows: list[dict[str, Any]]) -> tuple[list[tuple[int, QuestionInput]], list[RowError]]:
    """Turn importer rows into validated questions; problems are collected, not raised."""
    with db.session() as s:
        sections = {sec.name: sec.id for sec in s.execute(
            select(Section).where(Section.office_code == db.office_code, Section.deleted.is_(False))).scalars()}
        existing = {(r[0], r[1]) for r in s.execute(select(Question.type, Question.stem).where(
            Question.office_code.in_(bank.bank_offices(s, db.office_code)), Question.deleted.is_(False))).all()}
    out: list[tuple[int, QuestionInput]] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows):
        n = _row_no(row, i)
        where = f"第{n}行（{bank.question_label(_text(row.get('stem')))}）"
        section_name = _text(row.get("section"))
        if section_name and section_name not in sections:
            errors.append(RowError(n, f"科室“{section_name}”不存在", "section"))
            continue
        difficulty = _difficulty(row.get("difficulty"))
        if difficulty is None:
            errors.append(RowError(n, f"难度“{_text(row.get('difficulty'))}”无效，应为 易、中、难 或 1–3", "difficulty"))
            continue
        data = QuestionInput(type=_text(row.get("type")), stem=_text(row.get("stem")),
                             options=_options(row.get("options")), answer=_text(row.get("answer")),
                             explanation=_text(row.get("explanation")), tags=bank.split_tags(row.get("tags")),
                             section_id=sections.get(section_name) if section_name else None, difficulty=difficulty)
        try:
            clean = bank.validate_question(data, where)
        except FieldDeskError as exc:
            errors.append(RowError(n, exc.message.removeprefix(where + "："), getattr(exc, "field", "") or ""))
            continue
        key = (clean.type, clean.stem)
        if key in seen:
            errors.append(RowError(n, f"与第{seen[key]}行是同一道题", "stem"))
            continue
        if key in existing:
            errors.append(RowError(n, f"题库中已有相同的{clean.type}题：{bank.question_label(clean.stem)}", "stem"))
            continue
        seen[key] = n
        out.append((n, clean))
    return out, errors


def import_questions(db: Database, actor: Actor, rows: list[dict[str, Any]], dry_run: bool = False) -> int:
    """Add every row to the question bank, or none: returns how many were (or would be) added."""
    clean, errors = question_inputs(db, rows)
    if errors:
        raise RowsError(errors, "题库表格")
    if not clean:
        raise RowsError([RowError(1, "表格中没有试题")], "题库表格")
    try:
        with db.transaction() as s:
            for _n, data in clean:
                bank.add_to_session(s, db.office_code, data)
            s.flush()
            audit.record(s, actor, "import_questions", "question", "", {"count": len(clean)})
            if dry_run:
                raise _DryRunError
    except _DryRunError:
        pass
    return len(clean)


def _score_value(value: Any) -> tuple[float | None, str]:
    """(number, flag) from a score cell: flag is 缺考/免考/补考 when the cell says so, or '?' when unreadable."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, bool):
        return None, "?"
    if isinstance(value, (int, float)):
        return float(value), ""
    text = _text(value)
    if _NUMBER.match(text):
        return float(text.replace("分", "")), ""
    for flag in ("缺考", "免考", "补考"):
        if flag in text:
            m = re.search(r"\d+(\.\d+)?", text)
            return (float(m.group()) if m else None), flag
    return None, "?"


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "是", "缺考", "√")
    return bool(value)


def score_lines(db: Database, rows: list[dict[str, Any]]) -> tuple[list[tuple[int, ScoreEntry]], list[RowError]]:
    """Match each score row to a person of this office and read its score and marks (缺考/免考/补考)."""
    with db.session() as s:
        people = s.execute(select(Person, Section).join(Section, Person.section_id == Section.id).where(
            Person.office_code == db.office_code, Person.deleted.is_(False))).all()
    by_name: dict[str, list[tuple[Person, Section]]] = {}
    for p, sec in people:
        by_name.setdefault(p.name, []).append((p, sec))
    lines: list[tuple[int, ScoreEntry]] = []
    errors: list[RowError] = []
    for i, row in enumerate(rows):
        n = _row_no(row, i)
        name = re.sub(r"\s+", "", _text(row.get("name")))
        if not name:
            errors.append(RowError(n, "缺少姓名", "name"))
            continue
        matches = by_name.get(name, [])
        if len(matches) > 1:
            section = _text(row.get("section"))
            matches = [m for m in matches if m[1].name == section] or matches
            active = [m for m in matches if m[0].active]
            matches = active if len(active) == 1 else matches
        if not matches:
            errors.append(RowError(n, f"人员“{name}”不在本单位人员名单中", "name"))
            continue
        if len(matches) > 1:
            errors.append(RowError(n, f"本单位有{len(matches)}位“{name}”，请在科室一栏注明所在科室", "section"))
            continue
        note = _text(row.get("note"))
        score, flag = _score_value(row.get("score"))
        if flag == "?":
            errors.append(RowError(n, f"得分“{_text(row.get('score'))}”无法识别，应为数字或 缺考、免考", "score"))
            continue
        flags = flag + note
        entry = ScoreEntry(person_id=matches[0][0].id, score=score,
                           absent=_bool(row.get("absent")) or "缺考" in flags, exempt="免考" in flags,
                           makeup="补考" in flags, note=note)
        if entry.absent and entry.exempt:
            entry.absent = "缺考" in flag or _bool(row.get("absent"))
            entry.exempt = not entry.absent
        lines.append((n, entry))
    return lines, errors


def import_scores(db: Database, actor: Actor, rows: list[dict[str, Any]], exam_id: str | None = None,
                  dry_run: bool = False, today: dt.date | None = None) -> int:
    """Record a score sheet for ``exam_id`` (default: this quarter's exam, made if needed), all or nothing."""
    lines, errors = score_lines(db, rows)
    if not rows:
        raise RowsError([RowError(1, "表格中没有成绩")], "成绩表格")
    day = today or dt.date.today()
    count = 0
    try:
        with db.transaction() as s:
            if exam_id is None:
                exam = exams.quarter_exam(s, db.office_code, day.year, exams.quarter_of(day))
            else:
                found = s.get(Exam, exam_id)
                if found is None or found.deleted:
                    raise NotFoundError("要导入成绩的考试不存在", "请先选择或新建考试")
                exam = exams._get(s, db.office_code, exam_id)  # a county's exam seen at the prefecture is refused by name
            try:
                count = exams.apply_scores(s, actor, exam, lines, "import", replace_own=False)
            except RowsError as exc:
                errors = sorted(errors + exc.errors, key=lambda e: e.row)
            if errors:
                raise RowsError(errors, "成绩表格")
            audit.record(s, actor, "import_scores", "exam", exam.id,
                         {"rows": count, "title": exam.title, "file_rows": json.dumps([r for r, _ in lines])})
            if dry_run:
                raise _DryRunError
    except _DryRunError:
        pass
    return count
