"""课题报告时限与审阅: a default due date, red/yellow/green warnings, 报审 → 审阅意见 by another person with the
审核 right, and 结题 only after the review — each refusal changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from db.models import AuditEntry, Topic
from desktop_app.core.audit import Actor
from desktop_app.core.context import AppContext
from desktop_app.core.errors import PermissionDeniedError, StateError, ValidationError
from desktop_app.org import accounts
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import topic_review, topics
from desktop_app.work.types import TopicInput
from tests.helpers.common import TEST_ACTOR

D = dt.date
PW = "Jinghong2026"


@pytest.fixture
def ids(ctx: AppContext) -> dict[str, str]:
    out = {p.name: p.id for p in list_people(ctx.db, 2026)}
    out.update({s.name: s.id for s in list_sections(ctx.db)})
    return out


def _topic(ids: dict[str, str], title: str = "防返贫监测机制运行情况", **kw: object) -> TopicInput:
    base: dict[str, object] = dict(year=2026, section_id=ids["规划发展科"], title=title, kind="重点",
                                   lead_id=ids["陈静"])
    base.update(kw)
    return TopicInput(**base)  # type: ignore[arg-type]


def _state(ctx: AppContext, topic_id: str) -> tuple[object, ...]:
    with ctx.db.session() as s:
        t = s.get(Topic, topic_id)
        assert t is not None
        n = s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
        return t.status, t.review_state, t.reviewer, t.review_opinion, t.reviewed_on, n


def _with_report(ctx: AppContext, topic_id: str, tmp_path, actor: Actor = TEST_ACTOR) -> None:
    f = tmp_path / "调研报告.docx"
    f.write_bytes(b"PK report")
    topics.attach_report(ctx.db, actor, topic_id, f, ctx.data.attachments)


def test_default_due_date_filled_read_and_configurable(ctx: AppContext, ids) -> None:
    t = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids))
    assert t.report_due == D(2026, 5, 31) and not t.due_is_default
    with ctx.db.session() as s:
        assert s.get(Topic, t.id).report_due == D(2026, 5, 31)  # type: ignore[union-attr]  # written, not only read
    own = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids, "村级集体经济发展", report_due=D(2026, 4, 30)))
    assert own.report_due == D(2026, 4, 30)
    # a topic from before the rule, stored without a date, reads as the default and says so
    with ctx.db.transaction() as s:
        s.execute(update(Topic).where(Topic.id == t.id).values(report_due=None))
    old = topics.get_topic(ctx.db, t.id)
    assert old.report_due == D(2026, 5, 31) and old.due_is_default
    assert topic_review.set_due_day(ctx.db, TEST_ACTOR, 6, 30) == (6, 30)
    assert topics.get_topic(ctx.db, t.id).report_due == D(2026, 6, 30)
    assert topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids, "乡村治理积分制")).report_due == D(2026, 6, 30)
    with pytest.raises(ValidationError, match="不是有效日期"):
        topic_review.set_due_day(ctx.db, TEST_ACTOR, 2, 30)
    assert topic_review.due_day(ctx.db) == (6, 30)


def test_due_colours_like_the_ledger(ctx: AppContext, ids, tmp_path) -> None:
    late = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids, "甲课题研究", report_due=D(2026, 5, 20)))
    soon = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids, "乙课题研究", report_due=D(2026, 5, 29)))
    far = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids, "丙课题研究", report_due=D(2026, 9, 30)))
    sent = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids, "丁课题研究", report_due=D(2026, 5, 1)))
    _with_report(ctx, sent.id, tmp_path)
    topic_review.submit(ctx.db, TEST_ACTOR, sent.id, today=D(2026, 4, 28))
    today = D(2026, 5, 25)  # a Monday: 5 working days reach 2026-06-01
    items = topics.topic_infos(ctx.db, 2026)
    counts = topic_review.due_counts(ctx.db, items, today)
    assert counts.red == ["甲课题研究"] and counts.yellow == ["乙课题研究"]
    colours = {t.title: topic_review.due_colour(t, today, D(2026, 6, 1)) for t in items}
    assert colours == {"甲课题研究": "red", "乙课题研究": "yellow", "丙课题研究": "green", "丁课题研究": "grey"}
    assert counts.lines()[0].startswith("1个课题逾期未报送调研报告：甲课题研究")
    assert far.id and late.id and soon.id
    # a report sent back for revision is due again: red once more
    back = topic_review.review(ctx.db, TEST_ACTOR, sent.id, "数据需更新", approved=False)
    assert back.review_state == "returned"
    again = topic_review.due_counts(ctx.db, topics.topic_infos(ctx.db, 2026), today)
    assert sorted(again.red) == sorted(["丁课题研究", "甲课题研究"])


def test_submit_needs_a_report_or_a_draft(ctx: AppContext, ids, tmp_path) -> None:
    t = topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids))
    before = _state(ctx, t.id)
    with pytest.raises(StateError, match="报审前须上传调研报告"):
        topic_review.submit(ctx.db, TEST_ACTOR, t.id)
    assert _state(ctx, t.id) == before
    topics.move_topic(ctx.db, TEST_ACTOR, t.id, "调研中")
    topics.move_topic(ctx.db, TEST_ACTOR, t.id, "成稿")
    info = topic_review.submit(ctx.db, TEST_ACTOR, t.id, today=D(2026, 5, 20))
    assert (info.review_state, info.review_label, info.review_submitted_on) == ("submitted", "待审阅", D(2026, 5, 20))
    with pytest.raises(StateError, match="已报分管领导审阅"):
        topic_review.submit(ctx.db, TEST_ACTOR, t.id)


@pytest.fixture
def office(ctx: AppContext) -> AppContext:
    """The test county with an administrator, a clerk, an approver who also records, and another approver."""
    accounts.add_account(ctx.db, TEST_ACTOR, "admin", PW, ["admin"], person="刘洋")
    admin = accounts.sign_in(ctx.db, "admin", PW).actor
    for login, roles, person in (("wufang", ["clerk"], "吴芳"), ("chenjing", ["approver", "clerk"], "陈静"),
                                 ("huangtao", ["approver"], "黄涛")):
        accounts.add_account(ctx.db, admin, login, PW, roles, person=person, must_change=False)
    return ctx


def _as(ctx: AppContext, login: str) -> Actor:
    return accounts.sign_in(ctx.db, login, PW).actor


def test_review_by_another_approver_then_close(office: AppContext, ids, tmp_path) -> None:
    wu, chen, huang = _as(office, "wufang"), _as(office, "chenjing"), _as(office, "huangtao")
    t = topics.create_topic(office.db, wu, _topic(ids))
    _with_report(office, t.id, tmp_path, wu)
    for status in ("调研中", "成稿"):
        topics.move_topic(office.db, wu, t.id, status)
    with pytest.raises(StateError, match="结题前须经分管领导审阅调研报告（当前：未报审）"):
        topics.move_topic(office.db, wu, t.id, "结题")
    with pytest.raises(PermissionDeniedError, match="没有“录入”权限"):
        topic_review.submit(office.db, huang, t.id)  # an approver alone does not record
    with pytest.raises(StateError, match="尚未报分管领导审阅"):
        topic_review.review(office.db, huang, t.id, "同意")
    topic_review.submit(office.db, chen, t.id)
    before = _state(office, t.id)
    with pytest.raises(PermissionDeniedError, match="没有“审核”权限"):
        topic_review.review(office.db, wu, t.id, "同意")
    with pytest.raises(PermissionDeniedError, match="报审人不能审阅自己报送的报告"):
        topic_review.review(office.db, chen, t.id, "同意")
    with pytest.raises(ValidationError, match="审阅意见不能为空"):
        topic_review.review(office.db, huang, t.id, "  ")
    assert _state(office, t.id) == before
    info = topic_review.submitter(office.db, t.id)
    assert info == "chenjing"
    returned = topic_review.review(office.db, huang, t.id, "请补充典型案例", approved=False, today=D(2026, 5, 26))
    assert (returned.review_label, returned.reviewer, returned.review_opinion) == ("退回修改", "黄涛", "请补充典型案例")
    with pytest.raises(StateError, match="当前：退回修改"):
        topics.move_topic(office.db, wu, t.id, "结题")
    topic_review.submit(office.db, wu, t.id)  # resubmitted by the clerk: 陈静 may now review it
    done = topic_review.review(office.db, chen, t.id, "同意结题", today=D(2026, 5, 30))
    assert (done.review_state, done.reviewer, done.reviewed_on) == ("reviewed", "陈静", D(2026, 5, 30))
    assert topics.move_topic(office.db, wu, t.id, "结题").status == "结题"
    with pytest.raises(StateError, match="已审阅"):
        topic_review.submit(office.db, wu, t.id)
    with office.db.session() as s:
        steps = list(s.execute(select(AuditEntry.action, AuditEntry.actor_login).where(
            AuditEntry.target_id == t.id, AuditEntry.action.in_(("submit_topic_review", "review_topic")))
            .order_by(AuditEntry.id)).all())
    assert steps == [("submit_topic_review", "chenjing"), ("review_topic", "huangtao"),
                     ("submit_topic_review", "wufang"), ("review_topic", "chenjing")]


def test_refusal_words_for_the_buttons(office: AppContext, ids) -> None:
    wu, huang = _as(office, "wufang"), _as(office, "huangtao")
    t = topics.create_topic(office.db, wu, _topic(ids))
    assert "须上传调研报告" in (topic_review.submit_refusal(t, wu.rights) or "")
    assert "录入" in (topic_review.submit_refusal(t, huang.rights) or "")
    assert "审核" in (topic_review.review_refusal(t, wu) or "")
    assert "尚未报分管领导审阅" in (topic_review.review_refusal(t, huang) or "")


def test_dashboard_counts_late_and_due_soon_reports(ctx: AppContext, ids) -> None:
    from desktop_app.dashboard import summary as dashboard

    topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids, "甲课题研究", report_due=D(2026, 5, 20)))
    topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids, "乙课题研究", report_due=D(2026, 5, 27)))
    topics.create_topic(ctx.db, TEST_ACTOR, _topic(ids, "丙课题研究"))  # the default, May 31: due soon too
    w = dashboard.work_overview(ctx.db, 2026, today=D(2026, 5, 25))
    assert (w.reports_late, w.reports_due_soon) == (1, 2)
    w = dashboard.work_overview(ctx.db, 2026, today=D(2026, 6, 2))
    assert (w.reports_late, w.reports_due_soon) == (3, 0)
