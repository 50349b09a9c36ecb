"""``fielddesk print OUT.pdf --kind … [--year Y] [--id ID] [--office CODE|all] [--paper A4|A3] [--layout compact|full]``
(DESIGN.md §6)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli.support import data_root, emit, office_scope
from desktop_app.core.context import open_context
from desktop_app.core.errors import SetupRequiredError, ValidationError
from desktop_app.org import scope
from desktop_app.reports import jobs

KIND_LABELS = jobs.KIND_LABELS


def cmd_print(args: argparse.Namespace) -> int:
    """Print one report to a PDF file; the summary names the file and its page count."""
    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise ValidationError(f"输出文件应为 .pdf：{out}", "请换用以 .pdf 结尾的文件名")
    if args.kind == "notice" and not args.id:
        raise ValidationError("打印督办通知单需要指定问题", "请用 --id 填写问题编号（如 2026-001）")
    from desktop_app.documents.campaign_kinds import resolve_alias

    kind, year = resolve_alias(args.kind, args.period, args.year, dt.date.today())
    if kind == "topic-report" and not args.id:
        raise ValidationError("生成调研报告需要指定课题", "请用 --id 填写课题的编号（id）或课题名称", field="--id")
    ctx = open_context(data_root(args), daily_backup=False, write=False)
    try:
        if not ctx.office_code:
            raise SetupRequiredError()
        office = office_scope(args)
        if office:
            scope.resolve(ctx.db, office)  # a county office or an unknown code is told so before anything is drawn
        job = jobs.PrintJob(kind, year=year, item=args.id, today=dt.date.today(), office=office, period=args.period or "",
                            paper=args.paper, layout=args.layout,
                            prepared_by=ctx.actor.label if ctx.actor.account else "")
        result: Any = jobs.render(ctx.db, job, out)
    finally:
        ctx.close()
    for warning in result.warnings:
        print(f"注意：{warning}", file=sys.stderr)
    emit(args, {"file": str(out), "kind": args.kind, "pages": result.pages, "paper": args.paper,
                "layout": args.layout, "warnings": result.warnings},
         f"已生成{KIND_LABELS.get(kind, kind)}：{out}（共 {result.pages} 页）")
    return 0
