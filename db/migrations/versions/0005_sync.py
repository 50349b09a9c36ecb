"""sync additions

Revision ID: 0005
Revises: 0004
Owned by the sync capability: add its schema changes here (until it has any, this
revision changes nothing, so every capability has its own place in the chain).
"""

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
