"""The demo's 成果与评价: published outcomes, every section scored for H1, contacts recognised from its own visits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop_app.campaign import contacts, evaluation, outcomes
from desktop_app.core.context import open_context
from desktop_app.demo import generate as demo
from desktop_app.quiz import awards


def test_demo_fills_results(tmp_path: Path) -> None:
    demo.generate_demo(tmp_path / "demo", items=30, today=dt.date(2026, 11, 22))
    c = open_context(tmp_path / "demo", daily_backup=False)
    try:
        rows = outcomes.list_outcomes(c.db, outcomes.OutcomeFilter(year=2026))
        assert {r.source for r in rows} >= {"topic", ""} and any(r.published_in == "《组工通讯》" for r in rows)
        results = evaluation.results(c.db, 2026, "H1")
        assert results and all(r.rank is not None for r in results)
        points = contacts.contact_status(c.db, 2026, today=dt.date(2026, 11, 22))
        assert {p.kind for p in points} == {"village", "household", "service"}
        assert any(any(p.quarters) for p in points if p.kind == "household")  # recognised from the demo's visits
        assert awards.propose(c.db, "2026H1").available["evaluation"] is True
    finally:
        c.close()
