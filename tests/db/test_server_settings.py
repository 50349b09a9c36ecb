"""设置 › 数据库 against a real server: what is shown, and the connection test's Chinese answers."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from desktop_app.core import server_db
from desktop_app.core.context import AppContext, open_context
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.org.organisation import SetupInput, initialise_office
from desktop_app.server import settings as server_settings
from desktop_app.server.settings import ServerFields
from tests.helpers import pg_plugin
from tests.helpers.common import TEST_ACTOR

needs_pg = pg_plugin.needs_pg


def _fields(ctx: AppContext) -> ServerFields:
    url = ctx.db.engine.url
    return ServerFields(url.host or "", str(url.port), url.database or "", url.username or "")


@needs_pg
def test_the_server_in_use_is_shown_without_its_password(ctx: AppContext) -> None:
    info = server_settings.current(ctx)
    url = ctx.db.engine.url
    assert (info.kind, info.host, info.port, info.database, info.user) == (
        "postgresql", url.host, url.port, url.database, url.username)
    assert url.password and str(url.password) not in repr(asdict(info))


@needs_pg
def test_the_connection_test_reports_the_office_and_its_items(ctx: AppContext) -> None:
    create_issues(ctx.db, TEST_ACTOR, [IssueInput(f"问题{k}", unit="综合科") for k in range(3)])
    result = server_settings.test_connection(ctx, _fields(ctx), "")  # password from FIELDDESK_DB_PASSWORD
    assert (result.office_code, result.issues) == (ctx.office_code, 3)
    assert result.summary.startswith("连接成功（PostgreSQL ") and "景洪市乡村振兴局（532801），有 3 条问题台账" in result.summary


@needs_pg
def test_a_wrong_password_and_another_offices_database_are_said_in_chinese(ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(server_db.ServerError, match="的密码不正确"):
        server_settings.test_connection(ctx, _fields(ctx), "wrong-password")
    other = open_context(tmp_path / "other")
    try:
        initialise_office(other, SetupInput(code="532822", name="测试县532822", level="county", parent_code="532800",
                                            sections=["综合科"], year=2026))
        with pytest.raises(server_db.ServerError, match="属于另一个单位（测试县532822，532822），本数据目录属于 532801"):
            server_settings.test_connection(ctx, _fields(other), "")
    finally:
        other.close()
    assert not server_db.stored_url(ctx.data) or server_db.stored_url(ctx.data) == server_settings._stored_form(
        ctx.db.engine.url)  # the folder's choice is untouched by a test
