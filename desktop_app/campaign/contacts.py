"""挂钩联系 — contact villages (挂钩村), paired households (结对户) and service items (民生实事/服务清单).

The rhythm each kind requires, recognised from the records the office already keeps:
- 挂钩村: at least one problem solved a year — a ledger item of the year that is 已完成 or
  已销号 whose description mentions the village, or that came from a visit whose place does;
- 结对户: visited every quarter — a visit marked 已完成 (only done visits count) in the
  quarter whose place, purpose or findings name the household, or whose place contains the
  household's address (``township``) when that address names a village (…村/…组/…社区),
  made by the keeping person (lead or participant) — or, when no person keeps it, by
  the keeping section;
- 服务清单: each item has a due date and is 进行中 or 已办结; an open item past its due date is late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import CONTACT_KIND_LABELS as CONTACT_KIND_LABELS  # re-exported for the UI
from db.models import ContactPoint, Issue, Person, Section, Visit, VisitParticipant
from db.models_campaign import CONTACT_STATES as CONTACT_STATES  # re-exported for the UI
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import NotFoundError, ValidationError
from desktop_app.core.ledger_codes import FINISHED_STATUSES
from desktop_app.core.visit_codes import VisitState
from desktop_app.org.lookups import check_year, person_of_office, require_office, section_of_office
from desktop_app.org.ownership import refuse_foreign

SOLVED_STATUSES = FINISHED_STATUSES


@dataclass(frozen=True)
class ContactInput:
    """What a clerk gives for one contact point."""

    kind: str
    name: str
    township: str = ""
    section_id: str | None = None
    person_id: str | None = None
    year: int | None = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    due: dt.date | None = None
    state: str = "open"
    notes: str = ""


@dataclass(frozen=True)
class ContactStatus:
    """One point with its rhythm for a year.

    ``quarters`` (households): per quarter True (visited), False (missed or not yet visited in a
    running quarter) or None (outside the keeping period, or not begun). ``solved``
    (villages): problems solved in the year. ``met``: the rhythm is kept so far; ``late``
    (service items): open past the due date.
    """

    id: str
    kind: str
    name: str
    township: str
    section_id: str | None
    section_name: str
    person_id: str | None
    person_name: str
    year: int | None
    started_on: dt.date | None
    ended_on: dt.date | None
    due: dt.date | None
    state: str
    notes: str
    quarters: tuple[bool | None, ...]
    solved: int
    evidence: tuple[str, ...]
    met: bool
    late: bool

    @property
    def kind_label(self) -> str:
        """挂钩村 / 结对户 / 民生实事/服务清单."""
        return CONTACT_KIND_LABELS.get(self.kind, self.kind)

    @property
    def rhythm_text(self) -> str:
        """How the rhythm reads in the list: Q1✓ Q2✗ Q3— … / 已解决问题 2 件 / 已办结、进行中（逾期）."""
        if self.kind == "household":
            return " ".join(f"Q{i}{'✓' if q else '—' if q is None else '✗'}" for i, q in enumerate(self.quarters, 1))
        if self.kind == "village":
            return f"已解决问题 {self.solved} 件" + ("" if self.solved else "（尚无）")
        return CONTACT_STATES.get(self.state, self.state) + ("（逾期）" if self.late else "")


# ---------------------------------------------------------------- writes

def _check(s: Session, office: str, data: ContactInput) -> None:
    if data.kind not in CONTACT_KIND_LABELS:
        raise ValidationError(f"联系类型“{data.kind}”无效", "请选择 " + "、".join(CONTACT_KIND_LABELS.values()),
                              field="kind")
    label = CONTACT_KIND_LABELS[data.kind]
    name = (data.name or "").strip()
    what = {"village": "村名", "household": "户主姓名", "service": "事项名称"}[data.kind]
    if not name:
        raise ValidationError(f"{label}的{what}不能为空", f"请填写{what}", field="name")
    if len(name) > 120:
        raise ValidationError(f"{what}过长（超过120字）", f"请精简{what}", field="name")
    if len((data.township or "").strip()) > 60:
        raise ValidationError("所在乡镇/地址过长（超过60字）", "请精简", field="township")
    if data.state not in CONTACT_STATES:
        raise ValidationError(f"状态“{data.state}”无效", "请选择 进行中 或 已办结", field="state")
    if data.year is not None:
        check_year(data.year)
    for label_d, value, field in (("开始日期", data.started_on, "started_on"), ("结束日期", data.ended_on, "ended_on"),
                                  ("完成时限", data.due, "due")):
        if value is not None and not isinstance(value, dt.date):
            raise ValidationError(f"{label_d}不是有效日期", "请选择日期，例如 2026-06-30", field=field)
    if data.started_on and data.ended_on and data.ended_on < data.started_on:
        raise ValidationError("结束日期早于开始日期", "请把结束日期改为开始日期之后", field="ended_on")
    if data.kind == "service" and data.due is None:
        raise ValidationError("服务清单事项须填写完成时限", "请填写完成时限，例如 2026-09-30", field="due")
    if not data.section_id and not data.person_id:
        raise ValidationError(f"{label}须指定联系科室或联系人", "请选择负责的科室或人员", field="section")
    if data.section_id:
        section_of_office(s, office, data.section_id, "联系科室")
    if data.person_id:
        person_of_office(s, office, data.person_id, "联系人")


def _apply(p: ContactPoint, data: ContactInput) -> None:
    p.kind, p.name, p.township = data.kind, data.name.strip(), (data.township or "").strip()
    p.section_id, p.person_id = data.section_id or None, data.person_id or None
    p.year = data.year or (data.due.year if data.kind == "service" and data.due else None)
    p.started_on, p.ended_on, p.due = data.started_on, data.ended_on, data.due
    p.state, p.notes = data.state, (data.notes or "").strip()


def _live(s: Session, office: str, point_id: str) -> ContactPoint:
    p = s.get(ContactPoint, point_id)
    if p is None or p.deleted:
        raise NotFoundError("该联系点不存在或已删除", "请刷新后重试")
    refuse_foreign(s, office, p.office_code, "挂钩联系点")
    return p


def add_point(db: Database, actor: Actor, data: ContactInput) -> str:
    """Record a contact village, paired household or service item; returns its id."""
    office = require_office(db)
    with db.transaction() as s:
        _check(s, office, data)
        p = ContactPoint(kind=data.kind, name="")
        _apply(p, data)
        s.add(p)
        s.flush()
        audit.record(s, actor, "add_contact_point", "contact_point", p.id, {"kind": p.kind, "name": p.name})
        return p.id


def update_point(db: Database, actor: Actor, point_id: str, data: ContactInput) -> None:
    """Edit a contact point."""
    office = require_office(db)
    with db.transaction() as s:
        p = _live(s, office, point_id)
        _check(s, office, data)
        _apply(p, data)
        audit.record(s, actor, "update_contact_point", "contact_point", p.id, {"kind": p.kind, "name": p.name,
                                                                                 "state": p.state})


def set_state(db: Database, actor: Actor, point_id: str, state: str) -> None:
    """Mark a service item 已办结 (done) or 进行中 (open) again."""
    if state not in CONTACT_STATES:
        raise ValidationError(f"状态“{state}”无效", "请选择 进行中 或 已办结", field="state")
    office = require_office(db)
    with db.transaction() as s:
        p = _live(s, office, point_id)
        old, p.state = p.state, state
        audit.record(s, actor, "set_contact_state", "contact_point", p.id, {"name": p.name, "from": old, "to": state})


def remove_point(db: Database, actor: Actor, point_id: str) -> None:
    """Withdraw a contact point (tombstone)."""
    office = require_office(db)
    with db.transaction() as s:
        p = _live(s, office, point_id)
        p.deleted = True
        audit.record(s, actor, "remove_contact_point", "contact_point", p.id, {"kind": p.kind, "name": p.name})


# ---------------------------------------------------------------- the rhythm

def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


@dataclass(frozen=True)
class _DoneVisit:
    day: dt.date
    office_code: str
    text: str
    place: str
    section_id: str | None
    people: frozenset[str]


def _done_visits(s: Session, office: str | None, start: dt.date, end: dt.date) -> list[_DoneVisit]:
    q = select(Visit).where(Visit.deleted.is_(False), Visit.state == VisitState.DONE, Visit.start_date <= end,
                            Visit.start_date >= start - dt.timedelta(days=100))
    if office:
        q = q.where(Visit.office_code == office)
    visits = [v for v in s.execute(q).scalars() if start <= (v.actual_start or v.start_date) <= end]
    people: dict[str, set[str]] = {}
    ids = [v.id for v in visits]
    for i in range(0, len(ids), 500):
        for vid, pid in s.execute(select(VisitParticipant.visit_id, VisitParticipant.person_id).where(
                VisitParticipant.visit_id.in_(ids[i:i + 500]), VisitParticipant.deleted.is_(False))).tuples():
            people.setdefault(vid, set()).add(pid)
    return [_DoneVisit(v.actual_start or v.start_date, v.office_code, f"{v.place}\n{v.purpose}\n{v.findings}", v.place, v.section_id,
                       frozenset(people.get(v.id, set()) | ({v.lead_id} if v.lead_id else set()))) for v in visits]


def _names_village(address: str) -> bool:
    return address.endswith(("村", "组", "社区", "寨"))


def _visits_household(p: ContactPoint, v: _DoneVisit) -> bool:
    by_keeper = (p.person_id in v.people) if p.person_id else (p.section_id is not None and v.section_id == p.section_id)
    if not by_keeper:
        return False
    if p.name and p.name in v.text:
        return True
    return bool(p.township) and _names_village(p.township) and p.township in v.place


def _active_in(p: ContactPoint, start: dt.date, end: dt.date) -> bool:
    return not ((p.started_on and p.started_on > end) or (p.ended_on and p.ended_on < start))


def _village_keys(p: ContactPoint) -> list[str]:
    keys = [p.name]
    if p.township and p.name.startswith(p.township) and len(p.name) - len(p.township) >= 2:
        keys.append(p.name[len(p.township):])  # 勐阿镇纳京村 is written 纳京村 too
    return [k for k in keys if len(k) >= 2]


def _solved_issues(s: Session, office: str | None, year: int) -> list[tuple[str, str]]:
    """(serial, text to search) of the ledger items solved in ``year``: description and source visit's place."""
    q = (select(Issue.serial, Issue.description, Issue.closed_at, Issue.year, Visit.place)
         .outerjoin(Visit, Visit.id == Issue.source_visit_id)
         .where(Issue.deleted.is_(False), Issue.status.in_(SOLVED_STATUSES)))
    if office:
        q = q.where(Issue.office_code == office)
    out = []
    for serial, desc, closed_at, iyear, place in s.execute(q).tuples():
        if (closed_at.year if closed_at else iyear) == year:
            out.append((serial, f"{desc}\n{place or ''}"))
    return out


