"""A prefecture's question bank sent down in bundles: a county uses it (bank, papers, practice) but
cannot change it; a county's own questions never reach another county's bank nor the prefecture's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app.core.context import AppContext
from desktop_app.core.errors import PermissionDeniedError
from desktop_app.org import organisation, scope
from desktop_app.org.organisation import PersonInput
from desktop_app.quiz import bank, exams, importing, papers, practice
from desktop_app.quiz.types import ExamInput, PaperItem, QuestionInput, RowsError, RuleLine
from tests.helpers.sync_support import make_office, prefecture_and_counties, send, trust_both

PREF_QS = [
    QuestionInput("单选", "党的基层组织应当召开党员大会的频次是？", ["每月一次", "每季度一次", "每半年一次"], "B", tags=["党建"]),
    QuestionInput("判断", "公务员平时考核结果可以作为年度考核的重要依据。", [], "对", tags=["党建"]),
    QuestionInput("判断", "调研报告应当实事求是。", [], "对"),
]


@pytest.fixture
def offices(tmp_path: Path):  # noqa: ANN201
    """Prefecture 532800 with two counties that trust it (not each other)."""
    a, b, p = prefecture_and_counties(tmp_path)
    yield p, a, b
    for c in (p, a, b):
        c.close()


def _person(ctx: AppContext) -> str:
    sec = organisation.list_sections(ctx.db)[0]
    return organisation.add_person(ctx.db, ctx.actor, PersonInput("李明", sec.name, "科员")).id


def _stems(ctx: AppContext, **kw: object) -> set[str]:
    return {q.stem for q in bank.list_questions(ctx.db, include_retired=True, **kw)}


def test_county_uses_the_bank_sent_down_but_cannot_change_it(offices, tmp_path: Path) -> None:  # noqa: ANN001
    p, a, _b = offices
    sent = [bank.create_question(p.db, p.actor, q) for q in PREF_QS]
    own = bank.create_question(a.db, a.actor, QuestionInput("判断", "本县自编题：乡镇每月召开一次例会。", [], "对"))
    send(p, a, tmp_path / "down")

    # listed with where it came from; counted; tags offered
    listed = {q.stem: q for q in bank.list_questions(a.db)}
    assert set(listed) == {q.stem for q in PREF_QS} | {own.stem}
    assert bank.count_questions(a.db) == 4
    assert listed[own.stem].origin == "本单位" and listed[own.stem].editable
    down = listed[PREF_QS[0].stem]
    assert down.origin == "西双版纳州下发" and not down.editable and down.office_code == "532800"
    assert "党建" in bank.all_tags(a.db)
    assert bank.get_question(a.db, sent[0].id).answer == "B"

    # read-only at the county, refused in the service with a Chinese message; nothing changes
    for write in (lambda: bank.update_question(a.db, a.actor, sent[0].id, PREF_QS[0]),
                  lambda: bank.retire_question(a.db, a.actor, sent[1].id),
                  lambda: bank.set_tags(a.db, a.actor, [sent[2].id], ["县里加的"])):
        with pytest.raises(PermissionDeniedError) as err:
            write()
        assert "西双版纳州" in err.value.message and "如需更正，请联系市级单位" in err.value.action
    assert not bank.get_question(a.db, sent[1].id).retired
    assert bank.get_question(a.db, sent[2].id).tags == ()
    # the county's own question stays editable
    bank.retire_question(a.db, a.actor, own.id)
    assert bank.get_question(a.db, own.id).retired

    # papers by rules draw the sent-down questions; by hand they may be picked
    exam = exams.create_exam(a.db, a.actor, ExamInput("2026年第二季度业务知识测试", 2026, 2))
    [paper] = papers.build_papers(a.db, a.actor, exam.id, [RuleLine("单选", 1, 10), RuleLine("判断", 2, 5)], seed=3)
    assert {i.question_id for i in paper.items} == {q.id for q in sent}  # the own 判断 is retired
    key = papers.answer_key(a.db, paper.id)
    assert [k.answer for k in key] == ["B", "对", "对"]
    hand = papers.build_paper_by_hand(a.db, a.actor, exam.id, [PaperItem(sent[0].id, 20), PaperItem(own.id, 5)])
    assert hand.total == 25

    # FSRS practice drills them
    person = _person(a)
    item = practice.next_item(a.db, person, seed=1)
    assert item.question.question_id in {q.id for q in sent}
    res = practice.answer(a.db, a.actor, person, sent[0].id, "B", now=dt.datetime(2026, 5, 1, 9, 0))
    assert res.correct
    assert practice.practice_summary(a.db, person, now=dt.datetime(2026, 5, 1, 9, 0))[0] == 1

    # a correction at the prefecture travels down and replaces the county's copy
    bank.update_question(p.db, p.actor, sent[2].id, QuestionInput("判断", "调研报告必须实事求是。", [], "对"))
    send(p, a, tmp_path / "down2")
    assert "调研报告必须实事求是。" in _stems(a) and "调研报告应当实事求是。" not in _stems(a)


def test_county_questions_stay_out_of_other_banks(offices, tmp_path: Path) -> None:  # noqa: ANN001
    p, a, b = offices
    bank.create_question(p.db, p.actor, PREF_QS[0])
    a_q = bank.create_question(a.db, a.actor, QuestionInput("判断", "景洪自编题：村务公开每季度一次。", [], "对"))
    send(a, p, tmp_path / "up")  # A's question reaches the prefecture …
    # … which keeps it out of its own bank, and shows it only when A is chosen (查看范围), read-only
    assert _stems(p) == {PREF_QS[0].stem}
    assert bank.count_questions(p.db) == 1
    assert _stems(p, office="532801") == {a_q.stem}
    seen = bank.list_questions(p.db, office="532801")[0]
    assert not seen.editable and seen.origin == "景洪市"
    assert _stems(p, office=scope.ALL) == {PREF_QS[0].stem, a_q.stem}
    with pytest.raises(PermissionDeniedError):
        bank.retire_question(p.db, p.actor, a_q.id)
    exam = exams.create_exam(p.db, p.actor, ExamInput("州级测试", 2026, 2))
    with pytest.raises(Exception, match="判断题"):
        papers.build_papers(p.db, p.actor, exam.id, [RuleLine("判断", 1, 10)], seed=1)  # A's is not in its bank

    # the prefecture relays A's rows to B: B's bank has the prefecture's question, never A's
    send(p, b, tmp_path / "relay")
    assert _stems(b) == {PREF_QS[0].stem}
    exam_b = exams.create_exam(b.db, b.actor, ExamInput("勐海测试", 2026, 2))
    with pytest.raises(Exception, match="判断题"):
        papers.build_papers(b.db, b.actor, exam_b.id, [RuleLine("判断", 1, 10)], seed=1)
    person = _person(b)
    assert practice.next_item(b.db, person, seed=5).question.stem == PREF_QS[0].stem
    with pytest.raises(Exception, match="不存在"):
        practice.answer(b.db, b.actor, person, a_q.id, "对")
    with pytest.raises(Exception, match="不存在"):
        bank.get_question(b.db, a_q.id)
    # and a county cannot look at another county's bank
    with pytest.raises(Exception, match="县级单位只能查看本单位"):
        bank.list_questions(b.db, office="532801")


def test_county_without_parent_set_counts_prefecture_offices(tmp_path: Path) -> None:
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    a = make_office(tmp_path / "a", "532801", "景洪市", parent=None)
    try:
        trust_both(a, p)
        bank.create_question(p.db, p.actor, PREF_QS[0])
        send(p, a, tmp_path / "down")
        assert _stems(a) == {PREF_QS[0].stem}
    finally:
        a.close()
        p.close()


def test_a_sheet_repeating_a_sent_down_question_is_refused(offices, tmp_path: Path) -> None:  # noqa: ANN001
    p, a, _b = offices
    bank.create_question(p.db, p.actor, PREF_QS[1])
    send(p, a, tmp_path / "down")
    rows = [{"row": 2, "type": "判断", "stem": PREF_QS[1].stem, "answer": "对"},
            {"row": 3, "type": "判断", "stem": "县里自编题：例会每月一次。", "answer": "对"}]
    with pytest.raises(RowsError) as err:
        importing.import_questions(a.db, a.actor, rows)
    assert [e.row for e in err.value.errors] == [2] and "题库中已有" in err.value.errors[0].message
    assert bank.count_questions(a.db) == 1  # nothing written
    assert importing.import_questions(a.db, a.actor, rows[1:]) == 1

