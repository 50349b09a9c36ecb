"""The ledger printed: 问题清单, 责任清单 and 督办清单 (A4 landscape).

Warnings survive black-and-white printing: a red (逾期) row carries “■逾期” and a yellow (临期)
row “▲临期” in its 预警 column, besides a light red/yellow tint for colour printers. The legend
under the title says so.

``*_report`` functions take plain rows (IssueRow, ResponsibilityRow, SupervisionRow from
``desktop_app.ledger.types`` or anything with the same attributes); ``fetch_*`` functions get those
rows from the ledger service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib import colors

from desktop_app.reports.layout import SIZE_5, Column, RowLook, TableLook
from desktop_app.reports.table_report import TableReport

WARNING_MARKS = {"red": "■逾期", "yellow": "▲临期", "green": "", "grey": ""}
WARNING_FILLS = {"red": colors.Color(1.0, 0.86, 0.86), "yellow": colors.Color(1.0, 0.96, 0.78)}
LEGEND = "预警标识：■逾期　▲临期（彩色打印时另以红色、黄色底纹区分）"
EMPTY = "无符合条件的记录"

ISSUE_COLUMNS = [
    Column("序号", 10, "CENTER"),
    Column("编号", 19, "CENTER"),
    Column("问题类别", 14),
    Column("问题描述", 57),
    Column("整改措施", 40),
    Column("整改类型", 13, "CENTER"),
    Column("责任单位", 18),
    Column("责任人", 14, "CENTER"),
    Column("完成时限", 20, "CENTER"),
    Column("整改进展", 25),
    Column("状态", 12, "CENTER"),
    Column("预警", 12, "CENTER"),
]

#: 紧凑版 问题清单 at 五号: what a reader scans for — the problem, who, by when, how far; 整改措施 and the
#: progress notes are in the 完整版 (at least 8 items of the demo a page instead of ~3)
COMPACT_ISSUE_COLUMNS = [
    Column("序号", 8, "CENTER"),
    Column("编号", 18, "CENTER"),
    Column("问题类别", 10, "CENTER"),
    Column("问题描述", 167),
    Column("责任单位\n责任人", 25, "CENTER"),
    Column("完成时限", 20, "CENTER"),
    Column("状态\n预警", 13, "CENTER"),
]
COMPACT_LOOK_SIZE = SIZE_5

RESPONSIBILITY_COLUMNS = [
    Column("序号", 10, "CENTER"),
    Column("责任单位", 60),
    Column("责任人", 30, "CENTER"),
    Column("问题总数", 20, "CENTER"),
    Column("未销号", 20, "CENTER"),
    Column("已销号", 20, "CENTER"),
    Column("逾期", 22, "CENTER"),
    Column("临期", 22, "CENTER"),
    Column("销号率", 22, "CENTER"),
]

SUPERVISION_COLUMNS = [
    Column("序号", 10, "CENTER"),
    Column("编号", 20, "CENTER"),
    Column("问题描述", 60),
    Column("责任单位", 20),
    Column("责任人", 14, "CENTER"),
    Column("完成时限", 21, "CENTER"),
    Column("剩余工作日", 15, "CENTER"),
    Column("预警", 13, "CENTER"),
    Column("督办等级", 18, "CENTER"),
    Column("催办记录", 62),
]


#: 紧凑版 督办清单 at 五号: the problem gets the room 催办记录 (often empty) had; 预警 and 督办等级 share a column
COMPACT_SUPERVISION_COLUMNS = [
    Column("序号", 8, "CENTER"),
    Column("编号", 18, "CENTER"),
    Column("问题描述", 135),
    Column("责任单位\n责任人", 25, "CENTER"),
    Column("完成时限", 20, "CENTER"),
    Column("剩余\n工作日", 16, "CENTER"),
    Column("预警\n督办等级", 16, "CENTER"),
    Column("催办记录", 50),
]
#: urges listed in the 紧凑版 (the latest; the 完整版 lists them all)
COMPACT_URGES = 3


def date_text(day: dt.date | None) -> str:
    """A date as printed in tables."""
    return day.isoformat() if day else ""


def deadline_text(row: Any) -> str:
    """完成时限 as printed: the date, the working-day basis, or 长期坚持."""
    if getattr(row, "kind", "") == "ongoing" and not row.deadline:
        return "长期坚持"
    text = date_text(row.deadline)
    if getattr(row, "deadline_basis", "date") == "workdays" and getattr(row, "deadline_workdays", None):
        text += f"\n（{row.deadline_workdays}个工作日）"
    if getattr(row, "deadline_estimated", False):
        text += "\n（按周一至周五估算）"
    original = getattr(row, "original_deadline", None)
    if original and row.deadline and original != row.deadline:
        text += f"\n（原{date_text(original)}）"
    return text


def progress_text(row: Any) -> str:
    """整改进展: the latest progress note with its percentage."""
    text = row.latest_progress or ""
    if row.progress_percent:
        text = f"{text}（{row.progress_percent}%）" if text else f"{row.progress_percent}%"
    return text


def _looks(colours: Sequence[str]) -> Any:
    def look(i: int) -> RowLook | None:
        fill = WARNING_FILLS.get(colours[i]) if i < len(colours) else None
        return (fill, None) if fill is not None else None
    return look


def unit_text(unit: str, office: str = "") -> str:
    """责任单位 as printed; in a list of every office, under its office's name (each county has a 综合科)."""
    return f"{office}\n{unit}" if office else unit


