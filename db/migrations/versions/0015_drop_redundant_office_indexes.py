"""two indexes nothing needs: issue's office_code alone and progress's office_code

``ix_issue_office_code`` is the first column of ``ix_issue_office_year_serial``, which answers every
query on an item's office (the planner takes the longer index for ``office_code = ?`` and
``office_code IN (...)`` alike). Progress entries are read through their item (``ix_progress_issue_id``)
or by clock stamp for sync, never by office, so ``ix_progress_office_code`` was written and never
read. Together 5 MB at 100,000 items (221,717 progress entries). Dropping an index loses no row; the
downgrade makes them again. Both engines (the server has both tables).

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

DROPPED = (("ix_issue_office_code", "issue"), ("ix_progress_office_code", "progress"))


def upgrade() -> None:
    for name, _table in DROPPED:
        op.execute(f"DROP INDEX IF EXISTS {name}")


def downgrade() -> None:
    for name, table in DROPPED:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} (office_code)")
