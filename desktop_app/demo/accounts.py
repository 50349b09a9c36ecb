"""Demo sign-in: one account for every role in a demo office, with passwords written in the README.

The passwords are also kept in the ``demo.accounts`` setting so the sign-in screen can show
them — for demo data only; a real office never has that setting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from db.engine import Database
from desktop_app.core import roles
from desktop_app.core.audit import Actor
from desktop_app.core.context import AppContext, open_context
from desktop_app.org import accounts, organisation, settings

SETTING = "demo.accounts"
PASSWORD = "demo2026"
#: (login, roles, which person: "leader" | "staff" | n-th person) — the administrator first
ACCOUNTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("admin", ("admin",)),
    ("luru", ("clerk",)),
    ("shenhe", ("approver",)),
    ("chakan", ("viewer",)),
    ("shenji", ("auditor",)),
)
#: the account the sign-in screen offers first on demo data (records the daily work)
DEFAULT_LOGIN = "luru"


def create_in(ctx: AppContext) -> list[dict[str, Any]]:
    """Make the demo accounts in the demo office being built in ``ctx`` (sealing its keys there)."""
    return _create(ctx.db, ctx.actor, ctx.data.keys)


def create_demo_accounts(root: Path, actor: Actor) -> list[dict[str, Any]]:
    """Make the demo accounts in the demo office at ``root``; returns [{"login", "password", "roles", "name"}]."""
    ctx = open_context(root, actor=actor, full_check=False, daily_backup=False)
    try:
        return _create(ctx.db, actor, ctx.data.keys)
    finally:
        ctx.close()


def _create(db: Database, actor: Actor, keys_dir: Path | None = None) -> list[dict[str, Any]]:
    people = organisation.list_people(db)
    leaders = [p for p in people if p.is_leader]
    staff = [p for p in people if not p.is_leader]
    # distinct people: the approver is a leader, the clerk someone else, so 申请人 ≠ 审核人 holds
    chosen = {"admin": staff[1:2], "luru": staff[:1], "shenhe": leaders[:1], "chakan": staff[2:3],
              "shenji": staff[3:4]}
    out: list[dict[str, Any]] = []
    admin_actor = actor
    for login, rs in ACCOUNTS:
        person = chosen[login][0] if chosen[login] else None
        info = accounts.add_account(db, admin_actor, login, PASSWORD, list(rs),
                                    person=person.id if person else None,
                                    name="" if person else roles.role_label(rs[0]), must_change=False,
                                    keys_dir=keys_dir)
        if login == "admin":
            admin_actor = accounts.sign_in(db, login, PASSWORD).actor
        out.append({"login": login, "password": PASSWORD, "roles": list(rs), "name": info.name})
    with db.transaction() as s:
        settings.write(s, SETTING, out)
    return out


def demo_sign_in(db: Database) -> list[dict[str, Any]]:
    """The demo accounts to show on the sign-in screen ([] for a real office)."""
    value = settings.get(db, SETTING)
    return [a for a in value if isinstance(a, dict)] if isinstance(value, list) else []
