"""会议研讨 — 大讨论 meetings: record, edit, remove, attach files, list; points raised to the ledger or a topic.

Rules: the kind is one of ``MEETING_KINDS``; the theme is written; the date lies in the meeting's
campaign year (and inside the campaign's own dates when the office set them); the host and every
participant are people of this office; the section is one of this office's (None: 全办). Every write
is one transaction with its audit entry (add_meeting, update_meeting, remove_meeting,
attach_meeting_file, meeting_to_issue, meeting_to_topic: the ``record`` right). A prefecture reads
every county's meetings through ``services.scope`` and changes none of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import new_id
from db.engine import Database
from db.models import Attachment, AttachmentLink, Campaign, Issue, Person, Section, Topic
from db.models_campaign import MEETING_KINDS, MONTHLY_REQUIRED_MEETING, Meeting, MeetingAttendee
from desktop_app.core import attachments, audit
from desktop_app.core.attachments import AttachmentInfo
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, ValidationError
from desktop_app.core.ledger_codes import IssueStatus
from desktop_app.org import scope
from desktop_app.org.lookups import check_year, names_by_id, office_names, require_office, section_of_office
from desktop_app.org.ownership import refuse_foreign

__all__ = ["MEETING_KINDS", "MONTHLY_REQUIRED_MEETING", "WHOLE_OFFICE", "AttendeeInput", "MeetingInput",
           "MeetingInfo", "create_meeting", "update_meeting", "remove_meeting", "attach_file", "get_meeting",
           "meeting_infos", "list_meetings", "MEETING_HEADERS", "issue_from_meeting", "topic_from_meeting",
           "meeting_of_issue", "meeting_of_topic"]

#: what the section column says for a meeting of the whole office
WHOLE_OFFICE = "全办"
THEME_MAX, PLACE_MAX, SPEAKERS_MAX, REASON_MAX = 200, 120, 200, 100

#: the columns of the list (Excel export and import, PDF), in the order offices keep them
MEETING_HEADERS = ("日期", "会议类型", "主题", "科室", "主持人", "地点", "主讲人", "参会人员", "缺席人员及原因", "会议纪要")


@dataclass
class AttendeeInput:
    """One invited person of this office: present, or absent with the reason (请假、出差 …)."""

    person_id: str
    present: bool = True
    absence_reason: str = ""


@dataclass
class MeetingInput:
    """What a clerk gives for one meeting. ``section_id`` None means the whole office (全办)."""

    year: int
    kind: str
    date: dt.date
    theme: str
    section_id: str | None = None
    place: str = ""
    host_id: str | None = None
    speakers: str = ""
    minutes: str = ""
    attendees: list[AttendeeInput] = field(default_factory=list)


@dataclass(frozen=True)
class AttendeeInfo:
    """参会人员 as the UI and the lists show them."""

    person_id: str
    name: str
    present: bool
    absence_reason: str


@dataclass(frozen=True)
class LinkedItem:
    """A ledger item or a topic raised at a meeting."""

    id: str
    label: str


@dataclass(frozen=True)
class MeetingInfo:
    """会议研讨 as the UI, Excel and PDF see it."""

    id: str
    year: int
    kind: str
    date: dt.date
    theme: str
    section_id: str | None
    section_name: str
    place: str
    host_id: str | None
    host_name: str
    speakers: str
    minutes: str
    attendees: tuple[AttendeeInfo, ...]
    attachments: tuple[AttachmentInfo, ...]
    issues: tuple[LinkedItem, ...]
    topics: tuple[LinkedItem, ...]
    office_code: str

    @property
    def present_count(self) -> int:
        """How many of the invited were there."""
        return sum(1 for a in self.attendees if a.present)

    @property
    def attendance(self) -> str:
        """实到/应到, e.g. 8/9 ('' when nobody was listed)."""
        return f"{self.present_count}/{len(self.attendees)}" if self.attendees else ""

    @property
    def present_names(self) -> tuple[str, ...]:
        """Names of those present, in the office's order."""
        return tuple(a.name for a in self.attendees if a.present)

    @property
    def absent_text(self) -> str:
        """缺席人员及原因: 张三（出差）、李四（病假）."""
        return "、".join(f"{a.name}（{a.absence_reason}）" if a.absence_reason else a.name
                        for a in self.attendees if not a.present)

    @property
    def linked_text(self) -> str:
        """What came of it: 问题2、课题1 ('' when nothing yet)."""
        parts = ([f"问题{len(self.issues)}"] if self.issues else []) + ([f"课题{len(self.topics)}"] if self.topics else [])
        return "、".join(parts)


