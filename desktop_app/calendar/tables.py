"""Which office's holiday rows count for a date (本单位修改 > 上级下发 > 内置日历), and the calendar read from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Holiday, Office, PeerState
from desktop_app.calendar.arithmetic import KINDS, PACKAGE_SOURCE, WITHDRAWN, HolidayDay, WorkCalendar, package_days
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.org import upstream

#: calendars by database, with the (row count, newest stamp) of the table they were read from
_CACHE: dict[int, tuple[tuple[object, ...], WorkCalendar]] = {}


def _plain_kind(d: dt.date) -> str:
    return "workday" if d.weekday() < 5 else "rest"


class _Row(NamedTuple):
    """The columns of a holiday row the rule reads (plain tuples: ORM objects cost 10x to load)."""

    id: str
    date: dt.date
    kind: str
    name: str
    source: str
    verified: bool
    office_code: str
    deleted: bool
    hlc: int | None


@dataclass(frozen=True)
class _Verdict:
    """What one office's rows say about one date: a kind, or ``None`` for "ordinary" (removed)."""

    kind: str | None
    edit: bool  # entered, imported, verified or removed — not the package seed
    row: _Row | None


@dataclass(frozen=True)
class _Day:
    """The winning verdict for a date, with the verdicts it beat."""

    office: str
    verdict: _Verdict
    beaten: tuple[tuple[str, _Verdict], ...]


def _office_verdict(rows: list[_Row]) -> _Verdict | None:
    """What one office's rows of a date say (None: nothing — every row withdrawn by ``revert_day``)."""
    live = [h for h in rows if not h.deleted]
    if not live:
        if all(h.source == WITHDRAWN for h in rows):
            return None
        # every row of the date removed by this office: ordinary (the newest tombstone names it)
        return _Verdict(None, True, max(rows, key=lambda h: (h.hlc or 0, h.id)))
    best = max(live, key=lambda h: ((2 if h.verified else 0) + (1 if h.source != PACKAGE_SOURCE else 0), h.hlc or 0, h.id))
    return _Verdict(best.kind, bool(best.verified) or best.source != PACKAGE_SOURCE, best)


def _decide(by_office: dict[str, list[_Row]], me: str, above: list[str]) -> _Day | None:
    """The rule of the module docstring for one date (None when no counted office has a row)."""
    ranked: list[tuple[int, str, _Verdict]] = []
    for code, rows in by_office.items():
        v = _office_verdict(rows)
        if v is None:
            continue
        if code == me:
            tier = 30 if v.edit else 0
        else:
            nearest = len(above) - above.index(code)  # the nearer parent wins a tie
            tier = (20 if v.edit else 10) + nearest
        ranked.append((tier, code, v))
    if not ranked:
        return None
    ranked.sort(key=lambda r: r[0], reverse=True)
    _t, code, v = ranked[0]
    return _Day(code, v, tuple((c, w) for _t2, c, w in ranked[1:]))


def _counted(s: Session) -> tuple[str, list[str]]:
    me = str(s.info.get("office_code") or "")
    return me, upstream.upstream_codes(s, me) if me else []


def _rows_by_date(s: Session, codes: list[str], d: dt.date | None = None,
                  years: tuple[int, int] | None = None) -> dict[dt.date, dict[str, list[_Row]]]:
    q = select(Holiday.id, Holiday.date, Holiday.kind, Holiday.name, Holiday.source, Holiday.verified,
               Holiday.office_code, Holiday.deleted, Holiday.hlc)
    if codes:
        q = q.where(Holiday.office_code.in_(codes))
    if d is not None:
        q = q.where(Holiday.date == d)
    if years is not None:
        q = q.where(Holiday.date >= dt.date(years[0], 1, 1), Holiday.date <= dt.date(years[1], 12, 31))
    out: dict[dt.date, dict[str, list[_Row]]] = {}
    for r in s.execute(q):
        h = _Row(*r)
        out.setdefault(h.date, {}).setdefault(h.office_code, []).append(h)
    return out


