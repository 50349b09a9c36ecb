"""Reading the ledger (问题清单): filters, counts, pages by key, streams for export and print.

Rows are plain ``IssueRow`` data with Chinese labels and the computed warning
colour. The table asks for ``count_issues`` and then pages of rows:
``fetch_page`` continues after the last row of a neighbouring page (keyset,
constant time at any depth), or from either end by a small offset — never
loading all ids. Exports stream ``iter_issue_rows`` in serial order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, bindparam, case, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from db.dialect import is_sqlite
from db.engine import Database
from db.models import Issue
from db.models_ledger import SERIAL_ORDER_SQL, serial_order_value
from desktop_app.core.ledger_codes import (
    ISSUE_KIND_LABELS,
    ISSUE_SOURCE_LABELS,
    ISSUE_STATUS_LABELS,
    OPEN_STATUSES,
    IssueStatus,
)
from desktop_app.ledger import search
from desktop_app.ledger.completeness import incomplete_condition
from desktop_app.ledger.estimates import is_estimate
from desktop_app.ledger.types import IssueRow
from desktop_app.ledger.warnings import COLOUR_LABELS, WarningClock, warning_clock
from desktop_app.org import scope


@dataclass
class IssueFilter:
    """What the filter bar holds. Empty fields do not filter.

    ``statuses``/``colours``/codes use the codes of the label tables; ``unit``,
    ``person`` and ``category`` match exactly; ``text`` finds Chinese substrings
    (every whitespace-separated word must occur). ``office`` picks whose items
    (see ``desktop_app.org.scope``): by default this office's own, never
    the rows a prefecture relayed from other counties.
    """

    year: int | None = None
    statuses: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    unit: str = ""
    person: str = ""
    category: str = ""
    source: str = ""
    kind: str = ""
    text: str = ""
    include_void: bool = False
    #: only items lacking a required element (待完善: measures, responsible unit or person, a 限期整改 deadline)
    incomplete: bool = False
    #: whose items (scope.resolve): "" this office, a county's code, or scope.ALL (prefecture only)
    office: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (saved filters)."""
        return {"year": self.year, "statuses": list(self.statuses), "colours": list(self.colours),
                "unit": self.unit, "person": self.person, "category": self.category, "source": self.source,
                "kind": self.kind, "text": self.text, "include_void": self.include_void,
                "office": self.office, "incomplete": self.incomplete}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> IssueFilter:
        """Back from ``to_dict`` (unknown keys ignored)."""
        f = cls()
        for k in f.to_dict():
            if k in d:
                setattr(f, k, d[k])
        return f


#: sort keys the table offers (column name → SQL expression); "colour" sorts red first
SORT_KEYS = ("serial", "year", "source", "category", "description", "measures", "kind", "lead_leader",
             "responsible_unit", "co_units", "responsible_person", "assigned_date", "deadline",
             "original_deadline", "status", "progress_percent", "latest_progress", "closed_at", "colour",
             "office_code")
#: serials in natural order, exactly as the index ix_issue_year_serial has it (so SQLite walks the index)
_SERIAL_ORDER: ColumnElement[str] = literal_column(SERIAL_ORDER_SQL.replace("serial", "issue.serial"))
#: sort keys whose expression is never NULL (serial is NOT NULL; the colour rank has an ELSE)
NEVER_NULL_SORTS = frozenset({"serial", "colour"})
#: (sort value, id) of a row: where the next page starts
PageKey = tuple[Any, str]

_COLUMNS = (Issue.id, Issue.serial, Issue.year, Issue.source, Issue.category, Issue.description, Issue.measures,
            Issue.kind, Issue.lead_leader, Issue.responsible_unit, Issue.co_units, Issue.responsible_person,
            Issue.assigned_date, Issue.deadline, Issue.original_deadline, Issue.status, Issue.progress_percent,
            Issue.latest_progress, Issue.closure_state, Issue.closed_at, Issue.office_code, Issue.deadline_basis,
            Issue.deadline_workdays)


def _colour_rank(clock: WarningClock) -> ColumnElement[int]:
    c = clock.sql_colour()
    return case((c == "red", 0), (c == "yellow", 1), (c == "green", 2), else_=3)


def _sort_expr(sort_key: str, clock: WarningClock) -> ColumnElement[Any]:
    if sort_key == "colour":
        return _colour_rank(clock)
    if sort_key == "serial":
        return _SERIAL_ORDER
    if sort_key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort_key!r}")
    return getattr(Issue, sort_key)  # type: ignore[no-any-return]


