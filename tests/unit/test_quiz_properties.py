"""Properties of marking, ranking and paper drawing over generated inputs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.quiz import marking
from desktop_app.quiz.papers import select_items
from desktop_app.quiz.results import rank_scores
from desktop_app.quiz.types import QuestionBrief, RuleLine

letters = st.text(alphabet="ABCDEabcde,、 ", max_size=8)


@given(key=st.sets(st.sampled_from("ABCD"), min_size=1), response=letters, points=st.floats(0.5, 20),
       partial=st.booleans())
def test_multi_choice_within_bounds_and_exact_only_when_equal(key: set[str], response: str, points: float,
                                                              partial: bool) -> None:
    got = marking.mark("多选", "".join(sorted(key)), response, points, multi_partial=partial)
    assert got is not None and 0 <= got <= points
    chosen = set(marking.normalise_letters(response))
    assert (got == points) == (chosen == key)
    if chosen - key:
        assert got == 0  # any wrong choice earns nothing


@given(scores=st.lists(st.integers(0, 100), max_size=30))
def test_competition_ranking(scores: list[int]) -> None:
    ranked = rank_scores(list(enumerate(map(float, scores))))
    for rank, _key, score in ranked:
        assert rank == 1 + sum(1 for s in scores if s > score)


@settings(max_examples=40)
@given(n=st.integers(6, 40), seed=st.integers(0, 10**6), count=st.integers(1, 3))
def test_drawing_is_deterministic_and_variants_match(n: int, seed: int, count: int) -> None:
    pool = [QuestionBrief(f"id{i:03d}", ("单选", "判断")[i % 2], ()) for i in range(n)]
    rules = [RuleLine("单选", count, 2.0), RuleLine("判断", count, 1.0)]
    a = select_items(pool, rules, seed, variants=2)
    assert a == select_items(list(reversed(pool)), rules, seed, variants=2)
    assert [i.points for i in a[0]] == [i.points for i in a[1]]
    for paper in a:
        assert len({i.question_id for i in paper}) == len(paper) == 2 * count
