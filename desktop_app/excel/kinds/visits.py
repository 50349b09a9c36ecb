"""调研安排 rows: who went where, when (a date or a span such as 2026年3月10日-12日), how."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.excel.dates import DateParseError, parse_span
from desktop_app.excel.kinds.base import FieldSpec, KindSpec, RowContext, RowErrors, name_list, text

FIELDS = (
    FieldSpec("topic", "调研内容", ("调研内容", "调研主题", "调研课题", "调研事项", "课题名称", "主题", "内容", "课题")),
    FieldSpec("lead", "带队领导", ("带队领导", "带队人", "带队", "牵头领导", "领导")),
    FieldSpec("members", "随行人员", ("随行人员", "参加人员", "参与人员", "调研人员", "陪同人员", "成员", "同行人员")),
    FieldSpec("date", "调研时间", ("调研时间", "时间", "日期", "调研日期", "起止时间", "起止日期")),
    FieldSpec("start", "开始日期", ("开始时间", "开始日期", "起始时间", "起始日期")),
    FieldSpec("end", "结束日期", ("结束时间", "结束日期", "截止时间")),
    FieldSpec("place", "调研地点", ("调研地点", "地点", "调研对象", "调研单位", "地点单位", "去向")),
    FieldSpec("method", "调研方式", ("调研方式", "方式", "调研形式", "形式")),
    FieldSpec("unannounced", "是否四不两直", ("是否四不两直", "四不两直", "是否暗访", "暗访")),
    FieldSpec("purpose", "调研目的", ("调研目的", "目的")),
    FieldSpec("findings", "调研发现", ("调研发现", "发现问题", "主要发现", "调研成果")),
)

_YES = {"是", "√", "✓", "Y", "y", "yes", "1", "对"}
#: words that make a visit unannounced wherever on the row they are written (备注, 方式, 内容 …)
UNANNOUNCED_WORDS = ("四不两直", "暗访", "不打招呼", "明察暗访", "随机暗访")


def parse_row(cells: dict[str, Any], ctx: RowContext, errors: RowErrors) -> dict[str, Any]:
    """One visit from a sheet row."""
    row: dict[str, Any] = {k: text(cells.get(k), k, errors) for k in ("topic", "lead", "place", "method", "purpose",
                                                                        "findings")}
    row["members"] = name_list(text(cells.get("members"), "members", errors))
    start: dt.date | None = None
    end: dt.date | None = None
    try:
        if cells.get("date") not in (None, ""):
            start, end = parse_span(cells.get("date"), ctx.year)
        elif cells.get("start") not in (None, ""):
            start, _ = parse_span(cells.get("start"), ctx.year)
            end = parse_span(cells.get("end"), ctx.year)[1] if cells.get("end") not in (None, "") else start
            if end < start:
                raise DateParseError("结束日期早于开始日期")
        else:
            errors.add("date", "调研时间为空")
    except DateParseError as exc:
        errors.add("date" if cells.get("date") not in (None, "") else "start", str(exc))
    if not row["place"] and not row["topic"]:
        errors.add("place", "调研地点和调研内容都为空")
    flag = text(cells.get("unannounced"), "unannounced", errors)
    written = [row[k] for k in ("topic", "place", "method", "purpose", "findings")] + list(ctx.extra.values())
    row["unannounced"] = flag in _YES or any(w in t for t in written for w in UNANNOUNCED_WORDS)
    if ctx.extra:  # columns the import does not map (备注 …) are kept with the visit, under its purpose
        kept = "；".join(f"{title}：{value}" for title, value in ctx.extra.items())
        row["purpose"] = f"{row['purpose']}\n{kept}" if row["purpose"] else kept
    row["start"] = start.isoformat() if start else None
    row["end"] = end.isoformat() if end else None
    row["days"] = (end - start).days + 1 if start and end else None
    return row


SPEC = KindSpec("visits", "调研安排", FIELDS, parse_row, key_fields=("topic", "place", "lead"), keeps_extra=True,
                extra_home="调研目的")
