"""Lifecycle steps on another office's item: refused here exactly where the importer would refuse them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db.models import Issue
from desktop_app.core.audit import Actor
from desktop_app.core.errors import PermissionDeniedError
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger import rights
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.types import IssueInput
from desktop_app.sync.apply import ImportReport
from tests.helpers.sync_support import add_issue, make_office, send, trust_both

A, P = "532801", "532800"
WHO = Actor("tester", "测试员")
DAY = dt.date(2026, 5, 6)


def _no_rejections(rep: ImportReport) -> None:
    assert sum(t.rejected for t in rep.tables.values()) == 0, rep.errors


def _input(issue_id: str, ctx, **changes) -> IssueInput:  # noqa: ANN001 — a test context
    d = get_issue_detail(ctx.db, issue_id).row
    values = dict(description=d.description, category=d.category, measures=d.measures, kind=d.kind,
                  unit=d.responsible_unit, person=d.responsible_person, deadline=d.deadline,
                  assigned_date=d.assigned_date, source=d.source)
    values.update(changes)
    return IssueInput(**values)


def test_refusal_rules() -> None:
    assert rights.refusal(P, A, "", "progress") == "owner:登记进展"
    assert rights.refusal(A, A, P, "progress") is None
    assert rights.refusal(P, A, P, "verify_closure") is None
    assert rights.refusal(A, A, P, "verify_closure") == "judge:审核销号"
    assert rights.refusal(A, A, "", "verify_closure") is None
    assert rights.refusal(P, A, "", "decide_extension") == "judge:审批延期"
    assert rights.refusal(P, A, "", "urge") is None and rights.refusal(P, A, "", "follow_up") is None
    assert rights.refusal(P, A, P, "void") is None and rights.refusal("532822", A, P, "void") == "owner:作废"
    assert rights.refusal("", A, P, "edit") is None  # before setup
    # the detail pane's buttons
    assert rights.refused_steps(P, A, "") == {"edit", "progress", "extension", "decide_extension", "closure",
                                              "verify", "void", "adjust_deadline"}
    assert rights.refused_steps(P, A, P) == {"edit", "progress", "extension", "closure"}
    assert rights.refused_steps(A, A, P) == {"decide_extension", "verify", "adjust_deadline"}
    assert rights.refused_steps(A, A, "") == set()


def test_prefecture_cannot_write_a_countys_fields(tmp_path: Path) -> None:
    a = make_office(tmp_path / "a", A, "景洪市")
    p = make_office(tmp_path / "p", P, "西双版纳州", level="prefecture")
    try:
        trust_both(a, p)
        own = add_issue(a, serial="2026-001", responsible_unit="综合科", assigned_date=dt.date(2026, 3, 1))
        send(a, p, tmp_path / "1")
        # the county's own item, held by the prefecture: look, urge and visit — nothing else
        for step, call in (("登记进展", lambda: lc.add_progress(p.db, WHO, own, DAY, "州里代填的进展", 50)),
                           ("修改", lambda: lc.edit_issue(p.db, WHO, own, _input(own, p, measures="州里改的措施"))),
                           ("申请延期", lambda: lc.request_extension(p.db, WHO, own, dt.date(2026, 12, 31), "来不及")),
                           ("申请销号", lambda: lc.apply_closure(p.db, WHO, own, "已整改")),
                           ("作废", lambda: lc.void_issue(p.db, WHO, own, "重复"))):
            with pytest.raises(PermissionDeniedError, match=f"属于“景洪市”，{step}由该单位办理"):
                call()
        with p.db.session() as s:
            row = s.get(Issue, own)
            assert (row.status, row.measures, row.progress_percent, row.closure_state) == ("not_started", "", 0, "")
        lc.add_urge(p.db, WHO, own, level=2, note="请加快整改", date=DAY)
        lc.add_follow_up(p.db, WHO, own, DAY, "现场查看，正在整改")
        # the county applies for closure: only the county (it assigned nothing) may verify it
        lc.apply_closure(a.db, WHO, own, "已整改到位", date=DAY)
        _no_rejections(send(a, p, tmp_path / "2"))
        with pytest.raises(PermissionDeniedError, match="审核销号由责任单位“景洪市”决定"):
            lc.verify_closure(p.db, WHO, own, True, date=DAY)
        # the prefecture's urges and follow-up travel to the county without a refusal
        _no_rejections(send(p, a, tmp_path / "3"))
        kinds = [e.kind for e in get_issue_detail(a.db, own).timeline]
        assert "urge" in kinds and "follow_up" in kinds
    finally:
        a.close()
        p.close()


def test_an_assigned_item_splits_its_steps(tmp_path: Path) -> None:
    a = make_office(tmp_path / "a", A, "景洪市")
    p = make_office(tmp_path / "p", P, "西双版纳州", level="prefecture")
    try:
        trust_both(a, p)
        deadline = dt.date(2026, 9, 30)
        with p.db.transaction() as s:  # 交办: the prefecture writes an item the county owns
            item = Issue(office_code=A, serial="州交2026-001", year=2026, source="assigned", description="交办问题",
                         responsible_unit="景洪市", assigned_date=dt.date(2026, 3, 1), deadline=deadline,
                         original_deadline=deadline, assigned_by_office=P)
            s.add(item)
            s.flush()
            iid = item.id
        _no_rejections(send(p, a, tmp_path / "1"))
        # the county: progress and measures yes; the deadline and the verdicts are the prefecture's
        lc.add_progress(a.db, WHO, iid, DAY, "已制定方案", 30)
        lc.edit_issue(a.db, WHO, iid, _input(iid, a, measures="分三步整改"))
        with pytest.raises(PermissionDeniedError, match="完成时限和交办日期由交办单位确定"):
            lc.edit_issue(a.db, WHO, iid, _input(iid, a, deadline=dt.date(2026, 12, 31)))
        ext = lc.request_extension(a.db, WHO, iid, dt.date(2026, 11, 30), "资金未到位")
        with pytest.raises(PermissionDeniedError, match="审批延期由交办单位“西双版纳州”决定"):
            lc.decide_extension(a.db, WHO, ext, True)
        lc.apply_closure(a.db, WHO, iid, "整改完成，附照片", date=DAY)
        with pytest.raises(PermissionDeniedError, match="审核销号由交办单位“西双版纳州”决定"):
            lc.verify_closure(a.db, WHO, iid, True, date=DAY)
        _no_rejections(send(a, p, tmp_path / "2"))
        # the prefecture decides; neither its verdicts nor the county's work is refused anywhere
        with pytest.raises(PermissionDeniedError, match="登记进展由该单位办理"):
            lc.add_progress(p.db, WHO, iid, DAY, "州里代填", 90)
        lc.decide_extension(p.db, WHO, ext, True, today=DAY)
        lc.verify_closure(p.db, WHO, iid, True, verifier="州督查室", date=DAY)
        _no_rejections(send(p, a, tmp_path / "3"))
        with a.db.session() as s:
            row = s.get(Issue, iid)
            assert (row.status, row.deadline, row.measures) == ("closed", dt.date(2026, 11, 30), "分三步整改")
            # the county's own 申请销号 made it 100 % (已完成 never sits beside 30 %); the verdict does not write it
            assert row.progress_percent == 100
        with pytest.raises(PermissionDeniedError, match="重新打开由交办单位“西双版纳州”决定"):
            lc.add_follow_up(a.db, WHO, iid, DAY, "群众反映问题反弹", satisfied=False, reopen=True)
        lc.add_follow_up(p.db, WHO, iid, DAY, "问题反弹", satisfied=False, reopen=True)
        _no_rejections(send(p, a, tmp_path / "4"))
        with a.db.session() as s:
            assert s.get(Issue, iid).status == "in_progress"
    finally:
        a.close()
        p.close()
