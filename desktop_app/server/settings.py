"""设置 › 数据库 — which database this data folder uses, a connection test, and the choice for the next start.

The choice is the data folder's ``database.json`` (``server_db.remember``): the server's
address without its password and the office it belongs to. The password is never written
in plain text: at the next start it comes from ``FIELDDESK_DB_PASSWORD``, the OS keyring
(when the optional ``keyring`` package is installed and the clerk asked to keep it there),
or a prompt. A choice takes effect at the next start (切换数据库需重新启动).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from db import migrate
from desktop_app.core import audit, server_db
from desktop_app.core.context import AppContext
from desktop_app.core.errors import ValidationError

DEFAULT_PORT = 5432
#: shown when the clerk asks how to copy this office's data onto the server
MIGRATE_COMMAND = 'fielddesk --data-dir "{root}" migrate-db --to postgresql://{user}@{host}:{port}/{database}'
RESTART_NOTICE = "切换数据库需重新启动：请关闭调研工作台后再打开"


@dataclass(frozen=True)
class DatabaseInfo:
    """The database in use, as shown to the clerk (never a password)."""

    kind: str  # "sqlite" | "postgresql"
    path: str = ""  # the SQLite file
    size_bytes: int = 0
    host: str = ""
    port: int = 0
    database: str = ""
    user: str = ""
    #: what the folder will open at the next start, if different from what is in use ('' = its SQLite file)
    next_start: str | None = None
    #: a server chosen for this run only (--db-url / FIELDDESK_DB_URL) overrides the saved choice
    run_override: bool = False


@dataclass(frozen=True)
class ServerFields:
    """The fields of the 数据库 tab (the password travels separately, never stored)."""

    host: str
    port: str
    database: str
    user: str


@dataclass(frozen=True)
class CheckResult:
    """A passed connection test: the server's version and what its database holds."""

    version: str
    office_code: str  # '' for an empty database
    office_name: str
    issues: int

    @property
    def summary(self) -> str:
        """One Chinese sentence for the tab."""
        if not self.office_code:
            return (f"连接成功（PostgreSQL {self.version}）。该数据库为空：请先用“迁移到服务器…”把本单位数据复制过去，"
                    "再保存并重新启动")
        return (f"连接成功（PostgreSQL {self.version}）。该数据库属于 {self.office_name or self.office_code}"
                f"（{self.office_code}），有 {self.issues} 条问题台账")


def current(ctx: AppContext) -> DatabaseInfo:
    """Which database this window uses, and what the folder opens next time."""
    stored = server_db.stored_url(ctx.data)
    override = server_db.selected(ctx.data.root) is not None or bool(os.environ.get(server_db.ENV_DB_URL))
    if server_db.is_server(ctx.db):
        url = ctx.db.engine.url
        in_use = _stored_form(url)
        nxt = None if stored == in_use else (stored or "")
        return DatabaseInfo("postgresql", host=url.host or "", port=int(url.port or DEFAULT_PORT),
                            database=url.database or "", user=url.username or "", next_start=nxt, run_override=override)
    path = ctx.data.db_path
    size = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.is_file())
    return DatabaseInfo("sqlite", path=str(path), size_bytes=size, next_start=stored, run_override=override)


def _stored_form(url: URL) -> str:
    return url._replace(password=None).render_as_string(hide_password=False)


def build_url(fields: ServerFields) -> URL:
    """The address typed in the tab's fields, or a ValidationError naming the field."""
    host, database, user = fields.host.strip(), fields.database.strip(), fields.user.strip()
    if not host:
        raise ValidationError("服务器地址不能为空", "请填写数据库服务器的 IP 地址或名称，例如 10.0.0.5", field="host")
    if any(c in host for c in " /@:?#"):
        raise ValidationError(f"服务器地址“{host}”不正确", "只填写 IP 地址或名称，不要带 postgresql:// 或端口", field="host")
    raw_port = fields.port.strip() or str(DEFAULT_PORT)
    if not raw_port.isdigit() or not 1 <= int(raw_port) <= 65535:
        raise ValidationError(f"端口“{raw_port}”不正确", "端口应为 1 到 65535 之间的数字，PostgreSQL 默认为 5432", field="port")
    if not database:
        raise ValidationError("数据库名不能为空", "请填写数据库管理员创建的数据库名，例如 fielddesk", field="database")
    if not user:
        raise ValidationError("用户名不能为空", "请填写数据库管理员分配的用户名", field="user")
    return URL.create("postgresql+psycopg", username=user, host=host, port=int(raw_port), database=database)