def _effective(s: Session, d: dt.date | None = None, years: tuple[int, int] | None = None,
               keep_removed: bool = False) -> tuple[dict[dt.date, _Day], set[int]]:
    """Each date's winning verdict under the rule, and the years live counted rows cover.

    A date whose winner is a removal (an ordinary day) is left out, unless ``keep_removed``.
    """
    me, above = _counted(s)
    codes = [me, *above] if me else []
    out: dict[dt.date, _Day] = {}
    covered: set[int] = set()
    for day, by_office in _rows_by_date(s, codes, d, years).items():
        if day.year not in covered and any(not h.deleted for rows in by_office.values() for h in rows):
            covered.add(day.year)
        if not me:  # a database not yet set up: every row is its own
            by_office = {"": [h for rows in by_office.values() for h in rows]}
        if len(by_office) == 1:  # the usual case: one office has rows for the date, nothing to rank
            [(code, rows)] = by_office.items()
            if len(rows) == 1 and not rows[0].deleted:
                out[day] = _Day(code, _Verdict(rows[0].kind, rows[0].verified or rows[0].source != PACKAGE_SOURCE,
                                               rows[0]), ())
                continue
        won = _decide(by_office, me, above)
        if won is not None and (won.verdict.kind is not None or keep_removed):
            out[day] = won
    return out, covered


def _live_dates(s: Session) -> list[dt.date]:
    """The dates of the live rows that count here: this office's and its parent office(s)'."""
    me, above = _counted(s)
    q = select(Holiday.date).where(Holiday.deleted.is_(False))
    if me:
        q = q.where(Holiday.office_code.in_([me, *above]))
    return list(s.execute(q).scalars())


def _own_live(s: Session, d: dt.date) -> list[Holiday]:
    me = str(s.info.get("office_code") or "")
    q = select(Holiday).where(Holiday.date == d, Holiday.deleted.is_(False))
    if me:
        q = q.where(Holiday.office_code == me)  # another office's rows are never changed here
    return list(s.execute(q.order_by(Holiday.hlc, Holiday.id)).scalars())


def calendar_from_rows(rows: Iterable[tuple[dt.date, str, str, bool]]) -> WorkCalendar:
    """Build a calendar from (date, kind, source, verified) rows.

    Several rows may name one date (each office may seed its own, the prefecture
    sends its table): a verified or hand-entered row wins over a package row.
    """
    best: dict[dt.date, tuple[int, str]] = {}
    for d, kind, source, verified in rows:
        rank = (2 if verified else 0) + (1 if source != PACKAGE_SOURCE else 0)
        if d not in best or rank >= best[d][0]:
            best[d] = (rank, kind)
    days = {d: kind for d, (_rank, kind) in best.items()}
    return WorkCalendar(days, frozenset(d.year for d in days))


def load_calendar(db: Database) -> WorkCalendar:
    """The calendar from the holiday table (this office's rows and its parent's, by the rule of the
    module docstring); before the table is seeded, from the package itself.

    The fallback uses the very data ``seed_from_package`` would write, so a
    fresh database counts the same days as a seeded one.
    """
    with db.session() as s:
        # an office's parent (so whose rows count) changes with its Office row
        stamp = (*s.execute(select(func.count(Holiday.id), func.max(Holiday.hlc))).one(),
                 *s.execute(select(func.count(Office.id), func.max(Office.hlc))).one(),
                 # a trusted card may name the one prefecture a county without a parent code counts
                 *s.execute(select(func.count(PeerState.peer_code), func.max(PeerState.trusted_at))
                            .where(PeerState.trusted.is_(True), PeerState.revoked.is_(False))).one())
        cached = _CACHE.get(id(db))
        if cached is not None and cached[0] == stamp:
            return cached[1]
        days, covered = _effective(s)
    if covered:
        cal = WorkCalendar({d: won.verdict.kind or "" for d, won in days.items()}, frozenset(covered))
    else:
        cal = calendar_from_rows((d, kind, PACKAGE_SOURCE, False) for d, (kind, _name) in package_days().items())
    _CACHE[id(db)] = (stamp, cal)
    return cal


def calendar_in_session(s: Session) -> WorkCalendar:
    """The calendar as the caller's open transaction sees it (rows written and flushed in it count),
    uncached: ``load_calendar`` reads committed rows only."""
    s.flush()
    days, covered = _effective(s)
    if covered:
        return WorkCalendar({d: won.verdict.kind or "" for d, won in days.items()}, frozenset(covered))
    return calendar_from_rows((d, kind, PACKAGE_SOURCE, False) for d, (kind, _name) in package_days().items())


def seed_in_session(s: Session) -> int:
    """Write the package's days for every year not yet in the table (inside the caller's transaction).

    A year the parent office's table (sent down) covers is in the table already.
    """
    have = {d.year for d in _live_dates(s)}
    added = 0
    for d, (kind, name) in sorted(package_days().items()):
        if d.year in have:
            continue
        s.add(Holiday(date=d, kind=kind, name=name, source=PACKAGE_SOURCE, verified=False))
        added += 1
    return added


