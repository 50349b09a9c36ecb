"""A shared database server (PostgreSQL) instead of the data folder's SQLite file.

Chosen by ``--db-url`` / ``FIELDDESK_DB_URL`` (or 设置 › 数据库). The data folder keeps
what stays on this PC (signing key, attachments, backups) and ``database.json``: the
server's address *without* its password, and the office the folder belongs to. The
password comes from the URL given this time, ``FIELDDESK_DB_PASSWORD``, the OS keyring
(optional ``keyring`` package), or a prompt; it is never written to a file.

Opening checks, before anything is written, and says in Chinese which one failed:
address form, driver installed, server reachable, password, server version, the
database belongs to FieldDesk and to this folder's office, privileges to write.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from db import migrate
from db.dialect import MIN_POSTGRES
from db.engine import Database
from desktop_app.core.config import DataDir
from desktop_app.core.errors import DatabaseError

ENV_DB_URL = "FIELDDESK_DB_URL"
ENV_DB_PASSWORD = "FIELDDESK_DB_PASSWORD"
URL_FILE = "database.json"
CONNECT_TIMEOUT_S = 8
#: tables every FieldDesk database has; a database holding other tables but not these is someone else's
OWN_TABLES = ("alembic_version", "setting", "office", "issue", "change_log")


#: the address chosen for this run (``--db-url`` / ``FIELDDESK_DB_URL``) and the data folder it is for
_selected: tuple[str, Path] | None = None
#: how to ask for a missing password (a terminal prompt for the command line; None: do not ask)
ask_password: Callable[[str], str] | None = None


def select(url: str | None, root: Path | None = None, prompt: Callable[[str], str] | None = None) -> None:
    """Use the server at ``url`` for the data folder ``root`` in this process (None: the folder's own choice).

    Only that folder: the prefecture demo opens scratch county folders that must stay SQLite files.
    """
    global _selected, ask_password
    _selected = (url, Path(root).resolve()) if url and root is not None else None
    ask_password = prompt


def selected(root: Path) -> str | None:
    """The address chosen for this run if it is for the data folder ``root``."""
    if _selected is None or _selected[1] != Path(root).resolve():
        return None
    return _selected[0]


class ServerError(DatabaseError):
    """The database server cannot be used as asked (nothing was written)."""


@dataclass(frozen=True)
class ServerChoice:
    """Where the database lives: ``url`` (with the password, in memory only) and its safe display form."""

    url: URL

    @property
    def stored(self) -> str:
        """The address written to the data folder: never the password."""
        return self.url._replace(password=None).render_as_string(hide_password=False)

    @property
    def display(self) -> str:
        """The address as shown to the clerk: the stored form, without the password."""
        return self.stored


def parse_url(raw: str) -> URL:
    """A PostgreSQL address as SQLAlchemy's URL with the psycopg 3 driver, or a Chinese error."""
    try:
        url = make_url(raw.strip())
    except ArgumentError as exc:
        raise ServerError(f"数据库地址格式不正确：{_safe(raw)}",
                          "应为 postgresql://用户名@服务器:端口/数据库名，例如 postgresql://fielddesk@10.0.0.5:5432/fielddesk") from exc
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    else:
        raise ServerError(f"不支持的数据库类型“{url.drivername}”：{_safe(raw)}",
                          "共享服务器只支持 PostgreSQL，地址以 postgresql:// 开头；单机使用请不要设置数据库地址")
    if not url.host or not url.database:
        raise ServerError(f"数据库地址缺少服务器或数据库名：{_safe(raw)}",
                          "应为 postgresql://用户名@服务器:端口/数据库名")
    return url


def _safe(raw: str) -> str:
    try:
        return make_url(raw.strip()).render_as_string(hide_password=True)
    except ArgumentError:
        return raw.split("@")[-1] if "@" in raw else raw


def stored_url(data: DataDir) -> str | None:
    """The server address this data folder is attached to, or None (its own SQLite file)."""
    info = _read(data)
    return info.get("url") or None


def url_for(data: DataDir) -> str | None:
    """The server the data folder opens on in this run (chosen now or remembered); None for its SQLite file."""
    return selected(data.root) or stored_url(data)


def stored_office(data: DataDir) -> str:
    """The office this data folder belongs to when it uses a server ('' before setup)."""
    return str(_read(data).get("office_code") or "")


def _read(data: DataDir) -> dict[str, str]:
    p = data.root / URL_FILE
    if not p.is_file():
        return {}
    try:
        info = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ServerError(f"无法读取数据库设置 {p}：{exc}", "请删除该文件后用 --db-url 重新指定数据库地址") from exc
    return info if isinstance(info, dict) else {}


def remember(data: DataDir, choice: ServerChoice, office_code: str) -> None:
    """Attach the data folder to the server (address without password, and its office)."""
    p = data.root / URL_FILE
    tmp = p.with_name(p.name + ".part")
    tmp.write_text(json.dumps({"url": choice.stored, "office_code": office_code}, ensure_ascii=False, indent=1),
                   encoding="utf-8")
    tmp.replace(p)


def forget(data: DataDir) -> None:
    """Detach the data folder from its server: it goes back to its own SQLite file."""
    (data.root / URL_FILE).unlink(missing_ok=True)


def choose(raw: str, ask_password: Callable[[str], str] | None = None) -> ServerChoice:
    """Parse ``raw`` and fill in the password: the URL's own, else ``FIELDDESK_DB_PASSWORD``, else asked."""
    url = parse_url(raw)
    if url.password is None:
        pw = os.environ.get(ENV_DB_PASSWORD)
        if pw is None:
            pw = keyring_password(ServerChoice(url))
        if pw is None and ask_password is not None:
            pw = ask_password(f"{url.username or ''}@{url.host}/{url.database}")
        if pw:
            url = url.set(password=pw)
    return ServerChoice(url)


KEYRING_SERVICE = "FieldDesk"


def keyring_module() -> Any | None:
    """The optional ``keyring`` package (the OS keyring), or None when it is not installed."""
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def _keyring_user(choice: ServerChoice) -> str:
    url = choice.url
    return f"{url.username or ''}@{url.host}:{url.port or 5432}/{url.database}"


def keyring_password(choice: ServerChoice) -> str | None:
    """The password kept for this server in the OS keyring (设置 › 数据库 › 记住密码), or None."""
    kr = keyring_module()
    if kr is None:
        return None
    try:
        pw = kr.get_password(KEYRING_SERVICE, _keyring_user(choice))
    except Exception:  # a locked or absent keyring backend: ask instead
        return None
    return str(pw) if pw else None


def keyring_store(choice: ServerChoice, password: str) -> None:
    """Keep the password in the OS keyring (never in a file of ours)."""
    kr = keyring_module()
    if kr is None:
        raise ServerError("本机没有可用的系统钥匙串（keyring）", "请改用环境变量 FIELDDESK_DB_PASSWORD，或每次启动时输入密码")
    try:
        kr.set_password(KEYRING_SERVICE, _keyring_user(choice), password)
    except Exception as exc:  # keyring backends raise their own types
        raise ServerError(f"无法把密码保存到系统钥匙串：{exc}",
                          "请改用环境变量 FIELDDESK_DB_PASSWORD，或每次启动时输入密码") from exc


def terminal_password(where: str) -> str:
    """Ask for the database password on a terminal (nothing shown while typing); '' without a terminal."""
    if not sys.stdin or not sys.stdin.isatty():
        return ""
    return getpass.getpass(f"数据库 {where} 的密码：")


def make_server_engine(choice: ServerChoice) -> Engine:
    """An engine for the server: short connect timeout, named in the server's activity list."""
    try:
        return create_engine(choice.url, future=True, pool_pre_ping=True,
                             connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "fielddesk"})
    except (NoSuchModuleError, ModuleNotFoundError, ImportError) as exc:
        raise ServerError("未安装 PostgreSQL 驱动（psycopg）",
                          "请安装带服务器支持的版本：pip install \"fielddesk[postgresql]\"") from exc


