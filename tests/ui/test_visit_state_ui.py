"""调研安排: 状态 in the visit form (a new visit follows its dates until a state is picked), 标记完成 with the
actual dates and 取消调研 on the visits page; the days view shows planned and not-counted days apart."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.org.organisation import list_people
from desktop_app.work import days, visits
from desktop_app.work.types import VisitInput
from ui.work.days_view import DaysView
from ui.work.visit_dialog import VisitDialog
from ui.work.visits_page import VisitsPage

TODAY = dt.date.today()


def test_new_visit_state_follows_its_dates(qtbot, ctx) -> None:  # noqa: ANN001
    dlg = VisitDialog(ctx, start=TODAY + dt.timedelta(days=5))
    qtbot.addWidget(dlg)
    assert dlg.state.currentData() == "planned"
    dlg.start.setDate(QDate(2026, 3, 2))
    dlg.end.setDate(QDate(2026, 3, 4))
    assert dlg.state.currentData() == "done"  # recorded after the fact
    ids = {p.name: p.id for p in list_people(ctx.db, 2026)}
    dlg.place.setText("勐阿镇纳京村")
    dlg.lead.setCurrentIndex(dlg.lead.findData(ids["刘洋"]))
    dlg.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dlg.saved is not None and dlg.saved.visit.state == "done"


def test_mark_done_with_actual_dates_and_cancel_from_the_page(qtbot, ctx, dialog_answers) -> None:  # noqa: ANN001
    ids = {p.name: p.id for p in list_people(ctx.db, 2026)}
    v = visits.create_visit(ctx.db, ctx.actor, VisitInput(dt.date(2026, 6, 1), dt.date(2026, 6, 5), "勐海镇曼贺村",
                                                          ids["陈静"], place_type="农村", state="planned")).visit
    page = VisitsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page._select(v.id)
    assert page.buttons["done"].isEnabled() and "计划" in page.detail.text()
    dialog_answers.texts.append("2026-06-01 至 bad")
    page.buttons["done"].click()
    assert "无法识别" in dialog_answers.warnings[-1] and visits.get_visit(ctx.db, v.id).state == "planned"
    dialog_answers.texts.append("2026-06-02 至 2026-06-03")
    page.buttons["done"].click()
    got = visits.get_visit(ctx.db, v.id)
    assert got.state == "done" and (got.actual_start, got.actual_end) == (dt.date(2026, 6, 2), dt.date(2026, 6, 3))
    assert {r.name: r.days for r in days.days_table(ctx.db, 2026)}["陈静"] == 2
    assert not page.buttons["done"].isEnabled() and "实际 2026-06-02 至 2026-06-03" in page.detail.text()
    dialog_answers.confirms.append(True)
    page.buttons["cancel"].click()
    assert visits.get_visit(ctx.db, v.id).state == "cancelled"
    assert {r.name: r.days for r in days.days_table(ctx.db, 2026)}["陈静"] == 0


def test_days_view_shows_planned_and_not_counted(qtbot, ctx) -> None:  # noqa: ANN001
    ids = {p.name: p.id for p in list_people(ctx.db, 2026)}
    visits.create_visit(ctx.db, ctx.actor, VisitInput(dt.date(2026, 6, 1), dt.date(2026, 6, 10), "州乡村振兴局（汇报工作）",
                                                      ids["刘洋"], place_type="机关"))
    view = DaysView(ctx)
    qtbot.addWidget(view)
    view.year, view.today = 2026, dt.date(2026, 6, 30)
    view.refresh()
    row = next(i for i in range(view.model.rowCount()) if view.model.index(i, 1).data() == "刘洋")
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())]
    assert view.model.index(row, headers.index("基层天数")).data() == "0"
    assert view.model.index(row, headers.index("不计入天数")).data() == "机关 10天"
    view.table.selectRow(row)
    assert "机关 10 天不计入" in view.person_title.text()
