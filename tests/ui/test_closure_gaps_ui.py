"""申请销号 form: below 100 % or without an evidence file it asks first, naming the gap; 取消 applies nothing."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.context import AppContext
from desktop_app.ledger import detail, lifecycle, service
from desktop_app.ledger.types import IssueInput
from ui.ledger.step_dialogs import StepDialog


def test_closure_form_asks_first_naming_the_gap(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    [iid] = service.create_issues(ctx.db, ctx.actor, [IssueInput(
        "护林员管理不规范", measures="加强考核", unit="勐罕镇", person="岩温", deadline=dt.date(2026, 12, 31))])
    lifecycle.add_progress(ctx.db, ctx.actor, iid, dt.date(2026, 11, 2), "已制定方案", 60)
    dlg = StepDialog(ctx, detail.get_issue_detail(ctx.db, iid), "closure")
    qtbot.addWidget(dlg)
    dlg.text.setPlainText("整改完成")
    dialog_answers.confirms.append(False)
    assert not dlg.submit()  # 取消: nothing applied
    assert "完成进度为60%" in dialog_answers.questions[-1] and "未附佐证材料文件" in dialog_answers.questions[-1]
    assert detail.get_issue_detail(ctx.db, iid).row.closure_state != "applied"
    dialog_answers.confirms.append(True)
    assert dlg.submit()
    row = detail.get_issue_detail(ctx.db, iid).row
    assert (row.closure_state, row.status, row.progress_percent) == ("applied", "done", 100)
