"""Ledger service: recording items, serials, working-day deadlines, search, validation (all or nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, ChangeLog, Holiday, Issue, Progress
from desktop_app import calendar as workdays
from desktop_app.core.context import AppContext
from desktop_app.core.errors import ValidationError
from desktop_app.ledger import search, service
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.query import IssueFilter, count_issues
from desktop_app.ledger.service import LedgerValidationError, create_issues
from desktop_app.ledger.types import IssueInput
from tests.helpers.common import TEST_ACTOR

D = dt.date


def _count(ctx: AppContext, model: type) -> int:
    with ctx.db.session() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar() or 0)


def test_create_assigns_serials_per_year_and_writes_progress_and_change_log(ctx: AppContext) -> None:
    ids = create_issues(ctx.db, TEST_ACTOR, [
        IssueInput("村党支部“三会一课”记录不全", unit="综合科", progress_text="已约谈支部书记", progress_percent=20),
        IssueInput("产业项目资金拨付滞后", unit="规划发展科", deadline=D(2026, 6, 30)),
        IssueInput("去年遗留问题", year=2025),
    ])
    assert len(ids) == 3
    rows = {get_issue_detail(ctx.db, i).row.serial for i in ids}
    assert rows == {"2026-001", "2026-002", "2025-001"}
    more = create_issues(ctx.db, TEST_ACTOR, [IssueInput("第三条")])
    assert get_issue_detail(ctx.db, more[0]).row.serial == "2026-003"
    with ctx.db.session() as s:
        prog = s.execute(select(Progress).where(Progress.issue_id == ids[0])).scalars().all()
        assert [(p.text, p.percent, p.reporter) for p in prog] == [("已约谈支部书记", 20, "测试员")]
        logged = set(s.execute(select(ChangeLog.row_id).where(ChangeLog.table_name == "issue")).scalars())
        assert set(ids) <= logged
        issue = s.get(Issue, ids[1])
        assert issue.hlc > 0 and issue.changed_by == "532801" and issue.original_deadline == D(2026, 6, 30)
    detail = get_issue_detail(ctx.db, ids[0])
    assert detail.row.latest_progress == "已约谈支部书记" and detail.row.progress_percent == 20


def test_serial_format_is_a_setting(ctx: AppContext) -> None:
    service.set_serial_format(ctx.db, TEST_ACTOR, "景乡振〔{year}〕{n}号")
    [i] = create_issues(ctx.db, TEST_ACTOR, [IssueInput("格式测试")])
    assert get_issue_detail(ctx.db, i).row.serial == "景乡振〔2026〕1号"
    with pytest.raises(ValidationError, match="编号格式"):
        service.set_serial_format(ctx.db, TEST_ACTOR, "{year}")


def test_workday_deadline_counts_spring_festival_and_seeds_holidays(ctx: AppContext) -> None:
    assert _count(ctx, Holiday) == 0
    [i] = create_issues(ctx.db, TEST_ACTOR, [IssueInput("节前交办", assigned_date=D(2026, 2, 12), deadline_workdays=7)])
    row = get_issue_detail(ctx.db, i).row
    assert row.deadline == D(2026, 2, 28) and row.deadline_basis == "workdays" and row.deadline_workdays == 7
    with ctx.db.session() as s:
        sources = set(s.execute(select(Holiday.source)).scalars())
    assert sources == {"chinese_calendar"} and _count(ctx, Holiday) > 500


def test_workday_deadline_into_uncovered_year_is_flagged_not_guessed_silently(ctx: AppContext) -> None:
    p = service.preview_deadline(ctx.db, D(2026, 12, 28), 5)
    assert p.deadline == D(2027, 1, 4) and "2027年" in p.warning
    [i] = create_issues(ctx.db, TEST_ACTOR, [IssueInput("跨年", assigned_date=D(2026, 12, 28), deadline_workdays=5)])
    d = get_issue_detail(ctx.db, i)
    assert d.row.deadline == D(2027, 1, 4)
    assert any("2027年" in w for w in d.warnings)
    with ctx.db.session() as s:
        details = s.execute(select(AuditEntry.details).where(AuditEntry.action == "create_issues")).scalar()
    assert "2027年" in details
    # once the prefecture's 2027 table is imported the year is covered and the warning goes
    workdays.import_days(ctx.db, TEST_ACTOR, [(D(2027, 1, 1), "rest", "元旦")])
    assert service.preview_deadline(ctx.db, D(2026, 12, 28), 5) == service.DeadlinePreview(D(2027, 1, 5), "")


def test_bad_items_refuse_the_whole_batch_with_chinese_messages(ctx: AppContext) -> None:
    before = (_count(ctx, Issue), _count(ctx, AuditEntry), _count(ctx, ChangeLog))
    with pytest.raises(LedgerValidationError) as err:
        create_issues(ctx.db, TEST_ACTOR, [
            IssueInput("正常的一条"),
            IssueInput("", unit="综合科"),
            IssueInput("时限早于交办", assigned_date=D(2026, 5, 1), deadline=D(2026, 4, 1)),
            IssueInput("类型错", kind="urgent"),
            IssueInput("进度错", progress_text="x", progress_percent=120),
        ])
    messages = [e.message for e in err.value.errors]
    assert any("第2条" in m and "问题描述不能为空" in m for m in messages)
    assert any("第3条" in m and "早于交办日期" in m for m in messages)
    assert any("第4条" in m and "整改类型" in m for m in messages)
    assert any("第5条" in m and "0–100" in m for m in messages)
    assert {e.field for e in err.value.errors} >= {"description", "deadline", "kind", "progress_percent"}
    assert (_count(ctx, Issue), _count(ctx, AuditEntry), _count(ctx, ChangeLog)) == before


def test_duplicate_explicit_serials_are_refused(ctx: AppContext) -> None:
    create_issues(ctx.db, TEST_ACTOR, [IssueInput("甲", serial="2026-100")])
    with pytest.raises(LedgerValidationError, match="已存在"):
        create_issues(ctx.db, TEST_ACTOR, [IssueInput("乙", serial="2026-100")])
    with pytest.raises(LedgerValidationError, match="重复"):
        create_issues(ctx.db, TEST_ACTOR, [IssueInput("丙", serial="X-1"), IssueInput("丁", serial="X-1")])
    assert _count(ctx, Issue) == 1


@pytest.mark.parametrize("term, expected", [
    ("整改", {"a"}), ("党建", {"b"}), ("三会一课", {"a"}), ("会一", {"a"}), ("综合科", {"a"}),
    ("党建 滞后", {"b"}), ("扶贫", set()), ("2026-002", {"b"}),
])
def test_search_finds_chinese_substrings_of_any_length(ctx: AppContext, term: str, expected: set[str]) -> None:
    a, b = create_issues(ctx.db, TEST_ACTOR, [
        IssueInput("村党支部“三会一课”落实不到位", measures="限期整改，建立台账", unit="综合科"),
        IssueInput("机关党建工作推进滞后", unit="规划发展科"),
    ])
    names = {a: "a", b: "b"}
    assert {names[i] for i in search.search_ids(ctx.db, term)} == expected
    assert count_issues(ctx.db, IssueFilter(text=term)) == len(expected)


def test_phrase_never_spans_two_fields(ctx: AppContext) -> None:
    # description ends with 改, measures starts with 整: “改整” must not match across them
    create_issues(ctx.db, TEST_ACTOR, [IssueInput("问题需要改", measures="整顿作风")])
    assert search.search_ids(ctx.db, "改整") == []
    assert len(search.search_ids(ctx.db, "整顿")) == 1


def test_a_long_word_whose_pieces_lie_apart_is_not_a_match(ctx: AppContext) -> None:
    """The index holds bigrams without positions (migration 0014): 整改措施's bigrams 整改 改措 措施 are all in
    item a, apart and across fields; only b holds the word. The recheck keeps the list, its count and the
    probe of a broad text's walk (``row_matches``) exact."""
    from desktop_app.ledger.query import fetch_page

    a, b = create_issues(ctx.db, TEST_ACTOR, [
        IssueInput("限期整改，改措辞", measures="出台措施", unit="综合科"),
        IssueInput("制定整改措施清单", unit="综合科"),
    ])
    for term in ("整改措施", "整改 措施清单", "改措施"):
        expected = [b]
        assert search.search_ids(ctx.db, term) == expected, term
        assert count_issues(ctx.db, IssueFilter(text=term)) == 1, term
        assert [r.id for r in fetch_page(ctx.db, IssueFilter(year=2026, text=term))] == expected, term
        with ctx.db.session() as s:
            if search.has_fts(s):
                assert search.match_count(term, s) == 1, term
                probe = search.row_matches(term)  # the walk's per-row probe agrees with the matches
                assert probe is not None
                assert list(s.execute(select(Issue.id).where(probe)).scalars()) == expected, term
    assert set(search.search_ids(ctx.db, "改措")) == {a, b}  # two characters: one bigram, exact
    assert sorted(search.search_ids(ctx.db, "整改措施 出台")) == []
    with ctx.db.session() as s:
        if not search.has_fts(s):
            return  # PostgreSQL compares the text as typed (LIKE): punctuation and case count there
    # SQLite: punctuation and case do not count, as before; the recheck compares the fields' searchable characters
    c, d = create_issues(ctx.db, TEST_ACTOR, [IssueInput("落实整改、措施到位"), IssueInput("推广APP应用")])
    assert set(search.search_ids(ctx.db, "整改措施")) == {b, c}
    assert search.search_ids(ctx.db, "app应用") == [d] and search.search_ids(ctx.db, "App") == [d]


