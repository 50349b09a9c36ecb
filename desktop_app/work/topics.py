"""调研课题 — topics: create, edit, stages 立项→调研中→成稿→结题, report file, outcomes, evaluation.

Each section picks 1–2 topics a year and a leader leads each (领题). A topic
moves one stage at a time, forward or back; 结题 needs the research report
attached. Evaluation scores (0–100) come from 部领导评, 科室互评 and
党员干部参评; the composite weighs them by percentages kept in settings.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import (
    OUTCOME_KINDS,
    TOPIC_KINDS,
    TOPIC_STATUSES,
    Attachment,
    AttachmentLink,
    Outcome,
    Person,
    Section,
    Topic,
    TopicMember,
    Visit,
)
from desktop_app.core import attachments, audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, StateError, ValidationError
from desktop_app.core.meeting_links import source_meeting_text
from desktop_app.org import scope, settings
from desktop_app.org.lookups import (
    check_year,
    names_by_id,
    office_names,
    people_of_office,
    person_of_office,
    require_office,
    section_of_office,
)
from desktop_app.org.ownership import refuse_foreign
from desktop_app.work.common import campaign_id, clean_list, json_list, live_topic, visible_topic
from desktop_app.work.topic_review import (
    closing_refusal,
    default_due,
    default_due_in,
    due_day_in,
    replace_refusal,
    report_replaced,
)
from desktop_app.work.types import (
    AttachmentInfo,
    EvaluationWeights,
    OutcomeInfo,
    OutcomeInput,
    TopicInfo,
    TopicInput,
)

SETTING_WEIGHTS = "work.evaluation_weights"
TOPIC_HEADERS = ("年度", "牵头科室", "课题名称", "类别", "领题领导", "课题组成员", "调研方式", "计划安排", "报告时限",
                 "阶段", "调研报告", "报审", "报审日期", "审阅人", "审阅日期", "审阅意见",
                 "成果数", "调研次数", "部领导评", "科室互评", "党员干部参评", "综合得分")
OUTCOME_HEADERS = ("课题名称", "成果类别", "成果名称", "文号", "日期", "采纳单位")


# ---------------------------------------------------------------- evaluation weights

def evaluation_weights(db: Database) -> EvaluationWeights:
    """The weights (percent) of the three evaluators; 50/30/20 unless changed in settings."""
    with db.session() as s:
        return evaluation_weights_in(s)


def set_evaluation_weights(db: Database, actor: Actor, weights: EvaluationWeights) -> EvaluationWeights:
    """Change the weights; each 0–100 and together exactly 100."""
    parts = (weights.leader, weights.peer, weights.member)
    if any(not isinstance(w, int | float) or w < 0 or w > 100 for w in parts):
        raise ValidationError("权重须在0到100之间", "请按百分比填写，例如 部领导评50、科室互评30、党员干部参评20",
                              field="weights")
    if abs(sum(parts) - 100) > 1e-6:
        raise ValidationError(f"三项权重合计为{sum(parts):g}%，应为100%", "请调整权重使合计为100", field="weights")
    with db.transaction() as s:
        settings.write(s, SETTING_WEIGHTS, {"leader": weights.leader, "peer": weights.peer, "member": weights.member})
        audit.record(s, actor, "set_evaluation_weights", "setting", SETTING_WEIGHTS,
                     {"leader": weights.leader, "peer": weights.peer, "member": weights.member})
    return weights


def composite_score(leader: float | None, peer: float | None, member: float | None,
                    weights: EvaluationWeights) -> float | None:
    """Weighted composite of the scores given; a missing score's weight is shared among the others.

    None when no score has been given yet (or every given score has weight 0).
    """
    pairs = [(s, w) for s, w in ((leader, weights.leader), (peer, weights.peer), (member, weights.member))
             if s is not None]
    total = sum(w for _, w in pairs)
    if not pairs or total <= 0:
        return None
    return round(sum(s * w for s, w in pairs) / total, 2)


# ---------------------------------------------------------------- topics

def _validate(s: Session, office: str, data: TopicInput) -> list[str]:
    check_year(data.year)
    title = (data.title or "").strip()
    if not title:
        raise ValidationError("课题名称不能为空", "请填写课题名称", field="title")
    if len(title) > 200:
        raise ValidationError("课题名称过长（超过200字）", "请精简课题名称", field="title")
    if not data.section_id:
        raise ValidationError("课题未指定牵头科室", "每个课题须由一个科室牵头，请选择科室", field="section")
    section_of_office(s, office, data.section_id, "牵头科室")
    if data.kind not in TOPIC_KINDS:
        raise ValidationError(f"课题类别“{data.kind}”无效", "请选择 重点 或 一般", field="kind")
    if data.lead_id:
        person_of_office(s, office, data.lead_id, "领题领导")
    members = people_of_office(s, office, data.member_ids, "课题组成员")
    if data.report_due is not None and not isinstance(data.report_due, dt.date):
        raise ValidationError("报告提交时限不是有效日期", "请选择日期，例如 2026-05-31", field="report_due")
    return [m.id for m in members]


def _apply(t: Topic, data: TopicInput) -> None:
    t.year, t.section_id, t.title, t.kind = data.year, data.section_id or "", data.title.strip(), data.kind
    t.lead_id = data.lead_id or None
    t.methods = json.dumps(clean_list(data.methods), ensure_ascii=False)
    t.stages = json.dumps(clean_list(data.stages), ensure_ascii=False)
    t.report_due = data.report_due


def _set_members(s: Session, topic_id: str, person_ids: list[str]) -> None:
    rows = list(s.execute(select(TopicMember).where(TopicMember.topic_id == topic_id)).scalars())
    have = {r.person_id for r in rows}
    for r in rows:
        want = r.person_id in person_ids
        if r.deleted == want:
            r.deleted = not want
    for pid in person_ids:
        if pid not in have:
            s.add(TopicMember(topic_id=topic_id, person_id=pid))


def save_topic_in_session(s: Session, office: str, actor: Actor, data: TopicInput, topic_id: str | None = None,
                          status: str | None = None) -> Topic:
    """Validate and write one topic inside the caller's transaction (the importer uses this too)."""
    if topic_id is not None:
        live_topic(s, office, topic_id)  # another office's topic is refused before its fields are judged
    members = _validate(s, office, data)
    if data.report_due is None:  # “5月底前形成调研报告”: a topic always has a date its report is due
        data = replace(data, report_due=default_due_in(s, data.year))
    if topic_id is None:
        t = Topic(campaign_id=campaign_id(s, office, data.year), status=status or TOPIC_STATUSES[0])
        _apply(t, data)
        s.add(t)
        s.flush()
        action = "create_topic"
    else:
        t = live_topic(s, office, topic_id)
        _apply(t, data)
        action = "update_topic"
    _set_members(s, t.id, members)
    s.flush()
    audit.record(s, actor, action, "topic", t.id, {"title": t.title, "year": t.year, "members": len(members)})
    return t


