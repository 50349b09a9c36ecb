"""问题 form: 整改措施/责任单位/责任人 are required, a deadline beyond 15 working days asks for a reason;
the filter bar's 待完善 lists items lacking them; the detail pane says what is missing."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.context import AppContext
from desktop_app.ledger import detail, service
from desktop_app.ledger.types import IssueInput
from ui.ledger.filter_bar import INCOMPLETE, FilterBar
from ui.ledger.issue_dialog import IssueDialog


def test_form_refuses_missing_person_then_saves(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    dlg = IssueDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.description.setPlainText("村级公益设施管护缺位")
    dlg.measures.setPlainText("明确管护主体")
    dlg.unit.setEditText("县住建局")
    assert not dlg.submit() and "缺少责任人" in dialog_answers.warnings[-1]
    dlg.by_workdays.setChecked(True)
    dlg.workdays.setValue(20)
    assert not dlg.reason.isHidden()
    dlg.person.setEditText("岩温")
    assert not dlg.submit() and "须说明理由" in dialog_answers.warnings[-1]
    dlg.reason.setText("须待雨季结束后施工")
    assert dlg.submit() and dlg.saved_id is not None
    dlg.workdays.setValue(10)
    assert dlg.reason.isHidden()


def test_filter_bar_incomplete_and_detail_warning(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    [bare] = service.create_issues(ctx.db, ctx.actor, [IssueInput("只有描述的老问题", deadline=dt.date(2026, 12, 31))])
    bar = FilterBar(ctx)
    qtbot.addWidget(bar)
    bar.status.setCurrentIndex(bar.status.findData(INCOMPLETE))
    f = bar.current()
    assert f.incomplete and f.statuses == []
    bar.set_filter(f)
    assert bar.status.currentData() == INCOMPLETE
    assert any("待完善：缺少整改措施、责任单位、责任人" in w for w in detail.get_issue_detail(ctx.db, bare).warnings)
