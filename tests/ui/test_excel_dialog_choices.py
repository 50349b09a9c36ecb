"""The import dialog asks for an open password, explains unknown words, and imports only the good rows on request."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.excel_choices import LEDGER, encrypted_workbook
from tests.helpers.excel_sheets import counts, make_sheet
from ui.excel.import_dialog import ExcelImportDialog
from ui.excel.words_dialog import WordsDialog


def _loaded(qtbot, dlg) -> None:
    qtbot.waitUntil(lambda: dlg.preview is not None, timeout=30_000)


def test_password_is_asked_and_a_wrong_one_asked_again(qtbot, ctx, tmp_path: Path, dialog_answers) -> None:
    p = encrypted_workbook(tmp_path, "调研2026")
    dialog_answers.texts = ["wrong", "调研2026"]
    dlg = ExcelImportDialog(ctx, "ledger")
    qtbot.addWidget(dlg)
    dlg.load(str(p))
    _loaded(qtbot, dlg)
    assert dialog_answers.questions == ["“加密台账.xlsx”设置了打开密码，请输入：",
                                        "打开密码不正确，请重新输入“加密台账.xlsx”的打开密码："]
    assert len(dlg.preview.rows) == 2 and dlg.import_button.isEnabled()
    dlg.import_button.click()
    qtbot.waitUntil(lambda: dlg.outcome is not None, timeout=30_000)
    assert counts(ctx.db)[0] == 2


def test_unknown_words_and_only_the_good_rows(qtbot, ctx, tmp_path: Path, dialog_answers) -> None:
    p = make_sheet(tmp_path / "问题清单.xlsx", LEDGER)
    dlg = ExcelImportDialog(ctx, "ledger")
    qtbot.addWidget(dlg)
    dlg.load(str(p))
    _loaded(qtbot, dlg)
    assert "无法识别的词：“待研究”" in dlg.status.text()
    assert dlg.words_button.isEnabled() and not dlg.import_button.isEnabled()
    # 只导入无误的行: the two good rows go in after a confirmation, the rest is listed
    dlg.skip_errors.setChecked(True)
    assert dlg.import_button.isEnabled()
    dlg.import_button.click()
    qtbot.waitUntil(lambda: dlg.outcome is not None, timeout=30_000)
    assert "只导入其余无误的行" in dialog_answers.questions[-1]
    assert dialog_answers.infos == ["已导入 2 条；有错误的 2 行未导入（第 3、4 行）。"]
    assert counts(ctx.db)[0] == 2


def test_words_dialog_offers_the_kind_words(qtbot, ctx, tmp_path: Path) -> None:
    words = WordsDialog({"整改状态": ["待研究", "待定"]}, {"整改状态": ("未启动", "推进中", "已完成")})
    qtbot.addWidget(words)
    combo = words.combos[("整改状态", "待研究")]
    assert [combo.itemText(i) for i in range(combo.count())] == ["（暂不指定）", "未启动", "推进中", "已完成"]
    combo.setCurrentIndex(2)
    assert words.values() == {"整改状态": {"待研究": "推进中"}}

    p = make_sheet(tmp_path / "问题清单.xlsx", LEDGER)
    dlg = ExcelImportDialog(ctx, "ledger")
    qtbot.addWidget(dlg)
    dlg.load(str(p))
    _loaded(qtbot, dlg)
    first = dlg.preview
    dlg.apply_words(words.values())
    qtbot.waitUntil(lambda: dlg.preview is not first, timeout=30_000)
    assert dlg.preview.errors == [] and dlg.import_button.isEnabled() and not dlg.words_button.isEnabled()


def test_cancel_while_the_import_reads_writes_nothing(qtbot, ctx, tmp_path: Path, dialog_answers) -> None:
    p = make_sheet(tmp_path / "问题清单.xlsx", [LEDGER[0], LEDGER[1], LEDGER[4]])
    dlg = ExcelImportDialog(ctx, "ledger")
    qtbot.addWidget(dlg)
    dlg.load(str(p))
    _loaded(qtbot, dlg)
    assert dlg.import_button.isEnabled()
    dlg.import_button.click()
    dlg.task.progress.cancel()  # 取消 on the progress dialog
    qtbot.waitUntil(lambda: "已取消导入" in dlg.status.text(), timeout=30_000)
    assert counts(ctx.db)[0] == 0 and dlg.outcome is None and dlg.import_button.isEnabled()
