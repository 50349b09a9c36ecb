"""调研安排 — grassroots visits: create, edit, remove, attach files, list; findings to the ledger.

Rules: the end is not before the start; the lead and every participant are
people of this office; a linked topic exists. The visit's section is the lead's
unless given. Saving returns the clashes with other sections' visits (a warning).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import new_id
from db.engine import Database
from db.models import PLACE_TYPES, Attachment, AttachmentLink, Issue, Person, Section, Topic, Visit, VisitParticipant
from db.models_work import VISIT_METHOD_MAX
from desktop_app.core import attachments, audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, ValidationError
from desktop_app.core.visit_codes import VISIT_STATES, VisitState
from desktop_app.org import scope
from desktop_app.org.lookups import (
    names_by_id,
    office_names,
    people_of_office,
    person_of_office,
    require_office,
    section_of_office,
)
from desktop_app.org.ownership import refuse_foreign
from desktop_app.work.clashes import clash_window, clashes_in_session
from desktop_app.work.common import campaign_id, live_topic
from desktop_app.work.types import AttachmentInfo, VisitInfo, VisitInput, VisitSaved
from desktop_app.work.visit_state import check_state, default_state, not_counted_reason

#: a visit longer than this is surely a typo in the dates (蹲点 stays are weeks, not seasons)
MAX_VISIT_DAYS = 92
_TOWNSHIP = re.compile(r"^([\u4e00-\u9fff]{1,8}?(?:街道|镇|乡))(?!村振兴)")

VISIT_HEADERS = ("开始日期", "结束日期", "天数", "地点", "乡镇", "地点类型", "调研方式", "四不两直", "带队领导",
                 "参加人员", "所属科室", "调研课题", "调研目的", "发现问题")


def township_of(place: str) -> str:
    """The township (乡镇/街道) a place name starts with, e.g. 勐阿镇纳京村 → 勐阿镇; '' if none."""
    m = _TOWNSHIP.match((place or "").strip())
    return m.group(1) if m else ""


def _validate(s: Session, office: str, data: VisitInput) -> tuple[str | None, list[str]]:
    """Check a visit; returns (section id, participant ids with the lead first)."""
    if not isinstance(data.start_date, dt.date) or not isinstance(data.end_date, dt.date):
        raise ValidationError("请填写调研的开始和结束日期", "日期格式如 2026-03-05", field="start_date")
    if data.end_date < data.start_date:
        raise ValidationError(
            f"结束日期 {data.end_date.isoformat()} 早于开始日期 {data.start_date.isoformat()}",
            "请把结束日期改为开始日期当天或之后", field="end_date")
    if (data.end_date - data.start_date).days + 1 > MAX_VISIT_DAYS:
        raise ValidationError(f"一次调研超过{MAX_VISIT_DAYS}天，日期可能填错了", "请核对开始和结束日期", field="end_date")
    if not (data.place or "").strip():
        raise ValidationError("调研地点不能为空", "请填写调研地点，例如 勐阿镇纳京村", field="place")
    if len(data.place.strip()) > 120:
        raise ValidationError("调研地点过长（超过120字）", "请简要填写地点", field="place")
    if data.place_type and data.place_type not in PLACE_TYPES:
        raise ValidationError(f"地点类型“{data.place_type}”无效", f"请从 {'、'.join(PLACE_TYPES)} 中选择",
                              field="place_type")
    if len((data.method or "").strip()) > VISIT_METHOD_MAX:
        raise ValidationError(f"调研方式过长（超过{VISIT_METHOD_MAX}字）", "请精简调研方式，或从列表中选择",
                              field="method")
    if not data.lead_id:
        raise ValidationError("请选择带队人员", "每次调研须有一名带队人员", field="lead")
    lead = person_of_office(s, office, data.lead_id, "带队人员")
    others = people_of_office(s, office, [p for p in data.participant_ids if p != lead.id], "参加人员")
    if data.topic_id:
        live_topic(s, office, data.topic_id)
    section_id = data.section_id or lead.section_id
    section_of_office(s, office, section_id, "所属科室")
    return section_id, [lead.id] + [p.id for p in others]


def _apply(v: Visit, data: VisitInput, section_id: str | None, new: bool = False) -> None:
    v.start_date, v.end_date = data.start_date, data.end_date
    v.place = data.place.strip()
    v.township = (data.township or "").strip() or township_of(v.place)
    v.place_type, v.method = data.place_type or "", (data.method or "").strip()
    v.unannounced = bool(data.unannounced or data.method == "四不两直")
    v.lead_id, v.topic_id, v.section_id = data.lead_id, data.topic_id or None, section_id
    v.purpose, v.findings = data.purpose or "", data.findings or ""
    state = data.state or (default_state(data.end_date) if new else v.state or VisitState.PLANNED)
    check_state(state, data.start_date, data.end_date)
    v.state = state
    # a done visit edited in the form: the dates written are the days it took
    v.actual_start, v.actual_end = (data.start_date, data.end_date) if state == VisitState.DONE else (None, None)


def _set_participants(s: Session, visit_id: str, person_ids: list[str]) -> None:
    """Make the visit's live participants exactly ``person_ids`` (tombstone removed ones, revive returning)."""
    rows = list(s.execute(select(VisitParticipant).where(VisitParticipant.visit_id == visit_id)).scalars())
    by_person = {r.person_id: r for r in rows}
    for r in rows:
        want = r.person_id in person_ids
        if r.deleted == want:
            r.deleted = not want
    for pid in person_ids:
        if pid not in by_person:
            s.add(VisitParticipant(visit_id=visit_id, person_id=pid))


