"""``fielddesk migrate-db --to URL``: copy an office between its SQLite file and a PostgreSQL server.

The source is only read. The target must be empty (a new database, or a SQLite file
that does not exist yet); it is brought to the current schema, filled in one
transaction, and every table's row count and digest (``db.table_copy``) are compared
with the source before that transaction commits — any difference and nothing is kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from db import migrate, table_copy
from db.engine import Database, make_engine, sqlite_url
from desktop_app.core import server_db
from desktop_app.core.errors import DatabaseError, ValidationError


@dataclass(frozen=True)
class MigrationResult:
    """What was copied: rows and digest per table, and where to."""

    target: str
    tables: dict[str, tuple[int, str]]
    seconds: float


def _target(raw: str) -> tuple[Engine, str, server_db.ServerChoice | None]:
    """An engine for the target, its display name and (for a server) the choice made."""
    value = raw.strip()
    if value.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        choice = server_db.choose(value, server_db.ask_password)
        return server_db.make_server_engine(choice), choice.display, choice
    path = Path(value[len("sqlite:///"):] if value.startswith("sqlite:///") else value).expanduser()
    if path.suffix.lower() != ".db":
        raise ValidationError(f"无法识别的目标“{raw}”",
                              "请写 PostgreSQL 地址 postgresql://用户@服务器/库名，或一个新的 .db 文件路径")
    if path.exists() and path.stat().st_size > 0:
        raise ValidationError(f"目标文件已存在：{path}", "为避免覆盖数据，请指定一个新的 .db 文件名")
    path.parent.mkdir(parents=True, exist_ok=True)
    return make_engine(sqlite_url(path)), str(path), None


def _refuse_unless_empty(engine: Engine, where: str) -> None:
    with engine.connect() as c:
        rows = c.execute(text("SELECT count(*) FROM setting")).scalar() or 0
        rows += c.execute(text("SELECT count(*) FROM change_log")).scalar() or 0
    if rows:
        raise ValidationError(f"目标数据库 {where} 中已有数据", "迁移只能写入空数据库：请新建一个数据库后重试；目标未做改动")


def migrate_office(source: Database, raw_target: str) -> MigrationResult:
    """Copy every table of ``source`` into the empty database ``raw_target``; verified before commit."""
    started = time.perf_counter()
    engine, where, choice = _target(raw_target)
    try:
        if choice is not None:
            server_db.probe(engine, choice, "", lambda: migrate.current_revision(engine) != migrate.head_revision())
        current = migrate.current_revision(engine)
        if current is not None and current != migrate.head_revision():
            raise ValidationError(f"目标数据库 {where} 的结构版本（{current}）与本程序不同", "请使用一个新的空数据库")
        if current is None:
            migrate.upgrade(engine)
        _refuse_unless_empty(engine, where)
        with source.engine.connect() as src, engine.begin() as dst:
            if src.dialect.name == "postgresql":  # one consistent snapshot of a server others may be writing to
                src = src.execution_options(isolation_level="REPEATABLE READ")
            with src.begin():
                for t in table_copy.tables():
                    table_copy.write_rows(dst, t, table_copy.read_rows(src, t))
                table_copy.reset_sequences(dst)
                before = table_copy.digests(src)
            after = table_copy.digests(dst)
            differ = sorted(n for n in before if before[n] != after.get(n))
            if differ:
                raise DatabaseError(f"迁移校验不一致：{', '.join(differ)}（行数或摘要不同）",
                                    "目标数据库未保留任何数据；请把这条信息告诉技术人员")
        if engine.dialect.name == "sqlite":
            from desktop_app.ledger import search

            target_db = Database(engine)
            target_db.load_identity()
            search.rebuild_index(target_db)  # the SQLite-only text index is built from the copied rows
    except DBAPIError as exc:
        if choice is not None:
            raise server_db.explain(exc, choice) from exc
        raise DatabaseError(f"写入目标数据库失败：{getattr(exc, 'orig', exc)}", "目标未保留任何数据") from exc
    finally:
        engine.dispose()
    return MigrationResult(where, before, round(time.perf_counter() - started, 3))
