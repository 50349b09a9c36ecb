"""调整期限 in the ledger's detail pane: the assigning prefecture adjusts through the dialog; the county cannot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QLabel

from desktop_app.core.audit import Actor
from desktop_app.core.context import AppContext
from desktop_app.ledger import lifecycle
from desktop_app.ledger.assign import assign_issues
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.types import IssueInput
from tests.helpers.page_dialogs import drive_dialogs
from tests.helpers.sync_support import prefecture_and_counties, send
from ui.ledger.issue_dialog import to_qdate
from ui.ledger.ledger_page import LedgerPage
from ui.ledger.step_dialogs import StepDialog

A = "532801"
ASSIGNED = dt.date(2026, 5, 6)
FIRST = dt.date(2099, 12, 30)  # far ahead, whatever day the test runs


@pytest.fixture()
def offices(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext, str]]:
    """(prefecture, county A, id of an item the prefecture assigned to A, already at A)."""
    a, b, p = prefecture_and_counties(tmp_path)
    send(a, p, tmp_path / "ap")
    [iid] = assign_issues(p.db, Actor("tester", "测试员"), A,
                          [IssueInput(description="易地搬迁安置点配套设施不完善", deadline=FIRST, assigned_date=ASSIGNED)],
                          today=ASSIGNED)
    send(p, a, tmp_path / "pa")
    yield p, a, iid
    for c in (a, b, p):
        c.close()


def _drive(page: LedgerPage, monkeypatch: pytest.MonkeyPatch, fill) -> list[QDialog]:  # type: ignore[no-untyped-def]
    def adjust(dlg: StepDialog) -> None:
        assert dlg.step == "adjust_deadline"
        fill(dlg)

    return drive_dialogs(page, monkeypatch, adjust, StepDialog)


def test_the_prefecture_adjusts_the_deadline_through_the_dialog(qtbot, offices, monkeypatch,  # type: ignore[no-untyped-def]
                                                                 dialog_answers, tmp_path: Path) -> None:
    p, a, iid = offices
    # the county's extension request is waiting: the dialog says it stays pending
    lifecycle.request_extension(a.db, Actor("tester", "测试员"), iid, dt.date(2100, 6, 30), "资金未到位")
    send(a, p, tmp_path / "ext")
    page = LedgerPage(p)
    qtbot.addWidget(page)
    page.show_issue(iid)
    qtbot.waitUntil(lambda: page.detail.detail is not None and page.detail.detail.row.id == iid)
    button = page.detail.buttons["adjust_deadline"]
    assert button.isEnabled() and button.text() == "调整期限"

    # no reason: refused in Chinese, the dialog stays open, nothing stored
    def no_reason(d: StepDialog) -> None:
        assert d.windowTitle() == "调整期限"
        assert (d.current_label.text(), d.original_label.text()) == ("2099-12-30", "2099-12-30")
        notes = [w.text() for w in d.findChildren(QLabel) if "待审批的延期申请" in w.text()]
        assert notes == ["注意：该问题有待审批的延期申请（申请延期至 2100-06-30），调整期限后仍需审批该申请"]
        d.date.setDate(to_qdate(dt.date(2026, 10, 31)))

    seen = _drive(page, monkeypatch, no_reason)
    button.click()
    assert seen[0].result() != QDialog.DialogCode.Accepted
    assert dialog_answers.warnings == ["调整理由不能为空\n\n处理办法：请填写调整理由"]
    assert get_issue_detail(p.db, iid).row.deadline == FIRST

    # a date before the assignment date: refused, nothing stored
    def too_early(d: StepDialog) -> None:
        d.date.setDate(to_qdate(dt.date(2026, 4, 30)))
        d.text.setPlainText("州委要求提前")

    _drive(page, monkeypatch, too_early)
    button.click()
    assert "新期限 2026-04-30 早于交办日期 2026-05-06" in dialog_answers.warnings[-1]
    assert get_issue_detail(p.db, iid).row.deadline == FIRST

    # N working days from the assignment date, on the official calendar (Sat 9 May 2026 is a 调休 workday)
    def by_workdays(d: StepDialog) -> None:
        d.by_workdays.setChecked(True)
        assert not d.date.isEnabled() and d.workdays.isEnabled()
        d.workdays.setValue(10)
        assert "自 2026-05-06 起" in d.preview.text() and "新期限为 2026-05-19" in d.preview.text()
        d.text.setPlainText("州委专项督查要求提前完成")
        d.person.setText("州督查室")

    seen = _drive(page, monkeypatch, by_workdays)
    button.click()
    assert seen[0].result() == QDialog.DialogCode.Accepted
    row = get_issue_detail(p.db, iid).row
    assert (row.deadline, row.original_deadline, row.deadline_basis, row.deadline_workdays) == (
        dt.date(2026, 5, 19), FIRST, "workdays", 10)
    # the pane refreshes: the new deadline, the original, the timeline entry
    qtbot.waitUntil(lambda: "调整期限至 2026-05-19" in page.detail.timeline.toPlainText())
    info = page.detail.info.text()
    assert "2026-05-19（交办后10个工作日）" in info and "原定 2099-12-30" in info
    assert "州委专项督查要求提前完成；原完成时限 2099-12-30" in page.detail.timeline.toPlainText()
    assert get_issue_detail(p.db, iid).pending_extension is not None  # still the leader's to decide


def test_the_county_cannot_adjust_its_assigned_item(qtbot, offices) -> None:  # type: ignore[no-untyped-def]
    _p, a, iid = offices
    page = LedgerPage(a)
    qtbot.addWidget(page)
    page.show_issue(iid)
    qtbot.waitUntil(lambda: page.detail.detail is not None and page.detail.detail.row.id == iid)
    assert page.detail.buttons["progress"].isEnabled()  # the county's own steps stay open …
    assert not page.detail.buttons["adjust_deadline"].isEnabled()  # … the deadline is the assigner's
