"""成果转化运用清单 — the list of results put to use: outcomes of topics, ledger items, meetings or none.

Each outcome has a kind (实践成果/制度成果/理论成果), a title, a document number, who adopted
it, and where and when it was published (向权威刊物或网站推介刊发). Outcomes recorded on the
topics page before this list existed carry no year or section of their own: they read their
topic's. One service call is one transaction with its audit entry; removal is a tombstone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import OUTCOME_KINDS as OUTCOME_KINDS  # re-exported for the UI
from db.models import Issue, Meeting, Outcome, Section, Topic
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, ValidationError
from desktop_app.org import scope
from desktop_app.org.lookups import check_year, require_office, section_of_office
from desktop_app.org.ownership import refuse_foreign

#: where an outcome came from; "" = none of them (其他)
OUTCOME_SOURCES = {"topic": "调研课题", "issue": "问题台账", "meeting": "会议研讨", "": "其他"}
#: the list's columns (Excel export and import, PDF)
OUTCOME_LIST_HEADERS = ("科室", "成果类型", "成果名称", "文号", "日期", "采纳单位", "来源", "刊发载体", "刊发日期")
#: the word before the colon of the 来源 column (课题：防返贫监测…)
SOURCE_PREFIX = {"topic": "课题", "issue": "台账", "meeting": "会议"}
#: publications offered in the form (any other may be typed)
COMMON_PUBLICATIONS = ("《组工通讯》", "《云南日报》", "云南网", "《党建研究》", "州委组织部门户网站", "《西双版纳报》")


@dataclass(frozen=True)
class OutcomeFields:
    """What a clerk gives for one outcome; at most one of ``topic_id``/``issue_id``/``meeting_id``."""

    kind: str
    title: str
    year: int | None = None
    section_id: str | None = None
    doc_no: str = ""
    date: dt.date | None = None
    adopted_by: str = ""
    topic_id: str | None = None
    issue_id: str | None = None
    meeting_id: str | None = None
    published_in: str = ""
    published_on: dt.date | None = None


@dataclass(frozen=True)
class OutcomeFilter:
    """成果清单的筛选: year, kind, section, source ('topic'|'issue'|'meeting'|'none'), published or not."""

    year: int | None = None
    kind: str = ""
    section_id: str = ""
    source: str = ""
    published: bool | None = None


@dataclass(frozen=True)
class OutcomeRow:
    """One line of the 成果转化运用清单 (plain data)."""

    id: str
    year: int | None
    section_id: str | None
    section_name: str
    kind: str
    title: str
    doc_no: str
    date: dt.date | None
    adopted_by: str
    source: str
    source_id: str | None
    source_title: str
    published_in: str
    published_on: dt.date | None
    office_code: str

    @property
    def source_text(self) -> str:
        """How the 来源 column reads: 课题：标题 / 台账：2026-003 … / 会议：主题 / 其他."""
        if not self.source:
            return OUTCOME_SOURCES[""]
        return f"{SOURCE_PREFIX[self.source]}：{self.source_title}"


def _date(value: Any, label: str, field: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    raise ValidationError(f"{label}不是有效日期", "请选择日期，例如 2026-06-30", field=field)


def _check(data: OutcomeFields) -> None:
    if data.kind not in OUTCOME_KINDS:
        raise ValidationError(f"成果类型“{data.kind}”无效", f"请选择 {'、'.join(OUTCOME_KINDS)} 之一", field="kind")
    title = (data.title or "").strip()
    if not title:
        raise ValidationError("成果名称不能为空", "请填写成果名称，例如 关于……的实施意见", field="title")
    for label, value, limit, field in (("成果名称", title, 200, "title"), ("文号", data.doc_no, 60, "doc_no"),
                                       ("采纳单位", data.adopted_by, 100, "adopted_by"),
                                       ("刊发载体", data.published_in, 100, "published_in")):
        if len((value or "").strip()) > limit:
            raise ValidationError(f"{label}过长（超过{limit}字）", f"请精简{label}", field=field)
    _date(data.date, "日期", "date")
    _date(data.published_on, "刊发日期", "published_on")
    if data.published_on is not None and not (data.published_in or "").strip():
        raise ValidationError("填写了刊发日期，但没有填写刊发载体", "请填写刊发的刊物或网站，例如 《组工通讯》",
                              field="published_in")
    if sum(1 for x in (data.topic_id, data.issue_id, data.meeting_id) if x) > 1:
        raise ValidationError("一项成果只能有一个来源", "请在 调研课题、问题台账、会议研讨 中只选一个", field="source")


def _source_defaults(s: Session, office: str, data: OutcomeFields) -> tuple[int | None, str | None]:
    """The linked record's year and section (checked to be this office's and live)."""
    if data.topic_id:
        t = s.get(Topic, data.topic_id)
        if t is None or t.deleted:
            raise ValidationError("来源课题不存在或已删除", "请重新选择来源课题", field="source")
        refuse_foreign(s, office, t.office_code, "调研课题")
        return t.year, t.section_id
    if data.issue_id:
        i = s.get(Issue, data.issue_id)
        if i is None or i.deleted:
            raise ValidationError("来源台账条目不存在或已删除", "请重新选择来源问题", field="source")
        refuse_foreign(s, office, i.office_code, "问题台账条目")
        return i.year, None
    if data.meeting_id:
        m = s.get(Meeting, data.meeting_id)
        if m is None or m.deleted:
            raise ValidationError("来源会议不存在或已删除", "请重新选择来源会议", field="source")
        refuse_foreign(s, office, m.office_code, "会议研讨")
        return m.year, m.section_id
    return None, None


def _apply(s: Session, office: str, o: Outcome, data: OutcomeFields) -> None:
    _check(data)
    src_year, src_section = _source_defaults(s, office, data)
    year = data.year or src_year or (data.date.year if data.date else None)
    if year is None:
        raise ValidationError("成果未填写年度", "请填写成果所属年度，例如 2026", field="year")
    check_year(year)
    section_id = data.section_id or src_section
    if section_id:
        section_of_office(s, office, section_id, "科室")
    o.kind, o.title = data.kind, data.title.strip()
    o.doc_no, o.date, o.adopted_by = (data.doc_no or "").strip(), data.date, (data.adopted_by or "").strip()
    o.topic_id, o.issue_id, o.meeting_id = data.topic_id or None, data.issue_id or None, data.meeting_id or None
    o.year, o.section_id = year, section_id or None
    o.published_in, o.published_on = (data.published_in or "").strip(), data.published_on


def add_outcome_in_session(s: Session, office: str, actor: Actor, data: OutcomeFields) -> Outcome:
    """Validate and write one outcome inside the caller's transaction (the importer uses this too)."""
    o = Outcome(kind="", title="")
    _apply(s, office, o, data)
    s.add(o)
    s.flush()
    audit.record(s, actor, "add_outcome", "outcome", o.id, {"kind": o.kind, "title": o.title, "year": o.year,
                                                            "source": _source_of(o)})
    return o


