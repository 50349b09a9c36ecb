"""a leaner change log: an insert that wrote every column is logged as fields "*"

Every insert logged the JSON list of all its table's columns (about 460 bytes a row for an item:
at 20,000 items some 14 MB of the 21 MB change log). ``db.changes.encode_fields`` now writes "*"
for such an insert, and ``decode_fields`` (the one reader) expands it to the table's columns. This
rewrites the inserts already logged: those whose list is exactly the columns "*" stands for in the
running code (``db.changes.insert_fields``), so an insert logged before a column was added, or a
remote insert that carried only some fields, keeps its explicit list and its meaning. Bundles are
unchanged on the wire: the exporter expands "*" before it writes a change line.

Distinct lists are few (one per table and way of writing), so each is parsed once. On PostgreSQL one
UPDATE per list rewrites the rows (the server reclaims the old versions). On SQLite an in-place UPDATE
would leave each shortened row's bytes as a hole in its page that later rows never fill (they are
appended in rowid order): the log would stay as large as before. So the log is copied out, emptied
(its pages go to the free list, reused as the file grows again — the file itself only shrinks with a
VACUUM) and written back with the same rowids (``ledger.search`` keeps its place by rowid), its
indexes made afresh. About 25 s at 100,000 items on a loaded machine. The downgrade writes the full
lists back.

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


def _full_lists(conn: sa.Connection) -> list[tuple[str, str]]:
    """(table, fields text) of the logged inserts whose list is every column "*" stands for."""
    pairs = conn.execute(sa.text("SELECT DISTINCT table_name, fields FROM change_log "
                                 "WHERE op = 'insert' AND fields <> :star"), {"star": ALL_FIELDS}).all()
    out = []
    for table, text in pairs:
        columns = _synced_columns(table)
        if columns is None:
            continue
        try:
            listed = json.loads(text or "[]")
        except ValueError:
            continue
        if isinstance(listed, list) and len(listed) == len(columns) and set(listed) == set(columns):
            out.append((table, text))
    return out


def _rebuild_sqlite(conn: sa.Connection, full: list[tuple[str, str]]) -> None:
    cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(change_log)")]
    indexes = [sql for (sql,) in conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'change_log' AND sql IS NOT NULL")]
    matches = " OR ".join(f"(table_name = :t{i} AND fields = :f{i})" for i in range(len(full)))
    params: dict[str, str] = {"star": ALL_FIELDS}
    for i, (table, text) in enumerate(full):
        params[f"t{i}"], params[f"f{i}"] = table, text
    # each named: a temp table made from a bare expression names its column after the expression text
    picked = ", ".join(f"CASE WHEN op = 'insert' AND ({matches}) THEN :star ELSE fields END AS fields"
                       if c == "fields" else f'"{c}" AS "{c}"' for c in cols)
    names = ", ".join(f'"{c}"' for c in cols)
    conn.execute(sa.text(f"CREATE TEMP TABLE lean_change_log AS SELECT rowid AS old_rowid, {picked} "
                         "FROM change_log"), params)
    for (name,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index' "
                                        "AND tbl_name = 'change_log' AND sql IS NOT NULL").all():
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    conn.exec_driver_sql("DELETE FROM change_log")
    conn.exec_driver_sql(f"INSERT INTO change_log (rowid, {names}) SELECT old_rowid, {names} "
                         "FROM lean_change_log ORDER BY old_rowid")
    conn.exec_driver_sql("DROP TABLE lean_change_log")
    for sql in indexes:
        conn.exec_driver_sql(sql)


def upgrade() -> None:
    conn = op.get_bind()
    full = _full_lists(conn)
    if not full:
        return
    if conn.dialect.name == "sqlite":
        _rebuild_sqlite(conn, full)
        return
    for table, text in full:
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