_OFFICE_RANGE_SQL = "SELECT (SELECT min(office_code) FROM issue), (SELECT max(office_code) FROM issue)"
#: up to this many rows of other offices are excluded by rowid (see ``OfficeLimit``)
EXCLUDE_AT_MOST = 20_000
_OTHERS_SQL = ("SELECT count(*) FROM (SELECT 1 FROM issue WHERE office_code < ? OR office_code > ? LIMIT "
               f"{EXCLUDE_AT_MOST + 1})")


@dataclass(frozen=True)
class OfficeLimit:
    """How a query keeps to one office's rows (from ``office_codes``).

    The ledger's covering indexes do not hold ``office_code``: testing it reads every row's
    table page (6x slower counts at 100k). A county holding a few relayed rows of other
    counties therefore excludes those rows by rowid, which every index carries; only when the
    other offices' rows are many (a prefecture looking at one county) is ``office_code`` tested.
    """

    code: str
    #: exclude the (few) rows of other offices by rowid instead of testing office_code
    exclude_others: bool = False

    def condition(self) -> ColumnElement[bool]:
        """The WHERE condition."""
        if not self.exclude_others:
            return Issue.office_code == self.code
        others = text("SELECT rowid FROM issue WHERE office_code < :oc_lo OR office_code > :oc_hi").bindparams(
            oc_lo=self.code, oc_hi=self.code).columns(rowid=Integer)
        return literal_column("issue.rowid").not_in(others)


def office_codes(db: Database, f: IssueFilter, s: Session) -> OfficeLimit | None:
    """How a query of ``f`` must be limited to its office, or None when no office condition is needed.

    None for every office (``scope.ALL``) and, the usual case, when every row in the database
    already belongs to the office asked for (a county without relayed rows): then the query
    carries no office condition and keeps its covering indexes. Two index seeks decide it.
    """
    if not db.office_code and not f.office:
        return None  # before setup there is no own office to limit to
    codes = scope.resolve(db, f.office)
    if codes is None:
        return None
    (code,) = codes
    # one scalar subquery each: SQLite answers a lone min() or max() from the index (both in one
    # SELECT would scan); plain driver SQL, as building the statement would cost more than running it
    conn = s.connection()
    lo, hi = conn.exec_driver_sql(_OFFICE_RANGE_SQL).one()  # PostgreSQL too: its covering indexes lack office_code
    if lo is None or lo == hi == code:
        return None
    if conn.dialect.paramstyle != "qmark":
        return OfficeLimit(code)  # no rowid outside SQLite: office_code is tested
    others = int(conn.exec_driver_sql(_OTHERS_SQL, (code, code)).scalar() or 0)
    return OfficeLimit(code, exclude_others=others <= EXCLUDE_AT_MOST)


