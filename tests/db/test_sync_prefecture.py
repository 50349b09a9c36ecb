"""The prefecture's side-by-side view of its counties, built from their bundles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from db.models import Person, Visit, VisitParticipant
from desktop_app.sync.prefecture import county_comparison, rankings
from tests.helpers.sync_support import add_issue, prefecture_and_counties, send


def _visit(ctx, days: int) -> None:
    with ctx.db.transaction() as s:
        from db.models import Section

        sec = s.query(Section).first()
        p = Person(name="调研员", section_id=sec.id, is_leader=False)
        s.add(p)
        s.flush()
        v = Visit(start_date=dt.date(2026, 3, 1), end_date=dt.date(2026, 3, days), place="曼景村")
        s.add(v)
        s.flush()
        s.add(VisitParticipant(visit_id=v.id, person_id=p.id))


def test_counties_are_compared_and_ranked(tmp_path: Path) -> None:
    a, b, p = prefecture_and_counties(tmp_path)
    today = dt.date(2026, 11, 1)
    add_issue(a, serial="A-1", status="closed")
    add_issue(a, serial="A-2", status="in_progress", deadline=dt.date(2026, 6, 30))  # overdue
    add_issue(b, serial="B-1", status="closed")
    add_issue(b, serial="B-2", status="closed")
    add_issue(b, serial="B-3", status="void")  # voided items do not count
    _visit(a, 5)
    _visit(b, 2)
    send(a, p, tmp_path / "1")
    send(b, p, tmp_path / "2")
    stats = {c.code: c for c in county_comparison(p.db, 2026, today=today)}
    assert set(stats) == {"532801", "532822"}
    assert (stats["532801"].items, stats["532801"].closed, stats["532801"].overdue) == (2, 1, 1)
    assert (stats["532822"].items, stats["532822"].closed, stats["532822"].overdue) == (2, 2, 0)
    assert stats["532801"].name == "景洪市"
    assert stats["532801"].person_days == 5 and stats["532822"].person_days == 2
    assert stats["532801"].quota_days == 60 and round(stats["532801"].days_ratio, 3) == round(5 / 60, 3)
    ranks = {r.key: r for r in rankings(list(stats.values()))}
    assert [row[1] for row in ranks["closure_rate"].rows] == ["532822", "532801"]
    assert [row[1] for row in ranks["overdue"].rows] == ["532822", "532801"]
    assert [row[1] for row in ranks["days_ratio"].rows] == ["532801", "532822"]
    assert [c.code for c in county_comparison(p.db, 2026, codes=["532822"], today=today)] == ["532822"]
    for c in (a, b, p):
        c.close()