def save_visit_in_session(s: Session, office: str, actor: Actor, data: VisitInput, visit_id: str | None = None,
                          audit_action: str | None = None, flush: bool = True) -> Visit:
    """Validate and write one visit inside the caller's transaction (used by the importer too).

    ``flush=False`` lets a bulk caller flush once for many visits: each flush walks the
    whole session, so flushing per row makes a large import quadratic.
    """
    if visit_id is not None:
        _live_visit(s, office, visit_id)  # another office's visit is refused before its fields are judged
    section_id, people = _validate(s, office, data)
    if visit_id is None:
        # the id is made here rather than by a flush, so the participants can point at it at once
        v = Visit(id=new_id(), office_code=office, campaign_id=campaign_id(s, office, data.start_date.year))
        _apply(v, data, section_id, new=True)
        s.add(v)
        for pid in people:
            s.add(VisitParticipant(visit_id=v.id, person_id=pid))
    else:
        v = _live_visit(s, office, visit_id)
        _apply(v, data, section_id)
        _set_participants(s, v.id, people)
    if flush:
        s.flush()
    if audit_action:
        audit.record(s, actor, audit_action, "visit", v.id,
                     {"place": v.place, "start": v.start_date, "end": v.end_date, "people": len(people)})
    return v


def _read_files(files: Sequence[Path]) -> list[tuple[str, bytes]]:
    # read before the transaction opens: a slow USB stick must not hold the database lock
    return [(Path(f).name, attachments.read_source(Path(f))) for f in files]


def _link_files(s: Session, actor: Actor, v: Visit, contents: list[tuple[str, bytes]],
                attachments_dir: Path | None) -> None:
    if contents and attachments_dir is None:
        raise ValueError("attachments_dir is needed to store files")
    for name, content in contents:
        info = attachments.store_bytes(s, Path(str(attachments_dir)), name, content)
        s.add(AttachmentLink(owner_table="visit", owner_id=v.id, sha256=info.sha256, name=info.name))
        s.flush()
        audit.record(s, actor, "attach_visit_file", "visit", v.id, {"name": info.name, "sha256": info.sha256})


def create_visit(db: Database, actor: Actor, data: VisitInput, files: Sequence[Path] = (),
                 attachments_dir: Path | None = None) -> VisitSaved:
    """Record a visit (and attach ``files``, all in one transaction); returns it with the clashes found
    (other sections, same place/township, ±N days)."""
    office = require_office(db)
    window = clash_window(db)
    contents = _read_files(files)
    with db.transaction() as s:
        v = save_visit_in_session(s, office, actor, data, audit_action="create_visit")
        _link_files(s, actor, v, contents, attachments_dir)
        clashes = clashes_in_session(s, office, v.start_date, v.end_date, v.place, v.township, v.section_id, window,
                                     exclude_id=v.id)
        info = _info(s, v)
    return VisitSaved(info, tuple(clashes))


def update_visit(db: Database, actor: Actor, visit_id: str, data: VisitInput, files: Sequence[Path] = (),
                 attachments_dir: Path | None = None) -> VisitSaved:
    """Edit a visit (and attach more ``files``, in the same transaction); returns it with the clashes found."""
    office = require_office(db)
    window = clash_window(db)
    contents = _read_files(files)
    with db.transaction() as s:
        v = save_visit_in_session(s, office, actor, data, visit_id=visit_id, audit_action="update_visit")
        _link_files(s, actor, v, contents, attachments_dir)
        clashes = clashes_in_session(s, office, v.start_date, v.end_date, v.place, v.township, v.section_id, window,
                                     exclude_id=v.id)
        info = _info(s, v)
    return VisitSaved(info, tuple(clashes))