def conditions(f: IssueFilter, clock: WarningClock, bind: Session, with_text: bool = True,
               probe: bool = False, offices: OfficeLimit | None = None) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a filter (``with_text=False``: all but the free text).

    ``offices`` (from ``office_codes``) limits the rows to one office; None adds no condition.
    """
    conds: list[ColumnElement[bool]] = [Issue.deleted.is_(False)]
    if offices is not None:
        conds.append(offices.condition())
    if f.year:
        conds.append(Issue.year == int(f.year))
    if f.statuses:
        conds.append(Issue.status.in_(list(f.statuses)))
    elif not f.include_void:
        conds.append(Issue.status != IssueStatus.VOID)
    if f.colours and set(f.colours) != {"red", "yellow", "green", "grey"}:
        conds.append(or_(*[clock.sql_is(c) for c in f.colours]))
    for attr, value in (("responsible_unit", f.unit), ("responsible_person", f.person), ("category", f.category),
                        ("source", f.source), ("kind", f.kind)):
        if value:
            conds.append(getattr(Issue, attr) == value)
    if f.incomplete:
        conds.append(incomplete_condition())
    t = search.text_condition(f.text, bind, probe) if with_text else None
    if t is not None:
        conds.append(t)
    return conds


def to_row(r: Sequence[Any], clock: WarningClock) -> IssueRow:
    """An ``IssueRow`` from a row of ``_COLUMNS``."""
    colour = clock.colour(r[15], r[13])
    return IssueRow(
        id=r[0], serial=r[1], year=r[2], source=r[3], source_label=ISSUE_SOURCE_LABELS.get(r[3], r[3]),
        category=r[4], description=r[5], measures=r[6], kind=r[7], kind_label=ISSUE_KIND_LABELS.get(r[7], r[7]),
        lead_leader=r[8], responsible_unit=r[9], co_units=r[10], responsible_person=r[11], assigned_date=r[12],
        deadline=r[13], original_deadline=r[14], status=r[15], status_label=ISSUE_STATUS_LABELS.get(r[15], r[15]),
        progress_percent=r[16] or 0, latest_progress=r[17], closure_state=r[18], closed_at=r[19], colour=colour,
        colour_label=COLOUR_LABELS[colour], office_code=r[20], deadline_basis=r[21], deadline_workdays=r[22],
        deadline_estimated=is_estimate(clock.calendar, r[21], r[12], r[13]),
    )


def row_key(row: IssueRow, sort_key: str) -> PageKey:
    """Where a page ending (or starting) at ``row`` continues."""
    if sort_key == "colour":
        return ({"red": 0, "yellow": 1, "green": 2, "grey": 3}[row.colour], row.id)
    if sort_key == "serial":
        return (serial_order_value(row.serial), row.id)
    return (getattr(row, sort_key), row.id)


def _after(expr: ColumnElement[Any], key: PageKey, descending: bool) -> ColumnElement[bool]:
    """Rows strictly after ``key`` in (expr, id) order; SQL puts NULLs first ascending, last descending."""
    value, rid = key
    if not descending:
        if value is None:
            return or_(and_(expr.is_(None), Issue.id > rid), expr.is_not(None))
        return or_(expr > value, and_(expr == value, Issue.id > rid))
    if value is None:
        return and_(expr.is_(None), Issue.id < rid)
    return or_(expr < value, and_(expr == value, Issue.id < rid), expr.is_(None))


def _ordered(q: Any, expr: ColumnElement[Any], descending: bool, sqlite: bool = True, nullable: bool = True) -> Any:
    """``q`` in (expr, id) order with NULLs where ``_after`` expects them: first ascending, last descending.

    That is SQLite's default; PostgreSQL's is the opposite, so there it is said explicitly (a page
    continuing after an empty 完成时限 would otherwise skip every other empty one). An expression that is
    never NULL (``nullable=False``: the serial order, the colour rank) is ordered plainly on both engines:
    PostgreSQL can then walk ``ix_issue_year_serial`` forwards or backwards and stop after one page,
    instead of sorting every matching row (a 党建 page at 100k: 0.28 s → 0.014 s).
    """
    if descending:
        return q.order_by(expr.desc() if sqlite or not nullable else expr.desc().nulls_last(), Issue.id.desc())
    return q.order_by(expr.asc() if sqlite or not nullable else expr.asc().nulls_first(), Issue.id.asc())


def count_issues(db: Database, f: IssueFilter, clock: WarningClock | None = None) -> int:
    """How many items match the filter."""
    clock = clock or warning_clock(db)
    if f.text.strip():
        search.catch_up(db)  # items that arrived by sync or bulk load become searchable first
    with db.session() as s:
        offices = office_codes(db, f, s)
        m = search.match_subquery(f.text, s)
        if m is not None:
            # driven from the text index: each match checks the other filters in a covering index
            q = (select(func.count()).select_from(m).join(Issue, Issue.id == m.c.issue_id)
                 .where(*conditions(f, clock, s, with_text=False, offices=offices)))
        else:
            q = select(func.count()).select_from(Issue).where(*conditions(f, clock, s, offices=offices))
        return int(s.execute(q).scalar() or 0)


@dataclass(frozen=True)
class YearCounts:
    """A year's ledger figures, each what ``count_issues`` gives for the filter in its comment."""

    listed: int  # IssueFilter(year, office): every item but 已作废
    open: int  # statuses=OPEN_STATUSES
    overdue: int  # colours=["red"]
    incomplete: int  # incomplete=True
    void: int  # statuses=[VOID]


def year_counts(db: Database, year: int, office: str = "", clock: WarningClock | None = None) -> YearCounts:
    """The dashboard's ledger figures in one statement (one walk of the year's rows instead of five).

    Each figure is a ``count(*) FILTER (WHERE …)`` with the same conditions as its ``count_issues``
    filter (``conditions``), so the cards and the ledger never disagree.
    """
    clock = clock or warning_clock(db)
    f = IssueFilter(year=year, office=office, include_void=True)
    live = Issue.status != IssueStatus.VOID
    with db.session() as s:
        q = select(func.count().filter(live),
                   func.count().filter(Issue.status.in_(list(OPEN_STATUSES))),
                   func.count().filter(and_(live, clock.sql_is("red"))),
                   func.count().filter(and_(live, incomplete_condition())),
                   func.count().filter(Issue.status == IssueStatus.VOID),
                   ).select_from(Issue).where(*conditions(f, clock, s, offices=office_codes(db, f, s)))
        row = s.execute(q).one()
    return YearCounts(*(int(n or 0) for n in row))