def create_topic(db: Database, actor: Actor, data: TopicInput) -> TopicInfo:
    """立项: record a new topic (stage 立项)."""
    office = require_office(db)
    with db.transaction() as s:
        t = save_topic_in_session(s, office, actor, data)
        tid = t.id
    return get_topic(db, tid)


def update_topic(db: Database, actor: Actor, topic_id: str, data: TopicInput) -> TopicInfo:
    """Edit a topic's plan (title, section, lead, members, methods, stages, due date)."""
    office = require_office(db)
    with db.transaction() as s:
        save_topic_in_session(s, office, actor, data, topic_id=topic_id)
    return get_topic(db, topic_id)


def remove_topic(db: Database, actor: Actor, topic_id: str) -> None:
    """Withdraw a topic (tombstone). Refused while visits are still linked to it."""
    office = require_office(db)
    with db.transaction() as s:
        t = live_topic(s, office, topic_id)
        linked = s.execute(select(func.count()).select_from(Visit).where(Visit.topic_id == t.id,
                                                                        Visit.deleted.is_(False))).scalar_one()
        if linked:
            raise StateError(f"课题“{t.title}”还关联着{linked}次调研", "请先取消这些调研与课题的关联")
        t.deleted = True
        audit.record(s, actor, "remove_topic", "topic", t.id, {"title": t.title})