def remove_visit(db: Database, actor: Actor, visit_id: str) -> None:
    """Withdraw a visit (tombstone: synced rows are never deleted); its days stop counting."""
    office = require_office(db)
    with db.transaction() as s:
        v = _live_visit(s, office, visit_id)
        v.deleted = True
        audit.record(s, actor, "remove_visit", "visit", v.id, {"place": v.place, "start": v.start_date})


def _live_visit(s: Session, office: str, visit_id: str) -> Visit:
    """A live visit of this office, for a write; another office's visit is refused by name."""
    v = _visible_visit(s, None, visit_id)
    refuse_foreign(s, office, v.office_code, "调研安排")
    return v


def _visible_visit(s: Session, codes: list[str] | None, visit_id: str) -> Visit:
    # codes: the offices in view (scope.resolve); None = every office
    v = s.get(Visit, visit_id)
    if v is None or v.deleted or (codes is not None and v.office_code not in codes):
        raise NotFoundError("该调研安排不存在或已删除", "请刷新后重试")
    return v


def attach_file(db: Database, actor: Actor, visit_id: str, path: Path, attachments_dir: Path) -> AttachmentInfo:
    """Attach a file (photo, minutes, questionnaire …) to a visit; content stored once by sha256."""
    office = require_office(db)
    contents = _read_files([path])
    with db.transaction() as s:
        v = _live_visit(s, office, visit_id)
        _link_files(s, actor, v, contents, attachments_dir)
    name, content = contents[0]
    return AttachmentInfo(hashlib.sha256(content).hexdigest(), name, len(content))


def get_visit(db: Database, visit_id: str, office: str = "") -> VisitInfo:
    """One visit with its people, topic, attachments and the ledger items made from it.

    ``office`` is the scope (see ``services.scope``): a prefecture may read a county's visit.
    """
    codes = scope.resolve(db, office)
    with db.session() as s:
        return _info(s, _visible_visit(s, codes, visit_id))


def _info(s: Session, v: Visit) -> VisitInfo:
    return _infos(s, [v])[0]


