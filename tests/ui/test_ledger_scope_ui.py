"""Ledger page in prefecture mode: the 查看范围 combo lists one county or all; a county never sees it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_app.core.context import AppContext
from desktop_app.org import scope
from tests.helpers.sync_support import add_issue, prefecture_and_counties, send
from ui.ledger.issue_table_model import COLUMNS
from ui.ledger.ledger_page import LedgerPage

A, B, P = "532801", "532822", "532800"


@pytest.fixture(scope="module")
def offices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, AppContext]]:
    """(prefecture, county B) — A's and B's items reached the prefecture, and A's were relayed to B."""
    root = tmp_path_factory.mktemp("scope_ui")
    a, b, p = prefecture_and_counties(root)
    for n in (1, 2, 3):  # 景洪问题1 is overdue whatever today is
        add_issue(a, serial=f"2026-00{n}", description=f"景洪问题{n}", responsible_unit="综合科",
                  responsible_person="岩温", deadline=dt.date(2026, 1, 5) if n == 1 else dt.date(2099, 12, 30))
    for n in (1, 2):
        add_issue(b, serial=f"2026-00{n}", description=f"勐海问题{n}", responsible_unit="规划科",
                  responsible_person="玉香", deadline=dt.date(2099, 12, 30))
    add_issue(p, serial="2026-001", description="州级问题", responsible_unit="督查科", deadline=dt.date(2099, 12, 30))
    send(a, p, root / "ap")
    send(b, p, root / "bp")
    send(p, b, root / "pb")
    yield p, b
    for c in (a, b, p):
        c.close()


def _descriptions(page: LedgerPage) -> list[str]:
    return [page.model.row_at(i).description for i in range(page.model.rowCount())]  # type: ignore[union-attr]


def test_the_combo_picks_whose_items_the_page_lists(qtbot, offices) -> None:  # type: ignore[no-untyped-def]
    p, _b = offices
    page = LedgerPage(p)
    qtbot.addWidget(page)
    combo = page.filter_bar.office
    assert not combo.isHidden()
    assert [combo.itemText(i) for i in range(combo.count())] == ["本单位（西双版纳州）", "景洪市", "勐海县", "全部单位"]
    # a prefecture's ledger opens on every office's items; the reminders follow the scope
    assert combo.current_office() == scope.ALL and page.model.rowCount() == 6
    qtbot.waitUntil(lambda: "逾期 1 项" in page.banner.text())
    combo.setCurrentIndex(combo.findData(""))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert _descriptions(page) == ["州级问题"]
    assert "逾期" not in page.banner.text().replace("没有逾期或临期的问题", "")
    # the 单位 column, shown right after 编号
    office_col = len(COLUMNS)
    assert page.model.headerData(office_col, Qt.Orientation.Horizontal) == "单位"
    assert page.table.horizontalHeader().visualIndex(office_col) == 2

    combo.setCurrentIndex(combo.findData(A))
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    assert _descriptions(page) == ["景洪问题1", "景洪问题2", "景洪问题3"]
    assert page.model.index(0, office_col).data() == "景洪市"
    assert page.count_label.text() == "共 3 条"
    assert page.filter_bar.current().office == A
    # the drop-downs now hold that county's people
    people = page.filter_bar.person
    assert [people.itemText(i) for i in range(1, people.count())] == ["岩温"]

    combo.setCurrentIndex(combo.findData(scope.ALL))
    qtbot.waitUntil(lambda: page.model.rowCount() == 6)
    assert {page.model.index(i, office_col).data() for i in range(6)} == {"西双版纳州", "景洪市", "勐海县"}
    # 清空 keeps the scope
    page.filter_bar.clear()
    assert page.model.filter.office == scope.ALL and page.model.rowCount() == 6
    # 责任清单 of every office: a double-click lists that county's unit
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.resp_model.rowCount() > 0)
    rows = page.resp_model.rows
    at = next(i for i, r in enumerate(rows) if r.office == "勐海县" and not r.person)
    assert page.resp_model.index(at, 0).data() == "勐海县·规划科"
    page._on_resp_double(page.resp_model.index(at, 0))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    assert combo.current_office() == B and page.model.filter.unit == "规划科"



