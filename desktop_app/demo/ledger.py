"""The demo's ledger: ledger items with their progress, urges, closures and follow-ups, written in bulk."""

from __future__ import annotations

import datetime as dt
import functools
import random
import threading
from collections.abc import Callable, Sequence
from typing import Any

from db.bulk import SyncedRows
from db.dialect import is_sqlite
from db.engine import CACHE_KIB, Database
from db.models import (
    Closure,
    Extension,
    FollowUp,
    Issue,
    Progress,
    Urge,
)
from desktop_app.calendar import PACKAGE_SOURCE, WorkCalendar, calendar_from_rows, package_days
from desktop_app.core import audit, server_db
from desktop_app.core.audit import Actor
from desktop_app.core.ledger_codes import FINISHED_STATUSES, ClosureState, IssueStatus
from desktop_app.demo import names
from desktop_app.demo.world import DEMO_ACTOR, YEAR, _World

# --------------------------------------------------------------------------- ledger (bulk)

#: ledger items per transaction: big enough for executemany to pay off, small enough that writing one
#: batch overlaps generating the next for most of the run
BATCH = 25_000
#: page cache (KiB) while bulk loading
BULK_CACHE_KB = 262_144
#: how far before the deadline an item turns yellow (matches the ledger's default warning window)
DUE_SOON_DAYS = 5


class _Bulk:
    """Ledger rows waiting for the shared bulk writer (``db.bulk.SyncedRows``), written off this thread."""

    def __init__(self, office: str, tick: Callable[[], int]) -> None:
        self.office = office
        self.tick = tick
        self.rows = SyncedRows(office, tick)
        self.totals: dict[str, int] = {m.__tablename__: 0 for m in (Issue, Progress, Urge, Closure, FollowUp, Extension)}
        self._writer: threading.Thread | None = None
        self._failed: BaseException | None = None

    def add(self, table: str, row_id: str, values: Sequence[Any]) -> None:
        """Queue one row: ``values`` are the table's own columns (``SyncedRows.own_columns``)."""
        self.rows.add(table, row_id, values)

    def pending(self) -> int:
        """Issues waiting to be written."""
        return len(self.rows.rows.get("issue", ()))

    def flush(self, db: Database, actor: Actor) -> None:
        """Hand everything queued to a writer thread and go on generating; one write at a time.

        SQLite releases the GIL while it steps, so generating the next batch overlaps
        with writing this one. Content stays deterministic: only this thread draws
        random numbers and clock stamps; the writer numbers the change log in order.
        """
        self.wait()
        if not len(self.rows):
            return
        rows, self.rows = self.rows, SyncedRows(self.office, self.tick)

        def write() -> None:
            try:
                self._write(db, actor, rows)
            except BaseException as exc:  # re-raised in the generating thread by wait()
                self._failed = exc

        self._writer = threading.Thread(target=write, name="demo-ledger-writer", daemon=True)
        self._writer.start()

    def wait(self) -> None:
        """Wait for the writer thread; re-raise what it failed with."""
        if self._writer is not None:
            self._writer.join()
            self._writer = None
        if self._failed is not None:
            failed, self._failed = self._failed, None
            raise failed

    def _write(self, db: Database, actor: Actor, rows: SyncedRows) -> None:
        """One transaction: the rows, their change-log entries and an audit entry."""
        with db.transaction() as s:
            conn = s.connection()
            sqlite = is_sqlite(conn)
            if sqlite:  # a bigger page cache keeps the random-UUID indexes in memory while the file grows past 64 MB
                conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KB}")
            counts = rows.write(s, by_id=True, stored=True)  # queued as SQLite stores them (_d: ISO dates)
            audit.record(s, actor, "demo_ledger", "issue", "", {name: counts.get(name, 0) for name in self.totals})
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_KIB}")  # back to normal for this pooled connection
        for name, count in counts.items():
            self.totals[name] += count


def _d(day: dt.date | None) -> str | None:
    """A date as SQLAlchemy stores it in SQLite."""
    return day.isoformat() if day else None


