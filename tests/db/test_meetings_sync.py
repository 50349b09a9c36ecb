"""会议研讨 travels county → prefecture: the meeting, its attendees, files and links; the prefecture only reads it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Person, Section
from desktop_app.campaign import meetings
from desktop_app.campaign.meetings import AttendeeInput, MeetingInput
from desktop_app.core.errors import PermissionDeniedError
from desktop_app.org import scope
from tests.helpers.common import TEST_ACTOR
from tests.helpers.sync_support import make_office, rows, send, trust_both


@pytest.fixture
def offices(tmp_path: Path):
    county = make_office(tmp_path / "county", "532801", "景洪市乡村振兴局")
    pref = make_office(tmp_path / "pref", "532800", "西双版纳州乡村振兴局", level="prefecture")
    trust_both(county, pref)
    yield county, pref
    county.close()
    pref.close()


def _people(ctx) -> list[str]:
    with ctx.db.transaction() as s:
        sec = s.execute(select(Section.id)).scalars().first()
        made = [Person(name=n, section_id=sec, is_leader=i == 0) for i, n in enumerate(("岩温", "玉香", "李明"))]
        s.add_all(made)
        s.flush()
        return [p.id for p in made]


def test_meeting_with_attendees_travels_to_the_prefecture(offices, tmp_path: Path) -> None:
    county, pref = offices
    host, a, b = _people(county)
    minutes = tmp_path / "纪要.txt"
    minutes.write_bytes("会议纪要".encode())
    m = meetings.create_meeting(county.db, TEST_ACTOR, MeetingInput(
        year=2026, kind="组工讲堂", date=dt.date(2026, 4, 16), theme="调研报告怎么写", host_id=host,
        attendees=[AttendeeInput(host), AttendeeInput(a), AttendeeInput(b, False, "出差")]),
        files=[minutes], attachments_dir=county.data.attachments)
    iid = meetings.issue_from_meeting(county.db, TEST_ACTOR, m.id, "部分科室调研报告质量不高")
    rep = send(county, pref, tmp_path / "b1")
    assert rep.tables["meeting"].created == 1 and rep.tables["meeting_attendee"].created == 3
    for table in ("meeting", "meeting_attendee", "attachment_link", "issue"):
        mine = rows(county, table)
        theirs = {k: v for k, v in rows(pref, table).items() if k in mine}
        assert theirs == mine, table
    seen = meetings.get_meeting(pref.db, m.id, office="532801")
    assert seen.attendance == "2/3"
    assert seen.absent_text == "李明（出差）" and [i.id for i in seen.issues] == [iid]
    assert [x.id for x in meetings.meeting_infos(pref.db, 2026, office=scope.ALL)] == [m.id]
    assert meetings.meeting_infos(pref.db, 2026) == []  # its own list holds only its own meetings
    with pytest.raises(PermissionDeniedError):
        meetings.remove_meeting(pref.db, TEST_ACTOR, m.id)

    # the county drops one attendee and later removes the meeting: both arrive as tombstones
    meetings.update_meeting(county.db, TEST_ACTOR, m.id, MeetingInput(
        year=2026, kind="组工讲堂", date=dt.date(2026, 4, 16), theme="调研报告怎么写", host_id=host,
        attendees=[AttendeeInput(host), AttendeeInput(b, False, "出差")]))
    send(county, pref, tmp_path / "b2")
    assert meetings.get_meeting(pref.db, m.id, office="532801").attendance == "1/2"
    meetings.remove_meeting(county.db, TEST_ACTOR, m.id)
    send(county, pref, tmp_path / "b3")
    assert meetings.meeting_infos(pref.db, 2026, office=scope.ALL) == []
