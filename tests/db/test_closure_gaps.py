"""申请销号 that contradicts progress: the gaps are named first (progress below 100 %, no evidence file), and
once applied the item is 已完成 at 100 % — status and progress never contradict."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AuditEntry
from desktop_app.core.context import AppContext
from desktop_app.ledger import detail, lifecycle, service
from desktop_app.ledger.service import LedgerValidationError
from desktop_app.ledger.types import IssueInput

FULL = {"measures": "逐户排查", "unit": "勐罕镇", "person": "岩温", "deadline": dt.date(2026, 12, 31)}


def test_gaps_named_then_closure_makes_progress_whole(ctx: AppContext, tmp_path: Path) -> None:
    [iid] = service.create_issues(ctx.db, ctx.actor, [IssueInput("护林员管理不规范", **FULL)])
    lifecycle.add_progress(ctx.db, ctx.actor, iid, dt.date(2026, 11, 2), "已制定方案", 60)
    assert lifecycle.closure_gaps(ctx.db, iid) == ["完成进度为60%，未达到100%", "未附佐证材料文件（只有文字说明）"]
    assert lifecycle.closure_gaps(ctx.db, iid, files=1) == ["完成进度为60%，未达到100%"]
    lifecycle.apply_closure(ctx.db, ctx.actor, iid, "整改完成，附会议记录")
    row = detail.get_issue_detail(ctx.db, iid).row
    assert (row.status, row.progress_percent) == ("done", 100)
    with ctx.db.session() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "apply_closure")).scalars().one()
    assert '"progress_before": 60' in entry.details
    assert lifecycle.closure_gaps(ctx.db, iid, files=1) == []


def test_done_beside_sixty_percent_is_refused_at_entry(ctx: AppContext) -> None:
    with pytest.raises(LedgerValidationError, match="完成进度却只有60%"):
        service.create_issues(ctx.db, ctx.actor, [IssueInput("问题", status="done", progress_percent=60,
                                                             progress_text="进行中", **FULL)])

