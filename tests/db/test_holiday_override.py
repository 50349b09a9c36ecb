"""Undoing a county's override of a holiday (恢复上级设置 / 撤销本单位修改), and the warning when the
parent office is unknown.

Before ``workdays.revert_day`` the only way to take back an override was 删除, which tombstones the
county's row — and by the rule (desktop_app/calendar/) a county's own removal makes the day
*ordinary*, beating the prefecture's table and the built-in calendar alike. So a county that had
marked the prefecture's 州庆 Monday as a working day and then deleted that row still worked on it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AuditEntry, Holiday, Issue, Office
from desktop_app import calendar as workdays
from desktop_app.core.errors import ValidationError
from desktop_app.ledger import service
from desktop_app.ledger.types import IssueInput
from desktop_app.org import upstream
from tests.helpers.sync_support import make_office, prefecture_and_counties, rows, send, trust_both

D = dt.date
STATE_DAY = D(2026, 11, 2)  # a Monday: the prefecture's local holiday (州庆)
MAKEUP_SAT = D(2026, 10, 10)  # the built-in calendar's 调休 Saturday after National Day


@pytest.fixture
def offices(tmp_path: Path):  # noqa: ANN201
    """Prefecture 532800 and two counties, seeded; the prefecture's table (州庆 Monday off, no make-up
    Saturday) already received by county A."""
    a, b, p = prefecture_and_counties(tmp_path)
    for c in (p, a, b):
        workdays.seed_from_package(c.db, c.actor)
    workdays.set_day(p.db, p.actor, STATE_DAY, "rest", "州庆")
    workdays.set_day(p.db, p.actor, MAKEUP_SAT, "rest", "国庆节")
    send(p, a, tmp_path / "down")
    yield p, a, b
    for c in (p, a, b):
        c.close()


def _day(ctx, d: dt.date) -> workdays.HolidayDay | None:  # noqa: ANN001
    return next((h for h in workdays.list_days(ctx.db, d.year) if h.date == d), None)


def _workday(ctx, d: dt.date) -> bool:  # noqa: ANN001
    return workdays.load_calendar(ctx.db).is_workday(d).value


def _deadline(ctx, start: dt.date, n: int) -> dt.date:  # noqa: ANN001
    return service.preview_deadline(ctx.db, start, n).deadline


def _audits(ctx, action: str) -> int:  # noqa: ANN001
    with ctx.db.session() as s:
        return len(s.execute(select(AuditEntry.id).where(AuditEntry.action == action)).all())


def test_deleting_an_override_makes_the_day_ordinary_and_says_so(offices) -> None:  # noqa: ANN001
    """What 删除 did and still does: the day is ordinary — but it now stays in the list, revertible."""
    _p, a, _b = offices
    workdays.set_day(a.db, a.actor, STATE_DAY, "workday", "")
    workdays.remove_day(a.db, a.actor, STATE_DAY)
    assert _workday(a, STATE_DAY)  # ordinary Monday: the prefecture's 州庆 does not count
    day = _day(a, STATE_DAY)
    assert day is not None and day.removed and day.origin == "本单位" and day.can_revert
    assert day.kind_label == "普通日（本单位已删除）" and "西双版纳州下发：休息日" in day.overrides


def test_revert_an_override_of_a_prefecture_day_follows_its_table_again(offices, tmp_path: Path) -> None:  # noqa: ANN001
    p, a, b = offices
    friday = D(2026, 10, 30)
    assert _deadline(a, friday, 1) == D(2026, 11, 3)  # the prefecture's 州庆 Monday is off
    workdays.set_day(a.db, a.actor, STATE_DAY, "workday", "")
    assert _deadline(a, friday, 1) == STATE_DAY
    day = _day(a, STATE_DAY)
    assert day is not None and day.can_revert and not _day(a, D(2026, 10, 1)).can_revert

    [before] = service.create_issues(a.db, a.actor, [IssueInput(description="村级活动场所管理不规范",
                                                                 deadline_workdays=1, assigned_date=friday)])
    assert workdays.revert_day(a.db, a.actor, STATE_DAY) == 1
    assert not _workday(a, STATE_DAY)
    assert _deadline(a, friday, 1) == D(2026, 11, 3)  # the working-day deadline follows the prefecture again
    [after] = service.create_issues(a.db, a.actor, [IssueInput(description="村级活动场所管理不规范",
                                                                deadline_workdays=1, assigned_date=friday)])
    with a.db.session() as s:  # a deadline is counted when the item is made (and kept: the ledger's rule)
        assert (s.get(Issue, before).deadline, s.get(Issue, after).deadline) == (STATE_DAY, D(2026, 11, 3))
    day = _day(a, STATE_DAY)
    assert day is not None and day.origin == "西双版纳州下发" and day.kind == "rest" and day.name == "州庆"
    assert not day.can_revert and day.overrides == ""
    assert _audits(a, "revert_holiday") == 1
    with a.db.session() as s:  # A's row is a tombstone (never deleted); the prefecture's is untouched
        own = s.execute(select(Holiday).where(Holiday.office_code == "532801", Holiday.date == STATE_DAY)).scalars().all()
        assert own and all(h.deleted for h in own)
        pref = s.execute(select(Holiday).where(Holiday.office_code == "532800", Holiday.date == STATE_DAY)).scalar_one()
        assert pref.kind == "rest" and not pref.deleted
    with pytest.raises(ValidationError, match="没有修改"):
        workdays.revert_day(a.db, a.actor, STATE_DAY)  # nothing of A's own left to take back

    # the prefecture changes the day again: A follows (its override is gone)
    workdays.set_day(p.db, p.actor, STATE_DAY, "workday", "")
    send(p, a, tmp_path / "down2")
    assert _workday(a, STATE_DAY)
    # A may override again, and take it back again
    workdays.set_day(a.db, a.actor, STATE_DAY, "rest", "县里补休")
    assert not _workday(a, STATE_DAY)
    workdays.revert_day(a.db, a.actor, STATE_DAY)
    assert _workday(a, STATE_DAY)

    # the undo travels like any other edit: A's rows at the prefecture (and relayed to B) are A's rows
    send(a, p, tmp_path / "up")
    mine = {k: v for k, v in rows(a, "holiday").items() if v["office_code"] == "532801"}
    there = {k: v for k, v in rows(p, "holiday").items() if v["office_code"] == "532801"}
    assert there == mine
    send(p, b, tmp_path / "relay")
    assert _workday(b, STATE_DAY)  # B follows the prefecture, never A


def test_revert_a_removal_of_a_prefecture_day(offices) -> None:  # noqa: ANN001
    _p, a, _b = offices
    # A had no row of its own for 州庆: 删除 writes a row saying “an ordinary Monday”
    assert workdays.remove_day(a.db, a.actor, STATE_DAY) == 1
    assert _workday(a, STATE_DAY)
    assert workdays.revert_day(a.db, a.actor, STATE_DAY) == 1
    assert not _workday(a, STATE_DAY) and _day(a, STATE_DAY).origin == "西双版纳州下发"


def test_revert_an_override_of_the_prefectures_makeup_saturday(offices) -> None:  # noqa: ANN001
    """A's seed row of the Saturday was turned into its override; undoing restores the seed, which
    the prefecture's table beats."""
    _p, a, _b = offices
    thursday = D(2026, 10, 8)
    assert not _workday(a, MAKEUP_SAT) and _deadline(a, thursday, 2) == D(2026, 10, 12)
    workdays.set_day(a.db, a.actor, MAKEUP_SAT, "workday", "国庆节")
    assert _workday(a, MAKEUP_SAT) and _deadline(a, thursday, 2) == MAKEUP_SAT
    assert "西双版纳州下发：休息日" in _day(a, MAKEUP_SAT).overrides
    workdays.revert_day(a.db, a.actor, MAKEUP_SAT)
    assert not _workday(a, MAKEUP_SAT) and _deadline(a, thursday, 2) == D(2026, 10, 12)
    day = _day(a, MAKEUP_SAT)
    assert day.origin == "西双版纳州下发" and "本单位·内置日历：调休上班" in day.overrides
    with a.db.session() as s:  # the seed row is a seed again: kind, name and source of the package
        seed = s.execute(select(Holiday).where(Holiday.office_code == "532801", Holiday.date == MAKEUP_SAT,
                                               Holiday.deleted.is_(False))).scalar_one()
        assert (seed.kind, seed.source, seed.verified) == ("workday", workdays.PACKAGE_SOURCE, False)


