"""“N 条更改待发送”: what each trusted office has not confirmed receiving, as the next bundle would carry it."""

from __future__ import annotations

from pathlib import Path

from desktop_app.sync.pending import pending_counts
from tests.helpers.sync_support import add_issue, export, prefecture_and_counties, send


def test_pending_counts_follow_what_each_office_has_confirmed(tmp_path: Path) -> None:
    a, b, p = prefecture_and_counties(tmp_path)
    try:
        before = pending_counts(a.db)[p.db.office_code]
        add_issue(a, serial="2026-001")
        add_issue(a, serial="2026-002")
        grown = pending_counts(a.db)[p.db.office_code]
        assert grown > before
        res = export(a, p, tmp_path / "x")
        assert sum(res.tables.values()) == grown  # the count is what the bundle carries
        assert pending_counts(a.db)[p.db.office_code] == grown  # sent is not confirmed: still counted
        send(a, p, tmp_path / "1")
        send(p, a, tmp_path / "2")  # the prefecture's bundle acknowledges what it received
        assert pending_counts(a.db)[p.db.office_code] == 0
        assert b.db.office_code not in pending_counts(a.db)  # a county that is not trusted is not listed
    finally:
        for c in (a, b, p):
            c.close()
