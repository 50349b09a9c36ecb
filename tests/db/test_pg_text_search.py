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
from desktop_app.core.context import AppContext
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
    monkeypatch.setattr(search, "COUNT_LATER_CANDIDATES", 100)
    rows = [(f"2026-{i:03d}", "", "落实整改" if i % 10 else "党建工作", "", "", "", "", "", "") for i in range(1, 601)]
    _add(ctx, rows)
    with ctx.db.engine.connect() as c:
        c.execute(text("ANALYZE issue"))
        c.commit()
    with ctx.db.session() as s:
        assert search.is_broad("整改", s) and not search.is_broad("党建", s) and not search.is_broad("整", s)
    assert query.count_is_slow(ctx.db, IssueFilter(year=2026, text="整改"))  # 540 candidates: counted off the UI thread
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


def _page_sql(ctx: AppContext) -> tuple[list[str], Any]:
    """The statements the ledger sends (EXPLAINs left out), and the listener to remove."""
    from sqlalchemy import event

    sent: list[str] = []

    def note(_conn: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if not statement.lstrip().upper().startswith("EXPLAIN"):
            sent.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", note)
    return sent, note


def test_a_page_walks_the_serial_order_or_takes_the_index_by_how_dense_the_matches_are(
        ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL picks the page's plan by the planner's estimates (``search.walk_is_cheaper``): walking the
    year's serial order with LIKE on each row stops after a page, so it wins when matches are dense
    (a page of 25 among 1,000 items: from ~160 matches on); a rare word through the index. Either way the
    rows are the LIKE scan's, in the same order, page after page and from either end."""
    from sqlalchemy import event

    def item(year: int, i: int) -> tuple[str, ...]:
        words = ["落实整改" if i % 10 else "道路硬化"]  # 整改: 90 %
        if i % 5 == 0:
            words.append("党建工作")  # 20 %: dense enough for a page of 25, not for one of 200
        if i in (7, 503):
            words.append("回访群众")  # rare: 2 items a year
        unit = "县委办" if i % 200 == 5 else "交通局"  # 0.5 %: 5 items a year, all with 整改 and 党建
        return (f"{year}-{i:04d}", "综合", "，".join(words), "加快推进", unit, "", "", "", "")

    rows = [item(y, i) for y in (2025, 2026) for i in range(1, 1001)]  # the same mix in both years
    with ctx.db.transaction() as s:
        for r in rows:
            s.add(Issue(office_code=ctx.office_code, year=int(r[0][:4]), **dict(zip(FIELDS, r, strict=True))))
    with ctx.db.engine.connect() as c:
        c.execute(text("ANALYZE issue"))
        c.commit()

    def walks(words: str, limit: int, unit: str = "") -> bool:
        f = IssueFilter(year=2026, text=words, unit=unit)
        with ctx.db.session() as s:
            others = query.conditions(f, query.warning_clock(ctx.db), s, with_text=False)
            return search.walk_is_cheaper(words, others, 2026, limit, s)

    assert walks("整改", 25) and walks("整改", 200)  # 1,800 candidates, 900 this year
    assert walks("党建", 25) and not walks("党建", 200)  # 200 this year: 125 rows walked per page of 25
    assert not walks("回访", 25) and not walks("回访 整改", 25)  # 2 a year: the walk would read the year
    assert walks("整改 党建", 25)
    assert not walks("党", 25)  # one character: no bigram, LIKE alone either way
    # the count reads each candidate's row: many candidates are counted off the UI thread, few at once
    monkeypatch.setattr(search, "COUNT_LATER_CANDIDATES", 300)
    assert query.count_is_slow(ctx.db, IssueFilter(year=2026, text="整改"))  # 1,800 candidates
    assert query.count_is_slow(ctx.db, IssueFilter(year=2026, text="党建"))  # 400
    assert not query.count_is_slow(ctx.db, IssueFilter(year=2026, text="回访"))  # 4
    assert not query.count_is_slow(ctx.db, IssueFilter(year=2026, text="回访 整改"))
    assert query.count_is_slow(ctx.db, IssueFilter(year=2026, text="党"))  # a LIKE scan
    # another filter thins the matches out: 5 among 1,800 (or 400) candidates, the walk would read the year
    assert not walks("整改", 25, unit="县委办") and not walks("党建", 25, unit="县委办")

    sent, note = _page_sql(ctx)
    try:
        for words, unit, walked in (("整改", "", True), ("党建", "", True), ("回访", "", False),
                                    ("整改 党建", "", True), ("回访 整改", "", False), ("党", "", True),  # no bigram
                                    ("整改", "县委办", False), ("党建", "县委办", False), ("防汛", "", False)):
            f = IssueFilter(year=2026, text=words, unit=unit)
            want = [r[0] for r in rows if r[0].startswith("2026")
                    and all(any(w in v for v in r) for w in words.split()) and (not unit or r[4] == unit)]
            sent.clear()
            first = query.fetch_page(ctx.db, f, limit=25)
            pages = [r.serial for r in query.iter_issue_rows(ctx.db, f, batch=25)]
            assert [r.serial for r in first] == want[:25] and pages == want, words
            page_sql = [q for q in sent if "ORDER BY" in q]
            assert page_sql and all(("fielddesk_bigrams" not in q) == walked for q in page_sql), (words, unit)
            # from the end (Ctrl+End) and by offset from the end, as the table asks for the last rows
            last = query.fetch_page(ctx.db, f, limit=25, from_end=True)
            assert [r.serial for r in last] == want[-25:], words
            before = query.fetch_page(ctx.db, f, limit=25, offset=30, from_end=True)
            assert [r.serial for r in before] == want[max(0, len(want) - 55):max(0, len(want) - 30)], words
            if want:
                assert query.count_issues(ctx.db, f) == len(want), words
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", note)


def test_a_word_of_two_ideographs_is_answered_by_the_index_alone(ctx: AppContext) -> None:
    """No LIKE recheck for 整改 (its one bigram is in the indexed text exactly when the word is in a field);
    a longer word, a letter or a 1-character word is rechecked. The results are the LIKE scan's either way
    (the two tests above read the same words against their reference)."""
    _add(ctx, ITEMS)
    with ctx.db.session() as s:
        def sql(words: str) -> str:
            cond = search.text_condition(words, s)
            assert cond is not None
            return str(select(Issue.id).where(cond).compile(dialect=s.get_bind().dialect))

        assert "LIKE" not in sql("整改") and "LIKE" not in sql("整改 党建") and "fielddesk_bigrams" in sql("整改")
        for words in ("党建工", "Sql", "ab", "26", "整", "整改 a_b"):
            assert "LIKE" in sql(words), words
        # 整|改 across two fields, 整 and 改 in two fields of one item: not 整改
        assert _found(s, "整改") == _like_scan(s, "整改") == {"2026-001", "2026-006"}
        assert _found(s, "改革 党") == _like_scan(s, "改革 党") == {"2026-002"}
