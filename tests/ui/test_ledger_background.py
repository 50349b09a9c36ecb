"""Ledger page on a big ledger: a broad text counts off the UI thread, the grouped views load in the
background, the detail pane follows the selection after the rows are painted."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.context import AppContext
from desktop_app.ledger import search
from desktop_app.ledger.query import IssueFilter, count_issues
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.summaries import responsibility_summary, supervision_list
from desktop_app.ledger.types import IssueInput
from tests.helpers.common import TEST_ACTOR
from tests.helpers.qt import wait_for_workers
from ui.ledger import ledger_page
from ui.ledger.issue_table_model import PAGE, IssueTableModel
from ui.ledger.ledger_page import TAB_RESPONSIBILITY, TAB_SUPERVISION, LedgerPage

N = PAGE * 2 + 30


@pytest.fixture
def big(ctx: AppContext) -> AppContext:
    create_issues(ctx.db, TEST_ACTOR, [IssueInput(f"第{i}条 {'整改台账不全' if i % 9 else '资金拨付滞后'}",
                                                  unit=f"单位{i % 4}") for i in range(N)])
    return ctx


def test_a_broad_text_shows_its_first_page_then_the_count(qtbot, qtmodeltester, big: AppContext,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "BROAD_MATCHES", 10)
    f = IssueFilter(year=2026, text="整改")
    expected = count_issues(big.db, f)
    assert expected > PAGE
    model = IssueTableModel(big)
    with qtbot.waitSignal(model.count_known, timeout=5000) as got:
        model.set_query(f)
        assert model.counting and model.rowCount() == PAGE  # the first page at once
    assert got.args == [expected] and not model.counting and model.rowCount() == expected
    assert model.row_at(expected - 1) is not None
    qtmodeltester.check(model)
    # a newer query drops the older count when it arrives late
    model.set_query(f)
    model.set_query(IssueFilter(year=2026, text="资金"))
    wait_for_workers(qtbot)  # the older query's count, had it started, has ended and been dropped
    assert model.rowCount() == count_issues(big.db, IssueFilter(year=2026, text="资金")) < PAGE


def test_page_says_it_is_counting_and_then_the_total(qtbot, big: AppContext,  # type: ignore[no-untyped-def]
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "BROAD_MATCHES", 10)
    page = LedgerPage(big)
    qtbot.addWidget(page)
    page.show()
    f = IssueFilter(year=2026, text="整改")
    page.apply_filter(f)
    assert page.count_label.text() == f"{PAGE} 条以上，正在统计…"
    total = count_issues(big.db, f)
    qtbot.waitUntil(lambda: page.count_label.text() == f"共 {total} 条", timeout=5000)
    assert page.model.rowCount() == total


def test_detail_follows_the_selection_after_the_rows(qtbot, big: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = LedgerPage(big)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.detail.detail is not None and page.detail.detail.row.id == page.model.issue_id(0))
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    second = page.model.issue_id(1)
    assert page.current_id == second  # at once
    qtbot.waitUntil(lambda: page.detail.detail.row.id == second)  # on the next turn of the event loop


def test_grouped_views_load_in_the_background(qtbot, big: AppContext,  # type: ignore[no-untyped-def]
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_page, "BACKGROUND_SUMMARY_ROWS", 0)
    page = LedgerPage(big)
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentIndex(TAB_RESPONSIBILITY)
    assert page.tabs.tabText(TAB_RESPONSIBILITY) == "责任清单（统计中…）" and not page.resp_table.isEnabled()
    f = page.model.filter
    qtbot.waitUntil(lambda: page.resp_model.rowCount() == len(responsibility_summary(big.db, f)), timeout=5000)
    assert page.tabs.tabText(TAB_RESPONSIBILITY) == "责任清单" and page.resp_table.isEnabled()
    page.tabs.setCurrentIndex(TAB_SUPERVISION)
    qtbot.waitUntil(lambda: page.tabs.tabText(TAB_SUPERVISION) == "督办清单", timeout=5000)
    assert page.sup_model.rowCount() == len(supervision_list(big.db, f))
    # a new filter while a view is shown: it regroups for that filter
    page.apply_filter(IssueFilter(year=2026, unit="单位1"))
    qtbot.waitUntil(lambda: page.tabs.tabText(TAB_SUPERVISION) == "督办清单", timeout=5000)
    assert page.sup_model.rowCount() == len(supervision_list(big.db, IssueFilter(year=2026, unit="单位1")))
