"""``fielddesk document OUT.docx --kind notice|scores|summary|ledger|monthly-report|quarter-bulletin|half-year-review|
award-notice|topic-report|year-summary [--id ID] [--year Y] [--period P] [--office CODE|all]``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from desktop_app.cli.support import data_root, emit, office_scope
from desktop_app.core.context import open_context
from desktop_app.core.errors import SetupRequiredError


def cmd_document(args: argparse.Namespace) -> int:
    """Write one Word document; the summary names the file, its title and its table rows."""
    from desktop_app.documents.kinds import KIND_LABELS, write_document
    from desktop_app.org import scope

    out = Path(args.out)
    ctx = open_context(data_root(args), daily_backup=False)
    try:
        if not ctx.office_code:
            raise SetupRequiredError()
        office = office_scope(args)
        if office:
            scope.resolve(ctx.db, office)
        result = write_document(ctx.db, args.kind, out, item=args.id, year=args.year, office=office,
                                today=dt.date.today(), period=args.period)
    finally:
        ctx.close()
    emit(args, {"file": str(result.path), "kind": result.kind, "title": result.title, "rows": result.rows},
         f"已生成{KIND_LABELS.get(result.kind, result.kind)}：{result.path}（{result.title}）")
    return 0
