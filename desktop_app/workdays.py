"""China's official working-day calendar (工作日): statutory holidays off, 调休 make-up days on.

The calendar is the ``holiday`` table: one row per exceptional day — ``rest``
(a holiday, including weekend days inside a holiday span) or ``workday`` (a
weekend day made a working day by 调休). Every other day is a working day
when it is Monday–Friday.

The table is seeded from the ``chinese_calendar`` package for the years that
package covers, can be edited (``set_day`` / ``remove_day``) and imported
from a spreadsheet (``import_days``). A year with no rows is *uncovered*: the
arithmetic then falls back to Monday–Friday and every result names the
uncovered years, so a caller can show a warning instead of guessing silently.

Tables sent down. A prefecture sends its holiday table in bundles; its rows keep
the prefecture's ``office_code``, so a county's table holds its own rows (seeded from
the package, entered or imported) and its parent office's (see
``desktop_app.services.upstream``; other counties' rows a prefecture relays never
count). For each date the rule is, strongest first:

1. this office's own edit (entered, imported, verified — or removed: a tombstone of
   its own row makes the day ordinary again);
2. the parent office's table (any row, or its removal), nearest parent first;
3. this office's package seed.

An own edit can be taken back (``revert_day``, 恢复上级设置 / 撤销本单位修改): its rows are
tombstoned with ``source = WITHDRAWN``, and an office whose rows of a date are all
withdrawn tombstones says nothing about it, so step 2 or 3 decides again (when the office
counts the package for that year, the package's day is written back as its seed row).

So a county may correct a day locally and keep it, the prefecture's table beats the
county's built-in calendar (which may be an older package), and a year the received
table covers is covered. A row whose kind is what the weekday is anyway (a
“workday” Monday, written to override a parent's holiday) reads 正常上班.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Holiday, Office, PeerState
from desktop_app import audit
from desktop_app.audit import Actor
from desktop_app.errors import ValidationError
from desktop_app.services import upstream

T = TypeVar("T")
#: calendars by database, with the (row count, newest stamp) of the table they were read from
_CACHE: dict[int, tuple[tuple[object, ...], WorkCalendar]] = {}

PACKAGE_SOURCE = "chinese_calendar"
#: the source of an own row taken back by ``revert_day``: a tombstone that says nothing about its date
WITHDRAWN = "withdrawn"
KINDS = {"rest": "休息日", "workday": "调休上班"}
#: the stored ``source`` codes → what a clerk reads in 来源
SOURCE_LABELS = {PACKAGE_SOURCE: "内置日历", "manual": "手工录入", "import": "表格导入", WITHDRAWN: "已撤销"}
#: English names in the chinese_calendar package → the Chinese names clerks use
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


@dataclass(frozen=True)
class WorkdayResult(Generic[T]):
    """A working-day answer and the years it had to count as plain Monday–Friday.

    ``uncovered_years`` is empty when every day counted is in the holiday table.
    """

    value: T
    uncovered_years: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no day fell in a year the holiday table does not cover."""
        return not self.uncovered_years

    @property
    def warning(self) -> str:
        """A Chinese warning for the UI ('' when the result is exact)."""
        if not self.uncovered_years:
            return ""
        years = "、".join(f"{y}年" for y in self.uncovered_years)
        return f"节假日表未包含{years}，已按周一至周五推算工作日，结果可能不准确；请在 设置 → 节假日 中导入{years}的放假安排"


