"""计划清单 rows: 科室, 类型, 期间, 序号, 事项, 责任人, 完成时限, 状态 (weekly plans, monthly and quarterly lists …)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.campaign.plans import ITEM_STATES, PLAN_KIND_LABELS, kind_of_label, period_for
from desktop_app.core.errors import ValidationError
from desktop_app.excel.dates import DateParseError, parse_date_text
from desktop_app.excel.kinds.base import FieldSpec, KindSpec, RowContext, RowErrors, text

FIELDS = (
    FieldSpec("section", "科室", ("科室", "责任科室", "所属科室", "部门", "单位")),
    FieldSpec("kind", "类型", ("类型", "计划类型", "清单类型", "类别")),
    FieldSpec("period", "期间", ("期间", "周次", "月份", "季度", "时段", "计划期间")),
    FieldSpec("seq", "序号", ("序号", "编号")),
    FieldSpec("text", "事项", ("事项", "工作事项", "重点工作", "工作内容", "项目", "内容", "计划事项")),
    FieldSpec("owner", "责任人", ("责任人", "负责人", "经办人")),
    FieldSpec("due", "完成时限", ("完成时限", "完成时间", "时限", "截止时间")),
    FieldSpec("state", "状态", ("状态", "完成情况", "进展")),
)
_STATE_BY_LABEL = {v: k for k, v in ITEM_STATES.items()} | {"完成": "done", "未完成": "open", "结转": "carried",
                                                           "取消": "dropped", "": "open"}


def parse_row(cells: dict[str, Any], ctx: RowContext, errors: RowErrors) -> dict[str, Any]:
    """One plan item from a sheet row."""
    row: dict[str, Any] = {k: text(cells.get(k), k, errors) for k in ("section", "kind", "period", "text", "owner",
                                                                        "state")}
    kind = kind_of_label(row["kind"])
    if not row["section"]:
        errors.add("section", "科室为空")
    if kind is None:
        errors.add("kind", f"类型“{row['kind']}”无效，可选：{'、'.join(PLAN_KIND_LABELS.values())}" if row["kind"]
                   else "类型为空")
    row["kind_code"] = kind
    if kind is not None:
        try:
            row["period"] = period_for(kind, row["period"]).text
        except ValidationError as exc:
            errors.add("period", exc.message)
    if not row["text"]:
        errors.add("text", "事项为空")
    state = _STATE_BY_LABEL.get(row["state"]) or (row["state"] if row["state"] in ITEM_STATES else None)
    if state is None:
        errors.add("state", f"状态“{row['state']}”无效，可选：{'、'.join(ITEM_STATES.values())}")
    row["state_code"] = state
    due: dt.date | None = None
    raw = cells.get("due")
    if isinstance(raw, dt.datetime):
        due = raw.date()
    elif isinstance(raw, dt.date):
        due = raw
    elif raw not in (None, ""):
        try:
            due = parse_date_text(str(raw), ctx.year or (int(row["period"][:4]) if row["period"][:4].isdigit() else None))
        except DateParseError as exc:
            errors.add("due", str(exc))
    row["due"] = due.isoformat() if due else None
    seq = cells.get("seq")
    row["seq"] = int(seq) if isinstance(seq, int | float) and not isinstance(seq, bool) else None
    return row


SPEC = KindSpec("plans", "计划清单", FIELDS, parse_row, key_fields=("text",),
                choices={"state": tuple(ITEM_STATES.values()), "kind": tuple(PLAN_KIND_LABELS.values())},
                known=lambda f, w: (kind_of_label(w) is not None) if f == "kind" else (
                    w in _STATE_BY_LABEL or w in ITEM_STATES) if f == "state" else True)
