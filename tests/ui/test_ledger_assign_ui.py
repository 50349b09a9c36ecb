"""Ledger page of a prefecture: 交办问题… assigns an item to the county chosen in the dialog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QDialog

from desktop_app.core.context import AppContext
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.org import scope
from tests.helpers.page_dialogs import drive_dialogs
from tests.helpers.sync_support import add_issue, make_office, prefecture_and_counties, send
from tests.helpers.workers import let_workers_finish
from ui.ledger.issue_dialog import IssueDialog, to_qdate
from ui.ledger.ledger_page import LedgerPage

A, B, P = "532801", "532822", "532800"


@pytest.fixture()
def offices(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext]]:
    """(prefecture, county A): both counties' first bundles have reached the prefecture."""
    a, b, p = prefecture_and_counties(tmp_path)
    add_issue(a, serial="2026-001", description="景洪问题", deadline=dt.date(2099, 12, 30))
    add_issue(b, serial="2026-001", description="勐海问题", deadline=dt.date(2099, 12, 30))
    send(a, p, tmp_path / "ap")
    send(b, p, tmp_path / "bp")
    yield p, a
    for c in (a, b, p):
        c.close()


def _drive(page: LedgerPage, monkeypatch: pytest.MonkeyPatch, fill) -> list[QDialog]:  # type: ignore[no-untyped-def]
    return drive_dialogs(page, monkeypatch, fill, IssueDialog)


def test_the_prefecture_assigns_an_item_to_the_county_chosen(qtbot, offices, monkeypatch,  # type: ignore[no-untyped-def]
                                                             dialog_answers) -> None:
    p, _a = offices
    page = LedgerPage(p)
    qtbot.addWidget(page)
    assert not page.assign_button.isHidden() and page.assign_button.text() == "交办问题…"
    assert "Ctrl+N" in page.assign_button.toolTip()
    page.filter_bar.office.setCurrentIndex(page.filter_bar.office.findData(""))  # 本单位: no county's items shown
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)

    # no county chosen: a Chinese message, the dialog stays open, nothing is written
    seen = _drive(page, monkeypatch, lambda d: d.description.setPlainText("护林员管理不规范"))
    assert page.assign_issue() is None
    assert dialog_answers.warnings == ["请选择责任县（区）：交办问题须指定一个县（区）负责整改"]
    dlg = seen[0]
    assert dlg.windowTitle() == "交办问题" and dlg.result() == QDialog.DialogCode.Rejected
    assert [dlg.county.itemText(i) for i in range(dlg.county.count())] == ["（请选择）", "景洪市", "勐海县"]
    assert dlg.source.currentData() == "assigned" and not dlg.source.isEnabled()

    def fill(d: IssueDialog) -> None:
        d.county.setCurrentIndex(d.county.findData(B))
        d.description.setPlainText("易地搬迁安置点后续扶持措施不到位")
        d.category.setCurrentText("产业发展")
        d.assigned.setDate(to_qdate(dt.date(2026, 5, 6)))
        d.by_workdays.setChecked(True)
        d.workdays.setValue(5)

    # Ctrl+N is 交办问题… in a prefecture (登记问题 moves to Ctrl+Shift+N)
    _drive(page, monkeypatch, fill)
    keys = {sc.key().toString(): sc for sc in page.findChildren(QShortcut)}
    assert "Ctrl+Shift+N" in keys
    keys["Ctrl+N"].activated.emit()
    # the list now shows that county, with the new item selected and in the detail pane
    qtbot.waitUntil(lambda: page.model.filter.office == B and page.model.rowCount() == 2)
    assert page.filter_bar.office.current_office() == B
    new_id = page.current_id
    assert new_id and page.detail.detail is not None and page.detail.detail.row.id == new_id
    row = get_issue_detail(p.db, new_id).row
    assert (row.office_code, row.serial, row.source, row.deadline) == (B, "州交2026-001", "assigned",
                                                                      dt.date(2026, 5, 12))
    assert row.responsible_unit == "勐海县"
    assert {page.model.row_at(i).serial for i in range(2)} == {"2026-001", "州交2026-001"}  # type: ignore[union-attr]
    # the prefecture may verify it later, but the progress is the county's
    assert not page.detail.buttons["progress"].isEnabled()

    # with a county in 查看范围, it is preselected
    seen = _drive(page, monkeypatch, lambda d: d.description.setPlainText("饮水工程维护不及时"))
    assert page.assign_issue()
    assert seen[-1].county.currentData() == B
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    page.filter_bar.office.setCurrentIndex(page.filter_bar.office.findData(scope.ALL))
    qtbot.waitUntil(lambda: page.model.rowCount() == 4)


def test_a_county_has_no_assign_action(qtbot, offices) -> None:  # type: ignore[no-untyped-def]
    _p, a = offices
    page = LedgerPage(a)
    qtbot.addWidget(page)
    assert page.assign_button.isHidden() and page.assign_issue() is None
    keys = {sc.key().toString() for sc in page.findChildren(QShortcut)}
    assert "Ctrl+Shift+N" not in keys


def test_a_prefecture_without_counties_is_told_how_to_get_them(qtbot, tmp_path, monkeypatch,  # type: ignore[no-untyped-def]
                                                               dialog_answers) -> None:
    p = make_office(tmp_path / "p", P, "西双版纳州", level="prefecture")
    try:
        page = LedgerPage(p)
        qtbot.addWidget(page)
        _drive(page, monkeypatch, lambda d: d.description.setPlainText("护林员管理不规范"))
        assert page.assign_issue() is None
        assert dialog_answers.warnings == ["还没有可交办的县（区）：请先在“数据交换”中导入县（区）的同步包"]
    finally:
        let_workers_finish()  # its windows' background reads end before the database closes
        p.close()