@dataclass
class WorkCalendar:
    """The working-day calendar: exceptional days by date and the years the table covers."""

    days: dict[dt.date, str] = field(default_factory=dict)  # date → rest|workday
    covered_years: frozenset[int] = frozenset()
    _sorted: list[dt.date] | None = field(default=None, repr=False, compare=False)

    def _is_workday(self, d: dt.date) -> bool:
        kind = self.days.get(d)
        if kind is not None:
            return kind == "workday"
        return d.weekday() < 5

    def _uncovered(self, years: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted({y for y in years if y not in self.covered_years}))

    def is_workday(self, d: dt.date) -> WorkdayResult[bool]:
        """Whether ``d`` is a working day."""
        return WorkdayResult(self._is_workday(d), self._uncovered([d.year]))

    def add_workdays(self, start: dt.date, n: int) -> WorkdayResult[dt.date]:
        """The date of the n-th working day after ``start`` (``start`` itself not counted).

        ``add_workdays(assigned, 7)`` is the deadline of “7个工作日内”. n = 0 gives
        ``start``; a negative n counts backwards.
        """
        d = start
        step = 1 if n >= 0 else -1
        left = abs(n)
        years = {start.year}
        while left > 0:
            d += dt.timedelta(days=step)
            years.add(d.year)
            if self._is_workday(d):
                left -= 1
        return WorkdayResult(d, self._uncovered(years))

    def workdays_between(self, a: dt.date, b: dt.date) -> WorkdayResult[int]:
        """Working days in (a, b]: ``workdays_between(a, add_workdays(a, n)) == n``.

        Negative when ``b`` is before ``a``.
        """
        if b < a:
            r = self.workdays_between(b, a)
            return WorkdayResult(-r.value, r.uncovered_years)
        count = _weekdays_in(a, b)
        # then correct for the exceptional days in (a, b]: few, found by bisection
        lo = bisect.bisect_right(self._sorted_days(), a)
        hi = bisect.bisect_right(self._sorted_days(), b)
        for d in self._sorted_days()[lo:hi]:
            plain = d.weekday() < 5
            if self.days[d] == "workday" and not plain:
                count += 1
            elif self.days[d] == "rest" and plain:
                count -= 1
        return WorkdayResult(count, self._uncovered(range(a.year, b.year + 1)))

    def _sorted_days(self) -> list[dt.date]:
        if self._sorted is None or len(self._sorted) != len(self.days):
            self._sorted = sorted(self.days)
        return self._sorted


def _weekdays_in(a: dt.date, b: dt.date) -> int:
    """Monday–Friday days in (a, b], a <= b."""
    days = (b - a).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    wd = a.weekday()
    for k in range(1, rest + 1):
        if (wd + k) % 7 < 5:
            count += 1
    return count


@dataclass(frozen=True)
class HolidayDay:
    """One row of the holiday table, as plain data."""

    id: str
    date: dt.date
    kind: str
    name: str
    source: str
    verified: bool

    #: whose row decides the day: this office's, or its parent office's (sent down)
    office_code: str = ""
    #: 本单位, or “<上级单位>下发”
    origin: str = "本单位"
    #: what this day overrides, e.g. “西双版纳州下发：休息日” ('' when nothing)
    overrides: str = ""
    #: this office removed the day (an ordinary day now) over a day the parent office or the built-in
    #: calendar has: listed so that the removal can be seen and taken back
    removed: bool = False
    #: this office's own edit (or removal) overrides something: ``revert_day`` takes it back
    can_revert: bool = False

    @property
    def source_label(self) -> str:
        """来源 as a clerk reads it (内置日历, 手工录入, 国务院办公厅通知 …)."""
        return source_label(self.source)

    @property
    def kind_label(self) -> str:
        """休息日 / 调休上班 (正常上班 for a weekday made ordinary over a parent office's holiday)."""
        if self.removed:
            return "普通日（本单位已删除）"
        if self.kind == "workday" and self.date.weekday() < 5:
            return "正常上班"
        return KINDS.get(self.kind, self.kind)


def source_label(source: str) -> str:
    """What a clerk reads for a stored holiday ``source``: 内置日历 / 手工录入 / 表格导入, or the free text
    with any Python package name taken out (older demo data wrote “国务院办公厅通知（chinese-calendar）”)."""
    if source in SOURCE_LABELS:
        return SOURCE_LABELS[source]
    text = re.sub(r"[（(]\s*chinese[-_ ]calendar\s*[)）]", "", source, flags=re.IGNORECASE).strip()
    if re.fullmatch(r"chinese[-_ ]calendar", text, flags=re.IGNORECASE):
        return SOURCE_LABELS[PACKAGE_SOURCE]
    return text or source