def test_one_character_finds_a_field_s_last_character_too(ctx: AppContext) -> None:
    """A 1-character word is every bigram starting with it or a field ending in it (no bigram follows it)."""
    a, b, c = create_issues(ctx.db, TEST_ACTOR, [
        IssueInput("党组织建设", unit="综合科"), IssueInput("问题出在基层党", unit="规划科"), IssueInput("无关", unit="科")])
    assert set(search.search_ids(ctx.db, "党")) == {a, b}
    assert set(search.search_ids(ctx.db, "科")) == {a, b, c}  # 科 ends every unit and is a unit by itself
    assert search.search_ids(ctx.db, "层党组") == []  # b's 层党 and a's 党组 are in different items
    assert count_issues(ctx.db, IssueFilter(text="党")) == 2


@pytest.mark.sqlite_only("SQLite's FTS5 index (issue_fts)")
def test_rebuild_index_after_bulk_changes(ctx: AppContext) -> None:
    ids = create_issues(ctx.db, TEST_ACTOR, [IssueInput(f"第{i}条党建问题") for i in range(30)])
    assert search.rebuild_index(ctx.db) == 30  # the index is current up to the last change
    with ctx.db.engine.begin() as conn:  # an index lost behind the change log's back
        conn.exec_driver_sql("INSERT INTO issue_fts(issue_fts) VALUES ('delete-all')")
    assert search.search_ids(ctx.db, "党建") == []
    assert search.rebuild_index(ctx.db) == 30
    assert set(search.search_ids(ctx.db, "党建")) == set(ids)


