"""Foundation commands: init, demo, backup, restore."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from desktop_app.cli.support import data_root, emit
from desktop_app.core import backup, datalock, server_db
from desktop_app.core.config import DataDir
from desktop_app.core.context import AppContext, open_context
from desktop_app.core.errors import ValidationError
from desktop_app.org.organisation import SetupInput, initialise_office


def cmd_init(args: argparse.Namespace) -> int:
    """fielddesk init --office-code CODE --office-name NAME [--level] [--parent]."""
    root = data_root(args)
    made = _made_by_open(root)
    ctx = open_context(root)
    try:
        info = initialise_office(ctx, SetupInput(
            code=args.office_code, name=args.office_name, level=args.level, parent_code=args.parent,
            sections=args.section or [], year=args.year or dt.date.today().year))
    except BaseException:
        ctx.close()
        _remove_new(made)  # a refused init (a bad office code) leaves nothing behind
        raise
    ctx.close()
    emit(args, {"office_code": info.code, "office_name": info.name, "level": info.level,
                "data_dir": str(ctx.data.root)},
         f"已初始化：{info.name}（{info.code}，{info.level_label}），数据目录 {ctx.data.root}")
    return 0


def _made_by_open(root: Path) -> list[Path]:
    """What opening a data folder at ``root`` would create that is not there yet, outermost first."""
    data = DataDir(root)
    if not root.exists():
        return [root]
    names = [data.db_path, *(data.db_path.with_name(data.db_path.name + x) for x in ("-wal", "-shm", "-journal")),
             root / datalock.WRITER_FILE, root / datalock.OPEN_FILE]
    return [p for p in (*names, data.backups, data.attachments, data.keys) if not p.exists()]


def _remove_new(paths: list[Path]) -> None:
    """Remove what a failed command created (folders only while they hold nothing but what it made)."""
    import shutil

    for p in paths:
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


def cmd_demo(args: argparse.Namespace) -> int:
    """fielddesk demo: fill a fresh data folder with a realistic county office."""
    from desktop_app.demo.generate import generate_demo

    root = data_root(args)
    if DataDir(root).db_path.exists():
        ctx = open_context(root)
        code = ctx.office_code
        ctx.close()
        if code:
            raise ValidationError(f"数据目录 {root} 已有单位数据（{code}），演示数据只能生成到空目录",
                                  "请用 --data-dir 指定一个新的空文件夹")
    if getattr(args, "prefecture", False):
        from desktop_app.demo.prefecture import generate_prefecture_demo

        summary = generate_prefecture_demo(root, items=args.items, seed=args.seed, with_accounts=True)
        counties = "、".join(f"{c['name']} {c['issues']} 条" for c in summary["counties"])
        emit(args, summary, f"已生成州级演示单位：{summary['office_name']}，已导入各县数据包（{counties}），"
                            f"州级交办 {summary['assigned_by_prefecture']} 条，数据目录 {root}" + _accounts_line(summary))
        return 0
    summary = generate_demo(root, items=args.items, seed=args.seed, with_accounts=True)
    emit(args, summary, f"已生成演示单位：{summary.get('office_name', '')}，问题台账 {summary.get('issues', 0)} 条，"
                        f"数据目录 {root}" + _accounts_line(summary))
    return 0


def _accounts_line(summary: dict[str, object]) -> str:
    rows = summary.get("accounts") or []
    assert isinstance(rows, list)
    from desktop_app.core.roles import role_label

    listed = "、".join(f"{a['login']}（{'、'.join(role_label(r) for r in a['roles'])}，{a['name']}）" for a in rows)
    return f"\n演示账户（密码均为 {rows[0]['password']}）：{listed}" if rows else ""


def cmd_backup(args: argparse.Namespace) -> int:
    """fielddesk backup [OUT]: a consistent copy of the live database."""
    # a backup of a damaged file is worthless: always verify every page first
    ctx = open_context(data_root(args), full_check=True, daily_backup=False, write=False)
    if server_db.is_server(ctx.db):
        return _backup_server(args, ctx)
    try:
        out = backup.backup_to(ctx.data.db_path, Path(args.out)) if args.out else backup.make_backup(
            ctx.data.db_path, ctx.data.backups, "manual")
    finally:
        ctx.close()
    emit(args, {"file": str(out), "bytes": out.stat().st_size}, f"已备份到 {out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """fielddesk restore FILE: put a backup in place; the current file is kept as a backup first."""
    data = DataDir(data_root(args))
    data.ensure()
    if server_db.url_for(data):
        return _restore_server(args, data)
    safety = backup.restore_file(Path(args.file), data.db_path, data.backups)
    ctx = open_context(data.root, daily_backup=False)  # checks and migrates the restored file
    code = ctx.office_code
    ctx.close()
    emit(args, {"restored": str(args.file), "previous_saved_as": str(safety) if safety else None, "office_code": code},
         f"已从 {args.file} 恢复" + (f"；恢复前的数据已保存为 {safety}" if safety else ""))
    return 0


def _backup_server(args: argparse.Namespace, ctx: AppContext) -> int:
    """backup on a shared server: pg_dump's custom format, or the app's archive of every table; checked."""
    from desktop_app.core import server_backup

    try:
        out = (server_backup.backup_to(ctx.db.engine, Path(args.out)) if args.out
               else server_backup.make_backup(ctx.db.engine, ctx.data.backups, "manual"))
        summary = server_backup.verify(out)
    finally:
        ctx.close()
    kind = "pgdump" if out.suffix == server_backup.PGDUMP_SUFFIX else "archive"
    emit(args, {"file": str(out), "bytes": out.stat().st_size, "kind": kind, "check": summary},
         f"已备份到 {out}（{server_backup.KIND_LABELS[out.suffix]}；{summary}）")
    return 0


def _restore_server(args: argparse.Namespace, data: DataDir) -> int:
    """restore on a shared server: the backup replaces the database's contents in one transaction."""
    from desktop_app.core import server_backup

    ctx = open_context(data.root, daily_backup=False)
    try:
        safety = server_backup.restore(ctx.db.engine, Path(args.file), data.backups)
    finally:
        ctx.close()
    ctx = open_context(data.root, daily_backup=False)  # checks and migrates what was restored
    code = ctx.office_code
    ctx.close()
    emit(args, {"restored": str(args.file), "previous_saved_as": str(safety), "office_code": code},
         f"已从 {args.file} 恢复；恢复前的数据已保存为 {safety}")
    return 0
