"""Keys in the ledger's forms: Tab leaves a step's text field; Enter in an editable combo does not save."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.core.context import AppContext
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from tests.helpers.common import TEST_ACTOR
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
    assert QApplication.focusWidget() is not dlg.text and dlg.focusWidget() is not None


def _items(ctx: AppContext) -> list[tuple[str, str]]:
    from desktop_app.ledger.query import IssueFilter, iter_issue_rows

    return [(r.description, r.responsible_unit) for r in iter_issue_rows(ctx.db, IssueFilter())]


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_in_an_editable_combo_takes_the_text_and_moves_on(qtbot, ctx: AppContext, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """Typing a 责任单位 not in the list and pressing Enter saved the half-filled dialog."""
    from ui.ledger.issue_dialog import IssueDialog

    dlg = IssueDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()  # Ctrl+Enter is a shortcut of the dialog's window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    dlg.description.setPlainText("村级公益设施管护缺位")
    dlg.measures.setPlainText("明确管护主体")  # every element an item needs (completeness)
    dlg.person.setEditText("岩温")
    line = dlg.unit.lineEdit()
    assert line is not None
    line.setFocus()
    line.setText("县住建局")
    qtbot.keyClick(line, key)
    assert dlg.isVisible() and dlg.saved_id is None and _items(ctx) == []
    assert dlg.unit.currentText() == "县住建局"
    assert dlg.focusWidget() is dlg.co_units  # on to 配合单位, as Tab would
    category = dlg.category.lineEdit()
    assert category is not None
    category.setFocus()
    category.setText("人居环境")
    qtbot.keyClick(category, key)
    assert dlg.isVisible() and _items(ctx) == [] and dlg.category.currentText() == "人居环境"
    # Ctrl+Enter saves from anywhere, the typed unit with it
    dlg.description.setFocus()  # even from a multi-line field
    qtbot.keyClick(dlg.description, key, Qt.KeyboardModifier.ControlModifier)
    assert not dlg.isVisible() and dlg.saved_id is not None
    assert _items(ctx) == [("村级公益设施管护缺位", "县住建局")]


def test_the_save_button_still_saves(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    from ui.ledger.issue_dialog import IssueDialog

    dlg = IssueDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.description.setPlainText("产业项目收益分配不规范")
    dlg.measures.setPlainText("规范收益分配")
    dlg.person.setEditText("岩温")
    dlg.unit.setEditText("县农业农村局")
    box = dlg.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert _items(ctx) == [("产业项目收益分配不规范", "县农业农村局")]
