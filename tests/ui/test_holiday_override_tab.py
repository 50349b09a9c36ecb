"""设置 › 节假日: 撤销本单位修改 (button and context menu) on a day the county changed over its prefecture's
table, and the warning when the prefecture's table is here but the parent code does not name it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from db.models import Office
from desktop_app import calendar as workdays
from desktop_app.ledger import service
from tests.helpers.sync_support import make_office, send, trust_both
from tests.helpers.workers import let_workers_finish
from ui.settings.holidays_tab import HolidaysTab
from ui.settings.office_tab import OfficeTab

D = dt.date
STATE_DAY = D(2026, 11, 2)  # Monday: the prefecture's 州庆


def _row(tab: HolidaysTab, d: dt.date) -> int:
    return next(i for i, x in enumerate(tab.model.days) if x.date == d)


def test_revert_a_county_override_from_the_tab(qtbot, tmp_path: Path, dialog_answers) -> None:  # noqa: ANN001
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    a = make_office(tmp_path / "a", "532801", "景洪市")
    try:
        trust_both(a, p)
        workdays.seed_from_package(a.db, a.actor)
        workdays.set_day(p.db, p.actor, STATE_DAY, "rest", "州庆")
        send(p, a, tmp_path / "down")
        tab = HolidaysTab(a)
        qtbot.addWidget(tab)
        tab.year.setValue(2026)
        assert tab.upstream_warning.isHidden()  # the parent code names the prefecture: nothing to warn about
        acts = {x.text(): x for x in tab.view.actions()}
        revert = acts["撤销本单位修改（恢复上级设置）"]

        # the prefecture's day itself: nothing of this office's to take back
        tab.view.selectRow(_row(tab, STATE_DAY))
        assert not tab.revert_btn.isEnabled() and not revert.isEnabled()
        # the county makes it a working day through the dialog
        tab.edit_btn.click()
        dlg = tab.dialog
        dlg.kind.setCurrentIndex(dlg.kind.findData("workday"))
        dlg.accept()
        assert workdays.load_calendar(a.db).is_workday(STATE_DAY).value
        assert service.preview_deadline(a.db, D(2026, 10, 30), 1).deadline == STATE_DAY
        tab.view.selectRow(_row(tab, STATE_DAY))
        assert tab.revert_btn.isEnabled() and revert.isEnabled()
        cell = tab.model.index(_row(tab, STATE_DAY), tab.model.HEADERS.index("覆盖")).data()
        assert cell == "西双版纳州下发：休息日"

        # refused once: nothing changes
        dialog_answers.confirms.append(False)
        tab.revert_btn.click()
        assert dialog_answers.questions[-1].endswith("撤销后这一天改按“西双版纳州下发：休息日”计算。")
        assert "2026-11-02" in dialog_answers.questions[-1]
        assert workdays.load_calendar(a.db).is_workday(STATE_DAY).value
        # confirmed through the context menu's action: the prefecture's day again, and the deadline moves
        revert.trigger()
        assert len(dialog_answers.questions) == 2
        assert not workdays.load_calendar(a.db).is_workday(STATE_DAY).value
        assert service.preview_deadline(a.db, D(2026, 10, 30), 1).deadline == D(2026, 11, 3)
        r = _row(tab, STATE_DAY)
        assert tab.model.index(r, 3).data() == "西双版纳州下发 · 手工录入" and tab.model.index(r, 1).data() == "休息日"
        assert not tab.revert_btn.isEnabled()  # the row (still selected) is the prefecture's

        # 删除 over the prefecture's day says what it overrides, and the removal stays listed, revertible
        workdays.set_day(a.db, a.actor, STATE_DAY, "workday", "")
        tab.refresh()
        tab.view.selectRow(_row(tab, STATE_DAY))
        tab.remove_action.trigger()
        assert "撤销本单位修改" in dialog_answers.questions[-1]
        r = _row(tab, STATE_DAY)
        assert tab.model.index(r, 1).data() == "普通日（本单位已删除）" and tab.model.index(r, 3).data() == "本单位 · 已删除"
        tab.view.selectRow(r)
        assert tab.revert_btn.isEnabled() and not tab.remove_action.isEnabled()
        tab.revert_btn.click()
        assert not workdays.load_calendar(a.db).is_workday(STATE_DAY).value
        assert dialog_answers.warnings == [] and dialog_answers.bugs == []

        # moving the prefecture's day to another date asks first (its old date is overridden here), one transaction
        tab.view.selectRow(_row(tab, STATE_DAY))
        tab.edit_btn.click()
        tab.dialog.date.setDate(D(2026, 11, 3))
        asked = len(dialog_answers.questions)
        dialog_answers.confirms.append(False)
        tab.dialog.accept()
        assert len(dialog_answers.questions) == asked + 1 and "西双版纳州下发的日子" in dialog_answers.questions[-1]
        assert not workdays.load_calendar(a.db).is_workday(STATE_DAY).value  # refused: nothing changed
        assert workdays.load_calendar(a.db).is_workday(D(2026, 11, 3)).value
        tab.view.selectRow(_row(tab, STATE_DAY))
        tab.edit_btn.click()
        tab.dialog.date.setDate(D(2026, 11, 3))
        tab.dialog.accept()
        cal = workdays.load_calendar(a.db)
        assert cal.is_workday(STATE_DAY).value and not cal.is_workday(D(2026, 11, 3)).value
        moved = tab.model.days[_row(tab, STATE_DAY)]
        assert moved.origin == "本单位" and moved.can_revert  # the old date: this office's override, revertible
        workdays.revert_day(a.db, a.actor, STATE_DAY)
        workdays.remove_day(a.db, a.actor, D(2026, 11, 3))  # an added day: deleted as before
        assert not workdays.load_calendar(a.db).is_workday(STATE_DAY).value
        assert workdays.load_calendar(a.db).is_workday(D(2026, 11, 3)).value
        tab.refresh()

        # a mistyped parent code: the prefecture's table is here but unused, and the tab says so
        with a.db.transaction() as s:
            s.execute(select(Office).where(Office.code == "532801")).scalar_one().parent_code = "532899"
        tab.refresh()
        assert tab.upstream_warning.isVisibleTo(tab)
        assert tab.upstream_warning.text() == (
            "上级单位代码 532899 未在已信任单位中找到；已收到 西双版纳州（532800）下发的节假日表，但未采用。"
            "请在“设置 → 本单位”中核对上级单位代码。")
        office = OfficeTab(a)
        qtbot.addWidget(office)
        assert office.parent_warning.isVisibleTo(office) and "532899" in office.parent_warning.text()
        # corrected in the form: both warnings go, and the prefecture's 州庆 counts again
        office.parent_code.setText("532800")
        assert office.save()
        assert office.parent_warning.isHidden() and tab.upstream_warning.isHidden()
        assert not workdays.load_calendar(a.db).is_workday(STATE_DAY).value
    finally:
        let_workers_finish()  # its windows' background reads end before the database closes
        a.close()
        let_workers_finish()  # its windows' background reads end before the database closes
        p.close()
