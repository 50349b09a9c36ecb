"""设置 › 节假日: add, delete, import from Excel, the uncovered-year warning, the model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app import calendar as workdays
from desktop_app.core.context import AppContext
from desktop_app.org import organisation
from ui.settings.holidays_tab import HolidayModel, HolidaysTab

OK = QDialogButtonBox.StandardButton.Ok


@pytest.fixture
def tab(qtbot, ctx: AppContext) -> HolidaysTab:  # noqa: ANN001
    t = HolidaysTab(ctx)
    qtbot.addWidget(t)
    t.resize(900, 560)
    t.show()
    return t


def _dates(ctx: AppContext, year: int) -> dict[dt.date, workdays.HolidayDay]:
    return {d.date: d for d in workdays.list_days(ctx.db, year)}


def test_defaults_to_the_campaign_year(tab: HolidaysTab, ctx: AppContext) -> None:
    assert tab.year.value() == organisation.current_year(ctx.db)


def test_add_through_the_dialog_then_delete_after_confirming(tab: HolidaysTab, ctx: AppContext,
                                                             dialog_answers) -> None:  # noqa: ANN001
    tab.year.setValue(2031)
    before = tab.model.rowCount()
    tab.add_btn.click()
    dlg = tab.dialog
    assert dlg is not None and dlg.isVisible()
    dlg.date.setDate(dt.date(2031, 10, 11))
    dlg.kind.setCurrentIndex(dlg.kind.findData("workday"))
    dlg.name.setText("国庆节")
    dlg.buttons.button(OK).click()
    day = _dates(ctx, 2031)[dt.date(2031, 10, 11)]
    assert (day.kind, day.name, day.source, day.verified) == ("workday", "国庆节", "manual", True)
    assert tab.model.rowCount() == before + 1
    row = next(i for i, d in enumerate(tab.model.days) if d.date == dt.date(2031, 10, 11))
    assert tab.model.index(row, 1).data() == "调休上班" and tab.model.index(row, 2).data() == "国庆节"
    assert not tab.warning.isVisible()  # the year now has rows: counted on the table
    # the first hand-entered day did not leave the built-in years uncovered
    assert 2026 in workdays.load_calendar(ctx.db).covered_years
    assert len(workdays.list_days(ctx.db, 2026)) > 20

    # refused once: nothing changes
    tab.view.selectRow(row)
    dialog_answers.confirms.append(False)
    tab.remove_btn.click()
    assert dt.date(2031, 10, 11) in _dates(ctx, 2031)
    # confirmed: the day is ordinary again
    tab.view.selectRow(row)
    tab.remove_btn.click()
    assert len(dialog_answers.questions) == 2 and "2031-10-11" in dialog_answers.questions[-1]
    assert dt.date(2031, 10, 11) not in _dates(ctx, 2031)
    assert tab.model.rowCount() == before
    assert not dialog_answers.warnings


def test_import_sheet_after_preview(tab: HolidaysTab, ctx: AppContext, tmp_path: Path,
                                    dialog_answers) -> None:  # noqa: ANN001
    path = tmp_path / "2032年放假安排.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["日期", "类型", "名称"])
    ws.append([dt.date(2032, 1, 1), "休", "元旦"])
    ws.append(["2032-02-11", "休息日", "春节"])
    ws.append(["2032/02/07", "班", "春节"])
    wb.save(path)
    tab.year.setValue(2032)
    assert tab.warning.isVisible()
    dialog_answers.files.append(str(path))
    tab.import_btn.click()
    preview = tab.preview
    assert preview is not None and preview.model.rowCount() == 3
    assert _dates(ctx, 2032) == {}  # nothing written before the preview is accepted
    preview.buttons.button(OK).click()
    got = {d: (h.kind, h.name, h.source) for d, h in _dates(ctx, 2032).items()}
    assert got == {dt.date(2032, 1, 1): ("rest", "元旦", "import"),
                   dt.date(2032, 2, 7): ("workday", "春节", "import"),
                   dt.date(2032, 2, 11): ("rest", "春节", "import")}
    assert tab.model.rowCount() == 3 and not tab.warning.isVisible()
    assert dialog_answers.infos == ["已导入 3 天"]
    assert workdays.load_calendar(ctx.db).is_workday(dt.date(2032, 2, 7)).value is True


def test_bad_sheet_imports_nothing_and_names_the_rows(tab: HolidaysTab, ctx: AppContext, tmp_path: Path,
                                                      dialog_answers) -> None:  # noqa: ANN001
    path = tmp_path / "bad.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["日期", "类型"])
    ws.append([dt.date(2033, 1, 1), "休"])
    ws.append(["明年元旦", "休"])
    ws.append([dt.date(2033, 1, 8), "也许"])
    wb.save(path)
    dialog_answers.files.append(str(path))
    tab.import_btn.click()
    assert tab.preview is None
    assert len(dialog_answers.warnings) == 1
    assert "第3行" in dialog_answers.warnings[0] and "第4行" in dialog_answers.warnings[0]
    assert _dates(ctx, 2033) == {}


def test_uncovered_year_shows_the_warning(tab: HolidaysTab) -> None:
    tab.year.setValue(2099)
    assert tab.warning.isVisible()
    assert "2099" in tab.warning.text() and "周一至周五" in tab.warning.text()
    assert tab.model.rowCount() == 0
    tab.year.setValue(2026)  # the built-in calendar covers it
    assert not tab.warning.isVisible()


def test_seed_from_package_fills_the_table(tab: HolidaysTab, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    workdays.set_day(ctx.db, ctx.actor, dt.date(2031, 5, 1), "rest", "劳动节")  # a year the package lacks
    for day in workdays.list_days(ctx.db, 2026):  # the table has other years but has lost 2026
        workdays.remove_day(ctx.db, ctx.actor, day.date)
    assert workdays.list_days(ctx.db, 2026) == []
    tab.year.setValue(2026)
    had = tab.model.rowCount()
    tab.seed_btn.click()
    assert len(workdays.list_days(ctx.db, 2026)) > 20
    assert tab.model.rowCount() >= had and tab.model.rowCount() == len(workdays.list_days(ctx.db, 2026))
    assert dialog_answers.infos and dialog_answers.infos[0].startswith("已从内置日历补齐")


def test_model_passes_qtmodeltester(qtmodeltester, ctx: AppContext) -> None:  # noqa: ANN001
    workdays.seed_from_package(ctx.db, ctx.actor)
    model = HolidayModel()
    model.set_days(workdays.list_days(ctx.db, 2026))
    assert model.rowCount() > 0
    qtmodeltester.check(model)