def add_outcome(db: Database, actor: Actor, data: OutcomeFields) -> OutcomeRow:
    """Record an outcome in the 成果转化运用清单 (of a topic, a ledger item, a meeting or none)."""
    office = require_office(db)
    with db.transaction() as s:
        oid = add_outcome_in_session(s, office, actor, data).id
    return get_outcome(db, oid)


def _live(s: Session, office: str, outcome_id: str) -> Outcome:
    o = s.get(Outcome, outcome_id)
    if o is None or o.deleted:
        raise NotFoundError("该成果不存在或已删除", "请刷新后重试")
    refuse_foreign(s, office, o.office_code, "调研成果")
    return o


def update_outcome(db: Database, actor: Actor, outcome_id: str, data: OutcomeFields) -> OutcomeRow:
    """Edit an outcome (any field, its source too)."""
    office = require_office(db)
    with db.transaction() as s:
        o = _live(s, office, outcome_id)
        _apply(s, office, o, data)
        audit.record(s, actor, "update_outcome", "outcome", o.id, {"title": o.title, "published_in": o.published_in})
    return get_outcome(db, outcome_id)


def remove_outcome(db: Database, actor: Actor, outcome_id: str) -> None:
    """Withdraw an outcome (tombstone: it travels to the other offices as removed)."""
    office = require_office(db)
    with db.transaction() as s:
        o = _live(s, office, outcome_id)
        o.deleted = True
        audit.record(s, actor, "remove_outcome", "outcome", o.id, {"title": o.title})


def _source_of(o: Outcome) -> str:
    return "topic" if o.topic_id else "issue" if o.issue_id else "meeting" if o.meeting_id else ""


