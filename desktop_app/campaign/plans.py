"""计划清单 — the campaign's rhythm: 周工作计划 filed to the 分管领导, monthly 攻坚/亮点 lists, quarterly
补短板/创先争优 lists, the 半年复盘 and the 年度活动计划 that the campaign office records (备案).

Rules: one plan per section, kind and period (a second is refused by name, filed or not); items have
text, an owner who is a person of this office and a due date in the period's year; a plan is filed
once, to a person of this office; next week's plan starts from last week's open items, each carried
over (state ``carried`` on the old one, ``carried_from_id`` on the new) or marked done. Every write
is one transaction with its audit entry; the 备案 of a year plan needs the right ``approve``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import new_id
from db.engine import Database
from db.models import Person, Section, User
from db.models_campaign import PLAN_ITEM_STATES, PLAN_KIND_LABELS, PLAN_PERIODS, PeriodPlan, PlanItem
from desktop_app.campaign.periods import Period, parse
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, StateError, ValidationError
from desktop_app.org import scope
from desktop_app.org.lookups import require_office, section_of_office
from desktop_app.org.ownership import refuse_foreign

#: re-exported for the UI (which never imports ``db``)
KIND_LABELS = PLAN_KIND_LABELS
ITEM_STATES = PLAN_ITEM_STATES
KINDS = tuple(PLAN_KIND_LABELS)
#: the kinds whose filing is a 备案 by the campaign office rather than a report to a leader
RECORDED_KINDS = ("year_plan",)
MAX_TEXT = 2000
STATUS_LABELS = {"filed": "已报送", "draft": "草稿", "missing": "未报送", "recorded": "已备案"}


@dataclass(frozen=True)
class PlanItemInput:
    """One line of a plan as the clerk wrote it; ``id`` names an existing line being edited."""

    text: str
    owner_id: str | None = None
    due: dt.date | None = None
    state: str = "open"
    note: str = ""
    id: str | None = None


@dataclass(frozen=True)
class PlanItemInfo:
    """计划事项 as plain data."""

    id: str
    seq: int
    text: str
    owner_id: str | None
    owner_name: str
    due: dt.date | None
    state: str
    state_label: str
    carried_from_id: str | None
    note: str


@dataclass(frozen=True)
class PlanInfo:
    """One section's plan for one period, with its items."""

    id: str
    section_id: str
    section_name: str
    kind: str
    kind_label: str
    period: str
    period_label: str
    year: int
    filed_to_id: str | None
    filed_to_name: str
    filed_on: dt.date | None
    filed_by: str
    summary: str
    recorded_on: dt.date | None
    recorded_by: str
    items: tuple[PlanItemInfo, ...] = field(default_factory=tuple)

    @property
    def status(self) -> str:
        """recorded | filed | draft."""
        if self.recorded_on:
            return "recorded"
        return "filed" if self.filed_on else "draft"


@dataclass(frozen=True)
class SectionPlanStatus:
    """One row of the period's overview: a section and where its plan stands."""

    section_id: str
    section_name: str
    status: str  # recorded | filed | draft | missing
    status_label: str
    plan_id: str | None
    filed_to_name: str = ""
    filed_on: dt.date | None = None
    filed_by: str = ""
    recorded_on: dt.date | None = None
    items: int = 0
    open_items: int = 0
    #: whose section (a prefecture also lists its counties' sections, read-only)
    office_code: str = ""
    office_name: str = ""


def check_kind(kind: str) -> str:
    """A known plan kind (``PLAN_KIND_LABELS``)."""
    if kind not in PLAN_KIND_LABELS:
        raise ValidationError(f"计划类型“{kind}”无效", "可选：" + "、".join(PLAN_KIND_LABELS.values()), field="kind")
    return kind


