"""Holiday-table commands: ``fielddesk holidays import-notice FILE.txt [--year Y] [--dry-run] [--json]``."""

from __future__ import annotations

import argparse
import json
import sys

from desktop_app.cli.support import data_root
from desktop_app.core.errors import SetupRequiredError, ValidationError


def cmd_holidays(args: argparse.Namespace) -> int:
    """fielddesk holidays <操作>."""
    if args.holidays_command == "import-notice":
        return cmd_import_notice(args)
    raise ValidationError(f"未知的节假日操作“{args.holidays_command}”", "可用操作：import-notice")


def cmd_import_notice(args: argparse.Namespace) -> int:
    """Read a 放假安排通知 saved as text; print every day; save it as this office's table unless --dry-run.

    ``--json`` prints ``{"year", "rest_days": [ISO…], "work_days": [ISO…]}`` plus ``status``
    (dry-run|saved), ``moved`` (the estimated deadlines counted again: id, serial, from, to)
    and ``warnings``. A notice that does not read is refused and nothing is saved.
    """
    from desktop_app.calendar.notice import parse_notice, read_notice_file
    from desktop_app.ledger.calendar_saves import save_notice

    parsed = parse_notice(read_notice_file(args.file), args.year)
    moved: list[dict[str, object]] = []
    status = "dry-run"
    if not args.dry_run:
        from desktop_app.core.context import open_context

        ctx = open_context(data_root(args), daily_backup=True)
        try:
            if not ctx.db.office_code:
                raise SetupRequiredError()
            saved = save_notice(ctx.db, ctx.actor, parsed)
        finally:
            ctx.close()
        moved = [m.to_json() for m in saved.moved]
        status = "saved"
    if args.json:
        payload = {**parsed.to_json(), "status": status, "moved": moved, "warnings": list(parsed.warnings)}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    lines = [f"{parsed.year}年放假安排：休息日 {len(parsed.rest_days)} 天，调休上班 {len(parsed.work_days)} 天"]
    for it in parsed.items:
        rest = "、".join(f"{d:%m-%d}" for d in it.rest_days)
        work = "、".join(f"{d:%m-%d}" for d in it.work_days)
        lines.append(f"  {it.name}：放假 {rest}" + (f"；上班 {work}" if work else ""))
    lines += [f"  注意：{w}" for w in parsed.warnings]
    if status == "dry-run":
        lines.append("（预览，未保存；去掉 --dry-run 保存为本单位节假日表）")
    else:
        lines.append("已保存为本单位节假日表（随同步包下发所辖单位）")
        if moved:
            lines.append(f"按周一至周五估算的完成时限已按实际工作日重算，{len(moved)} 条问题的期限有变化：")
            lines += [f"  {m['serial']} {m['from']} → {m['to']}" for m in moved]
    print("\n".join(lines))
    if parsed.warnings:
        print("注意：" + "；".join(parsed.warnings), file=sys.stderr)
    return 0