@pytest.mark.sqlite_only("SQLite's FTS5 index (issue_fts)")
def test_the_index_keeps_no_copy_of_the_text_and_an_edit_finds_the_new_words_only(ctx: AppContext) -> None:
    """Contentless index (migration 0011): no issue_fts_content table; an edited item is indexed under a new
    key, its old words match nothing; once stale entries outnumber live ones the index is rebuilt."""
    from db.models_ledger import IssueSearchKey
    from desktop_app.ledger.lifecycle import edit_issue

    with ctx.db.engine.connect() as conn:
        tables = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars())
    assert "issue_fts" in tables and "issue_fts_content" not in tables
    ids = create_issues(ctx.db, TEST_ACTOR, [IssueInput(f"第{i}条党建问题", measures="整改") for i in range(3)])
    assert set(search.search_ids(ctx.db, "党建")) == set(ids)
    for n in range(4):  # the same item edited again and again: its key moves up each time
        edit_issue(ctx.db, TEST_ACTOR, ids[0], IssueInput(f"作风问题{n}", measures="整改"))
        assert search.search_ids(ctx.db, f"作风问题{n}") == [ids[0]]
        assert ids[0] not in search.search_ids(ctx.db, "党建")
        assert all(search.search_ids(ctx.db, f"作风问题{m}") == [] for m in range(n))
    assert set(search.search_ids(ctx.db, "党建")) == set(ids[1:])
    with ctx.db.session() as s:
        assert search._stale_entries(s) == 4 and search._live_entries(s) == 3  # one per edit: a re-index of
        # unchanged text (the change log catching up after the service indexed) leaves nothing stale
        keys = dict(s.execute(select(IssueSearchKey.issue_id, IssueSearchKey.key)).all())
    assert keys[ids[0]] == 7  # 1..3 at creation, then one new key per edit: never a stale one reused
    # more stale entries than live ones (and than the threshold): the next catch-up rebuilds
    import desktop_app.ledger.search as search_mod

    old = search_mod._REBUILD_ABOVE
    search_mod._REBUILD_ABOVE = 2
    try:
        edit_issue(ctx.db, TEST_ACTOR, ids[1], IssueInput("第1条党建问题（改）", measures="整改"))
        assert set(search.search_ids(ctx.db, "党建")) == set(ids[1:])
    finally:
        search_mod._REBUILD_ABOVE = old
    with ctx.db.session() as s:
        assert search._stale_entries(s) == 0 and search._live_entries(s) == 3


