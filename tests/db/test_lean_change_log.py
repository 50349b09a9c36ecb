"""The lean change log (migration 0012): an insert of every column is logged as "*", read back as the
full list, and bundles on the wire are what they were when the log held the lists."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select, text

from db import migrate
from db.changes import ALL_FIELDS, STAMP_COLUMNS, decode_fields, encode_fields, insert_fields
from db.engine import make_engine, sqlite_url
from db.models import ChangeLog, Issue
from desktop_app.core.context import AppContext
from tests.helpers.sync_support import add_issue, add_progress, edit, export, make_office, send, trust_both

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"


def test_an_insert_of_every_column_is_one_character_and_reads_back_as_the_list() -> None:
    columns = [c.name for c in Issue.__table__.columns if c.name not in STAMP_COLUMNS]
    assert set(insert_fields("issue")) == set(columns) and len(insert_fields("issue")) == len(columns)
    assert encode_fields("issue", "insert", columns) == ALL_FIELDS
    assert encode_fields("issue", "insert", list(reversed(columns))) == ALL_FIELDS
    assert decode_fields("issue", ALL_FIELDS) == insert_fields("issue")
    # anything less than every column, and every update or delete, keeps its explicit list
    assert json.loads(encode_fields("issue", "insert", columns[:-1])) == columns[:-1]
    assert json.loads(encode_fields("issue", "update", columns)) == columns
    assert decode_fields("issue", encode_fields("issue", "update", ["status"])) == ["status"]
    assert decode_fields("issue", None) == [] and decode_fields("issue", "[]") == []
    with pytest.raises(KeyError):
        insert_fields("setting")  # not synced: "*" is never written for it


def _change_members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("changes/")}


def test_bundles_carry_the_same_change_lines_as_when_the_log_held_full_lists(tmp_path: Path) -> None:
    a = make_office(tmp_path / "a", "532801", "景洪市")
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    try:
        trust_both(a, p)
        issue = add_issue(a)
        add_progress(a, issue, "已召开专题会议")
        edit(a, Issue, issue, description="村级活动场所管理制度不健全")
        with a.db.session() as s:
            log = s.execute(select(ChangeLog.table_name, ChangeLog.op, ChangeLog.fields)).all()
        inserts = [r for r in log if r.op == "insert"]
        assert inserts and all(r.fields == ALL_FIELDS for r in inserts)
        assert any(r.op == "update" and json.loads(r.fields) == ["description"] for r in log)

        lean = _change_members(export(a, p, tmp_path / "lean", full=True).file)
        # the log as FieldDesk wrote it before 0012: every insert with its full JSON list
        with a.db.transaction() as s:
            for table in {r.table_name for r in inserts}:
                s.execute(text("UPDATE change_log SET fields = :f WHERE table_name = :t AND fields = '*'"),
                          {"f": json.dumps(insert_fields(table)), "t": table})
        listed = _change_members(export(a, p, tmp_path / "listed", full=True).file)
        assert {"changes/issue.jsonl", "changes/progress.jsonl"} <= set(lean)
        assert lean == listed

        # the receiving office logs a remote insert that carried every field in the lean form too
        send(a, p, tmp_path / "sent", full=True)
        with p.db.session() as s:
            got = s.execute(select(ChangeLog.op, ChangeLog.fields).where(ChangeLog.row_id == issue)
                            .order_by(ChangeLog.seq)).all()
        assert [op for op, _f in got] == ["insert", "update"]
        assert set(decode_fields("issue", got[0][1])) | {"description"} == set(insert_fields("issue"))
    finally:
        a.close()
        p.close()


def _fields(path: Path) -> list[tuple[str, int, str, str]]:
    con = sqlite3.connect(path)
    try:
        return sorted(con.execute("SELECT origin, seq, op, fields FROM change_log").fetchall())
    finally:
        con.close()


@pytest.mark.sqlite_only("the fixture is a SQLite file of revision 0011")
def test_0012_rewrites_full_insert_lists_and_its_downgrade_writes_them_back(tmp_path: Path) -> None:
    db = tmp_path / "fielddesk.db"
    shutil.copyfile(FIXTURES / "rev-0011.db", db)
    before = _fields(db)
    assert sum(1 for r in before if r[2] == "insert") > 100 and not any(r[3] == ALL_FIELDS for r in before)
    engine = make_engine(sqlite_url(db))
    try:
        migrate.upgrade(engine, "0012")
        after = _fields(db)
        assert [r[:3] for r in after] == [r[:3] for r in before]
        con = sqlite3.connect(db)
        tables = dict(((o, s), t) for o, s, t in con.execute("SELECT origin, seq, table_name FROM change_log"))
        con.close()
        rewritten = 0
        for old, new in zip(before, after, strict=True):
            table = tables[(old[0], old[1])]
            assert sorted(decode_fields(table, new[3])) == sorted(json.loads(old[3])), old[:2]
            rewritten += new[3] == ALL_FIELDS
        inserts = sum(1 for r in before if r[2] == "insert")
        assert rewritten > inserts * 0.9  # nearly every insert wrote every column
        assert all(r[3] != ALL_FIELDS for r in after if r[2] != "insert")
        migrate.downgrade(engine, "0011")
        assert _fields(db) == before
    finally:
        engine.dispose()


def test_0012_on_this_engine_rewrites_only_full_insert_lists_and_downgrades_back(ctx: AppContext) -> None:
    """The same migration on SQLite (rebuilt log) and PostgreSQL (updated rows): see pg_test.sh."""
    engine = ctx.db.engine
    with engine.connect() as c:
        lean = c.execute(text("SELECT origin, seq, table_name, op, fields FROM change_log ORDER BY seq")).all()
    assert len(lean) >= 10 and all(r.fields == ALL_FIELDS for r in lean if r.op == "insert")
    migrate.downgrade(engine, "0011")
    with engine.begin() as c:
        listed = c.execute(text("SELECT origin, seq, table_name, op, fields FROM change_log ORDER BY seq")).all()
        assert [json.loads(r.fields) for r in listed] == [decode_fields(r.table_name, r.fields) for r in lean]
        # an insert that carried only some fields (a remote one) keeps its list through the upgrade
        c.execute(text("INSERT INTO change_log (origin, seq, hlc, table_name, row_id, op, fields) "
                       "VALUES ('532822', 1, 1, 'person', 'x', 'insert', :f)"), {"f": json.dumps(["id", "name"])})
    migrate.upgrade(engine, "0012")
    with engine.connect() as c:
        again = c.execute(text("SELECT origin, seq, table_name, op, fields FROM change_log ORDER BY origin, seq")).all()
    assert [tuple(r) for r in again if r.origin == "532801"] == [tuple(r) for r in lean]
    assert [json.loads(r.fields) for r in again if r.origin == "532822"] == [["id", "name"]]