def kind_of_label(word: str) -> str | None:
    """The kind key of a label or key (周工作计划 → week); None if unknown."""
    w = (word or "").strip()
    if w in PLAN_KIND_LABELS:
        return w
    by_label = {v: k for k, v in PLAN_KIND_LABELS.items()}
    by_label.update({"周计划": "week", "月度攻坚": "month_key", "重点攻坚项目": "month_key", "工作亮点": "month_highlight",
                     "补短板": "quarter_gap", "创先争优": "quarter_excel", "半年总结": "half_review",
                     "年度计划": "year_plan", "活动计划": "year_plan"})
    return by_label.get(w)


def period_for(kind: str, text: str) -> Period:
    """The period of a plan kind from its stored text (2026-W49 for a weekly plan …)."""
    return parse(PLAN_PERIODS[check_kind(kind)], text)


def _live_plan(s: Session, office: str, plan_id: str) -> PeriodPlan:
    p = s.get(PeriodPlan, plan_id)
    if p is None or p.deleted:
        raise NotFoundError("该计划不存在或已删除", "请刷新后重试")
    refuse_foreign(s, office, p.office_code, "计划清单")
    return p


def _find_plan(s: Session, office: str, section_id: str, kind: str, period: str) -> PeriodPlan | None:
    return s.execute(select(PeriodPlan).where(
        PeriodPlan.office_code == office, PeriodPlan.section_id == section_id, PeriodPlan.kind == kind,
        PeriodPlan.period == period, PeriodPlan.deleted.is_(False))).scalars().first()


def _already(p: PeriodPlan, section_name: str = "本科室") -> ValidationError:
    label = period_for(p.kind, p.period).short_label
    kind = PLAN_KIND_LABELS[p.kind]
    if p.filed_on:
        return ValidationError(f"{section_name}{label}的{kind}已报送",
                               f"已于{p.filed_on.isoformat()}报送；如需补充，请在原计划中修改", field="period")
    return ValidationError(f"{section_name}{label}的{kind}已有草稿", "请在原计划中修改，不要重复新建", field="period")


def _person(s: Session, office: str, person_id: str | None, what: str, fld: str, row: int | None = None) -> Person:
    p = s.get(Person, person_id) if person_id else None
    where = f"第{row}项" if row else ""
    if p is None or p.deleted:
        raise ValidationError(f"{where}{what}不存在", "请从本单位人员中选择", field=fld, row=row)
    if p.office_code != office:
        raise ValidationError(f"{where}{what}“{p.name}”不是本单位人员", "只能选择本单位的人员", field=fld, row=row)
    return p


def check_items(s: Session, office: str, period: Period, items: Sequence[PlanItemInput]) -> None:
    """Every item: text, owner of this office, due in the period's year, a known state (first fault raises)."""
    for n, it in enumerate(items, start=1):
        text = (it.text or "").strip()
        if not text:
            raise ValidationError(f"第{n}项：事项内容不能为空", "请填写事项，或删除这一行", field="text", row=n)
        if len(text) > MAX_TEXT:
            raise ValidationError(f"第{n}项：事项内容超过{MAX_TEXT}字", "请精简", field="text", row=n)
        if it.owner_id:
            _person(s, office, it.owner_id, "责任人", "owner", n)
        if it.due is not None:
            if not isinstance(it.due, dt.date):
                raise ValidationError(f"第{n}项：完成时限格式不对", "日期格式如 2026-12-11", field="due", row=n)
            if it.due.year != period.year and not period.contains(it.due):
                raise ValidationError(
                    f"第{n}项：完成时限{it.due.isoformat()}不在{period.year}年内",
                    f"{period.short_label}的事项，完成时限应在{period.year}年内", field="due", row=n)
        if it.state not in PLAN_ITEM_STATES:
            raise ValidationError(f"第{n}项：状态“{it.state}”无效", "可选：" + "、".join(PLAN_ITEM_STATES.values()),
                                  field="state", row=n)


