"""The ledger's text search on PostgreSQL: the character-bigram GIN index (migration 0013, issue #17).

The index narrows the candidates of a word of two or more characters; LIKE rechecks them. These tests
hold it to exactly what the LIKE scan finds — each word a substring of one field, case-sensitive,
% and _ literal, never across two fields — and check that the planner can use the index for the
expression the query builds. They run on PostgreSQL only (scripts/pg_test.sh).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import and_, or_, select, text
from sqlalchemy.orm import Session

from db import bigrams, migrate
from db.models import Issue
from desktop_app.context import AppContext
from desktop_app.ledger import query, search
from desktop_app.ledger.query import IssueFilter, count_issues
from tests.helpers import pg_plugin

pytestmark = pg_plugin.needs_pg

FIELDS = bigrams.INDEXED_FIELDS

#: hand-made items: (serial, category, description, measures, responsible_unit, co_units, person, leader, progress)
ITEMS: list[tuple[str, ...]] = [
    ("2026-001", "党建", "落实整改不到位", "", "县委办", "", "张三", "", ""),
    # 整 ends one field, 改 begins the next: 整改 must not match across the boundary
    ("2026-002", "基层整", "改革推进慢", "建设", "党", "", "", "", ""),
    ("2026-003", "", "完成率100%以上", "a_b 方案", "", "x%y", "", "", "50_%"),
    ("2026-004", "", "ab 方案 axb", "100 以上", "", "", "", "", ""),
    ("2026-005", "", "PostgreSQL 迁移", "postgresql", "SQL组", "", "", "", "Sql 调优"),
    ("2026-006", "", "党建工作推进", "整改", "", "", "李四", "王五", "党建工作已整改"),
    ("2026-007", "", "整", "改", "", "", "", "", ""),
]

WORDS = ["整改", "党建", "党建工", "整改 党建", "整", "改", "%", "_", "0%", "a_b", "ab", "x%y", "%y", "50_%",
         "PostgreSQL", "postgresql", "SQL", "Sql", "sql", "26-0", "2026-00", "整改 %", "改革 党", "建设 整改"]


def _add(ctx: AppContext, rows: Sequence[tuple[str, ...]]) -> None:
    with ctx.db.transaction() as s:
        for r in rows:
            s.add(Issue(office_code=ctx.office_code, year=2026, **dict(zip(FIELDS, r, strict=True))))


def _expected(rows: Sequence[tuple[str, ...]], words: str) -> set[str]:
    """The serials whose item holds every word as a substring of one field (what the LIKE scan means).

    A text with no letter or digit at all (“%”) matches nothing, on either engine (``search.match_query``).
    """
    if search.match_query(words) is None:
        return set()
    return {r[0] for r in rows if all(any(w in f for f in r) for w in words.split())}


def _found(s: Session, words: str) -> set[str]:
    cond = search.text_condition(words, s)
    assert cond is not None
    return set(s.execute(select(Issue.serial).where(cond)).scalars())


def _like_scan(s: Session, words: str) -> set[str]:
    cond = and_(*[or_(*[getattr(Issue, f).contains(w, autoescape=True) for f in FIELDS]) for w in words.split()])
    return set(s.execute(select(Issue.serial).where(cond)).scalars())


def test_the_function_and_index_exist_after_the_migration_and_go_with_a_downgrade(ctx: AppContext) -> None:
    def state() -> tuple[int, int]:
        with ctx.db.session() as s:
            idx = s.execute(text("SELECT count(*) FROM pg_indexes WHERE tablename = 'issue' AND indexname = :n "
                                 "AND indexdef LIKE '%USING gin%'"), {"n": bigrams.INDEX}).scalar()
            fn = s.execute(text("SELECT count(*) FROM pg_proc WHERE proname = :f AND provolatile = 'i'"),
                           {"f": bigrams.FUNCTION}).scalar()
            return int(idx or 0), int(fn or 0)

    assert state() == (1, 1)
    with ctx.db.session() as s:
        got = list(s.execute(text("SELECT fielddesk_bigrams('整改整改Ab')")).scalar() or [])
        assert set(got) == {"整改", "改整", "改a", "ab"} and len(got) == 4
        assert s.execute(text("SELECT fielddesk_bigrams('党')")).scalar() == []
    ctx.db.engine.dispose()
    migrate.downgrade(ctx.db.engine, "0012")  # the revision before this index
    assert state() == (0, 0)
    migrate.upgrade(ctx.db.engine)
    assert state() == (1, 1)


def test_results_are_the_like_scans_on_hand_made_items(ctx: AppContext) -> None:
    _add(ctx, ITEMS)
    with ctx.db.session() as s:
        for words in WORDS:
            want = _expected(ITEMS, words)
            assert _found(s, words) == want, words
            if search.match_query(words) is not None:
                assert _like_scan(s, words) == want, words
    # a few of the cases spelt out, so the reference itself is checked
    with ctx.db.session() as s:
        assert _found(s, "整改") == {"2026-001", "2026-006"}  # not 002 (整|改革) nor 007 (整|改)
        assert _found(s, "ab") == {"2026-004"}  # a_b is not ab
        assert _found(s, "postgresql") == {"2026-005"} and _found(s, "Sql") == {"2026-005"}
        assert _found(s, "PostgreSQL") == {"2026-005"} and _found(s, "SQl") == set()
        assert _found(s, "0%") == {"2026-003"} and _found(s, "%") == set()


def test_results_are_the_like_scans_on_random_items(ctx: AppContext) -> None:
    """Texts and words from a small alphabet, so bigrams collide everywhere and within and across fields."""
    rnd = random.Random(17)
    alphabet = "整改党建aAbB%_ 工"
    rows = [(f"S{i:04d}", *["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12))).strip()
                           for _f in FIELDS[1:]]) for i in range(400)]
    _add(ctx, rows)
    with ctx.db.session() as s:
        nonempty = 0
        for _ in range(150):
            words = " ".join("".join(rnd.choice(alphabet.replace(" ", "")) for _c in range(rnd.randint(1, 4)))
                             for _w in range(rnd.randint(1, 2)))
            want = _expected(rows, words)
            nonempty += bool(want)
            assert _found(s, words) == want, words
        assert nonempty > 30  # the words do match things: the comparison is not of empty sets


def test_a_two_character_search_uses_the_index(ctx: AppContext) -> None:
    filler = [(f"F{i:05d}", "综合", "道路硬化工程进度滞后", "加快推进", "交通局", "", "", "", "") for i in range(3000)]
    _add(ctx, filler + ITEMS)
    with ctx.db.engine.connect() as c:
        c.execute(text("ANALYZE issue"))
        c.commit()
    with ctx.db.session() as s:
        for words in ("党建", "整改 党建", "党建工"):
            cond = search.text_condition(words, s)
            assert cond is not None
            sql = select(Issue.id).where(cond).compile(dialect=s.get_bind().dialect,
                                                         compile_kwargs={"literal_binds": True})
            plan = "\n".join(s.execute(text(f"EXPLAIN {sql}")).scalars())
            assert f"Bitmap Index Scan on {bigrams.INDEX}" in plan, plan
        # one character has no bigram: the LIKE scan alone, never the index
        sql = select(Issue.id).where(search.text_condition("党", s)).compile(  # type: ignore[arg-type]
            dialect=s.get_bind().dialect, compile_kwargs={"literal_binds": True})
        assert bigrams.INDEX not in "\n".join(s.execute(text(f"EXPLAIN {sql}")).scalars())
    # and the ledger's own count agrees with the reference
    assert count_issues(ctx.db, IssueFilter(year=2026, text="党建")) == len(_expected(ITEMS, "党建"))


def test_a_broad_text_walks_the_serial_order_without_the_index_and_gives_the_same_rows(
        ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """整改 in most items: collecting every candidate through the index and sorting them is the slow way
    (0.39 s for a page at 100k), so the page walks the serial index testing LIKE on each row."""
    monkeypatch.setattr(search, "BROAD_MATCHES", 100)
    rows = [(f"2026-{i:03d}", "", "落实整改" if i % 10 else "党建工作", "", "", "", "", "", "") for i in range(1, 601)]
    _add(ctx, rows)
    with ctx.db.engine.connect() as c:
        c.execute(text("ANALYZE issue"))
        c.commit()
    with ctx.db.session() as s:
        assert search.is_broad("整改", s) and not search.is_broad("党建", s) and not search.is_broad("整", s)
    assert query.count_is_slow(ctx.db, IssueFilter(year=2026, text="整改"))  # broad: counted off the UI thread
    assert not query.count_is_slow(ctx.db, IssueFilter(year=2026, text="党建"))  # the index counts it at once
    assert query.count_is_slow(ctx.db, IssueFilter(year=2026, text="党"))  # one character: a LIKE scan

    narrow = [r.serial for r in query.iter_issue_rows(ctx.db, IssueFilter(year=2026, text="党建"), batch=25)]
    assert narrow == [r[0] for r in rows if "党建" in r[2]]

    def no_index(_word: str) -> Any:
        raise AssertionError("a broad text's page must not ask the index")

    real = search.bigram_condition
    monkeypatch.setattr(search, "bigram_condition", no_index)
    walked = [r.serial for r in query.iter_issue_rows(ctx.db, IssueFilter(year=2026, text="整改"), batch=50)]
    assert walked == [r[0] for r in rows if "整改" in r[2]]
    monkeypatch.setattr(search, "bigram_condition", real)
    assert query.count_issues(ctx.db, IssueFilter(year=2026, text="整改")) == len(walked) == 540