def move_topic(db: Database, actor: Actor, topic_id: str, status: str) -> TopicInfo:
    """Move a topic one stage forward or back (立项 → 调研中 → 成稿 → 结题); 结题 needs the report attached."""
    office = require_office(db)
    if status not in TOPIC_STATUSES:
        raise ValidationError(f"阶段“{status}”无效", f"请选择 {' → '.join(TOPIC_STATUSES)} 之一", field="status")
    with db.transaction() as s:
        t = live_topic(s, office, topic_id)
        old = t.status
        if status == old:
            return _topic_info(s, t, evaluation_weights_in(s))
        if abs(TOPIC_STATUSES.index(status) - TOPIC_STATUSES.index(old)) != 1:
            raise StateError(f"课题处于“{old}”阶段，不能直接转到“{status}”",
                             f"请逐步推进：{' → '.join(TOPIC_STATUSES)}")
        if status == "结题" and not t.report_sha256:
            raise StateError("结题前须上传调研报告", "请先在课题详情中上传调研报告，再办理结题")
        if status == "结题" and (why := closing_refusal(t)) is not None:
            raise StateError(why, "请先“报审”，由分管领导填写审阅意见后再办理结题")
        t.status = status
        audit.record(s, actor, "move_topic", "topic", t.id, {"from": old, "to": status})
        return _topic_info(s, t, evaluation_weights_in(s))


def attach_report(db: Database, actor: Actor, topic_id: str, path: Path, attachments_dir: Path,
                  today: dt.date | None = None) -> AttachmentInfo:
    """Attach (or replace) the topic's research report (调研报告); the content is kept by sha256.

    A different file after 已审阅 sends the review back to 待审阅; a 结题 topic's report is not replaced
    (``topic_review.report_replaced``).
    """
    office = require_office(db)
    content = attachments.read_source(Path(path))
    with db.transaction() as s:
        t = live_topic(s, office, topic_id)
        if (why := replace_refusal(t.status, bool(t.report_sha256))) is not None:  # before the file is stored
            raise StateError(why, "如确需更换，请先将课题退回到“成稿”阶段，更换后重新报分管领导审阅")
        info = attachments.store_bytes(s, attachments_dir, Path(path).name, content)
        report_replaced(s, actor, t, info.name, info.sha256, today)
        for old in s.execute(select(AttachmentLink).where(AttachmentLink.owner_table == "topic",
                                                          AttachmentLink.owner_id == t.id,
                                                          AttachmentLink.note == "report",
                                                          AttachmentLink.deleted.is_(False))).scalars():
            old.deleted = True
        s.add(AttachmentLink(owner_table="topic", owner_id=t.id, sha256=info.sha256, name=info.name, note="report"))
        t.report_sha256 = info.sha256
        s.flush()
        audit.record(s, actor, "attach_topic_report", "topic", t.id, {"name": info.name, "sha256": info.sha256})
    return info


