"""扎堆/重复调研 — the visits page's tab listing crowding (``desktop_app.work.crowding``), with its two limits,
print and export."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.work import crowding
from ui import dialogs
from ui.tasks import Task
from ui.work.table_models import DictRowsModel
from ui.work.widgets import fit_columns, table_view


class CrowdingView(QWidget):
    """The year's 扎堆调研清单 for the page's scope; the limits are this office's settings."""

    def __init__(self, ctx: AppContext, own: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.own = ctx, own
        self.year, self.office = 0, ""
        self.rows: list[dict[str, object]] = []
        self.repeat = QSpinBox()
        self.repeat.setRange(1, 365)
        self.repeat.setSuffix(self.tr(" 天"))
        self.repeat.setToolTip(self.tr("同一科室在多少天内再到同一地点，列为重复调研"))
        self.limit = QSpinBox()
        self.limit.setRange(1, 31)
        self.limit.setSuffix(self.tr(" 次"))
        self.limit.setToolTip(self.tr("同一地点每月接待调研超过此次数，列为基层减负提醒"))
        self.apply = QPushButton(self.tr("保存提醒标准"))
        self.apply.clicked.connect(self.save_limits)
        self.print_button = QPushButton(self.tr("打印清单…"))
        self.print_button.clicked.connect(self.print_list)
        self.export_button = QPushButton(self.tr("导出Excel…"))
        self.export_button.clicked.connect(self.export_list)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("重复调研间隔")))
        bar.addWidget(self.repeat)
        bar.addWidget(QLabel(self.tr("每月接待上限")))
        bar.addWidget(self.limit)
        bar.addWidget(self.apply)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.export_button)
        self.hint = QLabel()
        self.hint.setObjectName("Hint")
        self.hint.setWordWrap(True)
        self.model = DictRowsModel(crowding.CROWDING_HEADERS, self)
        self.table = table_view(self.model)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.hint)
        lay.addWidget(self.table, 1)

    def show_year(self, year: int, office: str) -> None:
        """Reload the list of ``year`` for the scope ``office``."""
        self.year, self.office = year, office
        with dialogs.guard(self) as done:
            self.rows = crowding.crowding_report(self.ctx.db, year, office=office)
            repeat, limit = crowding.repeat_days(self.ctx.db), crowding.monthly_limit(self.ctx.db)
        if not done.ok:
            return
        self.repeat.setValue(repeat)
        self.limit.setValue(limit)
        own = self.own()
        for w in (self.repeat, self.limit, self.apply):
            w.setEnabled(own)
            w.setToolTip("" if own else self.tr("提醒标准是本单位的设置：切换到“本单位”后可修改"))
        self.model.set_items(self.rows)
        fit_columns(self.table)
        counts = "，".join(f"{k} {n} 处" for k, n in crowding.crowding_counts(self.rows).items())
        self.hint.setText(self.tr("避免扎堆调研、多头调研、重复调研，减轻基层负担。%1。只计计划和已完成的调研，已取消的不计；"
                                  "不同单位同一周到同一地点的扎堆调研在“全部单位”中列出。").replace("%1", counts))

    def save_limits(self) -> None:
        """Save both limits (this office's settings, recorded in the audit log) and reload."""
        if not self.own():
            return
        with dialogs.guard(self) as done:
            if self.repeat.value() != crowding.repeat_days(self.ctx.db):
                crowding.set_repeat_days(self.ctx.db, self.ctx.actor, self.repeat.value())
            if self.limit.value() != crowding.monthly_limit(self.ctx.db):
                crowding.set_monthly_limit(self.ctx.db, self.ctx.actor, self.limit.value())
        if done.ok:
            self.show_year(self.year, self.office)

    def print_list(self) -> None:
        """Preview the 扎堆调研清单 (print or save as PDF)."""
        from ui.print.actions import print_list

        print_list(self, self.ctx, "crowding", self.year, office=self.office)

    def export_list(self) -> Task | None:
        """Save the 扎堆调研清单 as .xlsx (the running task; None when the file dialog was cancelled)."""
        from ui.excel.actions import export_list

        return export_list(self, self.ctx, "crowding", self.year, office=self.office)