def _chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    # SQLite limits the number of bound parameters in one IN (...)
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _infos(s: Session, found: list[Visit]) -> list[VisitInfo]:
    """VisitInfo for many visits with a fixed number of queries (not a few per visit)."""
    ids = [v.id for v in found]
    sections = dict(s.execute(select(Section.id, Section.name)).all())
    titles = dict(s.execute(select(Topic.id, Topic.title)).all())
    people: dict[str, list[str]] = {i: [] for i in ids}
    files: dict[str, list[AttachmentInfo]] = {i: [] for i in ids}
    issues: dict[str, list[str]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        # people in the office's usual order (section, leaders first, name), the same on every PC
        for vid, pid in s.execute(
                select(VisitParticipant.visit_id, VisitParticipant.person_id)
                .join(Person, Person.id == VisitParticipant.person_id)
                .join(Section, Section.id == Person.section_id)
                .where(VisitParticipant.visit_id.in_(chunk), VisitParticipant.deleted.is_(False))
                .order_by(Section.sort_order, Person.is_leader.desc(), Person.name)):
            people[vid].append(pid)
        for vid, sha, name, size in s.execute(
                select(AttachmentLink.owner_id, AttachmentLink.sha256, AttachmentLink.name, Attachment.size)
                .join(Attachment, Attachment.sha256 == AttachmentLink.sha256)
                .where(AttachmentLink.owner_table == "visit", AttachmentLink.owner_id.in_(chunk),
                       AttachmentLink.deleted.is_(False))):
            files[vid].append(AttachmentInfo(sha, name, int(size)))
        for iid, source in s.execute(select(Issue.id, Issue.source_visit_id).where(
                Issue.source_visit_id.in_(chunk), Issue.deleted.is_(False))):
            issues[str(source)].append(iid)
    names = names_by_id(s, [v.lead_id for v in found] + [p for ps in people.values() for p in ps])
    out = []
    for v in found:
        others = [p for p in people[v.id] if p != v.lead_id]
        out.append(VisitInfo(
            id=v.id, start_date=v.start_date, end_date=v.end_date, days=(v.end_date - v.start_date).days + 1,
            place=v.place, township=v.township, place_type=v.place_type, method=v.method,
            unannounced=v.unannounced, lead_id=v.lead_id, lead_name=names.get(v.lead_id or "", ""),
            participant_ids=tuple(others), participant_names=tuple(names.get(p, "") for p in others),
            topic_id=v.topic_id, topic_title=titles.get(v.topic_id or "", ""), section_id=v.section_id,
            section_name=sections.get(v.section_id or "", ""), purpose=v.purpose, findings=v.findings,
            attachments=tuple(files[v.id]), issue_ids=tuple(issues[v.id]), office_code=v.office_code,
            state=v.state, state_label=VISIT_STATES.get(v.state, v.state), actual_start=v.actual_start,
            actual_end=v.actual_end, not_counted=not_counted_reason(v.state, v.place_type, v.method)))
    return out


def visit_infos(db: Database, year: int | None = None, month: int | None = None, person_id: str | None = None,
                section_id: str | None = None, topic_id: str | None = None, office: str = "") -> list[VisitInfo]:
    """Visits overlapping ``year`` (and ``month``), optionally of one person, section or topic, by start date.

    ``office`` is the scope: "" this office, a county's code or ``scope.ALL`` (prefecture only).
    """
    codes = scope.resolve(db, office)
    q = select(Visit).where(Visit.deleted.is_(False))
    if codes is not None:
        q = q.where(Visit.office_code.in_(codes))
    if year is not None:
        lo = dt.date(year, month or 1, 1)
        hi = (dt.date(year + (month == 12), (month % 12) + 1, 1) - dt.timedelta(days=1)) if month else dt.date(year, 12, 31)
        q = q.where(Visit.start_date <= hi, Visit.end_date >= lo)
    if person_id:
        q = q.where(Visit.id.in_(select(VisitParticipant.visit_id).where(VisitParticipant.person_id == person_id,
                                                                         VisitParticipant.deleted.is_(False))))
    if section_id:
        q = q.where(Visit.section_id == section_id)
    if topic_id:
        q = q.where(Visit.topic_id == topic_id)
    with db.session() as s:
        return _infos(s, list(s.execute(q.order_by(Visit.start_date, Visit.place)).scalars()))


def visit_headers(office: str = "") -> tuple[str, ...]:
    """The column titles of ``list_visits`` for a scope: every office's list starts with 单位."""
    return ("单位", *VISIT_HEADERS) if office == scope.ALL else VISIT_HEADERS


def list_visits(db: Database, year: int, office: str = "") -> list[dict[str, Any]]:
    """The year's visits as plain rows keyed by Chinese column titles (``visit_headers``) for Excel and PDF."""
    names = office_names(db) if office == scope.ALL else None
    out = []
    for v in visit_infos(db, year, office=office):
        row: dict[str, Any] = {"单位": names.get(v.office_code, v.office_code)} if names is not None else {}
        row.update({
            "开始日期": v.start_date, "结束日期": v.end_date, "天数": v.days, "地点": v.place, "乡镇": v.township,
            "地点类型": v.place_type, "调研方式": v.method, "四不两直": "是" if v.unannounced else "否",
            "带队领导": v.lead_name, "参加人员": "、".join(v.participant_names), "所属科室": v.section_name,
            "调研课题": v.topic_title, "调研目的": v.purpose, "发现问题": v.findings})
        out.append(row)
    return out


def create_issue_from_finding(db: Database, actor: Actor, visit_id: str, description: str, category: str = "",
                              measures: str = "", person: str = "", deadline: dt.date | None = None) -> str:
    """问题台账：把调研发现转为台账条目 — a ledger item already linked to the visit (source 调研发现).

    Returns the new item's id. Calls the ledger service.
    """
    office = require_office(db)
    if not (description or "").strip():
        raise ValidationError("问题描述不能为空", "请填写调研发现的问题", field="description")
    with db.session() as s:
        v = _live_visit(s, office, visit_id)
        year = v.start_date.year
        lead = names_by_id(s, [v.lead_id]).get(v.lead_id or "", "")
    from desktop_app.ledger.api import IssueInput, create_issues

    made = create_issues(db, actor, [IssueInput(
        description=description.strip(), category=category, measures=measures, leader=lead, person=person,
        deadline=deadline, source="visit", source_visit_id=visit_id, year=year)])
    first = made[0] if isinstance(made, list | tuple) and made else made
    return str(getattr(first, "id", first))
