"""A deadline counted into a year without a holiday table is marked 按周一至周五估算, and is counted
again when the year's notice is saved (desktop_app.ledger.calendar_saves.save_notice,
desktop_app.ledger.estimates); ``fielddesk holidays import-notice`` does the same from a file."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AuditEntry, Holiday, Issue
from desktop_app import calendar as workdays
from desktop_app.calendar.notice import NOTICE_SOURCE, parse_notice
from desktop_app.core.context import AppContext
from desktop_app.core.errors import ValidationError
from desktop_app.ledger import detail, estimates, query, service
from desktop_app.ledger.calendar_saves import save_notice
from desktop_app.ledger.types import IssueInput
from desktop_app.reports.ledger import deadline_text

D = dt.date
# a 2027 notice in the published form (the test's own example, not the real 2027 arrangement)
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（周五）放假调休，共8天。2月14日（周日）、2月20日（周六）上班。
"""


def _item(ctx: AppContext, assigned: dt.date, n: int, **kw: object) -> str:
    [iid] = service.create_issues(ctx.db, ctx.actor, [IssueInput(
        description="村级活动场所安全隐患", measures="限期维修", unit="勐罕镇", person="岩温", kind="dated",
        assigned_date=assigned, deadline_workdays=n, **kw)])  # type: ignore[arg-type]
    return iid


def _row(ctx: AppContext, iid: str):  # noqa: ANN202
    return detail.get_issue_detail(ctx.db, iid).row


def test_deadline_in_uncovered_year_is_marked_and_recomputed_when_the_notice_arrives(ctx: AppContext) -> None:
    workdays.seed_from_package(ctx.db, ctx.actor)
    cal = workdays.load_calendar(ctx.db)
    assert 2026 in cal.covered_years and 2027 not in cal.covered_years
    crossing = _item(ctx, D(2026, 12, 28), 7)  # Mon–Fri: 29, 30, 31, 1, 4, 5, 6 → 2027-01-06
    inside = _item(ctx, D(2026, 9, 1), 5)  # all in 2026: exact
    row = _row(ctx, crossing)
    assert row.deadline == D(2027, 1, 6) and row.deadline_estimated
    assert not _row(ctx, inside).deadline_estimated
    assert "按周一至周五估算" in deadline_text(row)
    listed = {r.id: r for r in query.fetch_page(ctx.db, query.IssueFilter())}
    assert listed[crossing].deadline_estimated and not listed[inside].deadline_estimated
    with ctx.db.session() as s:
        before_inside = s.get(Issue, inside).deadline  # type: ignore[union-attr]

    saved = save_notice(ctx.db, ctx.actor, parse_notice(NOTICE_2027))

    assert [(m.issue_id, m.old_deadline, m.new_deadline) for m in saved.moved] == \
        [(crossing, D(2027, 1, 6), D(2027, 1, 7))]  # 1 January is a holiday now
    row = _row(ctx, crossing)
    assert row.deadline == D(2027, 1, 7) and row.original_deadline == D(2027, 1, 7)
    assert not row.deadline_estimated and "估算" not in deadline_text(row)
    with ctx.db.session() as s:
        assert s.get(Issue, inside).deadline == before_inside  # type: ignore[union-attr]
        kinds = {h.date: (h.kind, h.source) for h in s.execute(select(Holiday).where(
            Holiday.date >= D(2027, 1, 1), Holiday.deleted.is_(False))).scalars()}
        audits = [a.action for a in s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]
    assert kinds[D(2027, 1, 1)] == ("rest", NOTICE_SOURCE) and kinds[D(2027, 2, 20)] == ("workday", NOTICE_SOURCE)
    assert len(kinds) == 3 + 8 + 2
    assert audits[-2:] == [estimates.ACTION, "import_holiday_notice"]
    timeline = detail.get_issue_detail(ctx.db, crossing).timeline
    assert any(t.title == "重算期限" and "2027-01-06 → 2027-01-07" in t.text for t in timeline)
    # saving the same notice again moves nothing
    assert save_notice(ctx.db, ctx.actor, parse_notice(NOTICE_2027)).moved == ()


