"""问题台账 rows: the fields of DESIGN.md §6 and how the sheet's wording maps onto the ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.core.ledger_codes import IssueStatus
from desktop_app.excel.dates import KIND_DATED, KIND_IMMEDIATE, KIND_ONGOING, DateParseError, parse_deadline
from desktop_app.excel.kinds.base import FieldSpec, KindSpec, RowContext, RowErrors, append_kept, text
from desktop_app.excel.limits import MAX_CELL_CHARS

FIELDS = (
    FieldSpec("category", "问题类型", ("问题类型", "问题类别", "问题分类", "类别", "类型", "所属领域", "领域", "方面")),
    FieldSpec("description", "问题描述", ("存在问题", "问题描述", "问题表现", "问题清单", "具体问题", "主要问题", "发现问题",
                                         "问题内容", "问题", "存在的问题", "反映问题"), required=True),
    FieldSpec("measures", "整改措施", ("整改措施", "整改举措", "具体措施", "工作措施", "整改方案", "措施", "整改目标及措施")),
    FieldSpec("unit", "责任单位", ("责任单位", "牵头单位", "主责单位", "责任部门", "牵头部门", "责任科室", "牵头科室", "承办单位")),
    FieldSpec("co_units", "配合单位", ("配合单位", "协同单位", "协办单位", "配合部门", "参与单位", "协同部门")),
    FieldSpec("leader", "牵头领导", ("牵头领导", "责任领导", "分管领导", "包抓领导", "领导")),
    FieldSpec("person", "责任人", ("责任人", "具体责任人", "经办人", "直接责任人", "负责人")),
    FieldSpec("deadline", "完成时限", ("完成时限", "整改时限", "时限要求", "完成时间", "整改期限", "办结时限", "整改时间",
                                      "时限", "期限")),
    FieldSpec("status", "整改状态", ("整改状态", "状态", "完成状态", "办理状态", "整改结果", "是否完成", "整改完成情况")),
    FieldSpec("progress", "进展情况", ("进展情况", "完成情况", "整改进展", "推进情况", "整改情况", "进展", "工作进展")),
    FieldSpec("note", "备注", ("备注",)),
    FieldSpec("kind_word", "整改类型", ("整改类型", "整改方式")),
)

#: 整改类型 words (our own export writes them) → the item's kind, when the 完成时限 gives no date
KIND_WORDS = {"立行立改": KIND_IMMEDIATE, "限期整改": KIND_DATED, "长期坚持": KIND_ONGOING, "长期整改": KIND_ONGOING}

#: the sheet's status words → (ledger status code, kind override or None)
STATUS_WORDS: dict[str, tuple[str, str | None]] = {
    "未启动": (IssueStatus.NOT_STARTED, None), "未开始": (IssueStatus.NOT_STARTED, None), "尚未启动": (IssueStatus.NOT_STARTED, None),
    "未完成": (IssueStatus.IN_PROGRESS, None), "待整改": (IssueStatus.NOT_STARTED, None), "未整改": (IssueStatus.NOT_STARTED, None),
    "正在推进": (IssueStatus.IN_PROGRESS, None), "推进中": (IssueStatus.IN_PROGRESS, None), "正在整改": (IssueStatus.IN_PROGRESS, None),
    "整改中": (IssueStatus.IN_PROGRESS, None), "进行中": (IssueStatus.IN_PROGRESS, None), "持续推进": (IssueStatus.IN_PROGRESS, KIND_ONGOING),
    "部分完成": (IssueStatus.IN_PROGRESS, None), "基本完成": (IssueStatus.IN_PROGRESS, None), "已启动": (IssueStatus.IN_PROGRESS, None),
    "长期坚持": (IssueStatus.IN_PROGRESS, KIND_ONGOING), "长期推进": (IssueStatus.IN_PROGRESS, KIND_ONGOING),
    "已完成": (IssueStatus.DONE, None), "完成": (IssueStatus.DONE, None), "已整改": (IssueStatus.DONE, None), "整改完成": (IssueStatus.DONE, None),
    "已办结": (IssueStatus.DONE, None), "办结": (IssueStatus.DONE, None), "已完成整改": (IssueStatus.DONE, None), "是": (IssueStatus.DONE, None),
    "已销号": (IssueStatus.CLOSED, None), "销号": (IssueStatus.CLOSED, None),
    "立行立改": (IssueStatus.IN_PROGRESS, None),
    "待解决": (IssueStatus.NOT_STARTED, None), "未解决": (IssueStatus.NOT_STARTED, None), "待落实": (IssueStatus.NOT_STARTED, None),
    "正在解决": (IssueStatus.IN_PROGRESS, None), "已解决": (IssueStatus.DONE, None), "已落实": (IssueStatus.DONE, None),
}


def status_code(word: str) -> tuple[str, str | None] | None:
    """The ledger status (and kind override) for a sheet's status word, or None if unknown."""
    found = STATUS_WORDS.get(word)  # the common case: a known word as it stands (runs twice per row)
    if found is not None:
        return found
    w = word.strip().rstrip("。")
    if not w:
        return ("not_started", None)
    return STATUS_WORDS.get(w)