def set_scores(db: Database, actor: Actor, topic_id: str, leader: float | None, peer: float | None,
               member: float | None) -> TopicInfo:
    """Record the evaluation scores (0–100, None = not yet given); returns the topic with its composite."""
    for label, value in (("部领导评", leader), ("科室互评", peer), ("党员干部参评", member)):
        if value is not None and (not isinstance(value, int | float) or not (0 <= value <= 100)):
            raise ValidationError(f"{label}得分“{value}”无效", "请填写0到100之间的分数", field="scores")
    office = require_office(db)
    with db.transaction() as s:
        t = live_topic(s, office, topic_id)
        t.score_leader, t.score_peer, t.score_member = leader, peer, member
        audit.record(s, actor, "set_topic_scores", "topic", t.id, {"leader": leader, "peer": peer, "member": member})
        return _topic_info(s, t, evaluation_weights_in(s))


def evaluation_weights_in(s: Session) -> EvaluationWeights:
    """The weights read inside an open session."""
    raw = settings.read(s, SETTING_WEIGHTS, None)
    if not isinstance(raw, dict):
        return EvaluationWeights()
    return EvaluationWeights(float(raw.get("leader", 50)), float(raw.get("peer", 30)), float(raw.get("member", 20)))


def _topic_info(s: Session, t: Topic, weights: EvaluationWeights, cache: dict[str, Any] | None = None) -> TopicInfo:
    cache = cache if cache is not None else {}
    if "sections" not in cache:
        cache["sections"] = dict(s.execute(select(Section.id, Section.name)).all())
    if "due_day" not in cache:
        cache["due_day"] = due_day_in(s)
    members = list(s.execute(select(TopicMember.person_id)
                             .join(Person, Person.id == TopicMember.person_id)
                             .join(Section, Section.id == Person.section_id)
                             .where(TopicMember.topic_id == t.id, TopicMember.deleted.is_(False))
                             .order_by(Section.sort_order, Person.is_leader.desc(), Person.name)).scalars())
    names = names_by_id(s, [t.lead_id, *members])
    report = None
    if t.report_sha256:
        row = s.execute(select(AttachmentLink.name, Attachment.size)
                        .join(Attachment, Attachment.sha256 == AttachmentLink.sha256)
                        .where(AttachmentLink.owner_table == "topic", AttachmentLink.owner_id == t.id,
                               AttachmentLink.sha256 == t.report_sha256, AttachmentLink.deleted.is_(False))).first()
        report = AttachmentInfo(t.report_sha256, row[0] if row else "调研报告", int(row[1]) if row else 0)
    outcomes = s.execute(select(func.count()).select_from(Outcome).where(Outcome.topic_id == t.id,
                                                                       Outcome.deleted.is_(False))).scalar_one()
    visits = s.execute(select(func.count()).select_from(Visit).where(Visit.topic_id == t.id,
                                                                    Visit.deleted.is_(False))).scalar_one()
    return TopicInfo(
        id=t.id, year=t.year, section_id=t.section_id, section_name=cache["sections"].get(t.section_id, ""),
        title=t.title, kind=t.kind, lead_id=t.lead_id, lead_name=names.get(t.lead_id or "", ""),
        member_ids=tuple(members), member_names=tuple(names.get(m, "") for m in members),
        methods=json_list(t.methods), stages=json_list(t.stages), status=t.status,
        report_due=t.report_due or default_due(t.year, cache["due_day"]), due_is_default=t.report_due is None,
        report=report, score_leader=t.score_leader, score_peer=t.score_peer, score_member=t.score_member,
        composite=composite_score(t.score_leader, t.score_peer, t.score_member, weights),
        outcomes=int(outcomes), visits=int(visits), office_code=t.office_code,
        review_state=t.review_state or "", review_submitted_on=t.review_submitted_on, reviewer=t.reviewer or "",
        review_opinion=t.review_opinion or "", reviewed_on=t.reviewed_on,
        source_meeting=source_meeting_text(s, t.source_meeting_id))


def get_topic(db: Database, topic_id: str, office: str = "") -> TopicInfo:
    """One topic with its people, report, scores and counts (``office``: the scope, see ``org.scope``)."""
    codes = scope.resolve(db, office)
    with db.session() as s:
        return _topic_info(s, visible_topic(s, codes, topic_id), evaluation_weights_in(s))


