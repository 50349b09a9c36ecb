"""Question banks in the layout offices keep them: one column per option, answers written every which way."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import Question
from desktop_app.excel.importer import preview
from desktop_app.excel.kinds.questions import answer_letters, type_word
from desktop_app.excel.service import import_file
from tests.helpers.excel_sheets import counts, make_sheet

BANK = [
    ["题干", "A选项", "B选项", "C选项", "D选项", "正确答案", "类型"],
    ["“三会一课”中的“一课”是指什么？", "党课", "团课", "业务课", "培训课", "Ａ", "单选题"],
    ["党支部党员大会一般多久召开一次？", "每月", "每季度", "每半年", "每年", " b", "单项选择题"],
    ["基层调研可采用哪些方式？", "蹲点", "座谈", "问卷", "暗访", "A,B、c d", "多项选择"],
    ["“四不两直”要求不发通知、不打招呼。", "", "", "", "", "√", "判断"],
    ["调研报告应当经领导审定后印发。", "", "", "", "", "错误", "对错"],
    ["问题台账实行____管理。", "", "", "", "", "清单化", "填空题"],
    ["简述问题整改销号的程序。", "", "", "", "", "", "简答"],
    ["调研成果分为哪几类？", "实践成果", "制度成果", "理论成果", "", "CBA", ""],
    ["党组织书记应当带头调研。", "正确", "错误", "", "", "A", "判断题"],
]


def test_option_columns_and_messy_answers(ctx, tmp_path: Path) -> None:
    p = make_sheet(tmp_path / "题库.xlsx", BANK)
    pv = preview(p, "questions")
    assert pv.errors == []
    assert pv.mapping["A选项"] == "option_a" and pv.mapping["正确答案"] == "answer" and pv.mapping["类型"] == "type"
    got = [(r["type"], r["options"], r["answer"]) for r in pv.rows]
    assert got == [
        ("单选", ["党课", "团课", "业务课", "培训课"], "A"),
        ("单选", ["每月", "每季度", "每半年", "每年"], "B"),
        ("多选", ["蹲点", "座谈", "问卷", "暗访"], "ABCD"),
        ("判断", [], "对"),
        ("判断", [], "错"),
        ("填空", [], "清单化"),
        ("简答", [], ""),
        ("多选", ["实践成果", "制度成果", "理论成果"], "ABC"),  # no type: three letters over options → 多选
        ("判断", [], "对"),  # A选项=正确, 答案=A
    ]
    out = import_file(ctx.db, ctx.actor, p, "questions")
    assert out.preview.errors == [] and out.imported == 9
    with ctx.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Question)) == 9
        q = s.scalars(select(Question).where(Question.stem.like("%哪些方式%"))).one()
        assert (q.type, q.answer) == ("多选", "ABCD")


@pytest.mark.parametrize("titles", [
    ["题目", "选项A", "选项B", "选项C", "答案", "题型"],
    ["试题内容", "A", "B", "C", "参考答案", "试题类型"],
    ["题干", "答案A", "答案B", "答案C", "正确答案", "题型"],
])
def test_option_column_titles(tmp_path: Path, titles: list[str]) -> None:
    p = make_sheet(tmp_path / "bank.xlsx", [titles, ["下列哪项属于调研方式？", "蹲点", "开会", "发文", "ａ", "单选"]])
    pv = preview(p, "questions")
    assert pv.errors == []
    assert pv.rows[0]["options"] == ["蹲点", "开会", "发文"] and pv.rows[0]["answer"] == "A"


def test_wrong_rows_are_refused_with_reasons(ctx, tmp_path: Path) -> None:
    p = make_sheet(tmp_path / "bank.xlsx", [
        ["题干", "A选项", "B选项", "C选项", "D选项", "正确答案", "类型"],
        ["单选却有两个答案", "甲", "乙", "丙", "", "AB", "单选"],
        ["答案不在选项中", "甲", "乙", "", "", "D", "单选"],
        ["选项有空缺", "甲", "", "丙", "", "A", "单选"],
        ["判断答案无效", "", "", "", "", "也许", "判断"],
        ["题型不认识", "甲", "乙", "", "", "A", "连线题"],
    ])
    before = counts(ctx.db)
    out = import_file(ctx.db, ctx.actor, p, "questions")
    assert out.imported == 0 and counts(ctx.db) == before
    by_row = {e.row: e.message for e in out.preview.errors}
    assert "单选题只能有一个答案" in by_row[2]
    assert "与选项不符" in by_row[3]
    assert "选项B为空" in by_row[4]
    assert "判断题答案" in by_row[5]
    assert "无法识别的题型：“连线题”" in by_row[6]


def test_words() -> None:
    assert [type_word(w) for w in ("单选", "单选题", "单项选择题", "多选", "多项选择", "判断", "对错", "填空", "简答",
                                   "【多选题】", "问答题", "xx")] == [
        "单选", "单选", "单选", "多选", "多选", "判断", "判断", "填空", "简答", "多选", "简答", None]
    assert [answer_letters(a) for a in ("Ｄ", " B", "c", "AB", "A,B", "A、B", "B A", "ａｃ", "A和C", "对")] == [
        "D", "B", "C", "AB", "AB", "AB", "AB", "AC", "AC", None]


def test_unmapped_columns_are_kept_in_the_explanation(tmp_path: Path) -> None:
    p = make_sheet(tmp_path / "bank.xlsx", [
        ["序号", "题干", "A选项", "B选项", "正确答案", "类型", "出处", "分值"],
        [1, "“四下基层”包括哪项？", "宣传党的路线方针政策下基层", "开会", "A", "单选", "《调研工作手册》第3页", 2],
        [2, "调研要坚持问题导向。", "", "", "对", "判断", "", ""],
    ])
    pv = preview(p, "questions")
    assert pv.errors == []
    assert [r["explanation"] for r in pv.rows] == ["出处：《调研工作手册》第3页；分值：2", ""]
