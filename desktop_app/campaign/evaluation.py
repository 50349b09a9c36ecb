"""科室评价 — each section's half-year results scored by 部领导评、科室互评、党员干部参评.

A score is 0–100. One rater gives one score per section and half-year (entering it
again replaces it): a leader by name, a peer section by section (never itself), and
党员干部参评 by name or as one summary score (no name). A section's result per rater
kind is the mean of that kind's scores; the weighted total uses the same weights as
the topics' evaluation (setting ``work.evaluation_weights``, 50/30/20 unless changed,
see ``desktop_app.work.topics``): the office has one rule for 部领导/科室/党员干部 weights.
A kind with no score yet has its weight shared among the others.

Rights: 部领导评 needs ``approve`` (action ``score_section_leader``); the other two ``record``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import RATER_KIND_LABELS as RATER_KIND_LABELS  # re-exported for the UI
from db.models import Section, SectionScore
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, ValidationError
from desktop_app.org import scope
from desktop_app.org.lookups import check_year, require_office, section_of_office
from desktop_app.org.ownership import refuse_foreign
from desktop_app.work.api import composite_score, evaluation_weights_in

HALVES = {"H1": "上半年", "H2": "下半年"}


@dataclass(frozen=True)
class ScoreInput:
    """One rater's score of one section for a half-year."""

    year: int
    half: str
    section_id: str
    rater_kind: str
    score: float
    rater_section_id: str | None = None
    rater_name: str = ""
    note: str = ""


@dataclass(frozen=True)
class ScoreRow:
    """A recorded score (plain data)."""

    id: str
    year: int
    half: str
    section_id: str
    section_name: str
    rater_kind: str
    rater_label: str
    rater_section_id: str | None
    rater: str
    score: float
    note: str


@dataclass(frozen=True)
class SectionResult:
    """A section's half-year result: mean per rater kind, weighted total and rank (None: no score yet)."""

    section_id: str
    section_name: str
    leader: float | None
    peer: float | None
    member: float | None
    scores: int
    total: float | None
    rank: int | None


def _action(kind: str, verb: str) -> str:
    # 部领导评 is a leader's verdict: it needs the 审核 right (roles.ACTION_RIGHTS)
    return f"{verb}_section_score_leader" if kind == "leader" else f"{verb}_section_score"


def _check(data: ScoreInput) -> None:
    check_year(data.year)
    if data.half not in HALVES:
        raise ValidationError(f"评价期间“{data.half}”无效", "请选择 上半年（H1）或 下半年（H2）", field="half")
    if data.rater_kind not in RATER_KIND_LABELS:
        raise ValidationError(f"评价方式“{data.rater_kind}”无效", "请选择 " + "、".join(RATER_KIND_LABELS.values()),
                              field="rater_kind")
    label = RATER_KIND_LABELS[data.rater_kind]
    if isinstance(data.score, bool) or not isinstance(data.score, int | float) or not (0 <= data.score <= 100):
        raise ValidationError(f"{label}得分“{data.score}”超出范围", "得分应在0到100之间", field="score")
    if len((data.rater_name or "").strip()) > 40:
        raise ValidationError("评分人姓名过长（超过40字）", "请只填写姓名", field="rater_name")
    if data.rater_kind == "peer":
        if not data.rater_section_id:
            raise ValidationError("科室互评须选择评分科室", "请选择给该科室打分的科室", field="rater_section")
        if data.rater_section_id == data.section_id:
            raise ValidationError("科室互评不能给本科室打分", "请由其他科室为该科室评分", field="rater_section")
    elif data.rater_kind == "leader" and not (data.rater_name or "").strip():
        raise ValidationError("部领导评须填写评分领导", "请填写打分的部领导姓名", field="rater_name")


def _same_rater(s: Session, office: str, data: ScoreInput) -> SectionScore | None:
    q = select(SectionScore).where(
        SectionScore.office_code == office, SectionScore.deleted.is_(False), SectionScore.year == data.year,
        SectionScore.half == data.half, SectionScore.section_id == data.section_id,
        SectionScore.rater_kind == data.rater_kind)
    if data.rater_kind == "peer":
        q = q.where(SectionScore.rater_section_id == data.rater_section_id)
    else:
        q = q.where(SectionScore.rater_name == (data.rater_name or "").strip())
    return s.execute(q).scalars().first()