def _write_items(s: Session, plan: PeriodPlan, items: Sequence[PlanItemInput]) -> None:
    """Make the plan's live items exactly ``items`` (in order): edit those named by id, add new, tombstone gone."""
    rows = {r.id: r for r in s.execute(select(PlanItem).where(PlanItem.plan_id == plan.id,
                                                              PlanItem.deleted.is_(False))).scalars()}
    kept: set[str] = set()
    for n, it in enumerate(items, start=1):
        row = rows.get(it.id or "")
        if row is None:
            row = PlanItem(id=new_id(), plan_id=plan.id)
            s.add(row)
        kept.add(row.id)
        row.seq, row.text, row.owner_id, row.due = n, it.text.strip(), it.owner_id or None, it.due
        row.state, row.note = it.state, it.note or ""
    for rid, row in rows.items():
        if rid not in kept:
            row.deleted = True


def create_plan(db: Database, actor: Actor, section_id: str, kind: str, period: str,
                items: Sequence[PlanItemInput] = (), summary: str = "") -> PlanInfo:
    """New draft plan of a section for a period (refused when the section already has one)."""
    office = require_office(db)
    per = period_for(kind, period)
    with db.transaction() as s:
        sec = section_of_office(s, office, section_id, "科室")
        found = _find_plan(s, office, sec.id, kind, per.text)
        if found is not None:
            raise _already(found)
        check_items(s, office, per, items)
        plan = PeriodPlan(id=new_id(), year=per.year, section_id=sec.id, kind=kind, period=per.text,
                          summary=(summary or "").strip())
        s.add(plan)
        _write_items(s, plan, items)
        s.flush()
        audit.record(s, actor, "create_plan", "period_plan", plan.id,
                     {"section": sec.name, "kind": kind, "period": per.text, "items": len(items)})
        return _info(s, plan)


def update_plan(db: Database, actor: Actor, plan_id: str, items: Sequence[PlanItemInput],
                summary: str | None = None) -> PlanInfo:
    """Save a plan's items (and summary): states move as work is done, even after it was filed."""
    office = require_office(db)
    with db.transaction() as s:
        plan = _live_plan(s, office, plan_id)
        per = period_for(plan.kind, plan.period)
        check_items(s, office, per, items)
        _write_items(s, plan, items)
        if summary is not None:
            plan.summary = summary.strip()
        s.flush()
        audit.record(s, actor, "update_plan", "period_plan", plan.id,
                     {"kind": plan.kind, "period": plan.period, "items": len(items)})
        return _info(s, plan)


def file_plan(db: Database, actor: Actor, plan_id: str, filed_to_id: str | None = None,
              on: dt.date | None = None) -> PlanInfo:
    """报送: file a draft to its 分管领导 (default: whom the section filed to last); once only."""
    office = require_office(db)
    with db.transaction() as s:
        plan = _live_plan(s, office, plan_id)
        if plan.filed_on is not None:
            raise _already(plan)
        items = _items(s, plan.id)
        if not items and not plan.summary.strip():
            raise ValidationError("计划中还没有事项", "请至少填写一项事项（半年复盘可填写复盘总结）后再报送",
                                  field="items")
        leader_id = filed_to_id or _default_leader(s, office, plan.section_id)
        if not leader_id:
            raise ValidationError("请选择报送的分管领导", "报送对象须是本单位人员", field="filed_to")
        leader = _person(s, office, leader_id, "报送对象", "filed_to")
        plan.filed_to_id, plan.filed_on, plan.filed_by = leader.id, on or dt.date.today(), actor.label[:40]
        audit.record(s, actor, "file_plan", "period_plan", plan.id,
                     {"kind": plan.kind, "period": plan.period, "to": leader.name})
        return _info(s, plan)


