"""题库 rows: type 单选|多选|判断|填空|简答, stem, options, answer, explanation, tags, difficulty."""

from __future__ import annotations

import re
from typing import Any

from desktop_app.excel.kinds.base import FieldSpec, KindSpec, RowContext, RowErrors, name_list, text

FIELDS = (
    FieldSpec("type", "题型", ("题型", "题目类型", "试题类型", "类型")),
    FieldSpec("stem", "题干", ("题干", "题目", "试题", "题目内容", "试题内容", "问题")),
    FieldSpec("options", "选项", ("选项", "备选项", "答案选项")),
    FieldSpec("answer", "答案", ("答案", "正确答案", "参考答案", "标准答案")),
    FieldSpec("explanation", "解析", ("解析", "答案解析", "试题解析", "说明")),
    FieldSpec("tags", "知识点", ("知识点", "标签", "分类", "考点")),
    FieldSpec("difficulty", "难度", ("难度", "难易程度")),
)

TYPES = {"单选": "单选", "单选题": "单选", "单项选择": "单选", "单项选择题": "单选",
         "多选": "多选", "多选题": "多选", "多项选择": "多选", "多项选择题": "多选",
         "判断": "判断", "判断题": "判断", "填空": "填空", "填空题": "填空", "简答": "简答", "简答题": "简答",
         "问答": "简答", "问答题": "简答"}
TRUE_WORDS = {"对", "正确", "√", "✓", "是", "T", "True", "TRUE", "Y"}
FALSE_WORDS = {"错", "错误", "×", "✗", "否", "F", "False", "FALSE", "N"}
DIFFICULTY = {"": 2, "易": 1, "容易": 1, "简单": 1, "1": 1, "中": 2, "中等": 2, "一般": 2, "2": 2, "难": 3, "较难": 3,
              "困难": 3, "3": 3}
_OPTION_SPLIT = re.compile(r"\s*[|｜\n]\s*")


def parse_row(cells: dict[str, Any], ctx: RowContext, errors: RowErrors) -> dict[str, Any]:
    """One question from a sheet row."""
    type_word = text(cells.get("type"), "type", errors)
    qtype = TYPES.get(type_word.replace(" ", ""))
    if qtype is None:
        errors.add("type", f"无法识别的题型：“{type_word}”（可写 单选、多选、判断、填空、简答）")
    stem = text(cells.get("stem"), "stem", errors)
    if not stem:
        errors.add("stem", "题干为空")
    raw_options = text(cells.get("options"), "options", errors)
    options = [o for o in _OPTION_SPLIT.split(raw_options) if o] if raw_options else []
    answer = text(cells.get("answer"), "answer", errors)
    if not answer:
        errors.add("answer", "答案为空")
    elif qtype in ("单选", "多选"):
        answer = answer.upper().replace(" ", "").replace(",", "").replace("，", "").replace("、", "")
        letters = "ABCDEFGH"[: len(options)]
        if len(options) < 2:
            errors.add("options", "选择题至少要有两个选项（用 | 分隔）")
        elif any(ch not in letters for ch in answer) or (qtype == "单选" and len(answer) != 1):
            errors.add("answer", f"答案“{answer}”与选项不符（可选 {letters}）")
    elif qtype == "判断":
        if answer in TRUE_WORDS:
            answer = "对"
        elif answer in FALSE_WORDS:
            answer = "错"
        else:
            errors.add("answer", f"判断题答案应为“对”或“错”，而不是“{answer}”")
    level = text(cells.get("difficulty"), "difficulty", errors)
    difficulty = DIFFICULTY.get(level)
    if difficulty is None:
        errors.add("difficulty", f"无法识别的难度：“{level}”（可写 易、中、难）")
    return {"type": qtype or type_word, "stem": stem, "options": options, "answer": answer,
            "explanation": text(cells.get("explanation"), "explanation", errors),
            "tags": name_list(text(cells.get("tags"), "tags", errors)), "difficulty": difficulty or 2}


SPEC = KindSpec("questions", "题库", FIELDS, parse_row, key_fields=("stem", "answer"))
