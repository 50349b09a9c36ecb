"""成果转化运用清单: outcomes of topics, ledger items, meetings or none; filters; bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Meeting, Outcome
from desktop_app.campaign import outcomes
from desktop_app.campaign.outcomes import OutcomeFields, OutcomeFilter
from desktop_app.core.errors import ValidationError
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import topics
from desktop_app.work.types import OutcomeInput, TopicInput
from tests.helpers.common import TEST_ACTOR


@pytest.fixture
def ids(ctx) -> dict[str, str]:
    out = {p.name: p.id for p in list_people(ctx.db, 2026)}
    out.update({s.name: s.id for s in list_sections(ctx.db)})
    return out


def _counts(ctx) -> tuple[int, int]:
    with ctx.db.session() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one() for m in (Outcome, AuditEntry))


def _topic(ctx, ids) -> str:
    return topics.create_topic(ctx.db, TEST_ACTOR, TopicInput(
        year=2026, section_id=ids["规划发展科"], title="防返贫监测机制运行情况", kind="重点", lead_id=ids["陈静"],
        member_ids=[], methods=[], stages=[], report_due=None)).id


def _meeting(ctx, ids) -> str:
    with ctx.db.transaction() as s:
        m = Meeting(year=2026, section_id=ids["综合科"], kind="专题研讨", date=dt.date(2026, 4, 8), theme="别人什么样、自己怎么办")
        s.add(m)
        s.flush()
        return m.id


def test_outcomes_from_every_source_and_filters(ctx, ids) -> None:
    tid = _topic(ctx, ids)
    # the topics page's own button keeps working and now gives the outcome its topic's section and year
    topics.add_outcome(ctx.db, TEST_ACTOR, tid, OutcomeInput("制度成果", "防返贫监测实施办法", "景乡振发〔2026〕3号"))
    iid = create_issues(ctx.db, TEST_ACTOR, [IssueInput("村组道路破损", year=2026, unit="综合科")])[0]
    mid = _meeting(ctx, ids)
    outcomes.add_outcome(ctx.db, TEST_ACTOR, OutcomeFields("实践成果", "道路修复长效机制", issue_id=iid,
                                                           section_id=ids["综合科"]))
    m = outcomes.add_outcome(ctx.db, TEST_ACTOR, OutcomeFields("理论成果", "关于乡村振兴的思考", meeting_id=mid,
                                                               published_in="《组工通讯》",
                                                               published_on=dt.date(2026, 5, 20)))
    assert m.year == 2026 and m.section_name == "综合科" and m.source_text == "会议：别人什么样、自己怎么办"
    outcomes.add_outcome(ctx.db, TEST_ACTOR, OutcomeFields("实践成果", "其他成果", year=2025, section_id=ids["综合科"]))
    rows = outcomes.list_outcomes(ctx.db, OutcomeFilter(year=2026))
    assert {r.title for r in rows} == {"防返贫监测实施办法", "道路修复长效机制", "关于乡村振兴的思考"}
    by_title = {r.title: r for r in rows}
    assert by_title["防返贫监测实施办法"].section_name == "规划发展科" and by_title["防返贫监测实施办法"].source == "topic"
    assert by_title["道路修复长效机制"].source_text.startswith("台账：")
    f = outcomes.list_outcomes
    assert [r.title for r in f(ctx.db, OutcomeFilter(year=2026, published=True))] == ["关于乡村振兴的思考"]
    assert len(f(ctx.db, OutcomeFilter(year=2026, published=False))) == 2
    assert [r.title for r in f(ctx.db, OutcomeFilter(year=2026, kind="制度成果"))] == ["防返贫监测实施办法"]
    assert {r.title for r in f(ctx.db, OutcomeFilter(year=2026, section_id=ids["综合科"]))} == {
        "道路修复长效机制", "关于乡村振兴的思考"}
    assert [r.title for r in f(ctx.db, OutcomeFilter(source="none"))] == ["其他成果"]
    assert [r.title for r in f(ctx.db, OutcomeFilter(source="issue"))] == ["道路修复长效机制"]
    assert outcomes.counts_by_kind(rows)["已刊发"] == 1
    assert tuple(outcomes.outcome_dicts(rows)[0]) == outcomes.OUTCOME_LIST_HEADERS


def test_edit_and_remove_leave_a_tombstone_and_audit(ctx, ids) -> None:
    r = outcomes.add_outcome(ctx.db, TEST_ACTOR, OutcomeFields("实践成果", "初稿", year=2026))
    r2 = outcomes.update_outcome(ctx.db, TEST_ACTOR, r.id, OutcomeFields("制度成果", "定稿", year=2026,
                                                                        published_in="云南网"))
    assert (r2.kind, r2.title, r2.published_in) == ("制度成果", "定稿", "云南网")
    outcomes.remove_outcome(ctx.db, TEST_ACTOR, r.id)
    assert outcomes.list_outcomes(ctx.db, OutcomeFilter(year=2026)) == []
    with ctx.db.session() as s:
        assert s.get(Outcome, r.id).deleted is True
        actions = s.execute(select(AuditEntry.action).where(AuditEntry.target_id == r.id)).scalars().all()
    assert actions == ["add_outcome", "update_outcome", "remove_outcome"]


@pytest.mark.parametrize("bad, words", [
    (dict(kind="重要成果"), "成果类型"),
    (dict(title="  "), "成果名称"),
    (dict(doc_no="号" * 61), "文号"),
    (dict(published_on=dt.date(2026, 3, 1)), "刊发载体"),
    (dict(year=26), "年度"),
    (dict(year=None), "年度"),
    (dict(topic_id="x", meeting_id="y"), "一个来源"),
    (dict(topic_id="no-such-topic"), "来源课题"),
])
def test_bad_outcome_refused_nothing_changed(ctx, ids, bad, words) -> None:
    before = _counts(ctx)
    base = dict(kind="实践成果", title="成果", year=2026)
    with pytest.raises(ValidationError) as e:
        outcomes.add_outcome(ctx.db, TEST_ACTOR, OutcomeFields(**(base | bad)))
    assert words in e.value.message
    assert _counts(ctx) == before
