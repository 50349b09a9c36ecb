"""The ledger in prefecture mode: each county's items apart, all together, never a relayed row in a county."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from test_sync_support import add_issue, make_office, send, trust_both

from desktop_app.context import AppContext
from desktop_app.errors import ValidationError
from desktop_app.ledger import saved_filters
from desktop_app.ledger.query import IssueFilter, count_issues, fetch_page, filter_choices, iter_issue_rows
from desktop_app.ledger.summaries import due_summary, ledger_stats, responsibility_summary, supervision_list
from desktop_app.services import dashboard, scope

TODAY = dt.date(2026, 11, 2)
A, B, P = "532801", "532822", "532800"


class Offices:
    """Two counties whose bundles reached the prefecture; county B also got A's rows relayed."""

    def __init__(self, a: AppContext, b: AppContext, p: AppContext) -> None:
        self.a, self.b, self.p = a, b, p


@pytest.fixture(scope="module")
def offices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Offices]:
    root = tmp_path_factory.mktemp("scope")
    a = make_office(root / "a", A, "景洪市")
    b = make_office(root / "b", B, "勐海县")
    p = make_office(root / "p", P, "西双版纳州", level="prefecture")
    trust_both(a, p)
    trust_both(b, p)
    late = dt.date(2026, 6, 30)
    for n, (unit, status, deadline) in enumerate([("综合科", "in_progress", late), ("综合科", "closed", late),
                                                  ("规划科", "not_started", dt.date(2027, 3, 1))], start=1):
        add_issue(a, serial=f"2026-00{n}", description=f"景洪党建问题{n}", responsible_unit=unit, status=status,
                  deadline=deadline, responsible_person="岩温")
    for n in (1, 2):
        add_issue(b, serial=f"2026-00{n}", description=f"勐海党建问题{n}", responsible_unit="综合科",
                  status="in_progress", deadline=late if n == 1 else dt.date(2027, 1, 1), responsible_person="玉香")
    add_issue(p, serial="2026-001", description="州级自查问题", responsible_unit="督查科", deadline=dt.date(2027, 1, 1))
    send(a, p, root / "ap")
    send(b, p, root / "bp")
    send(p, b, root / "pb")  # the prefecture relays A's items (and its own) to B
    yield Offices(a, b, p)
    for c in (a, b, p):
        c.close()


def _serials(ctx: AppContext, **kw: Any) -> list[tuple[str, str]]:
    return [(r.office_code, r.serial) for r in iter_issue_rows(ctx.db, IssueFilter(year=2026, **kw), today=TODAY)]


def test_a_county_lists_only_its_own_items_even_with_relayed_rows(offices: Offices) -> None:
    b = offices.b
    assert {c.code for c in scope.office_choices(b.db)} >= {A, B}  # A's rows really are in B's database
    assert count_issues(b.db, IssueFilter(year=2026)) == 2
    assert _serials(b) == [(B, "2026-001"), (B, "2026-002")]
    assert count_issues(b.db, IssueFilter(year=2026, text="党建")) == 2  # (the count brings the index up to date)
    assert [r.serial for r in fetch_page(b.db, IssueFilter(year=2026, text="党建"))] == ["2026-001", "2026-002"]
    assert count_issues(b.db, IssueFilter(year=2026, text="景洪")) == 0
    with pytest.raises(ValidationError, match="县级单位只能查看本单位"):
        count_issues(b.db, IssueFilter(office=A))
    with pytest.raises(ValidationError):
        count_issues(b.db, IssueFilter(office=scope.ALL))
    # the dashboard and the reminders count B's own items only
    d = dashboard.summary(b.db, today=TODAY)
    assert (d.issues, d.issues_open, d.issues_overdue) == (2, 2, 1)
    assert due_summary(b.db, today=TODAY).overdue_count == 1
    stats = ledger_stats(b.db, 2026, today=TODAY)
    assert (stats.total, stats.overdue) == (2, 1)
    assert [u.unit for u in stats.by_unit] == ["综合科"]
    assert filter_choices(b.db)["person"] == ["玉香"]


def test_the_prefecture_picks_a_county_or_all(offices: Offices) -> None:
    p = offices.p
    assert scope.is_prefecture(p.db)
    assert _serials(p) == [(P, "2026-001")]  # its own by default
    assert _serials(p, office=A) == [(A, "2026-001"), (A, "2026-002"), (A, "2026-003")]
    assert _serials(p, office=B) == [(B, "2026-001"), (B, "2026-002")]
    assert sorted(_serials(p, office=scope.ALL)) == sorted(
        [(P, "2026-001"), (A, "2026-001"), (A, "2026-002"), (A, "2026-003"), (B, "2026-001"), (B, "2026-002")])
    assert count_issues(p.db, IssueFilter(year=2026, office=A, text="党建")) == 3
    assert count_issues(p.db, IssueFilter(year=2026, office=scope.ALL, text="党建")) == 5
    assert count_issues(p.db, IssueFilter(year=2026, office=B, colours=["red"]), None) == 1
    # pages by key stay within the county whatever the sort
    for key in ("serial", "deadline", "colour", "office_code"):
        assert {r.office_code for r in fetch_page(p.db, IssueFilter(office=A), sort_key=key, limit=2)} == {A}
    with pytest.raises(ValidationError, match="没有单位"):
        count_issues(p.db, IssueFilter(office="999999"))
    assert filter_choices(p.db, office=A)["person"] == ["岩温"]
    assert filter_choices(p.db, office=scope.ALL)["person"] == ["岩温", "玉香"]


def test_summaries_follow_the_scope(offices: Offices) -> None:
    p = offices.p
    resp = responsibility_summary(p.db, IssueFilter(year=2026, office=A), today=TODAY, by_person=False)
    assert [(r.unit, r.total, r.closed, r.red) for r in resp] == [("综合科", 2, 1, 1), ("规划科", 1, 0, 0)]
    assert all(r.office == "" for r in resp)
    # over every office each county's 综合科 stays apart, named by its office
    every = responsibility_summary(p.db, IssueFilter(year=2026, office=scope.ALL), today=TODAY, by_person=False)
    assert sorted((r.office, r.unit, r.total) for r in every) == [
        ("勐海县", "综合科", 2), ("景洪市", "综合科", 2), ("景洪市", "规划科", 1), ("西双版纳州", "督查科", 1)]
    sup = supervision_list(p.db, IssueFilter(year=2026, office=B), today=TODAY)
    assert [(s.row.office_code, s.row.serial) for s in sup] == [(B, "2026-001")]
    assert due_summary(p.db, today=TODAY, office=scope.ALL).overdue_count == 2
    assert due_summary(p.db, today=TODAY, office=A).overdue_count == 1
    assert due_summary(p.db, today=TODAY).overdue_count == 0  # the prefecture's own item is not late
    assert ledger_stats(p.db, 2026, today=TODAY, office=A).total == 3


def test_saved_filters_keep_the_office(offices: Offices) -> None:
    p = offices.p
    f = IssueFilter(year=2026, office=B, text="党建")
    assert IssueFilter.from_dict(f.to_dict()) == f
    assert IssueFilter.from_dict({"year": 2026}).office == ""  # filters saved before scopes existed
    saved_filters.save_filter(p.db, "勐海党建", f)
    assert saved_filters.list_saved(p.db)["勐海党建"].office == B
