"""调研安排 page › 扎堆/重复调研: the list with its limits, saved as settings, printed and exported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import PersonInput, add_person
from desktop_app.work import crowding, visit_state, visits
from desktop_app.work.types import VisitInput
from ui.work.visits_page import VisitsPage

D = dt.date


def test_crowding_tab(qtbot, ctx: AppContext, dialog_answers, tmp_path: Path) -> None:  # noqa: ANN001
    who = add_person(ctx.db, ctx.actor, PersonInput("刀红", "综合科")).id
    for day in (2, 9, 16, 23):
        visits.create_visit(ctx.db, ctx.actor, VisitInput(D(2026, 3, day), D(2026, 3, day), "嘎洒镇曼景村", who))
    page = VisitsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page.refresh()
    view = page.crowding
    assert page.tabs.tabText(page.tabs.indexOf(view)) == "扎堆/重复调研"
    kinds = [view.model.data(view.model.index(r, 0)) for r in range(view.model.rowCount())]
    assert kinds == ["重复调研", "重复调研", "重复调研", "基层减负"]
    assert "重复调研 3 处" in view.hint.text() and "基层减负 1 处" in view.hint.text()
    view.limit.setValue(4)
    view.repeat.setValue(5)
    view.apply.click()
    assert (crowding.monthly_limit(ctx.db), crowding.repeat_days(ctx.db)) == (4, 5)
    assert view.model.rowCount() == 0 and "重复调研 0 处" in view.hint.text()
    view.repeat.setValue(30)
    view.apply.click()
    last = visits.visit_infos(ctx.db, 2026)[-1]
    visit_state.set_state(ctx.db, ctx.actor, last.id, "cancelled")
    page.refresh()
    assert view.model.rowCount() == 2  # the cancelled visit's repeat is gone
    out = tmp_path / "清单.xlsx"
    dialog_answers.files.append(str(out))
    task = view.export_list()
    assert task is not None and task.wait(20_000)
    assert dialog_answers.infos and "已导出 2 行" in dialog_answers.infos[0]
    sheet = openpyxl.load_workbook(out).active
    found = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert sum(1 for c in found if c == "重复调研") == 2
    page.grab().save("/tmp/crowding_tab.png")
