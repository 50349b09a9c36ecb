"""Run the suite against PostgreSQL: set FIELDDESK_TEST_PG_URL (an admin URL, e.g. from scripts/pg_cluster.sh).

Every data folder a test opens gets its own fresh database, copied from a template
migrated once per run (CREATE DATABASE … TEMPLATE is ~30 ms; migrating is ~1 s), and
dropped when the test ends. The folder is attached to it the way a clerk's folder is
(``database.json``), so subprocesses running ``fielddesk --data-dir …`` use it too.
Tests that inspect the SQLite file itself carry ``@pytest.mark.sqlite_only`` and are
skipped here with that reason.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

ADMIN_URL = os.environ.get("FIELDDESK_TEST_PG_URL", "")
#: read once: a test may change FIELDDESK_DB_PASSWORD (wrong password, another role) in its own environment
ADMIN_PASSWORD = os.environ.get("FIELDDESK_DB_PASSWORD", "")
ACTIVE = bool(ADMIN_URL)
SKIP_REASON = "inspects the SQLite file itself; skipped when the suite runs on PostgreSQL (FIELDDESK_TEST_PG_URL)"

_names = itertools.count(1)
_created: list[str] = []
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
    from desktop_app import server_db

    eng = _admin()
    with eng.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {_template}"))
        c.execute(text(f"CREATE DATABASE {_template}"))
    eng.dispose()
    e = server_db.make_server_engine(server_db.choose(_url_of(_template)))
    migrate.upgrade(e)
    e.dispose()


def attach(root: Path) -> str:
    """Give the data folder ``root`` its own fresh database (once); returns its URL."""
    from sqlalchemy import text

    from desktop_app.server_db import URL_FILE

    p = Path(root) / URL_FILE
    if p.is_file():
        return str(json.loads(p.read_text(encoding="utf-8"))["url"])
    name = f"fd_t{os.getpid()}_{next(_names)}"
    eng = _admin()
    with eng.connect() as c:
        c.execute(text(f"CREATE DATABASE {name} TEMPLATE {_template}"))
    eng.dispose()
    _created.append(name)
    Path(root).mkdir(parents=True, exist_ok=True)
    url = _url_of(name)
    p.write_text(json.dumps({"url": url, "office_code": ""}), encoding="utf-8")
    return url


def drop_created() -> None:
    """Drop the databases made since the last call (end of a test)."""
    from sqlalchemy import text

    if not _created:
        return
    eng = _admin()
    with eng.connect() as c:
        while _created:
            c.execute(text(f"DROP DATABASE IF EXISTS {_created.pop()} WITH (FORCE)"))
    eng.dispose()


def drop_template() -> None:
    """Drop the template at the end of the run."""
    from sqlalchemy import text

    eng = _admin()
    with eng.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {_template} WITH (FORCE)"))
    eng.dispose()
