"""a smaller search index: issue_fts holds each field's character bigrams, without positions

The ledger's FTS5 index (migration 0011) held one token per character with its positions
(``detail=full``), so a word was a phrase of its characters: 62.5 MB at 100,000 items, plus 1.1 MB
of per-row token counts nothing reads. It now holds the distinct character bigrams of each field and
each field's last character, without positions or counts (``detail=none, columnsize=0``): 21.5 MB,
and a two-character word (整改, 党建) is one doclist instead of a phrase of two. How a query is made
and rechecked: desktop_app/ledger/search.py.

The old entries cannot be read as the new ones, so the table is made afresh and the index is
rebuilt from the items on first use (the mark -1 asks for it, as 0011 did); until then a search
first catches up. Nothing of the office's data is touched: the index is derived from ``issue``.
SQLite only: PostgreSQL has no FTS table (its bigram GIN index is 0013's).

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BIGRAMS = ("CREATE VIRTUAL TABLE issue_fts USING fts5(body, content = '', tokenize = 'unicode61', "
           "detail = none, columnsize = 0)")
CHARACTERS = "CREATE VIRTUAL TABLE issue_fts USING fts5(body, content = '', tokenize = 'unicode61')"


def _rebuild_asked() -> None:
    # only where there are items to index: a new, empty database stays empty (migrate-db writes only into one)
    op.execute("DELETE FROM setting WHERE key = 'ledger.search_mark'")
    op.execute("INSERT INTO setting (key, value) SELECT 'ledger.search_mark', '-1' WHERE EXISTS (SELECT 1 FROM issue)")


def _recreate(create: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS issue_fts")  # its keys (issue_search_key) are numbered afresh by the rebuild
    op.execute(create)
    _rebuild_asked()


def upgrade() -> None:
    _recreate(BIGRAMS)


def downgrade() -> None:
    _recreate(CHARACTERS)
