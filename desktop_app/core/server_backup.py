"""Backups of a database on a PostgreSQL server, kept in the data folder's 备份 folder like SQLite's.

Two kinds, both logical and both restorable by ``restore``:

- ``.pgdump``: ``pg_dump --format=custom`` when the program is installed and its major
  version can read the server (restored with ``pg_restore`` in one transaction);
- ``.fdarchive``: otherwise, an archive the app writes itself: a zip holding
  ``manifest.json`` (schema revision, office, per-table row counts and sha256) and one
  ``tables/<name>.jsonl`` per table. Restored by the app in one transaction.

Every backup is checked right after it is written (``verify``), so a backup that
reports success can also be read back; ``selftest`` runs the same check.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import orjson
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import URL

from db import migrate, table_copy
from desktop_app.core.backup import PREFIX, rotate
from desktop_app.core.errors import DatabaseError, ValidationError

PGDUMP_SUFFIX = ".pgdump"
ARCHIVE_SUFFIX = ".fdarchive"
ARCHIVE_FORMAT = "fielddesk-table-archive"
#: how each kind is named in the backup list
KIND_LABELS = {".db": "SQLite 数据库文件", PGDUMP_SUFFIX: "pg_dump 自定义格式", ARCHIVE_SUFFIX: "调研工作台数据表归档"}
#: set to skip pg_dump (tests of the archive; a PC whose pg_dump is older than the server)
ENV_NO_PGDUMP = "FIELDDESK_NO_PGDUMP"


def find_tool(name: str) -> str | None:
    """``pg_dump`` / ``pg_restore`` on PATH or in the usual install folders (newest version first)."""
    found = shutil.which(name)
    if found:
        return found
    exe = name + (".exe" if sys.platform == "win32" else "")
    patterns = [f"/usr/lib/postgresql/*/bin/{exe}", f"C:/Program Files/PostgreSQL/*/bin/{exe}"]
    hits = [h for p in patterns for h in glob.glob(p)]
    hits.sort(key=lambda h: [int(x) if x.isdigit() else 0 for x in Path(h).parent.parent.name.split(".")], reverse=True)
    return hits[0] if hits else None


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql")._replace(password=None).render_as_string(hide_password=False)
    return dsn, env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600, check=False)


def backup_to(engine: Engine, out: Path) -> Path:
    """Write a backup of the server database to ``out`` (its suffix is replaced by the kind written).

    Returns the file written, after checking it reads back.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    pg_dump = None if os.environ.get(ENV_NO_PGDUMP) else find_tool("pg_dump")
    if pg_dump:
        target = out.with_suffix(PGDUMP_SUFFIX)
        tmp = target.with_name(target.name + ".part")
        dsn, env = _libpq(engine.url)
        done = _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={tmp}", f"--dbname={dsn}"],
                    env)
        if done.returncode == 0:
            tmp.replace(target)
            verify(target, engine)
            return target
        tmp.unlink(missing_ok=True)  # e.g. pg_dump older than the server: the app's own archive still works
    target = out.with_suffix(ARCHIVE_SUFFIX)
    write_archive(engine, target)
    verify(target, engine)
    return target


def make_backup(engine: Engine, backups_dir: Path, reason: str = "manual") -> Path:
    """A timestamped server backup in the backups folder; automatic ones rotate like SQLite's."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    made = backup_to(engine, backups_dir / f"{PREFIX}{stamp}-{reason}{ARCHIVE_SUFFIX}")
    if reason != "manual":
        rotate(backups_dir)
    return made


def write_archive(engine: Engine, target: Path) -> Path:
    """The app's own archive of every table, in one consistent snapshot (REPEATABLE READ)."""
    tmp = target.with_name(target.name + ".part")
    manifest: dict[str, object] = {"format": ARCHIVE_FORMAT, "version": 1,
                                   "created": dt.datetime.now().isoformat(timespec="seconds")}
    counts: dict[str, dict[str, object]] = {}
    try:
        with engine.connect() as conn, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                manifest["schema_revision"] = MigrationContext.configure(conn).get_current_revision()
                for t in table_copy.tables():
                    h = hashlib.sha256()
                    n = 0
                    with zf.open(f"tables/{t.name}.jsonl", "w") as member:
                        for values in table_copy.read_rows(conn, t):
                            line = orjson.dumps(values) + b"\n"
                            member.write(line)
                            h.update(line)
                            n += 1
                    counts[t.name] = {"rows": n, "sha256": h.hexdigest()}
            manifest["tables"] = counts
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"备份失败：{exc}", "请检查磁盘空间和备份文件夹的写入权限") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(target)
    return target


