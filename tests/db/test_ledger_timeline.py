"""An item's timeline as a clerk reads it: offices by name, each step once, in the order it happened."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.models import Progress
from desktop_app.core.audit import Actor
from desktop_app.core.context import AppContext
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger.assign import assign_issues
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput, TimelineEntry
from tests.helpers.common import TEST_ACTOR
from tests.helpers.sync_support import prefecture_and_counties, send

A, P = "532801", "532800"
CLERK = Actor("zhangsan", "张三")


def _lines(entries: list[TimelineEntry]) -> list[str]:
    return [f"{t.kind_label} {t.title} {t.by} {t.text}".strip() for t in entries]


def _no_raw_values(entries: list[TimelineEntry]) -> None:
    """No office codes, row ids or English keys on what a clerk reads."""
    for line in _lines(entries):
        assert not re.search(r"\d{6}|[0-9a-f]{8}-[0-9a-f]{4}|[A-Za-z_]{3,}", line), line


@pytest.fixture()
def shanghai(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The clerk's clock is Beijing time, as in the field (audit timestamps are local time, rows' UTC)."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_assigning_names_the_offices_on_both_sides(tmp_path: Path) -> None:
    a, b, p = prefecture_and_counties(tmp_path)
    try:
        send(a, p, tmp_path / "a0")
        [iid] = assign_issues(p.db, CLERK, A, [IssueInput(description="产业扶持资金拨付滞后")])
        send(p, a, tmp_path / "p1")
        [made] = get_issue_detail(p.db, iid).timeline
        assert (made.title, made.by, made.text) == ("交办问题", "张三", "交办给 景洪市")
        [got] = get_issue_detail(a.db, iid).timeline
        assert (got.title, got.by) == ("交办问题", "西双版纳州")
        _no_raw_values([made, got])
    finally:
        for c in (a, b, p):
            c.close()


def test_each_step_once_keeping_who_recorded_it(ctx: AppContext) -> None:
    [iid] = create_issues(ctx.db, TEST_ACTOR, [IssueInput("村级公益设施管护缺位", unit="综合科",
                                                          deadline=dt.date(2099, 12, 31))])
    today = dt.date.today()
    lc.add_progress(ctx.db, TEST_ACTOR, iid, today, "已召开支部大会部署整改", 40, reporter="李四")
    lc.add_urge(ctx.db, TEST_ACTOR, iid, 2, "请加快进度", today)
    ext = lc.request_extension(ctx.db, TEST_ACTOR, iid, dt.date(2100, 1, 29), "雨季施工受阻")
    lc.decide_extension(ctx.db, TEST_ACTOR, ext, True, "同意", "王局长")
    lc.apply_closure(ctx.db, TEST_ACTOR, iid, "管护制度已建立", today)
    lc.verify_closure(ctx.db, TEST_ACTOR, iid, False, "缺少照片", "陈静", today)
    lc.edit_issue(ctx.db, TEST_ACTOR, iid, IssueInput("村级公益设施管护缺位", unit="综合科、财务科",
                                                     deadline=dt.date(2100, 1, 29)))
    lc.void_issue(ctx.db, TEST_ACTOR, iid, "与2026-003重复")
    tl = get_issue_detail(ctx.db, iid).timeline
    titles = [t.title for t in tl]
    # the steps a row records appear once each, as that row; the audit log adds only what no row tells
    assert titles == ["登记问题", "进展（40%）", "重点催办", "申请延期至 2100-01-29", "批准延期至 2100-01-29",
                      "申请销号", "退回销号申请", "修改问题", "作废"]
    assert [t.kind for t in tl].count("audit") == 3
    progress = tl[1]
    assert progress.by == "李四（测试员 录入）"  # the typed 填报人 and the login that recorded it
    assert tl[4].by == "王局长（测试员 录入）" and tl[6].by == "陈静（测试员 录入）"
    assert tl[5].by == "测试员"
    edit, void = tl[7], tl[8]
    assert edit.text == "责任单位：综合科 → 综合科、财务科"
    assert void.text == "原因：与2026-003重复；作废前状态：推进中"
    assert "(" not in edit.text and "{" not in edit.text


def test_same_day_entries_follow_the_real_time(ctx: AppContext, shanghai: None) -> None:
    [iid] = create_issues(ctx.db, TEST_ACTOR, [IssueInput("易地搬迁安置点就业帮扶不到位")])
    # a progress entry that came in a bundle (no audit entry here), recorded a minute after the item
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=1)
    with ctx.db.transaction() as s:
        s.add(Progress(issue_id=iid, date=dt.date.today(), text="县里已上报进展", percent=20, reporter="景洪市",
                       created_at=later))
    lc.add_progress(ctx.db, TEST_ACTOR, iid, dt.date.today(), "本单位登记的进展", 10)
    tl = get_issue_detail(ctx.db, iid).timeline
    assert [t.title if t.kind == "audit" else t.text for t in tl] == ["登记问题", "本单位登记的进展", "县里已上报进展"]