def test_holiday_table_editing_and_spreadsheet_import(ctx: AppContext, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    assert workdays.seed_from_package(ctx.db, TEST_ACTOR) > 500
    assert workdays.seed_from_package(ctx.db, TEST_ACTOR) == 0  # the years are there already
    cal = workdays.load_calendar(ctx.db)
    assert 2026 in cal.covered_years and 2027 not in cal.covered_years
    # a hand correction wins, and can be undone
    workdays.set_day(ctx.db, TEST_ACTOR, D(2026, 6, 1), "rest", "防汛调休")
    assert workdays.load_calendar(ctx.db).is_workday(D(2026, 6, 1)).value is False
    assert workdays.remove_day(ctx.db, TEST_ACTOR, D(2026, 6, 1)) == 1
    assert workdays.load_calendar(ctx.db).is_workday(D(2026, 6, 1)).value is True
    # the prefecture's 2027 table, as a spreadsheet
    wb = Workbook()
    ws = wb.active
    ws.append(["2027年节假日安排"])
    ws.append(["日期", "类型", "名称"])
    ws.append([dt.datetime(2027, 1, 1), "休", "元旦"])
    ws.append(["2027-02-06", "班", "春节"])
    ws.append(["2027年2月8日", "休息日", "春节"])
    good = tmp_path / "2027.xlsx"
    wb.save(good)
    rows = workdays.read_holiday_sheet(good)
    assert rows == [(D(2027, 1, 1), "rest", "元旦"), (D(2027, 2, 6), "workday", "春节"), (D(2027, 2, 8), "rest", "春节")]
    assert workdays.import_days(ctx.db, TEST_ACTOR, rows) == 3
    cal = workdays.load_calendar(ctx.db)
    assert 2027 in cal.covered_years and cal.is_workday(D(2027, 2, 6)).value is True
    assert [d.name for d in workdays.list_days(ctx.db, 2027)] == ["元旦", "春节", "春节"]
    ws.append(["明天", "休", ""])
    ws.append([dt.datetime(2027, 3, 1), "加班", ""])
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(ValidationError, match="第6行日期.*第7行类型"):
        workdays.read_holiday_sheet(bad)


@pytest.mark.sqlite_only("SQLite's FTS5 index (issue_fts)")
def test_items_written_around_the_service_become_searchable(ctx: AppContext) -> None:
    """A bundle import or bulk load writes issue rows and change-log entries, not the index: the
    next text search catches up from the change log."""
    from db.base import new_id
    from db.changes import next_seq
    from desktop_app.ledger.query import count_issues

    create_issues(ctx.db, TEST_ACTOR, [IssueInput("本地党建问题")])
    assert search.rebuild_index(ctx.db) == 1
    rid = new_id()
    with ctx.db.transaction() as s:
        s.execute(Issue.__table__.insert(), [{  # type: ignore[attr-defined]
            # an item the prefecture assigned to this county (a row of another office would not be listed)
            "id": rid, "office_code": ctx.db.office_code, "assigned_by_office": "532802", "hlc": 1,
            "changed_by": "532802", "deleted": False, "serial": "2026-900", "year": 2026, "description": "上级交办：党建引领基层治理不到位", "status": "not_started"}])
        s.execute(ChangeLog.__table__.insert(), [{  # type: ignore[attr-defined]
            "origin": "532802", "seq": next_seq(s, "532802"), "hlc": 1, "table_name": "issue", "row_id": rid,
            "op": "insert", "fields": "[]"}])
    assert count_issues(ctx.db, IssueFilter(text="党建")) == 2
    assert rid in search.search_ids(ctx.db, "基层治理")
    assert search.catch_up(ctx.db) == 0  # nothing new since


def test_the_first_hand_edit_of_an_empty_holiday_table_keeps_the_package_years(ctx: AppContext) -> None:
    from desktop_app import calendar as workdays

    assert workdays.list_days(ctx.db) == []  # a new office: the package's days are used unseeded
    assert 2026 in workdays.load_calendar(ctx.db).covered_years
    workdays.set_day(ctx.db, TEST_ACTOR, dt.date(2031, 10, 1), "rest", "国庆节")
    cal = workdays.load_calendar(ctx.db)
    assert {2026, 2031} <= set(cal.covered_years)
    # Spring Festival 2026 still counts: 12 Feb + 7 working days = 28 Feb (a 调休 Saturday)
    assert cal.add_workdays(dt.date(2026, 2, 12), 7).value == dt.date(2026, 2, 28)


@pytest.mark.sqlite_only("VACUUM and SQLite's rowids")
def test_compacting_keeps_the_change_log_positions_the_search_index_follows(ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The index keeps its place in the change log by rowid; VACUUM (the demo, an upgrade) must keep those
    rowids, gaps included, or the index is asked to rebuild."""
    import db.engine as engine_mod
    from desktop_app.org import settings

    create_issues(ctx.db, TEST_ACTOR, [IssueInput("党建问题")])
    with ctx.db.engine.begin() as conn:  # a gap in the rowids (entries are never deleted, but rowids are not dense)
        top = conn.exec_driver_sql("SELECT max(rowid) FROM change_log").scalar()
        conn.exec_driver_sql("INSERT INTO change_log (rowid, origin, seq, hlc, table_name, row_id, op, fields) "
                             "VALUES (?, '532899', 1, 1, 'issue', 'x', 'update', '[]')", (top + 1000,))
    search.catch_up(ctx.db)
    with ctx.db.session() as s:
        mark = settings.read(s, search.SETTING_MARK, 0)
    assert mark == top + 1000
    ctx.db.compact()
    with ctx.db.session() as s:
        assert s.execute(select(func.max(ChangeLog.seq)).where(ChangeLog.origin == "532899")).scalar() == 1
        assert s.connection().exec_driver_sql("SELECT max(rowid) FROM change_log").scalar() == top + 1000
        assert settings.read(s, search.SETTING_MARK, 0) == mark
    # a SQLite that renumbered them: the index is asked to rebuild, and the next search does
    stamps = iter([(1, "a", 1), (2, "a", 1)])
    monkeypatch.setattr(engine_mod, "_last_logged", lambda _c: next(stamps))
    ctx.db.compact()
    with ctx.db.session() as s:
        assert settings.read(s, search.SETTING_MARK, 0) == -1
    assert search.search_ids(ctx.db, "党建") != []
    with ctx.db.session() as s:
        assert settings.read(s, search.SETTING_MARK, 0) == mark
