"""topics, visits and grassroots-days additions

Revision ID: 0003
Revises: 0002
Owned by the work capability: add its schema changes here (until it has any, this
revision changes nothing, so every capability has its own place in the chain).
"""

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