def record_plan(db: Database, actor: Actor, plan_id: str, on: dt.date | None = None) -> PlanInfo:
    """备案: the campaign office records a filed year activity plan (right ``approve``)."""
    office = require_office(db)
    with db.transaction() as s:
        plan = _live_plan(s, office, plan_id)
        label = f"{period_for(plan.kind, plan.period).short_label}的{PLAN_KIND_LABELS[plan.kind]}"
        if plan.kind not in RECORDED_KINDS:
            raise StateError(f"{label}不需要备案", "备案只适用于年度活动计划")
        if plan.filed_on is None:
            raise StateError(f"{label}尚未报送，不能备案", "请科室先报送年度活动计划")
        if plan.recorded_on is not None:
            raise StateError(f"{label}已于{plan.recorded_on.isoformat()}备案", "无需重复备案")
        plan.recorded_on, plan.recorded_by = on or dt.date.today(), actor.label[:40]
        audit.record(s, actor, "record_year_plan", "period_plan", plan.id, {"period": plan.period})
        return _info(s, plan)


def carry_over(db: Database, actor: Actor, section_id: str, kind: str, period: str,
               done_ids: Sequence[str] = ()) -> PlanInfo:
    """结转上期未完成: the previous period's open items of the section are marked done (``done_ids``) or carried
    into this period's plan (made as a draft when missing). Returns this period's plan."""
    office = require_office(db)
    per = period_for(kind, period)
    with db.transaction() as s:
        sec = section_of_office(s, office, section_id, "科室")
        prev = _find_plan(s, office, sec.id, kind, per.previous().text)
        if prev is None:
            raise ValidationError(f"{per.previous().short_label}没有{PLAN_KIND_LABELS[kind]}", "无可结转的事项",
                                  field="period")
        open_items = [i for i in _items(s, prev.id) if i.state == "open"]
        if not open_items:
            raise ValidationError(f"{per.previous().short_label}的{PLAN_KIND_LABELS[kind]}没有未完成事项",
                                  "无需结转", field="items")
        plan = _find_plan(s, office, sec.id, kind, per.text)
        if plan is None:
            plan = PeriodPlan(id=new_id(), year=per.year, section_id=sec.id, kind=kind, period=per.text)
            s.add(plan)
        elif plan.filed_on is not None:
            raise _already(plan)
        seq = len(_items(s, plan.id))
        carried = 0
        for it in open_items:
            if it.id in done_ids:
                it.state = "done"
                continue
            it.state = "carried"
            seq += 1
            carried += 1
            due = it.due if it.due is None or it.due >= per.start else None
            s.add(PlanItem(id=new_id(), plan_id=plan.id, seq=seq, text=it.text, owner_id=it.owner_id, due=due,
                           state="open", carried_from_id=it.id, note=it.note))
        s.flush()
        audit.record(s, actor, "carry_over_plan", "period_plan", plan.id,
                     {"from": prev.period, "to": per.text, "carried": carried,
                      "done": len(open_items) - carried})
        return _info(s, plan)


def remove_plan(db: Database, actor: Actor, plan_id: str) -> None:
    """Withdraw a draft (tombstone); a filed plan stays on record."""
    office = require_office(db)
    with db.transaction() as s:
        plan = _live_plan(s, office, plan_id)
        if plan.filed_on is not None:
            raise StateError("已报送的计划不能删除", "如有变化，请修改其中的事项")
        plan.deleted = True
        for it in _items(s, plan.id):
            it.deleted = True
        audit.record(s, actor, "remove_plan", "period_plan", plan.id, {"kind": plan.kind, "period": plan.period})


# --------------------------------------------------------------------------- reading


def _items(s: Session, plan_id: str) -> list[PlanItem]:
    return list(s.execute(select(PlanItem).where(PlanItem.plan_id == plan_id, PlanItem.deleted.is_(False))
                          .order_by(PlanItem.seq)).scalars())


def _default_leader(s: Session, office: str, section_id: str) -> str | None:
    last = s.execute(select(PeriodPlan.filed_to_id).where(
        PeriodPlan.office_code == office, PeriodPlan.section_id == section_id, PeriodPlan.filed_to_id.is_not(None),
        PeriodPlan.deleted.is_(False)).order_by(PeriodPlan.filed_on.desc())).scalars().first()
    if last:
        return str(last)
    sec = s.get(Section, section_id)
    for person_id, sections in s.execute(select(User.person_id, User.approve_sections).where(
            User.person_id.is_not(None), User.active.is_(True))):
        try:
            names: Any = json.loads(sections or "[]")
        except ValueError:
            continue
        if sec is not None and isinstance(names, list) and sec.name in names:
            return str(person_id)
    return None


