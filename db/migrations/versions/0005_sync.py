"""sync additions

Revision ID: 0005
Revises: 0004
Owned by the sync capability: peer details from office cards (name, level,
encryption key, revoked keys) and where a conflict came from / when it was resolved.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("peer_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("office_name", sa.String(length=100), server_default="", nullable=False))
        batch_op.add_column(sa.Column("level", sa.String(length=16), server_default="", nullable=False))
        batch_op.add_column(sa.Column("enc_key", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("revoked_keys", sa.Text(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("trusted_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bundle_id", sa.String(length=36), server_default="", nullable=False))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_sync_conflict_resolved"), ["resolved"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_conflict_resolved"))
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("bundle_id")
    with op.batch_alter_table("peer_state", schema=None) as batch_op:
        batch_op.drop_column("trusted_at")
        batch_op.drop_column("revoked_keys")
        batch_op.drop_column("enc_key")
        batch_op.drop_column("level")
        batch_op.drop_column("office_name")