def package_days() -> dict[dt.date, tuple[str, str]]:
    """Every exceptional day the chinese_calendar package knows: date → (kind, Chinese name)."""
    from chinese_calendar import constants

    out: dict[dt.date, tuple[str, str]] = {}
    for d, name in constants.holidays.items():
        out[d] = ("rest", HOLIDAY_NAMES.get(str(name), str(name)))
    for d, name in constants.workdays.items():
        out[d] = ("workday", HOLIDAY_NAMES.get(str(name), str(name)))
    return out


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


def revert_day(db: Database, actor: Actor, d: dt.date) -> int:
    """恢复上级设置 / 撤销本单位修改: take back this office's own edit (or removal) of a date that
    overrides a day of the parent office or of the built-in calendar; returns rows changed.

    The office's rows of the date are tombstoned as withdrawn (``WITHDRAWN``), so the parent
    office's table decides the day again, or, with no parent row, the built-in calendar: when
    this office counts the package for the year, the package's day is written back as its seed
    row. Synced rows are never deleted; the change travels in bundles like any other edit.
    """
    with db.transaction() as s:
        me, _above = _counted(s)
        won = _effective(s, d, keep_removed=True)[0].get(d)
        seeded = _seeded_years(s, me, (d.year, d.year))
        package = package_days()
        if won is None or won.office != me or not won.verdict.edit or not _overridden(won, me, d, seeded, package):
            raise ValidationError(f"本单位没有修改 {d.isoformat()} 这一天，没有可恢复的上级或内置日历设置",
                                  "只有本单位修改或删除过、覆盖了上级下发或内置日历的日子才能恢复；"
                                  "本单位自己添加的日子请用“删除”", field="date")
        q = select(Holiday).where(Holiday.date == d)
        if me:
            q = q.where(Holiday.office_code == me)  # another office's rows are never changed here
        own = list(s.execute(q.order_by(Holiday.hlc, Holiday.id)).scalars())
        keep: Holiday | None = None
        changed = 0
        if d in package and d.year in seeded:  # back to this office's built-in day (the rule ranks it last)
            kind, name = package[d]
            keep = next((h for h in own if not h.deleted), None)
            if keep is None:
                keep = Holiday(date=d, kind=kind, name=name, source=PACKAGE_SOURCE, verified=False)
                s.add(keep)  # a new row rather than an undeleted tombstone
            else:
                keep.kind, keep.name, keep.source, keep.verified = kind, name, PACKAGE_SOURCE, False
            changed += 1
        for h in own:
            if h is keep or (h.deleted and h.source == WITHDRAWN):
                continue
            h.deleted, h.source = True, WITHDRAWN
            changed += 1
        s.flush()
        audit.record(s, actor, "revert_holiday", "holiday", keep.id if keep is not None else own[0].id,
                     {"date": d.isoformat(), "rows": changed, "to": "package" if keep is not None else "upstream"})
        return changed


def sent_down_warning(db: Database) -> str:
    """A Chinese warning when a prefecture office's holiday table is here but does not count (a
    mistyped or missing 上级单位代码), or counts only by guess; '' when all is as it should be."""
    with db.session() as s:
        me = str(s.info.get("office_code") or "")
        if not me:
            return ""
        senders = set(s.execute(select(Holiday.office_code).where(Holiday.deleted.is_(False)).distinct()).scalars())
        return upstream.unused_upstream_warning(s, me, {c for c in senders if c} - {me}, "节假日表")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(f"日期类型“{kind}”无效", "请选择 休息日(rest) 或 调休上班(workday)", field="kind")


def _set_in_session(s: Session, d: dt.date, kind: str, name: str, source: str) -> None:
    # only this office's rows: a day the parent office sent down is overridden by a row of our own
    existing = _own_live(s, d)
    if existing:
        for h in existing[1:]:
            h.deleted = True  # one date, one row of ours: extras (e.g. seeded twice) are tombstoned
        h = existing[0]
        h.kind, h.name, h.source, h.verified = kind, name, source, True
    else:
        s.add(Holiday(date=d, kind=kind, name=name, source=source, verified=True))


