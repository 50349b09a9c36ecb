"""Ledger lifecycle: progress, extension, urge, closure, follow-up, void — and the refusals that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, ChangeLog, Closure, Extension, FollowUp, Progress, Urge
from desktop_app.core.context import AppContext
from desktop_app.core.errors import StateError, ValidationError
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from tests.helpers.common import TEST_ACTOR

D = dt.date


@pytest.fixture
def item(ctx: AppContext) -> str:
    return create_issues(ctx.db, TEST_ACTOR, [IssueInput(
        "村集体经济项目收益分配不规范", unit="综合科", person="吴芳", assigned_date=D(2026, 3, 2),
        deadline=D(2026, 4, 30))])[0]


def _snapshot(ctx: AppContext) -> tuple[int, ...]:
    with ctx.db.session() as s:
        return tuple(int(s.execute(select(func.count()).select_from(m)).scalar() or 0)
                     for m in (AuditEntry, ChangeLog, Progress, Extension, Urge, Closure, FollowUp))


def _refused(ctx: AppContext, item: str, exc: type[Exception], match: str, fn, *args, **kw) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot(ctx), get_issue_detail(ctx.db, item).row
    with pytest.raises(exc, match=match):
        fn(ctx.db, TEST_ACTOR, *args, **kw)
    assert (_snapshot(ctx), get_issue_detail(ctx.db, item).row) == before


def test_progress_updates_the_item_and_bad_percent_is_refused(ctx: AppContext, item: str) -> None:
    lc.add_progress(ctx.db, TEST_ACTOR, item, D(2026, 3, 10), "已召开专题会议", 30, "吴芳")
    r = get_issue_detail(ctx.db, item).row
    assert (r.status, r.progress_percent, r.latest_progress) == ("in_progress", 30, "已召开专题会议")
    _refused(ctx, item, ValidationError, "0到100", lc.add_progress, item, D(2026, 3, 11), "x", 101)
    _refused(ctx, item, ValidationError, "进展情况不能为空", lc.add_progress, item, D(2026, 3, 11), "  ", 50)
    lc.add_progress(ctx.db, TEST_ACTOR, item, D(2026, 4, 1), "整改完成", 100)
    assert get_issue_detail(ctx.db, item).row.status == "done"


def test_extension_keeps_the_original_deadline(ctx: AppContext, item: str) -> None:
    ext = lc.request_extension(ctx.db, TEST_ACTOR, item, D(2026, 6, 30), "涉及资金审批，需延长")
    _refused(ctx, item, StateError, "待审批", lc.request_extension, item, D(2026, 7, 30), "再延")
    lc.decide_extension(ctx.db, TEST_ACTOR, ext, approve=True, note="同意", approver="刘洋")
    d = get_issue_detail(ctx.db, item)
    assert d.row.deadline == D(2026, 6, 30) and d.row.original_deadline == D(2026, 4, 30)
    assert [(e.state, e.approver) for e in d.extensions] == [("approved", "刘洋")]
    # a second extension moves the deadline again; the original stays the first one
    ext2 = lc.request_extension(ctx.db, TEST_ACTOR, item, D(2026, 8, 31), "再次延期")
    lc.decide_extension(ctx.db, TEST_ACTOR, ext2, approve=False, note="不同意")
    d = get_issue_detail(ctx.db, item)
    assert d.row.deadline == D(2026, 6, 30) and d.row.original_deadline == D(2026, 4, 30)
    # editing the deadline after an approved extension leaves the original alone too
    lc.edit_issue(ctx.db, TEST_ACTOR, item, IssueInput("村集体经济项目收益分配不规范", unit="综合科",
                                                         assigned_date=D(2026, 3, 2), deadline=D(2026, 7, 15)))
    d = get_issue_detail(ctx.db, item)
    assert d.row.deadline == D(2026, 7, 15) and d.row.original_deadline == D(2026, 4, 30)
    _refused(ctx, item, ValidationError, "须晚于当前时限", lc.request_extension, item, D(2026, 7, 1), "提前")


def test_deadline_before_assignment_is_refused_on_edit(ctx: AppContext, item: str) -> None:
    _refused(ctx, item, ValidationError, "早于交办日期", lc.edit_issue, item,
             IssueInput("改", assigned_date=D(2026, 3, 2), deadline=D(2026, 3, 1)))


def test_closure_needs_evidence_then_verify_then_read_only_until_reopened(ctx: AppContext, item: str) -> None:
    _refused(ctx, item, ValidationError, "佐证", lc.apply_closure, item, "   ")
    _refused(ctx, item, StateError, "没有待审核", lc.verify_closure, item, True)
    lc.apply_closure(ctx.db, TEST_ACTOR, item, "分配方案及公示照片", D(2026, 4, 20), "吴芳")
    # the verifier sends it back once
    _refused(ctx, item, ValidationError, "退回理由", lc.verify_closure, item, False, "")
    lc.verify_closure(ctx.db, TEST_ACTOR, item, False, "公示时间不足", "陈静", D(2026, 4, 22))
    r = get_issue_detail(ctx.db, item).row
    assert (r.status, r.closure_state) == ("in_progress", "returned")
    lc.apply_closure(ctx.db, TEST_ACTOR, item, "补充公示满7天的照片", D(2026, 4, 28))
    lc.verify_closure(ctx.db, TEST_ACTOR, item, True, "", "陈静", D(2026, 4, 29))
    d = get_issue_detail(ctx.db, item)
    assert (d.row.status, d.row.closed_at, d.read_only) == ("closed", D(2026, 4, 29), True)
    assert d.row.colour == "grey"
    # closed: read-only, no extension, no progress, no void
    _refused(ctx, item, StateError, "已销号", lc.request_extension, item, D(2026, 9, 1), "延")
    _refused(ctx, item, StateError, "已销号", lc.add_progress, item, D(2026, 5, 1), "x")
    _refused(ctx, item, StateError, "已销号", lc.edit_issue, item, IssueInput("改"))
    _refused(ctx, item, StateError, "已销号", lc.void_issue, item, "重复")
    # a satisfied follow-up keeps it closed; an unsatisfied one reopens it
    lc.add_follow_up(ctx.db, TEST_ACTOR, item, D(2026, 6, 1), "群众满意", True, False)
    assert get_issue_detail(ctx.db, item).row.status == "closed"
    lc.add_follow_up(ctx.db, TEST_ACTOR, item, D(2026, 9, 1), "问题反弹", False, True)
    d = get_issue_detail(ctx.db, item)
    assert (d.row.status, d.row.closed_at, d.read_only) == ("in_progress", None, False)
    _refused(ctx, item, StateError, "无需重新打开", lc.add_follow_up, item, D(2026, 9, 2), "再开", False, True)
    kinds = [t.kind for t in d.timeline if t.kind != "audit"]
    assert kinds.count("closure") == 4 and kinds.count("follow_up") == 2
    # each step once: its audit entry is folded into the closure/follow-up entry, not listed again
    actions = [t.title for t in d.timeline if t.kind == "audit"]
    assert actions == ["登记问题"]


def test_void_instead_of_delete(ctx: AppContext, item: str) -> None:
    _refused(ctx, item, ValidationError, "作废原因", lc.void_issue, item, "")
    lc.void_issue(ctx.db, TEST_ACTOR, item, "与2026-003重复")
    d = get_issue_detail(ctx.db, item)
    assert d.row.status == "void" and d.read_only and d.row.colour == "grey"
    _refused(ctx, item, StateError, "已作废", lc.edit_issue, item, IssueInput("改"))
    _refused(ctx, item, StateError, "已作废", lc.add_urge, item, 1)
    _refused(ctx, item, StateError, "已作废", lc.add_follow_up, item, D(2026, 5, 1), "回访")


def test_urge_levels(ctx: AppContext, item: str) -> None:
    lc.add_urge(ctx.db, TEST_ACTOR, item, 3, "挂牌督办", D(2026, 5, 6), "刘洋")
    _refused(ctx, item, ValidationError, "催办级别", lc.add_urge, item, 7)
    d = get_issue_detail(ctx.db, item)
    assert [(u.level_label, u.by) for u in d.urges] == [("挂牌督办", "刘洋")]


def test_progress_and_closure_carry_attachments(ctx: AppContext, item: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_path / "整改报告.docx"
    doc.write_bytes(b"report")
    lc.add_progress(ctx.db, TEST_ACTOR, item, D(2026, 3, 20), "报告已印发", 80, files=[doc],
                    attachments_dir=ctx.data.attachments)
    lc.apply_closure(ctx.db, TEST_ACTOR, item, "", files=[doc], attachments_dir=ctx.data.attachments)
    d = get_issue_detail(ctx.db, item)
    progress = [t for t in d.timeline if t.kind == "progress"]
    closure = [t for t in d.timeline if t.kind == "closure"]
    assert progress[0].files[0][0] == "整改报告.docx" and closure[0].files[0][0] == "整改报告.docx"
    assert d.pending_closure is not None and d.pending_closure.evidence == "见附件：整改报告.docx"
    assert (ctx.data.attachments / progress[0].files[0][1]).read_bytes() == b"report"
    # a missing file refuses the step and changes nothing
    _refused(ctx, item, ValidationError, "无法读取文件", lc.add_progress, item, D(2026, 3, 21), "x", 90,
             files=[tmp_path / "missing.pdf"], attachments_dir=ctx.data.attachments)