def seed_from_package(db: Database, actor: Actor) -> int:
    """Seed the holiday table from the chinese_calendar package for the years it lacks; returns rows added."""
    with db.transaction() as s:
        added = seed_in_session(s)
        if added:
            audit.record(s, actor, "seed_holidays", "holiday", "", {"rows": added, "source": PACKAGE_SOURCE})
    return added


def _describe(who: str, v: _Verdict) -> str:
    what = KINDS.get(v.kind, v.kind) if v.kind else "普通日（已删除）"
    source = "内置日历" if v.row is not None and v.row.source == PACKAGE_SOURCE and not v.edit else ""
    return f"{who}{'·' + source if source else ''}：{what}"


def _seeded_years(s: Session, me: str, years: tuple[int, int] | None) -> set[int]:
    """The years this office counts the package for: it has live package rows of its own there."""
    q = select(Holiday.date).where(Holiday.source == PACKAGE_SOURCE, Holiday.deleted.is_(False))
    if me:
        q = q.where(Holiday.office_code == me)
    if years is not None:
        q = q.where(Holiday.date >= dt.date(years[0], 1, 1), Holiday.date <= dt.date(years[1], 12, 31))
    return {d.year for d in s.execute(q).scalars()}


def _overridden(won: _Day, me: str, d: dt.date, seeded: set[int],
                package: dict[dt.date, tuple[str, str]]) -> list[tuple[str | None, _Verdict]]:
    """The verdicts the winner of ``d`` overrides that say something else, nearest first; ``None``
    as the code names the built-in calendar under this office's own edit (its seed row became the
    edit) where no parent office has a row for the date."""
    out: list[tuple[str | None, _Verdict]]
    if won.verdict.kind is None:  # a removal: an ordinary day, so what differs is what is not ordinary
        plain = _plain_kind(d)
        out = [(c, v) for c, v in won.beaten if (v.kind or plain) != plain]
    else:
        out = [(c, v) for c, v in won.beaten if v.kind != won.verdict.kind]
    mine = won.verdict.kind or _plain_kind(d)
    # the built-in day decides only where no parent office has a word on the date (the rule's step 3)
    if (won.office == me and won.verdict.edit and not won.beaten and d.year in seeded and d in package
            and package[d][0] != mine):
        out.append((None, _Verdict(package[d][0], False, None)))
    return out


def list_days(db: Database, year: int | None = None) -> list[HolidayDay]:
    """The exceptional days (of one year, or all), by date: one per date, the row that decides it
    (this office's or its parent's, see the module docstring), with what it overrides.

    A day this office removed is listed (``removed``) only when it overrides a day of the parent
    office or of the built-in calendar, so that the removal can be seen and taken back.
    """
    with db.session() as s:
        me, _above = _counted(s)
        span = (year, year) if year is not None else None
        days, _covered = _effective(s, years=span, keep_removed=True)
        seeded = _seeded_years(s, me, span)
        package = package_days()
        codes = {won.office for won in days.values()} | {c for won in days.values() for c, _v in won.beaten}
        labels: dict[str | None, str] = {None: "内置日历"}
        labels.update(upstream.origin_labels(s, me, codes))
        out = []
        for d in sorted(days):
            won = days[d]
            h = won.verdict.row
            assert h is not None  # a winning kind comes from a live row, a removal from its newest tombstone
            differ = _overridden(won, me, d, seeded, package)
            removed = won.verdict.kind is None
            if removed and won.office == me and not differ:
                # removed here over a parent's day that is ordinary anyway (a Saturday off): show theirs
                shown = next((v.row for _c, v in won.beaten if v.kind is not None and v.row is not None), None)
                if shown is not None:
                    out.append(HolidayDay(shown.id, d, shown.kind, shown.name, shown.source, shown.verified,
                                          shown.office_code, labels[shown.office_code]))
                continue
            if removed and won.office != me:
                continue  # removed by the parent office: an ordinary day, nothing to list
            overrides = "；".join(_describe(labels[c], v) for c, v in differ)
            can_revert = won.office == me and won.verdict.edit and bool(differ)
            out.append(HolidayDay(h.id, h.date, _plain_kind(d) if removed else h.kind, "" if removed else h.name,
                                  h.source, h.verified, h.office_code, labels[h.office_code], overrides,
                                  removed, can_revert))
        return out
