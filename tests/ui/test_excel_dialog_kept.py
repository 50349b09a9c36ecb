"""The import dialog says which unmapped columns are kept where, and offers the 原表其他列 sheet for topics."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.helpers.excel_sheets import make_sheet
from tests.helpers.kept_columns import LEDGER, TOPICS
from ui.excel.import_dialog import ExcelImportDialog


def _loaded(qtbot, dlg) -> None:
    qtbot.waitUntil(lambda: dlg.preview is not None, timeout=30_000)


def test_ledger_preview_says_the_columns_stay_in_the_description(qtbot, ctx, tmp_path: Path, dialog_answers) -> None:
    p = make_sheet(tmp_path / "问题清单.xlsx", LEDGER)
    dlg = ExcelImportDialog(ctx, "ledger")
    qtbot.addWidget(dlg)
    dlg.resize(1100, 700)
    dlg.load(str(p))
    _loaded(qtbot, dlg)
    assert "注意：“备注”、“联系人”列的内容没有对应字段可存，将保留在问题描述（另起一段）" in dlg.status.text()
    assert "不会导入" not in dlg.status.text()
    from PySide6.QtWidgets import QApplication

    from ui import fonts

    fonts.install(QApplication.instance())  # the shipped Chinese font, for the screenshot
    dlg.grab().save("/tmp/excel_kept_ledger.png")


def test_topics_import_offers_the_extra_sheet(qtbot, ctx, tmp_path: Path, dialog_answers) -> None:
    p = make_sheet(tmp_path / "课题.xlsx", TOPICS)
    side = tmp_path / "课题_原表其他列.xlsx"
    dialog_answers.files.append(str(side))
    dlg = ExcelImportDialog(ctx, "topics")
    qtbot.addWidget(dlg)
    dlg.load(str(p))
    _loaded(qtbot, dlg)
    assert "“预期成果”、“经费（万元）”列的内容没有对应字段可存" in dlg.status.text() and "导入报告" in dlg.status.text()
    dlg.import_button.click()
    qtbot.waitUntil(lambda: dlg.outcome is not None, timeout=30_000)
    assert dlg.outcome.imported == 2
    assert "另存为“原表其他列”表" in dialog_answers.questions[-1]
    assert dialog_answers.infos[-1] == "已保存原表其他列"
    rows = [list(r) for r in openpyxl.load_workbook(side).active.iter_rows(values_only=True)]
    assert any(r[:4] == [2, "防返贫监测机制研究", "调研报告1篇", "2"] for r in rows)


def test_topics_extra_sheet_can_be_declined(qtbot, ctx, tmp_path: Path, dialog_answers) -> None:
    p = make_sheet(tmp_path / "课题.xlsx", TOPICS)
    dialog_answers.confirms.append(False)
    dlg = ExcelImportDialog(ctx, "topics")
    qtbot.addWidget(dlg)
    dlg.load(str(p))
    _loaded(qtbot, dlg)
    dlg.import_button.click()
    qtbot.waitUntil(lambda: dlg.outcome is not None, timeout=30_000)
    assert dlg.outcome.imported == 2 and dialog_answers.files == []
    assert not list(tmp_path.glob("*原表其他列*"))