def test_the_page_exports_the_county_it_shows(qtbot, offices, tmp_path, dialog_answers) -> None:  # type: ignore[no-untyped-def]
    p, _b = offices
    page = LedgerPage(p)
    qtbot.addWidget(page)
    combo = page.filter_bar.office
    combo.setCurrentIndex(combo.findData(B))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    out = tmp_path / "勐海.xlsx"
    task = page.export_view(str(out))
    assert task is not None and task.wait(20_000)
    qtbot.waitUntil(lambda: bool(dialog_answers.infos))
    ws = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert str(rows[0][0]).startswith("勐海县2026年")
    assert sorted(r[3] for r in rows[3:] if r[0] is not None) == ["勐海问题1", "勐海问题2"]


def test_a_countys_page_has_no_combo_and_no_relayed_rows(qtbot, offices) -> None:  # type: ignore[no-untyped-def]
    _p, b = offices
    page = LedgerPage(b)
    qtbot.addWidget(page)
    assert page.filter_bar.office.isHidden()
    assert page.model.columnCount() == len(COLUMNS)
    assert sorted(_descriptions(page)) == ["勐海问题1", "勐海问题2"]


def test_the_prefecture_is_told_why_it_cannot_record_a_countys_progress(  # type: ignore[no-untyped-def]
        qtbot, offices, monkeypatch: pytest.MonkeyPatch, dialog_answers) -> None:
    p, _b = offices
    page = LedgerPage(p)
    qtbot.addWidget(page)
    combo = page.filter_bar.office
    combo.setCurrentIndex(combo.findData(B))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    page.show_issue(page.model.issue_id(0))
    # the buttons offer only what the prefecture owns on a county's own item
    enabled = {k for k, b in page.detail.buttons.items() if b.isEnabled()}
    assert enabled == {"urge", "follow_up"}
    # each refused button says why; a county's item opens read-only: no form to fill and lose on 保存
    assert "属于“勐海县”，登记进展由该单位办理" in page.detail.buttons["progress"].toolTip()
    assert "属于“勐海县”，修改由该单位办理" in page.detail.buttons["edit"].toolTip()
    assert page.detail.buttons["urge"].toolTip() == ""
    opened: list[QDialog] = []
    monkeypatch.setattr(page, "exec_dialog", lambda dlg: opened.append(dlg) or 0)
    page.run_step("progress")
    page.run_step("edit")  # Enter or a double-click on the row
    assert opened == []
    assert any("属于“勐海县”，登记进展由该单位办理" in t for t in dialog_answers.infos), dialog_answers.infos
    assert any("属于“勐海县”，修改由该单位办理" in t for t in dialog_answers.infos)
    assert page.model.row_at(0).progress_percent == 0  # type: ignore[union-attr]


def test_the_prefecture_dashboard_figures_cover_every_county(qtbot, offices) -> None:  # type: ignore[no-untyped-def]
    from ui.ledger.stats_widget import LedgerStatsWidget

    p, b = offices
    w = LedgerStatsWidget(p)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.stats is not None, timeout=10_000)
    assert w.stats is not None and w.stats.total == 6 and "全州各单位" in w.title()
    assert {u.unit for u in w.stats.by_unit} == {"西双版纳州", "景洪市", "勐海县"}
    county = LedgerStatsWidget(b)  # a county: its own items only, whatever was relayed
    qtbot.addWidget(county)
    qtbot.waitUntil(lambda: county.stats is not None, timeout=10_000)
    assert county.stats is not None and county.stats.total == 2 and "全州" not in county.title()


def test_a_county_arriving_later_joins_the_combo(qtbot, offices) -> None:  # type: ignore[no-untyped-def]
    """(Last in the module: it adds a county's item to the shared prefecture.)"""
    p, _b = offices
    page = LedgerPage(p)
    qtbot.addWidget(page)
    combo = page.filter_bar.office
    assert combo.findData("532823") < 0
    add_issue(p, serial="2026-009", description="新县问题", office_code="532823", deadline=dt.date(2099, 1, 1))
    page.reload()
    assert combo.findData("532823") > 0 and combo.current_office() == scope.ALL
    assert page.model.rowCount() == 7
