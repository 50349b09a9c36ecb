"""The sample sheets through the Excel importer into the quiz services (the contract both sides rely on)."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.context import AppContext
from desktop_app.excel import service
from desktop_app.quiz import bank, exams
from tests.helpers.common import SAMPLES, TEST_ACTOR


def test_questions_sheet_imports_through_the_excel_importer(ctx: AppContext) -> None:
    dry = service.import_file(ctx.db, TEST_ACTOR, SAMPLES / "questions.xlsx", "questions", dry_run=True)
    assert dry.preview.errors == [] and bank.count_questions(ctx.db) == 0
    out = service.import_file(ctx.db, TEST_ACTOR, SAMPLES / "questions.xlsx", "questions")
    assert out.imported == 5 and out.preview.errors == []
    single = bank.list_questions(ctx.db, qtype="单选")[0]
    assert single.options == ("每月一次", "每季度一次", "每半年一次", "每年一次") and single.answer == "B"
    again = service.import_file(ctx.db, TEST_ACTOR, SAMPLES / "questions.xlsx", "questions")
    assert again.imported == 0 and len(again.preview.errors) == 5
    assert {e.row for e in again.preview.errors} == {2, 3, 4, 5, 6}
    assert bank.count_questions(ctx.db) == 5


def test_scores_sheet_imports_through_the_excel_importer(ctx: AppContext) -> None:
    out = service.import_file(ctx.db, TEST_ACTOR, SAMPLES / "scores.xlsx", "scores")
    assert out.preview.errors == [] and out.imported == 5
    today = dt.date.today()
    [exam] = exams.list_exams(ctx.db, today.year)
    assert exam.quarter == exams.quarter_of(today)
    att = {a.person_name: a for a in exams.list_attempts(ctx.db, exam.id)}
    assert att["黄涛"].absent and att["赵磊"].score == 100
    second = service.import_file(ctx.db, TEST_ACTOR, SAMPLES / "scores.xlsx", "scores")
    assert second.imported == 0 and second.preview.errors
    assert "已有成绩" in second.preview.errors[0].message
    assert len(exams.list_attempts(ctx.db, exam.id, all_attempts=True)) == 5
