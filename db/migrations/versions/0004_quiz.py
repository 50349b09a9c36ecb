"""quiz additions

Revision ID: 0004
Revises: 0003
Owned by the quiz capability: add its schema changes here (until it has any, this
revision changes nothing, so every capability has its own place in the chain).
"""

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
