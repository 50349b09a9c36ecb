"""Keys in the ledger's forms: Tab leaves a step's text field; Enter in an editable combo does not save."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.context import AppContext
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from tests.conftest import TEST_ACTOR
from ui.ledger.step_dialogs import StepDialog


@pytest.mark.parametrize("step", ["progress", "closure", "void"])
def test_tab_leaves_the_steps_text_field(qtbot, ctx: AppContext, step: str) -> None:  # type: ignore[no-untyped-def]
    """Tab in 进展情况/整改佐证/说明 typed a tab character instead of moving to the next field."""
    [iid] = create_issues(ctx.db, TEST_ACTOR, [IssueInput("村级公益设施管护缺位", deadline=dt.date(2099, 12, 31))])
    dlg = StepDialog(ctx, get_issue_detail(ctx.db, iid), step)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.text.setFocus()
    dlg.text.insertPlainText("已召开会议")  # QTest types Latin keys only
    qtbot.keyClick(dlg.text, Qt.Key.Key_Tab)
    assert dlg.text.toPlainText() == "已召开会议"
    assert QApplication.focusWidget() is not dlg.text
