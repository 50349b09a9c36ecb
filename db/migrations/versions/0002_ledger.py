"""ledger search index and ledger additions

Revision ID: 0002
Revises: 0001
Owned by the ledger capability: add its schema changes here (until it has any, this
revision changes nothing, so every capability has its own place in the chain).
"""

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