def default_leader(db: Database, section_id: str) -> str | None:
    """Whom a section's plan goes to by default: its last 报送对象, else the approver (分管领导) of the section."""
    office = require_office(db)
    with db.session() as s:
        return _default_leader(s, office, section_id)


def _names(s: Session, ids: set[str]) -> dict[str, str]:
    ids.discard("")
    if not ids:
        return {}
    return dict(s.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())  # type: ignore[arg-type]


def _info(s: Session, p: PeriodPlan) -> PlanInfo:
    items = _items(s, p.id)
    names = _names(s, {i.owner_id or "" for i in items} | {p.filed_to_id or ""})
    sec = s.get(Section, p.section_id)
    return PlanInfo(
        id=p.id, section_id=p.section_id, section_name=sec.name if sec else "", kind=p.kind,
        kind_label=PLAN_KIND_LABELS.get(p.kind, p.kind), period=p.period, period_label=period_for(p.kind, p.period).label,
        year=p.year, filed_to_id=p.filed_to_id, filed_to_name=names.get(p.filed_to_id or "", ""), filed_on=p.filed_on,
        filed_by=p.filed_by, summary=p.summary, recorded_on=p.recorded_on, recorded_by=p.recorded_by,
        items=tuple(PlanItemInfo(i.id, i.seq, i.text, i.owner_id, names.get(i.owner_id or "", ""), i.due, i.state,
                                 PLAN_ITEM_STATES.get(i.state, i.state), i.carried_from_id, i.note) for i in items))


def get_plan(db: Database, plan_id: str) -> PlanInfo:
    """One plan with its items."""
    office = require_office(db)
    with db.session() as s:
        return _info(s, _live_plan(s, office, plan_id))


def find_plan(db: Database, section_id: str, kind: str, period: str, office: str = "") -> PlanInfo | None:
    """The section's plan of that kind and period, if there is one (``office``: the scope, ``org.scope``;
    a section of an office outside it has none)."""
    codes = scope.resolve(db, office)
    per = period_for(kind, period)
    with db.session() as s:
        sec = s.get(Section, section_id)
        if sec is None or (codes is not None and sec.office_code not in codes):
            return None
        p = _find_plan(s, sec.office_code, section_id, kind, per.text)
        return _info(s, p) if p is not None else None


def plans_of_period(db: Database, kind: str, period: str, office: str = "") -> list[PlanInfo]:
    """Every live plan of ``kind`` for the period in the scope, with its items (printing, comparisons)."""
    codes = scope.resolve(db, office)
    per = period_for(kind, period)
    q = select(PeriodPlan).where(PeriodPlan.kind == kind, PeriodPlan.period == per.text,
                                 PeriodPlan.deleted.is_(False))
    if codes is not None:
        q = q.where(PeriodPlan.office_code.in_(codes))
    with db.session() as s:
        return [_info(s, p) for p in s.execute(q).scalars()]


def _sections(s: Session, office: str) -> list[Section]:
    return list(s.execute(select(Section).where(Section.office_code == office, Section.deleted.is_(False),
                                                Section.active.is_(True)).order_by(Section.sort_order, Section.name))
                .scalars())


def not_filed(session: Session, kind: str, period: str, office: str | None = None) -> list[Section]:
    """The active sections of the office that have not filed ``kind`` for ``period`` (drafts count as not filed)."""
    office = office or str(session.info.get("office_code") or "")
    per = period_for(kind, period)
    filed = set(session.execute(select(PeriodPlan.section_id).where(
        PeriodPlan.office_code == office, PeriodPlan.kind == kind, PeriodPlan.period == per.text,
        PeriodPlan.deleted.is_(False), PeriodPlan.filed_on.is_not(None))).scalars())
    return [sec for sec in _sections(session, office) if sec.id not in filed]


