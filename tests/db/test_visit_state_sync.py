"""Visit state travels in bundles: a county's 已完成 reaches the prefecture with the actual dates; a visit
in a bundle from an office still on schema 0007 (no state) is done when already over, else planned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from db.models import Visit
from desktop_app.org.organisation import PersonInput, add_person
from desktop_app.sync.schema_upgrade import upgrade_changes
from desktop_app.work import visit_state, visits
from desktop_app.work.types import VisitInput
from tests.helpers.sync_support import prefecture_and_counties, send

D = dt.date


def test_done_state_and_actual_dates_reach_the_prefecture(tmp_path: Path) -> None:
    a, b, p = prefecture_and_counties(tmp_path)
    try:
        lead = add_person(a.db, a.actor, PersonInput("岩温", "综合科", "副局长", is_leader=True))
        v = visits.create_visit(a.db, a.actor, VisitInput(D(2026, 6, 1), D(2026, 6, 5), "勐海镇曼贺村", lead.id,
                                                          place_type="农村", state="planned")).visit
        send(a, p, tmp_path / "1")
        visit_state.set_state(a.db, a.actor, v.id, "done", D(2026, 6, 2), D(2026, 6, 3))
        send(a, p, tmp_path / "2")
        with p.db.session() as s:
            got = s.get(Visit, v.id)
            assert got is not None and (got.state, got.actual_start, got.actual_end) == \
                ("done", D(2026, 6, 2), D(2026, 6, 3))
    finally:
        for c in (a, b, p):
            c.close()


def test_older_bundle_visits_get_a_state_from_their_dates() -> None:
    past = SimpleNamespace(table="visit", op="insert", values={"start_date": D(2026, 3, 1), "end_date": D(2026, 3, 2)})
    future_end = dt.date.today() + dt.timedelta(days=9)
    future = SimpleNamespace(table="visit", op="insert",
                             values={"start_date": future_end, "end_date": future_end.isoformat()})
    edit = SimpleNamespace(table="visit", op="update", values={"start_date": D(2026, 3, 1), "end_date": D(2026, 3, 2)})
    upgrade_changes("0007", [past, future, edit])
    assert past.values["state"] == "done" and past.values["actual_end"] == D(2026, 3, 2)
    assert "state" not in future.values and "state" not in edit.values
