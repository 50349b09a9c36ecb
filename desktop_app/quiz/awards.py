"""评先 — proposing and keeping each half-year's 3 先进科室 and 5 工作能手.

The rule (weights adjustable, kept in settings): a candidate's score is the weighted
mean of up to three 0–100 components —
- 业务测试: the average of the person's exams in the half-year as % of each total
  (缺考 counts 0, 免考 is left out); a section's is the mean of its members';
- 台账销号率: ledger items due by the half-year's end that are done or closed;
- 基层天数: grassroots days against the pro-rata quota (capped at 100);
- 科室评价 (先进科室 only): the section's weighted 部领导评/科室互评/党员干部参评 total of the
  half-year (desktop_app.campaign.evaluation); people carry it as an empty, weightless part.
A component that is not available (its capability not installed, or nothing for
the period) is shown as such and the remaining weights are renormalised. A
candidate missing one component (e.g. no ledger item due) is scored on the others.
The office may change the choice before confirming; the record keeps the basis and
whether the choice differs from the proposal.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence

from sqlalchemy import select

from db.engine import Database
from db.models import Award, Exam, Person, Section
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import ValidationError
from desktop_app.org import settings
from desktop_app.quiz import exams, sources
from desktop_app.quiz.types import AwardInfo, AwardProposal, AwardWeights, Candidate, Component

SETTING = "quiz.award_weights"
SECTION_AWARDS, PERSON_AWARDS = 3, 5
_PERIOD = re.compile(r"^(\d{4})H([12])$")
NAMES = {"quiz": "业务测试", "ledger": "台账销号率", "days": "基层天数", "evaluation": "科室评价"}


def parse_period(period: str) -> tuple[int, dt.date, dt.date, tuple[int, int]]:
    """'2026H1' -> (2026, Jan 1, Jun 30, (1, 2))."""
    m = _PERIOD.match(period or "")
    if not m:
        raise ValidationError(f"评先期间“{period}”无效", "应为 年份+H1（上半年）或 H2（下半年），例如 2026H1")
    year, half = int(m.group(1)), int(m.group(2))
    if half == 1:
        return year, dt.date(year, 1, 1), dt.date(year, 6, 30), (1, 2)
    return year, dt.date(year, 7, 1), dt.date(year, 12, 31), (3, 4)


def period_label(period: str) -> str:
    """'2026H1' -> '2026年上半年'."""
    year, _s, _e, quarters = parse_period(period)
    return f"{year}年{'上' if quarters[0] == 1 else '下'}半年"


def get_weights(db: Database) -> AwardWeights:
    """The office's award weights (defaults: 测试 0.5, 销号率 0.3, 基层天数 0.2)."""
    raw = settings.get(db, SETTING, None) or {}
    d = AwardWeights()
    return AwardWeights(float(raw.get("quiz", d.quiz)), float(raw.get("ledger", d.ledger)),
                        float(raw.get("days", d.days)), float(raw.get("evaluation", d.evaluation)))


def set_weights(db: Database, actor: Actor, weights: AwardWeights) -> None:
    """Change the award weights (each 0–1, not all zero)."""
    values = (weights.quiz, weights.ledger, weights.days, weights.evaluation)
    if any(v < 0 or v > 1 for v in values) or sum(values) <= 0:
        raise ValidationError("权重应在0到1之间，且不能全部为0", "例如 业务测试0.5、台账销号率0.3、基层天数0.2")
    with db.transaction() as s:
        values_by_key = {"quiz": weights.quiz, "ledger": weights.ledger, "days": weights.days,
                         "evaluation": weights.evaluation}
        settings.write(s, SETTING, values_by_key)
        audit.record(s, actor, "set_award_weights", "setting", SETTING, values_by_key)


def combine(values: dict[str, float | None], weights: dict[str, float]) -> float:
    """The weighted mean of the values present (None left out, weights renormalised); 0 when none."""
    present = [(float(v), w) for k, w in weights.items() if w > 0 and (v := values.get(k)) is not None]
    total_w = sum(w for _v, w in present)
    return round(sum(v * w for v, w in present) / total_w, 2) if total_w else 0.0