def status_text(row: Any) -> str:
    """状态/预警 in the 紧凑版: the status, the latest percentage while the item is open, then ■逾期/▲临期."""
    pct = row.progress_percent
    lines = [row.status_label]
    if pct and row.status == "in_progress":
        lines.append(f"{pct}%")
    mark = WARNING_MARKS.get(row.colour, "")
    if mark:
        lines.append(mark)
    return "\n".join(lines)


def issue_report(rows: Iterable[Any], office: str = "", year: int | None = None, note: str = "",
                 today: dt.date | None = None, office_names: dict[str, str] | None = None,
                 whose: str = "", layout: str = "full") -> TableReport:
    """问题清单 from IssueRow-like rows, in the order given (``office_names``: code → name, for every office).

    ``office`` is the 填报单位; ``whose`` (default ``office``) names the list in the title (全市或全州各单位).
    ``layout``: ``full`` (完整版, every column at 小五) or ``compact`` (紧凑版, :data:`COMPACT_ISSUE_COLUMNS` at 五号).
    """
    cells: list[list[str]] = []
    colours: list[str] = []
    compact = layout == "compact"
    for n, r in enumerate(rows, start=1):
        unit = unit_text(r.responsible_unit, office_names.get(r.office_code, r.office_code)) if office_names \
            else r.responsible_unit
        if compact:
            who = f"{unit}\n{r.responsible_person}" if r.responsible_person else unit
            cells.append([str(n), r.serial, r.category, r.description, who, deadline_text(r), status_text(r)])
        else:
            cells.append([str(n), r.serial, r.category, r.description, r.measures, r.kind_label, unit,
                          r.responsible_person, deadline_text(r), progress_text(r), r.status_label,
                          WARNING_MARKS.get(r.colour, "")])
        colours.append(r.colour)
    title = _title(whose or office, year, "调研发现问题清单")
    columns = COMPACT_ISSUE_COLUMNS if compact else ISSUE_COLUMNS
    report = TableReport(title, columns, cells or _empty(columns),
                         office=office, date=today, note=_note(LEGEND, note), row_look=_looks(colours),
                         compact=compact)
    if compact:
        report.look = TableLook(font_size=COMPACT_LOOK_SIZE, header_size=COMPACT_LOOK_SIZE)
    return report


def responsibility_report(rows: Iterable[Any], office: str = "", year: int | None = None, note: str = "",
                          today: dt.date | None = None, whose: str = "") -> TableReport:
    """责任清单 from ResponsibilityRow-like rows (a unit's own row has person ''); ``whose`` as for 问题清单."""
    cells: list[list[str]] = []
    colours: list[str] = []
    for n, r in enumerate(rows, start=1):
        cells.append([str(n), unit_text(r.unit, getattr(r, "office", "")), r.person or "（合计）", str(r.total), str(r.open), str(r.closed),
                      f"■{r.red}" if r.red else "0", f"▲{r.yellow}" if r.yellow else "0",
                      f"{r.closure_rate * 100:.1f}%"])
        colours.append("red" if r.red else "yellow" if r.yellow else "green")
    title = _title(whose or office, year, "问题整改责任清单")
    return TableReport(title, RESPONSIBILITY_COLUMNS,
                       cells or _empty(RESPONSIBILITY_COLUMNS),
                       office=office, date=today, note=_note(LEGEND, note), row_look=_looks(colours))


