"""题库 rows: type 单选|多选|判断|填空|简答, stem, options, answer, explanation, tags, difficulty.

Two layouts are read: one 选项 column ("A.甲|B.乙|C.丙"), and the layout most
banks are kept in — one column per option (A选项 / 选项A / A / 答案A …, up to
H). Answers are normalised the way clerks write them ("Ｄ", " b", "A,C", "A、C",
"CA" → "AC"; 对/错/√/×/正确/错误/T/F), the type comes from many words (单选题,
单项选择题, 多项选择, 对错, 简答题 …) and, when the type column is blank, from
the row itself (options and one letter → 单选).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from desktop_app.excel.kinds.base import FieldSpec, KindSpec, RowContext, RowErrors, name_list, text
from desktop_app.quiz.marking import normalise_judgement

LETTERS = "ABCDEFGH"


def _option_synonyms(letter: str) -> tuple[str, ...]:
    return (f"{letter}选项", f"选项{letter}", letter, f"答案{letter}", f"{letter}项", f"{letter}答案", f"选项{letter}内容",
            f"备选答案{letter}", f"{letter}.", f"{letter}、", f"选项{'一二三四五六七八'[LETTERS.index(letter)]}")


OPTION_KEYS = tuple(f"option_{ch.lower()}" for ch in LETTERS)

FIELDS = (
    FieldSpec("type", "题型", ("题型", "题目类型", "试题类型", "类型", "题类", "试题题型")),
    FieldSpec("stem", "题干", ("题干", "题目", "试题", "题目内容", "试题内容", "问题", "题目名称", "试题题干"),
              required=True),
    FieldSpec("options", "选项", ("选项", "备选项", "答案选项", "选项内容")),
    FieldSpec("answer", "答案", ("答案", "正确答案", "参考答案", "标准答案", "正确选项", "答案选项字母")),
    FieldSpec("explanation", "解析", ("解析", "答案解析", "试题解析", "说明", "解释")),
    FieldSpec("tags", "知识点", ("知识点", "标签", "分类", "考点", "章节")),
    FieldSpec("difficulty", "难度", ("难度", "难易程度", "难易度")),
    *(FieldSpec(key, f"选项{ch}", _option_synonyms(ch)) for key, ch in zip(OPTION_KEYS, LETTERS, strict=True)),
)

TYPES = {"单选": "单选", "单项选择": "单选", "单项": "单选", "单择": "单选", "选择": "选择",
         "多选": "多选", "多项选择": "多选", "多项": "多选", "不定项选择": "多选", "不定项": "多选",
         "判断": "判断", "对错": "判断", "是非": "判断", "判断正误": "判断", "正误": "判断",
         "填空": "填空", "简答": "简答", "问答": "简答", "论述": "简答", "案例分析": "简答", "主观": "简答"}
DIFFICULTY = {"": 2, "易": 1, "容易": 1, "简单": 1, "1": 1, "中": 2, "中等": 2, "一般": 2, "2": 2, "难": 3, "较难": 3,
              "困难": 3, "3": 3}
_OPTION_SPLIT = re.compile(r"\s*[|｜\n]\s*")
_ANSWER_SEP = re.compile(r"[\s,，、;；/|+和及]+")


def type_word(word: str) -> str | None:
    """单选题 / 单项选择题 / 多选 / 对错 / 简答题 … → one of 单选 多选 判断 填空 简答 (选择: either), or None."""
    w = unicodedata.normalize("NFKC", word).replace(" ", "").strip("【】[]()（）")
    if w in TYPES:
        return TYPES[w]
    if w.endswith(("题", "型")) and w[:-1] in TYPES:
        return TYPES[w[:-1]]
    if w.endswith("题型") and w[:-2] in TYPES:
        return TYPES[w[:-2]]
    return None


def answer_letters(answer: str) -> str | None:
    """"Ｄ" / " b" / "A,C" / "A、C" / "CA" → "D", "B", "AC"; None when it is not only option letters."""
    t = unicodedata.normalize("NFKC", answer).upper()
    t = _ANSWER_SEP.sub("", t).strip(".。")
    if not t or any(ch not in LETTERS for ch in t):
        return None
    return "".join(sorted(set(t)))


def parse_row(cells: dict[str, Any], ctx: RowContext, errors: RowErrors) -> dict[str, Any]:
    """One question from a sheet row."""
    word = text(cells.get("type"), "type", errors)
    stem = text(cells.get("stem"), "stem", errors)
    if not stem:
        errors.add("stem", "题干为空")
    options = _options(cells, errors)
    raw_answer = text(cells.get("answer"), "answer", errors)
    letters = answer_letters(raw_answer) if raw_answer else None
    qtype = type_word(word) if word else _guess_type(options, letters, raw_answer)
    if qtype == "选择":  # 选择题 without saying which: the answer tells
        qtype = "多选" if letters and len(letters) > 1 else "单选"
    if qtype is None:
        errors.add("type", f"无法识别的题型：“{word}”（可写 单选、多选、判断、填空、简答）" if word
                   else "题型为空，且无法从选项和答案判断（请填写 单选、多选、判断、填空 或 简答）")
    answer = raw_answer
    if not raw_answer:
        if qtype != "简答":
            errors.add("answer", "答案为空")
    elif qtype in ("单选", "多选"):
        have = LETTERS[: len(options)]
        if len(options) < 2:
            errors.add("options", "选择题至少要有两个选项（填在 A选项、B选项… 各列，或在“选项”列用 | 分隔）")
        elif letters is None or any(ch not in have for ch in letters):
            errors.add("answer", f"答案“{raw_answer}”与选项不符（可选 {'、'.join(have)}）")
        elif qtype == "单选" and len(letters) != 1:
            errors.add("answer", f"单选题只能有一个答案，现为“{raw_answer}”（如有多个正确选项，请把题型改为多选）")
        answer = letters or raw_answer
    elif qtype == "判断":
        judged = normalise_judgement(unicodedata.normalize("NFKC", raw_answer).replace(" ", ""))
        if judged is None and letters and len(letters) == 1 and LETTERS.index(letters) < len(options):
            judged = normalise_judgement(_strip_label(options[LETTERS.index(letters)]))  # A选项=正确, 答案=A
        if judged is None:
            errors.add("answer", f"判断题答案应为“对”或“错”（也可写 √ × 正确 错误 T F），而不是“{raw_answer}”")
        else:
            answer = judged
        options = []
    level = unicodedata.normalize("NFKC", text(cells.get("difficulty"), "difficulty", errors)).replace(" ", "")
    difficulty = DIFFICULTY.get(level)
    if difficulty is None:
        errors.add("difficulty", f"无法识别的难度：“{level}”（可写 易、中、难）")
    explanation = text(cells.get("explanation"), "explanation", errors)
    if ctx.extra:  # columns the import does not map (出处, 分值 …) are kept with the question, under its 解析
        kept = "；".join(f"{title}：{value}" for title, value in ctx.extra.items())
        explanation = f"{explanation}\n{kept}" if explanation else kept
    return {"type": qtype or word, "stem": stem, "options": options, "answer": answer,
            "explanation": explanation,
            "tags": name_list(text(cells.get("tags"), "tags", errors)), "difficulty": difficulty or 2}


_LABEL = re.compile(r"^\s*[A-Ha-hＡ-Ｈａ-ｈ]\s*[.．、:：)）]\s*")


def _strip_label(option: str) -> str:
    return _LABEL.sub("", option).strip()


def _options(cells: dict[str, Any], errors: RowErrors) -> list[str]:
    """The options: from the A…H columns when the sheet has them, else split from the 选项 column."""
    columns = [text(cells.get(key), key, errors) for key in OPTION_KEYS]
    if any(columns):
        last = max(i for i, v in enumerate(columns) if v)
        gaps = [LETTERS[i] for i in range(last) if not columns[i]]
        if gaps:
            errors.add(OPTION_KEYS[LETTERS.index(gaps[0])],
                       f"选项{'、'.join(gaps)}为空，而其后的选项{LETTERS[last]}有内容；选项应从 A 起连续填写")
        return [_strip_label(v) or v for v in columns[: last + 1]]
    raw = text(cells.get("options"), "options", errors)
    return [o for o in _OPTION_SPLIT.split(raw) if o] if raw else []


def _guess_type(options: list[str], letters: str | None, answer: str) -> str | None:
    if len(options) >= 2 and letters:
        return "单选" if len(letters) == 1 else "多选"
    if not options and normalise_judgement(unicodedata.normalize("NFKC", answer).replace(" ", "")) is not None:
        return "判断"
    return None


def known(key: str, word: str) -> bool:
    """True when ``word`` is a 题型 or 难度 this kind reads."""
    if key == "type":
        return type_word(word) is not None
    if key == "difficulty":
        return unicodedata.normalize("NFKC", word).replace(" ", "") in DIFFICULTY
    return True


SPEC = KindSpec("questions", "题库", FIELDS, parse_row, key_fields=("stem", "answer"),
                choices={"type": ("单选", "多选", "判断", "填空", "简答"), "difficulty": ("易", "中", "难")},
                known=known, keeps_extra=True, extra_home="解析")
