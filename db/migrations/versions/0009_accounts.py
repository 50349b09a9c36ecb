"""accounts: roles, lockout and first-password fields on app_user; audit entries name the account; the audit head kept apart; change-log entries name who made them

Existing audit entries keep their actor text and get actor_login NULL — recorded before
accounts existed. The newest entry's id and hash are written to the ``audit.head`` setting,
so deleting the tail of the log from now on is seen by ``fielddesk audit verify``.

Revision ID: 0009
Revises: 0008
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("roles", sa.Text(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("approve_sections", sa.Text(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("failed_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("must_change", sa.Boolean(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_login", sa.String(length=40), nullable=True))
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor", sa.String(length=60), nullable=True))
    conn = op.get_bind()
    # the first schema's single role becomes the roles list (the table was unused; kept for safety)
    legacy = {"admin": "admin", "leader": "approver", "clerk": "clerk", "viewer": "viewer"}
    for uid, role in conn.execute(sa.text("SELECT id, role FROM app_user")).fetchall():
        roles = [legacy[role]] if role in legacy else []
        conn.execute(sa.text("UPDATE app_user SET roles = :r WHERE id = :i"), {"r": json.dumps(roles), "i": uid})
    last = conn.execute(sa.text("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1")).first()
    if last is not None:
        count = conn.execute(sa.text("SELECT COUNT(*) FROM audit_entry")).scalar() or 0
        head = json.dumps({"id": last[0], "hash": last[1], "count": count})
        conn.execute(sa.text("DELETE FROM setting WHERE key = 'audit.head'"))
        conn.execute(sa.text("INSERT INTO setting (key, value) VALUES ('audit.head', :v)"), {"v": head})
        conn.execute(sa.text("DELETE FROM setting WHERE key = 'accounts.legacy_audit_id'"))
        conn.execute(sa.text("INSERT INTO setting (key, value) VALUES ('accounts.legacy_audit_id', :v)"),
                     {"v": json.dumps(last[0])})


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM setting WHERE key IN ('audit.head', 'accounts.legacy_audit_id')"))
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("actor")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("actor_login")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("created_at")
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("must_change")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_count")
        batch_op.drop_column("approve_sections")
        batch_op.drop_column("roles")
