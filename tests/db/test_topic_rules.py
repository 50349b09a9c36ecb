"""课题规则: more than two 重点 topics per section or topics per leader warn (never block); sections and
leaders with none are listed; duplicate or near-duplicate titles are flagged (避免重复调研)."""

from __future__ import annotations

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import topic_rules, topics
from desktop_app.work.types import TopicInput


def test_rules_warn_beyond_two_and_list_those_with_none(ctx: AppContext) -> None:
    secs = {s.name: s.id for s in list_sections(ctx.db)}
    people = {p.name: p.id for p in list_people(ctx.db, 2026)}
    titles = ["防返贫监测机制运行情况", "易地搬迁后续扶持", "农村户厕使用情况"]
    made = [topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, secs["规划发展科"], t, "重点", people["陈静"]))
            for t in titles]  # a third 重点 topic and a third led by 陈静: saved, with warnings
    assert len(made) == 3
    rules = topic_rules.topic_rules(ctx.db, 2026)
    assert rules.sections_over == [("规划发展科", 3)] and rules.leaders_over == [("陈静", 3)]
    assert rules.sections_none == ["综合科", "政策法规科"] and rules.leaders_none == ["刘洋"]
    assert "规划发展科已有3个重点课题（每个科室宜选1–2个）" in topic_rules.warnings_for(ctx.db, 2026, made[2].id)
    assert rules.duplicates == []


def test_near_duplicate_titles_are_flagged(ctx: AppContext) -> None:
    secs = {s.name: s.id for s in list_sections(ctx.db)}
    a = topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, secs["综合科"], "关于防返贫监测机制运行情况的调研"))
    topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, secs["政策法规科"], "防返贫监测机制运行情况研究"))
    topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, secs["政策法规科"], "村规民约修订"))
    dup = topic_rules.topic_rules(ctx.db, 2026).duplicates
    assert [(x, y) for x, y, _w in dup] == [("关于防返贫监测机制运行情况的调研", "防返贫监测机制运行情况研究")]
    assert any("避免重复调研" in w for w in topic_rules.warnings_for(ctx.db, 2026, a.id))
    assert not topic_rules.similar("村规民约修订", "户厕改造")