def fields_of(info: DatabaseInfo, stored: str | None) -> ServerFields:
    """The tab's fields filled from the server in use, else the saved choice, else defaults."""
    if info.kind == "postgresql":
        return ServerFields(info.host, str(info.port), info.database, info.user)
    if stored:
        try:
            url = server_db.parse_url(stored)
            return ServerFields(url.host or "", str(url.port or DEFAULT_PORT), url.database or "", url.username or "")
        except server_db.ServerError:
            pass
    return ServerFields("", str(DEFAULT_PORT), "fielddesk", "fielddesk")


def _choice(fields: ServerFields, password: str) -> server_db.ServerChoice:
    url = build_url(fields)
    if password:
        return server_db.ServerChoice(url.set(password=password))
    return server_db.choose(_stored_form(url), None)  # FIELDDESK_DB_PASSWORD or the keyring


def test_connection(ctx: AppContext, fields: ServerFields, password: str) -> CheckResult:
    """测试连接: every check a start would make (writing nothing); a ServerError says which failed.

    Safe on a worker thread: it opens its own short-lived engine.
    """
    choice = _choice(fields, password)
    engine = server_db.make_server_engine(choice)
    try:
        server_db.probe(engine, choice, ctx.office_code,
                        lambda: migrate.current_revision(engine) != migrate.head_revision())
        with engine.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar() or "")
            tables = set(conn.execute(text("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = current_schema()")).scalars())
            code, name, issues = "", "", 0
            if "setting" in tables:
                import json

                row = conn.execute(text("SELECT value FROM setting WHERE key = 'office_code'")).scalar()
                code = json.loads(row) if row else ""
                if code:
                    name = conn.execute(text("SELECT name FROM office WHERE code = :c"), {"c": code}).scalar() or ""
                    issues = int(conn.execute(text("SELECT count(*) FROM issue")).scalar() or 0)
        return CheckResult(version.split()[0] if version else "", code, name, issues)
    except DBAPIError as exc:
        raise server_db.explain(exc, choice) from exc
    finally:
        engine.dispose()


def save_server(ctx: AppContext, fields: ServerFields, password: str, keep_in_keyring: bool) -> str:
    """保存: the folder opens the server at the next start. The connection is tested first; the
    choice is audited (right ``settings``). Returns the address saved (without password)."""
    result = test_connection(ctx, fields, password)
    if not result.office_code and ctx.office_code:
        raise ValidationError("服务器上的数据库还是空的，保存后本单位将看不到现有数据",
                              "请先点“迁移到服务器…”把本单位数据复制到该数据库，再保存")
    choice = _choice(fields, password)
    with ctx.db.transaction() as s:
        audit.record(s, ctx.actor, "change_setting", "setting", "database",
                     {"数据库": choice.display, "生效": "下次启动"})
        if keep_in_keyring:
            if not password:
                raise ValidationError("要记住密码，请先在“密码”栏输入密码", field="password")
            if not keyring_available():
                raise ValidationError("本机没有可用的系统钥匙串（keyring），不能记住密码",
                                      "请改用环境变量 FIELDDESK_DB_PASSWORD，或每次启动时输入密码")
            server_db.keyring_store(choice, password)
        server_db.remember(ctx.data, choice, ctx.office_code)
    return choice.display


def use_local_file(ctx: AppContext) -> None:
    """改用本机数据文件: the folder opens its own SQLite file at the next start (audited)."""
    with ctx.db.transaction() as s:
        audit.record(s, ctx.actor, "change_setting", "setting", "database",
                     {"数据库": str(ctx.data.db_path), "生效": "下次启动"})
        server_db.forget(ctx.data)


def keyring_available() -> bool:
    """True when the optional ``keyring`` package is installed (the OS keyring can hold the password)."""
    return server_db.keyring_module() is not None


def migrate_command(ctx: AppContext, fields: ServerFields) -> str:
    """The exact command that copies this office onto the server (password asked by the command)."""
    url = build_url(fields)
    return MIGRATE_COMMAND.format(root=ctx.data.root, user=url.username, host=url.host, port=url.port,
                                  database=url.database)


def migrate_to_server(ctx: AppContext, fields: ServerFields, password: str) -> tuple[str, int, int]:
    """迁移到服务器: copy this office into the server's empty database, verified (``migrate_db``).

    Returns (target, tables, rows). The SQLite file is only read.
    """
    from desktop_app.server import migrate as migrate_db

    if server_db.is_server(ctx.db):
        raise ValidationError("当前已在使用数据库服务器", "迁移只能从本机数据文件复制到服务器")
    choice = _choice(fields, password)
    result = migrate_db.migrate_office(ctx.db, choice.url.render_as_string(hide_password=False))
    return result.target, len(result.tables), sum(n for n, _ in result.tables.values())