def _query(codes: list[str] | None, f: OutcomeFilter) -> Any:
    year = func.coalesce(Outcome.year, Topic.year)
    section = func.coalesce(Outcome.section_id, Topic.section_id)
    q = (select(Outcome, year, section).outerjoin(Topic, Topic.id == Outcome.topic_id)
         .where(Outcome.deleted.is_(False)))
    if codes is not None:
        q = q.where(Outcome.office_code.in_(codes))
    if f.year is not None:
        q = q.where(year == f.year)
    if f.kind:
        q = q.where(Outcome.kind == f.kind)
    if f.section_id:
        q = q.where(section == f.section_id)
    if f.source == "topic":
        q = q.where(Outcome.topic_id.is_not(None))
    elif f.source == "issue":
        q = q.where(Outcome.issue_id.is_not(None))
    elif f.source == "meeting":
        q = q.where(Outcome.meeting_id.is_not(None))
    elif f.source == "none":
        q = q.where(Outcome.topic_id.is_(None), Outcome.issue_id.is_(None), Outcome.meeting_id.is_(None))
    if f.published is True:
        q = q.where(Outcome.published_in != "")
    elif f.published is False:
        q = q.where(or_(Outcome.published_in == "", Outcome.published_in.is_(None)))
    return q.order_by(year, Outcome.date, Outcome.title)


def _rows(s: Session, found: list[tuple[Outcome, int | None, str | None]]) -> list[OutcomeRow]:
    sections = dict(s.execute(select(Section.id, Section.name)).all())
    topic_ids = {o.topic_id for o, _y, _s in found if o.topic_id}
    issue_ids = {o.issue_id for o, _y, _s in found if o.issue_id}
    meeting_ids = {o.meeting_id for o, _y, _s in found if o.meeting_id}
    titles: dict[str, str] = {}
    if topic_ids:
        titles.update(s.execute(select(Topic.id, Topic.title).where(Topic.id.in_(topic_ids))).tuples().all())
    if issue_ids:
        titles.update((i, f"{serial} {desc[:30]}") for i, serial, desc in s.execute(
            select(Issue.id, Issue.serial, Issue.description).where(Issue.id.in_(issue_ids))).tuples())
    if meeting_ids:
        titles.update(s.execute(select(Meeting.id, Meeting.theme).where(Meeting.id.in_(meeting_ids))).tuples().all())
    out = []
    for o, year, section in found:
        src = _source_of(o)
        src_id = o.topic_id or o.issue_id or o.meeting_id
        out.append(OutcomeRow(o.id, year, section, sections.get(section or "", ""), o.kind, o.title, o.doc_no,
                              o.date, o.adopted_by, src, src_id, titles.get(src_id or "", ""), o.published_in or "",
                              o.published_on, o.office_code))
    return out


def list_outcomes(db: Database, f: OutcomeFilter | None = None, office: str = "") -> list[OutcomeRow]:
    """The 成果转化运用清单 through a filter (``office``: the scope, see ``org.scope``)."""
    codes = scope.resolve(db, office)
    with db.session() as s:
        found = [(o, y, sec) for o, y, sec in s.execute(_query(codes, f or OutcomeFilter())).tuples()]
        return _rows(s, found)


def get_outcome(db: Database, outcome_id: str) -> OutcomeRow:
    """One outcome as a list row."""
    with db.session() as s:
        o = s.get(Outcome, outcome_id)
        if o is None or o.deleted:
            raise NotFoundError("该成果不存在或已删除", "请刷新后重试")
        t = s.get(Topic, o.topic_id) if o.topic_id else None
        return _rows(s, [(o, o.year or (t.year if t else None), o.section_id or (t.section_id if t else None))])[0]


def outcome_dicts(rows: list[OutcomeRow]) -> list[dict[str, Any]]:
    """Rows keyed by ``OUTCOME_LIST_HEADERS`` for Excel and PDF."""
    return [{"科室": r.section_name, "成果类型": r.kind, "成果名称": r.title, "文号": r.doc_no, "日期": r.date,
             "采纳单位": r.adopted_by, "来源": r.source_text, "刊发载体": r.published_in, "刊发日期": r.published_on}
            for r in rows]


def counts_by_kind(rows: list[OutcomeRow]) -> dict[str, int]:
    """How many outcomes of each kind, and how many were published (key 已刊发)."""
    out = dict.fromkeys(OUTCOME_KINDS, 0)
    for r in rows:
        out[r.kind] = out.get(r.kind, 0) + 1
    out["已刊发"] = sum(1 for r in rows if r.published_in)
    return out


# ---------------------------------------------------------------- pickers for the form

