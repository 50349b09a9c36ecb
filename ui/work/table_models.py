"""Table models of the work pages: a column spec over a year's rows of plain dataclasses.

A year holds tens of topics and at most a few thousand visits, so the rows are
held in a list and replaced on refresh; the ledger's windowed models are for
data that grows without bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.work.types import ClashInfo, DaysRow, OutcomeInfo, PersonVisit, TopicInfo, VisitInfo
from ui.rows_model import Column, RowsTableModel
from ui.rows_model import fmt as rows_fmt

#: colours of the pace of grassroots days (a light background and a dark text)
PACE_COLOURS = {"green": ("#e6f4ea", "#1e6b34"), "yellow": ("#fff4d6", "#8a5a00"), "red": ("#fde7e7", "#a61b1b")}
#: how the work pages' tables read: one decimal at most, and the cell text as its tooltip (long places and names)
WORK_CELLS: dict[str, Any] = {"float_digits": 1, "tooltips": True}
STAGE_COLOURS = {"立项": "#6b7c93", "调研中": "#1f6fb2", "成稿": "#b7791f", "结题": "#2e7d32"}


def fmt(value: Any) -> str:
    """How a cell value reads in the work pages (one decimal at most)."""
    return rows_fmt(value, 1)


class OfficeColumnMixin:
    """A last 单位 column naming each row's office (the page shows it only for a prefecture's 全部单位)."""

    office_names: dict[str, str]

    def office_column(self) -> Column:
        """The 单位 column; ``office_names`` ({code: name}) is set by the page."""
        self.office_names = {}
        return Column(_tr("单位"), lambda r: self.office_names.get(r.office_code, r.office_code))


def _tr(text: str) -> str:
    return QCoreApplication.translate("work", text)


class TopicTableModel(OfficeColumnMixin, RowsTableModel[TopicInfo]):
    """调研课题 list."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([
            Column(_tr("牵头科室"), lambda t: t.section_name),
            Column(_tr("课题名称"), lambda t: t.title),
            Column(_tr("类别"), lambda t: t.kind),
            Column(_tr("领题领导"), lambda t: t.lead_name),
            Column(_tr("阶段"), lambda t: t.status),
            Column(_tr("报告时限"), lambda t: t.report_due),
            Column(_tr("报审"), lambda t: t.review_label),
            Column(_tr("调研次数"), lambda t: t.visits, True),
            Column(_tr("成果数"), lambda t: t.outcomes, True),
            Column(_tr("综合得分"), lambda t: None if t.composite is None else f"{t.composite:.2f}", True),
            self.office_column(),
        ], parent, **WORK_CELLS)

    #: topic id → the colour of its report deadline (red/yellow/green/grey, ``topic_review.due_colour``)
    due_colours: dict[str, str] = {}

    def extra(self, item: TopicInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            return QBrush(QColor(STAGE_COLOURS.get(item.status, "#33414f")))
        if column == 5 and self.due_colours.get(item.id) in ("red", "yellow"):
            bg, fg = PACE_COLOURS[self.due_colours[item.id]]
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(bg))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(fg))
        return None


def visit_dates(v: VisitInfo) -> str:
    """“03-02” for one day, “03-02～03-05” for several (the full date when the visit spans a new year)."""
    if v.start_date == v.end_date:
        return f"{v.start_date:%m-%d}"
    end = f"{v.end_date:%m-%d}" if v.end_date.year == v.start_date.year else f"{v.end_date:%Y-%m-%d}"
    return f"{v.start_date:%m-%d}～{end}"


