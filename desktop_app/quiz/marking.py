"""阅卷 — marking answers of every question type (pure functions, no database).

判断 accepts 对/错/√/×/正确/错误/T/F; 单选/多选 accept letters in any order and
separator; 填空 accepts any of the variants separated by | ("少数服从多数|少数服从多数原则"),
per blank when the stem has several (blanks separated by ；in the key); 简答 is
marked by hand afterwards (``mark`` returns None).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from desktop_app.quiz.types import OPTION_LETTERS

_TRUE = {"对", "√", "✓", "✔", "正确", "是", "t", "true", "y", "yes", "1"}
_FALSE = {"错", "×", "✗", "✘", "x", "错误", "否", "f", "false", "n", "no", "0"}
_BLANK = re.compile(r"_{2,}|＿{2,}|（\s*）|\(\s*\)")
_SPACE = re.compile(r"\s+")
_PUNCT_END = "。.；;，,！!"


def normalise_judgement(value: object) -> str | None:
    """'对' or '错' for any usual way of writing true/false, else None."""
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return "对"
    if text in _FALSE:
        return "错"
    return None


def normalise_letters(value: object) -> str:
    """Option letters in order without separators: 'c, a、B' -> 'ABC' (not validated)."""
    if isinstance(value, (list, tuple, set)):
        text = "".join(str(v) for v in value)
    else:
        text = str(value if value is not None else "")
    text = unicodedata.normalize("NFKC", text).upper()
    letters = {ch for ch in text if ch.isalpha()}
    return "".join(sorted(letters))


def letters_valid(letters: str, option_count: int) -> bool:
    """Every letter names one of the options."""
    allowed = OPTION_LETTERS[:option_count]
    return bool(letters) and all(ch in allowed for ch in letters)


def count_blanks(stem: str) -> int:
    """How many blanks (____ or （ ）) a 填空 stem has; at least one."""
    return max(1, len(_BLANK.findall(stem or "")))


def _clean(text: object) -> str:
    """Compare fill-in answers without width, case, spaces or trailing punctuation mattering."""
    t = unicodedata.normalize("NFKC", str(text if text is not None else "")).lower()
    t = _SPACE.sub("", t)
    return t.rstrip(_PUNCT_END)


def blank_keys(answer: str, blanks: int) -> list[list[str]]:
    """The accepted variants per blank of a 填空 key."""
    parts = re.split(r"[；;]", answer) if blanks > 1 else [answer]
    return [[v for v in (p.strip() for p in part.split("|")) if v] for part in parts]


def display_answer(qtype: str, answer: str) -> str:
    """The key as a clerk reads it: a 填空 key's variants “立即整改|马上整改” read “立即整改 / 马上整改”
    (blanks still separated by ；). The stored key keeps its | separators; other types are unchanged."""
    if qtype != "填空" or "|" not in (answer or ""):
        return answer
    parts = re.split(r"([；;])", answer)  # keep each blank's separator as written
    return "".join(p if p in ("；", ";") else " / ".join(v for v in (x.strip() for x in p.split("|")) if v)
                   for p in parts)


def _fill_responses(response: object, blanks: int) -> list[str]:
    if isinstance(response, (list, tuple)):
        return [str(r) for r in response]
    text = str(response if response is not None else "")
    return re.split(r"[；;]", text) if blanks > 1 else [text]


def mark(qtype: str, answer: str, response: object, points: float, multi_partial: bool = False,
         blanks: int = 1) -> float | None:
    """Points earned for ``response`` to a question of ``qtype`` worth ``points``.

    Returns None for 简答 (marked by hand). 多选: all or nothing, or with
    ``multi_partial`` a share of the points per right choice when no wrong one was chosen.
    """
    if qtype == "简答":
        return None
    if response is None or response == "" or response == []:
        return 0.0
    if qtype == "单选":
        got = normalise_letters(response)
        return float(points) if len(got) == 1 and got == normalise_letters(answer) else 0.0
    if qtype == "多选":
        key_set, got_set = set(normalise_letters(answer)), set(normalise_letters(response))
        if got_set == key_set:
            return float(points)
        if multi_partial and got_set and got_set < key_set:
            return round(points * len(got_set) / len(key_set), 2)
        return 0.0
    if qtype == "判断":
        got_j = normalise_judgement(response)
        return float(points) if got_j is not None and got_j == normalise_judgement(answer) else 0.0
    if qtype == "填空":
        keys = blank_keys(answer, blanks)
        given = _fill_responses(response, len(keys))
        right = sum(1 for i, variants in enumerate(keys)
                    if i < len(given) and _clean(given[i]) in {_clean(v) for v in variants})
        return round(points * right / len(keys), 2) if keys else 0.0
    raise ValueError(f"unknown question type {qtype!r}")


def total(scores: Sequence[float | None]) -> float:
    """Sum of the marked items (None = not yet marked counts as 0 until marked)."""
    return round(sum(s for s in scores if s is not None), 2)
