"""Hash-chained audit log: every write is recorded; an edited, removed or inserted entry is detected."""

from __future__ import annotations

from sqlalchemy import select, text

from db.models import AuditEntry
from desktop_app.core.audit import verify_chain
from desktop_app.core.context import AppContext
from desktop_app.org import organisation as org


def test_writes_are_audited_with_the_actor(ctx: AppContext) -> None:
    org.add_section(ctx.db, ctx.actor, "组织科")
    with ctx.db.session() as s:
        entries = s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
        assert [e.action for e in entries] == ["setup_office", "add_section"]
        assert entries[-1].actor == "测试员"
        assert "组织科" in entries[-1].details
        assert verify_chain(s) == []


def test_an_edited_entry_breaks_the_chain_at_that_entry(ctx: AppContext) -> None:
    for name in ("组织科", "宣传科", "督查科"):
        org.add_section(ctx.db, ctx.actor, name)
    with ctx.db.transaction() as s:
        s.execute(text("UPDATE audit_entry SET details = replace(details, '宣传科', '某某科') WHERE id = 3"))
    with ctx.db.session() as s:
        assert verify_chain(s) == [3]


def test_a_removed_entry_is_detected(ctx: AppContext) -> None:
    for name in ("组织科", "宣传科"):
        org.add_section(ctx.db, ctx.actor, name)
    with ctx.db.transaction() as s:
        s.execute(text("DELETE FROM audit_entry WHERE id = 2"))
    with ctx.db.session() as s:
        assert verify_chain(s) == [3]
