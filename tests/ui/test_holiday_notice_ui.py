"""设置 › 节假日 › 粘贴放假通知: paste, preview every day, save as this office's table; the deadlines that
had been estimated Monday–Friday are counted again and listed; the coming year's warning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app import calendar as workdays
from desktop_app.core.context import AppContext
from desktop_app.ledger import detail, service
from desktop_app.ledger.types import IssueInput
from ui.settings.holidays_tab import HolidaysTab

NOTICES = Path(__file__).resolve().parents[1] / "fixtures" / "notices"
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（周五）放假调休，共8天。2月14日（周日）、2月20日（周六）上班。
"""


@pytest.fixture
def tab(qtbot, ctx: AppContext) -> HolidaysTab:  # noqa: ANN001
    workdays.seed_from_package(ctx.db, ctx.actor)
    t = HolidaysTab(ctx)
    qtbot.addWidget(t)
    t.resize(900, 560)
    t.show()
    return t


def test_paste_preview_save_lists_moved_deadlines(tab: HolidaysTab, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    [iid] = service.create_issues(ctx.db, ctx.actor, [IssueInput(
        description="村级活动场所安全隐患", measures="限期维修", unit="勐罕镇", person="岩温", kind="dated",
        assigned_date=dt.date(2026, 12, 28), deadline_workdays=7)])
    assert detail.get_issue_detail(ctx.db, iid).row.deadline_estimated
    tab.notice_btn.click()
    dlg = tab.notice
    assert dlg is not None and dlg.isVisible()
    assert not dlg.save_btn.isEnabled()
    dlg.text.setPlainText("一、春节：2月5日至12日放假调休，共9天。")
    assert not dlg.preview() and "年份" in dlg.status.text()  # items only: the year must be chosen
    dlg.year.setValue(2027)  # then a typo: refused in red, nothing to save
    assert not dlg.preview() and "共9天" in dlg.status.text() and not dlg.save_btn.isEnabled()
    dlg.text.setPlainText(NOTICE_2027)
    assert dlg.preview()
    assert dlg.model.rowCount() == 13 and "休息日 11 天，调休上班 2 天" in dlg.status.text()
    assert [dlg.model.index(0, c).data() for c in range(4)] == ["2027-01-01", "周五", "休息日", "元旦"]
    dlg.text.appendPlainText(" ")  # edited after the preview: must be previewed again
    assert not dlg.save_btn.isEnabled()
    assert dlg.preview() and dlg.save_btn.isEnabled()
    dlg.save_btn.click()
    assert not dlg.isVisible()
    row = detail.get_issue_detail(ctx.db, iid).row
    assert row.deadline == dt.date(2027, 1, 7) and not row.deadline_estimated
    assert "2027-01-06 → 2027-01-07" in dialog_answers.infos[-1]
    assert tab.year.value() == 2027 and tab.model.rowCount() == 13 and not tab.warning.isVisible()


def test_replacing_a_covered_year_asks_first(tab: HolidaysTab, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    tab.open_notice()
    dlg = tab.notice
    assert dlg is not None
    dlg.text.setPlainText((NOTICES / "2026.txt").read_text(encoding="utf-8"))
    assert dlg.preview()
    dialog_answers.confirms.append(False)
    dlg.save_btn.click()
    assert dlg.isVisible() and "已有2026年" in dialog_answers.questions[-1]
    dialog_answers.confirms.append(True)
    dlg.save_btn.click()
    assert not dlg.isVisible()
    assert {d.source for d in workdays.list_days(ctx.db, 2026)} == {"国务院办公厅通知"}


def test_coming_year_warning_shown_from_november(tab: HolidaysTab, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_app.ledger.estimates as estimates

    monkeypatch.setattr(estimates, "_today", lambda: dt.date(2026, 12, 7))
    tab.refresh()
    assert tab.coming_warning.isVisible() and "2027年" in tab.coming_warning.text()


def test_dashboard_warns_loudly_until_the_coming_year_is_covered(qtbot, ctx: AppContext,  # noqa: ANN001
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_app.ledger.estimates as estimates
    from desktop_app.calendar.notice import parse_notice
    from desktop_app.ledger.calendar_saves import save_notice
    from ui.dashboard.dashboard_page import DashboardPage

    workdays.seed_from_package(ctx.db, ctx.actor)
    monkeypatch.setattr(estimates, "_today", lambda: dt.date(2026, 10, 7))
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert not page.calendar_warning.isVisible()  # October: the coming year is not asked for yet
    monkeypatch.setattr(estimates, "_today", lambda: dt.date(2026, 12, 7))
    page.refresh_counts()
    assert page.calendar_warning.isVisible() and "2027年" in page.calendar_warning.text()
    save_notice(ctx.db, ctx.actor, parse_notice(NOTICE_2027))
    page.refresh_counts()
    assert not page.calendar_warning.isVisible()


def test_pasted_text_is_not_lost_on_escape(tab: HolidaysTab, dialog_answers) -> None:  # noqa: ANN001
    tab.open_notice()
    dlg = tab.notice
    assert dlg is not None
    dlg.text.setPlainText(NOTICE_2027)
    dialog_answers.confirms.append(False)  # 放弃已填写的内容？ → 继续填写
    dlg.reject()
    assert dlg.isVisible() and "放弃" in dialog_answers.questions[-1]
