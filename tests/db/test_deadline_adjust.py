"""调整期限: the assigning office moves an assigned item's deadline; it travels to the county, whose forgery is refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Extension, Issue
from desktop_app.core.audit import Actor
from desktop_app.core.context import AppContext
from desktop_app.core.errors import PermissionDeniedError, StateError, ValidationError
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger import service
from desktop_app.ledger.assign import assign_issues
from desktop_app.ledger.deadline import adjust_deadline
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.types import IssueInput
from desktop_app.sync.apply import ImportReport, import_bundle
from tests.helpers.sync_support import counties_reported, export, send

A, B, P = "532801", "532822", "532800"
WHO = Actor("tester", "测试员")
TODAY = dt.date(2026, 5, 6)  # a Wednesday, after the 劳动节 holiday (1–5 May 2026)
ASSIGNED = dt.date(2026, 4, 1)
FIRST = dt.date(2026, 9, 30)


def _no_rejections(rep: ImportReport) -> None:
    assert sum(t.rejected for t in rep.tables.values()) == 0, rep.errors


@pytest.fixture()
def offices(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext, AppContext]]:
    """(prefecture, county A, county B), each county's first bundle at the prefecture."""
    with counties_reported(tmp_path) as (a, b, p):
        yield p, a, b


def _assign(p: AppContext, deadline: dt.date | None = FIRST, **kw: Any) -> str:
    [iid] = assign_issues(p.db, WHO, A, [IssueInput(description="易地搬迁安置点配套设施不完善", deadline=deadline,
                                                    assigned_date=ASSIGNED, **kw)], today=TODAY)
    return iid


def _state(ctx: AppContext, issue_id: str) -> tuple[Any, ...]:
    """What a refused adjustment must leave as it was: the row's deadline fields, extension rows, audit entries."""
    with ctx.db.session() as s:
        i = s.get(Issue, issue_id)
        assert i is not None
        exts = s.execute(select(func.count()).select_from(Extension)).scalar()
        audits = s.execute(select(func.count()).select_from(AuditEntry)).scalar()
        return i.deadline, i.original_deadline, i.deadline_basis, i.deadline_workdays, exts, audits


