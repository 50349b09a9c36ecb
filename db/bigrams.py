"""The ledger's character-bigram text index on PostgreSQL (issue #17; migration 0013).

SQLite searches through its FTS5 character index (``desktop_app/ledger/search.py``). PostgreSQL has
no such tokenizer and pg_trgm cannot index a 2-character term (整改, 党建: no trigram), so an
IMMUTABLE SQL function ``fielddesk_bigrams(text)`` gives the distinct 2-character substrings of the
lower-cased text and a GIN expression index on ``issue`` holds them for the indexed fields joined by
a space. A query word of two or more characters asks ``fielddesk_bigrams(<the same expression>) @>
fielddesk_bigrams(word)`` — the candidates — and the LIKE conditions recheck them exactly.

The planner uses an expression index only for a query expression equal to the index's, so the
migration and the query both take it from ``indexed_text_sql`` below. The separator is a space:
query words are split on whitespace, so no query bigram holds it (a bigram spanning two fields
is never asked for).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: the SQL function (migration 0013) and the GIN index over it
FUNCTION = "fielddesk_bigrams"
INDEX = "ix_issue_text_bigrams"
#: the item fields the search covers, in index order (desktop_app.ledger.search re-exports them)
INDEXED_FIELDS: tuple[str, ...] = ("serial", "category", "description", "measures", "responsible_unit",
                                   "co_units", "responsible_person", "lead_leader", "latest_progress")

#: SQLite: the SQL name of ``holds_word`` (registered on every connection by ``db.engine``), with which a
#: search of a word of three or more characters rechecks the FTS index's candidates
HOLDS_FUNCTION = "fielddesk_holds"

_NOT_TOKEN = re.compile(r"[\W_]+")


def searchable_chars(s: str | None) -> str:
    """The searchable characters of ``s`` (letters and digits of any script), lower-cased (SQLite's
    text index holds these; a NULL field holds none)."""
    return _NOT_TOKEN.sub("", s.lower()) if s else ""


def holds_word(word: str, *fields: str | None) -> bool:
    """Whether one of ``fields`` holds ``word`` (searchable characters) in its searchable characters."""
    return any(word in searchable_chars(f) for f in fields)


#: each character paired with the next one (a window over the characters in order: substr(t, i, 2) over
#: generate_series would walk the UTF-8 text from its start for every i, 4.6× slower on the ledger's texts)
FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT b), '{{}}'::text[]) FROM (
    SELECT c || lead(c) OVER (ORDER BY n) AS b
    FROM unnest(string_to_array(lower(t), NULL)) WITH ORDINALITY AS u(c, n)) AS pairs
  WHERE b IS NOT NULL
$$
"""


def indexed_text_sql(table: str = "", fields: Sequence[str] = INDEXED_FIELDS) -> str:
    """The SQL of the indexed text: the fields (NULL as empty) joined by a space.

    ``table``: a qualifier for the columns (``"issue"`` in a query; the index names them bare).
    PostgreSQL compares the parsed expressions, so a qualified and a bare column are the same.
    """
    prefix = f"{table}." if table else ""
    return " || ' ' || ".join(f"coalesce({prefix}{f}, '')" for f in fields)


def bigrams_sql(table: str = "") -> str:
    """``fielddesk_bigrams(<indexed text>)``: the indexed expression, in the index and in queries alike."""
    return f"{FUNCTION}({indexed_text_sql(table)})"


def index_sql() -> str:
    """The DDL of the GIN index (migration 0013)."""
    return f"CREATE INDEX IF NOT EXISTS {INDEX} ON issue USING gin (({bigrams_sql()}))"
