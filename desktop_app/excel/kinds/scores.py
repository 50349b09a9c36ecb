"""成绩 rows: name, section, score (number or null), absent, note."""

from __future__ import annotations

from typing import Any

from desktop_app.excel.kinds.base import FieldSpec, KindSpec, RowContext, RowErrors, append_kept, text

FIELDS = (
    FieldSpec("name", "姓名", ("姓名", "考生姓名", "考生", "人员", "名字"), required=True),
    FieldSpec("section", "科室", ("处室", "科室", "部门", "所在科室", "所在处室", "单位")),
    FieldSpec("score", "得分", ("得分", "成绩", "分数", "考试成绩", "总分", "考试得分")),
    FieldSpec("result", "结果", ("结果", "考试结果", "参考情况", "是否参考")),
    FieldSpec("note", "备注", ("备注", "说明")),
)

ABSENT_WORDS = {"缺考", "缺席", "请假", "未参考", "未参加", "缺"}
EXEMPT_WORDS = {"免考", "免试"}
MAX_SCORE = 100.0


def parse_row(cells: dict[str, Any], ctx: RowContext, errors: RowErrors) -> dict[str, Any]:
    """One person's score from a sheet row."""
    name = text(cells.get("name"), "name", errors)
    if not name:
        errors.add("name", "姓名为空")
    note = text(cells.get("note"), "note", errors)
    raw = cells.get("score")
    score: float | None = None
    absent = exempt = False
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        score = float(raw)
    else:
        word = text(raw, "score", errors)
        if not word:  # an empty score cell: the 结果 or 备注 column may say why (our own 公示 export does)
            why = text(cells.get("result"), "result", errors) or note
            word = why if why in ABSENT_WORDS | EXEMPT_WORDS else ""
        if word in ABSENT_WORDS:
            absent = True
            note = note or word
        elif word in EXEMPT_WORDS:
            exempt = True
            note = note or word
        elif word:
            try:
                score = float(word.rstrip("分"))
            except ValueError:
                errors.add("score", f"无法识别的成绩：“{word}”（应为数字，或写 缺考、免考）")
        else:
            errors.add("score", "成绩为空（缺考请写“缺考”）")
    if score is not None:
        if not 0 <= score <= MAX_SCORE:
            errors.add("score", f"成绩 {score:g} 不在 0–{MAX_SCORE:g} 之间")
        score = int(score) if score.is_integer() else score
    return {"name": name, "section": text(cells.get("section"), "section", errors), "score": score,
            "absent": absent, "exempt": exempt, "note": append_kept(note, ctx.extra)}


SPEC = KindSpec("scores", "成绩", FIELDS, parse_row, key_fields=("name",), keeps_extra=True, extra_home="备注")
