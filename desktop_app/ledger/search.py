"""Chinese substring search over the ledger (全文检索).

On SQLite the ``issue_fts`` FTS5 table (migration 0014) holds, for each item, the distinct
character bigrams of each field (“整改措施” → 整改 改措 措施) and each field's last character, with
no positions (``detail=none``) and no copy of the text. A query word becomes:

- one character: the prefix query ``"x"*`` (every bigram starting with it, or a field ending in it);
- two characters: its one bigram — exact, as a two-character phrase was;
- three or more: the AND of its bigrams, which finds every item holding the word and some that only
  hold its bigrams apart; those candidates are rechecked against the item's text (the word must be
  in one field's searchable characters: ``fielddesk_holds``, registered by ``db.engine``), as
  PostgreSQL rechecks its bigram candidates with LIKE.

Bigrams are made per field, so none spans two fields. The FTS rowid is the item's local key in
``issue_search_key``. A positional index of single characters (migration 0011) took 63 MB at
100,000 items; this one takes 22 MB and answers two-character words from one doclist.

The index is contentless: it holds no copy of the text, only which keys hold which bigrams. SQLite
before 3.43 cannot delete a row of such a table, so an edited item is indexed again under a new key
(its key row moves up, keys only grow) and its old entry stays in the index, matched by nothing:
every query joins the key table. When such stale entries outnumber the live ones the index is
rebuilt (``catch_up``).

On PostgreSQL each word must occur (LIKE) in one field; a word of two or more characters first
narrows the candidates through the character-bigram GIN index of migration 0013 (``db/bigrams.py``):
``fielddesk_bigrams(<indexed text>) @> fielddesk_bigrams(word)``, then LIKE rechecks them, so the
result is the LIKE scan's exactly. A 1-character word is a LIKE scan.
"""

from __future__ import annotations

import hashlib
import json
import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    String,
    Table,
    TextClause,
    and_,
    false,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from db import bigrams
from db.engine import Database
from db.models import Issue
from db.models_ledger import IssueSearchKey
from desktop_app.org import settings

#: the item fields the search covers, in index order (the same on both engines: db/bigrams.py)
INDEXED_FIELDS = bigrams.INDEXED_FIELDS
_BATCH = 2000
#: the change-log position (rowid) up to which the index is known to be current (a local setting)
SETTING_MARK = "ledger.search_mark"
#: catching up on more changes than this rebuilds the whole index instead
_REBUILD_ABOVE = 20_000
#: the key table as a Core table (plain executemany, no ORM bookkeeping)
_KEYS = cast(Table, IssueSearchKey.__table__)


def _chars(s: str | None) -> str:
    """The searchable characters of ``s`` (letters and digits of any script), lower-cased."""
    return bigrams.searchable_chars(s)


def _pairs(chars: str) -> list[str]:
    """The distinct 2-character pieces of ``chars``, in order."""
    return list(dict.fromkeys(chars[i:i + 2] for i in range(len(chars) - 1)))


def tokenise(values: Iterable[str | None]) -> str:
    """The index body of an item: the distinct bigrams of each field and each field's last character.

    A character is then in a field exactly when a token starts with it (``match_query``'s ``"x"*``),
    and a 2-character word exactly when it is a token.
    """
    tokens: dict[str, None] = {}
    for v in values:
        chars = _chars(v)
        tokens.update(dict.fromkeys(_pairs(chars)))
        if chars:
            tokens[chars[-1]] = None
    return " ".join(tokens)


