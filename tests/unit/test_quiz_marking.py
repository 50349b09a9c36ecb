"""Marking of every question type, paper drawing determinism and ranking ties (no database)."""

from __future__ import annotations

import pytest

from desktop_app.core.errors import ValidationError
from desktop_app.quiz import marking
from desktop_app.quiz.awards import combine, parse_period
from desktop_app.quiz.bank import strip_option_labels, validate_question
from desktop_app.quiz.papers import select_items
from desktop_app.quiz.results import rank_scores
from desktop_app.quiz.types import QuestionBrief, QuestionInput, RuleLine


@pytest.mark.parametrize(("response", "points"), [("B", 2), ("b", 2), ("A", 0), ("AB", 0), ("", 0), (None, 0)])
def test_single_choice(response: object, points: float) -> None:
    assert marking.mark("单选", "B", response, 2) == points


@pytest.mark.parametrize(("response", "strict", "partial"), [
    ("ABC", 4, 4), ("C、B、A", 4, 4), (["A", "C", "B"], 4, 4), ("AB", 0, 2.67), ("A", 0, 1.33),
    ("ABD", 0, 0), ("ABCD", 0, 0), ("D", 0, 0), ("", 0, 0),
])
def test_multi_choice_all_or_nothing_or_partial(response: object, strict: float, partial: float) -> None:
    assert marking.mark("多选", "ABC", response, 4, multi_partial=False) == strict
    assert marking.mark("多选", "ABC", response, 4, multi_partial=True) == partial


@pytest.mark.parametrize(("key", "response", "points"), [
    ("对", "对", 1), ("对", "√", 1), ("对", "正确", 1), ("对", "×", 0), ("错", "×", 1), ("错", "错", 1),
    ("错", "对", 0), ("对", "也许", 0), ("错", "", 0),
])
def test_judgement(key: str, response: str, points: float) -> None:
    assert marking.mark("判断", key, response, 1) == points


@pytest.mark.parametrize(("response", "points"), [
    ("少数服从多数", 2), ("少数服从多数原则", 2), (" 少数服从多数。", 2), ("民主集中制", 0), ("", 0),
])
def test_fill_blank_variants(response: str, points: float) -> None:
    assert marking.mark("填空", "少数服从多数|少数服从多数原则", response, 2) == points


def test_fill_blank_several_blanks_partial() -> None:
    stem = "____是党的根本组织原则，____是党的根本工作路线。"
    blanks = marking.count_blanks(stem)
    assert blanks == 2
    key = "民主集中制；群众路线|党的群众路线"
    assert marking.mark("填空", key, ["民主集中制", "党的群众路线"], 4, blanks=blanks) == 4
    assert marking.mark("填空", key, "民主集中制；错的", 4, blanks=blanks) == 2


def test_short_answer_left_for_hand_marking() -> None:
    assert marking.mark("简答", "党管干部……", "我的回答", 10) is None


def test_validation_names_question() -> None:
    with pytest.raises(ValidationError) as err:
        validate_question(QuestionInput("单选", "党的最高理想是？", ["甲", "乙", "丙"], "AB"))
    assert "单选题只能有一个答案" in err.value.message and "党的最高理想" in err.value.message
    with pytest.raises(ValidationError) as err:
        validate_question(QuestionInput("多选", "下列哪些？", ["甲", "乙"], "AC"))
    assert "C" in err.value.message and "不在选项之中" in err.value.message
    ok = validate_question(QuestionInput("判断", "对吗", [], "√", tags="党建，组织"))
    assert ok.answer == "对" and ok.tags == ["党建", "组织"]
    assert strip_option_labels(["A.每月一次", "B、每季度", "C ．每年", ""]) == ["每月一次", "每季度", "每年"]


def _pool() -> list[QuestionBrief]:
    pool = []
    for i in range(30):
        qtype = ("单选", "多选", "判断")[i % 3]
        tags = ("党建",) if i % 2 == 0 else ("业务",)
        pool.append(QuestionBrief(f"q{i:02d}", qtype, tags))
    return pool


RULES = [RuleLine("单选", 3, 2.0), RuleLine("多选", 2, 3.0, tag="党建"), RuleLine("判断", 4, 1.0)]


def test_same_seed_same_paper_other_seed_differs() -> None:
    a1 = select_items(_pool(), RULES, seed=42, variants=2)
    a2 = select_items(list(reversed(_pool())), RULES, seed=42, variants=2)  # pool order does not matter
    assert a1 == a2
    assert select_items(_pool(), RULES, seed=43, variants=2) != a1


def test_variants_same_make_up_different_questions() -> None:
    a, b = select_items(_pool(), RULES, seed=7, variants=2)
    types = {q.id: q for q in _pool()}
    assert sorted((types[i.question_id].type, i.points) for i in a) == sorted(
        (types[i.question_id].type, i.points) for i in b)
    assert sum(i.points for i in a) == sum(i.points for i in b) == 3 * 2 + 2 * 3 + 4 * 1
    assert not {i.question_id for i in a} & {i.question_id for i in b}
    assert all("党建" in types[i.question_id].tags for i in a if types[i.question_id].type == "多选")
    order = [types[i.question_id].type for i in a]
    assert order == sorted(order, key=("单选", "多选", "判断").index)


def test_not_enough_questions_says_so() -> None:
    with pytest.raises(ValidationError) as err:
        select_items(_pool(), [RuleLine("填空", 1, 2.0)], seed=1)
    assert "填空题" in err.value.message and "只有0道" in err.value.message


def test_ranking_ties_share_rank() -> None:
    ranked = rank_scores([("a", 90), ("b", 95), ("c", 90), ("d", 80), ("e", 95)])
    assert [(r, k) for r, k, _s in ranked] == [(1, "b"), (1, "e"), (3, "a"), (3, "c"), (5, "d")]


def test_combine_and_period() -> None:
    w = {"quiz": 0.5, "ledger": 0.3, "days": 0.2}
    assert combine({"quiz": 80, "ledger": 100, "days": 50}, w) == 80 * 0.5 + 100 * 0.3 + 50 * 0.2
    assert combine({"quiz": 80, "ledger": None, "days": 50}, w) == round((80 * 0.5 + 50 * 0.2) / 0.7, 2)
    assert combine({"quiz": None, "ledger": None, "days": None}, w) == 0.0
    assert parse_period("2026H2")[3] == (3, 4)
    with pytest.raises(ValidationError):
        parse_period("2026Q1")
