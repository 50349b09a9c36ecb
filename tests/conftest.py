"""Shared fixtures: every test gets its own data folder in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import settings as _hypothesis_settings  # noqa: E402

# Property tests draw the same examples on every run ("ci", the default), so a CI run proves what a
# local run proved and a red build is reproducible. HYPOTHESIS_PROFILE=explore draws fresh random
# examples each run: use it (with SYNC_PROP_EXAMPLES=400 or so) when changing the sync merge rules.
_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
_hypothesis_settings.register_profile("explore", print_blob=True)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

from desktop_app.core.context import AppContext, open_context  # noqa: E402
from desktop_app.org.organisation import PersonInput, SetupInput, initialise_office  # noqa: E402
from tests.helpers import pg_plugin  # noqa: E402
from tests.helpers.common import TEST_ACTOR  # noqa: E402
from tests.helpers.workers import let_workers_finish  # noqa: E402


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL (FIELDDESK_TEST_PG_URL), skip the tests that inspect the SQLite file itself."""
    if not pg_plugin.ACTIVE:
        return
    for item in items:
        mark = item.get_closest_marker("sqlite_only")
        if mark is not None:
            why = f"SQLite only ({mark.args[0]}): " if mark.args else ""
            item.add_marker(pytest.mark.skip(reason=why + pg_plugin.SKIP_REASON))


@pytest.fixture(scope="session", autouse=pg_plugin.ACTIVE)
def _pg_template() -> Iterator[None]:
    """On PostgreSQL: the migrated template every test's database is copied from, and every data folder
    opened (by a test or a module-scoped fixture) attached to a database of its own."""
    from desktop_app.core import server_db

    pg_plugin.make_template()
    real = server_db.stored_url
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(server_db, "stored_url", lambda data: real(data) or pg_plugin.attach(data.root))
        yield
    pg_plugin.drop_template()


@pytest.fixture(scope="session", autouse=not pg_plugin.ACTIVE)
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """On SQLite: a new data folder's database starts as a copy of one database migrated when the run
    begins (as on PostgreSQL, above), instead of running every migration again for each folder a test
    opens (most of the time a small test took). Databases of an earlier revision are still migrated for
    real, and so are the migration tests' own engines and every child process (``fielddesk …``)."""
    import sqlite3

    from sqlalchemy import Engine

    from db import migrate
    from db.engine import make_engine, sqlite_url
    from desktop_app.core import context

    template = tmp_path_factory.mktemp("migrated") / "fielddesk.db"
    engine = make_engine(sqlite_url(template))
    migrate.upgrade(engine)
    engine.dispose()
    real = context._migrate

    def from_template(data: object, engine: Engine, current: str | None, existed: bool, notices: list[str]) -> None:
        if existed or current is not None or engine.dialect.name != "sqlite":  # only a brand-new file
            real(data, engine, current, existed, notices)
            return
        source = sqlite3.connect(template)
        target = engine.raw_connection()
        try:
            source.backup(target.driver_connection)  # page by page through SQLite: the engine's own file
        finally:
            target.close()
            source.close()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(context, "_migrate", from_template)
        yield


@pytest.fixture(autouse=pg_plugin.ACTIVE)
def _pg_database_per_folder(_pg_template: None) -> Iterator[None]:
    """On PostgreSQL: the databases a test attached are emptied for reuse when it ends; those attached
    before it began (by a module-scoped fixture) are kept for the module's other tests."""
    pg_plugin.keep_attached()
    yield
    pg_plugin.drop_created()


@pytest.fixture
def empty_ctx(tmp_path: Path) -> Iterator[AppContext]:
    """A data folder with a migrated but empty database (no office yet)."""
    ctx = open_context(tmp_path / "data", actor=TEST_ACTOR)
    yield ctx
    let_workers_finish()  # no worker thread may still read through the connections closed here
    ctx.close()


@pytest.fixture
def ctx(empty_ctx: AppContext) -> AppContext:
    """A set-up county office with three sections and five people."""
    initialise_office(empty_ctx, SetupInput(
        code="532801", name="景洪市乡村振兴局", level="county", parent_code="532800",
        sections=["综合科", "规划发展科", "政策法规科"],
        people=[
            PersonInput("刘洋", "综合科", "局长", is_leader=True),
            PersonInput("陈静", "规划发展科", "副局长", is_leader=True),
            PersonInput("黄涛", "规划发展科", "科员"),
            PersonInput("吴芳", "综合科", "科员"),
            PersonInput("赵磊", "政策法规科", "科长", quota_days=70),
        ],
        year=2026,
    ))
    return empty_ctx
