"""visit.method is 60 characters wide (migration 0007): combined methods are stored whole, by the service and the importer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from db import migrate
from db.engine import make_engine, sqlite_url
from db.models import Issue, Visit, VisitParticipant
from db.models_work import VISIT_METHOD_MAX
from desktop_app.core.context import AppContext, open_context
from desktop_app.core.errors import ValidationError
from desktop_app.demo import generate as demo
from desktop_app.org.organisation import list_people
from desktop_app.work import importing, visits
from desktop_app.work.types import VisitInput
from tests.helpers.common import TEST_ACTOR

COMBINED = "座谈交流、实地走访、个别访谈、查阅资料"


def _width(engine) -> int | None:  # noqa: ANN001
    return next(c["type"].length for c in inspect(engine).get_columns("visit") if c["name"] == "method")


def _visit(ctx: AppContext, method: str) -> VisitInput:
    lead = next(p for p in list_people(ctx.db, 2026) if p.name == "刘洋")
    return VisitInput(start_date=dt.date(2026, 4, 7), end_date=dt.date(2026, 4, 8), place="勐阿镇纳京村",
                      lead_id=lead.id, method=method)


@pytest.mark.sqlite_only("migrates a SQLite file down and up")
def test_0006_to_0007_keeps_every_visit_and_its_links(tmp_path: Path) -> None:
    """Down to 0006 and up again on a demo office: the table is rebuilt, rows and references survive."""
    demo.generate_demo(tmp_path / "d", items=40, today=dt.date(2026, 11, 22))
    engine = make_engine(sqlite_url(tmp_path / "d" / "fielddesk.db"))
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert _width(engine) == VISIT_METHOD_MAX == 60

        def counts() -> tuple[int, ...]:
            with engine.connect() as c:
                return tuple(int(c.execute(select(func.count()).select_from(m)).scalar() or 0)
                             for m in (Visit, VisitParticipant, Issue))

        linked_sql = text("SELECT count(*) FROM issue JOIN visit ON visit.id = issue.source_visit_id")
        with engine.connect() as c:
            linked = c.execute(linked_sql).scalar()
        before = counts()
        migrate.downgrade(engine, "0006")
        assert migrate.current_revision(engine) == "0006" and _width(engine) == 12
        assert counts() == before
        migrate.upgrade(engine)
        assert _width(engine) == 60 and counts() == before and before[0] == 60
        with engine.connect() as c:
            assert c.execute(text("PRAGMA foreign_key_check")).fetchall() == []
            assert c.execute(linked_sql).scalar() == linked > 0  # items found on a visit still point at it
    finally:
        engine.dispose()


def test_the_service_stores_combined_methods_whole(ctx: AppContext) -> None:
    saved = visits.create_visit(ctx.db, TEST_ACTOR, _visit(ctx, COMBINED))
    assert visits.get_visit(ctx.db, saved.visit.id).method == COMBINED
    with pytest.raises(ValidationError, match="调研方式过长"):
        visits.create_visit(ctx.db, TEST_ACTOR, _visit(ctx, "座" * (VISIT_METHOD_MAX + 1)))
    assert len(visits.visit_infos(ctx.db, 2026)) == 1


def test_the_importer_keeps_the_sheets_wording(ctx: AppContext) -> None:
    rows = [{"lead": "刘洋", "start": "2026-05-06", "end": "2026-05-07", "place": "勐海镇", "method": COMBINED}]
    assert importing.import_visits(ctx.db, TEST_ACTOR, rows) == 1
    v = visits.visit_infos(ctx.db, 2026)[0]
    assert v.method == COMBINED and v.purpose == ""
    again = open_context(ctx.data.root, daily_backup=False)  # read back through a second connection to the file
    try:
        assert visits.visit_infos(again.db, 2026)[0].method == COMBINED
    finally:
        again.close()
