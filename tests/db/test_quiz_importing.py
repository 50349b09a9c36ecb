"""Importing a question bank and a score sheet: the importer's contract rows, all or nothing."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from sqlalchemy import func, select

from db.models import Attempt, AuditEntry, Exam, Question
from desktop_app.core.context import AppContext
from desktop_app.quiz import bank, exams, importing
from desktop_app.quiz.types import RowsError
from tests.helpers.common import SAMPLES, TEST_ACTOR


def _sheet_rows(name: str) -> list[list]:
    wb = openpyxl.load_workbook(SAMPLES / name)
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def question_rows() -> list[dict]:
    """The sample bank as the Excel importer hands it over (options split on |)."""
    rows = _sheet_rows("questions.xlsx")
    out = []
    for n, (qtype, stem, options, answer) in enumerate(rows[1:], start=2):
        out.append({"row": n, "type": qtype, "stem": stem,
                    "options": options.split("|") if options else [], "answer": answer})
    return out


def score_rows() -> list[dict]:
    """The sample score sheet as contract rows: name, section, score|None, absent, note."""
    rows = _sheet_rows("scores.xlsx")
    out = []
    for n, r in enumerate(rows[2:], start=3):
        _seq, name, section, score = r
        absent = score == "缺考"
        out.append({"row": n, "name": name, "section": section, "score": None if absent else score,
                    "absent": absent, "note": ""})
    return out


def _count(ctx: AppContext, model) -> int:
    with ctx.db.session() as s:
        return s.execute(select(func.count()).select_from(model).where(model.deleted.is_(False))).scalar()


def _audits(ctx: AppContext) -> int:
    with ctx.db.session() as s:
        return s.execute(select(func.count()).select_from(AuditEntry)).scalar()


def test_sample_questions_import(ctx: AppContext) -> None:
    assert importing.import_questions(ctx.db, TEST_ACTOR, question_rows()) == 5
    qs = {q.type: q for q in bank.list_questions(ctx.db)}
    assert set(qs) == {"单选", "多选", "判断", "填空", "简答"}
    assert qs["单选"].options == ("每月一次", "每季度一次", "每半年一次", "每年一次")
    assert qs["单选"].answer == "B"
    assert qs["多选"].answer == "ABC"
    assert qs["判断"].answer == "对" and qs["判断"].options == ()
    assert qs["填空"].answer == "少数服从多数"


def test_question_import_twice_is_refused_whole(ctx: AppContext) -> None:
    importing.import_questions(ctx.db, TEST_ACTOR, question_rows())
    with pytest.raises(RowsError) as err:
        importing.import_questions(ctx.db, TEST_ACTOR, question_rows())
    assert len(err.value.errors) == 5
    assert _count(ctx, Question) == 5


@pytest.mark.parametrize(("patch", "words"), [
    ({"type": "单选", "answer": "AB"}, "单选题只能有一个答案"),
    ({"type": "单选", "answer": "E"}, "不在选项之中"),
    ({"type": "多选", "answer": "ABZ"}, "不在选项之中"),
    ({"type": "判断", "answer": "也许"}, "判断题答案"),
    ({"type": "问答"}, "题型"),
])
def test_bad_question_row_named_and_nothing_changed(ctx: AppContext, patch: dict, words: str) -> None:
    rows = question_rows()
    rows[0] = {**rows[0], **patch}
    if patch.get("type") == "判断":
        rows[0]["options"] = []
    before = _audits(ctx)
    with pytest.raises(RowsError) as err:
        importing.import_questions(ctx.db, TEST_ACTOR, rows)
    assert err.value.errors[0].row == 2
    assert words in err.value.errors[0].message
    assert "第2行" in err.value.message
    assert _count(ctx, Question) == 0
    assert _audits(ctx) == before


def test_sample_scores_import_creates_quarter_exam(ctx: AppContext) -> None:
    n = importing.import_scores(ctx.db, TEST_ACTOR, score_rows(), today=dt.date(2026, 2, 10))
    assert n == 5
    [exam] = exams.list_exams(ctx.db, 2026)
    assert exam.quarter == 1 and exam.title == "2026年第一季度业务知识测试"
    att = {a.person_name: a for a in exams.list_attempts(ctx.db, exam.id)}
    assert att["黄涛"].absent and att["黄涛"].score is None
    assert att["陈静"].score == 85.5
    assert att["赵磊"].score == 100
    assert all(a.source == "import" for a in att.values())


@pytest.mark.parametrize(("patch", "words"), [
    ({"score": 101}, "超过试卷满分100"),
    ({"name": "张三"}, "不在本单位人员名单中"),
    ({"name": "刘洋"}, "重复出现"),
    ({"score": "良好"}, "无法识别"),
])
def test_bad_score_row_named_and_nothing_changed(ctx: AppContext, patch: dict, words: str) -> None:
    rows = score_rows()
    rows[1] = {**rows[1], **patch}
    with pytest.raises(RowsError) as err:
        importing.import_scores(ctx.db, TEST_ACTOR, rows, today=dt.date(2026, 2, 10))
    assert err.value.errors[0].row == 4
    assert words in err.value.errors[0].message
    assert _count(ctx, Attempt) == 0
    assert _count(ctx, Exam) == 0  # the quarter's exam made for the import was rolled back too


def test_score_import_twice_is_duplicate_but_makeup_allowed(ctx: AppContext) -> None:
    importing.import_scores(ctx.db, TEST_ACTOR, score_rows(), today=dt.date(2026, 2, 10))
    with pytest.raises(RowsError) as err:
        importing.import_scores(ctx.db, TEST_ACTOR, score_rows(), today=dt.date(2026, 2, 10))
    assert "已有成绩" in err.value.errors[0].message
    makeup = [{"row": 3, "name": "黄涛", "section": "", "score": 66, "absent": False, "note": "补考"}]
    assert importing.import_scores(ctx.db, TEST_ACTOR, makeup, today=dt.date(2026, 2, 20)) == 1
    [exam] = exams.list_exams(ctx.db, 2026)
    att = {a.person_name: a for a in exams.list_attempts(ctx.db, exam.id)}
    assert att["黄涛"].score == 66 and att["黄涛"].makeup
    assert len(exams.list_attempts(ctx.db, exam.id, all_attempts=True)) == 6


def test_exempt_and_dry_run(ctx: AppContext) -> None:
    rows = score_rows()
    rows[0] = {**rows[0], "score": None, "note": "免考"}
    assert importing.import_scores(ctx.db, TEST_ACTOR, rows, today=dt.date(2026, 5, 1), dry_run=True) == 5
    assert _count(ctx, Attempt) == 0
    importing.import_scores(ctx.db, TEST_ACTOR, rows, today=dt.date(2026, 5, 1))
    [exam] = exams.list_exams(ctx.db, 2026)
    assert exam.quarter == 2
    att = {a.person_name: a for a in exams.list_attempts(ctx.db, exam.id)}
    assert att["刘洋"].exempt and att["刘洋"].status == "免考"