def _seed_if_empty(s: Session) -> None:
    """An empty table means "use the package's days" (load_calendar); the first edit must not
    silently drop them, so the package's days are written first."""
    if not _live_dates(s):
        seed_in_session(s)


def set_day(db: Database, actor: Actor, d: dt.date, kind: str, name: str = "") -> None:
    """Mark one date as a rest day or a 调休 working day (hand-entered rows count as verified)."""
    _check_kind(kind)
    with db.transaction() as s:
        _seed_if_empty(s)
        _set_in_session(s, d, kind, name.strip(), "manual")
        audit.record(s, actor, "set_holiday", "holiday", "", {"date": d.isoformat(), "kind": kind, "name": name})


def remove_day(db: Database, actor: Actor, d: dt.date) -> int:
    """Make a date ordinary again; returns rows removed (or 1 for the overriding row written).

    This office's rows of the date are tombstoned (which, by the rule, also overrides the
    parent's day). When it had none and the day comes from the parent office's table, a
    row of its own saying what the weekday is anyway (a Monday at work) overrides it: the
    parent's rows are never changed here.
    """
    with db.transaction() as s:
        _seed_if_empty(s)
        removed = _remove_in_session(s, d)
        audit.record(s, actor, "remove_holiday", "holiday", "", {"date": d.isoformat(), "rows": removed})
        return removed


def _remove_in_session(s: Session, d: dt.date) -> int:
    rows = _own_live(s, d)
    for h in rows:
        h.deleted = True
    s.flush()
    removed = len(rows)
    still = _effective(s, d)[0].get(d)
    if not rows and still is not None and still.verdict.kind != _plain_kind(d):
        s.add(Holiday(date=d, kind=_plain_kind(d), name="恢复正常", source="manual", verified=True))
        removed = 1
    return removed


def move_day(db: Database, actor: Actor, old: dt.date, d: dt.date, kind: str, name: str = "") -> None:
    """修改 a day's date: ``d`` gets the kind and name and ``old`` is made ordinary (see ``remove_day``),
    in one transaction — a failure leaves both dates as they were."""
    _check_kind(kind)
    with db.transaction() as s:
        _seed_if_empty(s)
        _set_in_session(s, d, kind, name.strip(), "manual")
        s.flush()
        removed = _remove_in_session(s, old) if old != d else 0
        audit.record(s, actor, "move_holiday", "holiday", "", {"from": old.isoformat(), "date": d.isoformat(),
                                                               "kind": kind, "name": name, "rows": removed})


def import_days(db: Database, actor: Actor, days: list[tuple[dt.date, str, str]], source: str = "import",
                then: Callable[[Session], object] | None = None) -> int:
    """Import (date, kind, name) rows, e.g. read from a spreadsheet the prefecture sent — all or nothing.

    ``then`` runs inside the same transaction once the rows are written (and flushed): the
    deadlines estimated for the years imported are counted again there (``holiday_notice.save_days``).
    """
    for i, (d, kind, _name) in enumerate(days, start=1):
        if not isinstance(d, dt.date):
            raise ValidationError(f"第{i}行日期“{d}”无效", "请填写日期，例如 2027-01-01", field="date", row=i)
        if kind not in KINDS:
            raise ValidationError(f"第{i}行类型“{kind}”无效", "请填写 休息日 或 调休上班", field="kind", row=i)
    with db.transaction() as s:
        _seed_if_empty(s)
        for d, kind, name in days:
            _set_in_session(s, d, kind, name, source)
        audit.record(s, actor, "import_holidays", "holiday", "", {"rows": len(days), "source": source})
        if then is not None:
            s.flush()
            then(s)
    return len(days)