def lost_connection(exc: BaseException) -> ServerError | None:
    """A server connection that failed in the middle of a command, as a Chinese message; None for anything else.

    The server rolls back the open transaction of a connection it loses: nothing is half-written.
    """
    if not isinstance(exc, DBAPIError) or not type(exc.orig).__module__.startswith("psycopg"):
        return None  # SQLite's own errors are handled where the file is opened
    if not (isinstance(exc, OperationalError) or exc.connection_invalidated):
        return None
    return explain(exc, None)


def explain(exc: BaseException, choice: ServerChoice | None) -> ServerError:
    """A failed connection or statement as the Chinese message a clerk (or the server's admin) can act on."""
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None) or ""
    msg = str(orig)
    where = f"{choice.url.host}:{choice.url.port or 5432}" if choice else "数据库服务器"
    user = choice.url.username or "" if choice else ""
    if state == "28P01" or "password authentication failed" in msg:
        return ServerError(f"数据库用户 {user} 的密码不正确（{where}）",
                           "请用环境变量 FIELDDESK_DB_PASSWORD 或在提示时输入正确的密码")
    if "no password supplied" in msg:
        return ServerError(f"数据库 {where} 需要密码，但没有提供",
                           "请设置环境变量 FIELDDESK_DB_PASSWORD，或在终端运行以便输入密码")
    if state == "28000" or "no pg_hba.conf entry" in msg or "role" in msg and "does not exist" in msg:
        return ServerError(f"数据库服务器 {where} 不允许用户 {user} 从本机登录",
                           "请联系数据库管理员为该用户开通登录权限")
    if state == "3D000" or ("database" in msg and "does not exist" in msg):
        return ServerError(f"数据库服务器 {where} 上没有名为 {choice.url.database if choice else ''} 的数据库",
                           "请检查地址中的数据库名，或请管理员先创建该数据库（CREATE DATABASE）")
    if state == "42501" or "permission denied" in msg:
        return ServerError(f"数据库用户 {user} 缺少所需权限：{msg.splitlines()[0]}",
                           "请联系数据库管理员授予该用户对数据库的读写和建表权限；数据未做任何改动")
    if state.startswith(("08", "57P")) or any(w in msg for w in ("Connection refused", "terminating connection", "could not connect", "timeout expired",
                                                          "could not translate host name", "Name or service not known",
                                                          "No route to host", "server closed the connection",
                                                          "connection is lost", "Network is unreachable")):
        return ServerError(f"无法连接数据库服务器 {where}（{msg.splitlines()[0] if msg else '无响应'}）",
                           "请检查网络、服务器地址和端口，以及数据库服务是否已启动；未做任何改动，事务已回滚")
    return ServerError(f"数据库服务器出错：{msg.splitlines()[0] if msg else type(orig).__name__}",
                       "未做任何改动；请把这条信息告诉数据库管理员")


