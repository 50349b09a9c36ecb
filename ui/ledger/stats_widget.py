"""问题台账统计 — the ledger's dashboard panel: figures and charts of the current year."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)
from shiboken6 import isValid

from desktop_app.core.context import AppContext
from desktop_app.ledger.summaries import due_summary, ledger_stats
from desktop_app.ledger.types import DueSummary, LedgerStats
from desktop_app.ledger.warnings import COLOUR_LABELS
from desktop_app.org import organisation, scope
from ui.ledger.charts import ColourDonut, MonthChart, UnitRateChart
from ui.ledger.issue_table_model import COLOUR_BRUSHES
from ui.tasks import Task, run_task

DUE_ITEMS = 8  # per colour: a reminder, not a list (the ledger page holds the rest)


class LedgerStatsWidget(QGroupBox):
    """Closure rate by unit, overdue and due-soon counts, average working days to close, per-month bars."""

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stats: LedgerStats | None = None
        self.task: Task | None = None
        self.due: DueSummary | None = None
        self._generation = 0
        self.setTitle(self.tr("问题台账"))
        #: whose figures: "" this office, scope.ALL in a prefecture (or what ``pinned_office`` says)
        self.office = ""
        #: the dashboard's 查看范围 when it pins one ("" own, a county's code, scope.ALL); None: the default
        self.pinned_office: str | None = None
        self.figures: dict[str, QLabel] = {}
        nums = QGridLayout()
        for i, (key, label) in enumerate((("total", "问题总数"), ("overdue", "逾期"), ("due_soon", "临期"),
                                          ("closed", "已销号"), ("rate", "销号率"), ("avg", "平均销号用时"))):
            value = QLabel("—")
            value.setStyleSheet("font-size: 18px; font-weight: bold;")
            nums.addWidget(value, 0, i)
            nums.addWidget(QLabel(self.tr(label)), 1, i)
            self.figures[key] = value
        self.figures["overdue"].setStyleSheet(f"font-size: 18px; font-weight: bold; color: {COLOUR_BRUSHES['red']};")
        self.figures["due_soon"].setStyleSheet("font-size: 18px; font-weight: bold; color: #b7791f;")
        self.donut = ColourDonut()
        self.units = UnitRateChart()
        self.months = MonthChart()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b7791f;")
        # the ring's colours say nothing alone: a legend with each colour's meaning and count
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        donut_box = QVBoxLayout()
        donut_box.addWidget(self.donut, 1)
        donut_box.addWidget(self.legend)
        charts = QHBoxLayout()
        charts.addLayout(donut_box)
        unit_box = QVBoxLayout()
        self.units_label = QLabel(self.tr("各责任单位销号率"))
        unit_box.addWidget(self.units_label)
        unit_box.addWidget(self.units)
        charts.addLayout(unit_box, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(nums)
        # the start-up reminder sits high, where a clerk sees it without scrolling
        lay.addWidget(QLabel(self.tr("逾期与临期事项（双击或回车打开）")))
        self.due_list = QListWidget()
        self.due_list.setMaximumHeight(130)
        self.due_list.itemActivated.connect(self._open_item)
        lay.addWidget(self.due_list)
        lay.addLayout(charts)
        lay.addWidget(QLabel(self.tr("每月新增与销号")))
        lay.addWidget(self.months)
        lay.addWidget(self.note)
        self.refresh()

    def _fill_due(self, due: DueSummary) -> None:
        """The start-up reminder: the most pressing overdue and due-soon items, each one click away."""
        self.due_list.clear()
        for item in due.overdue + due.due_soon:
            if item.colour == "red":
                mark, when = "■ 逾期", self.tr("已逾期%1个工作日").replace("%1", str(abs(item.workdays_left)))
            else:
                mark, when = "▲ 临期", self.tr("还剩%1个工作日").replace("%1", str(item.workdays_left))
            unit = f"{item.office}·{item.responsible_unit}" if item.office else item.responsible_unit
            text = f"{mark}  {item.serial}  {unit}  {when}  {item.description[:40]}"
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            entry.setForeground(QColor(COLOUR_BRUSHES["red"] if item.colour == "red" else "#b7791f"))
            self.due_list.addItem(entry)
        if not due.overdue and not due.due_soon:
            self.due_list.addItem(QListWidgetItem(self.tr("没有逾期或临期的事项")))

    def _open_item(self, entry: QListWidgetItem) -> None:
        issue_id = entry.data(Qt.ItemDataRole.UserRole)
        window = self.window()
        if issue_id and hasattr(window, "show_page"):
            page = window.show_page("ledger")
            if hasattr(page, "reveal_issue"):
                page.reveal_issue(issue_id)

    def refresh(self) -> None:
        """Read the figures again, off the UI thread: on a 100k-item ledger the statistics take
        seconds, and the dashboard must paint at once. A result that arrives after a newer
        refresh was asked for is dropped."""
        if not self.ctx.db.office_code:
            return
        self._generation += 1
        generation, db = self._generation, self.ctx.db
        year = organisation.current_year(db)
        # a prefecture's figures cover every county's items (its closure rates are per county)
        default = scope.ALL if scope.is_prefecture(db) else ""
        office = self.office = default if self.pinned_office is None else self.pinned_office
        self.task = run_task(self, self.tr("统计问题台账"),
                             lambda _progress: (ledger_stats(db, year, office=office),
                                                due_summary(db, limit=DUE_ITEMS, office=office)),
                             on_done=lambda result: self._show(*result, year, generation), show_progress=False)

    def _show(self, s: LedgerStats, due: DueSummary, year: int, generation: int) -> None:
        if not isValid(self) or generation != self._generation:  # closed meanwhile, or a newer refresh runs
            return
        self.due = due
        self._fill_due(due)
        self.stats = s
        if not self.office:
            title = self.tr("问题台账（%1年）")
        else:  # 全市各单位, or the county the dashboard's 查看范围 chose
            title = self.tr("问题台账（%1年，%2）").replace("%2", scope.scope_label(self.ctx.db, self.office))
        every = self.office == scope.ALL
        self.units_label.setText(self.tr("各单位销号率") if every else self.tr("各责任单位销号率"))
        self.setTitle(title.replace("%1", str(year)))
        self.figures["total"].setText(str(s.total))
        self.figures["overdue"].setText(str(s.overdue))
        self.figures["due_soon"].setText(str(s.due_soon))
        self.figures["closed"].setText(str(s.closed))
        # no item yet: nothing to close, so no rate (0.0% read as “none closed”)
        self.figures["rate"].setText(f"{s.closed / s.total * 100:.1f}%" if s.total else "—")
        self.figures["avg"].setText(self.tr("%1个工作日").replace("%1", f"{s.avg_workdays_to_close:.1f}")
                                    if s.avg_workdays_to_close is not None else "—")
        self.donut.set_counts(s.by_colour, COLOUR_BRUSHES)
        self.legend.setText("<br>".join(
            f"<span style='color:{COLOUR_BRUSHES[c]}'>■</span> {COLOUR_LABELS[c]} {n}"
            for c, n in s.by_colour.items() if c in COLOUR_LABELS))
        self.units.set_items([(u.unit, u.rate, f"{u.rate * 100:.0f}% {u.closed}/{u.total}") for u in s.by_unit])
        self.months.set_values(s.opened_per_month, s.closed_per_month)
        self.note.setText("\n".join("▲ " + w for w in s.warnings))
        self.note.setVisible(bool(s.warnings))
