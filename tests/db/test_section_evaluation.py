"""科室评价: 部领导评/科室互评/党员干部参评 per half-year, weights shared with topics, ranks, rights, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, SectionScore
from desktop_app.campaign import evaluation
from desktop_app.campaign.evaluation import ScoreInput
from desktop_app.core.audit import Actor
from desktop_app.core.errors import PermissionDeniedError, ValidationError
from desktop_app.org.organisation import list_sections
from desktop_app.quiz import awards
from desktop_app.quiz.types import AwardWeights
from desktop_app.work import topics
from desktop_app.work.types import EvaluationWeights
from tests.helpers.common import TEST_ACTOR

CLERK = Actor("wufang", "吴芳", rights=frozenset({"record", "view"}), account=True)
LEADER = Actor("liuyang", "刘洋", rights=frozenset({"approve", "view"}), account=True)


@pytest.fixture
def sec(ctx) -> dict[str, str]:
    return {s.name: s.id for s in list_sections(ctx.db)}


def _count(ctx) -> tuple[int, int]:
    with ctx.db.session() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one() for m in (SectionScore, AuditEntry))


def _score(sec: dict[str, str], target: str, kind: str, score: float, rater: str = "", half: str = "H1") -> ScoreInput:
    return ScoreInput(2026, half, sec[target], kind, score, rater_section_id=sec[rater] if kind == "peer" else None,
                      rater_name=rater if kind != "peer" else "")


def test_weighted_totals_and_ranks(ctx, sec) -> None:
    put = lambda *a, **k: evaluation.set_score(ctx.db, TEST_ACTOR, _score(sec, *a, **k))  # noqa: E731
    put("综合科", "leader", 90, "刘洋")
    put("综合科", "leader", 80, "陈静")          # two leaders: mean 85
    put("综合科", "peer", 70, "规划发展科")
    put("综合科", "peer", 90, "政策法规科")      # mean 80
    put("综合科", "member", 60)                  # 汇总 score
    put("规划发展科", "leader", 95, "刘洋")
    put("规划发展科", "peer", 95, "综合科")
    put("规划发展科", "member", 95)
    put("政策法规科", "leader", 99, "刘洋", half="H2")  # another half: not counted in H1
    res = evaluation.results(ctx.db, 2026, "H1")
    assert [(r.section_name, r.rank) for r in res] == [("规划发展科", 1), ("综合科", 2), ("政策法规科", None)]
    zh = res[1]
    assert (zh.leader, zh.peer, zh.member, zh.scores) == (85.0, 80.0, 60.0, 5)
    assert zh.total == round(85 * 0.5 + 80 * 0.3 + 60 * 0.2, 2)
    # the one weights setting of the office (shared with the topics' evaluation) changes the totals
    topics.set_evaluation_weights(ctx.db, TEST_ACTOR, EvaluationWeights(100, 0, 0))
    assert evaluation.results(ctx.db, 2026, "H1")[1].total == 85.0
    # the same rater scoring again replaces the earlier score
    put("综合科", "leader", 70, "陈静")
    assert evaluation.results(ctx.db, 2026, "H1")[1].leader == 80.0
    assert evaluation.section_totals(ctx.db, 2026, "H2") == {sec["政策法规科"]: 99.0}


def test_evaluation_feeds_the_section_awards(ctx, sec) -> None:
    evaluation.set_score(ctx.db, TEST_ACTOR, _score(sec, "政策法规科", "leader", 98, "刘洋"))
    evaluation.set_score(ctx.db, TEST_ACTOR, _score(sec, "综合科", "leader", 60, "刘洋"))
    prop = awards.propose(ctx.db, "2026H1", AwardWeights(quiz=0.5, ledger=0.3, days=0.2, evaluation=0.5))
    assert prop.available["evaluation"] is True
    by = {c.name: c for c in prop.sections}
    part = next(c for c in by["政策法规科"].components if c.name == "科室评价")
    assert part.value == 98.0 and part.weight == 0.5
    assert by["政策法规科"].rank < by["综合科"].rank
    # people are not scored by section evaluation: their component is empty and weightless
    person_part = next(c for c in prop.people[0].components if c.name == "科室评价")
    assert person_part.value is None and person_part.weight == 0


def test_rights_leader_score_needs_approve(ctx, sec) -> None:
    before = _count(ctx)
    with pytest.raises(PermissionDeniedError):
        evaluation.set_score(ctx.db, CLERK, _score(sec, "综合科", "leader", 90, "刘洋"))
    assert _count(ctx) == before
    evaluation.set_score(ctx.db, CLERK, _score(sec, "综合科", "peer", 88, "规划发展科"))
    evaluation.set_score(ctx.db, LEADER, _score(sec, "综合科", "leader", 90, "刘洋"))
    with pytest.raises(PermissionDeniedError):
        evaluation.set_score(ctx.db, LEADER, _score(sec, "综合科", "member", 90))


@pytest.mark.parametrize("data, words", [
    (dict(target="综合科", kind="peer", score=90, rater="综合科"), "不能给本科室打分"),
    (dict(target="综合科", kind="leader", score=101, rater="刘洋"), "部领导评得分"),
    (dict(target="综合科", kind="member", score=-1), "党员干部参评得分"),
    (dict(target="综合科", kind="leader", score=90), "评分领导"),
    (dict(target="综合科", kind="boss", score=90), "评价方式"),
])
def test_bad_scores_refused_nothing_changed(ctx, sec, data, words) -> None:
    before = _count(ctx)
    if data["kind"] == "peer":
        inp = ScoreInput(2026, "H1", sec[data["target"]], "peer", data["score"], rater_section_id=sec[data["rater"]])
    else:
        inp = ScoreInput(2026, "H1", sec[data["target"]], data["kind"], data["score"], rater_name=data.get("rater", ""))
    with pytest.raises(ValidationError) as e:
        evaluation.set_score(ctx.db, TEST_ACTOR, inp)
    assert words in e.value.message
    assert _count(ctx) == before


def test_bad_half_and_remove(ctx, sec) -> None:
    with pytest.raises(ValidationError, match="评价期间"):
        evaluation.set_score(ctx.db, TEST_ACTOR, ScoreInput(2026, "Q1", sec["综合科"], "member", 80))
    row = evaluation.set_score(ctx.db, TEST_ACTOR, _score(sec, "综合科", "member", 80))
    assert row.rater == "（汇总）" and row.rater_label == "党员干部参评"
    evaluation.remove_score(ctx.db, TEST_ACTOR, row.id)
    assert evaluation.list_scores(ctx.db, 2026, "H1") == []
