"""the ledger's text search indexed on PostgreSQL: a character-bigram GIN expression index

SQLite searches the ledger through its FTS5 character index (migration 0002/0011); PostgreSQL
scanned every item with LIKE (0.32 s to count 党建 at 100,000 items, issue #17). This adds the
IMMUTABLE function ``fielddesk_bigrams(text)`` (the distinct 2-character substrings of the
lower-cased text) and a GIN index on ``issue`` over the bigrams of its searchable fields joined
by a space (``db/bigrams.py``: the query builds the same expression from the same function).
No column, no trigger: PostgreSQL keeps an expression index current itself. SQLite: nothing.
"""

from alembic import op

from db import bigrams

revision = "0013"  # the one place this migration's number is written (renumber here, and the file name)
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(bigrams.FUNCTION_SQL)
    op.execute(bigrams.index_sql())
    # the planner needs the new expression's statistics to choose the index for rare words only
    op.execute("ANALYZE issue")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS {bigrams.INDEX}")
    op.execute(f"DROP FUNCTION IF EXISTS {bigrams.FUNCTION}(text)")