@dataclass(frozen=True)
class MeetingRef:
    """The meeting an item or a topic was raised at (shown on the item and the topic)."""

    id: str
    date: dt.date
    kind: str
    theme: str
    removed: bool

    @property
    def label(self) -> str:
        """2026-03-12 组工讲堂“…”（已删除）."""
        return f"{self.date.isoformat()} {self.kind}“{self.theme}”" + ("（会议记录已删除）" if self.removed else "")


# ---------------------------------------------------------------- validation

def _campaign_window(s: Session, office: str, year: int) -> tuple[dt.date, dt.date]:
    """The days a meeting of ``year`` may fall on: the campaign's own dates when set, else the calendar year."""
    row = s.execute(select(Campaign.start_date, Campaign.end_date).where(
        Campaign.office_code == office, Campaign.year == year, Campaign.deleted.is_(False))).first()
    lo = row.start_date if row is not None and row.start_date else dt.date(year, 1, 1)
    hi = row.end_date if row is not None and row.end_date else dt.date(year, 12, 31)
    return lo, hi


def _person(s: Session, office: str, person_id: str | None, what: str, fld: str) -> Person:
    p = s.get(Person, person_id) if person_id else None
    if p is None or p.deleted:
        raise ValidationError(f"{what}不存在", "请从本单位人员中选择", field=fld)
    if p.office_code != office:
        raise ValidationError(f"{what}“{p.name}”不是本单位人员", "只能选择本单位的人员；外单位的主讲人、嘉宾请写入“主讲人”",
                              field=fld)
    return p


def _validate(s: Session, office: str, data: MeetingInput) -> list[AttendeeInput]:
    """Check a meeting; returns its attendees, each person once (the last entry for a person wins)."""
    check_year(data.year)
    if data.kind not in MEETING_KINDS:
        raise ValidationError(f"会议类型“{data.kind}”无效", "请从 " + "、".join(MEETING_KINDS) + " 中选择", field="kind")
    if not isinstance(data.date, dt.date):
        raise ValidationError("请填写会议日期", "日期格式如 2026-03-05", field="date")
    lo, hi = _campaign_window(s, office, data.year)
    if not lo <= data.date <= hi:
        raise ValidationError(f"会议日期 {data.date.isoformat()} 不在{data.year}年度调研活动期间（{lo.isoformat()} 至 "
                              f"{hi.isoformat()}）", "请核对会议日期，或切换到该日期所在的年度后再录入", field="date")
    theme = (data.theme or "").strip()
    if not theme:
        raise ValidationError("会议主题不能为空", "请填写会议主题，例如 学习贯彻调查研究工作方案", field="theme")
    for value, limit, label, fld in ((theme, THEME_MAX, "会议主题", "theme"), (data.place, PLACE_MAX, "会议地点", "place"),
                                     (data.speakers, SPEAKERS_MAX, "主讲人", "speakers")):
        if len((value or "").strip()) > limit:
            raise ValidationError(f"{label}过长（超过{limit}字）", f"请精简{label}", field=fld)
    if data.section_id:
        section_of_office(s, office, data.section_id, "科室")
    if data.host_id:
        _person(s, office, data.host_id, "主持人", "host")
    by_person: dict[str, AttendeeInput] = {}
    for a in data.attendees:
        _person(s, office, a.person_id, "参会人员", "attendees")
        reason = (a.absence_reason or "").strip()
        if len(reason) > REASON_MAX:
            raise ValidationError(f"缺席原因过长（超过{REASON_MAX}字）", "请简要填写，例如 出差、病假", field="absence_reason")
        by_person[a.person_id] = AttendeeInput(a.person_id, bool(a.present), "" if a.present else reason)
    return list(by_person.values())


def _apply(m: Meeting, data: MeetingInput) -> None:
    m.year, m.kind, m.date, m.theme = data.year, data.kind, data.date, data.theme.strip()
    m.section_id, m.host_id = data.section_id or None, data.host_id or None
    m.place, m.speakers, m.minutes = (data.place or "").strip(), (data.speakers or "").strip(), data.minutes or ""


def _set_attendees(s: Session, meeting_id: str, wanted: list[AttendeeInput]) -> None:
    """Make the meeting's live attendees exactly ``wanted`` (tombstone the dropped, revive returning ones)."""
    rows = list(s.execute(select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id)).scalars())
    by_person = {r.person_id: r for r in rows}
    want = {a.person_id: a for a in wanted}
    for r in rows:
        if r.person_id not in want and not r.deleted:
            r.deleted = True
    for pid, a in want.items():
        row = by_person.get(pid)
        if row is None:
            s.add(MeetingAttendee(meeting_id=meeting_id, person_id=pid, present=a.present,
                                  absence_reason=a.absence_reason))
            continue
        # only what changed is written, so an unchanged attendee sends nothing in the next bundle
        if row.deleted:
            row.deleted = False
        if row.present != a.present:
            row.present = a.present
        if row.absence_reason != a.absence_reason:
            row.absence_reason = a.absence_reason