def probe(engine: Engine, choice: ServerChoice, office_code: str, needs_schema: Callable[[], bool]) -> None:
    """Check the server can be used by this data folder, writing nothing.

    ``office_code`` is the office this folder belongs to ('' for a new folder);
    ``needs_schema()`` says whether migrations will create or alter tables.
    """
    try:
        with engine.connect() as conn:
            version = int(conn.execute(text("SHOW server_version_num")).scalar() or 0)
            if version < MIN_POSTGRES:
                shown = conn.execute(text("SHOW server_version")).scalar()
                raise ServerError(f"数据库服务器版本过旧（PostgreSQL {shown}），调研工作台需要 PostgreSQL 13 或更新版本",
                                  "请联系数据库管理员升级服务器；数据未做任何改动")
            tables = set(conn.execute(text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")).scalars())
            if tables and not set(OWN_TABLES) <= tables:
                raise ServerError(f"数据库 {choice.url.database} 中已有其他程序的数据表，不是调研工作台的数据库",
                                  "请为调研工作台单独创建一个空数据库，不要与其他系统共用")
            if "setting" in tables:
                row = conn.execute(text("SELECT value FROM setting WHERE key = 'office_code'")).scalar()
                there = json.loads(row) if row else ""
                if office_code and there and there != office_code:
                    name = conn.execute(text("SELECT name FROM office WHERE code = :c"), {"c": there}).scalar() or ""
                    named = f"{name}，{there}" if name else there
                    raise ServerError(f"数据库 {choice.url.database} 属于另一个单位（{named}），"
                                      f"本数据目录属于 {office_code}",
                                      "请检查数据库地址；不同单位不能共用一个数据库，数据未做任何改动")
            if needs_schema():
                ok = conn.execute(text("SELECT has_schema_privilege(current_schema(), 'CREATE')")).scalar()
                if not ok:
                    raise ServerError(f"数据库用户 {choice.url.username} 没有在数据库 {choice.url.database} 中建表的权限",
                                      "首次使用或升级需要建表权限：请管理员执行 GRANT CREATE ON SCHEMA public TO 该用户")
            if "issue" in tables:
                ok = conn.execute(text("SELECT has_table_privilege('issue', 'SELECT, INSERT, UPDATE') AND "
                                       "has_table_privilege('change_log', 'SELECT, INSERT') AND "
                                       "has_table_privilege('audit_entry', 'SELECT, INSERT')")).scalar()
                if not ok:
                    raise ServerError(f"数据库用户 {choice.url.username} 对调研工作台的数据表没有读写权限",
                                      "请管理员授予该用户对全部数据表的 SELECT、INSERT、UPDATE 权限")
    except DBAPIError as exc:
        raise explain(exc, choice) from exc


def open_database(data: DataDir, raw_url: str) -> tuple[Database, list[str]]:
    """Open the server database for the data folder: check, back up before a migration, migrate.

    Nothing is written before every check passed. Returns the database and notices for the clerk.
    """
    choice = choose(raw_url, ask_password)
    engine = make_server_engine(choice)
    notices: list[str] = []
    try:
        probe(engine, choice, stored_office(data),
              lambda: migrate.current_revision(engine) != migrate.head_revision())
        current = migrate.current_revision(engine)
        if current is not None and current not in migrate.known_revisions():
            from desktop_app.core.errors import SchemaTooNewError

            raise SchemaTooNewError(current)
        if current != migrate.head_revision():
            if current is not None:
                from desktop_app.core import server_backup

                made = server_backup.make_backup(engine, data.backups, reason="pre-migration")
                notices.append(f"数据库结构已升级，升级前的数据已备份到 {made}")
            migrate.upgrade(engine)
        db = Database(engine)
        db.load_identity()
    except DBAPIError as exc:
        engine.dispose()
        raise explain(exc, choice) from exc
    except BaseException:
        engine.dispose()
        raise
    remember(data, choice, db.office_code)
    return db, notices


def is_server(db: Database) -> bool:
    """True when the database is on a server rather than the data folder's SQLite file."""
    return db.engine.dialect.name != "sqlite"
