"""会议研讨: validation with nothing changed, attendees, tombstones, links to the ledger and topics, 组工讲堂 grid."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import AttachmentLink, AuditEntry, Issue, Person, Topic
from db.models_campaign import Meeting, MeetingAttendee
from desktop_app.campaign import meeting_compliance, meetings
from desktop_app.campaign.meetings import AttendeeInput, MeetingInput
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from desktop_app.org.organisation import list_people, list_sections
from tests.helpers.common import TEST_ACTOR

D = dt.date


@pytest.fixture
def people(ctx) -> dict[str, str]:
    return {p.name: p.id for p in list_people(ctx.db, 2026)}


@pytest.fixture
def sections(ctx) -> dict[str, str]:
    return {s.name: s.id for s in list_sections(ctx.db)}


def _counts(ctx) -> tuple[int, ...]:
    with ctx.db.session() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (Meeting, MeetingAttendee, AuditEntry, Issue, Topic, AttachmentLink))


def _meeting(people, sections=None, section=None, **kw) -> MeetingInput:
    base = dict(year=2026, kind="组工讲堂", date=D(2026, 3, 12), theme="学习调查研究工作方案", place="三楼会议室",
                host_id=people["刘洋"], speakers="刘洋",
                attendees=[AttendeeInput(people["吴芳"]), AttendeeInput(people["黄涛"], False, "下乡调研"),
                           AttendeeInput(people["刘洋"])])
    if section:
        base["section_id"] = sections[section]
    base.update(kw)
    return MeetingInput(**base)


def test_create_records_attendance_and_audit(ctx, people, sections) -> None:
    m = meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people, sections, "综合科"))
    assert m.section_name == "综合科" and m.host_name == "刘洋"
    assert m.attendance == "2/3" and m.absent_text == "黄涛（下乡调研）"
    assert set(m.present_names) == {"刘洋", "吴芳"}
    again = meetings.get_meeting(ctx.db, m.id)
    assert again == m
    with ctx.db.session() as s:
        actions = list(s.execute(select(AuditEntry.action).where(AuditEntry.target_id == m.id)).scalars())
    assert actions == ["add_meeting"]


def test_whole_office_meeting_is_named_quanban(ctx, people) -> None:
    m = meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people, kind="中心组学习"))
    assert m.section_id is None and m.section_name == "全办"


@pytest.mark.parametrize("bad, fld, words", [
    (dict(date=D(2025, 12, 30)), "date", "不在2026年度"),
    (dict(date=D(2027, 1, 2)), "date", "不在2026年度"),
    (dict(theme="   "), "theme", "会议主题不能为空"),
    (dict(kind="茶话会"), "kind", "会议类型“茶话会”无效"),
    (dict(theme="很" * 201), "theme", "会议主题过长"),
])
def test_bad_meeting_refused_nothing_changed(ctx, people, bad, fld, words) -> None:
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people, **bad))
    assert words in e.value.message and e.value.field == fld
    assert _counts(ctx) == before


def test_participant_of_another_office_refused_nothing_half_saved(ctx, people, sections) -> None:
    with ctx.db.transaction() as s:
        stranger = Person(name="外单位甲", section_id=sections["综合科"], office_code="532822")
        s.add(stranger)
        s.flush()
        sid = stranger.id
    before = _counts(ctx)
    data = _meeting(people)
    data.attendees.append(AttendeeInput(sid))
    with pytest.raises(ValidationError) as e:
        meetings.create_meeting(ctx.db, TEST_ACTOR, data)
    assert e.value.field == "attendees" and "参会人员“外单位甲”不是本单位人员" in e.value.message
    assert _counts(ctx) == before


def test_edit_failing_leaves_meeting_as_it_was(ctx, people) -> None:
    m = meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people))
    with pytest.raises(ValidationError):
        meetings.update_meeting(ctx.db, TEST_ACTOR, m.id, _meeting(people, theme="新主题", kind="不存在"))
    assert meetings.get_meeting(ctx.db, m.id) == m


def test_update_changes_attendees_with_tombstones(ctx, people) -> None:
    m = meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people))
    data = _meeting(people, theme="改后的主题",
                    attendees=[AttendeeInput(people["黄涛"]), AttendeeInput(people["赵磊"], False, "病假")])
    after = meetings.update_meeting(ctx.db, TEST_ACTOR, m.id, data)
    assert after.theme == "改后的主题" and after.attendance == "1/2"
    assert {a.name: (a.present, a.absence_reason) for a in after.attendees} == {"黄涛": (True, ""),
                                                                                 "赵磊": (False, "病假")}
    with ctx.db.session() as s:
        dropped = s.execute(select(func.count()).select_from(MeetingAttendee).where(
            MeetingAttendee.meeting_id == m.id, MeetingAttendee.deleted.is_(True))).scalar_one()
    assert dropped == 2  # 吴芳 and 刘洋: tombstones, never deleted rows


def test_remove_is_a_tombstone_and_hides_the_meeting(ctx, people) -> None:
    m = meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people))
    meetings.remove_meeting(ctx.db, TEST_ACTOR, m.id)
    assert meetings.meeting_infos(ctx.db, 2026) == []
    with pytest.raises(NotFoundError):
        meetings.get_meeting(ctx.db, m.id)
    with ctx.db.session() as s:
        row = s.get(Meeting, m.id)
        assert row is not None and row.deleted
        assert all(a.deleted for a in s.execute(select(MeetingAttendee).where(
            MeetingAttendee.meeting_id == m.id)).scalars())


def test_viewer_may_not_record_a_meeting(ctx, people) -> None:
    from desktop_app.core import roles

    viewer = Actor("kan", "查看员", rights=roles.rights_of(["viewer"]), account=True)
    before = _counts(ctx)
    with pytest.raises(PermissionDeniedError):
        meetings.create_meeting(ctx.db, viewer, _meeting(people))
    assert _counts(ctx) == before


def test_another_office_meeting_cannot_be_edited(ctx, people) -> None:
    m = meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people))
    with ctx.db.transaction() as s:
        row = s.get(Meeting, m.id)
        assert row is not None
        row.office_code = "532822"
    with pytest.raises(PermissionDeniedError):
        meetings.update_meeting(ctx.db, TEST_ACTOR, m.id, _meeting(people))


def test_point_raised_becomes_issue_and_topic_linked_both_ways(ctx, people, sections) -> None:
    m = meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people, sections, "规划发展科"))
    iid = meetings.issue_from_meeting(ctx.db, TEST_ACTOR, m.id, "村级集体经济收入渠道单一")
    tid = meetings.topic_from_meeting(ctx.db, TEST_ACTOR, m.id, "村级集体经济发展路径研究")
    with ctx.db.session() as s:
        issue, topic = s.get(Issue, iid), s.get(Topic, tid)
        assert issue is not None and issue.source == "meeting" and issue.source_meeting_id == m.id
        assert issue.lead_leader == "刘洋" and issue.year == 2026
        assert topic is not None and topic.source_meeting_id == m.id and topic.section_id == sections["规划发展科"]
    after = meetings.get_meeting(ctx.db, m.id)
    assert [i.id for i in after.issues] == [iid] and [t.label for t in after.topics] == ["村级集体经济发展路径研究"]
    assert after.linked_text == "问题1、课题1"
    ref = meetings.meeting_of_issue(ctx.db, iid)
    assert ref is not None and ref.id == m.id and "组工讲堂" in ref.label
    ref_t = meetings.meeting_of_topic(ctx.db, tid)
    assert ref_t is not None and ref_t.id == m.id


def test_bad_issue_from_meeting_changes_nothing(ctx, people) -> None:
    m = meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people))  # 全办: a topic needs a section named
    before = _counts(ctx)
    with pytest.raises(ValidationError):
        meetings.issue_from_meeting(ctx.db, TEST_ACTOR, m.id, "  ")
    with pytest.raises(ValidationError) as e:
        meetings.topic_from_meeting(ctx.db, TEST_ACTOR, m.id, "某课题")
    assert "科室" in e.value.message
    with pytest.raises(ValidationError):  # the ledger's own check (category too long) refuses it: nothing kept
        meetings.issue_from_meeting(ctx.db, TEST_ACTOR, m.id, "某问题", category="类" * 61)
    assert _counts(ctx) == before


def test_attachments_are_linked_to_the_meeting(ctx, people, tmp_path: Path) -> None:
    f = tmp_path / "会议纪要.docx"
    f.write_bytes(b"minutes " * 10)
    m = meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people), files=[f],
                                attachments_dir=ctx.data.attachments)
    assert [a.name for a in m.attachments] == ["会议纪要.docx"]
    sign = tmp_path / "签到表.pdf"
    sign.write_bytes(b"%PDF-1.4 sign-in")
    meetings.attach_file(ctx.db, TEST_ACTOR, m.id, sign, ctx.data.attachments)
    assert {a.name for a in meetings.get_meeting(ctx.db, m.id).attachments} == {"会议纪要.docx", "签到表.pdf"}


def test_compliance_grid_and_missing_months(ctx, people, sections) -> None:
    # 综合科 holds its own in March; a 全办 one in April counts for every section; May only 政策法规科
    meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people, sections, "综合科", date=D(2026, 3, 5)))
    meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people, date=D(2026, 4, 9)))
    meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people, sections, "政策法规科", date=D(2026, 5, 20)))
    # another kind of meeting does not count
    meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people, sections, "规划发展科", kind="专题研讨",
                                                         date=D(2026, 5, 6)))
    grid = meeting_compliance.compliance_grid(ctx.db, 2026, D(2026, 5, 31))
    assert grid.months == ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")
    assert grid.mark("综合科", "2026-03") == "✓" and grid.mark("规划发展科", "2026-03") == "缺"
    assert all(grid.mark(sec, "2026-04") == "✓" for sec in grid.sections)
    assert grid.mark("规划发展科", "2026-05") == "待" and grid.mark("政策法规科", "2026-05") == "✓"
    with ctx.db.session() as s:
        missing = meeting_compliance.missing_required_meetings(s, 2026, D(2026, 5, 31))
    expected = {(sec, mon) for sec in sections for mon in ("2026-01", "2026-02")}
    expected |= {("规划发展科", "2026-03"), ("政策法规科", "2026-03"), ("综合科", "2026-05"), ("规划发展科", "2026-05")}
    assert set(missing) == expected
    with ctx.db.session() as s:  # before the year: nothing due; a removed meeting stops counting
        assert meeting_compliance.missing_required_meetings(s, 2026, D(2025, 12, 31)) == []


def test_filters_by_kind_and_section(ctx, people, sections) -> None:
    meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people, sections, "综合科"))
    meetings.create_meeting(ctx.db, TEST_ACTOR, _meeting(people, kind="务虚会", date=D(2026, 6, 20)))
    assert [m.kind for m in meetings.meeting_infos(ctx.db, 2026, kind="务虚会")] == ["务虚会"]
    assert [m.section_name for m in meetings.meeting_infos(ctx.db, 2026, section_id="")] == ["全办"]
    assert [m.section_name for m in meetings.meeting_infos(ctx.db, 2026, section_id=sections["综合科"])] == ["综合科"]
    assert meetings.meeting_infos(ctx.db, 2025) == []
