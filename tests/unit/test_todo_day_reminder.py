"""每日提醒: which to-dos a day brings (due that day, overdue) and the one line the status bar shows."""

from __future__ import annotations

import datetime as dt

from desktop_app.campaign.todo import TodoEntry, day_reminder

DAY = dt.date(2026, 12, 8)


def _entry(title: str, due: dt.date | None, severity: str = "red") -> TodoEntry:
    return TodoEntry("ledger", title, due, severity, "ledger")


def test_due_today_and_overdue_are_told_apart() -> None:
    entries = [_entry("昨天", DAY - dt.timedelta(days=1)), _entry("今天", DAY),
               _entry("明天", DAY + dt.timedelta(days=1), "yellow"), _entry("另有 30 项问题逾期或即将到期", None)]
    r = day_reminder(entries, DAY)
    assert [e.title for e in r.due_today] == ["今天"]
    assert [e.title for e in r.overdue] == ["昨天"]
    assert r.any and r.total == 4
    assert r.text == "12月8日：今天到期 1 项，已逾期 1 项（待办共 4 项）"
    only_late = day_reminder(entries[:1], DAY)
    assert only_late.text == "12月8日：已逾期 1 项（待办共 1 项）"


def test_a_quiet_day_says_so() -> None:
    assert day_reminder([], DAY).text == "12月8日：没有待办事项"
    r = day_reminder([_entry("下周", DAY + dt.timedelta(days=5), "yellow")], DAY)
    assert not r.any and r.text == "12月8日：没有今天到期或已逾期的待办（待办共 1 项）"
