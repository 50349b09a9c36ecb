"""``fielddesk migrate-db --to URL``: copy this data folder's office to another database (``desktop_app.server.migrate``)."""

from __future__ import annotations

import argparse

from desktop_app.cli.support import data_root, emit
from desktop_app.core.context import open_context
from desktop_app.core.errors import ValidationError
from desktop_app.server.migrate import migrate_office


def cmd_migrate_db(args: argparse.Namespace) -> int:
    """fielddesk migrate-db --to URL: copy this data folder's office to another database, verified."""
    ctx = open_context(data_root(args), daily_backup=False)
    try:
        if not ctx.office_code:
            raise ValidationError("本数据目录尚无单位数据，无需迁移", "请先初始化单位或选择正确的数据目录")
        result = migrate_office(ctx.db, args.to)
    finally:
        ctx.close()
    rows = sum(n for n, _ in result.tables.values())
    then = ("以后在命令或程序启动时加 --db-url 该地址即可改用服务器（只需一次，数据目录会记住）"
            if "://" in result.target else "将该文件改名为 fielddesk.db 放入一个新的数据目录即可单机使用")
    emit(args, {"to": result.target, "verified": True, "seconds": result.seconds,
                "tables": {k: {"rows": n, "sha256": d} for k, (n, d) in result.tables.items()}},
         f"已迁移到 {result.target}：{len(result.tables)} 个表共 {rows} 行，行数与摘要逐表核对一致；原数据库未改动。{then}")
    return 0
