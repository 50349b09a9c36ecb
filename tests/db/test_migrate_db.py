"""``fielddesk migrate-db --to``: an office copied to another database, verified table by table, source untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from db import table_copy
from desktop_app.cli.main import run
from desktop_app.core import server_db
from desktop_app.core.context import AppContext, open_context
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.org.organisation import SetupInput, initialise_office
from tests.helpers import pg_plugin
from tests.helpers.common import TEST_ACTOR
from tests.helpers.pg_plugin import needs_pg

#: the SQLite text index is rebuilt on a SQLite copy (its keys, and its position in setting): compared by the command
INDEX_TABLES = ("issue_search_key", "setting")


def _without_index(d: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    return {k: v for k, v in d.items() if k not in INDEX_TABLES}


def _digests(url: str) -> dict[str, tuple[int, str]]:
    eng = create_engine(url)
    with eng.connect() as c:
        out = table_copy.digests(c)
    eng.dispose()
    return out


def _source_digests(ctx: AppContext) -> dict[str, tuple[int, str]]:
    with ctx.db.engine.connect() as c:
        return table_copy.digests(c)


def test_copy_to_a_new_file_is_verified_and_leaves_the_source_as_it_was(
        ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    create_issues(ctx.db, TEST_ACTOR, [IssueInput(f"第{i}条整改问题", unit="综合科") for i in range(25)])
    before = _source_digests(ctx)
    target = tmp_path / "copy" / "office.db"
    assert run(["--data-dir", str(ctx.data.root), "migrate-db", "--to", str(target), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verified"] is True and out["tables"]["issue"]["rows"] == 25
    assert {k: (v["rows"], v["sha256"]) for k, v in out["tables"].items()} == before
    assert _source_digests(ctx) == before  # the source is only read
    assert _without_index(_digests(f"sqlite:///{target}")) == _without_index(before)
    # the copy is a working office: as a data folder's file it opens, with its text search
    folder = tmp_path / "copied-office"
    folder.mkdir()
    target.replace(folder / "fielddesk.db")
    opened = open_context(folder, db_url=None) if not pg_plugin.ACTIVE else None
    if opened is not None:
        from desktop_app.ledger.query import IssueFilter, count_issues

        assert opened.office_code == ctx.office_code
        assert count_issues(opened.db, IssueFilter(year=2026, text="整改")) == 25
        opened.close()


def test_a_target_that_is_not_empty_is_refused_and_left_alone(ctx: AppContext, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "old.db"
    target.write_bytes(b"SQLite format 3\x00 someone's data")
    assert run(["--data-dir", str(ctx.data.root), "migrate-db", "--to", str(target)]) == 1
    assert "目标文件已存在" in capsys.readouterr().err
    assert target.read_bytes() == b"SQLite format 3\x00 someone's data"
    assert run(["--data-dir", str(ctx.data.root), "migrate-db", "--to", str(tmp_path / "x.xlsx")]) == 1
    assert "无法识别的目标" in capsys.readouterr().err


@needs_pg
def test_sqlite_to_server_and_back_gives_the_same_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    wrapped = server_db.stored_url
    monkeypatch.setattr(server_db, "stored_url", lambda data: None)  # this folder keeps its SQLite file
    src = open_context(tmp_path / "county")
    initialise_office(src, SetupInput(code="532822", name="勐海县乡村振兴局", level="county", parent_code="532800",
                                      sections=["综合科"], year=2026))
    create_issues(src.db, TEST_ACTOR, [IssueInput(f"党建问题{i}", unit="综合科") for i in range(40)])
    before = _source_digests(src)
    src.close()
    server = pg_plugin.attach(tmp_path / "server")  # an empty database on the server
    assert run(["--data-dir", str(tmp_path / "county"), "migrate-db", "--to", server, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tables"]["issue"]["rows"] == 40
    assert (tmp_path / "county" / "fielddesk.db").is_file() and not (tmp_path / "county" / "database.json").exists()
    monkeypatch.setattr(server_db, "stored_url", wrapped)
    on_server = open_context(tmp_path / "server")
    assert on_server.office_code == "532822" and _source_digests(on_server) == before
    on_server.close()
    back = tmp_path / "back.db"
    assert run(["--data-dir", str(tmp_path / "server"), "migrate-db", "--to", str(back)]) == 0
    assert "行数与摘要逐表核对一致" in capsys.readouterr().out
    assert _without_index(_digests(f"sqlite:///{back}")) == _without_index(before)