def urge_history(urges: Sequence[Any]) -> str:
    """催办记录: one line per urge, oldest first."""
    return "\n".join(f"{date_text(u.date)} {u.level_label}{('：' + u.note) if u.note else ''}"
                     + (f"（{u.by}）" if u.by else "") for u in urges)


def supervision_report(rows: Iterable[Any], office: str = "", year: int | None = None, note: str = "",
                       today: dt.date | None = None, office_names: dict[str, str] | None = None,
                       whose: str = "", layout: str = "full") -> TableReport:
    """督办清单 from SupervisionRow-like rows (row, urges, workdays_left); ``office_names``, ``whose`` as for 问题清单.

    ``layout``: ``full`` (完整版) or ``compact`` (紧凑版, :data:`COMPACT_SUPERVISION_COLUMNS` at 五号).
    """
    cells: list[list[str]] = []
    colours: list[str] = []
    compact = layout == "compact"
    for n, s in enumerate(rows, start=1):
        r = s.row
        level = max((u.level for u in s.urges), default=0)
        level_label = next((u.level_label for u in s.urges if u.level == level), "未催办") if level else "未催办"
        left = s.workdays_left
        left_text = "" if left is None else (f"超期{-left}个工作日" if left < 0 else str(left))
        unit = unit_text(r.responsible_unit, office_names.get(r.office_code, r.office_code)) if office_names \
            else r.responsible_unit
        mark = WARNING_MARKS.get(r.colour, "")
        if compact:
            urges = list(s.urges)
            history = urge_history(urges[-COMPACT_URGES:])
            if len(urges) > COMPACT_URGES:
                history = f"（共{len(urges)}次，列最近{COMPACT_URGES}次）\n{history}"
            who = f"{unit}\n{r.responsible_person}" if r.responsible_person else unit
            cells.append([str(n), r.serial, r.description, who, deadline_text(r), left_text,
                          "\n".join(x for x in (mark, level_label) if x), history])
        else:
            cells.append([str(n), r.serial, r.description, unit, r.responsible_person, deadline_text(r),
                          left_text, mark, level_label, urge_history(s.urges)])
        colours.append(r.colour)
    title = _title(whose or office, year, "问题整改督办清单")
    columns = COMPACT_SUPERVISION_COLUMNS if compact else SUPERVISION_COLUMNS
    report = TableReport(title, columns, cells or _empty(columns),
                         office=office, date=today, note=_note(LEGEND, note), row_look=_looks(colours),
                         compact=compact)
    if compact:
        report.look = TableLook(font_size=COMPACT_LOOK_SIZE, header_size=COMPACT_LOOK_SIZE)
    return report


def _title(whose: str, year: int | None, what: str) -> str:
    """“勐海县2026年调研发现问题清单” (no year: every year; no office: before setup)."""
    return f"{whose}{year or ''}{'年' if year else ''}{what}" if whose else what


def _empty(columns: Sequence[Column]) -> list[list[str]]:
    """The one row printed when nothing matches: the words in the widest column."""
    widest = max(range(len(columns)), key=lambda k: columns[k].width_mm)
    return [[EMPTY if k == widest else "" for k in range(len(columns))]]


def _note(*parts: str) -> str:
    return "　".join(p for p in parts if p)


# --- fetching from the ledger service -------------------------------------------------------------


def office_name(db: Any) -> str:
    """This office's name ('' before setup)."""
    from desktop_app.org import organisation

    try:
        return organisation.get_office(db).name
    except Exception:  # noqa: BLE001 — a report without the office name is still useful
        return ""