def topic_infos(db: Database, year: int | None = None, section_id: str | None = None,
                status: str | None = None, office: str = "") -> list[TopicInfo]:
    """Topics (of ``year``, a section, a stage), by office, section order then title.

    ``office`` is the scope: "" this office, a county's code or ``scope.ALL`` (prefecture only).
    """
    codes = scope.resolve(db, office)
    q = (select(Topic).join(Section, Section.id == Topic.section_id)
         .where(Topic.deleted.is_(False)))
    if codes is not None:
        q = q.where(Topic.office_code.in_(codes))
    if year is not None:
        q = q.where(Topic.year == year)
    if section_id:
        q = q.where(Topic.section_id == section_id)
    if status:
        q = q.where(Topic.status == status)
    with db.session() as s:
        w = evaluation_weights_in(s)
        cache: dict[str, Any] = {}
        return [_topic_info(s, t, w, cache) for t in s.execute(
            q.order_by(Topic.office_code, Section.sort_order, Topic.title)).scalars()]


def topic_headers(office: str = "") -> tuple[str, ...]:
    """The column titles of ``list_topics`` for a scope: every office's list starts with 单位."""
    return ("单位", *TOPIC_HEADERS) if office == scope.ALL else TOPIC_HEADERS


def list_topics(db: Database, year: int, office: str = "") -> list[dict[str, Any]]:
    """The year's topics as plain rows keyed by Chinese column titles (``topic_headers``) for Excel and PDF."""
    names = office_names(db) if office == scope.ALL else None
    return [({"单位": names.get(t.office_code, t.office_code)} if names is not None else {}) | {
        "年度": t.year, "牵头科室": t.section_name, "课题名称": t.title, "类别": t.kind, "领题领导": t.lead_name,
        "课题组成员": "、".join(t.member_names), "调研方式": "、".join(t.methods), "计划安排": "；".join(t.stages),
        "报告时限": t.report_due, "阶段": t.status, "调研报告": t.report.name if t.report else "",
        "报审": t.review_label, "报审日期": t.review_submitted_on, "审阅人": t.reviewer, "审阅日期": t.reviewed_on,
        "审阅意见": t.review_opinion,
        "成果数": t.outcomes, "调研次数": t.visits, "部领导评": t.score_leader, "科室互评": t.score_peer,
        "党员干部参评": t.score_member, "综合得分": t.composite,
    } for t in topic_infos(db, year, office=office)]


def topics_by_stage(db: Database, year: int, office: str = "") -> dict[str, int]:
    """How many of the year's topics are in each stage (for the dashboard; ``office``: the scope)."""
    counts = dict.fromkeys(TOPIC_STATUSES, 0)
    codes = scope.resolve(db, office)
    q = select(Topic.status, func.count()).where(Topic.year == year, Topic.deleted.is_(False))
    if codes is not None:
        q = q.where(Topic.office_code.in_(codes))
    with db.session() as s:
        for status, n in s.execute(q.group_by(Topic.status)):
            counts[status] = counts.get(status, 0) + int(n)
    return counts


# ---------------------------------------------------------------- outcomes

def _check_outcome(data: OutcomeInput) -> None:
    if data.kind not in OUTCOME_KINDS:
        raise ValidationError(f"成果类别“{data.kind}”无效", f"请选择 {'、'.join(OUTCOME_KINDS)} 之一", field="kind")
    if not (data.title or "").strip():
        raise ValidationError("成果名称不能为空", "请填写成果名称，例如 关于……的实施意见", field="title")
    if len(data.title.strip()) > 200 or len(data.doc_no or "") > 60 or len(data.adopted_by or "") > 100:
        raise ValidationError("成果名称、文号或采纳单位过长", "请精简后再保存", field="title")


