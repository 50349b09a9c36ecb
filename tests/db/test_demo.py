"""The demo office generator: deterministic per seed, counts that add up, sync bookkeeping, audit chain."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from db.changes import decode_fields
from db.models import (
    SYNCED_MODELS,
    Attempt,
    AuditEntry,
    ChangeLog,
    Closure,
    FollowUp,
    Issue,
    Person,
    Progress,
    Question,
    Topic,
    Urge,
    Visit,
)
from desktop_app.core.audit import verify_chain
from desktop_app.core.context import AppContext, open_context
from desktop_app.core.errors import ValidationError
from desktop_app.demo import generate as demo
from desktop_app.demo import ledger as demo_ledger
from desktop_app.sync.apply import import_bundle
from tests.helpers.sync_support import export, make_office, trust_both

TODAY = dt.date(2026, 11, 22)


def _generate(root: Path, items: int, seed: int = 2026) -> dict[str, Any]:
    return demo.generate_demo(root, items=items, seed=seed, today=TODAY)


def _snapshot(root: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The office's content without ids, stamps and keys (which are allowed to differ)."""
    ctx = open_context(root, daily_backup=False)
    try:
        with ctx.db.session() as s:
            def rows(sql: str) -> list[tuple[Any, ...]]:
                return [tuple(r) for r in s.execute(text(sql))]

            return {
                "people": rows("SELECT name, post, is_leader, quota_days FROM person ORDER BY name"),
                "topics": rows("SELECT title, kind, status, report_due, methods FROM topic ORDER BY title"),
                "visits": rows("SELECT start_date, end_date, place, method, unannounced, purpose FROM visit "
                               "ORDER BY start_date, place, method"),
                "issues": rows("SELECT serial, source, category, description, measures, kind, lead_leader, "
                               "responsible_unit, responsible_person, assigned_date, deadline, deadline_basis, "
                               "status, progress_percent, latest_progress, closed_at FROM issue ORDER BY serial"),
                "progress": rows("SELECT i.serial, p.date, p.text, p.percent FROM progress p JOIN issue i "
                                 "ON i.id = p.issue_id ORDER BY i.serial, p.date, p.percent"),
                "scores": rows("SELECT p.name, a.score, a.absent FROM attempt a JOIN person p ON p.id = a.person_id "
                               "ORDER BY p.name"),
            }
    finally:
        ctx.close()


def _open(root: Path) -> AppContext:
    return open_context(root, daily_backup=False)


