"""Run the suite against PostgreSQL: set FIELDDESK_TEST_PG_URL (an admin URL, e.g. from scripts/pg_cluster.sh).

Every data folder a test opens gets its own empty database: copied from a template
migrated once per run, emptied (TRUNCATE) when the test ends and reused by later tests.
The folder is attached to it the way a clerk's folder is (``database.json``), so
subprocesses running ``fielddesk --data-dir …`` use it too.
Tests that inspect the SQLite file itself carry ``@pytest.mark.sqlite_only`` and are
skipped here with that reason.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sqlalchemy import Engine

ADMIN_URL = os.environ.get("FIELDDESK_TEST_PG_URL", "")
#: read once: a test may change FIELDDESK_DB_PASSWORD (wrong password, another role) in its own environment
ADMIN_PASSWORD = os.environ.get("FIELDDESK_DB_PASSWORD", "")
ACTIVE = bool(ADMIN_URL)
SKIP_REASON = "skipped when the suite runs on PostgreSQL (FIELDDESK_TEST_PG_URL)"
#: a test that needs the server itself (roles, server settings): skipped on SQLite, with the reason
needs_pg = pytest.mark.skipif(not ACTIVE, reason="needs a PostgreSQL server: FIELDDESK_TEST_PG_URL "
                                                 "(scripts/pg_test.sh starts one)")

_names = itertools.count(1)
_created: list[str] = []  # databases the running test uses
_free: list[str] = []  # emptied databases waiting for the next test
_kept: list[str] = []  # databases of module-scoped fixtures, dropped at the end of the run
_template = f"fd_template_{os.getpid()}"


def admin_engine(database: str = "") -> Engine:
    """An autocommit engine as the cluster's superuser (on ``database``, else the admin URL's)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    url = make_url(ADMIN_URL).set(drivername="postgresql+psycopg", password=ADMIN_PASSWORD)
    if database:
        url = url.set(database=database)
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


_admin = admin_engine


def _url_of(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def make_template() -> None:
    """The migrated empty database every test database is copied from."""
    from sqlalchemy import text

    from db import migrate
    from desktop_app.core import server_db

    eng = _admin()
    with eng.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {_template}"))
        c.execute(text(f"CREATE DATABASE {_template}"))
    eng.dispose()
    e = server_db.make_server_engine(server_db.choose(_url_of(_template)))
    migrate.upgrade(e)
    e.dispose()


def attach(root: Path, keep: bool = False) -> str:
    """Give the data folder ``root`` its own empty database (once); returns its URL.

    Databases are reused: emptied at the end of a test (``recycle``), which takes ~50 ms where
    creating one from the template takes 1–2 s. ``keep``: not emptied at the end of the test
    (a module-scoped fixture's folders; dropped with the template at the end of the run).
    """
    from sqlalchemy import text

    from desktop_app.core.server_db import URL_FILE

    p = Path(root) / URL_FILE
    if p.is_file():
        return str(json.loads(p.read_text(encoding="utf-8"))["url"])
    if _free:
        name = _free.pop()
    else:
        name = f"fd_t{os.getpid()}_{next(_names)}"
        eng = _admin()
        with eng.connect() as c:
            c.execute(text(f"CREATE DATABASE {name} TEMPLATE {_template} STRATEGY FILE_COPY"))
        eng.dispose()
    (_kept if keep else _created).append(name)
    Path(root).mkdir(parents=True, exist_ok=True)
    url = _url_of(name)
    p.write_text(json.dumps({"url": url, "office_code": ""}), encoding="utf-8")
    return url


def clone(root: Path) -> None:
    """Give a copied data folder a copy of its database (a folder copied with shutil shares the original's)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from desktop_app.core.server_db import URL_FILE

    p = Path(root) / URL_FILE
    info = json.loads(p.read_text(encoding="utf-8"))
    source = make_url(info["url"]).database
    name = f"fd_t{os.getpid()}_{next(_names)}"
    eng = _admin()
    with eng.connect() as c:
        c.execute(text(f"CREATE DATABASE {name} TEMPLATE {source} STRATEGY FILE_COPY"))
    eng.dispose()
    _created.append(name)
    info["url"] = _url_of(name)
    p.write_text(json.dumps(info), encoding="utf-8")


def count_rows(root: Path, table: str) -> int:
    """Rows of ``table`` in the database of the data folder ``root`` (its server database)."""
    from sqlalchemy import text

    from desktop_app.core.server_db import URL_FILE

    name = json.loads((Path(root) / URL_FILE).read_text(encoding="utf-8"))["url"].rsplit("/", 1)[1]
    eng = admin_engine(name)
    with eng.connect() as c:
        n = int(c.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
    eng.dispose()
    return n


def keep_attached() -> None:
    """Databases attached so far belong to broader fixtures: not emptied at the end of the next test."""
    _kept.extend(_created)
    _created.clear()


def column(root: Path, sql: str) -> list[object]:
    """The first column of ``sql`` run on the database of the data folder ``root``."""
    from sqlalchemy import text

    from desktop_app.core.server_db import URL_FILE

    name = json.loads((Path(root) / URL_FILE).read_text(encoding="utf-8"))["url"].rsplit("/", 1)[1]
    eng = admin_engine(name)
    with eng.connect() as c:
        out = list(c.execute(text(sql)).scalars())
    eng.dispose()
    return out


def drop_created() -> None:
    """End of a test: empty the databases it used for the next tests (drop one whose schema it changed)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from db import migrate

    head = migrate.head_revision()
    while _created:
        name = _created.pop()
        eng = admin_engine(name)
        try:
            with eng.connect() as c:
                c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
                rev = c.execute(text("SELECT version_num FROM alembic_version")).scalar()
                tables = list(c.execute(text(
                    "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public' "
                    "AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version'")).scalars())
                if rev != head:
                    raise LookupError(rev)
                c.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            _free.append(name)
        except (DBAPIError, LookupError):
            eng.dispose()
            adm = _admin()
            with adm.connect() as c:
                c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            adm.dispose()
        finally:
            eng.dispose()


def drop_template() -> None:
    """Drop the template at the end of the run."""
    from sqlalchemy import text

    eng = _admin()
    with eng.connect() as c:
        for name in [_template, *_free, *_kept]:
            c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    eng.dispose()
