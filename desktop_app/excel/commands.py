"""fielddesk import-excel / export-excel (DESIGN.md §6)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop_app.cli import data_root, office_scope
from desktop_app.context import open_context
from desktop_app.excel.kinds import KIND_LABELS, get_kind
from desktop_app.services import scope


def cmd_import_excel(args: argparse.Namespace) -> int:
    """fielddesk import-excel FILE --kind K [--dry-run] [--sheet NAME] [--json]."""
    from desktop_app.excel.service import import_file

    ctx = open_context(data_root(args), daily_backup=not args.dry_run)
    try:
        outcome = import_file(ctx.db, ctx.actor, Path(args.file), args.kind, sheet=args.sheet, dry_run=args.dry_run)
    finally:
        ctx.close()
    pv = outcome.preview
    if args.json:
        print(json.dumps(outcome.to_json(), ensure_ascii=False, indent=1, default=str))
    else:
        label = KIND_LABELS[args.kind]
        print(f"工作表“{pv.sheet}”，表头在第 {pv.header_row} 行，读到{label} {len(pv.rows)} 条")
        if outcome.roundtrip is None:
            spec = get_kind(args.kind)
            for title, key in pv.mapping.items():
                print(f"  {title} → {spec.label_of(key) if key else '（不导入）'}")
        if outcome.roundtrip is not None:
            rt = outcome.roundtrip
            print(f"回执表：更新 {rt['changed']} 条，未变化 {rt['unchanged']} 条，拒绝 {rt['rejected']} 条")
        elif pv.errors:
            print(f"发现 {len(pv.errors)} 处错误，未导入任何数据：")
        elif args.dry_run:
            print("预览完成（--dry-run），未写入数据")
        else:
            print(f"已导入 {outcome.imported} 条")
        for e in pv.errors:
            print(f"  第 {e.row} 行 {e.column}：{e.message}")
    if outcome.already_recorded:
        rows = "、".join(str(r) for r in outcome.already_recorded[:10]) + ("等" if len(outcome.already_recorded) > 10 else "")
        done = "仍将导入" if args.dry_run else "已照常导入"
        print(f"提醒：第 {rows} 行（共 {len(outcome.already_recorded)} 行）的问题台账中已有（问题描述和责任单位相同），{done}；"
              "如是重复导入，请在台账中作废多出的条目", file=sys.stderr)
    if pv.errors and outcome.roundtrip is None:
        print(f"错误：{len(pv.errors)} 行有问题，未导入任何数据（第 {pv.errors[0].row} 行：{pv.errors[0].message}）",
              file=sys.stderr)
        return 1
    return 0


def cmd_export_excel(args: argparse.Namespace) -> int:
    """fielddesk export-excel OUT.xlsx --kind K [--year Y] [--unit U] [--office CODE|all] [--paper A4|A3] [--json]."""
    from desktop_app.excel.lists import export_kind

    ctx = open_context(data_root(args), daily_backup=False, write=False)
    try:
        office = office_scope(args)
        if office:
            scope.resolve(ctx.db, office)  # a county office or an unknown code is told so before any file is written
        result = export_kind(ctx.db, Path(args.out), args.kind, year=args.year, unit=args.unit, office=office,
                             paper=getattr(args, "paper", "A4") or "A4")
    finally:
        ctx.close()
    if args.json:
        print(json.dumps({"kind": args.kind, "file": str(result.path), "rows": result.rows}, ensure_ascii=False))
    else:
        print(f"已导出 {result.rows} 行到 {result.path}")
    return 0