def test_a_removal_equal_to_the_prefectures_day_shows_theirs_until_it_differs(offices, tmp_path: Path) -> None:  # noqa: ANN001
    p, a, _b = offices
    # A deletes its seed row of the Saturday (a make-up day in the package): an ordinary Saturday,
    # which is what the prefecture's table says anyway — the list shows the prefecture's row
    workdays.remove_day(a.db, a.actor, MAKEUP_SAT)
    day = _day(a, MAKEUP_SAT)
    assert not _workday(a, MAKEUP_SAT) and day.origin == "西双版纳州下发" and not day.removed and not day.can_revert
    # the prefecture restores the make-up Saturday: A's removal now overrides it, visibly, and can be taken back
    workdays.set_day(p.db, p.actor, MAKEUP_SAT, "workday", "国庆节")
    send(p, a, tmp_path / "down2")
    day = _day(a, MAKEUP_SAT)
    assert not _workday(a, MAKEUP_SAT) and day.removed and day.can_revert
    assert day.overrides == "西双版纳州下发：调休上班"
    workdays.revert_day(a.db, a.actor, MAKEUP_SAT)
    assert _workday(a, MAKEUP_SAT) and _deadline(a, D(2026, 10, 8), 2) == MAKEUP_SAT


def test_revert_an_override_of_the_built_in_calendar(offices) -> None:  # noqa: ANN001
    """No parent row for the day: undoing goes back to the built-in calendar — edit or removal."""
    _p, _a, a = offices  # 勐海县 has not received the prefecture's table: its own seed is all it has
    may_day = D(2026, 5, 4)  # a Monday the package has off
    assert not _workday(a, may_day) and _day(a, may_day).origin == "本单位"
    assert not _day(a, may_day).can_revert  # the built-in day itself is nothing to undo
    workdays.set_day(a.db, a.actor, may_day, "workday", "")
    day = _day(a, may_day)
    assert _workday(a, may_day) and day.can_revert and "内置日历：休息日" in day.overrides
    workdays.revert_day(a.db, a.actor, may_day)
    day = _day(a, may_day)
    assert not _workday(a, may_day) and day.source == workdays.PACKAGE_SOURCE and not day.can_revert
    # removed (ordinary), listed as removed over the built-in day, then reverted
    workdays.remove_day(a.db, a.actor, may_day)
    day = _day(a, may_day)
    assert _workday(a, may_day) and day.removed and "内置日历：休息日" in day.overrides
    workdays.revert_day(a.db, a.actor, may_day)
    assert not _workday(a, may_day) and _day(a, may_day).name == "劳动节"
    assert _audits(a, "revert_holiday") == 2


