"""`fielddesk audit verify` and `selftest` name the first broken audit entry: edited, deleted, swapped, the tail
deleted (some or all), and a deleted tail papered over by later writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.cli.main import run
from desktop_app.cli.selftest import check_audit
from desktop_app.core import audit
from desktop_app.core.context import AppContext
from desktop_app.org import organisation as org


@pytest.fixture
def logged(ctx: AppContext) -> AppContext:
    """Six entries: setup_office (1) and five sections (2–6)."""
    for name in ("组织科", "宣传科", "督查科", "统战科", "信息科"):
        org.add_section(ctx.db, ctx.actor, name)
    return ctx


def _verify(ctx: AppContext, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    code = run(["--data-dir", str(ctx.data.root), "audit", "verify", "--json"])
    return code, json.loads(capsys.readouterr().out)


def _sql(ctx: AppContext, *statements: str) -> None:
    with ctx.db.transaction() as s:
        for st in statements:
            s.execute(text(st))


def test_an_intact_log_verifies_and_selftest_agrees(logged: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _verify(logged, capsys)
    assert code == 0 and out["ok"] and out["entries"] == 6 and out["broken"] is None
    assert check_audit(logged.data.root).ok
    code, out = _verify(logged, capsys)  # verifying only reads
    assert code == 0 and out["entries"] == 6


@pytest.mark.parametrize(("tamper", "broken_id", "kind", "words"), [
    (["UPDATE audit_entry SET details = replace(details, '宣传科', '某某科') WHERE id = 3"], 3, "edited", "内容被改动"),
    (["UPDATE audit_entry SET actor = '张三' WHERE id = 2"], 2, "edited", "内容被改动"),
    (["DELETE FROM audit_entry WHERE id = 4"], 5, "deleted", "第 3 条与第 5 条之间"),
    # swap the contents of entries 3 and 4 (ids stay, order of events changes)
    (["UPDATE audit_entry SET id = -3 WHERE id = 3", "UPDATE audit_entry SET id = 3 WHERE id = 4",
      "UPDATE audit_entry SET id = 4 WHERE id = -3"], 3, "reordered", "顺序被调换"),
    (["DELETE FROM audit_entry WHERE id >= 5"], 4, "tail_deleted", "第 4 条之后的审计记录被删除"),
    (["DELETE FROM audit_entry"], 6, "tail_deleted", "全部删除"),
])
def test_tampering_is_named(logged: AppContext, capsys: pytest.CaptureFixture[str], tamper: list[str], broken_id: int,
                            kind: str, words: str) -> None:
    _sql(logged, *tamper)
    code, out = _verify(logged, capsys)
    assert code == 1 and not out["ok"]
    assert (out["broken"]["id"], out["broken"]["kind"]) == (broken_id, kind)
    assert words in out["broken"]["message"]
    check = check_audit(logged.data.root)
    assert not check.ok and words in check.detail
    capsys.readouterr()
    assert run(["--data-dir", str(logged.data.root), "selftest", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [c["ok"] for c in report["checks"] if c["name"] == "audit"] == [False]


def test_a_deleted_tail_stays_visible_after_later_writes(logged: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    _sql(logged, "DELETE FROM audit_entry WHERE id >= 5")
    org.add_section(logged.db, logged.actor, "档案科")  # the next entry links to the head kept apart, not to #4
    with logged.db.session() as s:
        newest = s.execute(text("SELECT max(id) FROM audit_entry")).scalar()  # SQLite reuses 5; a server's sequence goes on
    code, out = _verify(logged, capsys)
    assert code == 1 and out["broken"]["kind"] == "deleted" and out["broken"]["id"] == newest


def test_editing_and_rehashing_the_tail_is_caught_by_the_head(logged: AppContext) -> None:
    """An attacker who rewrites the last entry and recomputes its hash still disagrees with the head."""
    with logged.db.transaction() as s:
        e = s.execute(text("SELECT prev_hash, at, actor, action, target_table, target_id, details FROM audit_entry "
                           "WHERE id = 6")).one()
        forged = audit._digest(e.prev_hash, e.at, e.actor, e.action, e.target_table, e.target_id,
                               e.details.replace("信息科", "某某科"))
        s.execute(text("UPDATE audit_entry SET details = replace(details, '信息科', '某某科'), hash = :h WHERE id = 6"),
                  {"h": forged})
    with logged.db.session() as s:
        report = audit.verify(s)
    assert not report.ok and report.kind == "tail_deleted" and report.broken_id == 6


def test_verify_text_output(logged: AppContext, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _sql(logged, "DELETE FROM audit_entry WHERE id = 2")
    capsys.readouterr()
    assert run(["--data-dir", str(logged.data.root), "audit", "verify"]) == 1
    assert "✗ 审计记录在第 1 条与第 3 条之间有被删除的记录" in capsys.readouterr().out