class VisitTableModel(OfficeColumnMixin, RowsTableModel[VisitInfo]):
    """调研安排 list."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([
            # one 日期 column (the year is the page's): two full dates took 170 pixels of a 1280-wide window
            Column(_tr("日期"), visit_dates),
            Column(_tr("天数"), lambda v: v.days, True),
            Column(_tr("地点"), lambda v: v.place),
            Column(_tr("乡镇"), lambda v: v.township),
            Column(_tr("类型"), lambda v: v.place_type),
            Column(_tr("方式"), lambda v: v.method),
            Column(_tr("四不两直"), lambda v: v.unannounced),
            Column(_tr("带队"), lambda v: v.lead_name),
            Column(_tr("参加人员"), lambda v: v.participant_names),
            Column(_tr("科室"), lambda v: v.section_name),
            Column(_tr("课题"), lambda v: v.topic_title),
            # why a done visit is not counted (机关, 外地) is in the detail; the list only flags it
            Column(_tr("状态"), lambda v: v.state_label + (_tr("·不计入") if v.state == "done" and v.not_counted else "")),
            self.office_column(),
        ], parent, **WORK_CELLS)


class DaysTableModel(OfficeColumnMixin, RowsTableModel[DaysRow]):
    """基层天数 per person, coloured by pace."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([
            Column(_tr("科室"), lambda r: r.section_name),
            Column(_tr("姓名"), lambda r: r.name),
            Column(_tr("身份"), lambda r: _tr("领导") if r.is_leader else _tr("工作人员")),
            Column(_tr("基层天数"), lambda r: r.days, True),
            Column(_tr("年度定额"), lambda r: r.quota, True),
            Column(_tr("应达进度"), lambda r: r.expected, True),
            Column(_tr("进度"), lambda r: r.status),
            Column(_tr("调研次数"), lambda r: r.visits, True),
            # not counted, shown apart: planned days, done days at a 机关 or 外地, the share of working days
            Column(_tr("计划天数"), lambda r: r.planned, True),
            Column(_tr("不计入天数"), lambda r: "；".join(f"{why} {n}天" for why, n in r.not_counted)),
            Column(_tr("调研时间占比"), lambda r: f"{r.research_share * 100:.0f}%", True),
            self.office_column(),
        ], parent, **WORK_CELLS)

    def extra(self, item: DaysRow, column: int, role: int) -> Any:
        if column in (3, 6):
            bg, fg = PACE_COLOURS.get(item.colour, ("#ffffff", "#1d2b3a"))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(bg))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(fg))
        return None


class PersonVisitModel(RowsTableModel[PersonVisit]):
    """The visits behind one person's number."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([
            Column(_tr("开始"), lambda p: p.start_date),
            Column(_tr("结束"), lambda p: p.end_date),
            Column(_tr("地点"), lambda p: p.place),
            Column(_tr("方式"), lambda p: p.method),
            Column(_tr("角色"), lambda p: p.role),
            Column(_tr("本年天数"), lambda p: p.days_in_year, True),
            Column(_tr("新增天数"), lambda p: p.new_days, True),
            Column(_tr("不计入原因"), lambda p: p.not_counted),
        ], parent, **WORK_CELLS)


class OutcomeTableModel(RowsTableModel[OutcomeInfo]):
    """调研成果 of a topic."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([
            Column(_tr("类别"), lambda o: o.kind),
            Column(_tr("成果名称"), lambda o: o.title),
            Column(_tr("文号"), lambda o: o.doc_no),
            Column(_tr("日期"), lambda o: o.date),
            Column(_tr("采纳单位"), lambda o: o.adopted_by),
        ], parent, **WORK_CELLS)


class ClashTableModel(RowsTableModel[ClashInfo]):
    """The clashing visits shown in the warning before saving."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([
            Column(_tr("科室"), lambda c: c.section_name),
            Column(_tr("开始"), lambda c: c.start_date),
            Column(_tr("结束"), lambda c: c.end_date),
            Column(_tr("地点"), lambda c: c.place),
            Column(_tr("带队"), lambda c: c.lead_name),
            Column(_tr("原因"), lambda c: c.reason),
            Column(_tr("相隔天数"), lambda c: c.gap_days, True),
        ], parent, **WORK_CELLS)


class DictRowsModel(RowsTableModel[dict]):
    """Rows keyed by Chinese column titles (the clash report)."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__([Column(h, (lambda r, h=h: r.get(h)), False) for h in headers], parent, **WORK_CELLS)
