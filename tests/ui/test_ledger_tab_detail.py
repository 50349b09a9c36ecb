"""The detail pane follows the list in front: after switching to 督办清单 or 责任清单 it never shows an item
that list does not hold."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelectionModel

from desktop_app.core.context import AppContext
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from tests.helpers.common import TEST_ACTOR
from ui.ledger.ledger_page import TAB_ITEMS, TAB_RESPONSIBILITY, TAB_SUPERVISION, LedgerPage
from ui.signals import Kind, notify


def _shown(page: LedgerPage) -> str | None:
    return page.detail.detail.row.description if page.detail.detail is not None else None


def test_switching_lists_never_leaves_an_unlisted_item_in_the_pane(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    today = dt.date.today()
    late, fine = create_issues(ctx.db, TEST_ACTOR, [
        IssueInput("逾期未改的问题", unit="综合科", deadline=today - dt.timedelta(days=20),
                   assigned_date=today - dt.timedelta(days=60)),
        IssueInput("按期推进的问题", unit="综合科", deadline=today + dt.timedelta(days=90))])
    page = LedgerPage(ctx)
    qtbot.addWidget(page)
    page.show()
    row = next(r for r in range(page.model.rowCount()) if page.model.issue_id(r) == fine)
    page.table.selectionModel().setCurrentIndex(page.model.index(row, 1),
                                                QItemSelectionModel.SelectionFlag.ClearAndSelect
                                                | QItemSelectionModel.SelectionFlag.Rows)
    qtbot.waitUntil(lambda: _shown(page) == "按期推进的问题")
    # 督办清单 holds only the overdue item: the pane no longer shows the other one
    page.tabs.setCurrentIndex(TAB_SUPERVISION)
    assert [r.row.id for r in page.sup_model.rows] == [late]
    assert _shown(page) is None and page.current_id is None
    assert not any(b.isEnabled() for b in page.detail.buttons.values())  # no step on an item not shown
    page.sup_table.selectRow(0)
    assert _shown(page) == "逾期未改的问题" and page.current_id == late
    # 责任清单 lists units, not items
    page.tabs.setCurrentIndex(TAB_RESPONSIBILITY)
    assert _shown(page) is None and page.current_id is None
    # back to 问题清单: the item selected there again
    page.tabs.setCurrentIndex(TAB_ITEMS)
    qtbot.waitUntil(lambda: _shown(page) == "按期推进的问题")
    assert page.current_id == fine


def test_an_item_leaving_the_supervision_list_leaves_the_pane(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    today = dt.date.today()
    late, other = create_issues(ctx.db, TEST_ACTOR, [
        IssueInput("逾期未改的问题", unit="综合科", deadline=today - dt.timedelta(days=20),
                   assigned_date=today - dt.timedelta(days=60)),
        IssueInput("另一条逾期问题", unit="综合科", deadline=today - dt.timedelta(days=10),
                   assigned_date=today - dt.timedelta(days=60))])
    page = LedgerPage(ctx)
    qtbot.addWidget(page)
    page.show()
    at = next(r for r in range(page.model.rowCount()) if page.model.issue_id(r) == late)
    page.table.selectRow(at)
    qtbot.waitUntil(lambda: _shown(page) == "逾期未改的问题")
    # listed in 督办清单 too: it stays in the pane, selected there
    page.tabs.setCurrentIndex(TAB_SUPERVISION)
    row = next(i for i, r in enumerate(page.sup_model.rows) if r.row.id == late)
    assert page.sup_table.currentIndex().row() == row
    assert page.current_id == late and _shown(page) == "逾期未改的问题"
    # an urge keeps it listed: still shown, still selected
    lc.add_urge(ctx.db, TEST_ACTOR, late, 1, "请加快")
    notify(Kind.ISSUE, [late])
    qtbot.waitUntil(lambda: page.detail.detail is not None and any(t.kind == "urge" for t in page.detail.detail.timeline))
    assert page.current_id == late and page.sup_table.currentIndex().row() >= 0
    # voided, it leaves 督办清单 and the pane
    lc.void_issue(ctx.db, TEST_ACTOR, late, "重复登记")
    notify(Kind.ISSUE, [late])
    qtbot.waitUntil(lambda: [r.row.id for r in page.sup_model.rows] == [other])
    assert _shown(page) is None and page.current_id is None