def filter_to_show(db: Database, f: IssueFilter, issue_id: str) -> IssueFilter | None:
    """None when the filter ``f`` lists the item; else the filter that shows it: the item's year and office
    with nothing else narrowing (an item opened from the dashboard or a reminder must be in the list)."""
    clock = warning_clock(db)
    with db.session() as s:
        item = s.execute(select(Issue.year, Issue.office_code, Issue.status).where(Issue.id == issue_id)).first()
        if item is None:
            return None
        offices = office_codes(db, f, s)
        m = search.match_subquery(f.text, s)
        q = select(Issue.id).where(Issue.id == issue_id, *conditions(f, clock, s, with_text=m is None, offices=offices))
        if m is not None:
            q = q.where(Issue.id.in_(select(m.c.issue_id)))
        if s.execute(q).first() is not None:
            return None
        mine = db.office_code or ""
        office = "" if item.office_code == mine else (f.office if f.office == scope.ALL else item.office_code)
        return IssueFilter(year=item.year, office=office, include_void=item.status == IssueStatus.VOID)


def count_is_slow(db: Database, f: IssueFilter) -> bool:
    """Whether ``count_issues(f)`` must collect a broad text's matches (0.1 s and more at 100k items).

    The table then shows its first page at once and counts off the UI thread. On PostgreSQL a word of
    two or more characters is counted through the bigram index of migration 0013, which reads every
    candidate's row: a text with few candidates is counted at once (合作社, 2,281: 0.009 s at 100k), one
    with more than ``search.COUNT_LATER_CANDIDATES`` (党建, 7,076: 0.031 s; 整改, 84,773: 0.15 s) and a
    text of 1-character words only (a LIKE scan of the ledger, 0.25 s) are counted off the UI thread.
    """
    if not f.text.strip():
        return False
    search.catch_up(db)
    with db.session() as s:
        if not search.has_fts(s):
            if search.match_query(f.text) is None:  # nothing searchable matches nothing: no scan
                return False
            # PostgreSQL: the bigram index counts a text of few candidates at once; 1-character words are a LIKE scan
            est = search.estimated_matches(f.text, s)
            return est is None or est[0] >= search.COUNT_LATER_CANDIDATES
        return search.is_broad(f.text, s)


def fetch_page(
    db: Database,
    f: IssueFilter,
    sort_key: str = "serial",
    descending: bool = False,
    after_key: PageKey | None = None,
    offset: int = 0,
    limit: int = 200,
    clock: WarningClock | None = None,
    from_end: bool = False,
) -> list[IssueRow]:
    """One page of rows in (sort_key, id) order.

    With ``after_key`` the page starts right after that row (keyset: as fast on
    the last page as on the first); otherwise after ``offset`` rows. With
    ``from_end`` the page is counted from the end (offset rows before the last
    one; ``after_key`` then means "right before") and still returned in order.
    """
    clock = clock or warning_clock(db)
    expr = _sort_expr(sort_key, clock)
    order_desc = descending != from_end
    with db.session() as s:
        # a text match can be most of the ledger (整改): walk the serial index and test each row,
        # so one page costs one page of index, not a sort of every match
        fts = search.has_fts(s)
        walk = bool(f.text.strip()) and sort_key == "serial" and bool(f.year)
        offices = office_codes(db, f, s)
        if fts:
            # a broad text (整改): test each row walked against the index instead of collecting every match
            broad = walk and search.is_broad(f.text, s)
        else:
            # PostgreSQL: LIKE on each row walked, the bigram index left out (so the planner walks too),
            # when the matches are dense enough that a page is found sooner than the index's candidates
            # are collected and sorted (党建 at 100k); a rarer text takes the index (search.walk_is_cheaper)
            broad = walk and search.walk_is_cheaper(
                f.text, conditions(f, clock, s, with_text=False, offices=offices), int(f.year or 0),
                limit + (offset if after_key is None else 0), s)
        # the page's ids first (a narrow sort, often inside a covering index), then their rows:
        # sorting whole rows would carry every wide row of the ledger through the sorter
        ids = select(Issue.id).where(*conditions(f, clock, s, with_text=not (broad and fts),
                                                 probe=walk if fts else broad, offices=offices))
        probe = search.row_matches(f.text) if broad and fts else None
        if probe is not None:  # broad implies a searchable text, so this is always a condition
            ids = ids.where(probe)
        if walk and fts:
            ids = ids.with_hint(Issue, "INDEXED BY ix_issue_year_serial", "sqlite")
        if after_key is not None:
            ids = ids.where(_after(expr, after_key, order_desc))
        sqlite = is_sqlite(s)
        nullable = sort_key not in NEVER_NULL_SORTS
        ids = _ordered(ids, expr, order_desc, sqlite, nullable).limit(limit)
        if offset and after_key is None:
            ids = ids.offset(offset)
        page = ids.subquery("page")
        q = _ordered(select(*_COLUMNS).join(page, Issue.id == page.c.id), expr, order_desc, sqlite, nullable)
        rows = [to_row(r, clock) for r in s.execute(q).all()]
    if from_end:
        rows.reverse()
    return rows