def contact_status(db: Database, year: int, kind: str = "", today: dt.date | None = None,
                   office: str = "") -> list[ContactStatus]:
    """Every live contact point of the office (of ``kind``) with its rhythm in ``year``.

    Service items are those of ``year``; villages and households those kept during the year. ``office``:
    "" this office or, at a prefecture, a county's code (its visits and ledger travelled with its points).
    """
    from desktop_app.campaign.evaluation import one_office

    check_year(year)
    office = one_office(db, office)
    today = today or dt.date.today()
    y_start, y_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    with db.session() as s:
        q = select(ContactPoint).where(ContactPoint.office_code == office, ContactPoint.deleted.is_(False))
        if kind:
            q = q.where(ContactPoint.kind == kind)
        points = [p for p in s.execute(q).scalars()
                  if (p.year == year if p.kind == "service" else _active_in(p, y_start, y_end))]
        sections = dict(s.execute(select(Section.id, Section.name)).tuples().all())
        people = dict(s.execute(select(Person.id, Person.name).where(Person.office_code == office)).tuples().all())
        visits = _done_visits(s, office, y_start, y_end) if any(p.kind == "household" for p in points) else []
        solved = _solved_issues(s, office, year) if any(p.kind == "village" for p in points) else []
        out = []
        for p in points:
            quarters: tuple[bool | None, ...] = (None, None, None, None)
            n_solved, met, late = 0, True, False
            evidence: tuple[str, ...] = ()
            if p.kind == "household":
                qs: list[bool | None] = []
                for quarter in range(1, 5):
                    start, end = quarter_range(year, quarter)
                    if start > today or not _active_in(p, start, end):
                        qs.append(None)
                        continue
                    hit = [v for v in visits if start <= v.day <= end and _visits_household(p, v)]
                    # a running quarter not yet visited is still open: False shows it as due, not as missed
                    qs.append(bool(hit))
                    evidence += tuple(f"Q{quarter} {v.day.isoformat()} {v.place}" for v in hit[:1])
                quarters = tuple(qs)
                met = all(q for q, (_s, e) in zip(qs, (quarter_range(year, k) for k in range(1, 5)), strict=True)
                          if q is not None and e < today)
            elif p.kind == "village":
                keys = _village_keys(p)
                hits = [serial for serial, text in solved if any(k in text for k in keys)]
                n_solved, evidence = len(hits), tuple(hits[:10])
                met = n_solved > 0
            else:
                late = p.state == "open" and p.due is not None and p.due < today
                met = not late
            out.append(ContactStatus(
                p.id, p.kind, p.name, p.township, p.section_id, sections.get(p.section_id or "", ""), p.person_id,
                people.get(p.person_id or "", ""), p.year, p.started_on, p.ended_on, p.due, p.state, p.notes,
                quarters, n_solved, evidence, met, late))
    order = list(CONTACT_KIND_LABELS)
    return sorted(out, key=lambda c: (order.index(c.kind) if c.kind in order else 9, c.section_name, c.name))


def household_visits_missing(session: Session, year: int, quarter: int,
                             office: str | None = None) -> list[ContactPoint]:
    """结对户 kept in ``quarter`` of ``year`` with no done visit by their keeper in it (for the 待办 panel).

    ``office``: only that office's households (None: every office in the database).
    """
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(f"季度“{quarter}”无效", "季度应为 1 到 4", field="quarter")
    start, end = quarter_range(year, quarter)
    q = select(ContactPoint).where(ContactPoint.kind == "household", ContactPoint.deleted.is_(False))
    if office:
        q = q.where(ContactPoint.office_code == office)
    households = [p for p in session.execute(q).scalars() if _active_in(p, start, end)]
    if not households:
        return []
    visits = _done_visits(session, office, start, end)
    # a household is visited by its own office's people (person ids and section ids are office-unique anyway)
    return [p for p in households
            if not any(_visits_household(p, v) for v in visits if v.office_code == p.office_code)]