def _quiz_by_person(db: Database, year: int, quarters: tuple[int, int]) -> tuple[dict[str, float], list[str]]:
    """{person id: average % over the period's exams}, and the exam titles used."""
    sums: dict[str, list[float]] = {}
    titles: list[str] = []
    with db.session() as s:
        period_exams = s.execute(select(Exam).where(Exam.office_code == db.office_code, Exam.year == year,
                                                    Exam.quarter.in_(quarters), Exam.deleted.is_(False))
                                 .order_by(Exam.quarter, Exam.created_at)).scalars().all()
        for e in period_exams:
            titles.append(e.title)
            for a, _p, _sec in exams.effective(exams._attempt_rows(s, e.id)):
                if a.exempt or (not a.absent and (a.score is None or not a.marked)):
                    continue
                pct = 0.0 if a.absent else 100.0 * float(a.score or 0) / e.total
                sums.setdefault(a.person_id, []).append(pct)
    return {k: sum(v) / len(v) for k, v in sums.items()}, titles


def _ratio(fig: sources.Figures | None, ids: Sequence[str]) -> tuple[float | None, str]:
    if fig is None:
        return None, ""
    done = sum(fig.per_person[i][0] for i in ids if i in fig.per_person)
    out_of = sum(fig.per_person[i][1] for i in ids if i in fig.per_person)
    if out_of <= 0:
        return None, ""
    return min(100.0, round(100.0 * done / out_of, 1)), f"{done:g}/{out_of:g}"


def _candidates(entries: list[tuple[str, str, dict[str, float | None], dict[str, str]]], w: dict[str, float],
                avail: dict[str, bool], top: int) -> tuple[Candidate, ...]:
    scored = []
    for tid, name, values, details in entries:
        comps = tuple(Component(NAMES[k], values.get(k), w[k] if avail[k] else 0.0,
                                details.get(k) or ("不可用" if not avail[k] else "无数据，不计"))
                      for k in NAMES)
        scored.append((tid, name, combine(values, {k: (w[k] if avail[k] else 0.0) for k in w}), comps,
                       any(v is not None for v in values.values())))
    scored.sort(key=lambda t: (-t[2], t[1]))
    out, rank, prev = [], 0, None
    for i, (tid, name, score, comps, has_data) in enumerate(scored):
        rank = rank if prev is not None and abs(prev - score) < 1e-9 else i + 1
        prev = score
        out.append(Candidate(tid, name, score, comps, has_data and i < top, rank))
    return tuple(out)


def propose(db: Database, period: str, weights: AwardWeights | None = None,
            today: dt.date | None = None) -> AwardProposal:
    """The proposal for ``period``: every section and person ranked, the top 3 / 5 proposed, with the basis.

    For a half-year still running, ledger items and grassroots days are judged as of ``today``.
    """
    year, start, end, quarters = parse_period(period)
    end = max(start, min(end, today or dt.date.today()))
    wts = weights or get_weights(db)
    w = {"quiz": wts.quiz, "ledger": wts.ledger, "days": wts.days, "evaluation": wts.evaluation}
    quiz, titles = _quiz_by_person(db, year, quarters)
    ledger = sources.ledger_closure(db, start, end)
    days = sources.grassroots_days(db, year, end)
    evaluated = sources.section_evaluation(db, year, "H1" if quarters[0] == 1 else "H2")
    avail = {"quiz": bool(quiz), "ledger": ledger is not None, "days": days is not None, "evaluation": bool(evaluated)}
    with db.session() as s:
        rows = s.execute(select(Person, Section).join(Section, Person.section_id == Section.id).where(
            Person.office_code == db.office_code, Person.deleted.is_(False), Person.active.is_(True),
            Section.deleted.is_(False)).order_by(Section.sort_order, Person.name)).all()
    people: list[tuple[str, str, dict[str, float | None], dict[str, str]]] = []
    members: dict[tuple[str, str], list[str]] = {}
    for p, sec in rows:
        members.setdefault((sec.id, sec.name), []).append(p.id)
        lv, ld = _ratio(ledger, [p.id])
        dv, dd = _ratio(days, [p.id])
        q = quiz.get(p.id)
        people.append((p.id, p.name, {"quiz": q, "ledger": lv, "days": dv, "evaluation": None},
                       {"quiz": f"平均得分率{q:.1f}%" if q is not None else "",
                        "ledger": f"完成{ld}" if ld else "", "days": f"天数/应达 {dd}" if dd else "",
                        "evaluation": "仅用于先进科室"}))
    sections = []
    for (sid, sname), ids in members.items():
        qs = [quiz[i] for i in ids if i in quiz]
        q = round(sum(qs) / len(qs), 1) if qs else None
        lv, ld = _ratio(ledger, ids)
        dv, dd = _ratio(days, ids)
        ev = evaluated.get(sid)
        sections.append((sid, sname, {"quiz": q, "ledger": lv, "days": dv, "evaluation": ev},
                         {"quiz": f"{len(qs)}人平均得分率{q:.1f}%" if q is not None else "",
                          "ledger": f"完成{ld}" if ld else "", "days": f"天数/应达 {dd}" if dd else "",
                          "evaluation": "部领导评、科室互评、党员干部参评加权" if ev is not None else ""}))
    return AwardProposal(period, _candidates(sections, w, avail, SECTION_AWARDS),
                         _candidates(people, w, avail | {"evaluation": False}, PERSON_AWARDS), wts, avail,
                         tuple(titles))


