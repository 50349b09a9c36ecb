"""州级交办: a prefecture assigns items to a county; they travel by bundle and each office keeps to its steps."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, ChangeLog, Issue, Setting
from db.models_ledger import IssueSearchKey
from desktop_app.cli import main as cli
from desktop_app.core.audit import Actor
from desktop_app.core.context import AppContext
from desktop_app.core.errors import PermissionDeniedError, ValidationError
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger import service
from desktop_app.ledger.assign import assign_issues, assignable_counties
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.query import IssueFilter, iter_issue_rows
from desktop_app.ledger.service import LedgerValidationError
from desktop_app.ledger.types import IssueInput
from desktop_app.sync.apply import ImportReport, import_bundle
from tests.helpers import pg_plugin
from tests.helpers.sync_support import add_issue, edit, export, prefecture_and_counties, send

A, B, P = "532801", "532822", "532800"
WHO = Actor("tester", "测试员")
TODAY = dt.date(2026, 5, 6)  # a Wednesday; 1 May–5 May 2026 is the 劳动节 holiday


def _no_rejections(rep: ImportReport) -> None:
    assert sum(t.rejected for t in rep.tables.values()) == 0, rep.errors


@pytest.fixture()
def offices(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext, AppContext]]:
    """(prefecture, county A, county B): each county's first bundle has reached the prefecture."""
    a, b, p = prefecture_and_counties(tmp_path)
    add_issue(a, serial="2026-001", description="景洪自查问题")
    send(a, p, tmp_path / "a0")
    send(b, p, tmp_path / "b0")
    yield p, a, b
    for c in (a, b, p):
        c.close()


def _row(ctx: AppContext, issue_id: str) -> Issue:
    with ctx.db.session() as s:
        row = s.get(Issue, issue_id)
        assert row is not None
        s.expunge(row)
        return row


def test_only_a_prefecture_assigns_and_only_to_a_known_county(offices) -> None:  # type: ignore[no-untyped-def]
    p, a, _b = offices
    item = [IssueInput(description="易地搬迁后续扶持不到位")]
    with pytest.raises(PermissionDeniedError, match="只有市（州）级单位可以交办问题"):
        assign_issues(a.db, WHO, B, item)
    assert assignable_counties(a.db) == []
    assert [(c.code, c.name) for c in assignable_counties(p.db)] == [(A, "景洪市"), (B, "勐海县")]
    with pytest.raises(ValidationError, match="没有县（区）“539999”"):
        assign_issues(p.db, WHO, "539999", item)
    with pytest.raises(ValidationError, match="不能向本单位交办问题"):
        assign_issues(p.db, WHO, P, item)
    with pytest.raises(ValidationError, match="请选择责任县（区）"):
        assign_issues(p.db, WHO, "", item)
    # create_issues' own validation, every problem named; nothing is written
    with pytest.raises(LedgerValidationError) as e:
        assign_issues(p.db, WHO, A, [IssueInput(description=""), IssueInput(description="x", kind="soon")])
    assert [x.message for x in e.value.errors] == ["第1条问题：问题描述不能为空", "第2条问题：整改类型“soon”无效"]
    # the county's part is the county's
    with pytest.raises(LedgerValidationError, match="整改进展由责任县（区）填报"):
        assign_issues(p.db, WHO, A, [IssueInput(description="x", progress_text="州里代填")])
    with pytest.raises(LedgerValidationError, match="整改状态由责任县（区）填报"):
        assign_issues(p.db, WHO, A, [IssueInput(description="x", status="closed")])
    with pytest.raises(LedgerValidationError, match="编号由系统按本单位交办序列编排"):
        assign_issues(p.db, WHO, A, [IssueInput(description="x", serial="2026-001")])
    with p.db.session() as s:
        assert s.execute(select(func.count()).where(Issue.assigned_by_office == P)).scalar() == 0


