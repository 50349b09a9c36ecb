"""各县对比 tab (prefecture only): per county, meetings held and 组工讲堂 section·months missing, this week's
plans filed against those due, outcomes and those published — the figures the prefecture compares."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel, QSpinBox, QVBoxLayout, QWidget

from desktop_app.campaign.county_compare import CountyFigures, county_comparison
from desktop_app.core.context import AppContext
from ui import dialogs
from ui.rows_model import Column, RowsTableModel
from ui.work.widgets import fit_columns, table_view

COLUMNS: list[Column[CountyFigures]] = [
    Column("单位", lambda r: r.office_name),
    Column("会议研讨（次）", lambda r: r.meetings, True),
    Column("缺组工讲堂（科室·月）", lambda r: r.lectures_missing, True,
           colour=lambda r: "#a61b1b" if r.lectures_missing else None),
    Column("本周计划 已报/应报", lambda r: r.plans_text, True,
           colour=lambda r: "#a61b1b" if r.plans_filed < r.plans_due else None),
    Column("转化运用成果（项）", lambda r: r.outcomes, True),
    Column("推介刊发（项）", lambda r: r.published, True),
]


class CountyCompareTab(QWidget):
    """各县对比."""

    def __init__(self, ctx: AppContext, year: QSpinBox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.year = ctx, year
        self.model: RowsTableModel[CountyFigures] = RowsTableModel(COLUMNS, self)
        self.table = table_view(self.model)
        self.hint = QLabel()
        self.hint.setObjectName("Hint")
        self.hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addWidget(self.hint)
        lay.addWidget(self.table, 1)

    def refresh(self, today: dt.date | None = None) -> None:
        """Count every county's figures for the year on screen again."""
        with dialogs.guard(self) as done:
            cmp = county_comparison(self.ctx.db, self.year.value(), today)
        if not done.ok:
            return
        self.model.set_items(list(cmp.rows))
        fit_columns(self.table)
        self.hint.setText(self.tr("截至 %1，各县（市、区）经同步包报来的数据。计划为%2的周工作计划；缺组工讲堂只计已结束的月份"
                                  "（每月每个科室应举办1期，全办举办的计入各科室）。")
                          .replace("%1", cmp.as_of.isoformat()).replace("%2", cmp.plan_period_label)
                          + ("" if cmp.rows else self.tr("尚未收到任何县（市、区）的数据。")))