def save_meeting_in_session(s: Session, office: str, actor: Actor, data: MeetingInput,
                            meeting_id: str | None = None) -> Meeting:
    """Validate and write one meeting inside the caller's transaction (the Excel import uses this too)."""
    if meeting_id is not None:
        _live_meeting(s, office, meeting_id)  # another office's meeting is refused before its fields are judged
    people = _validate(s, office, data)
    if meeting_id is None:
        m = Meeting(id=new_id(), office_code=office)
        _apply(m, data)
        s.add(m)
        action = "add_meeting"
    else:
        m = _live_meeting(s, office, meeting_id)
        _apply(m, data)
        action = "update_meeting"
    _set_attendees(s, m.id, people)
    s.flush()
    audit.record(s, actor, action, "meeting", m.id,
                 {"kind": m.kind, "date": m.date, "theme": m.theme, "invited": len(people),
                  "present": sum(1 for a in people if a.present)})
    return m


# ---------------------------------------------------------------- writes

def _read_files(files: Sequence[Path]) -> list[tuple[str, bytes]]:
    # read before the transaction opens: a slow USB stick must not hold the database lock
    return [(Path(f).name, attachments.read_source(Path(f))) for f in files]


def _link_files(s: Session, actor: Actor, m: Meeting, contents: list[tuple[str, bytes]],
                attachments_dir: Path | None) -> None:
    if contents and attachments_dir is None:
        raise ValueError("attachments_dir is needed to store files")
    for name, content in contents:
        info = attachments.store_bytes(s, Path(str(attachments_dir)), name, content)
        s.add(AttachmentLink(owner_table="meeting", owner_id=m.id, sha256=info.sha256, name=info.name))
        s.flush()
        audit.record(s, actor, "attach_meeting_file", "meeting", m.id, {"name": info.name, "sha256": info.sha256})


def create_meeting(db: Database, actor: Actor, data: MeetingInput, files: Sequence[Path] = (),
                   attachments_dir: Path | None = None) -> MeetingInfo:
    """Record a meeting with its attendees (and ``files``: minutes, photos, sign-in sheets), all in one transaction."""
    office = require_office(db)
    contents = _read_files(files)
    with db.transaction() as s:
        m = save_meeting_in_session(s, office, actor, data)
        _link_files(s, actor, m, contents, attachments_dir)
        return _infos(s, [m])[0]


def update_meeting(db: Database, actor: Actor, meeting_id: str, data: MeetingInput, files: Sequence[Path] = (),
                   attachments_dir: Path | None = None) -> MeetingInfo:
    """Edit a meeting and its attendees (and attach more ``files``), in one transaction."""
    office = require_office(db)
    contents = _read_files(files)
    with db.transaction() as s:
        m = save_meeting_in_session(s, office, actor, data, meeting_id=meeting_id)
        _link_files(s, actor, m, contents, attachments_dir)
        return _infos(s, [m])[0]


def remove_meeting(db: Database, actor: Actor, meeting_id: str) -> None:
    """Remove a meeting (tombstone with its attendees: synced rows are never deleted).

    Items and topics raised at it stay, and still name it (``meeting_of_issue``: 会议记录已删除).
    """
    office = require_office(db)
    with db.transaction() as s:
        m = _live_meeting(s, office, meeting_id)
        m.deleted = True
        for r in s.execute(select(MeetingAttendee).where(MeetingAttendee.meeting_id == m.id,
                                                         MeetingAttendee.deleted.is_(False))).scalars():
            r.deleted = True
        audit.record(s, actor, "remove_meeting", "meeting", m.id, {"kind": m.kind, "date": m.date, "theme": m.theme})


def attach_file(db: Database, actor: Actor, meeting_id: str, path: Path, attachments_dir: Path) -> AttachmentInfo:
    """Attach a file (minutes, photos, sign-in sheet …) to a meeting; content stored once by sha256."""
    office = require_office(db)
    contents = _read_files([path])
    with db.transaction() as s:
        _link_files(s, actor, _live_meeting(s, office, meeting_id), contents, attachments_dir)
    name, content = contents[0]
    return AttachmentInfo(hashlib.sha256(content).hexdigest(), name, len(content))


