"""The ledger seen whole: 责任清单, 督办清单, dashboard statistics and the start-up due summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, cast, extract, func, select

from db.dialect import as_date
from db.engine import Database
from db.models import Issue, Urge
from desktop_app.calendar import WorkCalendar
from desktop_app.core.ledger_codes import IssueStatus
from desktop_app.ledger.detail import urge_info
from desktop_app.ledger.query import _COLUMNS, IssueFilter, conditions, office_codes, to_row
from desktop_app.ledger.types import (
    DueItem,
    DueSummary,
    LedgerStats,
    ResponsibilityRow,
    SupervisionRow,
    UnitRate,
    UrgeInfo,
)
from desktop_app.ledger.warnings import warning_clock
from desktop_app.org import scope


def _sum(cond: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def responsibility_summary(db: Database, f: IssueFilter, today: dt.date | None = None,
                           by_person: bool = True) -> list[ResponsibilityRow]:
    """责任清单: per responsible unit (person '') and, within it, per responsible person.

    Over every office (``f.office == scope.ALL``) units are kept apart per office (each county
    has its own 综合科) and each row carries its office's name in ``office``.
    """
    clock = warning_clock(db, today)
    out: list[ResponsibilityRow] = []
    per_office = f.office == scope.ALL
    with db.session() as s:
        conds = conditions(f, clock, s, offices=office_codes(db, f, s))
        cols = [func.count(), _sum(Issue.status == IssueStatus.CLOSED), _sum(clock.sql_is("red")), _sum(clock.sql_is("yellow")),
                _sum(Issue.status == IssueStatus.VOID)]
        keys = [Issue.office_code, Issue.responsible_unit] if per_office else [Issue.responsible_unit]
        units = s.execute(select(*keys, *cols).where(*conds).group_by(*keys).order_by(*keys)).all()
        people: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
        if by_person:
            pkeys = [*keys, Issue.responsible_person]
            for r in s.execute(select(*pkeys, *cols).where(*conds).group_by(*pkeys).order_by(*pkeys)).all():
                people.setdefault(tuple(r[:len(keys)]), []).append(tuple(r[len(keys):]))
    names = {c.code: c.name for c in scope.office_choices(db)} if per_office else {}
    for u in units:
        key = tuple(u[:len(keys)])
        unit = key[-1]
        total, closed, red, yellow, void = (int(n or 0) for n in u[len(keys):])
        office, code = (names.get(key[0], key[0]), key[0]) if per_office else ("", "")
        out.append(_resp(unit, "", total, closed, red, yellow, void, office, code))
        for person, p_total, p_closed, p_red, p_yellow, p_void in people.get(key, []):
            out.append(_resp(unit, person or "（未指定）", p_total, p_closed, p_red, p_yellow, p_void, office, code,
                             person_key=person or ""))
    return out


def _resp(unit: str, person: str, total: int, closed: int, red: int, yellow: int, void: int,
          office: str = "", code: str = "", person_key: str = "") -> ResponsibilityRow:
    counted = int(total) - int(void)
    rate = (int(closed) / counted) if counted else 0.0
    return ResponsibilityRow(unit, person, int(total), counted - int(closed), int(closed), int(red), int(yellow), rate,
                             office, code, person_key)


def supervision_list(db: Database, f: IssueFilter, today: dt.date | None = None,
                     limit: int = 2000) -> list[SupervisionRow]:
    """督办清单: red and yellow items (most overdue first) with their urge history (over every office,
    each names its office)."""
    clock = warning_clock(db, today)
    wanted = [c for c in (f.colours or ["red", "yellow"]) if c in ("red", "yellow")] or ["red", "yellow"]
    g = IssueFilter(**{**f.to_dict(), "colours": wanted})
    with db.session() as s:
        rows = [to_row(r, clock) for r in s.execute(
            select(*_COLUMNS).where(*conditions(g, clock, s, offices=office_codes(db, g, s))).order_by(Issue.deadline, Issue.serial).limit(limit))]
        urges: dict[str, list[UrgeInfo]] = {}
        ids = [r.id for r in rows]
        for start in range(0, len(ids), 500):
            for u in s.execute(select(Urge).where(Urge.issue_id.in_(ids[start:start + 500]), Urge.deleted.is_(False))
                               .order_by(Urge.date)).scalars():
                urges.setdefault(u.issue_id, []).append(urge_info(u))
    cal = clock.calendar
    names = {c.code: c.name for c in scope.office_choices(db)} if f.office == scope.ALL else {}
    return [SupervisionRow(r, urges.get(r.id, []),
                           cal.workdays_between(clock.today, r.deadline).value if r.deadline else None,
                           names.get(r.office_code, r.office_code) if names else "") for r in rows]


class _WorkdayCounter:
    """Working days between many pairs of dates fast: a prefix sum over the span they cover."""

    def __init__(self, cal: WorkCalendar, first: dt.date, last: dt.date) -> None:
        self.first = first
        self.prefix = [0]
        d = first
        while d <= last:
            self.prefix.append(self.prefix[-1] + (1 if cal.is_workday(d).value else 0))
            d += dt.timedelta(days=1)

    def between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]."""
        ia, ib = (a - self.first).days + 1, (b - self.first).days + 1
        return self.prefix[ib] - self.prefix[ia]


