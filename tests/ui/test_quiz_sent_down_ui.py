"""业务测试 page: an empty bank pops nothing; a bank sent down by the prefecture is listed read-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from desktop_app.core.context import AppContext
from desktop_app.core.errors import NotFoundError
from desktop_app.quiz import bank, practice
from desktop_app.quiz.types import QuestionInput
from tests.helpers.common import TEST_ACTOR
from tests.helpers.sync_support import make_office, send, trust_both
from tests.helpers.workers import let_workers_finish
from ui.signals import Kind, notify


def test_empty_bank_shows_inline_message_not_a_dialog(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from ui.quiz.quiz_page import QuizPage

    page = QuizPage(ctx)
    qtbot.addWidget(page)
    tab = page.practice
    assert tab.person.count() == 5  # people there, questions not
    assert dialog_answers.warnings == [] and dialog_answers.infos == [] and dialog_answers.bugs == []
    assert "题库中还没有可练习的试题" in tab.feedback.text() and "题库" in tab.feedback.text()
    assert tab.item is None and not tab.submit_btn.isEnabled()
    # choosing another person does not pop anything either
    tab.person.setCurrentIndex(2)
    assert dialog_answers.warnings == []
    # a question added to the bank can be drilled at once
    q = bank.create_question(ctx.db, TEST_ACTOR, QuestionInput("判断", "调研报告应当实事求是。", [], "对"))
    notify(Kind.QUIZ, [q.id])
    assert tab.item is not None and tab.item.question.question_id == q.id and tab.submit_btn.isEnabled()
    assert tab.feedback.text() == ""


def test_real_practice_errors_still_show_a_dialog(qtbot, ctx: AppContext, dialog_answers,  # noqa: ANN001
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.quiz.practice_tab import PracticeTab

    def broken(*_a: object, **_k: object) -> object:
        raise NotFoundError("该人员不存在", "请刷新人员名单后重试")

    monkeypatch.setattr(practice, "next_item", broken)
    tab = PracticeTab(ctx)
    qtbot.addWidget(tab)
    assert dialog_answers.warnings and "该人员不存在" in dialog_answers.warnings[0]
    assert tab.item is None


def _select(tab: object, row: int) -> None:
    view = tab.view  # type: ignore[attr-defined]
    view.selectionModel().select(tab.model.index(row, 0),  # type: ignore[attr-defined]
                                 QItemSelectionModel.SelectionFlag.ClearAndSelect
                                 | QItemSelectionModel.SelectionFlag.Rows)


def test_bank_tab_lists_sent_down_questions_read_only(qtbot, tmp_path: Path, dialog_answers) -> None:  # noqa: ANN001
    from ui.quiz.bank_tab import BankTab

    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    a = make_office(tmp_path / "a", "532801", "景洪市")
    try:
        trust_both(a, p)
        sent = bank.create_question(p.db, p.actor, QuestionInput("判断", "州里下发的题：调研报告应当实事求是。", [], "对"))
        own = bank.create_question(a.db, a.actor, QuestionInput("判断", "县里自编题：例会每月一次。", [], "对"))
        send(p, a, tmp_path / "down")
        tab = BankTab(a)
        qtbot.addWidget(tab)
        assert not tab.office_combo.isVisibleTo(tab)  # a county has no 查看范围
        rows = {tab.model.question(r).stem: r for r in range(tab.model.rowCount())}
        assert set(rows) == {sent.stem, own.stem}
        origin_col = tab.model.HEADERS.index("来源")
        cell = tab.model.data(tab.model.index(rows[sent.stem], origin_col), Qt.ItemDataRole.DisplayRole)
        assert cell == "西双版纳州下发"
        assert tab.model.data(tab.model.index(rows[own.stem], origin_col), Qt.ItemDataRole.DisplayRole) == "本单位"

        _select(tab, rows[sent.stem])
        assert not tab.edit_btn.isEnabled() and not tab.retire_btn.isEnabled() and not tab.tag_btn.isEnabled()
        assert tab.read_only_hint.isVisibleTo(tab) and "如需更正，请联系市级单位" in tab.read_only_hint.text()
        tab.edit_selected()  # a double-click explains instead of opening the form
        assert tab.dialog is None and "西双版纳州" in dialog_answers.infos[-1]
        _select(tab, rows[own.stem])
        assert tab.edit_btn.isEnabled() and tab.retire_btn.isEnabled() and not tab.read_only_hint.isVisibleTo(tab)

        # the prefecture: its bank is its own; a county's questions only under 查看范围
        send(a, p, tmp_path / "up")
        ptab = BankTab(p)
        qtbot.addWidget(ptab)
        assert ptab.office_combo.isVisibleTo(ptab)
        assert [ptab.model.question(r).stem for r in range(ptab.model.rowCount())] == [sent.stem]
        ptab.office_combo.setCurrentIndex(ptab.office_combo.findData("532801"))
        assert [ptab.model.question(r).stem for r in range(ptab.model.rowCount())] == [own.stem]
        _select(ptab, 0)
        assert not ptab.edit_btn.isEnabled() and "景洪市" in ptab.read_only_hint.text()
        assert dialog_answers.warnings == [] and dialog_answers.bugs == []
    finally:
        let_workers_finish()  # its windows' background reads end before the database closes
        a.close()
        let_workers_finish()  # its windows' background reads end before the database closes
        p.close()
