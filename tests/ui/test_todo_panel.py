"""待办 panel: entries read in the background, red first; counts on the sidebar; a double-click opens the place to act."""

from __future__ import annotations

import datetime as dt

from db.models import Issue
from desktop_app.campaign import todo
from desktop_app.org.organisation import list_sections
from ui.dashboard.todo_panel import TodoPanel
from ui.main_window import MainWindow


def _wait(qtbot, panel: TodoPanel) -> None:
    qtbot.waitUntil(lambda: panel.task is not None and panel.task.done, timeout=20_000)


def test_panel_lists_counts_and_opens_targets(qtbot, ctx, dialog_answers) -> None:
    with ctx.db.transaction() as s:
        s.add(Issue(id="i-late", serial="2026-001", year=2026, description="村道破损未修复",
                    deadline=dt.date.today() - dt.timedelta(days=3), status="in_progress"))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    dash = window.page("dashboard")
    panel = dash.findChild(TodoPanel)
    assert panel is not None
    _wait(qtbot, panel)
    expected = todo.todo_list(ctx.db)
    assert [e.title for e in panel.entries] == [e.title for e in expected]
    assert panel.entries[0].severity == "red"
    assert panel.title.text().startswith(f"待办（{len(expected)} 项")
    # the sidebar names how many to-dos each page holds
    nav = {window.nav.item(i).data(0x0100): window.nav.item(i).text() for i in range(window.nav.count())}
    counts = todo.counts_by_page(expected)
    assert nav["ledger"] == "问题台账  1" and nav["plans"] == f"计划清单  {counts['plans']}"
    assert nav["settings"] == "设置"
    # the overdue ledger item opens the ledger on that item
    row = panel.model.row_of(lambda e: e.target_id == "i-late")
    panel.open_entry(row)
    assert window.stack.currentWidget() is window.page("ledger")
    # a section's missing weekly plan opens 计划清单 on that section and week
    sections = {s.id for s in list_sections(ctx.db)}
    row = panel.model.row_of(lambda e: e.kind == "plan" and e.detail.startswith("week "))
    entry = panel.model.item(row)
    assert entry is not None and entry.target_id in sections
    panel.open_entry(row)
    plans_page = window.page("plans")
    assert window.stack.currentWidget() is plans_page
    assert plans_page.kind_key() == "week" and plans_page.selected_section() == entry.target_id
    # a month without its 组工讲堂 opens 会议研讨; while that page is not in the build, a calm message says so
    row = panel.model.row_of(lambda e: e.page == "meetings")
    assert row >= 0  # no meeting at all in this office
    panel.open_entry(row)
    if "meetings" in window.specs:
        assert window.stack.currentWidget() is window.page("meetings")
    else:
        assert dialog_answers.infos and "尚未启用" in dialog_answers.infos[-1]