def iter_issue_rows(db: Database, f: IssueFilter, batch: int = 5000, sort_key: str = "serial",
                    descending: bool = False, today: dt.date | None = None) -> Iterator[IssueRow]:
    """Every matching row in a stable order, fetched ``batch`` rows at a time by key (exports of 100k rows)."""
    clock = warning_clock(db, today)
    key: PageKey | None = None
    while True:
        page = fetch_page(db, f, sort_key, descending, after_key=key, limit=batch, clock=clock)
        yield from page
        if len(page) < batch:
            return
        key = row_key(page[-1], sort_key)


def _distinct(s: Session, col: Any, limit: int = 2000) -> list[Any]:
    """Distinct non-empty values of an indexed column by a loose index scan: one index seek per value,
    so the cost follows the number of values, not the number of items (1M items stay instant)."""
    out: list[Any] = []
    last: Any = ""
    # one tiny statement per value: plain driver SQL, since building ORM statements would cost more
    conn = s.connection()
    sql = f"SELECT min({col.key}) FROM issue WHERE {col.key} > ?" if conn.dialect.paramstyle == "qmark" else None
    stmt = select(func.min(col)).where(col > bindparam("last"))
    while len(out) < limit:
        if sql is not None:
            v = conn.exec_driver_sql(sql, (last,)).scalar()
        else:
            v = conn.execute(stmt, {"last": last}).scalar()
        if v is None:
            break
        out.append(v)
        last = v
    return out


def filter_choices(db: Database, year: int | None = None, office: str = "") -> dict[str, list[str]]:
    """Distinct years, units, people and categories (for the filter bar's drop-downs) of ``office``'s items."""
    out: dict[str, list[str]] = {}
    with db.session() as s:
        limit = office_codes(db, IssueFilter(office=office), s)
        years: list[int] = []
        y = s.execute(select(func.max(Issue.year))).scalar()
        while y is not None and len(years) < 200:
            years.append(int(y))
            y = s.execute(select(func.max(Issue.year)).where(Issue.year < y)).scalar()
        out["year"] = [str(y) for y in years]
        out["unit"] = _distinct(s, Issue.responsible_unit)
        out["person"] = _distinct(s, Issue.responsible_person)
        recent = select(Issue.category)
        if limit is not None:
            # rows of other offices here too (a prefecture, or relayed rows): keep the values this
            # office's items have — one index seek each, as cheap as the loose scans above
            for key, col in (("year", Issue.year), ("unit", Issue.responsible_unit),
                             ("person", Issue.responsible_person)):
                out[key] = [v for v in out[key] if _office_has(s, col, v, limit.code)]
            recent = recent.where(limit.condition())
        # categories are not indexed: take them from the latest items (the box also accepts typing)
        recent_q = recent.order_by(Issue.year.desc(), _SERIAL_ORDER.desc()).limit(400).subquery()
        out["category"] = sorted(v for v in s.execute(select(recent_q.c.category).distinct()).scalars() if v)
    return out


def _office_has(s: Session, col: Any, value: Any, office: str) -> bool:
    """Whether an item of ``office`` has ``value`` in the indexed column ``col``."""
    conn = s.connection()
    if conn.dialect.paramstyle == "qmark":  # plain driver SQL: building the statement would cost more
        sql = f"SELECT 1 FROM issue WHERE {col.key} = ? AND office_code = ? LIMIT 1"
        return conn.exec_driver_sql(sql, (value, office)).first() is not None
    # the year drop-down holds text ('2026'): a server compares an integer column with an integer only
    typed = int(value) if col.key == "year" else value
    return s.execute(select(Issue.id).where(col == typed, Issue.office_code == office).limit(1)).first() is not None
