"""fielddesk import-excel / export-excel (DESIGN.md §6)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.cli.support import data_root, office_scope
from desktop_app.core.context import open_context
from desktop_app.core.errors import ValidationError
from desktop_app.excel.kinds import KIND_LABELS, get_kind
from desktop_app.org import scope

if TYPE_CHECKING:
    from desktop_app.excel.service import ImportOutcome


def parse_maps(items: list[str]) -> dict[str, dict[str, str]]:
    """``--map 列名:原词=取值`` (repeatable) → {列名: {原词: 取值}}."""
    out: dict[str, dict[str, str]] = {}
    for item in items:
        column, sep, rest = item.replace("：", ":", 1).partition(":")
        word, eq, value = rest.partition("=")
        if not sep or not eq or not column.strip() or not word.strip() or not value.strip():
            raise ValidationError(f"--map {item} 的写法不对", "应写成 列名:原词=取值，例如 --map 整改状态:待研究=推进中")
        out.setdefault(column.strip(), {})[word.strip()] = value.strip()
    return out


def _password(args: argparse.Namespace) -> str | None:
    var = getattr(args, "password_env", None)
    if not var:
        return None
    if var not in os.environ:
        raise ValidationError(f"环境变量 {var} 没有设置", f"请先设置打开密码，例如 export {var}=…，再运行")
    return os.environ[var]


def _written_rows(outcome: ImportOutcome) -> list[dict[str, Any]]:
    """The rows an import wrote (or, on a dry run, would write): the ones without errors."""
    pv = outcome.preview
    if pv.errors and outcome.skipped_rows is None and not outcome.dry_run:
        return []  # all or nothing: nothing was written
    bad = {e.row for e in pv.errors}
    return [r for r in pv.rows if r["row"] not in bad]


def cmd_import_excel(args: argparse.Namespace) -> int:
    """fielddesk import-excel FILE --kind K [--dry-run] [--sheet NAME] [--skip-errors] [--map C:W=V] [--password-env VAR]."""
    from desktop_app.excel.service import import_file

    values = parse_maps(getattr(args, "map", None) or [])
    password = _password(args)
    skip = bool(getattr(args, "skip_errors", False))
    ctx = open_context(data_root(args), daily_backup=not args.dry_run)
    try:
        outcome = import_file(ctx.db, ctx.actor, Path(args.file), args.kind, sheet=args.sheet, dry_run=args.dry_run,
                              skip_errors=skip, password=password, values=values or None)
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
        elif pv.errors and outcome.skipped_rows is not None:
            left_out = outcome.skipped_rows
            did = "将导入" if args.dry_run else "已导入"
            count = len(pv.rows) - len(left_out) if args.dry_run else outcome.imported
            print(f"发现 {len(pv.errors)} 处错误；按 --skip-errors {did}无误的 {count} 条，跳过第 "
                  + "、".join(str(r) for r in left_out) + " 行：")
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
    spec = get_kind(args.kind)
    if pv.kept:
        print("提醒：" + pv.kept_note(), file=sys.stderr)
    extra_out = getattr(args, "extra_out", None)
    if extra_out and outcome.roundtrip is None:
        from desktop_app.excel.extras import write_extra_sheet

        n = write_extra_sheet(Path(extra_out), pv, _written_rows(outcome))
        print(f"已将 {n} 行的其他列内容另存到 {extra_out}", file=sys.stderr)
    if pv.not_imported:
        print("提醒：" + "、".join(f"“{t}”列（{n} 行有内容）" for t, n in pv.not_imported.items())
              + f"没有对应的{spec.label}字段，这些内容不会导入；如需导入，请把该列改为对应的表头", file=sys.stderr)
    field_of = {t: k for t, k in pv.mapping.items() if k}
    for title, words in pv.unknown.items():
        choices = spec.choices.get(field_of.get(title, ""), ())
        print(f"“{title}”列中有无法识别的词：{'、'.join(words)}。请用 --map {title}:{words[0]}=取值 指定其含义"
              f"（可选：{'、'.join(choices)}），指定后下次自动沿用", file=sys.stderr)
    if pv.errors and outcome.roundtrip is None:
        if outcome.skipped_rows is not None:
            print(f"提醒：{len(outcome.skipped_rows)} 行有错误，已跳过（第 {pv.errors[0].row} 行：{pv.errors[0].message}）",
                  file=sys.stderr)
            return 0 if outcome.imported or args.dry_run else 1
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