def test_a_day_added_by_hand_is_deleted_as_before(offices) -> None:  # noqa: ANN001
    """A day that overrides nothing: 删除 removes it from the list; there is nothing to revert to."""
    _p, a, _b = offices
    d = D(2031, 10, 11)
    workdays.set_day(a.db, a.actor, d, "workday", "国庆节")
    assert not _day(a, d).can_revert and _day(a, d).overrides == ""
    workdays.remove_day(a.db, a.actor, d)
    assert _day(a, d) is None
    with pytest.raises(ValidationError):
        workdays.revert_day(a.db, a.actor, d)


def test_revert_in_a_prefecture_of_its_own_seeded_day(tmp_path: Path) -> None:
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    try:
        workdays.seed_from_package(p.db, p.actor)
        workdays.set_day(p.db, p.actor, MAKEUP_SAT, "rest", "国庆节")
        assert _day(p, MAKEUP_SAT).can_revert and "内置日历：调休上班" in _day(p, MAKEUP_SAT).overrides
        workdays.revert_day(p.db, p.actor, MAKEUP_SAT)
        assert _workday(p, MAKEUP_SAT)
    finally:
        p.close()


# ---- the parent office: whose table counts, and a warning when it is not the one received ----

def _set_parent(ctx, parent: str | None) -> None:  # noqa: ANN001
    with ctx.db.transaction() as s:
        s.execute(select(Office).where(Office.code == ctx.office_code)).scalar_one().parent_code = parent