def test_assigned_items_are_the_countys_and_numbered_in_the_prefectures_series(offices) -> None:  # type: ignore[no-untyped-def]
    p, _a, _b = offices
    ids = assign_issues(p.db, WHO, A, [IssueInput(description="产业扶持资金拨付滞后", category="产业发展",
                                                  deadline_workdays=5),
                                       IssueInput(description="村级活动场所闲置", deadline=dt.date(2026, 8, 31),
                                                  unit="景洪市农业农村局")], today=TODAY)
    [other] = assign_issues(p.db, WHO, B, [IssueInput(description="护林员管理不规范", year=2025)], today=TODAY)
    [later] = assign_issues(p.db, WHO, B, [IssueInput(description="饮水工程维护不及时")], today=TODAY)
    own = service.create_issues(p.db, WHO, [IssueInput(description="州本级问题")], today=TODAY)[0]
    rows = {i: _row(p, i) for i in [*ids, other, later, own]}
    # one 交办 series per prefecture and year, across counties; the prefecture's own series is untouched
    assert [rows[i].serial for i in ids] == ["州交2026-001", "州交2026-002"]
    assert rows[other].serial == "州交2025-001" and rows[later].serial == "州交2026-003"
    assert rows[own].serial == "2026-001" and rows[own].office_code == P and rows[own].assigned_by_office == ""
    first, second = rows[ids[0]], rows[ids[1]]
    assert [(r.office_code, r.assigned_by_office, r.source, r.changed_by, r.status, r.progress_percent)
            for r in (first, second)] == [(A, P, "assigned", P, "not_started", 0)] * 2
    assert (rows[other].office_code, rows[later].office_code) == (B, B)
    # assigned today unless given; 5 working days after Wed 6 May 2026 is Tue 12 May (Sat 9 May is a 调休 workday)
    assert first.assigned_date == TODAY and first.deadline_basis == "workdays"
    assert first.deadline == first.original_deadline == dt.date(2026, 5, 12)
    assert second.deadline == dt.date(2026, 8, 31) and second.deadline_basis == "date"
    # 责任单位: the county's name unless given
    assert (first.responsible_unit, second.responsible_unit) == ("景洪市", "景洪市农业农村局")
    with p.db.session() as s:
        indexed = set(s.execute(select(IssueSearchKey.issue_id)).scalars())
        log = s.execute(select(ChangeLog.origin).where(ChangeLog.row_id == ids[0])).scalars().all()
        audit = s.execute(select(AuditEntry.action, AuditEntry.details)
                          .where(AuditEntry.action == "assign_issues").order_by(AuditEntry.id)).all()
    assert set(rows) <= indexed or pg_plugin.ACTIVE  # indexed in the same transaction (SQLite's FTS5 index)
    assert log == [P]  # the prefecture's change, sent in its bundles
    assert len(audit) == 3 and json.loads(audit[0].details)["office"] == A
    assert json.loads(audit[0].details)["first"] == "州交2026-001"
    # the prefecture's ledger lists them under the county; the timeline says who assigned
    county_rows = list(iter_issue_rows(p.db, IssueFilter(office=A), today=TODAY))
    assert {r.serial for r in county_rows} == {"2026-001", "州交2026-001", "州交2026-002"}
    assert get_issue_detail(p.db, ids[1], today=TODAY).timeline[0].title == "交办问题"


