"""The prefecture's holiday table sent down in bundles, against the county's own seed and edits.

Rule (desktop_app/calendar/): the county's own edits win, then the parent office's table,
then the county's package seed; a year the received table covers is covered; other counties'
rows relayed through the prefecture never count.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db.models import Holiday, Issue
from desktop_app import calendar as workdays
from desktop_app.ledger import service
from desktop_app.ledger.types import IssueInput
from tests.helpers.sync_support import prefecture_and_counties, send

D = dt.date
ASSIGNED = D(2026, 9, 30)  # a Wednesday before National Day


@pytest.fixture
def offices(tmp_path: Path):  # noqa: ANN201
    """Prefecture 532800 and two counties, each seeded from the package (as the ledger does)."""
    a, b, p = prefecture_and_counties(tmp_path)
    for c in (p, a, b):
        assert workdays.seed_from_package(c.db, c.actor) > 500
    yield p, a, b
    for c in (p, a, b):
        c.close()


def _deadline(ctx, n: int = 7) -> dt.date:  # noqa: ANN001
    return service.preview_deadline(ctx.db, ASSIGNED, n).deadline


def _day(ctx, d: dt.date) -> workdays.HolidayDay | None:  # noqa: ANN001
    return next((h for h in workdays.list_days(ctx.db, d.year) if h.date == d), None)


def _workday(ctx, d: dt.date) -> bool:  # noqa: ANN001
    return workdays.load_calendar(ctx.db).is_workday(d).value


def test_prefecture_table_beats_the_seed_and_county_edits_beat_it(offices, tmp_path: Path) -> None:  # noqa: ANN001
    p, a, b = offices
    # the package: Oct 1–7 off, Thu 8 and Fri 9 at work, Sat 10 a make-up working day
    assert _deadline(a) == D(2026, 10, 15)
    assert not workdays.load_calendar(a.db).is_workday(D(2027, 3, 1)).ok  # 2027: not in the package

    # the prefecture's table: Fri 9 off too, no make-up Saturday, a local holiday (州庆) on Mon Nov 2,
    # and next year's table
    workdays.set_day(p.db, p.actor, D(2026, 10, 9), "rest", "国庆节")
    workdays.set_day(p.db, p.actor, D(2026, 10, 10), "rest", "国庆节")
    workdays.set_day(p.db, p.actor, D(2026, 11, 2), "rest", "州庆")
    workdays.import_days(p.db, p.actor, [(D(2027, 1, 1), "rest", "元旦"), (D(2027, 2, 6), "rest", "春节"),
                                         (D(2027, 2, 20), "workday", "春节")])
    # county A meanwhile has a local edit of its own on a day the prefecture also sets
    workdays.set_day(a.db, a.actor, D(2026, 11, 2), "workday", "")
    send(p, a, tmp_path / "down")

    # the prefecture's days beat A's package seed: deadlines at the county move
    assert not _workday(a, D(2026, 10, 9)) and not _workday(a, D(2026, 10, 10))
    assert _deadline(a) == D(2026, 10, 19)
    sat = _day(a, D(2026, 10, 10))
    assert sat is not None and sat.kind == "rest" and sat.origin == "西双版纳州下发" and sat.office_code == "532800"
    assert "本单位" in sat.overrides and "调休上班" in sat.overrides
    # a year only the received table covers is covered
    r = workdays.load_calendar(a.db).add_workdays(D(2027, 2, 18), 2)
    assert r.ok and r.value == D(2027, 2, 20)  # Fri 19, then the make-up Saturday
    assert {h.date for h in workdays.list_days(a.db, 2027)} == {D(2027, 1, 1), D(2027, 2, 6), D(2027, 2, 20)}
    # A's own edit beats the prefecture's local holiday
    mon = _day(a, D(2026, 11, 2))
    assert _workday(a, D(2026, 11, 2)) and mon is not None and mon.origin == "本单位"
    assert "西双版纳州下发" in mon.overrides and "休息日" in mon.overrides
    assert _workday(p, D(2026, 11, 2)) is False  # and never changed the prefecture's

    # a working-day deadline of a real ledger item follows the county's calendar
    [item_id] = service.create_issues(a.db, a.actor, [IssueInput(description="村级活动场所管理不规范",
                                                                 deadline_workdays=7, assigned_date=ASSIGNED)])
    with a.db.session() as s:
        assert s.get(Issue, item_id).deadline == D(2026, 10, 19)

    # A corrects Friday 9 locally: its edit wins over the table sent down, also after the prefecture edits again
    workdays.set_day(a.db, a.actor, D(2026, 10, 9), "workday", "")
    assert _deadline(a) == D(2026, 10, 16)
    workdays.set_day(p.db, p.actor, D(2026, 10, 9), "rest", "国庆节（补）")
    send(p, a, tmp_path / "down2")
    assert _workday(a, D(2026, 10, 9)) and _deadline(a) == D(2026, 10, 16)

    # the prefecture removes a day of its own: ordinary at the county too, over A's package seed
    workdays.remove_day(p.db, p.actor, D(2026, 10, 7))
    send(p, a, tmp_path / "down3")
    assert _workday(a, D(2026, 10, 7)) and _day(a, D(2026, 10, 7)) is None
    assert _deadline(a) == D(2026, 10, 15)  # 7, 8, 9 (A's own), 12, 13, 14, 15

    # A's rows go up: the prefecture's calendar is its own; relayed to B they do not count there
    send(a, p, tmp_path / "up")
    assert not _workday(p, D(2026, 10, 9)) and not _workday(p, D(2026, 11, 2))
    assert all(h.origin == "本单位" for h in workdays.list_days(p.db, 2026))
    send(p, b, tmp_path / "relay")
    with b.db.session() as s:
        assert s.query(Holiday).filter(Holiday.office_code == "532801").count() > 0  # A's rows are there …
    assert not _workday(b, D(2026, 10, 9)) and not _workday(b, D(2026, 11, 2))  # … but the prefecture's count
    assert _deadline(b) == D(2026, 10, 16)  # 7, 8, then 9 and 10 off, 12 … 16

    # B makes the prefecture's local holiday an ordinary day: it has no row of its own for it, so it
    # writes one that overrides the prefecture's (whose row it never touches)
    assert workdays.remove_day(b.db, b.actor, D(2026, 11, 2)) == 1
    assert _workday(b, D(2026, 11, 2))
    mon = _day(b, D(2026, 11, 2))
    assert mon is not None and mon.origin == "本单位" and mon.kind_label == "正常上班" and "州庆" not in mon.name
    assert "西双版纳州下发" in mon.overrides
    with b.db.session() as s:
        pref = s.query(Holiday).filter(Holiday.office_code == "532800", Holiday.date == D(2026, 11, 2)).one()
        assert pref.kind == "rest" and not pref.deleted
