"""Quiz services on a real database: bank, papers, sitting and marking, scores, results, awards, practice."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from db.models import Attempt, AuditEntry, Award, Paper, PracticeCard, Question
from desktop_app.core.context import AppContext
from desktop_app.core.errors import StateError, ValidationError
from desktop_app.org.organisation import list_people
from desktop_app.quiz import awards, bank, exams, papers, practice, results, sitting
from desktop_app.quiz.types import AwardWeights, ExamInput, PaperItem, QuestionInput, RowsError, RuleLine, ScoreEntry
from tests.helpers.common import TEST_ACTOR


def _bank(ctx: AppContext) -> dict[str, str]:
    qs = {
        "single": QuestionInput("单选", "党的基层组织应当召开党员大会的频次是？", ["每月一次", "每季度一次", "每半年一次"], "B",
                                tags=["党建"]),
        "multi": QuestionInput("多选", "“三会一课”中的“三会”包括？", ["支部党员大会", "支部委员会", "党小组会", "民主生活会"],
                               "ABC", tags=["党建"]),
        "judge": QuestionInput("判断", "公务员平时考核结果可以作为年度考核的重要依据。", [], "对"),
        "fill": QuestionInput("填空", "党组织讨论决定问题，必须执行____原则。", [], "少数服从多数|少数服从多数原则"),
        "short": QuestionInput("简答", "简述干部选拔任用的基本原则。", [], "党管干部；德才兼备"),
    }
    return {k: bank.create_question(ctx.db, TEST_ACTOR, v).id for k, v in qs.items()}


def _people(ctx: AppContext) -> dict[str, str]:
    return {p.name: p.id for p in list_people(ctx.db)}


def _count(ctx: AppContext, model) -> int:
    with ctx.db.session() as s:
        return s.execute(select(func.count()).select_from(model)).scalar()


def test_bank_edit_tag_retire(ctx: AppContext) -> None:
    ids = _bank(ctx)
    assert bank.count_questions(ctx.db) == 5
    bank.set_tags(ctx.db, TEST_ACTOR, [ids["judge"], ids["fill"]], ["纪律"])
    assert bank.count_questions(ctx.db, tag="纪律") == 2
    assert "纪律" in bank.all_tags(ctx.db)
    bank.retire_question(ctx.db, TEST_ACTOR, ids["judge"])
    assert bank.count_questions(ctx.db) == 4 and bank.count_questions(ctx.db, include_retired=True) == 5
    q = bank.get_question(ctx.db, ids["single"])
    bank.update_question(ctx.db, TEST_ACTOR, q.id, QuestionInput("单选", q.stem, list(q.options), "C"))
    assert bank.get_question(ctx.db, q.id).answer == "C"
    before = _count(ctx, AuditEntry)
    with pytest.raises(ValidationError) as err:
        bank.update_question(ctx.db, TEST_ACTOR, q.id, QuestionInput("单选", q.stem, list(q.options), "AC"))
    assert "单选题只能有一个答案" in err.value.message
    assert bank.get_question(ctx.db, q.id).answer == "C" and _count(ctx, AuditEntry) == before


def test_exam_in_app_end_to_end_with_hand_marking(ctx: AppContext) -> None:
    ids = _bank(ctx)
    people = _people(ctx)
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("2026年第一季度业务知识测试", 2026, 1, pass_mark=12,
                                                           multi_partial=True))
    rules = [RuleLine("单选", 1, 2), RuleLine("多选", 1, 4), RuleLine("判断", 1, 2), RuleLine("填空", 1, 2),
             RuleLine("简答", 1, 10)]
    [paper] = papers.build_papers(ctx.db, TEST_ACTOR, exam.id, rules, seed=5)
    assert paper.total == 20 and exams.get_exam(ctx.db, exam.id).total == 20
    shown = papers.exam_questions(ctx.db, paper.id)
    assert not hasattr(shown[0], "answer")
    sit = sitting.begin_attempt(ctx.db, TEST_ACTOR, exam.id, people["黄涛"])
    sitting.save_answer(ctx.db, TEST_ACTOR, sit.attempt_id, ids["single"], "B")
    # a crash and a restart: the sitting resumes with the stored answer
    again = sitting.begin_attempt(ctx.db, TEST_ACTOR, exam.id, people["黄涛"])
    assert again.attempt_id == sit.attempt_id and again.responses == {ids["single"]: "B"}
    res = sitting.submit_attempt(ctx.db, TEST_ACTOR, sit.attempt_id, {
        ids["multi"]: "AB", ids["judge"]: "√", ids["fill"]: "少数服从多数原则", ids["short"]: "党管干部"})
    assert res.auto_score == 2 + 2.67 + 2 + 2 and res.pending_items == 1
    with pytest.raises(StateError):
        sitting.save_answer(ctx.db, TEST_ACTOR, sit.attempt_id, ids["single"], "A")
    with pytest.raises(StateError):
        sitting.begin_attempt(ctx.db, TEST_ACTOR, exam.id, people["黄涛"])
    [pending] = sitting.pending_marking(ctx.db, exam.id)
    assert pending.response == "党管干部" and pending.max_points == 10
    with pytest.raises(ValidationError):
        sitting.mark_by_hand(ctx.db, TEST_ACTOR, sit.attempt_id, ids["short"], 11)
    assert sitting.mark_by_hand(ctx.db, TEST_ACTOR, sit.attempt_id, ids["short"], 6) == 14.67
    [att] = exams.list_attempts(ctx.db, exam.id)
    assert att.marked and att.score == 14.67
    assert set(att.answers["items"]) == set(ids.values())  # every answer stored
    assert results.ranking(ctx.db, exam.id)[0].passed


def test_same_seed_same_paper_in_db_and_ab_variants(ctx: AppContext) -> None:
    for i in range(12):
        bank.create_question(ctx.db, TEST_ACTOR, QuestionInput("判断", f"判断题第{i}题", [], "对" if i % 2 else "错"))
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("测试", 2026, 2))
    a, b = papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine("判断", 5, 2)], seed=99, variants=2)
    assert a.variant == "A" and b.variant == "B" and a.total == b.total == 10
    again = papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine("判断", 5, 2)], seed=99, variants=2)
    assert [p.items for p in again] == [a.items, b.items]
    with ctx.db.session() as s:  # rebuilding tombstones the old papers
        assert s.execute(select(func.count()).select_from(Paper).where(Paper.deleted.is_(True))).scalar() == 2
    people = _people(ctx)
    s1 = sitting.begin_attempt(ctx.db, TEST_ACTOR, exam.id, people["刘洋"])
    s2 = sitting.begin_attempt(ctx.db, TEST_ACTOR, exam.id, people["陈静"])
    assert s1.paper_id != s2.paper_id  # A/B alternate between neighbours
    with pytest.raises(StateError):
        papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine("判断", 5, 2)], seed=1)


def test_hand_built_paper(ctx: AppContext) -> None:
    ids = _bank(ctx)
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("手工组卷", 2026, 2))
    p = papers.build_paper_by_hand(ctx.db, TEST_ACTOR, exam.id, [PaperItem(ids["fill"], 5), PaperItem(ids["judge"], 5)])
    assert [q.question_id for q in papers.exam_questions(ctx.db, p.id)] == [ids["fill"], ids["judge"]]
    assert papers.answer_key(ctx.db, p.id)[0].answer == "少数服从多数|少数服从多数原则"
    with pytest.raises(ValidationError):
        papers.build_paper_by_hand(ctx.db, TEST_ACTOR, exam.id, [PaperItem(ids["fill"], 5), PaperItem(ids["fill"], 5)])


def _grid_exam(ctx: AppContext, quarter: int = 1, scores: dict[str, float | str] | None = None) -> str:
    people = _people(ctx)
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput(f"第{quarter}季度", 2026, quarter, mode="paper"))
    scores = scores or {"刘洋": 90, "陈静": 95, "黄涛": 90, "吴芳": "缺考", "赵磊": 55}
    entries = [ScoreEntry(people[n], None if isinstance(v, str) else float(v), absent=v == "缺考",
                          exempt=v == "免考") for n, v in scores.items()]
    exams.set_scores(ctx.db, TEST_ACTOR, exam.id, entries)
    return exam.id


def test_score_grid_ranking_distribution_sections(ctx: AppContext) -> None:
    exam_id = _grid_exam(ctx)
    ranking = results.ranking(ctx.db, exam_id)
    assert [(r.rank, r.name) for r in ranking] == [(1, "陈静"), (2, "刘洋"), (2, "黄涛"), (4, "赵磊")]
    assert [r.passed for r in ranking] == [True, True, True, False]
    dist = {b.label: b.count for b in results.distribution(ctx.db, exam_id)}
    assert dist == {"60分以下": 1, "60–69": 0, "70–79": 0, "80–89": 0, "90–100": 3}
    stats = {s.section: s for s in results.section_stats(ctx.db, exam_id)}
    assert stats["综合科"].people == 2 and stats["综合科"].sat == 1 and stats["综合科"].participation == 0.5
    assert stats["规划发展科"].average == 92.5 and stats["规划发展科"].pass_rate == 1.0
    assert stats["政策法规科"].pass_rate == 0.0
    rows = results.score_list(ctx.db, exam_id)
    assert [(r.seq, r.name, r.rank, r.result) for r in rows] == [
        (1, "陈静", 1, "合格"), (2, "刘洋", 2, "合格"), (3, "黄涛", 2, "合格"), (4, "赵磊", 4, "不合格"),
        (5, "吴芳", None, "缺考")]
    # the grid corrects its own entries in place
    people = _people(ctx)
    exams.set_scores(ctx.db, TEST_ACTOR, exam_id, [ScoreEntry(people["赵磊"], 61)])
    assert results.ranking(ctx.db, exam_id)[-1].score == 61
    assert len(exams.list_attempts(ctx.db, exam_id, all_attempts=True)) == 5


def test_score_grid_refuses_bad_rows_nothing_changed(ctx: AppContext) -> None:
    exam_id = _grid_exam(ctx)
    people = _people(ctx)
    before = [(a.person_name, a.score) for a in exams.list_attempts(ctx.db, exam_id)]
    with pytest.raises(RowsError) as err:
        exams.set_scores(ctx.db, TEST_ACTOR, exam_id, [ScoreEntry(people["刘洋"], 80), ScoreEntry(people["陈静"], 120)])
    assert err.value.errors[0].row == 2 and "超过试卷满分100" in err.value.errors[0].message
    with pytest.raises(RowsError) as err:
        exams.set_scores(ctx.db, TEST_ACTOR, exam_id, [ScoreEntry(people["刘洋"], 80), ScoreEntry(people["刘洋"], 81)])
    assert "重复" in err.value.errors[0].message
    assert [(a.person_name, a.score) for a in exams.list_attempts(ctx.db, exam_id)] == before


def test_person_history_across_quarters(ctx: AppContext) -> None:
    _grid_exam(ctx, 1)
    _grid_exam(ctx, 2, {"刘洋": 70, "陈静": 80, "黄涛": 85, "吴芳": 60, "赵磊": "免考"})
    hist = results.person_history(ctx.db, _people(ctx)["吴芳"])
    assert [(h.quarter, h.score, h.status, h.rank) for h in hist] == [(1, None, "缺考", None), (2, 60, "合格", 4)]


def test_award_computation_on_fixed_data(ctx: AppContext) -> None:
    _grid_exam(ctx, 1, {"刘洋": 90, "陈静": 95, "黄涛": 90, "吴芳": "缺考", "赵磊": 55})
    _grid_exam(ctx, 2, {"刘洋": 70, "陈静": 85, "黄涛": 80, "吴芳": 60, "赵磊": "免考"})
    prop = awards.propose(ctx.db, "2026H1", AwardWeights(quiz=1.0, ledger=0.0, days=0.0))
    people = {c.name: c for c in prop.people}
    assert people["陈静"].score == 90.0 and people["陈静"].rank == 1
    assert people["刘洋"].score == 80.0
    assert people["吴芳"].score == 30.0  # 缺考 counts 0
    assert people["赵磊"].score == 55.0  # 免考 left out
    assert [c.name for c in prop.people if c.proposed] == ["陈静", "黄涛", "刘洋", "赵磊", "吴芳"]
    secs = {c.name: c for c in prop.sections}
    assert secs["规划发展科"].score == 87.5 and secs["规划发展科"].rank == 1
    assert secs["综合科"].score == 55.0
    assert secs["政策法规科"].score == 55.0 and secs["政策法规科"].rank == secs["综合科"].rank == 2  # a tie
    assert sum(c.proposed for c in prop.sections) == 3
    quiz_part = people["陈静"].components[0]
    assert quiz_part.name == "业务测试" and "90.0%" in quiz_part.detail
    # the office swaps one person, then confirms: the record keeps the basis and the adjustment
    chosen = [people[n].target_id for n in ("陈静", "黄涛", "刘洋", "赵磊")]
    kept = awards.confirm_awards(ctx.db, TEST_ACTOR, prop, [secs["规划发展科"].target_id], chosen, "吴芳缺考一次")
    assert [(a.kind, a.name, a.rank) for a in kept] == [("先进科室", "规划发展科", 1), ("工作能手", "陈静", 1),
                                                       ("工作能手", "黄涛", 2), ("工作能手", "刘洋", 3),
                                                       ("工作能手", "赵磊", 4)]
    assert kept[1].basis["components"][0]["value"] == 90.0 and kept[1].basis["note"] == "吴芳缺考一次"
    awards.confirm_awards(ctx.db, TEST_ACTOR, prop, [secs["综合科"].target_id], [], "")
    assert [a.name for a in awards.list_awards(ctx.db, "2026H1")] == ["综合科"]
    assert _count(ctx, Award) == 6  # the first record is kept as tombstones
    with pytest.raises(ValidationError):
        awards.confirm_awards(ctx.db, TEST_ACTOR, prop, [], [c.target_id for c in prop.people] * 2)


def test_award_weights_setting_and_unavailable_components(ctx: AppContext) -> None:
    _grid_exam(ctx, 1)
    awards.set_weights(ctx.db, TEST_ACTOR, AwardWeights(0.6, 0.2, 0.2))
    assert awards.get_weights(ctx.db) == AwardWeights(0.6, 0.2, 0.2)
    with pytest.raises(ValidationError):
        awards.set_weights(ctx.db, TEST_ACTOR, AwardWeights(0, 0, 0, 0))
    prop = awards.propose(ctx.db, "2026H1")
    # no ledger item and no visit in this office: those weights are shown as not available
    assert prop.available == {"quiz": True, "ledger": False, "days": False, "evaluation": False}
    liu = next(c for c in prop.people if c.name == "刘洋")
    assert liu.score == 90.0 and liu.components[1].detail == "不可用" and liu.components[1].weight == 0


def test_practice_wrong_answers_come_back_sooner(ctx: AppContext) -> None:
    ids = _bank(ctx)
    pid = _people(ctx)["吴芳"]
    t0 = dt.datetime(2026, 3, 1, 9, 0)
    wrong = practice.answer(ctx.db, TEST_ACTOR, pid, ids["single"], "A", now=t0)
    right = practice.answer(ctx.db, TEST_ACTOR, pid, ids["judge"], "对", now=t0)
    assert not wrong.correct and right.correct and wrong.answer == "B"
    assert wrong.next_due < right.next_due
    later = t0 + dt.timedelta(minutes=5)
    item = practice.next_item(ctx.db, pid, now=later)
    assert item.question.question_id == ids["single"] and not item.new
    fresh = practice.next_item(ctx.db, pid, now=t0, seed=1)
    assert fresh.new and fresh.question.question_id not in (ids["single"], ids["judge"])
    with pytest.raises(ValidationError):
        practice.answer(ctx.db, TEST_ACTOR, pid, ids["short"], "x")
    practice.answer(ctx.db, TEST_ACTOR, pid, ids["short"], "x", self_rating="hard", now=t0)
    drilled, _due, weak = practice.practice_summary(ctx.db, pid, now=t0)
    assert drilled == 3 and weak >= 1
    assert _count(ctx, PracticeCard) == 3
    with ctx.db.session() as s:
        card = s.execute(select(PracticeCard).where(PracticeCard.question_id == ids["single"])).scalar_one()
        assert json.loads(card.state)["stability"] is not None


def test_oral_check_is_reproducible(ctx: AppContext) -> None:
    _bank(ctx)
    a = practice.oral_check(ctx.db, TEST_ACTOR, seed=3)
    b = practice.oral_check(ctx.db, TEST_ACTOR, seed=3)
    assert (a.person_name, a.question.question_id) == (b.person_name, b.question.question_id)
    assert a.question.answer


def test_retired_questions_not_drawn(ctx: AppContext) -> None:
    ids = _bank(ctx)
    bank.retire_question(ctx.db, TEST_ACTOR, ids["judge"])
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("x", 2026, 3))
    with pytest.raises(ValidationError):
        papers.build_papers(ctx.db, TEST_ACTOR, exam.id, [RuleLine("判断", 1, 1)], seed=1)
    with ctx.db.session() as s:
        assert s.execute(select(func.count()).select_from(Question)).scalar() == 5
        assert s.execute(select(func.count()).select_from(Attempt)).scalar() == 0


def test_award_combines_ledger_closure_and_grassroots_days(ctx: AppContext) -> None:
    """Fixed data across three capabilities: quiz scores, ledger items, visits."""
    from desktop_app.ledger import service as ledger_service
    from desktop_app.ledger.types import IssueInput
    from desktop_app.work import visits
    from desktop_app.work.types import VisitInput

    _grid_exam(ctx, 1, {"刘洋": 80, "陈静": 80, "黄涛": 80, "吴芳": 80, "赵磊": 80})
    people = _people(ctx)
    today = dt.date(2026, 6, 30)
    # 刘洋: 2 items due, both done; 陈静: 2 items due, none done
    items = [IssueInput(f"问题{i}", person=name, deadline=dt.date(2026, 5, 1), status=status, year=2026)
             for i, (name, status) in enumerate([("刘洋", "done"), ("刘洋", "done"), ("陈静", "in_progress"),
                                                 ("陈静", "not_started")])]
    ledger_service.create_issues(ctx.db, TEST_ACTOR, items, today=dt.date(2026, 3, 1))
    # 黄涛: 10 days at the grassroots in the half-year
    visits.create_visit(ctx.db, TEST_ACTOR, VisitInput(dt.date(2026, 3, 2), dt.date(2026, 3, 11), "勐阿镇",
                                                       people["黄涛"]))
    prop = awards.propose(ctx.db, "2026H1", AwardWeights(quiz=0.5, ledger=0.3, days=0.2), today=today)
    assert prop.available == {"quiz": True, "ledger": True, "days": True, "evaluation": False}
    c = {x.name: x for x in prop.people}
    assert c["刘洋"].components[1].value == 100.0 and c["陈静"].components[1].value == 0.0
    assert c["刘洋"].components[2].value == 0.0  # no visit: 0 days counts as 0
    assert c["刘洋"].score == 80 * 0.5 + 100 * 0.3 + 0 * 0.2
    assert c["陈静"].score == 80 * 0.5 + 0 * 0.3 + 0 * 0.2
    hd = c["黄涛"].components[2]
    assert hd.value is not None and hd.value > 0 and "10/" in hd.detail
    # 黄涛 has no ledger item due: scored on quiz and days, weights renormalised
    assert c["黄涛"].components[1].value is None
    assert c["黄涛"].score == round((80 * 0.5 + hd.value * 0.2) / 0.7, 2)
    assert c["刘洋"].rank == 1 and c["陈静"].rank == 5


def test_exam_total_follows_its_paper(ctx: AppContext) -> None:
    ids = _bank(ctx)
    exam = exams.create_exam(ctx.db, TEST_ACTOR, ExamInput("考试", 2026, 1, pass_mark=6))
    papers.build_paper_by_hand(ctx.db, TEST_ACTOR, exam.id, [PaperItem(ids["judge"], 5), PaperItem(ids["fill"], 5)])
    edited = exams.update_exam(ctx.db, TEST_ACTOR, exam.id, ExamInput("考试（改）", 2026, 1, total=100, pass_mark=6))
    assert edited.total == 10 and edited.title == "考试（改）"
    with pytest.raises(ValidationError):
        exams.update_exam(ctx.db, TEST_ACTOR, exam.id, ExamInput("考试", 2026, 1, total=100, pass_mark=60))
    assert exams.get_exam(ctx.db, exam.id).pass_mark == 6