def test_closed_items_and_date_deadlines_are_not_moved(ctx: AppContext) -> None:
    workdays.seed_from_package(ctx.db, ctx.actor)
    [fixed] = service.create_issues(ctx.db, ctx.actor, [IssueInput(
        description="台账缺页", measures="补齐", unit="综合科", person="吴芳", kind="dated", deadline=D(2027, 1, 6))])
    done = _item(ctx, D(2026, 12, 28), 7, status="closed")
    saved = save_notice(ctx.db, ctx.actor, parse_notice(NOTICE_2027))
    assert saved.moved == ()
    assert _row(ctx, fixed).deadline == D(2027, 1, 6) and _row(ctx, done).deadline == D(2027, 1, 6)


def test_coming_year_warning_from_november() -> None:
    cal = workdays.WorkCalendar({}, frozenset({2026}))
    assert estimates.coming_year_warning(cal, D(2026, 10, 31)) == ""
    w = estimates.coming_year_warning(cal, D(2026, 12, 7))
    assert "2027年" in w and "按周一至周五估算" in w and "设置 › 节假日" in w
    assert "2027年" in estimates.coming_year_warning(cal, D(2027, 3, 1))  # the year itself, any month
    assert estimates.coming_year_warning(workdays.WorkCalendar({}, frozenset({2026, 2027})), D(2026, 12, 7)) == ""


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop_app", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_import_notice_dry_run_then_save(ctx: AppContext, tmp_path: Path) -> None:
    workdays.seed_from_package(ctx.db, ctx.actor)
    crossing = _item(ctx, D(2026, 12, 28), 7)
    data = ctx.data.root
    ctx.close()
    notice = tmp_path / "通知.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    r = _cli(data, "holidays", "import-notice", str(notice), "--dry-run", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["year"] == 2027 and out["status"] == "dry-run" and out["moved"] == []
    assert out["work_days"] == ["2027-02-14", "2027-02-20"] and out["rest_days"][0] == "2027-01-01"
    r = _cli(data, "holidays", "import-notice", str(notice), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["status"] == "saved" and [(m["id"], m["from"], m["to"]) for m in out["moved"]] == \
        [(crossing, "2027-01-06", "2027-01-07")]
    bad = tmp_path / "bad.txt"
    bad.write_text("一、春节：2月5日至12日放假调休，共9天。", encoding="utf-8")
    r = _cli(data, "holidays", "import-notice", str(bad), "--year", "2027")
    assert r.returncode != 0 and "共9天" in r.stderr


def test_refused_notice_changes_nothing(ctx: AppContext) -> None:
    workdays.seed_from_package(ctx.db, ctx.actor)
    with ctx.db.session() as s:
        before = len(s.execute(select(Holiday.id)).all())
    with pytest.raises(ValidationError):
        save_notice(ctx.db, ctx.actor, parse_notice(NOTICE_2027 + "三、清明节：4月5日至4日放假。"))
    with ctx.db.session() as s:
        assert len(s.execute(select(Holiday.id)).all()) == before


def test_a_holiday_sheet_import_recomputes_too(ctx: AppContext) -> None:
    from desktop_app.ledger.calendar_saves import save_days

    workdays.seed_from_package(ctx.db, ctx.actor)
    crossing = _item(ctx, D(2026, 12, 28), 7)
    n, moved = save_days(ctx.db, ctx.actor, [(D(2027, 1, 1), "rest", "元旦"), (D(2027, 1, 4), "rest", "元旦")])
    assert n == 2 and [(m.issue_id, m.new_deadline) for m in moved] == [(crossing, D(2027, 1, 8))]
    assert _row(ctx, crossing).deadline == D(2027, 1, 8)
