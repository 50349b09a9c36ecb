"""会议研讨 rows: 日期, 会议类型, 主题, 科室, 主持人, 地点, 主讲人, 参会人员, 缺席人员及原因, 会议纪要."""

from __future__ import annotations

import re
from typing import Any

from db.models_campaign import MEETING_KINDS
from desktop_app.excel.dates import DateParseError, parse_span
from desktop_app.excel.kinds.base import FieldSpec, KindSpec, RowContext, RowErrors, name_list, text

FIELDS = (
    FieldSpec("date", "日期", ("日期", "会议日期", "时间", "会议时间", "召开时间", "举办时间"), required=True),
    FieldSpec("kind", "会议类型", ("会议类型", "类型", "会议形式", "形式", "类别")),
    FieldSpec("theme", "主题", ("主题", "会议主题", "学习主题", "研讨主题", "内容", "会议内容", "学习内容"), required=True),
    FieldSpec("section", "科室", ("科室", "承办科室", "牵头科室", "组织科室", "处室", "部门")),
    FieldSpec("host", "主持人", ("主持人", "主持", "主持领导")),
    FieldSpec("place", "地点", ("地点", "会议地点", "召开地点")),
    FieldSpec("speakers", "主讲人", ("主讲人", "主讲", "授课人", "发言人", "领学人")),
    FieldSpec("attendees", "参会人员", ("参会人员", "出席人员", "参加人员", "到会人员", "实到人员")),
    FieldSpec("absent", "缺席人员及原因", ("缺席人员及原因", "缺席人员", "请假人员", "缺席情况", "请假人员及原因")),
    FieldSpec("minutes", "会议纪要", ("会议纪要", "纪要", "会议记录", "主要内容", "研讨情况", "备注")),
)

#: words offices write for a kind, besides the kinds themselves
KIND_WORDS: dict[str, str] = {**{k: k for k in MEETING_KINDS}, "讲堂": "组工讲堂", "中心组": "中心组学习",
                              "理论学习中心组学习": "中心组学习", "专题研讨会": "专题研讨", "座谈": "座谈会",
                              "讲座": "专家讲座", "专题讲座": "专家讲座", "务虚": "务虚会", "全办研讨会": "全办研讨"}
_ABSENT = re.compile(r"^(?P<name>[^（(]+?)\s*(?:[（(](?P<reason>.*)[)）])?$")


def absent_list(value: str) -> list[tuple[str, str]]:
    """黄涛（下乡调研）、赵磊(病假)、吴芳 → [(黄涛, 下乡调研), (赵磊, 病假), (吴芳, '')]: separators inside
    brackets belong to the reason."""
    parts: list[str] = []
    depth, cur = 0, ""
    for ch in value:
        if ch in "（(":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、，,；;\n":
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for p in (x.strip() for x in parts):
        m = _ABSENT.match(p) if p else None
        if m:
            out.append((m.group("name").strip(), (m.group("reason") or "").strip()))
    return out


def parse_row(cells: dict[str, Any], ctx: RowContext, errors: RowErrors) -> dict[str, Any]:
    """One meeting from a sheet row (people and sections are resolved when written)."""
    row: dict[str, Any] = {k: text(cells.get(k), k, errors) for k in ("theme", "section", "host", "place", "speakers",
                                                                        "minutes")}
    row["date"] = None
    try:
        if cells.get("date") in (None, ""):
            errors.add("date", "会议日期为空")
        else:
            start, end = parse_span(cells.get("date"), ctx.year)
            if start != end:
                errors.add("date", "会议日期应为某一天，而不是一段时间")
            row["date"] = start.isoformat()
    except DateParseError as exc:
        errors.add("date", str(exc))
    if not row["theme"]:
        errors.add("theme", "会议主题为空")
    word = text(cells.get("kind"), "kind", errors)
    row["kind"] = KIND_WORDS.get(word)
    if row["kind"] is None:
        errors.add("kind", f"会议类型“{word}”无法识别（可写 {'、'.join(MEETING_KINDS)}）" if word else "会议类型为空")
    row["attendees"] = name_list(text(cells.get("attendees"), "attendees", errors))
    row["absent"] = [{"name": n, "reason": r} for n, r in absent_list(text(cells.get("absent"), "absent", errors))]
    return row


def known(key: str, word: str) -> bool:
    """True when ``word`` is a 会议类型 this kind reads."""
    return key != "kind" or word in KIND_WORDS


SPEC = KindSpec("meetings", "会议研讨", FIELDS, parse_row, key_fields=("theme", "date"),
                choices={"kind": MEETING_KINDS}, known=known)