def test_same_seed_same_office_other_seed_other_office(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", 60, seed=7)
    second = _generate(tmp_path / "b", 60, seed=7)
    other = _generate(tmp_path / "c", 60, seed=8)
    for key in ("issues", "progress", "urges", "closures", "visits", "topics", "attempts"):
        assert first[key] == second[key], key
    a, b, c = _snapshot(tmp_path / "a"), _snapshot(tmp_path / "b"), _snapshot(tmp_path / "c")
    assert a == b
    assert a["issues"] != c["issues"] and a["visits"] != c["visits"]
    assert other["issues"] == 60
    assert a["people"] == c["people"]  # the organisation is the same office whatever the seed


@pytest.fixture(scope="module")
def county_300(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The default demo county (300 items, seed 2026) and its summary: made once for the tests that only read it."""
    root = tmp_path_factory.mktemp("demo") / "d"
    return root, _generate(root, 300)


def test_counts_in_the_summary_match_the_database(county_300: tuple[Path, dict[str, Any]]) -> None:
    root, summary = county_300
    assert summary["office_code"] == "532822" and summary["office_name"] == "勐海县乡村振兴局"
    ctx = _open(root)
    try:
        with ctx.db.session() as s:
            def count(model: type) -> int:
                return int(s.execute(select(func.count()).select_from(model)).scalar() or 0)

            assert count(Issue) == summary["issues"] == 300
            assert count(Progress) == summary["progress"]
            assert count(Urge) == summary["urges"]
            assert count(Closure) == summary["closures"]
            assert count(FollowUp) == summary["follow_ups"]
            assert count(Visit) == summary["visits"] >= 36
            assert count(Topic) == summary["topics"] == 12
            assert count(Person) == summary["people"] == 30
            assert count(Question) == summary["questions"] == 40
            assert count(Attempt) == summary["attempts"] == 30
            assert summary["seconds"] < 30
    finally:
        ctx.close()


def test_the_office_looks_like_a_real_one(county_300: tuple[Path, dict[str, Any]]) -> None:
    ctx = _open(county_300[0])
    try:
        with ctx.db.session() as s:
            issues = s.execute(select(Issue.serial, Issue.description, Issue.status, Issue.kind, Issue.deadline,
                                      Issue.progress_percent)).all()
            names = s.execute(select(Person.name, Person.is_leader)).all()
            topic_status = Counter(s.execute(select(Topic.status)).scalars())
            unannounced = s.execute(select(func.count()).where(Visit.unannounced.is_(True))).scalar()
            absent = s.execute(select(func.count()).where(Attempt.absent.is_(True))).scalar()
            qtypes = Counter(s.execute(select(Question.type)).scalars())
            per_issue = Counter(s.execute(select(Progress.issue_id)).scalars())
    finally:
        ctx.close()
    assert sorted(i.serial for i in issues)[:2] == ["2026-001", "2026-002"]
    assert all(80 <= len(i.description) <= 200 for i in issues)
    statuses = Counter(i.status for i in issues)
    assert {"not_started", "in_progress", "done", "closed"} <= set(statuses)
    assert {"immediate", "dated", "ongoing"} == {i.kind for i in issues}
    open_items = [i for i in issues if i.status not in ("closed", "void") and i.deadline]
    overdue = [i for i in open_items if i.deadline < TODAY]
    due_soon = [i for i in open_items if TODAY <= i.deadline <= TODAY + dt.timedelta(days=7)]
    on_track = [i for i in open_items if i.deadline > TODAY + dt.timedelta(days=7)]
    assert len(overdue) >= 15 and len(due_soon) >= 10 and len(on_track) >= 30
    assert all(i.progress_percent == 100 for i in issues if i.status == "closed")
    assert max(per_issue.values()) <= 5 and len(per_issue) < len(issues)  # 0–4 entries (+1 after a reopen)
    rare = "".join(n for n, _ in names)
    assert all(ch in rare for ch in "赟喆堃珺燊")
    assert 4 <= sum(1 for _, lead in names if lead) <= 6
    assert set(topic_status) == {"立项", "调研中", "成稿", "结题"}
    assert unannounced and absent == 2
    assert set(qtypes) == {"单选", "多选", "判断", "填空", "简答"}


def test_every_synced_row_has_exactly_one_insert_in_the_change_log(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_ledger, "BATCH", 25)  # several bulk transactions, as at 100k
    _generate(tmp_path / "c", 80)
    ctx = _open(tmp_path / "c")
    try:
        with ctx.db.session() as s:
            log = s.execute(select(ChangeLog.origin, ChangeLog.seq, ChangeLog.hlc, ChangeLog.table_name,
                                   ChangeLog.row_id, ChangeLog.op, ChangeLog.fields).order_by(ChangeLog.seq)).all()
            assert {r.origin for r in log} == {"532822"}
            assert [r.seq for r in log] == list(range(1, len(log) + 1))
            hlcs = [r.hlc for r in log]
            assert hlcs == sorted(hlcs) and len(set(hlcs)) == len(hlcs)
            logged = Counter((r.table_name, r.row_id) for r in log if r.op == "insert")
            assert all(n == 1 for n in logged.values())
            for name, model in SYNCED_MODELS.items():
                rows = s.execute(select(model.id, model.hlc, model.office_code, model.changed_by)).all()  # type: ignore[attr-defined]
                ids = {r.id for r in rows}
                assert ids == {rid for (t, rid) in logged if t == name}, name
                assert all(r.hlc > 0 and r.office_code == r.changed_by == "532822" for r in rows), name
            stamp = {(r.table_name, r.row_id): r.hlc for r in log if r.op == "insert"}
            for issue_id, hlc in s.execute(select(Issue.id, Issue.hlc)):
                assert stamp[("issue", issue_id)] == hlc
            assert all(r.fields == "*" for r in log if r.op == "insert")  # the lean form (migration 0012)
            issue_fields = next(decode_fields("issue", r.fields) for r in log if r.table_name == "issue")
            assert {"description", "deadline", "status", "id", "office_code"} <= set(issue_fields)
            assert not {"hlc", "changed_by", "created_at", "updated_at"} & set(issue_fields)
    finally:
        ctx.close()


def test_audit_chain_verifies_and_records_the_demo(tmp_path: Path) -> None:
    _generate(tmp_path / "a", 50)
    ctx = _open(tmp_path / "a")
    try:
        with ctx.db.session() as s:
            assert verify_chain(s) == []
            actions = list(s.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
    finally:
        ctx.close()
    assert actions[0] == "setup_office"
    assert {"demo_work", "demo_quiz", "demo_ledger"} <= set(actions)


def test_a_folder_with_an_office_is_refused_untouched(tmp_path: Path) -> None:
    _generate(tmp_path / "x", 20)
    with pytest.raises(ValidationError, match="已有单位数据"):
        _generate(tmp_path / "x", 20, seed=1)
    ctx = _open(tmp_path / "x")
    try:
        with ctx.db.session() as s:
            assert s.execute(select(func.count()).select_from(Issue)).scalar() == 20
    finally:
        ctx.close()


def test_a_failed_demo_leaves_no_half_made_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "_make_quiz", broken)
    with pytest.raises(RuntimeError):
        _generate(tmp_path / "f", 10)
    monkeypatch.undo()
    summary = _generate(tmp_path / "f", 10)  # the folder is usable again
    assert summary["issues"] == 10


@pytest.mark.sqlite_only("SQLite's FTS5 index (a server searches by scanning)")
def test_search_index_is_rebuilt_when_the_ledger_provides_one(tmp_path: Path) -> None:
    summary = _generate(tmp_path / "s", 40)
    if summary["search_indexed"] is None:
        pytest.skip("desktop_app.ledger.search has not landed")
    assert summary["search_indexed"] == 40
    from desktop_app.ledger import search

    assert hasattr(search, "rebuild_index")


def test_a_failed_ledger_write_is_raised_and_nothing_half_made_stays(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*_args: Any) -> None:
        raise OSError("database or disk is full")

    monkeypatch.setattr(demo_ledger, "BATCH", 10)
    monkeypatch.setattr(demo_ledger._Bulk, "_write", failing)
    with pytest.raises(OSError, match="disk is full"):
        _generate(tmp_path / "w", 40)
    assert not (tmp_path / "w" / "fielddesk.db").exists()


def test_the_prefecture_accepts_every_row_of_the_demo_county(tmp_path: Path) -> None:
    """Items assigned by the prefecture (交办) carry no county verdicts: its import refuses nothing."""
    _generate(tmp_path / "county", 400, seed=11)
    county = _open(tmp_path / "county")
    prefecture = make_office(tmp_path / "pref", "532800", "西双版纳州乡村振兴局", level="prefecture")
    try:
        with county.db.session() as s:
            assigned = s.execute(select(Issue.id, Issue.status, Issue.closure_state, Issue.closed_by)
                                 .where(Issue.assigned_by_office == "532800")).all()
            assigned_ids = {a.id for a in assigned}
            closures = s.execute(select(Closure.issue_id, Closure.state, Closure.verifier)).all()
            extensions = s.execute(text("SELECT issue_id, state, approver FROM extension")).all()
            local_closed = s.execute(select(func.count()).where(Issue.status == "closed",
                                                                Issue.assigned_by_office == "")).scalar()
        assert len(assigned) >= 30 and local_closed
        # the county applies for 销号 on 交办 items; closing them is the prefecture's
        assert all(a.status != "closed" and a.closure_state in ("", "applied") and not a.closed_by for a in assigned)
        assert any(a.closure_state == "applied" for a in assigned)
        assert all(c.state == "applied" and not c.verifier for c in closures if c.issue_id in assigned_ids)
        assert all(e.state == "pending" and not e.approver for e in extensions if e.issue_id in assigned_ids)

        trust_both(county, prefecture)
        res = export(county, prefecture, tmp_path / "out")
        rep = import_bundle(prefecture.db, prefecture.data, prefecture.actor, res.file)
        assert rep.status == "applied" and rep.errors == []
        assert {t: r.rejected for t, r in rep.tables.items() if r.rejected} == {}
        assert sum(r.conflicts for r in rep.tables.values()) == 0
        assert rep.tables["issue"].created == 400
        assert rep.tables["closure"].created == len(closures)
        with prefecture.db.session() as s:
            assert s.execute(select(func.count()).select_from(Closure)).scalar() == len(closures)
    finally:
        county.close()
        prefecture.close()


def test_the_county_knows_the_prefecture_that_assigned_its_items(tmp_path: Path) -> None:
    """The county demo trusts 西双版纳州乡村振兴局's card (it holds items that office assigned), its people have
    phone numbers, and an assigned item's timeline names the prefecture and starts on the day it was assigned."""
    from db.models import PeerState
    from desktop_app.ledger.detail import get_issue_detail
    from desktop_app.org import upstream

    _generate(tmp_path / "r", 60)
    ctx = _open(tmp_path / "r")
    try:
        with ctx.db.session() as s:
            card = s.get(PeerState, demo.names.PREFECTURE_CODE)
            phones = s.execute(select(Person.phone)).scalars().all()
            assigned = s.execute(select(Issue.id).where(Issue.assigned_by_office == demo.names.PREFECTURE_CODE)
                                 .order_by(Issue.serial)).scalars().first()
        assert card is not None and card.trusted and card.level == "prefecture"
        assert card.office_name == demo.names.PREFECTURE_NAME
        assert all(p and len(p) == 11 and p.isdigit() for p in phones) and len(set(phones)) == len(phones)
        assert upstream.parent_code_warning(ctx.db) == ""  # 设置 › 本单位 opens without a warning
        assert assigned is not None
        detail = get_issue_detail(ctx.db, assigned, today=TODAY)
    finally:
        ctx.close()
    made = [t for t in detail.timeline if t.title == "交办问题"]
    assert made and made[0].by == demo.names.PREFECTURE_NAME
    assert detail.timeline[0] is made[0] and made[0].at == detail.row.assigned_date
    assert all(t.at >= made[0].at for t in detail.timeline if t.at)
