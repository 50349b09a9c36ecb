"""调研课题 rows: title, section, kind 重点|一般, lead leader, members, methods, report due, status."""

from __future__ import annotations

from typing import Any

from desktop_app.excel.dates import DateParseError, parse_deadline
from desktop_app.excel.kinds.base import FieldSpec, KindSpec, RowContext, RowErrors, name_list, text

FIELDS = (
    FieldSpec("title", "课题名称", ("课题名称", "调研课题", "课题题目", "调研题目", "题目", "课题"), required=True),
    FieldSpec("section", "承担科室", ("承担科室", "责任科室", "牵头科室", "科室", "处室", "部门", "承担单位")),
    FieldSpec("kind", "课题类别", ("课题类别", "课题类型", "类别", "类型", "重点课题")),
    FieldSpec("lead", "领题领导", ("领题领导", "牵头领导", "领衔领导", "带队领导", "课题负责人", "负责人", "领导")),
    FieldSpec("members", "课题组成员", ("课题组成员", "参与人员", "成员", "课题组")),
    FieldSpec("methods", "调研方式", ("调研方式", "方式", "调研方法")),
    FieldSpec("report_due", "完成时限", ("完成时限", "结题时间", "报告时限", "完成时间", "时限")),
    FieldSpec("status", "进度", ("进度", "阶段", "状态", "课题进度", "课题阶段", "推进情况")),
)

KINDS = {"重点": "重点", "重点课题": "重点", "一般": "一般", "一般课题": "一般", "": "一般"}
STATUSES = {"": "立项", "立项": "立项", "已立项": "立项", "调研中": "调研中", "正在调研": "调研中", "成稿": "成稿",
            "已成稿": "成稿", "结题": "结题", "已结题": "结题", "已完成": "结题"}


def parse_row(cells: dict[str, Any], ctx: RowContext, errors: RowErrors) -> dict[str, Any]:
    """One research topic from a sheet row."""
    row: dict[str, Any] = {k: text(cells.get(k), k, errors) for k in ("title", "section", "lead")}
    if not row["title"]:
        errors.add("title", "课题名称为空")
    kind_word = text(cells.get("kind"), "kind", errors)
    row["kind"] = KINDS.get(kind_word)
    if row["kind"] is None:
        errors.add("kind", f"课题类别应为“重点”或“一般”，而不是“{kind_word}”")
    row["members"] = name_list(text(cells.get("members"), "members", errors))
    row["methods"] = name_list(text(cells.get("methods"), "methods", errors))
    row["report_due"] = None
    try:
        due = parse_deadline(cells.get("report_due"), ctx.year).date
        row["report_due"] = due.isoformat() if due else None
    except DateParseError as exc:
        errors.add("report_due", str(exc))
    status_word = text(cells.get("status"), "status", errors)
    row["status"] = STATUSES.get(status_word)
    if row["status"] is None:
        errors.add("status", f"无法识别的课题进度：“{status_word}”（可写 立项、调研中、成稿、结题）")
    if ctx.extra:  # a topic has no free-text field: the text goes to the report and the 原表其他列 sheet
        row["other_columns"] = dict(ctx.extra)
    return row


def known(key: str, word: str) -> bool:
    """True when ``word`` is a 课题类别 or 进度 this kind reads."""
    if key == "kind":
        return word in KINDS
    if key == "status":
        return word in STATUSES
    return True


SPEC = KindSpec("topics", "调研课题", FIELDS, parse_row, key_fields=("title",),
                choices={"kind": ("重点", "一般"), "status": ("立项", "调研中", "成稿", "结题")}, known=known,
                keeps_extra=True)
