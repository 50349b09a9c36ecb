"""The ledger's page order on PostgreSQL: NULLS FIRST/LAST only where the sort column can be empty.

A never-empty order (the serial's natural order, the colour rank) said with NULLS FIRST does not match
``ix_issue_year_serial`` on PostgreSQL, which then sorts every matching row for one page (0.28 s for a
党建 page at 100k instead of 0.014 s walking the index: docs/postgresql.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from db.models import Issue
from desktop_app.calendar import WorkCalendar
from desktop_app.ledger import query
from desktop_app.ledger.warnings import WarningClock


def _sql(sort_key: str, descending: bool, engine: str) -> str:
    clock = WarningClock(dt.date(2026, 6, 1), dt.date(2026, 6, 8), WorkCalendar())
    expr = query._sort_expr(sort_key, clock)
    nullable = sort_key not in query.NEVER_NULL_SORTS
    q = query._ordered(select(Issue.id), expr, descending, sqlite=engine == "sqlite", nullable=nullable)
    dialect = sqlite.dialect() if engine == "sqlite" else postgresql.dialect()
    return str(q.compile(dialect=dialect)).upper()


@pytest.mark.parametrize("descending", [False, True])
def test_serial_and_colour_pages_follow_the_index_on_postgresql(descending: bool) -> None:
    for key in ("serial", "colour"):
        assert "NULLS" not in _sql(key, descending, "postgresql"), key


def test_a_column_that_may_be_empty_keeps_sqlites_null_order_on_postgresql() -> None:
    assert "DEADLINE ASC NULLS FIRST" in _sql("deadline", False, "postgresql")
    assert "DEADLINE DESC NULLS LAST" in _sql("deadline", True, "postgresql")
    assert "NULLS" not in _sql("deadline", False, "sqlite")  # SQLite's default already is that order