def read_manifest(path: Path) -> dict[str, object]:
    """The archive's manifest after checking every member against it; a Chinese error otherwise."""
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            if manifest.get("format") != ARCHIVE_FORMAT:
                raise ValidationError(f"{path.name} 不是调研工作台的数据表归档", "请选择另一个备份")
            for name, info in manifest["tables"].items():
                data = zf.read(f"tables/{name}.jsonl")
                rows = data.count(b"\n")
                if rows != info["rows"] or hashlib.sha256(data).hexdigest() != info["sha256"]:
                    raise ValidationError(f"备份文件已损坏：{path.name} 中的 {name} 表与清单不符", "请选择另一个备份")
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ValidationError(f"备份文件已损坏或不是调研工作台备份：{path}（{exc}）", "请选择另一个备份") from exc
    return dict(manifest)


def verify(path: Path, engine: Engine | None = None) -> str:
    """Check a server backup reads back; returns a one-line summary, raises ValidationError if not."""
    if path.suffix == PGDUMP_SUFFIX:
        pg_restore = find_tool("pg_restore")
        if not pg_restore:
            raise ValidationError(f"无法检查 {path.name}：本机未安装 pg_restore", "请安装 PostgreSQL 客户端程序")
        done = _run([pg_restore, "--list", str(path)], dict(os.environ))
        listed = [ln for ln in done.stdout.splitlines() if " TABLE DATA " in ln]
        names = {t.name for t in table_copy.tables()}
        if engine is not None:  # a backup taken before a migration holds the tables the server had then
            names &= set(sa_inspect(engine).get_table_names())
        missing = sorted(n for n in names if not any(f" {n} " in ln for ln in listed))
        if done.returncode != 0 or missing:
            raise ValidationError(f"备份文件无法读取或不完整：{path.name}（{(done.stderr or '缺少表 ' + ', '.join(missing))[:200]}）",
                                  "请重新备份")
        return f"pg_dump 备份可读，含 {len(listed)} 个数据表"
    if path.suffix == ARCHIVE_SUFFIX:
        manifest = read_manifest(path)
        tables = manifest["tables"]
        assert isinstance(tables, dict)
        rows = sum(int(i["rows"]) for i in tables.values())
        return f"数据表归档完整，{len(tables)} 个表共 {rows} 行"
    raise ValidationError(f"{path.name} 不是 PostgreSQL 的备份（.pgdump 或 .fdarchive）",
                          "共享数据库只能从 .pgdump 或 .fdarchive 备份恢复；.db 文件可用 fielddesk migrate-db 导入")


def restore(engine: Engine, path: Path, backups_dir: Path) -> Path:
    """Replace the server database's contents with the backup ``path``; nothing changes if it fails.

    The backup is checked first; the current contents are backed up first (returned).
    """
    if not path.is_file():
        raise ValidationError(f"找不到备份文件：{path}", "请选择一个存在的备份文件")
    verify(path)
    if path.suffix == ARCHIVE_SUFFIX:
        revision = read_manifest(path).get("schema_revision")
        if revision != migrate.head_revision():
            raise ValidationError(f"备份的数据库结构版本（{revision}）与本程序（{migrate.head_revision()}）不同",
                                  "请用制作该备份的调研工作台版本恢复，或先在该版本中升级后重新备份")
    safety = make_backup(engine, backups_dir, reason="before-restore")
    if path.suffix == PGDUMP_SUFFIX:
        pg_restore = find_tool("pg_restore")
        assert pg_restore is not None  # verify() found it
        dsn, env = _libpq(engine.url)
        engine.dispose()
        done = _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                     "--exit-on-error", f"--dbname={dsn}", str(path)], env)
        if done.returncode != 0:
            raise DatabaseError(f"恢复失败，数据库未改动：{done.stderr.strip()[:300]}", "请把这条信息告诉数据库管理员")
        return safety
    with zipfile.ZipFile(path) as zf, engine.begin() as conn:
        table_copy.clear_all(conn)
        for t in table_copy.tables():
            with zf.open(f"tables/{t.name}.jsonl") as member:
                table_copy.write_rows(conn, t, (orjson.loads(line) for line in member if line.strip()))
        table_copy.reset_sequences(conn)
    return safety
