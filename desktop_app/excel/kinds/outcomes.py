"""成果转化运用清单 rows: section, kind, title, document number, date, adopted by, source, where and when published."""

from __future__ import annotations

from typing import Any

from desktop_app.excel.dates import DateParseError, parse_date_text
from desktop_app.excel.kinds.base import FieldSpec, KindSpec, RowContext, RowErrors, text

FIELDS = (
    FieldSpec("section", "科室", ("科室", "责任科室", "牵头科室", "承担科室", "处室", "部门")),
    FieldSpec("kind", "成果类型", ("成果类型", "成果类别", "类别", "类型")),
    FieldSpec("title", "成果名称", ("成果名称", "成果", "名称", "成果题目", "标题"), required=True),
    FieldSpec("doc_no", "文号", ("文号", "发文字号", "文件编号")),
    FieldSpec("date", "日期", ("日期", "成文日期", "印发日期", "形成时间", "时间")),
    FieldSpec("adopted_by", "采纳单位", ("采纳单位", "采用单位", "转化单位", "运用单位")),
    FieldSpec("source", "来源", ("来源", "成果来源", "出处")),
    FieldSpec("published_in", "刊发载体", ("刊发载体", "刊发刊物", "刊物或网站", "推介刊发", "刊发情况", "发表刊物")),
    FieldSpec("published_on", "刊发日期", ("刊发日期", "刊发时间", "发表日期")),
)

KINDS = {"实践成果": "实践成果", "实践": "实践成果", "制度成果": "制度成果", "制度": "制度成果",
         "理论成果": "理论成果", "理论": "理论成果"}


def _date(cells: dict[str, Any], key: str, label: str, ctx: RowContext, errors: RowErrors) -> str | None:
    import datetime as dt

    value = cells.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return parse_date_text(text(value, key, errors, label), ctx.year).isoformat()
    except DateParseError as exc:
        errors.add(key, f"{label}：{exc}")
        return None


def parse_row(cells: dict[str, Any], ctx: RowContext, errors: RowErrors) -> dict[str, Any]:
    """One outcome from a sheet row."""
    row: dict[str, Any] = {k: text(cells.get(k), k, errors) for k in
                           ("section", "title", "doc_no", "adopted_by", "source", "published_in")}
    if not row["title"]:
        errors.add("title", "成果名称为空")
    word = text(cells.get("kind"), "kind", errors)
    row["kind"] = KINDS.get(word)
    if row["kind"] is None:
        errors.add("kind", f"成果类型应为 实践成果、制度成果 或 理论成果，而不是“{word}”")
    row["date"] = _date(cells, "date", "日期", ctx, errors)
    row["published_on"] = _date(cells, "published_on", "刊发日期", ctx, errors)
    row["year"] = int(row["date"][:4]) if row["date"] else ctx.year
    return row


def known(key: str, word: str) -> bool:
    """True when ``word`` is a 成果类型 this kind reads."""
    return word in KINDS if key == "kind" else True


SPEC = KindSpec("outcomes", "成果转化运用清单", FIELDS, parse_row, key_fields=("title",),
                choices={"kind": ("实践成果", "制度成果", "理论成果")}, known=known)
