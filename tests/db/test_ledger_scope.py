"""The ledger in prefecture mode: each county's items apart, all together, never a relayed row in a county."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from desktop_app.cli import main as cli
from desktop_app.core.context import AppContext
from desktop_app.core.errors import ValidationError
from desktop_app.dashboard import summary as dashboard
from desktop_app.excel.lists import export_kind, export_ledger
from desktop_app.ledger import query, saved_filters
from desktop_app.ledger.query import IssueFilter, count_issues, fetch_page, filter_choices, iter_issue_rows
from desktop_app.ledger.summaries import due_summary, ledger_stats, responsibility_summary, supervision_list
from desktop_app.org import scope
from desktop_app.reports import jobs
from tests.helpers import pg_plugin
from tests.helpers.sync_support import add_issue, prefecture_and_counties, send

TODAY = dt.date(2026, 11, 2)
A, B, P = "532801", "532822", "532800"


class Offices:
    """Two counties whose bundles reached the prefecture; county B also got A's rows relayed."""

    def __init__(self, a: AppContext, b: AppContext, p: AppContext, root: Path) -> None:
        self.a, self.b, self.p, self.root = a, b, p, root


@pytest.fixture(scope="module")
def offices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Offices]:
    root = tmp_path_factory.mktemp("scope")
    a, b, p = prefecture_and_counties(root)
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
    yield Offices(a, b, p, root)
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


@pytest.mark.parametrize("exclude_at_most", [0, query.EXCLUDE_AT_MOST])
def test_both_ways_of_limiting_to_an_office_agree(offices: Offices, monkeypatch: pytest.MonkeyPatch,
                                                  exclude_at_most: int) -> None:
    """Few rows of other offices are excluded by rowid, many make the query test office_code: same rows."""
    monkeypatch.setattr(query, "EXCLUDE_AT_MOST", exclude_at_most)
    p, b = offices.p, offices.b
    with p.db.session() as s:
        limit = query.office_codes(p.db, IssueFilter(office=A), s)
        # excluding by rowid is SQLite's (a server always tests office_code); the rows below are the same
        assert limit is not None and limit.exclude_others == (bool(exclude_at_most) and not pg_plugin.ACTIVE)
    assert _serials(p, office=A) == [(A, "2026-001"), (A, "2026-002"), (A, "2026-003")]
    assert count_issues(p.db, IssueFilter(year=2026, office=B, text="党建")) == 2
    assert _serials(b) == [(B, "2026-001"), (B, "2026-002")]
    assert [r.unit for r in responsibility_summary(b.db, IssueFilter(year=2026), by_person=False)] == ["综合科"]
    assert filter_choices(p.db, office=A)["person"] == ["岩温"]


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
    assert sup[0].office == ""
    every_sup = supervision_list(p.db, IssueFilter(year=2026, office=scope.ALL), today=TODAY)
    assert sorted((s.office, s.row.serial) for s in every_sup) == [("勐海县", "2026-001"), ("景洪市", "2026-001")]
    every_due = due_summary(p.db, today=TODAY, office=scope.ALL)
    assert every_due.overdue_count == 2
    assert sorted((d.office, d.serial) for d in every_due.overdue) == [("勐海县", "2026-001"), ("景洪市", "2026-001")]
    assert all(d.office == "" for d in due_summary(p.db, today=TODAY, office=A).overdue)
    # the prefecture's dashboard cards count every county's items, as its statistics do
    d = dashboard.summary(p.db, today=TODAY)
    assert (d.issues, d.issues_overdue) == (6, 2)
    assert due_summary(p.db, today=TODAY, office=A).overdue_count == 1
    assert due_summary(p.db, today=TODAY).overdue_count == 0  # the prefecture's own item is not late
    assert ledger_stats(p.db, 2026, today=TODAY, office=A).total == 3
    # over every office the closure rates compare the offices
    every = ledger_stats(p.db, 2026, today=TODAY, office=scope.ALL)
    assert (every.total, every.overdue) == (6, 2)
    assert sorted((u.unit, u.total, u.closed) for u in every.by_unit) == [
        ("勐海县", 2, 0), ("景洪市", 3, 1), ("西双版纳州", 1, 0)]


def test_saved_filters_keep_the_office(offices: Offices) -> None:
    p = offices.p
    f = IssueFilter(year=2026, office=B, text="党建")
    assert IssueFilter.from_dict(f.to_dict()) == f
    assert IssueFilter.from_dict({"year": 2026}).office == ""  # filters saved before scopes existed
    saved_filters.save_filter(p.db, "勐海党建", f)
    assert saved_filters.list_saved(p.db)["勐海党建"].office == B


