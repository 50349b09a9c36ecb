"""Ledger commands of the command line: ``fielddesk assign`` (州级交办, prefecture offices)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from desktop_app.cli.support import data_root, emit
from desktop_app.core.context import open_context
from desktop_app.core.errors import ValidationError
from desktop_app.ledger.assign import assign_issues
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.types import IssueInput


def _date(value: str | None, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{label}“{value}”不是有效日期", "请按 2026-09-30 的格式填写") from None


def cmd_assign(args: argparse.Namespace) -> int:
    """fielddesk assign --county CODE --description TEXT […]: assign one item to a county (prefecture only).

    With ``--from-xlsx FILE`` every row of a 交办 sheet instead (see ``cmd_assign_sheet``).
    """
    if getattr(args, "from_xlsx", None):
        return cmd_assign_sheet(args)
    if getattr(args, "dry_run", False) or getattr(args, "sheet", None):
        raise ValidationError("--dry-run 和 --sheet 只能与 --from-xlsx 同用", "批量交办请加上 --from-xlsx 表格文件")
    if not args.county or not args.description:
        raise ValidationError("请用 --county 指定责任县（区）并用 --description 填写问题描述",
                              "或用 --from-xlsx 从表格批量交办")
    item = IssueInput(description=args.description or "", category=args.category or "", measures=args.measures or "",
                      kind=args.kind, deadline=_date(args.deadline, "完成时限"), deadline_workdays=args.workdays,
                      assigned_date=_date(args.assigned_date, "交办日期"), year=args.year)
    ctx = open_context(data_root(args), daily_backup=True)
    try:
        [issue_id] = assign_issues(ctx.db, ctx.actor, args.county, [item])
        row = get_issue_detail(ctx.db, issue_id).row
    finally:
        ctx.close()
    payload = {"id": issue_id, "serial": row.serial, "office_code": row.office_code, "year": row.year,
               "assigned_date": row.assigned_date, "deadline": row.deadline}
    due = f"，完成时限 {row.deadline:%Y-%m-%d}" if row.deadline else ""
    emit(args, payload, f"已交办问题 {row.serial} 给 {row.responsible_unit or row.office_code}{due}；"
                        "请导出同步包送达该县（区）")
    return 0


def cmd_assign_sheet(args: argparse.Namespace) -> int:
    """fielddesk assign --from-xlsx FILE [--dry-run] [--assigned-date D] [--sheet S]: 批量交办.

    ``--json`` prints one object: the preview (``file, sheet, header_row, mapping,
    assigned_date, problems, rows`` with each row's ``state`` ready|error|assigned and
    ``reason``, ``counts`` {ready, error, already_assigned}), ``status`` dry-run|applied, and
    the result lists ``assigned`` [{row, county, id, serial}], ``skipped`` [{row, county,
    serial}], ``errors`` [{row, reason}] (empty lists in a dry run). Rows with errors are never assigned; the exit code is then 1 (the other
    rows are assigned unless ``--dry-run``), as it is when the sheet itself is unusable.
    """
    from desktop_app.excel.assign_sheet import assign_from_sheet, preview_sheet

    assigned_date = _date(args.assigned_date, "交办日期")
    ctx = open_context(data_root(args), daily_backup=not args.dry_run)
    try:
        pv = preview_sheet(ctx.db, args.from_xlsx, assigned_date=assigned_date, sheet=args.sheet)
        if pv.problems:
            raise ValidationError(pv.problems[0], "请修改表格的表头后重试")
        result = None if args.dry_run else assign_from_sheet(ctx.db, ctx.actor, pv)
    finally:
        ctx.close()
    payload = pv.to_json()
    payload["status"] = "dry-run" if result is None else "applied"
    payload.update(result.to_json() if result else {"assigned": [], "skipped": [], "errors": []})
    bad = pv.of("error")
    lines = [f"第{r.row}行 {r.county_text or '（无县名）'}：{r.reason}" for r in bad]
    if result is None:
        head = (f"预览：可交办 {len(pv.ready)} 条，已交办（跳过） {len(pv.of('assigned'))} 条，"
                f"有错误 {len(bad)} 条（未写入任何数据）")
    else:
        serials = [a.serial for a in result.assigned]
        span = f"（{serials[0]}–{serials[-1]}）" if serials else ""
        head = (f"已交办 {len(serials)} 条{span}，已交办过而跳过 {len(result.skipped)} 条，有错误未交办 {len(bad)} 条；"
                "请导出同步包送达各县（区）")
    emit(args, payload, "\n".join([head, *lines]))
    if bad:
        print(f"错误：{len(bad)} 行有错误，未交办（第 {'、'.join(str(r.row) for r in bad[:20])} 行）", file=sys.stderr)
        return 1
    return 0