def digest(body: str) -> int:
    """A 64-bit digest of an index body (kept beside its key: unchanged text is not indexed again)."""
    return int.from_bytes(hashlib.blake2b(body.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _words(free_text: str) -> list[str]:
    """The searchable characters of each word typed (words with none left out)."""
    return [c for c in (_chars(w) for w in (free_text or "").split()) if c]


def match_query(free_text: str) -> str | None:
    """The FTS5 MATCH expression for what the user typed (None when nothing searchable).

    Exact for words of one or two characters; a longer word's items are among its matches
    (``rechecked_words`` names the words whose matches need the recheck).
    """
    terms: list[str] = []
    for chars in _words(free_text):
        if len(chars) == 1:
            terms.append(f'"{chars}"*')
        else:
            terms.extend(f'"{pair}"' for pair in _pairs(chars))
    return " AND ".join(dict.fromkeys(terms)) if terms else None


def rechecked_words(free_text: str) -> list[str]:
    """The words (searchable characters) of three or more characters: the index's matches for them
    are candidates, each checked against the item's text (``recheck_sql``)."""
    return list(dict.fromkeys(c for c in _words(free_text) if len(c) >= 3))


def recheck_sql(words: Sequence[str], table: str = "issue") -> str:
    """SQLite: a condition on the ``table`` row that holds each of ``words`` (searchable characters)
    in one field's searchable characters; the words are bound as ``:fts_w0``, ``:fts_w1``...

    A field holding the word as typed is a match (the word's characters stay next to each other once
    the field's punctuation is dropped and its case folded): SQLite's ``instr`` answers most
    candidates; the others are asked of ``fielddesk_holds`` (one Python call per row).
    """
    cols = [f"{table}.{f}" for f in INDEXED_FIELDS]
    conds = []
    for n in range(len(words)):
        quick = " OR ".join(f"instr({c}, :fts_w{n}) > 0" for c in cols)
        conds.append(f"({quick} OR {bigrams.HOLDS_FUNCTION}(:fts_w{n}, {', '.join(cols)}))")
    return " AND ".join(conds)


def _recheck_params(words: Sequence[str]) -> dict[str, str]:
    return {f"fts_w{n}": w for n, w in enumerate(words)}


def has_fts(bind: Connection | Session) -> bool:
    """Whether this database has the FTS5 index (SQLite with migration 0002)."""
    return bind.get_bind().dialect.name == "sqlite" if isinstance(bind, Session) else bind.dialect.name == "sqlite"


def text_condition(free_text: str, bind: Connection | Session, probe: bool = False) -> ColumnElement[bool] | None:
    """A WHERE condition on ``issue`` for the free-text filter (None when the text is empty).

    ``probe``: test each row against the matches (for a scan in an index's order
    that stops after one page) instead of letting the matches drive the query.
    """
    q = match_query(free_text)
    if q is None:
        return None if not (free_text or "").strip() else false()
    if has_fts(bind):
        m = match_subquery(free_text, bind)
        assert m is not None  # the text has searchable characters and the database has the index
        if probe:
            # unary + stops SQLite from using the id index, so the scan keeps the sort index's order
            return literal_column("+issue.id").in_(select(m.c.issue_id))
        return Issue.id.in_(select(m.c.issue_id))
    conds: list[ColumnElement[bool]] = []
    for word in free_text.split():
        if len(word) >= 2 and not probe:  # a probing walk tests each row: LIKE alone (a broad text)
            conds.append(bigram_condition(word))
            if bigram_is_exact(word):
                continue  # the index's answer is the LIKE's: no recheck of nine fields per candidate
        conds.append(or_(*[getattr(Issue, f).contains(word, autoescape=True) for f in INDEXED_FIELDS]))
    return and_(*conds)


#: two CJK ideographs (the basic block and extension A): characters without case
_TWO_IDEOGRAPHS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2}")


def bigram_is_exact(word: str) -> bool:
    """Whether the bigram index alone finds exactly the items holding ``word`` in one field (PostgreSQL).

    True for a word of two CJK ideographs (整改, 党建): its one bigram is in the indexed text exactly
    when the word is, since ``lower()`` leaves ideographs as they are, makes none from other
    characters and drops no character (so two ideographs are next to each other after it exactly
    when they were before), and the fields are joined by a space, which the word does not hold (so
    it never spans two fields). A longer word's bigrams may sit apart; a letter's case is folded by
    the index and not by LIKE: those are rechecked.
    """
    return _TWO_IDEOGRAPHS.fullmatch(word) is not None


def bigram_condition(word: str) -> ColumnElement[bool]:
    """PostgreSQL: the items whose indexed text holds every 2-character piece of ``word`` (lower-cased).

    Candidates only, found through the GIN index of migration 0013 (the same expression as the
    index's: ``db/bigrams.py``); the caller's LIKE conditions keep the exact semantics.
    """
    return _holds_bigrams(word)


def _holds_bigrams(word: str) -> ColumnElement[bool]:
    """``bigram_condition``'s SQL (the estimates ask the planner about it without the query using it)."""
    return literal_column(bigrams.bigrams_sql("issue")).op("@>", return_type=Boolean)(
        getattr(func, bigrams.FUNCTION)(word))


def match_subquery(free_text: str, bind: Connection | Session) -> Any | None:
    """A subquery (column ``issue_id``) of the items matching ``free_text`` through the FTS index.

    None when the text is empty or the database has no FTS index (use ``text_condition`` then).
    """
    q = match_query(free_text)
    if q is None or not has_fts(bind):
        return None
    # the table asks for a count and then pages of one filter: the MATCH runs once, its ids are reused
    ids = _matched_ids(q, bind, rechecked_words(free_text))
    return (
        text("SELECT value AS issue_id FROM json_each(:fts_ids)").bindparams(fts_ids=ids)
        .columns(issue_id=String)
        # materialised, so SQLite walks the matches and seeks each item, never the reverse
        .cte("m").prefix_with("MATERIALIZED")
    )


#: bumped by every write to the index in this process (cached matches are then stale)
_generation = 0
#: per engine: (query, generation, change-log mark) → the matched ids as a JSON array; a few recent ones
_MATCHES: weakref.WeakKeyDictionary[Any, dict[tuple[str, int, int], str]] = weakref.WeakKeyDictionary()
_KEEP = 4


def _index_changed() -> None:
    global _generation
    _generation += 1


def _cached(conn: Connection, name: str, compute: Callable[[], str]) -> str:
    """``compute()`` for ``name``, remembered per engine while nothing is written (a few recent ones).

    The change-log mark moves on any write (this process or another), the generation on
    any index write here, so a cached answer is never older than the data.
    """
    key = (name, _generation, _change_mark(conn))
    per_engine = _MATCHES.setdefault(conn.engine, {})
    hit = per_engine.get(key)
    if hit is None:
        hit = compute()
        if len(per_engine) >= _KEEP:
            per_engine.pop(next(iter(per_engine)), None)
        per_engine[key] = hit
    return hit


def _matched_ids(q: str, bind: Connection | Session, words: Sequence[str] = ()) -> str:
    """The ids of the items the FTS expression ``q`` matches (a JSON array), cached while nothing is written.

    ``words``: the long words whose candidates are rechecked against the item's text (``rechecked_words``).
    """
    conn = bind.connection() if isinstance(bind, Session) else bind
    sql = "SELECT k.issue_id FROM issue_fts JOIN issue_search_key AS k ON issue_fts.rowid = k.key "
    if words:
        sql += f"JOIN issue ON issue.id = k.issue_id WHERE issue_fts MATCH :q AND {recheck_sql(words)}"
    else:
        sql += "WHERE issue_fts MATCH :q"
    params = {"q": q, **_recheck_params(words)}
    return _cached(conn, "\n".join((q, *words)), lambda: json.dumps(list(
        conn.execute(text(sql), params).scalars().all())))


#: a text is "broad" when it matches at least this many items and this share of the ledger (整改 in most
#: items): its matches are then too many to collect for the first screen; see ``is_broad``
BROAD_MATCHES = 20_000
BROAD_SHARE = 0.2
#: PostgreSQL: a text whose bigram candidates the planner puts at this many or more is counted off the UI thread
#: (``query.count_is_slow``): the count reads each candidate's row, ~4 µs each (0.02 s here), and the first page
#: is on screen sooner without waiting for it
COUNT_LATER_CANDIDATES = 5_000


def match_count(free_text: str, bind: Connection | Session) -> int | None:
    """How many items (of any year or status) the text matches, cached like the matches. None without
    an index or searchable text.

    Words of one or two characters are counted inside the FTS index (its entries, stale ones of edited
    items included: an estimate of the ledger's share for ``is_broad``); a longer word's candidates
    are rechecked, so they are counted as the matched ids.
    """
    q = match_query(free_text)
    if q is None or not has_fts(bind):
        return None
    words = rechecked_words(free_text)
    if words:
        return len(json.loads(_matched_ids(q, bind, words)))
    return _entry_count(q, bind)


def _entry_count(q: str, bind: Connection | Session) -> int:
    """The index entries the FTS expression ``q`` matches, counted inside the index (cached)."""
    conn = bind.connection() if isinstance(bind, Session) else bind
    hit = _cached(conn, "#count " + q, lambda: str(conn.exec_driver_sql(
        "SELECT count(*) FROM issue_fts WHERE issue_fts MATCH ?", (q,)).scalar() or 0))
    return int(hit)


def _indexed_words(free_text: str) -> list[str]:
    """The words the bigram index narrows (two or more characters; PostgreSQL)."""
    return [w for w in free_text.split() if len(w) >= 2]


def estimated_matches(free_text: str, bind: Connection | Session) -> tuple[int, int] | None:
    """PostgreSQL: the planner's estimate of the items the bigram index gives for ``free_text``, and of
    all items (``EXPLAIN``, ~1 ms: the index's statistics know how common each bigram is).

    None when no word is long enough for the index (the text is a LIKE scan).
    """
    words = _indexed_words(free_text)
    if not words:
        return None
    conn = bind.connection() if isinstance(bind, Session) else bind
    cond = " AND ".join(f"{bigrams.bigrams_sql('issue')} @> {bigrams.FUNCTION}(:w{n})" for n in range(len(words)))
    params = {f"w{n}": w for n, w in enumerate(words)}
    raw = conn.execute(text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM issue WHERE {cond}"), params).scalar()
    plan: Any = json.loads(raw) if isinstance(raw, str) else raw
    rows = int(plan[0]["Plan"]["Plan Rows"])
    total = int(conn.execute(text("SELECT greatest(reltuples, 0) FROM pg_class WHERE relname = 'issue'")).scalar() or 0)
    return rows, total


def walk_is_cheaper(free_text: str, others: Sequence[ColumnElement[bool]], year: int, rows: int,
                    bind: Session) -> bool:
    """PostgreSQL: whether ``rows`` items in serial order are found sooner by walking the year's serial
    index with LIKE on each row than by collecting the bigram index's candidates and sorting them.

    ``others``: the filter's other conditions (its year among them). The walk reads about
    ``rows × year's items / matches`` rows and stops; the index way reads every candidate (each a
    heap row and a LIKE recheck, as a walked row is). So the walk wins when ``matches × candidates ≥
    rows × year's items``: at 100k items in one year and a page of 200, from ~4,500 matches on (党建,
    7,076: 0.018 s walking against 0.042 s through the index; a word in 2 items: the walk reads the
    whole year, 0.35 s, against 0.02 s). Three ``EXPLAIN`` (~1 ms each) give the three numbers from the
    planner's statistics: the year's items, the filter's matches and the index's candidates. False
    when no word has two characters (the index cannot narrow it: LIKE alone either way).

    The estimate of a word of three or more characters multiplies its bigrams' frequencies, so it is
    low (合作社: 2 for 2,281): such a word takes the index, which is never slower than sorting its
    candidates.
    """
    words = _indexed_words(free_text)
    if not words:
        return False
    bigram_conds = [_holds_bigrams(w) for w in words]
    year_items = _estimated_rows(select(Issue.id).where(Issue.year == year), bind)
    candidates = _estimated_rows(select(Issue.id).where(*bigram_conds), bind)
    matches = _estimated_rows(select(Issue.id).where(*others, *bigram_conds), bind)
    return matches * candidates >= rows * year_items


def _estimated_rows(stmt: Any, bind: Session) -> float:
    """The planner's estimate of the rows of ``stmt`` (``EXPLAIN``: nothing is run)."""
    compiled = stmt.compile(dialect=bind.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    raw = bind.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    plan: Any = json.loads(raw) if isinstance(raw, str) else raw
    return float(plan[0]["Plan"]["Plan Rows"])  # a parallel plan's Gather: the rows of all workers


def is_broad(free_text: str, bind: Connection | Session) -> bool:
    """Whether the text matches so much of the ledger that collecting every match is the slow part.

    Then the first page is found by walking the list in order and testing each row against the
    index (``row_matches``: ~0.01 s for 整改 at 100k), and the exact count is best made off the
    UI thread. Narrow texts are faster the other way round: the matches drive the query.
    """
    if not has_fts(bind):
        # PostgreSQL: the bigram index's candidates, as the planner estimates them; a text the index
        # cannot narrow (1-character words only) is a LIKE scan whichever way round: not broad
        est = estimated_matches(free_text, bind)
        return est is not None and est[0] >= BROAD_MATCHES and est[0] >= BROAD_SHARE * est[1]
    q = match_query(free_text)
    if q is None or _entry_count(q, bind) < BROAD_MATCHES:  # at most that many matches (a long word's candidates)
        return False
    n = match_count(free_text, bind)
    if not n or n < BROAD_MATCHES:
        return False
    conn = bind.connection() if isinstance(bind, Session) else bind
    total = int(conn.exec_driver_sql("SELECT count(*) FROM issue_search_key").scalar() or 0)
    return total > 0 and n >= BROAD_SHARE * total


def row_matches(free_text: str) -> TextClause | None:
    """A condition testing the current ``issue`` row against the index: one index probe per row
    (and the recheck of a long word against the row's text).

    Exactly the semantics of ``text_condition`` (same index, same expression, same recheck), so a
    count made one way and pages read the other agree row for row.
    """
    q = match_query(free_text)
    if q is None:
        return None
    sql = ("EXISTS (SELECT 1 FROM issue_search_key AS sk, issue_fts AS sf WHERE sk.issue_id = issue.id "
           "AND sf.rowid = sk.key AND issue_fts MATCH :fts_probe)")
    words = rechecked_words(free_text)
    if words:
        sql = f"({sql} AND {recheck_sql(words)})"
    return text(sql).bindparams(fts_probe=q, **_recheck_params(words))


def _fts_table() -> Any:
    from sqlalchemy import table

    return table("issue_fts")


def _bodies(s: Session, ids: Sequence[str]) -> list[tuple[str, str]]:
    cols = [getattr(Issue, f) for f in INDEXED_FIELDS]
    rows = s.execute(select(Issue.id, *cols).where(Issue.id.in_(ids))).all()
    return [(r[0], tokenise(r[1:])) for r in rows]


def index_new_issues(s: Session, bodies: Sequence[tuple[str, Sequence[str | None]]]) -> None:
    """Index items just inserted in this transaction: (id, values of INDEXED_FIELDS) each.

    Faster than ``index_issues`` for a big import: no read-back, nothing to delete.
    """
    if not bodies or not has_fts(s):
        return
    _index_changed()
    conn = s.connection()  # plain driver executemany: per-row SQLAlchemy parameters would cost more
    for start in range(0, len(bodies), _BATCH):
        chunk = bodies[start:start + _BATCH]
        bodies_of = {i: tokenise(v) for i, v in chunk}
        conn.exec_driver_sql("INSERT INTO issue_search_key(issue_id, digest) VALUES (?, ?)",
                             [(i, digest(b)) for i, b in bodies_of.items()])
        keys = dict(s.execute(select(IssueSearchKey.issue_id, IssueSearchKey.key)
                              .where(IssueSearchKey.issue_id.in_([i for i, _v in chunk]))).all())
        conn.exec_driver_sql("INSERT INTO issue_fts(rowid, body) VALUES (?, ?)",
                             [(keys[i], b) for i, b in bodies_of.items()])


def index_issues(s: Session, ids: Sequence[str]) -> None:
    """Bring the index in step with these items (inside the caller's transaction).

    An item whose text is unchanged (same digest) is left as it is; a changed one gets a new key
    above every key (its old entry stays, unreferenced: the contentless index cannot delete it), so
    keys only grow and no stale entry is ever reused.
    """
    if not ids or not has_fts(s):
        return
    _index_changed()
    for start in range(0, len(ids), _BATCH):
        chunk = list(ids[start:start + _BATCH])
        known = {r.issue_id: r.digest for r in s.execute(
            select(IssueSearchKey.issue_id, IssueSearchKey.digest).where(IssueSearchKey.issue_id.in_(chunk)))}
        bodies = [(i, b, digest(b)) for i, b in _bodies(s, chunk)]
        changed = [(i, b, d) for i, b, d in bodies if i not in known or known[i] != d]
        if not changed:
            continue
        # the top key before any moves out (a moved item's old key may be the top one): new keys go above it
        top = int(s.execute(text("SELECT coalesce(max(key), 0) FROM issue_search_key")).scalar() or 0)
        moved = [i for i, _b, _d in changed if i in known]
        if moved:
            s.execute(_KEYS.delete().where(_KEYS.c.issue_id.in_(moved)))
        rows = [{"key": top + n, "issue_id": i, "digest": d} for n, (i, _b, d) in enumerate(changed, 1)]
        s.execute(insert(_KEYS), rows)
        s.execute(text("INSERT INTO issue_fts(rowid, body) VALUES (:k, :b)"),
                  [{"k": r["key"], "b": b} for r, (_i, b, _d) in zip(rows, changed, strict=True)])


def _change_mark(conn: Any) -> int:
    return int(conn.execute(text("SELECT coalesce(max(rowid), 0) FROM change_log")).scalar() or 0)


def catch_up(db: Database) -> int:
    """Index the items changed since the index last caught up; returns how many were (re)indexed.

    Writers that bypass the ledger services (the sync importer, the Excel round trip, bulk
    loads) still write change-log entries; the index follows those entries, so a text search
    never misses an item that arrived in a bundle. Cheap when nothing changed: one max(rowid).
    """
    if db.engine.dialect.name != "sqlite":
        return 0
    with db.session() as s:
        mark = int(settings.read(s, SETTING_MARK, 0) or 0)
        top = _change_mark(s)
        if mark >= 0 and top <= mark:
            return 0
        # asked for by a migration, or the index holds more stale entries than live ones
        rebuild = mark < 0 or _stale_entries(s) > max(_REBUILD_ABOVE, _live_entries(s))
    if rebuild:
        return rebuild_index(db)
    with db.session() as s:
        ids = list(s.execute(text("SELECT DISTINCT row_id FROM change_log WHERE rowid > :m AND table_name = 'issue'"),
                             {"m": mark}).scalars())
    if len(ids) > _REBUILD_ABOVE:
        return rebuild_index(db)
    with db.transaction() as s:
        index_issues(s, ids)
        settings.write(s, SETTING_MARK, top)
    _index_changed()  # again once committed: a match cached meanwhile saw the old index
    return len(ids)


def _live_entries(s: Session) -> int:
    return int(s.execute(text("SELECT count(*) FROM issue_search_key")).scalar() or 0)


def _stale_entries(s: Session) -> int:
    """Index entries no key points at any more (edited items' old text): keys are dense from 1 at a
    rebuild and an edit moves a key to the top, so the gap between the top key and the live count."""
    top = int(s.execute(text("SELECT coalesce(max(key), 0) FROM issue_search_key")).scalar() or 0)
    return top - _live_entries(s)


def rebuild_index(db: Database) -> int:
    """(Re)build the search index for every item; returns the number of items indexed.

    Called after bulk inserts (demo data, benchmarks) that bypass the service.
    """
    if db.engine.dialect.name != "sqlite":
        return 0
    cols = [getattr(Issue, f) for f in INDEXED_FIELDS]
    n = 0
    _index_changed()
    with db.engine.begin() as conn:
        top = _change_mark(conn)
        conn.execute(text("INSERT INTO issue_fts(issue_fts) VALUES ('delete-all')"))  # contentless: no DELETE
        conn.execute(text("DELETE FROM issue_search_key"))
        # keys follow the items' physical order, so the rebuild is one sequential pass
        conn.execute(text("INSERT INTO issue_search_key(issue_id) SELECT id FROM issue"))
        q = (select(IssueSearchKey.key, *cols)
             .join_from(IssueSearchKey, Issue, Issue.id == IssueSearchKey.issue_id)
             .order_by(IssueSearchKey.key))
        result = conn.execution_options(yield_per=_BATCH).execute(q)
        for part in result.partitions(_BATCH):
            bodies = [(r[0], tokenise(r[1:])) for r in part]
            conn.execute(text("INSERT INTO issue_fts(rowid, body) VALUES (:k, :b)"), [{"k": k, "b": b} for k, b in bodies])
            conn.execute(text("UPDATE issue_search_key SET digest = :d WHERE key = :k"),
                         [{"k": k, "d": digest(b)} for k, b in bodies])
            n += len(part)
        conn.execute(text("INSERT INTO issue_fts(issue_fts) VALUES ('optimize')"))
        # after a bulk load the planner needs statistics to pick the ledger's indexes well
        conn.execute(text("ANALYZE"))
        with Session(bind=conn) as s:
            settings.write(s, SETTING_MARK, top)
            s.flush()
    _index_changed()  # again once committed: a match cached meanwhile saw the old index
    return n


def search_ids(db: Database, free_text: str, limit: int = 1000) -> list[str]:
    """Ids of items whose text contains every word of ``free_text`` (at most ``limit``)."""
    catch_up(db)
    with db.session() as s:
        cond = text_condition(free_text, s)
        if cond is None:
            return []
        return list(s.execute(select(Issue.id).where(cond).limit(limit)).scalars())