def test_refusals_change_nothing(offices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p, a, _b = offices
    iid = _assign(p)
    before = _state(p, iid)
    cases: list[tuple[type[Exception], str, dict[str, Any]]] = [
        (ValidationError, "调整理由不能为空", {"new_deadline": dt.date(2026, 10, 31), "reason": "  "}),
        (ValidationError, "填写且只填写一项", {"reason": "州委督查室要求"}),
        (ValidationError, "填写且只填写一项", {"new_deadline": dt.date(2026, 10, 31), "working_days": 5, "reason": "x"}),
        (ValidationError, "工作日数“0”无效", {"working_days": 0, "reason": "x"}),
        (ValidationError, "新期限 2026-03-31 早于交办日期 2026-04-01", {"new_deadline": dt.date(2026, 3, 31), "reason": "x"}),
        (ValidationError, "与当前完成时限相同", {"new_deadline": FIRST, "reason": "x"}),
    ]
    for exc, message, kw in cases:
        with pytest.raises(exc, match=message) as e:
            adjust_deadline(p.db, WHO, iid, today=TODAY, **kw)
        assert e.value.action  # every refusal says what to do
    assert _state(p, iid) == before
    # the county holds the item but the deadline is the assigner's: refused with the rights message
    _no_rejections(send(p, a, tmp_path / "1"))
    county_before = _state(a, iid)
    with pytest.raises(PermissionDeniedError, match="调整期限由交办单位“西双版纳州”决定") as e:
        adjust_deadline(a.db, WHO, iid, new_deadline=dt.date(2026, 12, 31), reason="县里想延后", today=TODAY)
    assert "交办单位" in e.value.action
    assert _state(a, iid) == county_before
    # closed and voided items: refused
    lc.apply_closure(a.db, WHO, iid, "配套设施已建成", date=TODAY)
    _no_rejections(send(a, p, tmp_path / "2"))
    lc.verify_closure(p.db, WHO, iid, True, date=TODAY)
    closed = _state(p, iid)
    with pytest.raises(StateError, match="已销号，不能调整期限"):
        adjust_deadline(p.db, WHO, iid, new_deadline=dt.date(2026, 10, 31), reason="x", today=TODAY)
    assert _state(p, iid) == closed
    other = _assign(p)
    lc.void_issue(p.db, WHO, other, "重复交办")
    voided = _state(p, other)
    with pytest.raises(StateError, match="已作废，不能调整期限"):
        adjust_deadline(p.db, WHO, other, new_deadline=dt.date(2026, 10, 31), reason="x", today=TODAY)
    assert _state(p, other) == voided


def test_working_days_count_on_the_official_calendar_from_the_assignment_date(offices) -> None:  # type: ignore[no-untyped-def]
    p, _a, _b = offices
    [iid] = assign_issues(p.db, WHO, A, [IssueInput(description="村集体经济收入统计不实", deadline_workdays=5)],
                          today=TODAY)
    row = get_issue_detail(p.db, iid, today=TODAY).row
    assert (row.assigned_date, row.deadline) == (TODAY, dt.date(2026, 5, 12))  # Sat 9 May is a 调休 workday
    res = adjust_deadline(p.db, WHO, iid, working_days=10, reason="涉及多个部门，需要更多时间", today=TODAY)
    # 10 working days after Wed 6 May: 7, 8, 9 (调休), 11–15, 18, 19
    assert (res.old_deadline, res.new_deadline, res.original_deadline) == (dt.date(2026, 5, 12), dt.date(2026, 5, 19),
                                                                            dt.date(2026, 5, 12))
    assert res.new_deadline == service.preview_deadline(p.db, TODAY, 10).deadline  # the dialog's preview agrees
    row = get_issue_detail(p.db, iid, today=TODAY).row
    assert (row.deadline, row.original_deadline, row.deadline_basis, row.deadline_workdays) == (
        dt.date(2026, 5, 19), dt.date(2026, 5, 12), "workdays", 10)
    # a date form afterwards: the basis is a date again, the original still the first deadline
    adjust_deadline(p.db, WHO, iid, new_deadline=dt.date(2026, 6, 30), reason="并入半年督查", today=TODAY)
    row = get_issue_detail(p.db, iid, today=TODAY).row
    assert (row.deadline, row.original_deadline, row.deadline_basis, row.deadline_workdays) == (
        dt.date(2026, 6, 30), dt.date(2026, 5, 12), "date", None)
    with p.db.session() as s:
        audits = s.execute(select(AuditEntry.details).where(AuditEntry.action == "adjust_deadline",
                                                            AuditEntry.target_id == iid)
                           .order_by(AuditEntry.id)).scalars().all()
    assert [json.loads(d)["deadline"] for d in audits] == ["2026-05-19", "2026-06-30"]
    assert json.loads(audits[0])["from"] == "2026-05-12" and json.loads(audits[0])["workdays"] == 10


def test_an_offices_own_item_is_adjusted_by_its_owner_and_an_edit_keeps_the_original(offices) -> None:  # type: ignore[no-untyped-def]
    p, a, _b = offices
    [own] = service.create_issues(a.db, WHO, [IssueInput(description="党员活动室闲置", deadline=FIRST,
                                                         assigned_date=ASSIGNED)], today=TODAY)
    adjust_deadline(a.db, WHO, own, new_deadline=dt.date(2026, 7, 31), reason="县委要求提前完成", today=TODAY)
    d = get_issue_detail(a.db, own, today=TODAY)
    assert (d.row.deadline, d.row.original_deadline) == (dt.date(2026, 7, 31), FIRST)
    # a later correction by the owner moves the deadline but not the original (as after an approved extension)
    row = d.row
    lc.edit_issue(a.db, WHO, own, IssueInput(description=row.description, deadline=dt.date(2026, 8, 15),
                                             assigned_date=row.assigned_date, source=row.source), today=TODAY)
    row = get_issue_detail(a.db, own, today=TODAY).row
    assert (row.deadline, row.original_deadline) == (dt.date(2026, 8, 15), FIRST)


def test_round_trip_the_county_sees_the_new_deadline_original_timeline_and_colour(offices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p, a, b = offices
    iid = _assign(p)
    _no_rejections(send(p, a, tmp_path / "1"))
    at_a = get_issue_detail(a.db, iid, today=TODAY)
    assert (at_a.row.deadline, at_a.row.colour) == (FIRST, "green")
    assert "adjust_deadline" in at_a.refused_steps  # the county's pane offers no 调整期限
    assert "adjust_deadline" not in get_issue_detail(p.db, iid, today=TODAY).refused_steps
    # the prefecture brings the deadline forward to a date already past: red everywhere
    res = adjust_deadline(p.db, WHO, iid, new_deadline=dt.date(2026, 4, 30), reason="州委专项督查要求提前完成",
                          by="州督查室", today=TODAY)
    assert (res.old_deadline, res.original_deadline) == (FIRST, FIRST)
    _no_rejections(send(p, a, tmp_path / "2"))
    d = get_issue_detail(a.db, iid, today=TODAY)
    assert (d.row.deadline, d.row.original_deadline, d.row.colour) == (dt.date(2026, 4, 30), FIRST, "red")
    [entry] = [t for t in d.timeline if t.title.startswith("调整期限")]
    assert (entry.kind_label, entry.title, entry.at) == ("调整期限", "调整期限至 2026-04-30", TODAY)
    # the county sees who made the adjustment, and the person at the prefecture who recorded it (issue 14)
    assert entry.by == "州督查室（西双版纳州 测试员 录入）"
    assert entry.text == "州委专项督查要求提前完成；原完成时限 2026-09-30"
    assert d.pending_extension is None  # a decision, not a request waiting for one
    # again, to two days ahead: yellow; the original is still the first deadline
    adjust_deadline(p.db, WHO, iid, new_deadline=dt.date(2026, 5, 8), reason="按周调度", today=TODAY)
    _no_rejections(send(p, a, tmp_path / "3"))
    d = get_issue_detail(a.db, iid, today=TODAY)
    assert (d.row.deadline, d.row.original_deadline, d.row.colour) == (dt.date(2026, 5, 8), FIRST, "yellow")
    assert [t.title for t in d.timeline if t.kind_label == "调整期限"] == ["调整期限至 2026-04-30",
                                                                       "调整期限至 2026-05-08"]
    assert any(t.text == "按周调度；原完成时限 2026-04-30" for t in d.timeline)
    # the prefecture's own timeline shows each step once (its audit entry folded into it, not listed again)
    titles = [t.title for t in get_issue_detail(p.db, iid, today=TODAY).timeline]
    assert titles.count("调整期限") == 0 and titles.count("调整期限至 2026-05-08") == 1
    # relayed through the prefecture, the other county takes the adjustment too (no refusal)
    _no_rejections(send(p, b, tmp_path / "3b"))
    assert get_issue_detail(b.db, iid, today=TODAY).row.deadline == dt.date(2026, 5, 8)
    # the county's next bundle echoes nothing wrong back: the prefecture keeps its deadline
    lc.add_progress(a.db, WHO, iid, TODAY, "已开工建设", 30)
    _no_rejections(send(a, p, tmp_path / "4"))
    assert get_issue_detail(p.db, iid, today=TODAY).row.deadline == dt.date(2026, 5, 8)


def test_a_county_forging_an_adjustment_is_refused_on_import(offices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The adjustment record is a verdict: only the assigner writes it. (A county writing the deadline itself is
    refused in test_ledger_assign.test_a_county_forging_the_deadline_is_refused_on_import.)"""
    p, a, _b = offices
    iid = _assign(p)
    _no_rejections(send(p, a, tmp_path / "1"))
    with a.db.transaction() as s:  # a raw write, as a tampered program would make it
        s.add(Extension(issue_id=iid, requested_date=dt.date(2027, 6, 30), reason="县里自行调整", state="adjusted",
                        requested_by="县", approver="县", decided_at=TODAY, decision_note="原完成时限 2026-09-30"))
    res = export(a, p, tmp_path / "2")
    rep = import_bundle(p.db, p.data, p.actor, res.file)
    assert rep.status == "applied"
    assert rep.tables["extension"].rejected == 1
    assert any("交办单位 532800" in e for e in rep.errors)
    with p.db.session() as s:
        assert s.execute(select(func.count()).select_from(Extension)).scalar() == 0
    d = get_issue_detail(p.db, iid, today=TODAY)
    assert d.row.deadline == FIRST and not [t for t in d.timeline if t.kind_label == "调整期限"]
