"""Visit state (计划 → 已完成 with the actual dates, or 取消) and what counts toward the grassroots quota:
only done days at grassroots places, each day once; 机关 and out-of-area trips shown apart; the
0008 migration from a database with visits; ``fielddesk days --json``."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from db import migrate
from db.engine import make_engine, sqlite_url
from db.models import AuditEntry, Visit
from desktop_app.core.context import AppContext, open_context
from desktop_app.core.errors import StateError, ValidationError
from desktop_app.org.organisation import list_people
from desktop_app.work import days, visit_state, visits
from desktop_app.work.types import VisitInput
from tests.helpers.common import TEST_ACTOR

D = dt.date
TODAY = dt.date.today()


@pytest.fixture
def people(ctx: AppContext) -> dict[str, str]:
    return {p.name: p.id for p in list_people(ctx.db, 2026)}


def _visit(ctx: AppContext, people: dict[str, str], start: dt.date, end: dt.date, lead: str = "刘洋",
           place: str = "勐阿镇纳京村", **kw: object) -> str:
    return visits.create_visit(ctx.db, TEST_ACTOR, VisitInput(
        start_date=start, end_date=end, place=place, lead_id=people[lead], **kw)).visit.id  # type: ignore[arg-type]


def _row(ctx: AppContext, name: str, year: int, as_of: dt.date) -> days.DaysRow:
    return {r.name: r for r in days.days_table(ctx.db, year, as_of)}[name]


def test_future_and_organ_visits_count_nothing_until_done_at_the_grassroots(ctx: AppContext, people) -> None:  # noqa: ANN001
    # the leader's 9 days at villages, done
    _visit(ctx, people, D(2026, 3, 2), D(2026, 3, 10), place_type="农村", state="done")
    # a future 10-day visit to a 机关 (州乡村振兴局（汇报工作）) and a future village visit: planned
    future = TODAY + dt.timedelta(days=3)
    organ = _visit(ctx, people, future, future + dt.timedelta(days=9), place="州乡村振兴局（汇报工作）", place_type="机关")
    village = _visit(ctx, people, future + dt.timedelta(days=20), future + dt.timedelta(days=21), place_type="农村")
    year = TODAY.year
    row = _row(ctx, "刘洋", 2026, D(2026, 6, 30))
    assert row.days == 9
    assert visits.get_visit(ctx.db, organ).state == "planned"
    assert visits.get_visit(ctx.db, organ).not_counted == visit_state.REASON_PLANNED
    # done is refused while the days are still to come
    with pytest.raises(ValidationError, match="还没到"):
        visit_state.set_state(ctx.db, TEST_ACTOR, organ, "done")
    # once over and done, the 机关 days are shown apart and still not counted; the village days count
    later = future + dt.timedelta(days=30)
    visit_state.set_state(ctx.db, TEST_ACTOR, organ, "done", today=later)
    visit_state.set_state(ctx.db, TEST_ACTOR, village, "done", today=later)
    row = _row(ctx, "刘洋", year, later)
    counted_before = 9 if year == 2026 else 0
    village_days = len(days.days_in(future + dt.timedelta(days=20), future + dt.timedelta(days=21), year))
    organ_days = len(days.days_in(future, future + dt.timedelta(days=9), year))
    assert row.days == counted_before + village_days
    assert dict(row.not_counted).get(visit_state.REASON_ORGAN, 0) == organ_days
    assert visits.get_visit(ctx.db, organ).not_counted == visit_state.REASON_ORGAN


def test_done_visit_counts_each_day_once_across_overlaps_on_actual_dates(ctx: AppContext, people) -> None:  # noqa: ANN001
    a = _visit(ctx, people, D(2026, 4, 1), D(2026, 4, 5), lead="陈静", place_type="农村", state="done")
    _visit(ctx, people, D(2026, 4, 4), D(2026, 4, 8), lead="陈静", place_type="社区", state="done")
    assert _row(ctx, "陈静", 2026, D(2026, 12, 31)).days == 8
    # the first visit really took 3 days (Apr 1–3): the actual dates count
    visit_state.set_state(ctx.db, TEST_ACTOR, a, "done", D(2026, 4, 1), D(2026, 4, 3))
    info = visits.get_visit(ctx.db, a)
    assert (info.actual_start, info.actual_end) == (D(2026, 4, 1), D(2026, 4, 3))
    assert _row(ctx, "陈静", 2026, D(2026, 12, 31)).days == 3 + 5
    # a study trip out of the area (学习考察) overlapping nothing: shown, not counted
    _visit(ctx, people, D(2026, 5, 11), D(2026, 5, 14), lead="陈静", place="浙江省安吉县", place_type="外地",
           method="座谈访谈", state="done")
    row = _row(ctx, "陈静", 2026, D(2026, 12, 31))
    assert row.days == 8 and dict(row.not_counted) == {visit_state.REASON_AWAY: 4}
    # cancelled: nothing at all
    visit_state.set_state(ctx.db, TEST_ACTOR, a, "cancelled")
    assert _row(ctx, "陈静", 2026, D(2026, 12, 31)).days == 5


def test_planned_days_and_bad_state_changes_refused_nothing_changed(ctx: AppContext, people) -> None:  # noqa: ANN001
    v = _visit(ctx, people, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=3), lead="黄涛")
    assert _row(ctx, "黄涛", TODAY.year, TODAY).planned == len(
        days.days_in(TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=3), TODAY.year))
    with ctx.db.session() as s:
        before = s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    for state, start, end, err in [("finished", None, None, ValidationError),
                                   ("done", TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=3), ValidationError),
                                   ("planned", None, None, StateError)]:
        with pytest.raises(err):
            visit_state.set_state(ctx.db, TEST_ACTOR, v, state, start, end)
    with ctx.db.session() as s:
        assert s.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == before
        assert s.get(Visit, v).state == "planned"  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="还没到"):  # a new visit still to come cannot be created done
        _visit(ctx, people, TODAY + dt.timedelta(days=5), TODAY + dt.timedelta(days=6), state="done")


@pytest.mark.sqlite_only("builds a SQLite file at revision 0007 and upgrades it")
def test_migration_0008_marks_past_visits_done(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "old.db"))
    migrate.upgrade(engine, "0007")
    past, future = TODAY - dt.timedelta(days=20), TODAY + dt.timedelta(days=20)
    with engine.begin() as c:
        c.execute(text("INSERT INTO setting (key, value) VALUES ('office_code', '\"532801\"')"))
        for vid, start in (("v-past", past), ("v-future", future)):
            c.execute(text("INSERT INTO visit (id, office_code, hlc, changed_by, deleted, start_date, end_date, place,"
                           " township, place_type, method, unannounced, purpose, findings, created_at, updated_at)"
                           " VALUES (:id, '532801', 1, '532801', 0, :s, :e, '勐阿镇纳京村', '', '农村', '', 0, '', '',"
                           " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                      {"id": vid, "s": start.isoformat(), "e": (start + dt.timedelta(days=2)).isoformat()})
    engine.dispose()
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "old.db").rename(data / "fielddesk.db")
    ctx = open_context(data)
    try:
        with ctx.db.session() as s:
            got = {v.id: (v.state, v.actual_start, v.actual_end) for v in s.execute(select(Visit)).scalars()}
    finally:
        ctx.close()
    assert got == {"v-past": ("done", past, past + dt.timedelta(days=2)), "v-future": ("planned", None, None)}


def test_cli_days_json(ctx: AppContext, people) -> None:  # noqa: ANN001
    _visit(ctx, people, D(2026, 3, 2), D(2026, 3, 10), place_type="农村", state="done")
    _visit(ctx, people, D(2026, 6, 1), D(2026, 6, 10), place="州乡村振兴局（汇报工作）", place_type="机关", state="done")
    data = ctx.data.root
    ctx.close()
    r = subprocess.run([sys.executable, "-m", "desktop_app", "--data-dir", str(data), "days", "--year", "2026",
                        "--as-of", "2026-06-30", "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    liu = next(p for p in out["people"] if p["name"] == "刘洋")
    assert {k: liu[k] for k in ("section", "quota", "counted", "planned")} == \
        {"section": "综合科", "quota": 90, "counted": 9, "planned": 0}
    assert liu["not_counted"] == [{"reason": "机关", "days": 10}]
    assert liu["expected_by_date"] == pytest.approx(90 * 181 / 365, abs=0.1)
    r = subprocess.run([sys.executable, "-m", "desktop_app", "--data-dir", str(data), "days", "--year", "2026",
                        "--as-of", "2026-13-01"], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "日期" in r.stderr
