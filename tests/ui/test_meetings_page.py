"""会议研讨 page: the list with its filters, the form (attendance, refusals in place), remove after confirming,
points raised → ledger item / topic, the 组工讲堂 grid, and a prefecture reading a county's meetings read-only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from db.models import Issue, Topic
from db.models_campaign import Meeting
from desktop_app.campaign import meetings
from desktop_app.campaign.meetings import AttendeeInput, MeetingInput
from desktop_app.org import scope
from desktop_app.org.organisation import PersonInput, add_person, list_people, list_sections
from tests.helpers.sync_support import make_office, send, trust_both
from tests.helpers.workers import let_workers_finish
from ui.campaign.meeting_dialog import ABSENT, MeetingDialog
from ui.campaign.meetings_page import MeetingsPage
from ui.work.widgets import select_data

D = dt.date


def _count(ctx, model) -> int:
    with ctx.db.session() as s:
        return int(s.execute(select(func.count()).select_from(model).where(model.deleted.is_(False))).scalar_one())


def _seed(ctx) -> dict[str, str]:
    people = {p.name: p.id for p in list_people(ctx.db, 2026)}
    secs = {s.name: s.id for s in list_sections(ctx.db)}
    meetings.create_meeting(ctx.db, ctx.actor, MeetingInput(
        year=2026, kind="组工讲堂", date=D(2026, 1, 15), theme="调研方法讲座", section_id=secs["综合科"],
        host_id=people["刘洋"], attendees=[AttendeeInput(people["刘洋"]), AttendeeInput(people["吴芳"], False, "病假")]))
    meetings.create_meeting(ctx.db, ctx.actor, MeetingInput(
        year=2026, kind="务虚会", date=D(2026, 6, 25), theme="上半年复盘", host_id=people["陈静"]))
    return secs


@pytest.fixture
def page(qtbot, ctx):
    _seed(ctx)
    p = MeetingsPage(ctx)
    qtbot.addWidget(p)
    p.year.setValue(2026)
    return p


def test_list_filters_and_grid(page) -> None:
    assert page.model.rowCount() == 2
    assert page.model.data(page.model.index(0, 5)) == "1/2"
    select_data(page.kind, "务虚会")
    assert page.model.rowCount() == 1 and page.model.item(0).theme == "上半年复盘"
    select_data(page.kind, "")
    select_data(page.section, "综合科")
    assert [page.model.item(r).section_name for r in range(page.model.rowCount())] == ["综合科"]
    select_data(page.section, None)
    page.find.setText("复盘")
    assert page.model.rowCount() == 1
    g = page.grid_model
    assert g.columnCount() >= 1 and g.rowCount() == 3  # three sections, months to today
    assert g.headerData(0, Qt.Orientation.Horizontal) == "1月"
    marks = {g.headerData(r, Qt.Orientation.Vertical): g.data(g.index(r, 0)) for r in range(g.rowCount())}
    assert marks["综合科"] == "✓" and marks["规划发展科"] in ("缺", "待")


def test_form_saves_attendance_and_refuses_empty_theme_in_place(qtbot, ctx, page) -> None:
    dlg = MeetingDialog(ctx, year=2026, parent=page)
    qtbot.addWidget(dlg)
    select_data(dlg.kind, "专题研讨")
    dlg.date.setDate(D(2026, 3, 20))
    select_data(dlg.section, list_sections(ctx.db)[1].id)  # 规划发展科: its people invited
    invited = dlg.attendance.attendees()
    assert {a.person_id for a in invited} == {p.id for p in list_people(ctx.db, 2026) if p.section_name == "规划发展科"}
    before = _count(ctx, Meeting)
    dlg.save()  # no theme yet
    assert not dlg.error.isHidden() and "会议主题不能为空" in dlg.error.text()
    assert dlg.saved is None and _count(ctx, Meeting) == before
    dlg.theme.setText("“别人什么样、自己怎么办”专题研讨")
    huang = next(p.id for p in list_people(ctx.db, 2026) if p.name == "黄涛")
    dlg.attendance.set_state(huang, ABSENT, "出差")
    dlg.save()
    assert dlg.saved is not None and dlg.saved.absent_text == "黄涛（出差）" and dlg.saved.attendance == "1/2"
    assert _count(ctx, Meeting) == before + 1


def test_edit_keeps_attendance(qtbot, ctx, page) -> None:
    m = page.model.item(0)
    dlg = MeetingDialog(ctx, m, parent=page)
    qtbot.addWidget(dlg)
    assert {(a.person_id, a.present, a.absence_reason) for a in dlg.attendance.attendees()} == {
        (a.person_id, a.present, a.absence_reason) for a in m.attendees}
    dlg.theme.setText("调研方法讲座（第二讲）")
    dlg.save()
    assert meetings.get_meeting(ctx.db, m.id).theme == "调研方法讲座（第二讲）"
    assert meetings.get_meeting(ctx.db, m.id).attendees == m.attendees


def test_remove_asks_first(page, ctx, dialog_answers) -> None:
    page._select(page.model.item(0).id)
    dialog_answers.confirms = [False]
    page.remove()
    assert _count(ctx, Meeting) == 2 and "删除" in dialog_answers.questions[-1]
    dialog_answers.confirms = [True]
    page.remove()
    assert _count(ctx, Meeting) == 1 and page.model.rowCount() == 1


def test_points_raised_become_issue_and_topic(page, ctx, dialog_answers) -> None:
    m = page.model.item(0)  # 综合科's 组工讲堂
    page._select(m.id)
    dialog_answers.texts = ["调研报告质量参差不齐"]
    page.to_issue()
    dialog_answers.texts = ["提高调研报告质量的路径研究"]
    page.to_topic()
    with ctx.db.session() as s:
        assert s.execute(select(Issue.source_meeting_id).where(Issue.source == "meeting")).scalar_one() == m.id
        assert s.execute(select(Topic.source_meeting_id).where(
            Topic.title == "提高调研报告质量的路径研究")).scalar_one() == m.id
    assert page.current() is not None and page.current().linked_text == "问题1、课题1"
    assert "提高调研报告质量的路径研究" in page.detail.text()


def test_prefecture_reads_a_county_read_only(qtbot, tmp_path: Path) -> None:
    b = make_office(tmp_path / "b", "532822", "勐海县")
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    try:
        trust_both(b, p)
        host = add_person(b.db, b.actor, PersonInput("王五", "综合科", is_leader=True)).id
        meetings.create_meeting(b.db, b.actor, MeetingInput(year=2026, kind="中心组学习", date=D(2026, 5, 8),
                                                            theme="专题学习", host_id=host,
                                                            attendees=[AttendeeInput(host)]))
        send(b, p, tmp_path / "bundle")
        page = MeetingsPage(p)
        qtbot.addWidget(page)
        page.year.setValue(2026)
        # a prefecture's page opens on 全部单位 (as its ledger does); its own meetings are none
        assert page.office_combo.current_office() == scope.ALL and page.model.rowCount() == 1
        page.office_combo.setCurrentIndex(page.office_combo.findData(""))
        assert page.model.rowCount() == 0
        page.office_combo.setCurrentIndex(page.office_combo.findData("532822"))
        assert page.model.rowCount() == 1
        page._select(page.model.item(0).id)
        assert not page.buttons["new"].isEnabled() and not page.buttons["edit"].isEnabled()
        assert not page.buttons["remove"].isEnabled() and page.buttons["print"].isEnabled()
        page.office_combo.setCurrentIndex(page.office_combo.findData(scope.ALL))
        assert page.model.rowCount() == 1 and not page.table.isColumnHidden(page.model.columnCount() - 1)
    finally:
        let_workers_finish()  # its windows' background reads end before the database closes
        b.close()
        let_workers_finish()  # its windows' background reads end before the database closes
        p.close()


def test_delete_key_on_the_list_asks_then_removes(qtbot, page, ctx, dialog_answers) -> None:
    with qtbot.waitActive(page):  # a shortcut fires only in the active window
        page.show()
        page.activateWindow()
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.current() is not None)
    dialog_answers.confirms = [True]
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert dialog_answers.questions and _count(ctx, Meeting) == 1
    page.find.setFocus()
    qtbot.keyClick(page.find, Qt.Key.Key_Delete)  # typing in 查找 removes nothing
    assert _count(ctx, Meeting) == 1


def test_the_list_opens_at_this_month_not_january(qtbot, ctx, monkeypatch) -> None:  # noqa: ANN001
    people = {p.name: p.id for p in list_people(ctx.db, 2026)}
    for week in range(40):
        d = D(2026, 1, 5) + dt.timedelta(days=7 * week)
        meetings.create_meeting(ctx.db, ctx.actor, MeetingInput(
            year=2026, kind="务虚会", date=d, theme=f"{d:%m月%d日}复盘", host_id=people["陈静"]))
    p = MeetingsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1100, 600)
    p.show()
    qtbot.waitExposed(p)
    calls: list[int] = []
    monkeypatch.setattr(p, "_scroll_to_this_month", lambda: calls.append(1))
    p.year.setValue(2026)
    p.refresh()
    qtbot.waitUntil(lambda: bool(calls))  # every reload with nothing selected brings this month into view
    monkeypatch.undo()
    view = p.table
    view.scrollToTop()
    p._scroll_to_this_month(D(2026, 6, 18))  # a day in June: the first June meeting at the top
    first = p.model.row_of(lambda m: m.date >= D(2026, 6, 1))
    assert first > 0 and view.rowAt(0) == first
