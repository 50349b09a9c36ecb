"""设置 › 节假日 in a county that received its prefecture's holiday table: each day says where it came from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt

from desktop_app import calendar as workdays
from tests.helpers.sync_support import make_office, send, trust_both
from tests.helpers.workers import let_workers_finish
from ui.settings.holidays_tab import HolidaysTab

D = dt.date


def test_tab_shows_the_origin_of_each_day(qtbot, tmp_path: Path, dialog_answers) -> None:  # noqa: ANN001
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    a = make_office(tmp_path / "a", "532801", "景洪市")
    try:
        trust_both(a, p)
        workdays.seed_from_package(a.db, a.actor)
        workdays.set_day(p.db, p.actor, D(2026, 10, 10), "rest", "国庆节")  # no make-up Saturday
        workdays.set_day(p.db, p.actor, D(2026, 11, 2), "rest", "州庆")
        send(p, a, tmp_path / "down")
        tab = HolidaysTab(a)
        qtbot.addWidget(tab)
        tab.year.setValue(2026)
        m = tab.model
        src, over = m.HEADERS.index("来源"), m.HEADERS.index("覆盖")
        rows = {m.day(r).date: r for r in range(m.rowCount())}

        def cell(d: dt.date, col: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
            return m.data(m.index(rows[d], col), role)

        assert cell(D(2026, 10, 10), src) == "西双版纳州下发 · 手工录入"
        assert cell(D(2026, 10, 10), over) == "本单位·内置日历：调休上班"
        assert "西双版纳州下发" in str(cell(D(2026, 10, 10), 0, Qt.ItemDataRole.ToolTipRole))
        assert cell(D(2026, 11, 2), src) == "西双版纳州下发 · 手工录入" and cell(D(2026, 11, 2), over) == ""
        # the prefecture's first edit seeded its own table from the package: its built-in days came down too
        assert cell(D(2026, 10, 1), src) == "西双版纳州下发 · 内置日历" and cell(D(2026, 10, 1), over) == ""
        assert cell(D(2026, 10, 1), 1) == "休息日"

        # deleting the prefecture's local holiday here makes it an ordinary day of this county's own
        tab.view.selectRow(rows[D(2026, 11, 2)])
        tab.remove_selected()
        rows = {m.day(r).date: r for r in range(m.rowCount())}
        assert cell(D(2026, 11, 2), 1) == "正常上班" and cell(D(2026, 11, 2), src) == "本单位 · 手工录入"
        assert cell(D(2026, 11, 2), over) == "西双版纳州下发：休息日"
        assert workdays.load_calendar(a.db).is_workday(D(2026, 11, 2)).value
        assert dialog_answers.warnings == [] and dialog_answers.bugs == []
    finally:
        let_workers_finish()  # its windows' background reads end before the database closes
        a.close()
        let_workers_finish()  # its windows' background reads end before the database closes
        p.close()
