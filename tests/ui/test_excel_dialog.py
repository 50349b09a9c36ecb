"""The import dialog through its widgets: preview, errors, mapping correction, import; the export action."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from tests.helpers.common import SAMPLES
from tests.helpers.excel_sheets import counts, make_sheet
from ui.excel.actions import export_list
from ui.excel.import_dialog import ExcelImportDialog
from ui.excel.preview_model import PreviewModel


def _wait(dlg) -> None:
    assert dlg.task.wait(20_000)


def test_preview_and_import_the_ledger_sample(qtbot, ctx, dialog_answers) -> None:
    dlg = ExcelImportDialog(ctx, "ledger")
    qtbot.addWidget(dlg)
    dlg.load(str(SAMPLES / "ledger.xlsx"))
    _wait(dlg)
    assert dlg.model.rowCount() == 5
    assert dlg.mapping_table.rowCount() == 11
    assert dlg.sheet_combo.currentText() == "问题清单"
    assert "没有发现错误" in dlg.status.text()
    assert dlg.import_button.isEnabled()
    # the preview shows the sheet's own row numbers and parsed deadlines
    cols = [dlg.model.headerData(c, Qt.Orientation.Horizontal) for c in range(dlg.model.columnCount())]
    assert dlg.model.index(0, cols.index("行号")).data() == "5"
    assert dlg.model.index(3, cols.index("完成时限")).data() == "2026-12-31"
    dlg.import_button.click()
    _wait(dlg)
    assert counts(ctx.db)[0] == 5
    assert dialog_answers.infos == ["已导入 5 条。"]


def test_errors_block_the_import_and_can_be_filtered(qtbot, ctx, tmp_path: Path) -> None:
    path = make_sheet(tmp_path / "bad.xlsx", [["问题描述", "整改措施", "完成时限", "责任单位", "责任人"],
                                              ["问题一", "措施", "2026年6月30日", "办公室", "吴芳"],
                                              ["问题二", "措施", "看情况", "办公室", "吴芳"],
                                              ["问题三", "措施", "年底前", "办公室", "吴芳"]])
    dlg = ExcelImportDialog(ctx, "ledger")
    qtbot.addWidget(dlg)
    dlg.load(str(path))
    _wait(dlg)
    assert not dlg.import_button.isEnabled()
    assert "1 行有错误" in dlg.status.text()
    dlg.only_errors.setChecked(True)
    assert dlg.model.rowCount() == 1
    assert "看情况" in dlg.model.index(0, 1).data()  # the errors sit right after the row number
    assert counts(ctx.db)[0] == 0


def test_correcting_the_mapping_re_reads_the_preview(qtbot, ctx, tmp_path: Path) -> None:
    path = make_sheet(tmp_path / "odd.xlsx", [["事项", "整改措施", "责任单位", "责任人"], ["事项一", "改法", "办公室", "吴芳"]])
    dlg = ExcelImportDialog(ctx, "ledger")
    qtbot.addWidget(dlg)
    dlg.load(str(path))
    _wait(dlg)
    assert not dlg.import_button.isEnabled() and "有错误" in dlg.status.text()
    combo = dlg.mapping_table.cellWidget(0, 1)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("description"))
    _wait(dlg)
    assert dlg.preview.mapping["事项"] == "description"
    assert dlg.import_button.isEnabled()
    assert dlg.model.rowCount() == 1


def test_unreadable_file_is_shown_calmly(qtbot, ctx, tmp_path: Path, dialog_answers) -> None:
    p = tmp_path / "x.xlsx"
    p.write_text("not a workbook", encoding="utf-8")
    dlg = ExcelImportDialog(ctx, "ledger")
    qtbot.addWidget(dlg)
    dlg.load(str(p))
    _wait(dlg)
    assert dialog_answers.warnings and "不是 Excel 工作簿" in dialog_answers.warnings[0]
    assert not dlg.import_button.isEnabled()


def test_preview_model_is_a_proper_model(qtmodeltester) -> None:
    from desktop_app.excel.importer import preview
    from desktop_app.excel.kinds import get_kind

    pv = preview(SAMPLES / "visits.xlsx", "visits")
    model = PreviewModel()
    model.set_preview(get_kind("visits"), pv.rows, {3: ["错误"]})
    qtmodeltester.check(model)
    assert model.rowCount() == 3


def test_export_action_writes_the_file(qtbot, ctx, tmp_path: Path, dialog_answers) -> None:
    from desktop_app.excel.service import import_file

    import_file(ctx.db, ctx.actor, SAMPLES / "ledger.xlsx", "ledger")
    out = tmp_path / "台账导出"
    dialog_answers.files.append(str(out))
    parent = QWidget()
    qtbot.addWidget(parent)
    task = export_list(parent, ctx, "ledger", year=2026)
    assert task is not None and task.wait(20_000)
    ws = openpyxl.load_workbook(tmp_path / "台账导出.xlsx").active
    assert ws.max_row == 3 + 5 + 2  # the data, a blank row, 填表人/审核人/联系电话/单位（盖章）
    assert dialog_answers.infos and "已导出 5 行" in dialog_answers.infos[0]
    from sqlalchemy import select

    from db.models import AuditEntry

    with ctx.db.session() as s:  # the export is on the audit trail
        last = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalars().one()
    assert (last.action, last.target_id) == ("export", "ledger") and "台账导出.xlsx" in last.details


def test_file_menu_has_excel_entries(qtbot, ctx, tmp_path: Path, dialog_answers) -> None:
    from ui.main_window import MainWindow

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    file_menu = w.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "导入 Excel(&I)…" in texts and "导出 Excel(&E)" in texts
    export_menu = next(a.menu() for a in file_menu.actions() if a.text() == "导出 Excel(&E)")
    roundtrip = next(a for a in export_menu.actions() if "回执表" in a.text())
    import_file_sample = SAMPLES / "ledger.xlsx"
    from desktop_app.excel.service import import_file

    import_file(ctx.db, ctx.actor, import_file_sample, "ledger")
    dialog_answers.texts.append("县乡村振兴局")
    dialog_answers.files.append(str(tmp_path / "回执.xlsx"))
    roundtrip.trigger()
    qtbot.waitUntil(lambda: bool(dialog_answers.infos), timeout=20_000)
    ws = openpyxl.load_workbook(tmp_path / "回执.xlsx").active
    assert ws["A1"].value == "县乡村振兴局问题整改进展回执表" and ws.max_row == 3 + 2


def test_round_trip_sheet_through_the_dialog(qtbot, ctx, tmp_path: Path, dialog_answers) -> None:
    from desktop_app.excel.lists import export_kind
    from desktop_app.excel.service import import_file

    import_file(ctx.db, ctx.actor, SAMPLES / "ledger.xlsx", "ledger")
    sheet = tmp_path / "回执.xlsx"
    export_kind(ctx.db, sheet, "roundtrip", year=2026, unit="县乡村振兴局")
    wb = openpyxl.load_workbook(sheet)
    wb.active["H5"] = "资产清查完成八成"
    wb.save(sheet)
    progress_before = counts(ctx.db)[1]
    dlg = ExcelImportDialog(ctx, "ledger")
    qtbot.addWidget(dlg)
    dlg.load(str(sheet))
    _wait(dlg)
    assert "回执表" in dlg.status.text() and dlg.import_button.isEnabled()
    assert [dlg.model.index(r, 3).data() for r in range(dlg.model.rowCount())] == ["无变化", "登记进展"]
    dlg.import_button.click()
    _wait(dlg)
    assert dialog_answers.infos == ["回执表已导入：更新 1 条，未变化 1 条，拒绝 0 条。"]
    assert counts(ctx.db)[1] == progress_before + 1