def period_status(db: Database, kind: str, period: str, office: str = "") -> list[SectionPlanStatus]:
    """Every active section with where its plan for the period stands (未报送 / 草稿 / 已报送 / 已备案).

    ``office`` is the scope (``org.scope``): "" this office, a county's code, or ``scope.ALL`` — every
    office here, this office first, each office's sections in display order.
    """
    require_office(db)
    codes = scope.resolve(db, office)
    choices = scope.office_choices(db)
    names = {c.code: c.name for c in choices}
    out: list[SectionPlanStatus] = []
    for code in codes if codes is not None else [c.code for c in choices]:
        out += [replace(r, office_code=code, office_name=names.get(code, code))
                for r in _office_status(db, code, kind, period)]
    return out


def _office_status(db: Database, office: str, kind: str, period: str) -> list[SectionPlanStatus]:
    per = period_for(kind, period)
    with db.session() as s:
        plans = {p.section_id: p for p in s.execute(select(PeriodPlan).where(
            PeriodPlan.office_code == office, PeriodPlan.kind == kind, PeriodPlan.period == per.text,
            PeriodPlan.deleted.is_(False))).scalars()}
        counts: dict[str, list[int]] = {}
        if plans:
            for pid, state in s.execute(select(PlanItem.plan_id, PlanItem.state).where(
                    PlanItem.plan_id.in_([p.id for p in plans.values()]), PlanItem.deleted.is_(False))):
                c = counts.setdefault(pid, [0, 0])
                c[0] += 1
                c[1] += state == "open"
        names = _names(s, {p.filed_to_id or "" for p in plans.values()})
        out = []
        for sec in _sections(s, office):
            p = plans.get(sec.id)
            if p is None:
                out.append(SectionPlanStatus(sec.id, sec.name, "missing", STATUS_LABELS["missing"], None))
                continue
            status = "recorded" if p.recorded_on else "filed" if p.filed_on else "draft"
            n, o = counts.get(p.id, [0, 0])
            out.append(SectionPlanStatus(sec.id, sec.name, status, STATUS_LABELS[status], p.id,
                                         names.get(p.filed_to_id or "", ""), p.filed_on, p.filed_by, p.recorded_on,
                                         n, o))
        return out


PLAN_HEADERS = ("科室", "类型", "期间", "序号", "事项", "责任人", "完成时限", "状态")


def plan_rows(db: Database, year: int, kind: str | None = None) -> list[dict[str, Any]]:
    """Every live item of the year's plans as rows keyed by ``PLAN_HEADERS`` (Excel export)."""
    office = require_office(db)
    q = (select(PeriodPlan, PlanItem).join(PlanItem, PlanItem.plan_id == PeriodPlan.id)
         .join(Section, Section.id == PeriodPlan.section_id)
         .where(PeriodPlan.office_code == office, PeriodPlan.year == year, PeriodPlan.deleted.is_(False),
                PlanItem.deleted.is_(False)))
    if kind:
        q = q.where(PeriodPlan.kind == check_kind(kind))
    order = list(KINDS)
    with db.session() as s:
        secs = {sec.id: (sec.sort_order, sec.name) for sec in s.execute(select(Section)).scalars()}
        found = list(s.execute(q).all())
        names = _names(s, {i.owner_id or "" for _, i in found})
        found.sort(key=lambda r: (order.index(r[0].kind), r[0].period, secs.get(r[0].section_id, (0, ""))[0],
                                  secs.get(r[0].section_id, (0, ""))[1], r[1].seq))
        return [{"科室": secs.get(p.section_id, (0, ""))[1], "类型": PLAN_KIND_LABELS[p.kind], "期间": p.period,
                 "序号": i.seq, "事项": i.text, "责任人": names.get(i.owner_id or "", ""), "完成时限": i.due,
                 "状态": PLAN_ITEM_STATES.get(i.state, i.state)} for p, i in found]
