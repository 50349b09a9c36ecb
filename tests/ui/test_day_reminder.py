"""每日提醒: a window left open overnight notices the new day (by its timer, or when it becomes active again after
the computer woke up), reads 待办 again and shows what is due today and overdue — never in a modal box."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from db.models import Issue
from desktop_app.campaign import todo
from desktop_app.core.context import AppContext
from ui.dashboard.todo_panel import TodoPanel
from ui.day_watch import DayNotice
from ui.main_window import MainWindow

MONDAY = dt.date(2026, 12, 7)


class Clock:
    """A clock a test moves: no sleeping until midnight."""

    def __init__(self, day: dt.date) -> None:
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


def _issue(ctx: AppContext, iid: str, serial: str, deadline: dt.date) -> None:
    with ctx.db.transaction() as s:
        s.add(Issue(id=iid, serial=serial, year=2026, description=f"问题{serial}", deadline=deadline,
                    status="in_progress"))


def _window(qtbot, ctx: AppContext, clock: Clock) -> MainWindow:  # noqa: ANN001
    w = MainWindow(ctx, clock=clock)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _panel(w: MainWindow) -> TodoPanel:
    panel = w.page("dashboard").findChild(TodoPanel)
    assert panel is not None
    return panel


def test_the_next_morning_brings_the_days_reminder(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    _issue(ctx, "i-tue", "2026-101", MONDAY + dt.timedelta(days=1))  # due on Tuesday
    _issue(ctx, "i-mon", "2026-102", MONDAY)  # due today (Monday): overdue by Tuesday
    clock = Clock(MONDAY)
    w = _window(qtbot, ctx, clock)
    panel = _panel(w)
    qtbot.waitUntil(lambda: panel.task is not None and panel.task.done, timeout=20_000)
    assert panel.model.today == MONDAY
    assert w.day_notice is None  # the start shows 工作台 and its 待办; no extra panel
    assert w.day_watch is not None and not w.day_watch.check()  # the same day: nothing happens

    clock.day = MONDAY + dt.timedelta(days=1)  # the window stayed open overnight
    w.day_watch.timer.timeout.emit()  # the minute's look at the clock
    qtbot.waitUntil(lambda: w.day_notice is not None, timeout=20_000)
    notice = w.day_notice
    assert isinstance(notice, DayNotice) and notice.isVisible()
    assert not notice.isModal() and notice.windowModality() == Qt.WindowModality.NonModal
    assert QApplication.activeModalWidget() is None
    expected = todo.day_reminder(todo.todo_list(ctx.db, clock.day), clock.day)
    assert [e.target_id for e in expected.due_today if e.kind == "ledger"] == ["i-tue"]
    assert [e.target_id for e in expected.overdue if e.kind == "ledger"] == ["i-mon"]
    assert notice.head.text() == expected.text and expected.text.startswith("12月8日：今天到期 ")
    texts = [notice.items.item(i).text() for i in range(notice.items.count())]
    assert any(t.startswith("【已逾期】问题台账 · 2026-102") for t in texts)
    assert any(t.startswith("【今天到期】问题台账 · 2026-101") for t in texts)
    assert w.statusBar().currentMessage() == expected.text
    # the 待办 panel was read again for the new day: Monday's item now says 逾期
    qtbot.waitUntil(lambda: panel.model.today == clock.day, timeout=20_000)
    row = panel.model.row_of(lambda e: e.target_id == "i-mon")
    assert panel.model.data(panel.model.index(row, 0)) == "● 逾期"
    # 查看待办 brings 工作台 to the front and closes the notice
    w.show_page("ledger")
    notice.open_button.click()
    assert w.stack.currentWidget() is w.pages["dashboard"]
    qtbot.waitUntil(lambda: w.day_notice is None)


def test_waking_the_computer_is_noticed_when_the_window_is_active_again(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    _issue(ctx, "i-late", "2026-201", MONDAY - dt.timedelta(days=10))
    clock = Clock(MONDAY)
    w = _window(qtbot, ctx, clock)
    assert w.day_watch is not None
    w.day_watch.timer.stop()  # asleep: the minute timer did not run
    clock.day = MONDAY + dt.timedelta(days=3)
    w.activateWindow()  # back at the desk: the window is active again (Qt sends ActivationChange)
    qtbot.waitActive(w)
    qtbot.waitUntil(lambda: w.day_notice is not None, timeout=20_000)
    assert w.day_watch.day == clock.day
    assert "已逾期" in w.statusBar().currentMessage()


def test_a_day_with_nothing_due_says_so_on_the_status_bar_only(qtbot, ctx: AppContext,  # noqa: ANN001
                                                               monkeypatch) -> None:
    monkeypatch.setattr(todo, "todo_list", lambda db, today=None: [])
    clock = Clock(MONDAY)
    w = _window(qtbot, ctx, clock)
    clock.day = MONDAY + dt.timedelta(days=1)
    assert w.day_watch is not None and w.day_watch.check()
    qtbot.waitUntil(lambda: w.statusBar().currentMessage() == "12月8日：没有待办事项", timeout=20_000)
    assert w.day_notice is None


def test_no_tray_offscreen_and_the_reminder_waits_behind_the_lock(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    _issue(ctx, "i-late", "2026-301", MONDAY - dt.timedelta(days=2))
    clock = Clock(MONDAY)
    w = _window(qtbot, ctx, clock)
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen: the code copes without a tray
    locked = type("Lock", (), {"locked": True})()
    w.idle_lock = locked  # type: ignore[attr-defined]
    reminder = todo.day_reminder(todo.todo_list(ctx.db, MONDAY), MONDAY)
    assert reminder.any
    w.show_day_notice(reminder)
    assert w.day_notice is None and w._pending_reminder is reminder  # no titles over a locked screen
    locked.locked = False
    w._signed_again()
    assert w.day_notice is not None and w.day_notice.isVisible() and w.tray is None


def test_a_second_new_day_replaces_the_first_notice(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """A notice left open over a weekend: Tuesday's replaces Monday's, and the window keeps the new one."""
    _issue(ctx, "i-late", "2026-401", MONDAY - dt.timedelta(days=2))
    clock = Clock(MONDAY)
    w = _window(qtbot, ctx, clock)
    assert w.day_watch is not None
    for days in (1, 2):
        clock.day = MONDAY + dt.timedelta(days=days)
        w.day_watch.check()
        qtbot.waitUntil(lambda: w.day_notice is not None and w.day_notice.head.text().startswith(
            f"{clock.day.month}月{clock.day.day}日"), timeout=20_000)
    current = w.day_notice
    qtbot.wait(50)  # the replaced notice is deleted by now
    assert w.day_notice is current and w.day_notice.isVisible()
    assert [d for d in w.findChildren(DayNotice) if d.isVisible()] == [w.day_notice]
