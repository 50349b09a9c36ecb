"""A county's deadlines estimated Monday–Friday for a year are counted again when the prefecture's
table for that year arrives in a bundle; items whose deadline the prefecture owns (交办) are counted
again by the prefecture when it saves the notice, and reach the county as its change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from db.models import AuditEntry
from desktop_app import calendar as workdays
from desktop_app.calendar.notice import parse_notice
from desktop_app.ledger import detail, estimates, service
from desktop_app.ledger.assign import assign_issues
from desktop_app.ledger.calendar_saves import save_notice
from desktop_app.ledger.types import IssueInput
from tests.helpers.sync_support import prefecture_and_counties, send

D = dt.date
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。"


def _input() -> IssueInput:
    return IssueInput(description="村级活动场所安全隐患", measures="限期维修", unit="勐罕镇", person="岩温",
                      kind="dated", assigned_date=D(2026, 12, 28), deadline_workdays=7)


def test_table_sent_down_recomputes_the_county_own_estimates(tmp_path: Path) -> None:
    a, b, p = prefecture_and_counties(tmp_path)
    try:
        for c in (p, a, b):
            workdays.seed_from_package(c.db, c.actor)
        [own] = service.create_issues(a.db, a.actor, [_input()])
        send(a, p, tmp_path / "hello")  # the prefecture knows county A from its first report
        [assigned] = assign_issues(p.db, p.actor, a.db.office_code or "", [_input()])
        send(p, a, tmp_path / "first")
        for iid in (own, assigned):
            row = detail.get_issue_detail(a.db, iid).row
            assert row.deadline == D(2027, 1, 6) and row.deadline_estimated

        saved = save_notice(p.db, p.actor, parse_notice(NOTICE_2027))
        assert [m.issue_id for m in saved.moved] == [assigned]  # the prefecture's own field; not A's item
        rep = send(p, a, tmp_path / "down")

        for iid in (own, assigned):
            row = detail.get_issue_detail(a.db, iid).row
            assert row.deadline == D(2027, 1, 7) and not row.deadline_estimated, iid
        assert any("按周一至周五估算的完成时限已按实际工作日重算" in w and "2027-01-06→2027-01-07" in w
                   for w in rep.warnings)
        with a.db.session() as s:
            audited = s.query(AuditEntry).filter(AuditEntry.action == estimates.ACTION).all()
        assert [e.target_id for e in audited] == [own]  # A moved only its own item's deadline
        # A's move travels up like any change of its own
        send(a, p, tmp_path / "up")
        assert detail.get_issue_detail(p.db, own).row.deadline == D(2027, 1, 7)
    finally:
        for c in (p, a, b):
            c.close()