def source_choices(db: Database, year: int) -> dict[str, list[tuple[str, str]]]:
    """What an outcome can come from this year: {source: [(id, label)]} of live records of this office."""
    office = require_office(db)
    with db.session() as s:
        topics = s.execute(select(Topic.id, Topic.title).where(
            Topic.office_code == office, Topic.deleted.is_(False), Topic.year == year).order_by(Topic.title)).all()
        issues = s.execute(select(Issue.id, Issue.serial, Issue.description).where(
            Issue.office_code == office, Issue.deleted.is_(False), Issue.year == year)
            .order_by(Issue.serial).limit(2000)).all()
        meetings = s.execute(select(Meeting.id, Meeting.date, Meeting.theme).where(
            Meeting.office_code == office, Meeting.deleted.is_(False), Meeting.year == year)
            .order_by(Meeting.date)).all()
    return {"topic": [(i, t) for i, t in topics],
            "issue": [(i, f"{serial} {desc[:30]}") for i, serial, desc in issues],
            "meeting": [(i, f"{d.isoformat()} {theme}") for i, d, theme in meetings]}


# ---------------------------------------------------------------- Excel import

def _find_source(s: Session, office: str, text: str, n: int) -> dict[str, str | None]:
    """来源 text (课题：标题 / 台账：编号 … / 会议：主题 / 其他 / empty) → the linked record's id."""
    text = (text or "").strip()
    none: dict[str, str | None] = {"topic_id": None, "issue_id": None, "meeting_id": None}
    if not text or text in ("其他", "无"):
        return none
    prefix, sep, rest = text.replace(":", "：").partition("：")
    rest = rest.strip()
    found: str | None = None
    if sep and prefix in ("课题", "调研课题"):
        found = s.execute(select(Topic.id).where(Topic.office_code == office, Topic.deleted.is_(False),
                                                 Topic.title == rest)).scalars().first()
        key = "topic_id"
    elif sep and prefix in ("台账", "问题台账", "问题"):
        serial = rest.split()[0] if rest else ""
        found = s.execute(select(Issue.id).where(Issue.office_code == office, Issue.deleted.is_(False),
                                                 Issue.serial == serial)).scalars().first()
        key = "issue_id"
    elif sep and prefix in ("会议", "会议研讨"):
        found = s.execute(select(Meeting.id).where(Meeting.office_code == office, Meeting.deleted.is_(False),
                                                   Meeting.theme == rest)).scalars().first()
        key = "meeting_id"
    else:
        raise ValidationError(f"第 {n} 行：来源“{text}”无法识别",
                              "来源应写成 课题：课题名称、台账：问题编号、会议：会议主题 或 其他", field="source", row=n)
    if found is None:
        raise ValidationError(f"第 {n} 行：来源“{text}”在本单位找不到", "请核对课题名称、问题编号或会议主题",
                              field="source", row=n)
    return none | {key: found}


def import_outcomes(db: Database, actor: Actor, rows: list[dict[str, Any]]) -> int:
    """Record the outcomes of an imported sheet, all or nothing (one transaction)."""
    from desktop_app.org.organisation import current_year

    office = require_office(db)
    default_year = current_year(db)
    with db.transaction() as s:
        sections = {name.strip(): sid for sid, name in s.execute(select(Section.id, Section.name).where(
            Section.office_code == office, Section.deleted.is_(False)))}
        for i, row in enumerate(rows):
            n = int(row.get("_row") or row.get("row") or i + 1)
            sec_name = str(row.get("section") or "").strip()
            if sec_name and sec_name not in sections:
                raise ValidationError(f"第 {n} 行：科室“{sec_name}”不是本单位科室", "请核对科室名称，或先在 设置 中添加",
                                      field="section", row=n)
            date = _iso(row.get("date"))
            data = OutcomeFields(
                kind=str(row.get("kind") or ""), title=str(row.get("title") or ""),
                year=int(row["year"]) if row.get("year") else (date.year if date else default_year),
                section_id=sections.get(sec_name), doc_no=str(row.get("doc_no") or ""), date=date,
                adopted_by=str(row.get("adopted_by") or ""), published_in=str(row.get("published_in") or ""),
                published_on=_iso(row.get("published_on")), **_find_source(s, office, str(row.get("source") or ""), n))
            try:
                add_outcome_in_session(s, office, actor, data)
            except ValidationError as exc:
                raise ValidationError(f"第 {n} 行：{exc.message}", exc.action, field=exc.field, row=n) from exc
        audit.record(s, actor, "import_outcomes", "outcome", "", {"rows": len(rows)})
    return len(rows)


def _iso(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