def test_round_trip_prefecture_county_prefecture_county(offices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p, a, b = offices
    [iid] = assign_issues(p.db, WHO, A, [IssueInput(description="危房改造验收资料不全", deadline=dt.date(2026, 9, 30))],
                          today=TODAY)
    _no_rejections(send(p, a, tmp_path / "1"))
    _no_rejections(send(p, b, tmp_path / "1b"))
    # the county sees it in its own ledger (B holds it only as relayed data, not in its ledger)
    mine = list(iter_issue_rows(a.db, IssueFilter(year=2026), today=TODAY))
    assert {r.serial: r.office_code for r in mine} == {"2026-001": A, "州交2026-001": A}
    assert [r.serial for r in iter_issue_rows(b.db, IssueFilter(year=2026), today=TODAY)] == []
    # the county works it: progress, measures, closure application
    lc.add_progress(a.db, WHO, iid, TODAY, "已补齐验收资料八户", 60)
    d = get_issue_detail(a.db, iid, today=TODAY)
    assert d.refused_steps == {"decide_extension", "verify", "adjust_deadline"}
    made = next(t for t in d.timeline if t.kind == "audit")
    assert (made.title, made.by) == ("交办问题", "西双版纳州")  # the audit entry stays at the prefecture
    lc.edit_issue(a.db, WHO, iid, IssueInput(description=d.row.description, measures="逐户补齐资料",
                                             deadline=d.row.deadline, assigned_date=d.row.assigned_date,
                                             source="assigned", unit=d.row.responsible_unit))
    # … but never the deadline nor the verdict
    with pytest.raises(PermissionDeniedError, match="完成时限和交办日期由交办单位确定"):
        lc.edit_issue(a.db, WHO, iid, IssueInput(description=d.row.description, deadline=dt.date(2026, 12, 31),
                                                 assigned_date=d.row.assigned_date, source="assigned"))
    lc.apply_closure(a.db, WHO, iid, "验收资料已齐全，附清单", date=TODAY)
    with pytest.raises(PermissionDeniedError, match="审核销号由交办单位“西双版纳州”决定"):
        lc.verify_closure(a.db, WHO, iid, True, date=TODAY)
    assert _row(a, iid).closure_state == "applied"
    _no_rejections(send(a, p, tmp_path / "2"))
    at_p = _row(p, iid)
    # 申请销号 at 60 % made the county's item 已完成 at 100 %: status and progress never contradict
    assert (at_p.progress_percent, at_p.measures, at_p.closure_state) == (100, "逐户补齐资料", "applied")
    # the prefecture verifies (审核销号) → the county sees it closed
    lc.verify_closure(p.db, WHO, iid, True, verifier="州督查室", date=TODAY)
    _no_rejections(send(p, a, tmp_path / "3"))
    back = _row(a, iid)
    assert (back.status, back.closure_state, back.closed_by, back.deadline) == ("closed", "approved", "州督查室",
                                                                               dt.date(2026, 9, 30))
    assert back.progress_percent == 100  # closed at 100 %, as the county's application left it


def test_a_county_forging_the_deadline_is_refused_on_import(offices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Ownership is enforced at the prefecture too: a county that writes the deadline past its checks loses that row."""
    p, a, _b = offices
    [iid] = assign_issues(p.db, WHO, A, [IssueInput(description="集体经济收入统计不实", deadline=dt.date(2026, 9, 30))],
                          today=TODAY)
    _no_rejections(send(p, a, tmp_path / "1"))
    edit(a, Issue, iid, deadline=dt.date(2027, 6, 30))  # a raw edit, as an older or tampered program would
    res = export(a, p, tmp_path / "2")
    rep = import_bundle(p.db, p.data, p.actor, res.file)
    assert rep.tables["issue"].rejected == 1
    assert any("交办单位 532800" in e for e in rep.errors)
    assert _row(p, iid).deadline == dt.date(2026, 9, 30)


def test_the_series_ignores_a_countys_own_numbers_and_survives_a_lost_counter(offices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p, a, _b = offices
    # the county recorded a paper 交办 under its own number: not part of the prefecture's series
    add_issue(a, serial="2026-002", description="纸质交办的问题", source="assigned", assigned_by_office=P)
    _no_rejections(send(a, p, tmp_path / "a1"))
    [first] = assign_issues(p.db, WHO, A, [IssueInput(description="第一件")], today=TODAY)
    assert _row(p, first).serial == "州交2026-001"
    # the counter is a setting of this PC: without it the series goes on after its highest number
    with p.db.transaction() as s:
        s.delete(s.get(Setting, f"ledger.assign_counter.{P}.2026"))
    [second] = assign_issues(p.db, WHO, A, [IssueInput(description="第二件")], today=TODAY)
    assert _row(p, second).serial == "州交2026-002"


def test_the_assign_command(offices, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    p, _a, _b = offices
    argv = ["assign", "--county", A, "--description", "驻村工作队考勤不实", "--assigned-date", "2026-05-06",
            "--workdays", "5", "--json"]
    assert cli.run(["--data-dir", str(tmp_path / "p"), *argv]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["serial"], out["office_code"], out["deadline"]) == ("州交2026-001", A, "2026-05-12")
    assert _row(p, out["id"]).assigned_by_office == P
    # a county, an unknown county and a bad date are refused in Chinese, nothing written
    assert cli.run(["--data-dir", str(tmp_path / "a"), *argv]) != 0
    assert "只有市（州）级单位可以交办问题" in capsys.readouterr().err
    assert cli.run(["--data-dir", str(tmp_path / "p"), "assign", "--county", "539999", "--description", "x"]) != 0
    assert "没有县（区）“539999”" in capsys.readouterr().err
    assert cli.run(["--data-dir", str(tmp_path / "p"), "assign", "--county", A, "--description", "x",
                    "--deadline", "2026-13-01"]) != 0
    assert "完成时限“2026-13-01”不是有效日期" in capsys.readouterr().err
    with p.db.session() as s:
        assert s.execute(select(func.count()).where(Issue.assigned_by_office == P)).scalar() == 1
