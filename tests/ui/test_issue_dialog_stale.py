"""编辑问题 on a shared ledger: saving over someone else's newer change is refused and the form keeps what was typed."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.context import AppContext
from desktop_app.ledger import lifecycle, service
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.types import IssueInput
from ui.ledger.issue_dialog import IssueDialog


def test_a_stale_edit_is_refused_and_the_form_stays_open_with_the_text(qtbot, ctx: AppContext,  # noqa: ANN001
                                                                         dialog_answers) -> None:  # noqa: ANN001
    issue_id = service.create_issues(ctx.db, ctx.actor, [IssueInput(
        "村规民约修订滞后", unit="县民政局", person="吴芳", deadline=dt.date(2026, 5, 3),
        assigned_date=dt.date(2026, 3, 2))])[0]
    dlg = IssueDialog(ctx, issue_id=issue_id)
    qtbot.addWidget(dlg)
    # another clerk saves the item while this form is open
    lifecycle.edit_issue(ctx.db, ctx.actor, issue_id, IssueInput(
        "村规民约修订滞后", measures="由司法所牵头修订", unit="县民政局", person="吴芳", deadline=dt.date(2026, 5, 3),
        assigned_date=dt.date(2026, 3, 2)))
    dlg.measures.setPlainText("一月内完成修订并公示")
    assert not dlg.submit()
    assert any("该问题已被他人修改，请刷新后再试" in w for w in dialog_answers.warnings)
    assert dlg.measures.toPlainText() == "一月内完成修订并公示"  # nothing the clerk typed is lost
    assert get_issue_detail(ctx.db, issue_id).row.measures == "由司法所牵头修订"
    # reopened on the fresh item, the same edit goes through
    fresh = IssueDialog(ctx, issue_id=issue_id)
    qtbot.addWidget(fresh)
    fresh.measures.setPlainText("一月内完成修订并公示")
    assert fresh.submit()
    assert get_issue_detail(ctx.db, issue_id).row.measures == "一月内完成修订并公示"