def set_score(db: Database, actor: Actor, data: ScoreInput) -> ScoreRow:
    """Record one rater's score (replacing that rater's earlier score of the section for the half-year)."""
    _check(data)
    office = require_office(db)
    with db.transaction() as s:
        section_of_office(s, office, data.section_id, "被评科室")
        if data.rater_section_id:
            section_of_office(s, office, data.rater_section_id, "评分科室")
        row = _same_rater(s, office, data)
        old = row.score if row is not None else None
        if row is None:
            row = SectionScore(year=data.year, half=data.half, section_id=data.section_id,
                               rater_kind=data.rater_kind, score=0.0)
            s.add(row)
        row.rater_section_id = data.rater_section_id if data.rater_kind == "peer" else None
        row.rater_name = (data.rater_name or "").strip()
        row.score, row.note = float(data.score), (data.note or "").strip()
        s.flush()
        audit.record(s, actor, _action(data.rater_kind, "set"), "section_score", row.id,
                     {"period": f"{data.year}{data.half}", "kind": data.rater_kind, "score": row.score, "old": old})
        rid = row.id
    return next(r for r in list_scores(db, data.year, data.half) if r.id == rid)


def remove_score(db: Database, actor: Actor, score_id: str) -> None:
    """Withdraw a score (tombstone)."""
    office = require_office(db)
    with db.transaction() as s:
        row = s.get(SectionScore, score_id)
        if row is None or row.deleted:
            raise NotFoundError("该评分不存在或已删除", "请刷新后重试")
        refuse_foreign(s, office, row.office_code, "科室评分")
        row.deleted = True
        audit.record(s, actor, _action(row.rater_kind, "remove"), "section_score", row.id,
                     {"period": f"{row.year}{row.half}", "kind": row.rater_kind, "score": row.score})


def one_office(db: Database, office: str) -> str:
    """The one office a ranking is read for: "" this office or a county's code (``org.scope``); every
    office at once (``scope.ALL``) is refused, each office ranking its own sections."""
    require_office(db)
    codes = scope.resolve(db, office)
    if codes is None:
        raise ValidationError("科室评价和挂钩联系按单位分别统计", "请在“查看范围”中选择一个单位", field="office")
    return codes[0]


def list_scores(db: Database, year: int, half: str, office: str = "") -> list[ScoreRow]:
    """Every score of the office for the half-year, by section, rater kind and rater (``office``: "" this
    office or, at a prefecture, a county's code)."""
    office = one_office(db, office)
    order = list(RATER_KIND_LABELS)
    with db.session() as s:
        names = dict(s.execute(select(Section.id, Section.name)).tuples().all())
        sort = dict(s.execute(select(Section.id, Section.sort_order)).tuples().all())
        found = s.execute(select(SectionScore).where(
            SectionScore.office_code == office, SectionScore.deleted.is_(False), SectionScore.year == year,
            SectionScore.half == half)).scalars().all()
        rows = [ScoreRow(r.id, r.year, r.half, r.section_id, names.get(r.section_id, ""), r.rater_kind,
                         RATER_KIND_LABELS.get(r.rater_kind, r.rater_kind), r.rater_section_id,
                         names.get(r.rater_section_id or "", "") if r.rater_kind == "peer"
                         else (r.rater_name or "（汇总）"), r.score, r.note) for r in found]
    return sorted(rows, key=lambda r: (sort.get(r.section_id, 0), r.section_name,
                                       order.index(r.rater_kind) if r.rater_kind in order else 9, r.rater))


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def results(db: Database, year: int, half: str, office: str = "") -> list[SectionResult]:
    """Every live section of the office with its half-year result, best first; unscored ones last (``office``
    as ``list_scores``; the weights are this office's setting)."""
    office = one_office(db, office)
    scores = list_scores(db, year, half, office)
    with db.session() as s:
        weights = evaluation_weights_in(s)
        sections = s.execute(select(Section.id, Section.name).where(
            Section.office_code == office, Section.deleted.is_(False)).order_by(Section.sort_order)).tuples().all()
    out = []
    for sid, name in sections:
        mine = [r for r in scores if r.section_id == sid]
        means = {k: _mean([r.score for r in mine if r.rater_kind == k]) for k in RATER_KIND_LABELS}
        total = composite_score(means["leader"], means["peer"], means["member"], weights)
        out.append((sid, name, means, len(mine), total))
    scored = sorted((x for x in out if x[4] is not None), key=lambda x: -float(x[4] or 0))
    ranked: list[SectionResult] = []
    prev: float | None = None
    rank = 0
    for i, (sid, name, means, n, total) in enumerate(scored):
        rank = rank if prev is not None and abs(prev - float(total or 0)) < 1e-9 else i + 1
        prev = total
        ranked.append(SectionResult(sid, name, means["leader"], means["peer"], means["member"], n, total, rank))
    ranked += [SectionResult(sid, name, None, None, None, 0, None, None) for sid, name, _m, _n, t in out if t is None]
    return ranked


def section_totals(db: Database, year: int, half: str) -> dict[str, float]:
    """{section id: weighted total} of the sections scored in the half-year (for the half-year awards)."""
    return {r.section_id: r.total for r in results(db, year, half) if r.total is not None}