def write_days_in_session(s: Session, days: list[tuple[dt.date, str, str]], source: str,
                          replace_sources: tuple[str, ...] = ()) -> int:
    """Write (date, kind, name) rows as this office's own (verified) rows inside the caller's transaction;
    returns rows written. ``replace_sources``: this office's live rows of the same years with one of
    these sources and a date not in ``days`` are tombstoned (a year's new table replaces the built-in
    one and an earlier import of the same kind; hand-entered local days stay)."""
    _seed_if_empty(s)
    for d, kind, name in days:
        _set_in_session(s, d, kind, name, source)
    if replace_sources and days:
        me = str(s.info.get("office_code") or "")
        keep = {d for d, _k, _n in days}
        years = {d.year for d in keep}
        q = select(Holiday).where(Holiday.deleted.is_(False), Holiday.source.in_(replace_sources),
                                  Holiday.date >= dt.date(min(years), 1, 1), Holiday.date <= dt.date(max(years), 12, 31))
        if me:
            q = q.where(Holiday.office_code == me)
        for h in s.execute(q).scalars():
            if h.date.year in years and h.date not in keep:
                h.deleted = True
    s.flush()
    return len(days)


def parse_kind(text: str) -> str:
    """A kind code from what a spreadsheet says (休/休息/放假 → rest, 班/上班/调休上班 → workday)."""
    t = (text or "").strip().lower()
    if t in {"rest", "休", "休息", "休息日", "放假", "假"}:
        return "rest"
    if t in {"workday", "班", "上班", "调休", "调休上班", "补班", "工作日"}:
        return "workday"
    return t


def read_holiday_sheet(path: Path) -> list[tuple[dt.date, str, str]]:
    """Rows (date, kind, name) of a holiday spreadsheet (.xlsx/.xls) the prefecture sends.

    The first sheet: a header row naming 日期, 类型 (休/班, 休息日/调休上班) and optionally 名称,
    then one day per row. Every bad row is reported with its row number; nothing is returned
    then (pass the result to ``import_days`` to write it — all or nothing).
    """
    from python_calamine import CalamineError, load_workbook

    try:
        wb = load_workbook(str(path))
        rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as exc:
        raise ValidationError(f"无法读取节假日表“{Path(path).name}”（{exc}）", "请选择 .xlsx 或 .xls 格式的节假日表") from exc
    header_at = next((i for i, r in enumerate(rows[:10]) if any(str(c).strip() == "日期" for c in r)), None)
    if header_at is None:
        raise ValidationError("节假日表中没有找到“日期”列", "请在第一行写上列名：日期、类型、名称")
    header = [str(c).strip() for c in rows[header_at]]
    col_date = header.index("日期")
    col_kind = next((i for i, h in enumerate(header) if h in ("类型", "休/班", "安排")), None)
    col_name = next((i for i, h in enumerate(header) if h in ("名称", "节日", "节假日")), None)
    if col_kind is None:
        raise ValidationError("节假日表中没有找到“类型”列", "请增加“类型”列，填写 休 或 班")
    out: list[tuple[dt.date, str, str]] = []
    problems: list[str] = []
    for n, r in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = list(r) + [""] * (len(header) - len(r))
        raw_date, raw_kind = cells[col_date], str(cells[col_kind]).strip()
        if raw_date in ("", None) and not raw_kind:
            continue
        d = _sheet_date(raw_date)
        kind = parse_kind(raw_kind)
        if d is None:
            problems.append(f"第{n}行日期“{raw_date}”无法识别")
        elif kind not in KINDS:
            problems.append(f"第{n}行类型“{raw_kind}”无法识别")
        else:
            out.append((d, kind, str(cells[col_name]).strip() if col_name is not None else ""))
    if problems:
        raise ValidationError("；".join(problems[:5]) + ("等" if len(problems) > 5 else ""),
                              "日期写作 2027-01-01，类型写作 休 或 班；改正后重新导入，本次未导入任何内容")
    return out


def _sheet_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("年", "-").replace("月", "-").replace("日", "").replace(".", "-")
    text = text.replace("/", "-")
    try:
        y, m, d = (int(p) for p in text.split("-")[:3])
        return dt.date(y, m, d)
    except (ValueError, TypeError):
        return None
