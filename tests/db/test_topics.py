"""Topics: create/edit, stage moves, report file, outcomes, weighted evaluation; bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Outcome, Topic, TopicMember
from desktop_app.core.errors import StateError, ValidationError
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import topic_review, topics
from desktop_app.work.types import EvaluationWeights, OutcomeInput, TopicInput
from tests.helpers.common import TEST_ACTOR


@pytest.fixture
def ids(ctx) -> dict[str, str]:
    out = {p.name: p.id for p in list_people(ctx.db, 2026)}
    out.update({s.name: s.id for s in list_sections(ctx.db)})
    return out


def _counts(ctx) -> tuple[int, ...]:
    with ctx.db.session() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (Topic, TopicMember, Outcome, AuditEntry))


def _topic(ids, **kw) -> TopicInput:
    base = dict(year=2026, section_id=ids["规划发展科"], title="防返贫监测机制运行情况", kind="重点",
                lead_id=ids["陈静"], member_ids=[ids["黄涛"], ids["吴芳"]], methods=["座谈访谈", "问卷调查"],
                stages=["3月调研", "4月成稿"], report_due=dt.date(2026, 5, 31))
    base.update(kw)
    return TopicInput(**base)


def test_create_and_edit_topic(ctx, ids) -> None:
    t = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids))
    assert t.status == "立项" and t.section_name == "规划发展科" and t.lead_name == "陈静"
    assert set(t.member_names) == {"黄涛", "吴芳"} and t.methods == ("座谈访谈", "问卷调查")
    t2 = topics.update_topic(ctx.db, TEST_ACTOR, t.id, _topic(ids, title="新题目", member_ids=[ids["黄涛"]]))
    assert t2.title == "新题目" and t2.member_names == ("黄涛",)
    rows = topics.list_topics(ctx.db, 2026)
    assert tuple(rows[0]) == topics.TOPIC_HEADERS and rows[0]["课题名称"] == "新题目" and rows[0]["阶段"] == "立项"


@pytest.mark.parametrize("bad, words", [
    (dict(section_id=None), "牵头科室"),
    (dict(title=" "), "课题名称"),
    (dict(kind="特别"), "类别"),
    (dict(year=26), "年度"),
])
def test_bad_topic_refused_nothing_changed(ctx, ids, bad, words) -> None:
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids, **bad))
    assert words in e.value.message
    assert _counts(ctx) == before


def test_stages_one_step_and_report_needed_to_close(ctx, ids, tmp_path) -> None:
    t = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids))
    with pytest.raises(StateError):
        topics.move_topic(ctx.db, TEST_ACTOR, t.id, "成稿")
    assert topics.move_topic(ctx.db, TEST_ACTOR, t.id, "调研中").status == "调研中"
    assert topics.move_topic(ctx.db, TEST_ACTOR, t.id, "成稿").status == "成稿"
    with pytest.raises(StateError) as e:
        topics.move_topic(ctx.db, TEST_ACTOR, t.id, "结题")
    assert "调研报告" in e.value.message
    report = tmp_path / "调研报告.docx"
    report.write_bytes(b"PK report body")
    info = topics.attach_report(ctx.db, TEST_ACTOR, t.id, report, ctx.data.attachments)
    assert (ctx.data.attachments / info.sha256).read_bytes() == b"PK report body"
    with pytest.raises(StateError) as e:  # 报分管领导审阅 comes before 结题 (topic_review)
        topics.move_topic(ctx.db, TEST_ACTOR, t.id, "结题")
    assert "分管领导审阅" in e.value.message
    topic_review.submit(ctx.db, TEST_ACTOR, t.id)
    topic_review.review(ctx.db, TEST_ACTOR, t.id, "同意，报告可结题")
    done = topics.move_topic(ctx.db, TEST_ACTOR, t.id, "结题")
    assert done.status == "结题" and done.report is not None and done.report.name == "调研报告.docx"
    assert topics.topics_by_stage(ctx.db, 2026) == {"立项": 0, "调研中": 0, "成稿": 0, "结题": 1}
    assert topics.move_topic(ctx.db, TEST_ACTOR, t.id, "成稿").status == "成稿"  # back one step is allowed


def test_outcomes(ctx, ids) -> None:
    t = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids))
    topics.add_outcome(ctx.db, TEST_ACTOR, t.id, OutcomeInput("制度成果", "防返贫监测工作办法", "景乡振发〔2026〕12号",
                                                             dt.date(2026, 6, 1), "县委办"))
    o = topics.add_outcome(ctx.db, TEST_ACTOR, t.id, OutcomeInput("实践成果", "建立月度研判机制"))
    with pytest.raises(ValidationError):
        topics.add_outcome(ctx.db, TEST_ACTOR, t.id, OutcomeInput("其他成果", "x"))
    assert topics.outcomes_by_kind(ctx.db, 2026) == {"实践成果": 1, "制度成果": 1, "理论成果": 0}
    topics.remove_outcome(ctx.db, TEST_ACTOR, o.id)
    assert [x.title for x in topics.outcome_infos(ctx.db, t.id)] == ["防返贫监测工作办法"]
    assert topics.get_topic(ctx.db, t.id).outcomes == 1
    assert topics.list_outcomes(ctx.db, 2026)[0]["文号"] == "景乡振发〔2026〕12号"


def test_evaluation_weighting(ctx, ids) -> None:
    t = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids))
    got = topics.set_scores(ctx.db, TEST_ACTOR, t.id, 90, 80, 70)
    assert got.composite == pytest.approx(90 * 0.5 + 80 * 0.3 + 70 * 0.2)  # default 50/30/20 = 83
    topics.set_evaluation_weights(ctx.db, TEST_ACTOR, EvaluationWeights(40, 40, 20))
    assert topics.get_topic(ctx.db, t.id).composite == pytest.approx(36 + 32 + 14)
    # a missing score's weight is shared by the others
    assert topics.set_scores(ctx.db, TEST_ACTOR, t.id, 90, None, 60).composite == pytest.approx((90 * 40 + 60 * 20) / 60)
    assert topics.set_scores(ctx.db, TEST_ACTOR, t.id, None, None, None).composite is None
    before = _counts(ctx)
    with pytest.raises(ValidationError):
        topics.set_evaluation_weights(ctx.db, TEST_ACTOR, EvaluationWeights(50, 40, 20))
    with pytest.raises(ValidationError):
        topics.set_scores(ctx.db, TEST_ACTOR, t.id, 101, 80, 70)
    assert _counts(ctx) == before
    assert topics.evaluation_weights(ctx.db) == EvaluationWeights(40, 40, 20)


def test_remove_topic_refused_while_visits_linked(ctx, ids) -> None:
    from desktop_app.work import visits
    from desktop_app.work.types import VisitInput
    t = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids))
    v = visits.create_visit(ctx.db, TEST_ACTOR, VisitInput(dt.date(2026, 3, 1), dt.date(2026, 3, 1), "勐海",
                                                           ids["陈静"], topic_id=t.id)).visit
    assert topics.get_topic(ctx.db, t.id).visits == 1 and v.topic_title == t.title
    with pytest.raises(StateError):
        topics.remove_topic(ctx.db, TEST_ACTOR, t.id)
    visits.remove_visit(ctx.db, TEST_ACTOR, v.id)
    topics.remove_topic(ctx.db, TEST_ACTOR, t.id)
    assert topics.topic_infos(ctx.db, 2026) == []