def _live_meeting(s: Session, office: str, meeting_id: str) -> Meeting:
    """A live meeting of this office, for a write; another office's meeting is refused by name."""
    m = _visible_meeting(s, None, meeting_id)
    refuse_foreign(s, office, m.office_code, "会议研讨")
    return m


def _visible_meeting(s: Session, codes: list[str] | None, meeting_id: str) -> Meeting:
    m = s.get(Meeting, meeting_id)
    if m is None or m.deleted or (codes is not None and m.office_code not in codes):
        raise NotFoundError("该会议记录不存在或已删除", "请刷新后重试")
    return m


# ---------------------------------------------------------------- points raised → ledger item / topic

def issue_from_meeting(db: Database, actor: Actor, meeting_id: str, description: str, category: str = "",
                       measures: str = "", person: str = "", deadline: dt.date | None = None) -> str:
    """转为问题: a ledger item (source 会议研讨) linked to the meeting, made by the ledger service in one transaction.

    The ledger service judges the item as it judges every item; returns the new item's id.
    """
    from desktop_app.ledger.api import IssueInput, create_issues

    office = require_office(db)
    if not (description or "").strip():
        raise ValidationError("问题描述不能为空", "请填写会上提出的问题", field="description")
    with db.transaction() as s:
        m = _live_meeting(s, office, meeting_id)
        host = names_by_id(s, [m.host_id]).get(m.host_id or "", "")
        ids = create_issues(db, actor, [IssueInput(
            description=description.strip(), category=category, measures=measures, leader=host, person=person,
            deadline=deadline, source="meeting", year=m.year)], session=s)
        issue = s.get(Issue, ids[0])
        assert issue is not None
        issue.source_meeting_id = m.id
        audit.record(s, actor, "meeting_to_issue", "meeting", m.id, {"issue": ids[0], "serial": issue.serial})
    return ids[0]


def topic_from_meeting(db: Database, actor: Actor, meeting_id: str, title: str, section_id: str | None = None,
                       kind: str = "一般", lead_id: str | None = None) -> str:
    """转为课题: a topic (stage 立项) of the meeting's year raised at it, by the topic service, in one transaction.

    The section defaults to the meeting's (a 全办 meeting needs one named); returns the topic's id.
    """
    from desktop_app.work.api import TopicInput, save_topic_in_session

    office = require_office(db)
    with db.transaction() as s:
        m = _live_meeting(s, office, meeting_id)
        t = save_topic_in_session(s, office, actor, TopicInput(year=m.year, section_id=section_id or m.section_id,
                                                                title=title, kind=kind, lead_id=lead_id))
        t.source_meeting_id = m.id
        audit.record(s, actor, "meeting_to_topic", "meeting", m.id, {"topic": t.id, "title": t.title})
        return t.id


def _ref(s: Session, meeting_id: str | None) -> MeetingRef | None:
    m = s.get(Meeting, meeting_id) if meeting_id else None
    return None if m is None else MeetingRef(m.id, m.date, m.kind, m.theme, m.deleted)


def meeting_of_issue(db: Database, issue_id: str) -> MeetingRef | None:
    """The meeting a ledger item was raised at (None when it was not raised at one)."""
    with db.session() as s:
        issue = s.get(Issue, issue_id)
        return _ref(s, issue.source_meeting_id) if issue is not None else None


def meeting_of_topic(db: Database, topic_id: str) -> MeetingRef | None:
    """The meeting a topic was raised at (None when it was not raised at one)."""
    with db.session() as s:
        topic = s.get(Topic, topic_id)
        return _ref(s, topic.source_meeting_id) if topic is not None else None


# ---------------------------------------------------------------- reading

def get_meeting(db: Database, meeting_id: str, office: str = "") -> MeetingInfo:
    """One meeting with its attendees, files and what came of it (``office``: the scope, ``services.scope``)."""
    codes = scope.resolve(db, office)
    with db.session() as s:
        return _infos(s, [_visible_meeting(s, codes, meeting_id)])[0]


