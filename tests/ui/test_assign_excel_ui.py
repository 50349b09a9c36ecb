"""从表格批量交办 on the ledger page: choose the sheet, read the preview, assign, see the summary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_app.core.context import AppContext
from tests.helpers.assign_sheet import ASSIGNED, issue_count, make_sheet
from tests.helpers.sync_support import counties_reported
from ui.ledger.assign_sheet_dialog import AssignSheetDialog
from ui.ledger.ledger_page import LedgerPage


@pytest.fixture()
def offices(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext]]:
    """(prefecture, county 景洪市): both counties' first bundles are in."""
    with counties_reported(tmp_path) as (a, b, p):
        yield p, a


def _column(dlg: AssignSheetDialog, title: str) -> int:
    titles = [dlg.model.headerData(c, Qt.Orientation.Horizontal) for c in range(dlg.model.columnCount())]
    return titles.index(title)


def test_the_prefecture_assigns_a_sheet_through_the_dialog(qtbot, offices, monkeypatch,  # type: ignore[no-untyped-def]
                                                           dialog_answers, tmp_path: Path) -> None:
    p, _a = offices
    sheet = make_sheet(tmp_path / "交办清单.xlsx")
    page = LedgerPage(p)
    qtbot.addWidget(page)
    assert not page.assign_sheet_button.isHidden()
    seen: list[AssignSheetDialog] = []

    def run(dlg: QDialog) -> int:
        assert isinstance(dlg, AssignSheetDialog)
        seen.append(dlg)
        dlg.assigned_date.setDate(ASSIGNED)  # the sheet's deadlines are in 2026: read again as of 6 May
        qtbot.waitUntil(lambda: dlg.preview is not None and dlg.preview.assigned_date == ASSIGNED, timeout=20_000)
        m = dlg.model
        assert m.rowCount() == 8
        assert dlg.assign_button.text() == "交办 3 条" and dlg.assign_button.isEnabled()
        assert "可交办 3 条（2 个县区）" in dlg.status.text() and "有错误 5 条" in dlg.status.text()
        result, county, deadline = _column(dlg, "结果/原因"), _column(dlg, "县（市、区）"), _column(dlg, "完成时限")
        assert m.index(0, result).data() == "可交办"
        assert m.index(1, deadline).data() == "10个工作日（2026-05-19）"
        assert m.index(2, county).data() == "景洪市"
        assert m.index(2, county).data(Qt.ItemDataRole.ToolTipRole) == "表格中写作：西双版纳州景洪市"
        assert "没有县（区）“勐腊县”" in m.index(3, result).data()
        assert m.index(3, result).data(Qt.ItemDataRole.BackgroundRole) is not None  # errors in red
        assert m.index(0, result).data(Qt.ItemDataRole.BackgroundRole) is None
        dlg.only_errors.setChecked(True)
        assert [m.row_at(i).row for i in range(m.rowCount())] == [7, 8, 9, 10, 11]
        dialog_answers.confirms.append(False)  # 取消 at the confirmation: nothing written
        dlg.assign_button.click()
        assert "向 2 个县（区）交办 3 条问题" in dialog_answers.questions[-1]
        assert "有错误的 5 行不会交办" in dialog_answers.questions[-1]
        assert issue_count(p) == 0
        dlg.assign_button.click()  # confirmed this time
        qtbot.waitUntil(lambda: dlg.outcome is not None, timeout=20_000)
        return int(dlg.result())

    monkeypatch.setattr(page, "exec_dialog", run)
    dialog_answers.files.append(str(sheet))
    page.assign_from_sheet()
    assert len(seen) == 1 and issue_count(p) == 3
    assert dialog_answers.infos == [
        "已交办 3 条（州交2026-001–州交2026-003）；已交办过而跳过 0 条；有错误未交办 5 条。请导出同步包送达各县（区）。"]
    assert not dialog_answers.bugs

    # the same sheet again: every ready row is already assigned, the button says so by staying off
    dlg = AssignSheetDialog(p)
    qtbot.addWidget(dlg)
    dlg.assigned_date.setDate(ASSIGNED)
    dlg.load(str(sheet))
    qtbot.waitUntil(lambda: dlg.preview is not None, timeout=20_000)
    assert not dlg.assign_button.isEnabled() and "已交办过而跳过 4 条" in dlg.status.text()
    assert dlg.model.index(0, _column(dlg, "结果/原因")).data() == "已交办（州交2026-001），跳过"


def test_a_county_office_has_no_batch_assign(qtbot, offices) -> None:  # type: ignore[no-untyped-def]
    _p, a = offices
    page = LedgerPage(a)
    qtbot.addWidget(page)
    assert page.assign_sheet_button.isHidden()
    page.assign_from_sheet()  # does nothing, opens nothing


def test_a_file_that_is_not_a_sheet_is_refused_in_chinese(qtbot, offices, dialog_answers,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path) -> None:
    p, _a = offices
    bad = tmp_path / "清单.xlsx"
    bad.write_text("这不是表格", encoding="utf-8")
    dlg = AssignSheetDialog(p)
    qtbot.addWidget(dlg)
    dlg.load(str(bad))
    qtbot.waitUntil(lambda: bool(dialog_answers.warnings), timeout=20_000)
    assert not dlg.assign_button.isEnabled() and dlg.model.rowCount() == 0
    assert "无法读取" in dialog_answers.warnings[0] or "不是" in dialog_answers.warnings[0], dialog_answers.warnings
    assert dlg.status.text() == dialog_answers.warnings[0]