_TEXT_FIELDS = tuple((f.key, f.label) for f in FIELDS if f.key not in ("deadline", "kind_word"))


def parse_row(cells: dict[str, Any], ctx: RowContext, errors: RowErrors) -> dict[str, Any]:
    """One ledger item from a sheet row (the contract dict of DESIGN.md §6)."""
    row: dict[str, Any] = {}
    get = cells.get
    for key, label in _TEXT_FIELDS:
        v = get(key)
        if type(v) is str and len(v) <= MAX_CELL_CHARS:
            row[key] = v.strip()  # the common cases, kept inline: this runs 100k × 10 times
        elif v is None:  # a field no column is mapped to
            row[key] = ""
        else:
            row[key] = text(v, key, errors, label)
    if not row["category"] and ctx.section:
        row["category"] = ctx.section
    kind_word = get("kind_word")
    if type(kind_word) is str and len(kind_word) <= MAX_CELL_CHARS:
        kind_word = kind_word.strip()
    else:
        kind_word = text(kind_word, "kind_word", errors, "整改类型")
    extra = ctx.extra
    if kind_word and kind_word not in KIND_WORDS:  # a sheet's own 整改类型 (制度类 …): kept, not refused
        extra = {**extra, "整改类型": kind_word}
    if not row["description"]:
        errors.add("description", "问题描述为空")
    elif extra:
        # The item has no free note: text in columns no field takes (备注 included, which otherwise only
        # explains a long deadline) stays with the problem it describes — shown, exported, printed, searched.
        row["description"] = append_kept(row["description"], extra)
    kind, deadline, workdays = KIND_DATED, None, None
    cell = get("deadline")
    if type(cell) is dt.date:  # the common case (a date cell) without building a Deadline
        deadline = cell
    else:
        try:
            d = parse_deadline(cell, ctx.year)
            kind, deadline, workdays = d.kind, d.date, d.workdays
        except DateParseError as exc:
            errors.add("deadline", str(exc))
    if kind_word in KIND_WORDS and deadline is None and workdays is None:
        kind = KIND_WORDS[kind_word]
    status_word = row["status"]
    if not status_word and row["progress"] and status_code(row["progress"]) and row["progress"].strip():
        status_word = row["progress"]  # a 完成情况 column holding only a status word
    mapped = status_code(status_word)
    code = "not_started"
    if status_word.strip() in ("已作废", "作废"):
        errors.add("status", "已作废的问题不能导入为新问题，请删除该行")
    elif mapped is None:
        errors.add("status", f"无法识别的整改状态：“{status_word}”（可写 未启动、正在推进、已完成、已销号、长期坚持）")
    else:
        code, kind_override = mapped
        if kind_override and deadline is None and workdays is None:
            kind = kind_override
    row["deadline"] = deadline.isoformat() if deadline else None
    row["deadline_workdays"] = workdays
    row["kind"] = kind
    row["status"] = status_word
    row["status_code"] = code
    return row


def known(key: str, word: str) -> bool:
    """True when the ledger reads ``word`` in field ``key`` (整改状态) without the user's help."""
    return key != "status" or status_code(word) is not None or word.strip() in ("已作废", "作废")


SPEC = KindSpec("ledger", "问题台账", FIELDS, parse_row, key_fields=("description", "measures", "unit"),
                choices={"status": ("未启动", "推进中", "已完成", "已销号", "长期坚持")}, known=known,
                unwritten=("note",), keeps_extra=True, extra_home="问题描述（另起一段）", derived=("预警",))