def filter_note(flt: Any) -> str:
    """“筛选条件：…” for a filtered printout (empty when only the year is chosen)."""
    from desktop_app.core.ledger_codes import ISSUE_KIND_LABELS, ISSUE_SOURCE_LABELS, ISSUE_STATUS_LABELS
    from desktop_app.ledger.warnings import COLOUR_LABELS

    if flt is None:
        return ""
    parts = []
    if getattr(flt, "statuses", None):
        parts.append("状态=" + "、".join(ISSUE_STATUS_LABELS.get(x, x) for x in flt.statuses))
    if getattr(flt, "colours", None):
        parts.append("预警=" + "、".join(COLOUR_LABELS.get(x, x) for x in flt.colours))
    for attr, label, names in (("unit", "责任单位", None), ("person", "责任人", None), ("category", "问题类别", None),
                               ("source", "来源", ISSUE_SOURCE_LABELS), ("kind", "整改类型", ISSUE_KIND_LABELS),
                               ("text", "关键词", None)):
        value = getattr(flt, attr, "")
        if value:
            parts.append(f"{label}={names.get(value, value) if names else value}")
    if getattr(flt, "include_void", False):
        parts.append("含已作废")
    return ("筛选条件：" + "；".join(parts)) if parts else ""


def _filter(year: int | None, flt: Any, office: str = "") -> Any:
    """The filter to print: ``flt`` (default: the whole year), for ``office`` when the filter names none."""
    from desktop_app.ledger.query import IssueFilter

    f = flt if flt is not None else IssueFilter(year=year)
    if office and not f.office:
        f = IssueFilter.from_dict({**f.to_dict(), "office": office})
    return f


def heading_office(db: Any, f: Any) -> str:
    """Whose list the title names: this office, the county chosen, or 全市/全州各单位 (``scope.scope_label``)."""
    from desktop_app.org import scope

    office = getattr(f, "office", "")
    return scope.scope_label(db, office) if office else office_name(db)


def _names(db: Any, f: Any) -> tuple[str, str]:
    """(填报单位, whose list): one county's list is that county's; every office's is reported by this one."""
    from desktop_app.org import scope

    whose = heading_office(db, f)
    return (office_name(db), whose) if getattr(f, "office", "") == scope.ALL else (whose, whose)


def _office_names(db: Any, f: Any) -> dict[str, str] | None:
    """Code → name of every office, when the list covers them all (its rows then name their office)."""
    from desktop_app.org import scope

    if getattr(f, "office", "") != scope.ALL:
        return None
    return {c.code: c.name for c in scope.office_choices(db)}


def _year_of(year: int | None, flt: Any) -> int | None:
    return year or getattr(flt, "year", None)


def fetch_issue_report(db: Any, year: int | None = None, flt: Any = None, note: str = "",
                       today: dt.date | None = None, sort: tuple[str, bool] = ("serial", False),
                       office: str = "", layout: str = "full") -> TableReport:
    """问题清单 of ``year`` (or as filtered by ``flt``, an IssueFilter) from the ledger service, in ``sort`` order.

    ``office``: whose items when ``flt`` does not say (``org.scope``); the title names it.
    """
    from desktop_app.ledger.query import iter_issue_rows

    f = _filter(year, flt, office)
    rows = iter_issue_rows(db, f, sort_key=sort[0], descending=sort[1], today=today)
    reporter, whose = _names(db, f)
    return issue_report(rows, reporter, _year_of(year, f), note or filter_note(f), today,
                        office_names=_office_names(db, f), whose=whose, layout=layout)


def fetch_responsibility_report(db: Any, year: int | None = None, flt: Any = None, note: str = "",
                                today: dt.date | None = None, office: str = "") -> TableReport:
    """责任清单 of ``year`` from the ledger service (``office`` as for 问题清单)."""
    from desktop_app.ledger.summaries import responsibility_summary

    f = _filter(year, flt, office)
    reporter, whose = _names(db, f)
    return responsibility_report(responsibility_summary(db, f, today=today), reporter, _year_of(year, f),
                                 note or filter_note(f), today, whose=whose)


def fetch_supervision_report(db: Any, year: int | None = None, flt: Any = None, note: str = "",
                             today: dt.date | None = None, office: str = "", layout: str = "full") -> TableReport:
    """督办清单 of ``year`` from the ledger service (``office`` as for 问题清单)."""
    from desktop_app.ledger.summaries import supervision_list

    f = _filter(year, flt, office)
    reporter, whose = _names(db, f)
    return supervision_report(supervision_list(db, f, today=today), reporter, _year_of(year, f),
                              note or filter_note(f), today, office_names=_office_names(db, f), whose=whose,
                              layout=layout)