def _chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _infos(s: Session, found: list[Meeting]) -> list[MeetingInfo]:
    """MeetingInfo for many meetings with a fixed number of queries."""
    ids = [m.id for m in found]
    sections = dict(s.execute(select(Section.id, Section.name)).all())
    people: dict[str, list[tuple[str, bool, str]]] = {i: [] for i in ids}
    files: dict[str, list[AttachmentInfo]] = {i: [] for i in ids}
    issues: dict[str, list[LinkedItem]] = {i: [] for i in ids}
    topics: dict[str, list[LinkedItem]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        for mid, pid, present, reason in s.execute(
                select(MeetingAttendee.meeting_id, MeetingAttendee.person_id, MeetingAttendee.present,
                       MeetingAttendee.absence_reason)
                .join(Person, Person.id == MeetingAttendee.person_id)
                .join(Section, Section.id == Person.section_id)
                .where(MeetingAttendee.meeting_id.in_(chunk), MeetingAttendee.deleted.is_(False))
                .order_by(Section.sort_order, Person.is_leader.desc(), Person.name)):
            people[mid].append((pid, bool(present), reason or ""))
        for owner, sha, name, size in s.execute(
                select(AttachmentLink.owner_id, AttachmentLink.sha256, AttachmentLink.name, Attachment.size)
                .join(Attachment, Attachment.sha256 == AttachmentLink.sha256)
                .where(AttachmentLink.owner_table == "meeting", AttachmentLink.owner_id.in_(chunk),
                       AttachmentLink.deleted.is_(False))):
            files[owner].append(AttachmentInfo(sha, name, int(size)))
        for iid, serial, from_issue in s.execute(select(Issue.id, Issue.serial, Issue.source_meeting_id).where(
                Issue.source_meeting_id.in_(chunk), Issue.deleted.is_(False), Issue.status != IssueStatus.VOID)
                .order_by(Issue.serial)):
            issues[str(from_issue)].append(LinkedItem(iid, serial))
        for tid, title, from_topic in s.execute(select(Topic.id, Topic.title, Topic.source_meeting_id).where(
                Topic.source_meeting_id.in_(chunk), Topic.deleted.is_(False)).order_by(Topic.title)):
            topics[str(from_topic)].append(LinkedItem(tid, title))
    names = names_by_id(s, [m.host_id for m in found] + [p for ps in people.values() for p, _, _ in ps])
    return [MeetingInfo(
        id=m.id, year=m.year, kind=m.kind, date=m.date, theme=m.theme, section_id=m.section_id,
        section_name=sections.get(m.section_id or "", "") if m.section_id else WHOLE_OFFICE, place=m.place,
        host_id=m.host_id, host_name=names.get(m.host_id or "", ""), speakers=m.speakers, minutes=m.minutes,
        attendees=tuple(AttendeeInfo(p, names.get(p, ""), present, reason) for p, present, reason in people[m.id]),
        attachments=tuple(files[m.id]), issues=tuple(issues[m.id]), topics=tuple(topics[m.id]),
        office_code=m.office_code) for m in found]


def meeting_infos(db: Database, year: int | None = None, kind: str | None = None, section_id: str | None = None,
                  office: str = "") -> list[MeetingInfo]:
    """Meetings of ``year`` (optionally of one kind or section; ``section_id`` "" = 全办 only), by date.

    ``office`` is the scope: "" this office, a county's code or ``scope.ALL`` (prefecture only).
    """
    codes = scope.resolve(db, office)
    q = select(Meeting).where(Meeting.deleted.is_(False))
    if codes is not None:
        q = q.where(Meeting.office_code.in_(codes))
    if year is not None:
        q = q.where(Meeting.year == year)
    if kind:
        q = q.where(Meeting.kind == kind)
    if section_id == "":
        q = q.where(Meeting.section_id.is_(None))
    elif section_id:
        q = q.where(Meeting.section_id == section_id)
    with db.session() as s:
        return _infos(s, list(s.execute(q.order_by(Meeting.date, Meeting.kind, Meeting.theme)).scalars()))


def meeting_headers(office: str = "") -> tuple[str, ...]:
    """The column titles of ``list_meetings`` for a scope: every office's list starts with 单位."""
    return ("单位", *MEETING_HEADERS) if office == scope.ALL else MEETING_HEADERS


def meeting_row(m: MeetingInfo) -> dict[str, Any]:
    """One meeting as a plain row keyed by ``MEETING_HEADERS`` (Excel export; the import reads it back)."""
    return {"日期": m.date, "会议类型": m.kind, "主题": m.theme, "科室": m.section_name, "主持人": m.host_name,
            "地点": m.place, "主讲人": m.speakers, "参会人员": "、".join(m.present_names),
            "缺席人员及原因": m.absent_text, "会议纪要": m.minutes}


def list_meetings(db: Database, year: int, office: str = "") -> list[dict[str, Any]]:
    """The year's meetings as plain rows keyed by Chinese column titles (``meeting_headers``) for Excel."""
    names = office_names(db) if office == scope.ALL else None
    out = []
    for m in meeting_infos(db, year, office=office):
        row: dict[str, Any] = {"单位": names.get(m.office_code, m.office_code)} if names is not None else {}
        row.update(meeting_row(m))
        out.append(row)
    return out