def ledger_stats(db: Database, year: int, today: dt.date | None = None, office: str = "") -> LedgerStats:
    """Dashboard figures of one year: closure rate by unit, overdue, average working days to close, per month.

    ``office`` as in ``IssueFilter.office``: this office's own items by default. Over every office
    (``scope.ALL``) the closure rates are per office (county against county), not per unit.
    """
    clock = warning_clock(db, today)
    f = IssueFilter(year=year, office=office)
    group = Issue.office_code if office == scope.ALL else Issue.responsible_unit
    with db.session() as s:
        conds = conditions(f, clock, s, offices=office_codes(db, f, s))
        by_colour = {c: int(n) for c, n in s.execute(
            select(clock.sql_colour().label("c"), func.count()).where(*conds).group_by("c")).all()}
        units = s.execute(select(group, func.count(), _sum(Issue.status == IssueStatus.CLOSED))
                          .where(*conds).group_by(group)).all()
        opened_on = func.coalesce(Issue.assigned_date, as_date(Issue.created_at))
        opened = dict(s.execute(select(cast(extract("month", opened_on), Integer).label("m"), func.count())
                                .where(*conds).group_by("m")).all())
        closed_rows = s.execute(select(opened_on, Issue.closed_at).where(*conds, Issue.status == IssueStatus.CLOSED,
                                                                        Issue.closed_at.is_not(None))).all()
    closed_month = [0] * 12
    spans: list[tuple[dt.date, dt.date]] = []
    for start, end in closed_rows:
        if end is None:
            continue
        if end.year == year:
            closed_month[end.month - 1] += 1
        if isinstance(start, str):
            start = dt.date.fromisoformat(start[:10])
        if start and end >= start:
            spans.append((start, end))
    avg = None
    warnings = list(clock.warnings)
    if spans:
        lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
        counter = _WorkdayCounter(clock.calendar, lo, hi)
        avg = sum(counter.between(a, b) for a, b in spans) / len(spans)
        w = clock.calendar.workdays_between(lo, hi).warning
        if w:
            warnings.append(w)
    if office == scope.ALL:
        names = {c.code: c.name for c in scope.office_choices(db)}
        units = [(names.get(u, u), t, c) for u, t, c in units]  # type: ignore[misc]  # rows become plain tuples
    rates = sorted((UnitRate(u or "（未填）", int(t), int(c), int(c) / int(t) if t else 0.0) for u, t, c in units),
                   key=lambda r: (-r.total, r.unit))
    total = sum(by_colour.values())
    closed_total = sum(int(c) for _u, _t, c in units)
    return LedgerStats(
        year=year, total=total, closed=closed_total, overdue=by_colour.get("red", 0),
        due_soon=by_colour.get("yellow", 0), avg_workdays_to_close=avg, by_unit=rates,
        opened_per_month=[int(opened.get(m, 0)) for m in range(1, 13)], closed_per_month=closed_month,
        by_colour={c: by_colour.get(c, 0) for c in ("red", "yellow", "green", "grey")}, warnings=warnings,
    )


def due_summary(db: Database, today: dt.date | None = None, limit: int = 50, office: str = "") -> DueSummary:
    """逾期与临期: counts and the first ``limit`` overdue and due-soon items of every year, by deadline.

    ``office`` as in ``IssueFilter.office``: this office's own items by default; over every office
    each item names its office.
    """
    clock = warning_clock(db, today)
    out: dict[str, tuple[int, list[DueItem]]] = {}
    names = {c.code: c.name for c in scope.office_choices(db)} if office == scope.ALL and limit > 0 else {}
    with db.session() as s:
        offices = office_codes(db, IssueFilter(office=office), s)
        for colour in ("red", "yellow"):
            conds = conditions(IssueFilter(colours=[colour]), clock, s, offices=offices)
            n = int(s.execute(select(func.count()).select_from(Issue).where(*conds)).scalar() or 0)
            items: list[DueItem] = []
            if limit <= 0:
                out[colour] = (n, items)
                continue
            first = select(Issue.id).where(*conds).order_by(Issue.deadline, Issue.id).limit(limit).subquery()
            for r in s.execute(select(Issue.id, Issue.serial, Issue.description, Issue.responsible_unit, Issue.deadline,
                                      Issue.office_code)
                               .join(first, first.c.id == Issue.id).order_by(Issue.deadline, Issue.id)).all():
                left = clock.calendar.workdays_between(clock.today, r.deadline).value
                items.append(DueItem(r.id, r.serial, r.description, r.responsible_unit, r.deadline, colour, left,
                                     names.get(r.office_code, r.office_code) if names else ""))
            out[colour] = (n, items)
    return DueSummary(clock.today, out["red"][0], out["yellow"][0], out["red"][1], out["yellow"][1],
                      list(clock.warnings))
