"""index the audit log by target (item timelines) and the change log by clock (read at every open)

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_entry_target", "audit_entry", ["target_table", "target_id"])
    op.create_index(op.f("ix_change_log_hlc"), "change_log", ["hlc"])


def downgrade() -> None:
    op.drop_index(op.f("ix_change_log_hlc"), table_name="change_log")
    op.drop_index("ix_audit_entry_target", table_name="audit_entry")