def _basis(c: Candidate | None, proposed: bool, note: str) -> dict:
    comps = [{"name": x.name, "value": x.value, "weight": x.weight, "detail": x.detail}
             for x in (c.components if c else ())]
    return {"score": c.score if c else None, "proposed_rank": c.rank if c else None, "components": comps,
            "adjusted": not proposed, "note": note}


def confirm_awards(db: Database, actor: Actor, proposal: AwardProposal, section_ids: Sequence[str],
                   person_ids: Sequence[str], note: str = "") -> list[AwardInfo]:
    """Keep the office's final choice for the period (replacing an earlier record of it)."""
    if len(section_ids) != len(set(section_ids)) or len(person_ids) != len(set(person_ids)):
        raise ValidationError("同一科室或人员被选了两次", "请检查评选名单")
    if len(section_ids) > SECTION_AWARDS or len(person_ids) > PERSON_AWARDS:
        raise ValidationError(f"先进科室最多{SECTION_AWARDS}个、工作能手最多{PERSON_AWARDS}名",
                              "请减少人选")
    if not section_ids and not person_ids:
        raise ValidationError("评选名单为空", "请至少选择一个先进科室或一名工作能手")
    by_sec = {c.target_id: c for c in proposal.sections}
    by_person = {c.target_id: c for c in proposal.people}
    unknown = [i for i in section_ids if i not in by_sec] + [i for i in person_ids if i not in by_person]
    if unknown:
        raise ValidationError("评选名单中有不在候选范围内的科室或人员", "请刷新后重新选择")
    with db.transaction() as s:
        old = s.execute(select(Award).where(Award.office_code == db.office_code, Award.period == proposal.period,
                                            Award.deleted.is_(False))).scalars().all()
        for a in old:
            a.deleted = True
        for kind, ids, pool in (("先进科室", section_ids, by_sec), ("工作能手", person_ids, by_person)):
            for rank, tid in enumerate(ids, 1):
                c = pool[tid]
                s.add(Award(period=proposal.period, kind=kind, target_id=tid, rank=rank, confirmed=True,
                            basis=json.dumps({"name": c.name, **_basis(c, c.proposed, note)}, ensure_ascii=False)))
        s.flush()
        audit.record(s, actor, "confirm_awards", "award", proposal.period,
                     {"sections": [by_sec[i].name for i in section_ids],
                      "people": [by_person[i].name for i in person_ids], "replaced": len(old), "note": note})
    return list_awards(db, proposal.period)


def list_awards(db: Database, period: str | None = None) -> list[AwardInfo]:
    """Kept award records (of ``period`` when given), by period, kind and rank."""
    with db.session() as s:
        q = select(Award).where(Award.office_code == db.office_code, Award.deleted.is_(False))
        if period:
            q = q.where(Award.period == period)
        out = []
        kinds = {"先进科室": 0, "工作能手": 1}
        found = sorted(s.execute(q).scalars(), key=lambda a: (-int(a.period[:4]), a.period, kinds.get(a.kind, 9), a.rank))
        for a in found:
            basis = json.loads(a.basis or "{}")
            out.append(AwardInfo(a.id, a.period, a.kind, a.target_id, basis.get("name", ""), a.rank, basis,
                                 a.confirmed))
        return out