def test_mistyped_parent_code_is_named_in_a_warning(offices) -> None:  # noqa: ANN001
    _p, a, _b = offices
    assert workdays.sent_down_warning(a.db) == ""
    _set_parent(a, "532899")
    assert _workday(a, STATE_DAY)  # the prefecture's table no longer counts …
    warning = workdays.sent_down_warning(a.db)  # … and the tab says why
    assert warning == ("上级单位代码 532899 未在已信任单位中找到；已收到 西双版纳州（532800）下发的节假日表，但未采用。"
                       "请在“设置 → 本单位”中核对上级单位代码。")
    office_form = upstream.parent_code_warning(a.db)  # the office form says it as well, naming the one here
    assert "上级单位代码 532899 未在已信任单位中找到" in office_form and "西双版纳州（532800）" in office_form
    _set_parent(a, "532800")
    assert not _workday(a, STATE_DAY) and workdays.sent_down_warning(a.db) == ""
    assert upstream.parent_code_warning(a.db) == ""


def test_parent_known_but_table_from_another_prefecture(offices, tmp_path: Path) -> None:  # noqa: ANN001
    _p, a, _b = offices
    q = make_office(tmp_path / "q", "532500", "红河州", level="prefecture")
    try:
        _set_parent(a, "532500")
        trust_both(a, q)
        warning = workdays.sent_down_warning(a.db)
        assert "西双版纳州（532800）" in warning and "红河州（532500）" in warning and "未采用" in warning
    finally:
        q.close()


def test_no_parent_counts_the_one_prefecture_but_not_one_of_several(offices, tmp_path: Path) -> None:  # noqa: ANN001
    _p, a, _b = offices
    _set_parent(a, None)
    assert not _workday(a, STATE_DAY)  # the only prefecture here: its table counts …
    assert "未填写上级单位代码" in workdays.sent_down_warning(a.db)  # … and the tab asks for the code
    assert "西双版纳州（532800）" in workdays.sent_down_warning(a.db)
    q = make_office(tmp_path / "q", "532500", "红河州", level="prefecture")
    try:
        trust_both(a, q)
        with a.db.session() as s:
            assert upstream.upstream_codes(s, "532801") == []  # two prefectures: which one is above is unknown
        assert _workday(a, STATE_DAY)
        warning = workdays.sent_down_warning(a.db)
        assert "未填写上级单位代码" in warning and "西双版纳州（532800）" in warning and "未采用" in warning
        assert "红河州（532500）" in upstream.parent_code_warning(a.db)
    finally:
        q.close()


def test_move_a_day_is_one_transaction(offices) -> None:  # noqa: ANN001
    _p, a, _b = offices
    workdays.set_day(a.db, a.actor, D(2031, 5, 6), "rest", "县庆")
    with pytest.raises(ValidationError):
        workdays.move_day(a.db, a.actor, D(2031, 5, 6), D(2031, 5, 7), "holiday", "县庆")  # a bad kind: nothing moves
    assert {h.date for h in workdays.list_days(a.db, 2031)} == {D(2031, 5, 6)}
    workdays.move_day(a.db, a.actor, D(2031, 5, 6), D(2031, 5, 7), "rest", "县庆")
    assert {h.date for h in workdays.list_days(a.db, 2031)} == {D(2031, 5, 7)}
    assert _audits(a, "move_holiday") == 1 and _audits(a, "remove_holiday") == 0
    # the prefecture's 州庆 moved a day later here: its old date is this office's (revertible) override
    workdays.move_day(a.db, a.actor, STATE_DAY, D(2026, 11, 3), "rest", "州庆")
    assert _workday(a, STATE_DAY) and not _workday(a, D(2026, 11, 3)) and _day(a, STATE_DAY).can_revert


def test_parent_code_naming_a_county_never_counts_its_rows(offices, tmp_path: Path) -> None:  # noqa: ANN001
    """A typo naming the sibling county: its relayed rows stay another county's, and both warnings say so."""
    p, a, b = offices
    workdays.set_day(b.db, b.actor, D(2026, 11, 4), "rest", "县庆")
    send(b, p, tmp_path / "up")
    send(p, a, tmp_path / "relay")  # B's rows (and its Office row) reach A through the prefecture
    _set_parent(a, "532822")
    with a.db.session() as s:
        assert upstream.upstream_codes(s, "532801") == []
    assert _workday(a, D(2026, 11, 4)) and _workday(a, STATE_DAY)  # neither B's nor the prefecture's days
    warning = workdays.sent_down_warning(a.db)
    assert warning.startswith("上级单位代码 532822 是县级单位 勐海县（532822），不能作为上级单位")
    assert "西双版纳州（532800）下发的节假日表，但未采用" in warning
    assert "县级单位" in upstream.parent_code_warning(a.db)
