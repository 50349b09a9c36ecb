"""search index without a second copy of the text: issue_fts becomes a contentless FTS5 table

The ledger's text search (desktop_app/ledger/search.py) only ever asks the index which keys
match; it never reads the indexed text back. FTS5 kept a full copy of it anyway
(``issue_fts_content``: about 100 MB at 100,000 items). A contentless table (``content=''``)
keeps the index alone. Its rows cannot be deleted one by one on SQLite before 3.43, so an
edited item gets a new key and its old entry is left unreferenced until the next rebuild
(search.py explains). The index is rebuilt from the items on first use after this upgrade
(the mark -1 asks for it). SQLite only: PostgreSQL has no FTS table. The key table gains the
digest of the text indexed under each key, so an item whose text did not change is not indexed
again (each new indexing would leave one more unreferenced entry).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _rebuild_asked() -> None:
    # only where there are items to index: a new, empty database stays empty (migrate-db writes only into one)
    op.execute("DELETE FROM setting WHERE key = 'ledger.search_mark'")
    op.execute("INSERT INTO setting (key, value) SELECT 'ledger.search_mark', '-1' WHERE EXISTS (SELECT 1 FROM issue)")


def upgrade() -> None:
    # the key table is there on every engine (PostgreSQL leaves it empty): one schema, same models
    with op.batch_alter_table("issue_search_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.BigInteger(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS issue_fts")
    op.execute("CREATE VIRTUAL TABLE issue_fts USING fts5(body, content = '', tokenize = 'unicode61')")
    _rebuild_asked()


def downgrade() -> None:
    with op.batch_alter_table("issue_search_key", schema=None) as batch_op:
        batch_op.drop_column("digest")
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS issue_fts")
    op.execute("CREATE VIRTUAL TABLE issue_fts USING fts5(body, tokenize = 'unicode61')")
    _rebuild_asked()
