"""Ledger commands of the command line: ``fielddesk assign`` (州级交办, prefecture offices)."""

from __future__ import annotations

import argparse
import datetime as dt

from desktop_app.cli import data_root, emit
from desktop_app.context import open_context
from desktop_app.errors import ValidationError
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
    """fielddesk assign --county CODE --description TEXT […]: assign one item to a county (prefecture only)."""
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