def _sheet(path: Path) -> tuple[str, list[str], list[tuple[object, ...]]]:
    """(title + office line, column titles, data rows) of an exported list."""
    ws = load_workbook(path, read_only=True).worksheets[0]
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    heading = str(rows[0][0]) + "|" + "".join(str(v) for v in rows[1] if v)
    return heading, [str(v) for v in rows[2] if v], [r for r in rows[3:] if r and r[0] is not None]


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def test_excel_exports_one_county_or_every_office(offices: Offices, tmp_path: Path) -> None:
    p = offices.p
    res = export_ledger(p.db, tmp_path / "a.xlsx", f=IssueFilter(year=2026, office=A))
    title, titles, rows = _sheet(res.path)
    assert res.rows == 3 and len(rows) == 3
    assert title.startswith("景洪市2026年调研发现问题整改台账|填报单位：景洪市") and "单位" not in titles
    assert {r[3] for r in rows} == {"景洪党建问题1", "景洪党建问题2", "景洪党建问题3"}
    res = export_kind(p.db, tmp_path / "all.xlsx", "ledger", year=2026, office=scope.ALL)
    title, titles, rows = _sheet(res.path)
    assert title.startswith("全州各单位2026年调研发现问题整改台账|填报单位：西双版纳州")  # reported by the prefecture
    assert titles[:3] == ["序号", "编号", "单位"]
    assert res.rows == 6 and sorted({str(r[2]) for r in rows}) == ["勐海县", "景洪市", "西双版纳州"]
    res = export_kind(p.db, tmp_path / "own.xlsx", "ledger", year=2026)
    assert res.rows == 1 and _sheet(res.path)[0].startswith("西双版纳州2026年")


def test_prints_name_the_county_and_hold_only_its_rows(offices: Offices, tmp_path: Path) -> None:
    p = offices.p
    out = tmp_path / "b.pdf"
    jobs.render(p.db, jobs.PrintJob("ledger", year=2026, office=B, today=TODAY), out)
    text = _pdf_text(out)
    assert "勐海县2026年调研发现问题清单" in text and "填报单位：勐海县" in text
    assert "勐海党建问题1" in text and "勐海党建问题2" in text and "景洪党建" not in text and "州级自查" not in text
    # a filter's own office wins (the page prints what it shows)
    jobs.render(p.db, jobs.PrintJob("supervision", filter=IssueFilter(year=2026, office=A), office=B, today=TODAY), out)
    text = _pdf_text(out)
    assert "景洪市2026年问题整改督办清单" in text and "景洪党建问题1" in text and "勐海党建" not in text
    jobs.render(p.db, jobs.PrintJob("responsibility", year=2026, office=scope.ALL, today=TODAY), out)
    text = _pdf_text(out)
    assert "全州各单位2026年问题整改责任清单" in text and "填报单位：西双版纳州" in text
    assert "景洪市综合科" in text and "勐海县综合科" in text and "西双版纳州督查科" in text


def test_command_line_office_option(offices: Offices, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdir, bdir = str(offices.root / "p"), str(offices.root / "b")
    xlsx = tmp_path / "cli.xlsx"
    assert cli.run(["--data-dir", pdir, "export-excel", str(xlsx), "--kind", "ledger", "--year", "2026",
                    "--office", A, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 3
    assert cli.run(["--data-dir", pdir, "export-excel", str(xlsx), "--kind", "ledger", "--year", "2026",
                    "--office", "all", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 6
    pdf = tmp_path / "cli.pdf"
    assert cli.run(["--data-dir", pdir, "print", str(pdf), "--kind", "ledger", "--year", "2026", "--office", B]) == 0
    capsys.readouterr()
    assert "勐海县2026年调研发现问题清单" in _pdf_text(pdf) and "景洪党建" not in _pdf_text(pdf)
    # a county may not print another county's list, relayed rows or not
    assert cli.run(["--data-dir", bdir, "print", str(pdf), "--kind", "ledger", "--office", A]) != 0
    assert "县级单位只能查看本单位的数据" in capsys.readouterr().err
    # for every kind, before anything is written
    assert cli.run(["--data-dir", bdir, "export-excel", str(tmp_path / "v.xlsx"), "--kind", "visits",
                    "--office", "all"]) != 0
    assert "县级单位只能查看本单位的数据" in capsys.readouterr().err and not (tmp_path / "v.xlsx").exists()
    assert cli.run(["--data-dir", pdir, "print", str(tmp_path / "x.pdf"), "--kind", "topics", "--office", "999999"]) != 0
    assert "没有单位“999999”的数据" in capsys.readouterr().err and not (tmp_path / "x.pdf").exists()
