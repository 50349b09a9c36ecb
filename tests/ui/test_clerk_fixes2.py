"""A clerk's second walk through the app: each test pins one fixed annoyance."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app import workdays
from desktop_app.context import AppContext
from ui.settings.holidays_tab import HolidaysTab

OK = QDialogButtonBox.StandardButton.Ok


def _column(model, col: int) -> list[str]:  # noqa: ANN001
    return [str(model.data(model.index(r, col), Qt.ItemDataRole.DisplayRole)) for r in range(model.rowCount())]


def test_holiday_source_names_no_python_package(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """来源 read “国务院办公厅通知（chinese-calendar）” (the demo's rows): a package name means nothing to a clerk."""
    workdays.import_days(ctx.db, ctx.actor, [(dt.date(2031, 10, 1), "rest", "国庆节")],
                         source="国务院办公厅通知（chinese-calendar）")
    workdays.import_days(ctx.db, ctx.actor, [(dt.date(2031, 10, 2), "rest", "国庆节")], source="chinese_calendar")
    tab = HolidaysTab(ctx)
    qtbot.addWidget(tab)
    tab.year.setValue(2031)
    sources = _column(tab.model, 3)
    assert any("国务院办公厅通知" in s for s in sources), sources
    assert any("内置日历" in s for s in sources), sources
    assert not any("calendar" in s.lower() for s in sources), sources
    assert workdays.source_label("import") == "表格导入"
    assert workdays.source_label("某州人民政府通知") == "某州人民政府通知"


def test_holiday_forms_stay_open_on_a_refusal(qtbot, ctx: AppContext, dialog_answers, monkeypatch,  # noqa: ANN001
                                              tmp_path) -> None:  # noqa: ANN001
    """添加/修改节假日 and the import preview closed first, then the save was refused: what was typed was lost."""
    import openpyxl

    from desktop_app.errors import ValidationError

    def refuse(*_a: object, **_k: object) -> None:
        raise ValidationError("数据库忙，未保存", "请稍后再试")

    tab = HolidaysTab(ctx)
    qtbot.addWidget(tab)
    tab.year.setValue(2031)
    with monkeypatch.context() as m:
        m.setattr(workdays, "set_day", refuse)
        tab.add_btn.click()
        dlg = tab.dialog
        assert dlg is not None and dlg.isVisible()
        dlg.name.setText("县庆")
        dlg.buttons.button(OK).click()
        assert dialog_answers.warnings and "未保存" in dialog_answers.warnings[-1]
        assert dlg.isVisible() and dlg.name.text() == "县庆"  # still there to try again
    dlg.buttons.button(OK).click()
    assert not dlg.isVisible()
    assert "县庆" in [d.name for d in workdays.list_days(ctx.db, 2031)]
    # 修改: a refused save keeps the form too
    tab._select(dt.date(2031, 1, 1))
    with monkeypatch.context() as m:
        m.setattr(workdays, "set_day", refuse)
        tab.edit_btn.click()
        edit = tab.dialog
        assert edit is not None and edit is not dlg and edit.isVisible()
        edit.name.setText("县庆日")
        edit.buttons.button(OK).click()
        assert edit.isVisible() and edit.name.text() == "县庆日"
    edit.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    # the import preview stays open when the write is refused
    path = tmp_path / "h.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["日期", "类型", "名称"])
    wb.active.append([dt.date(2034, 1, 1), "休", "元旦"])
    wb.save(path)
    dialog_answers.files.append(str(path))
    with monkeypatch.context() as m:
        m.setattr(workdays, "import_days", refuse)
        tab.import_btn.click()
        preview = tab.preview
        assert preview is not None and preview.isVisible()
        preview.buttons.button(OK).click()
        assert preview.isVisible()
    preview.buttons.button(OK).click()
    assert not preview.isVisible()
    assert [d.name for d in workdays.list_days(ctx.db, 2034)] == ["元旦"]
