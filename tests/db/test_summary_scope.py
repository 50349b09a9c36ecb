"""A prefecture's yearly summary covers its counties' ledgers, like its dashboard; a county's stays its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop_app.org import scope
from desktop_app.reports.jobs import PrintJob
from desktop_app.reports.summary import fetch_summary_report
from tests.helpers.sync_support import add_issue, prefecture_and_counties, send


def test_prefecture_summary_counts_every_county(tmp_path: Path) -> None:
    a, b, p = prefecture_and_counties(tmp_path)
    add_issue(a, serial="A-1", status="closed")
    add_issue(a, serial="A-2", status="in_progress")
    add_issue(b, serial="B-1", status="closed")
    send(a, p, tmp_path / "1")
    send(b, p, tmp_path / "2")
    today = dt.date(2026, 11, 1)
    whole = fetch_summary_report(p.db, PrintJob("summary", year=2026, today=today, office=scope.ALL))
    assert whole.ledger_line.startswith("各单位合计：全年共排查问题3个，已销号2个")
    assert {bar.label for bar in whole.unit_rates} == {"景洪市", "勐海县"}  # county against county
    own = fetch_summary_report(p.db, PrintJob("summary", year=2026, today=today))
    assert own.ledger_line.startswith("全年共排查问题0个")
    county = fetch_summary_report(a.db, PrintJob("summary", year=2026, today=today))
    assert county.ledger_line.startswith("全年共排查问题2个，已销号1个")
    for c in (a, b, p):
        c.close()