def _description(rng: random.Random, category: str, place: str | None, orders: Sequence[Sequence[str]],
                 heard: str = "调研发现") -> str:
    """80–200 characters of problem description, the way a clerk writes one."""
    target = rng.randint(80, 200)
    text = (f"{place}{heard}：" if place else "") + rng.choice(names.PROBLEM_LEADS[category])
    for detail in rng.choice(orders):
        if len(text) >= target - 1:
            break
        text += "；" + detail
    if len(text) > 199:  # end on a clause boundary where one is late enough
        cut = text.rfind("；", 0, 199)
        text = text[:cut] if cut >= 79 else text[:199]
    return text + "。"


def _add_workdays(start: dt.date, n: int) -> dt.date:
    """``n`` Chinese working days after ``start``, on the same calendar the ledger counts with
    (the chinese_calendar package's days; Monday–Friday in years it does not reach)."""
    return _package_calendar().add_workdays(start, n).value


@functools.cache
def _package_calendar() -> WorkCalendar:
    return calendar_from_rows((d, kind, PACKAGE_SOURCE, False) for d, (kind, _name) in package_days().items())


def _make_ledger(db: Database, w: _World, items: int) -> dict[str, int]:
    bulk = _Bulk(w.office, db.clock.tick)
    try:
        _fill_ledger(db, w, items, bulk)
    finally:
        bulk.wait()  # never leave a writer running into a closed database
    return dict(bulk.totals)


