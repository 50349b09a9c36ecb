"""a leaner change log: an insert that wrote every column is logged as fields "*"

Every insert logged the JSON list of all its table's columns (about 460 bytes a row for an item:
at 20,000 items some 14 MB of the 21 MB change log). ``db.changes.encode_fields`` now writes "*"
for such an insert, and ``decode_fields`` (the one reader) expands it to the table's columns. This
rewrites the inserts already logged: those whose list is exactly the columns "*" stands for in the
running code (``db.changes.insert_fields``), so an insert logged before a column was added, or a
remote insert that carried only some fields, keeps its explicit list and its meaning. Bundles are
unchanged on the wire: the exporter expands "*" before it writes a change line.

Distinct lists are few (one per table and way of writing), so each is parsed once and rewritten with
one UPDATE over the rows holding exactly that text. The downgrade writes the full lists back.

Revision ID: 0012
Revises: 0011
"""

import json

import sqlalchemy as sa
from alembic import op

from db.changes import ALL_FIELDS, insert_fields

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _synced_columns(table: str) -> list[str] | None:
    try:
        return insert_fields(table)
    except KeyError:  # a table the running code does not sync: leave its entries alone
        return None


def upgrade() -> None:
    conn = op.get_bind()
    pairs = conn.execute(sa.text("SELECT DISTINCT table_name, fields FROM change_log "
                                 "WHERE op = 'insert' AND fields <> :star"), {"star": ALL_FIELDS}).all()
    for table, text in pairs:
        columns = _synced_columns(table)
        if columns is None:
            continue
        try:
            listed = json.loads(text or "[]")
        except ValueError:
            continue
        if isinstance(listed, list) and len(listed) == len(columns) and set(listed) == set(columns):
            conn.execute(sa.text("UPDATE change_log SET fields = :star "
                                 "WHERE op = 'insert' AND table_name = :t AND fields = :f"),
                         {"star": ALL_FIELDS, "t": table, "f": text})


def downgrade() -> None:
    conn = op.get_bind()
    tables = conn.execute(sa.text("SELECT DISTINCT table_name FROM change_log WHERE fields = :star"),
                          {"star": ALL_FIELDS}).scalars().all()
    for table in tables:
        columns = _synced_columns(table)
        if columns is None:
            continue
        conn.execute(sa.text("UPDATE change_log SET fields = :f WHERE table_name = :t AND fields = :star"),
                     {"star": ALL_FIELDS, "t": table, "f": json.dumps(columns)})