def add_outcome(db: Database, actor: Actor, topic_id: str, data: OutcomeInput) -> OutcomeInfo:
    """Record an outcome (实践成果 / 制度成果 / 理论成果) of a topic."""
    _check_outcome(data)
    office = require_office(db)
    with db.transaction() as s:
        t = live_topic(s, office, topic_id)
        o = Outcome(topic_id=t.id, kind=data.kind, title=data.title.strip(), doc_no=(data.doc_no or "").strip(),
                    date=data.date, adopted_by=(data.adopted_by or "").strip(),
                    section_id=t.section_id, year=t.year)  # the 成果转化运用清单 filters by these
        s.add(o)
        s.flush()
        audit.record(s, actor, "add_outcome", "outcome", o.id, {"topic": t.title, "kind": o.kind, "title": o.title})
        return OutcomeInfo(o.id, t.id, t.title, o.kind, o.title, o.doc_no, o.date, o.adopted_by)


def update_outcome(db: Database, actor: Actor, outcome_id: str, data: OutcomeInput) -> None:
    """Edit an outcome."""
    _check_outcome(data)
    office = require_office(db)
    with db.transaction() as s:
        o = s.get(Outcome, outcome_id)
        if o is None or o.deleted:
            raise NotFoundError("该成果不存在或已删除", "请刷新后重试")
        refuse_foreign(s, office, o.office_code, "课题成果")
        o.kind, o.title, o.doc_no = data.kind, data.title.strip(), (data.doc_no or "").strip()
        o.date, o.adopted_by = data.date, (data.adopted_by or "").strip()
        audit.record(s, actor, "update_outcome", "outcome", o.id, {"title": o.title})


def remove_outcome(db: Database, actor: Actor, outcome_id: str) -> None:
    """Withdraw an outcome (tombstone)."""
    office = require_office(db)
    with db.transaction() as s:
        o = s.get(Outcome, outcome_id)
        if o is None or o.deleted:
            raise NotFoundError("该成果不存在或已删除", "请刷新后重试")
        refuse_foreign(s, office, o.office_code, "课题成果")
        o.deleted = True
        audit.record(s, actor, "remove_outcome", "outcome", o.id, {"title": o.title})


def outcome_infos(db: Database, topic_id: str | None = None, year: int | None = None,
                  office: str = "") -> list[OutcomeInfo]:
    """Outcomes of one topic, or of all topics of ``year`` (``office``: the scope, see ``org.scope``)."""
    codes = scope.resolve(db, office)
    q = (select(Outcome, Topic.title).join(Topic, Topic.id == Outcome.topic_id)
         .where(Outcome.deleted.is_(False), Topic.deleted.is_(False)))
    if codes is not None:
        q = q.where(Outcome.office_code.in_(codes))
    if topic_id:
        q = q.where(Outcome.topic_id == topic_id)
    if year is not None:
        q = q.where(Topic.year == year)
    with db.session() as s:
        return [OutcomeInfo(o.id, o.topic_id, title, o.kind, o.title, o.doc_no, o.date, o.adopted_by)
                for o, title in s.execute(q.order_by(Outcome.date, Outcome.title))]


def list_outcomes(db: Database, year: int, office: str = "") -> list[dict[str, Any]]:
    """The year's outcomes as plain rows keyed by Chinese titles (``OUTCOME_HEADERS``)."""
    return [{"课题名称": o.topic_title, "成果类别": o.kind, "成果名称": o.title, "文号": o.doc_no, "日期": o.date,
             "采纳单位": o.adopted_by} for o in outcome_infos(db, year=year, office=office)]


def outcomes_by_kind(db: Database, year: int) -> dict[str, int]:
    """How many outcomes of each kind the year's topics produced (for the dashboard)."""
    counts = dict.fromkeys(OUTCOME_KINDS, 0)
    for o in outcome_infos(db, year=year):
        counts[o.kind] = counts.get(o.kind, 0) + 1
    return counts
