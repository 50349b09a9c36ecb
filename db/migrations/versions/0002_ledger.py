"""ledger search index and ledger additions

Revision ID: 0002
Revises: 0001
Owned by the ledger capability.

- ``issue_search_key``: a local integer key per item (the FTS rowid);
- ``issue_fts``: an FTS5 index of each item's text, one token per character
  (SQLite only), so a phrase query finds Chinese substrings of any length —
  two-character terms such as 整改 included, which trigram cannot;
- indexes for the ledger table: one year in serial order, counts by status
  and deadline (colours).
"""

from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issue_search_key",
        sa.Column("key", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issue_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_issue_search_key")),
        sa.UniqueConstraint("issue_id", name=op.f("uq_issue_search_key_issue_id")),
    )
    with op.batch_alter_table("issue", schema=None) as batch_op:
        # serials in natural order (2026-999 before 2026-1000): shorter first, then by text
        batch_op.create_index("ix_issue_year_serial", ["year", sa.text("(CAST(length(serial) + 100 AS VARCHAR) || serial)"),
                                                       "id", "status", "deleted", "deadline", "serial"], unique=False)
        batch_op.create_index("ix_issue_year_status_deadline", ["year", "status", "deadline", "deleted", "id"],
                              unique=False)
        batch_op.create_index("ix_issue_year_deadline", ["year", "deadline", "status", "deleted", "id"], unique=False)
        batch_op.create_index("ix_issue_year_unit", ["year", "responsible_unit", "responsible_person", "status", "deadline",
                                                    "deleted", "id"], unique=False)
        batch_op.create_index("ix_issue_id_filters", ["id", "year", "status", "deleted", "deadline"], unique=False)
        batch_op.create_index("ix_issue_year_dates", ["year", "assigned_date", "created_at", "closed_at", "status",
                                                      "deleted", "deadline"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE issue_fts USING fts5(body, tokenize = 'unicode61')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS issue_fts")
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_index("ix_issue_year_dates")
        batch_op.drop_index("ix_issue_id_filters")
        batch_op.drop_index("ix_issue_year_unit")
        batch_op.drop_index("ix_issue_year_deadline")
        batch_op.drop_index("ix_issue_year_status_deadline")
        batch_op.drop_index("ix_issue_year_serial")
    op.drop_table("issue_search_key")