# Long on purpose (about 150 lines): one pass draws every item's random numbers in a fixed order — the
# same seed must give the same office, and benchmarks cache built offices by GENERATOR_VERSION, so a
# split that reorders a draw changes the data — and the body runs once per item (a million times for
# the 1M-item benchmark), where a call per item and the state passed around cost measurable time.
def _fill_ledger(db: Database, w: _World, items: int, bulk: _Bulk) -> None:
    rng = w.rng
    leaders = [p.name for p in w.leaders]
    clerks = [p.name for p in w.people if not p.is_leader]
    unit_people = list(names.UNIT_PEOPLE) + clerks[:8]
    places = [f"{town}{v}" for town, vs in w.county.places.items() for v in vs]
    units = list(names.UNITS) if w.county.places == names.PLACES else [  # this county's townships, not 勐海's
        u for u in names.UNITS if not u.endswith("人民政府")] + [f"{town}人民政府" for town in w.county.places]
    year_start = dt.date(YEAR, 1, 5)
    workday_cache: dict[tuple[dt.date, int], dt.date] = {}
    reopened_done = False
    # pools drawn once: random.sample per item would cost more than writing the rows
    detail_orders = [rng.sample(names.PROBLEM_DETAILS, k=7) for _ in range(97)]
    measure_texts = [m + "。" for m in names.MEASURES] + [
        "；".join(rng.sample(names.MEASURES, k=2)) + "。" for _ in range(60)]
    percent_runs = {n: [sorted(rng.sample(range(10, 100, 5), k=n)) for _ in range(40)] for n in range(1, 5)}
    text_runs = {n: [rng.sample(names.PROGRESS_TEXTS, k=n) for _ in range(40)] for n in range(1, 5)}
    for i in range(items):
        issue_id = w.ids()
        category = rng.choice(names.CATEGORIES)
        r = rng.random()
        source = "visit" if r < 0.4 else "topic" if r < 0.55 else "assigned" if r < 0.7 else "self" if r < 0.9 \
            else "public"
        visit = rng.choice(w.visits) if source == "visit" and w.visits else None
        if source == "visit" and visit is None:
            source = "self"
        topic_id = rng.choice(w.topics)[0] if source == "topic" else None
        place = visit[2] if visit else (rng.choice(places) if source in ("topic", "public") and rng.random() < 0.5
                                        else None)
        description = _description(rng, category, place, detail_orders, "群众反映" if source == "public" else "调研发现")
        measures = rng.choice(measure_texts)
        r = rng.random()
        kind = "immediate" if r < 0.2 else "ongoing" if r < 0.33 else "dated"
        fate = _fate(rng, kind)
        span = rng.randint(5, 20) if kind == "immediate" else rng.randint(30, 180)
        deadline: dt.date | None
        if fate in ("closed", "void"):
            deadline = w.rand_date(year_start + dt.timedelta(days=span), w.ref + dt.timedelta(days=60))
        elif fate == "done":  # finished lately and waiting for 销号: mostly before its deadline
            deadline = w.rand_date(w.ref - dt.timedelta(days=20), w.ref + dt.timedelta(days=60))
        elif fate == "overdue":
            deadline = w.rand_date(max(year_start + dt.timedelta(days=span), w.ref - dt.timedelta(days=120)),
                                   w.ref - dt.timedelta(days=1))
        elif fate == "due_soon":
            deadline = w.ref + dt.timedelta(days=rng.randint(0, DUE_SOON_DAYS))
        else:
            deadline = w.ref + dt.timedelta(days=rng.randint(DUE_SOON_DAYS + 3, 150))
        assigned = deadline - dt.timedelta(days=span)
        if assigned >= w.ref:  # a long way off but recorded some time ago, not all yesterday
            assigned = w.ref - dt.timedelta(days=rng.randint(1, 75))
        assigned = max(year_start, assigned)
        if visit:
            assigned = max(assigned, visit[1] + dt.timedelta(days=1))
            assigned = min(assigned, w.ref)
        basis, workdays = "date", None
        if kind == "immediate" and rng.random() < 0.5 and fate != "due_soon":
            workdays = rng.choice((5, 7, 10, 15))
            key = (assigned, workdays)
            if key not in workday_cache:
                workday_cache[key] = _add_workdays(assigned, workdays)
            basis, deadline = "workdays", workday_cache[key]
        if deadline < assigned:
            deadline = assigned
        if kind == "ongoing":
            deadline = None
        original = deadline
        # a fate that is a status is the item's status; the others are open items, late or not
        status: str = IssueStatus(fate) if fate in (IssueStatus.CLOSED, IssueStatus.DONE, IssueStatus.VOID,
                                                IssueStatus.NOT_STARTED) else \
            IssueStatus.NOT_STARTED if fate == "overdue" and rng.random() < 0.3 else IssueStatus.IN_PROGRESS
        person = rng.choice(unit_people)
        unit = "县乡村振兴局" if person in clerks else rng.choice(units)
        leader = rng.choice(leaders)
        # the day work stopped: closure for closed items, today for open ones
        last_day = min(w.ref, (deadline or w.ref) + dt.timedelta(days=rng.randint(-10, 5))) \
            if status in ("closed", "done") else w.ref
        last_day = max(last_day, assigned)

        # an item assigned by the prefecture (交办) is the prefecture's to extend and to close (DESIGN.md §4,
        # org/field_ownership.py): the county only asks, so every row it writes here is one the prefecture accepts
        assigned_by = names.PARENT_CODE if source == "assigned" else ""
        if kind == "dated" and status in ("in_progress", "not_started") and deadline and rng.random() < 0.05:
            reason = "涉及多个部门协调，资金下达滞后，申请延期完成整改。"
            if assigned_by:  # asked and still waiting for the prefecture's answer: the deadline stands
                asked = w.rand_date(assigned, min(deadline, w.ref))
                wanted = deadline + dt.timedelta(days=rng.choice((30, 45, 60)))
                bulk.add("extension", w.ids(), (issue_id, _d(wanted), reason, "pending", person, "", None, ""))
            else:
                original = deadline - dt.timedelta(days=rng.choice((30, 45, 60)))
                original = max(original, assigned)
                asked = w.rand_date(assigned, min(original, w.ref))
                bulk.add("extension", w.ids(), (issue_id, _d(deadline), reason, "approved", person, leader,
                                                 _d(min(asked + dt.timedelta(days=3), w.ref)), "同意延期，请加快推进。"))

        n_progress = 0 if status == IssueStatus.NOT_STARTED else rng.randint(0, 1) if status == IssueStatus.VOID else \
            rng.randint(2, 4) if status in FINISHED_STATUSES else rng.randint(1, 3)
        progress_rows: list[tuple[dt.date, str, int]] = []
        if n_progress:
            days = sorted(w.rand_date(assigned, last_day) for _ in range(n_progress))
            percents = list(rng.choice(percent_runs[n_progress]))
            if status in FINISHED_STATUSES:
                percents[-1] = 100
            texts = list(rng.choice(text_runs[n_progress]))
            if status in FINISHED_STATUSES:
                texts[-1] = "已完成整改，相关佐证材料已收集归档。"
            progress_rows = list(zip(days, texts, percents, strict=True))
        closure_state, evidence, closed_at, closed_by = "", "", None, ""
        follow_up: tuple[dt.date, str, bool, bool] | None = None
        if status == IssueStatus.CLOSED and assigned_by:  # finished and applied for 销号; the verdict is the prefecture's
            status, closure_state = IssueStatus.DONE, ClosureState.APPLIED
            evidence = rng.choice(names.CLOSURE_EVIDENCE)
            bulk.add("closure", w.ids(), (issue_id, _d(last_day), person, evidence, "applied", "", None, ""))
        elif status == IssueStatus.CLOSED:
            closed_at, closed_by = last_day, rng.choice(leaders)
            evidence = rng.choice(names.CLOSURE_EVIDENCE)
            closure_state = "approved"
            applied = max(assigned, closed_at - dt.timedelta(days=rng.randint(1, 5)))
            bulk.add("closure", w.ids(), (issue_id, _d(applied), person, evidence, "approved", closed_by, _d(closed_at),
                                          "整改到位，同意销号。"))
            if rng.random() < 0.12 and closed_at < w.ref:
                reopen = not reopened_done and rng.random() < 0.3
                follow_up = (w.rand_date(closed_at + dt.timedelta(days=1), w.ref),
                             names.FOLLOW_UP_FINDINGS[1 if reopen else 0], not reopen, reopen)
                if reopen:  # reopened by the follow-up: back in progress, the old closure stays on record
                    reopened_done = True
                    status, closure_state, closed_at, closed_by = IssueStatus.IN_PROGRESS, "", None, ""
                    progress_rows.append((follow_up[0], "回访发现问题反弹，已重新组织整改。", 60))
        elif status == IssueStatus.DONE and rng.random() < 0.4:
            closure_state = "applied"
            evidence = rng.choice(names.CLOSURE_EVIDENCE)
            bulk.add("closure", w.ids(), (issue_id, _d(last_day), person, evidence, "applied", "", None, ""))

        latest_text, latest_pct = (progress_rows[-1][1], progress_rows[-1][2]) if progress_rows else ("", 0)
        bulk.add("issue", issue_id, (
            f"{YEAR}-{i + 1:03d}", YEAR, source, visit[0] if visit else None, topic_id, category, description,
            measures, kind, leader, unit, rng.choice(names.CO_UNITS), person, _d(assigned), _d(deadline), basis,
            workdays, _d(original), status, latest_pct, latest_text, closure_state, evidence, _d(closed_at), closed_by,
            assigned_by, None))
        for day, text, pct in progress_rows:
            bulk.add("progress", w.ids(), (issue_id, _d(day), text, pct, person))
        if fate == "overdue" and status != IssueStatus.CLOSED and rng.random() < 0.6 and deadline:
            for level in range(1, rng.randint(1, 2) + 1):
                bulk.add("urge", w.ids(), (issue_id, _d(w.rand_date(deadline + dt.timedelta(days=1), w.ref)), level,
                                           names.URGE_NOTES[level - 1], "杨燊"))
        if follow_up:
            bulk.add("follow_up", w.ids(), (issue_id, _d(follow_up[0]), follow_up[1], follow_up[2], follow_up[3],
                                            rng.choice(leaders)))
        if bulk.pending() >= BATCH:
            bulk.flush(db, DEMO_ACTOR)
    bulk.flush(db, DEMO_ACTOR)


def _fate(rng: random.Random, kind: str) -> str:
    """Where an item stands today: closed, done, void, overdue, due_soon, on_track or not_started."""
    r = rng.random()
    if kind == "ongoing":
        return "closed" if r < 0.1 else "not_started" if r < 0.15 else "on_track"
    if r < 0.34:
        return "closed"
    if r < 0.45:
        return "done"
    if r < 0.47:
        return "void"
    if r < 0.59:
        return "overdue"
    if r < 0.68:
        return "due_soon"
    if r < 0.73:
        return "not_started"
    return "on_track"


def _rebuild_search_index(db: Database) -> int | None:
    """Rebuild the ledger's Chinese substring index (a plain import: the freezer sees it, a gap raises);
    SQLite only: a server searches by scanning, so None there."""
    if server_db.is_server(db):
        return None
    from desktop_app.ledger.search import rebuild_index

    return int(rebuild_index(db))
