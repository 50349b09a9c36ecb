"""widen visit.method to 60 characters: a sheet's combined methods (座谈交流、实地走访、个别访谈、查阅资料) fit whole

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.alter_column("method", existing_type=sa.String(length=12), type_=sa.String(length=60),
                              existing_nullable=False)


def downgrade() -> None:
    # SQLite keeps longer text in a narrower VARCHAR; the width is only the schema's promise
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.alter_column("method", existing_type=sa.String(length=60), type_=sa.String(length=12),
                              existing_nullable=False)
