"""Migration 0009 (accounts): a database of revision 0008 with real rows keeps every record; its audit lines
keep their actor text and are marked as recorded before accounts existed; the chain and its head hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from db import migrate
from db.engine import make_engine, sqlite_url
from db.models import Base
from desktop_app.core import audit
from desktop_app.core.context import AppContext, open_context
from desktop_app.ledger import lifecycle as lc
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.org import accounts
from tests.helpers.common import TEST_ACTOR


def _all_counts(engine) -> dict[str, int]:  # noqa: ANN001
    with engine.connect() as c:
        return {t: int(c.execute(select(func.count()).select_from(Base.metadata.tables[t])).scalar() or 0)
                for t in inspect(engine).get_table_names() if t in Base.metadata.tables}


@pytest.mark.sqlite_only("downgrades and upgrades a SQLite file by Alembic revision")
def test_0008_database_with_records_upgrades_keeping_every_record(ctx: AppContext, tmp_path: Path) -> None:
    ids = create_issues(ctx.db, TEST_ACTOR, [IssueInput(f"问题{i}", unit="综合科", deadline=dt.date(2026, 6, 30),
                                                        assigned_date=dt.date(2026, 3, 1)) for i in range(5)])
    lc.add_progress(ctx.db, TEST_ACTOR, ids[0], dt.date(2026, 3, 10), "已召开专题会议", 40, "吴芳")
    lc.apply_closure(ctx.db, TEST_ACTOR, ids[1], "已整改")
    root = ctx.data.root
    engine = ctx.db.engine
    migrate.downgrade(engine, "0008")
    with engine.begin() as c:  # a user row the first schema allowed (the table was never used, but be safe)
        c.execute(text("INSERT INTO app_user (login, display_name, role, password_hash, active) "
                       "VALUES ('old', '旧账户', 'leader', '', 1)"))
        c.execute(text("DELETE FROM setting WHERE key = 'audit.head'"))
        old_audit = c.execute(text("SELECT id, actor, hash FROM audit_entry ORDER BY id")).fetchall()
    before = _all_counts(engine)
    ctx.close()
    again = open_context(root)  # the app's own path: backup, then migrate
    try:
        assert migrate.current_revision(again.db.engine) == migrate.head_revision()
        # tables that revisions after 0008 added are new and empty; every table 0008 had keeps its rows
        after = {t: n for t, n in _all_counts(again.db.engine).items() if t in before}
        assert after.pop("setting") == before.pop("setting") + 2  # audit.head and accounts.legacy_audit_id
        assert after == before and before["issue"] == 5 and before["audit_entry"] == 4
        assert not accounts.has_accounts(again.db)  # the password-less legacy row is no account to sign in with
        with again.db.engine.connect() as c:
            rows = c.execute(text("SELECT id, actor, hash, actor_login FROM audit_entry ORDER BY id")).fetchall()
            assert [tuple(r[:3]) for r in rows] == [tuple(r) for r in old_audit]
            assert {r[3] for r in rows} == {None}  # recorded before accounts existed
            assert c.execute(text("SELECT roles FROM app_user WHERE login = 'old'")).scalar() == '["approver"]'
        with again.db.session() as s:
            head = audit.read_head(s)
            assert head is not None and head["id"] == old_audit[-1][0] and head["hash"] == old_audit[-1][2]
            assert audit.verify(s).ok
        # the new chain goes on from the old one
        accounts.add_account(again.db, TEST_ACTOR, "admin", "Admin2026", ["admin"], person="刘洋")
        with again.db.session() as s:
            assert audit.verify(s).ok and audit.verify(s).entries == len(old_audit) + 1
    finally:
        again.close()


def test_downgrade_to_0008_and_up_again_keeps_accounts_columns_consistent(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "x.db"))
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "0008")
        assert "actor_login" not in {c["name"] for c in inspect(engine).get_columns("audit_entry")}
        migrate.upgrade(engine)
        assert {"roles", "failed_count", "locked_until", "must_change"} <= {
            c["name"] for c in inspect(engine).get_columns("app_user")}
    finally:
        engine.dispose()


@pytest.mark.sqlite_only("the committed fixture is a SQLite file")
def test_the_committed_0008_office_upgrades_with_its_audit_chain_intact(tmp_path: Path) -> None:
    """The committed revision-0008 fixture (the revision before accounts) (a demo office's real rows): old audit lines keep their actor text,
    are marked as recorded before accounts (actor_login NULL), and the chain verifies with its new head."""
    import shutil
    import sqlite3

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "migrations" / "rev-0008.db"
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(fixture, data / "fielddesk.db")
    con = sqlite3.connect(fixture)
    old = con.execute("SELECT id, actor, hash FROM audit_entry ORDER BY id").fetchall()
    con.close()
    assert len(old) > 3
    ctx = open_context(data)
    try:
        with ctx.db.engine.connect() as c:
            rows = c.execute(text("SELECT id, actor, hash, actor_login FROM audit_entry ORDER BY id")).fetchall()
        assert [tuple(r[:3]) for r in rows] == [tuple(r) for r in old] and {r[3] for r in rows} == {None}
        with ctx.db.session() as s:
            report = audit.verify(s)
            assert report.ok and report.entries == len(old) and report.head_id == old[-1][0]
        assert not accounts.has_accounts(ctx.db)  # the first start after the upgrade: no accounts yet
    finally:
        ctx.close()


def test_the_timeline_marks_what_was_recorded_before_accounts(ctx: AppContext) -> None:
    from desktop_app.ledger.detail import get_issue_detail

    [item] = create_issues(ctx.db, TEST_ACTOR, [IssueInput("问题甲", unit="综合科", assigned_date=dt.date(2026, 3, 1))])
    lc.add_progress(ctx.db, TEST_ACTOR, item, dt.date(2026, 3, 10), "已召开专题会议", 40, "吴芳")
    before = {t.title: t.by for t in get_issue_detail(ctx.db, item).timeline}
    assert before["登记问题"] == "测试员" and "启用账户前" not in str(before)  # no accounts: as always
    accounts.add_account(ctx.db, TEST_ACTOR, "admin", "Admin2026", ["admin", "clerk"], person="刘洋")
    admin = accounts.sign_in(ctx.db, "admin", "Admin2026").actor
    lc.add_progress(ctx.db, admin, item, dt.date(2026, 3, 20), "已完成整改方案", 60)
    by = [(t.title, t.by) for t in get_issue_detail(ctx.db, item).timeline]
    assert ("登记问题", "测试员（启用账户前记录）") in by
    bys = [b for _t, b in by]
    assert "吴芳（测试员 录入）（启用账户前记录）" in bys  # the old progress keeps its text, marked
    assert "刘洋" in bys  # recorded by the signed-in person: their real name, no mark
