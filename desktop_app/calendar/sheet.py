"""Reading a holiday table from a spreadsheet (日期 / 类型 / 名称)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop_app.calendar.arithmetic import KINDS
from desktop_app.core.errors import ValidationError


def parse_kind(text: str) -> str:
    """A kind code from what a spreadsheet says (休/休息/放假 → rest, 班/上班/调休上班 → workday)."""
    t = (text or "").strip().lower()
    if t in {"rest", "休", "休息", "休息日", "放假", "假"}:
        return "rest"
    if t in {"workday", "班", "上班", "调休", "调休上班", "补班", "工作日"}:
        return "workday"
    return t


def read_holiday_sheet(path: Path) -> list[tuple[dt.date, str, str]]:
    """Rows (date, kind, name) of a holiday spreadsheet (.xlsx/.xls) the prefecture sends.

    The first sheet: a header row naming 日期, 类型 (休/班, 休息日/调休上班) and optionally 名称,
    then one day per row. Every bad row is reported with its row number; nothing is returned
    then (pass the result to ``import_days`` to write it — all or nothing).
    """
    from python_calamine import CalamineError, load_workbook

    try:
        wb = load_workbook(str(path))
        rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as exc:
        raise ValidationError(f"无法读取节假日表“{Path(path).name}”（{exc}）", "请选择 .xlsx 或 .xls 格式的节假日表") from exc
    header_at = next((i for i, r in enumerate(rows[:10]) if any(str(c).strip() == "日期" for c in r)), None)
    if header_at is None:
        raise ValidationError("节假日表中没有找到“日期”列", "请在第一行写上列名：日期、类型、名称")
    header = [str(c).strip() for c in rows[header_at]]
    col_date = header.index("日期")
    col_kind = next((i for i, h in enumerate(header) if h in ("类型", "休/班", "安排")), None)
    col_name = next((i for i, h in enumerate(header) if h in ("名称", "节日", "节假日")), None)
    if col_kind is None:
        raise ValidationError("节假日表中没有找到“类型”列", "请增加“类型”列，填写 休 或 班")
    out: list[tuple[dt.date, str, str]] = []
    problems: list[str] = []
    for n, r in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = list(r) + [""] * (len(header) - len(r))
        raw_date, raw_kind = cells[col_date], str(cells[col_kind]).strip()
        if raw_date in ("", None) and not raw_kind:
            continue
        d = _sheet_date(raw_date)
        kind = parse_kind(raw_kind)
        if d is None:
            problems.append(f"第{n}行日期“{raw_date}”无法识别")
        elif kind not in KINDS:
            problems.append(f"第{n}行类型“{raw_kind}”无法识别")
        else:
            out.append((d, kind, str(cells[col_name]).strip() if col_name is not None else ""))
    if problems:
        raise ValidationError("；".join(problems[:5]) + ("等" if len(problems) > 5 else ""),
                              "日期写作 2027-01-01，类型写作 休 或 班；改正后重新导入，本次未导入任何内容")
    return out


def _sheet_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("年", "-").replace("月", "-").replace("日", "").replace(".", "-")
    text = text.replace("/", "-")
    try:
        y, m, d = (int(p) for p in text.split("-")[:3])
        return dt.date(y, m, d)
    except (ValueError, TypeError):
        return None
