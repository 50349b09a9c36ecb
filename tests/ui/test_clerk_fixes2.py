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
