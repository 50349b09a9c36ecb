"""Visits: validation with nothing changed, participants, clash warnings, days per person, the clash report."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Visit, VisitParticipant
from desktop_app.core.errors import ValidationError
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import clashes, days, visits
from desktop_app.work.types import VisitInput
from tests.helpers.common import TEST_ACTOR

D = dt.date


@pytest.fixture
def people(ctx) -> dict[str, str]:
    return {p.name: p.id for p in list_people(ctx.db, 2026)}


def _counts(ctx) -> tuple[int, int, int]:
    with ctx.db.session() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (Visit, VisitParticipant, AuditEntry))


def _visit(people, lead="刘洋", others=(), start=None, end=None, place="勐阿镇纳京村", **kw) -> VisitInput:
    start = start or D(2026, 3, 3)
    return VisitInput(start_date=start, end_date=end or start, place=place, lead_id=people[lead],
                      participant_ids=[people[o] for o in others], **kw)


def test_create_visit_records_people_and_section(ctx, people) -> None:
    saved = visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, others=["吴芳", "刘洋"], end=D(2026, 3, 5),
                                                           method="蹲点调研", place_type="农村"))
    v = saved.visit
    assert v.days == 3 and v.lead_name == "刘洋" and v.participant_names == ("吴芳",)
    assert v.section_name == "综合科" and v.township == "勐阿镇" and saved.clashes == ()
    assert visits.get_visit(ctx.db, v.id).participant_ids == (people["吴芳"],)


@pytest.mark.parametrize("bad, words", [
    (dict(start=D(2026, 3, 5), end=D(2026, 3, 1)), "早于"),
    (dict(place="  "), "地点"),
    (dict(place_type="火星"), "地点类型"),
])
def test_bad_visit_refused_nothing_changed(ctx, people, bad, words) -> None:
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, **bad))
    assert words in e.value.message
    assert _counts(ctx) == before


def test_participant_from_another_office_refused(ctx, people) -> None:
    # a person row belonging to another office (arrived by sync) is not ours to send
    from db.models import Person
    with ctx.db.transaction() as s:
        stranger = Person(name="外单位", section_id=list_sections(ctx.db)[0].id, office_code="532822")
        s.add(stranger)
        s.flush()
        sid = stranger.id
    before = _counts(ctx)
    data = _visit(people)
    data.participant_ids = [sid]
    with pytest.raises(ValidationError) as e:
        visits.create_visit(ctx.db, TEST_ACTOR, data)
    assert "不是本单位人员" in e.value.message
    assert _counts(ctx) == before


def test_update_changes_people_and_days(ctx, people) -> None:
    v = visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, others=["吴芳"], end=D(2026, 3, 4))).visit
    data = _visit(people, others=["黄涛"], start=D(2026, 3, 3), end=D(2026, 3, 6))
    visits.update_visit(ctx.db, TEST_ACTOR, v.id, data)
    by = {r.name: r.days for r in days.days_table(ctx.db, 2026, D(2026, 6, 1))}
    assert by["吴芳"] == 0 and by["黄涛"] == 4 and by["刘洋"] == 4
    # back again: the tombstoned participant row is revived, not duplicated
    visits.update_visit(ctx.db, TEST_ACTOR, v.id, _visit(people, others=["吴芳"], end=D(2026, 3, 4)))
    with ctx.db.session() as s:
        assert s.execute(select(func.count()).select_from(VisitParticipant)).scalar_one() == 3
    visits.remove_visit(ctx.db, TEST_ACTOR, v.id)
    assert {r.name: r.days for r in days.days_table(ctx.db, 2026)}["刘洋"] == 0


def test_days_overlap_and_year_end_through_the_database(ctx, people) -> None:
    # (the year-end visit is a past one: a visit still to come counts nothing until it is done)
    for start, end in [(D(2026, 3, 3), D(2026, 3, 5)), (D(2026, 3, 4), D(2026, 3, 8)), (D(2025, 12, 30), D(2026, 1, 2))]:
        visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="陈静", start=start, end=end, place="勐海"))
    row = {r.name: r for r in days.days_table(ctx.db, 2026, D(2026, 12, 31))}["陈静"]
    assert row.days == 6 + 2 and row.quota == 90 and row.colour == "red" and row.visits == 3
    assert {r.name: r.days for r in days.days_table(ctx.db, 2025, D(2025, 12, 31))}["陈静"] == 2
    behind = days.person_visits(ctx.db, people["陈静"], 2026)
    assert [(p.days_in_year, p.new_days) for p in behind] == [(2, 2), (3, 3), (5, 3)]
    assert behind[1].role == "带队"


def test_quota_from_person_or_campaign_and_negative_refused(ctx, people) -> None:
    rows = {r.name: r for r in days.days_table(ctx.db, 2026, D(2026, 6, 1))}
    assert rows["赵磊"].quota == 70 and rows["黄涛"].quota == 60 and rows["刘洋"].quota == 90
    before = _counts(ctx)
    with pytest.raises(ValidationError):
        days.set_quota(ctx.db, TEST_ACTOR, people["黄涛"], -1)
    assert _counts(ctx) == before
    days.set_quota(ctx.db, TEST_ACTOR, people["黄涛"], 40)
    assert {r.name: r.quota for r in days.days_table(ctx.db, 2026)}["黄涛"] == 40
    table = days.grassroots_days(ctx.db, 2026, D(2026, 6, 1))
    assert tuple(table[0].keys()) == days.DAYS_HEADERS


def test_clash_same_place_other_section_within_window(ctx, people) -> None:
    first = visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="刘洋", start=D(2026, 4, 1),
                                                           end=D(2026, 4, 2))).visit
    # same section → no clash; other section 6 days after the end → clash; 9 days after → none
    assert visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="吴芳", start=D(2026, 4, 3))).clashes == ()
    saved = visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="陈静", start=D(2026, 4, 8)))
    assert [c.visit_id for c in saved.clashes][:1] == [first.id]
    c = saved.clashes[0]
    assert c.reason == "同一地点" and c.gap_days == 6 and c.section_name == "综合科" and c.lead_name == "刘洋"
    assert visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="赵磊", place="景洪", start=D(2026, 4, 11))
                               ).clashes == ()


def test_clash_same_township_and_configurable_window(ctx, people) -> None:
    visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="刘洋", place="勐阿镇纳京村", start=D(2026, 5, 1)))
    sec = {s.name: s.id for s in list_sections(ctx.db)}
    found = clashes.find_clashes(ctx.db, D(2026, 5, 10), D(2026, 5, 10), "勐阿镇曼迈村", "勐阿镇", sec["规划发展科"])
    assert found == []  # 9 days apart with the default ±7
    clashes.set_clash_window(ctx.db, TEST_ACTOR, 10)
    found = clashes.find_clashes(ctx.db, D(2026, 5, 10), D(2026, 5, 10), "勐阿镇曼迈村", "勐阿镇", sec["规划发展科"])
    assert len(found) == 1 and found[0].reason == "同一乡镇" and found[0].gap_days == 9
    with pytest.raises(ValidationError):
        clashes.set_clash_window(ctx.db, TEST_ACTOR, -3)


def test_clash_report_lists_each_pair_once(ctx, people) -> None:
    visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="刘洋", start=D(2026, 6, 1)))
    visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="陈静", start=D(2026, 6, 3)))
    visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="赵磊", place="勐阿镇曼迈村", start=D(2026, 6, 20)))
    visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="吴芳", start=D(2026, 6, 2)))
    report = clashes.clash_report(ctx.db, 2026)
    pairs = sorted((r["科室一"], r["科室二"], r["原因"]) for r in report)
    # 综合科 (刘洋, 吴芳) vs 规划发展科 (陈静): two pairs; the 6-20 visit is 17 days away
    assert pairs == [("综合科", "规划发展科", "同一地点"), ("综合科", "规划发展科", "同一地点")]


def test_list_visits_rows_for_exporters(ctx, people) -> None:
    visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, others=["吴芳"], method="四不两直", findings="户厕闲置"))
    rows = visits.list_visits(ctx.db, 2026)
    assert tuple(rows[0]) == visits.VISIT_HEADERS
    assert rows[0]["四不两直"] == "是" and rows[0]["参加人员"] == "吴芳" and rows[0]["发现问题"] == "户厕闲置"
    assert visits.list_visits(ctx.db, 2025) == []


def test_attach_file_to_visit(ctx, people, tmp_path) -> None:
    v = visits.create_visit(ctx.db, TEST_ACTOR, _visit(people)).visit
    f = tmp_path / "座谈记录.txt"
    f.write_text("座谈会记录", "utf-8")
    info = visits.attach_file(ctx.db, TEST_ACTOR, v.id, f, ctx.data.attachments)
    assert (ctx.data.attachments / info.sha256).read_text("utf-8") == "座谈会记录"
    assert [a.name for a in visits.get_visit(ctx.db, v.id).attachments] == ["座谈记录.txt"]


def test_finding_becomes_ledger_item_linked_to_visit(ctx, people) -> None:
    from db.models import Issue
    v = visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, findings="户厕建而不用")).visit
    issue_id = visits.create_issue_from_finding(ctx.db, TEST_ACTOR, v.id, "户厕建而不用", category="人居环境")
    with ctx.db.session() as s:
        issue = s.get(Issue, issue_id)
        assert issue.source == "visit" and issue.source_visit_id == v.id and issue.lead_leader == "刘洋"
    assert visits.get_visit(ctx.db, v.id).issue_ids == (issue_id,)
    with pytest.raises(ValidationError):
        visits.create_issue_from_finding(ctx.db, TEST_ACTOR, v.id, "  ")


def test_clash_report_township_pair(ctx, people) -> None:
    visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="刘洋", place="嘎洒镇曼景罕村", start=D(2026, 7, 1)))
    visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="赵磊", place="嘎洒镇曼勉村", start=D(2026, 7, 5),
                                                   end=D(2026, 7, 6)))
    visits.create_visit(ctx.db, TEST_ACTOR, _visit(people, lead="黄涛", place="勐罕镇", start=D(2026, 7, 2)))
    report = clashes.clash_report(ctx.db, 2026)
    assert [(r["原因"], r["乡镇"], r["间隔天数"]) for r in report] == [("同一乡镇", "嘎洒镇", 4)]
    assert clashes.clash_report(ctx.db, 2026, window=3) == []


def test_attachment_readable_copy_keeps_its_name(ctx, people, tmp_path) -> None:
    from desktop_app.core import attachments
    from desktop_app.core.errors import NotFoundError
    v = visits.create_visit(ctx.db, TEST_ACTOR, _visit(people)).visit
    f = tmp_path / "问卷.xlsx"
    f.write_bytes(b"PK sheet")
    info = visits.attach_file(ctx.db, TEST_ACTOR, v.id, f, ctx.data.attachments)
    copy = attachments.readable_copy(ctx.data.attachments, info.sha256, info.name, tmp_path / "out")
    assert copy.name == "问卷.xlsx" and copy.read_bytes() == b"PK sheet"
    with pytest.raises(NotFoundError):
        attachments.readable_copy(ctx.data.attachments, "0" * 64, "丢失.doc", tmp_path / "out")


def test_create_with_unreadable_file_changes_nothing(ctx, people, tmp_path) -> None:
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        visits.create_visit(ctx.db, TEST_ACTOR, _visit(people), files=[tmp_path / "不存在.doc"],
                            attachments_dir=ctx.data.attachments)
    assert "无法读取" in e.value.message
    assert _counts(ctx) == before
