"""试卷及参考答案 — a quiz paper for a closed-book sitting, then its answer key on new pages.

Questions are grouped by type (一、单选题 …) in paper order; the header has 科室/姓名/得分 lines;
简答 leaves room to write. The answer key restarts numbering from the same paper so a marker
can hold the two side by side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from desktop_app.core.errors import NotFoundError
from desktop_app.quiz.marking import display_answer
from desktop_app.reports.fonts import FontSet
from desktop_app.reports.layout import (
    PORTRAIT,
    SIZE_2,
    SIZE_4,
    SIZE_S4,
    ProgressFn,
    Rendered,
    SignatureLine,
    TextBlock,
    build_pdf,
    spacer,
)
from desktop_app.reports.scores import score_text

SECTION_NUMBERS = "一二三四五六七八九十"
TYPE_ORDER = ("单选", "多选", "判断", "填空", "简答")


@dataclass
class PaperQuestion:
    """One printed question (plain data; answer/explanation only for the key)."""

    number: int
    type: str
    stem: str
    options: list[str]
    points: float
    answer: str = ""
    explanation: str = ""


@dataclass
class PaperData:
    """A paper: title, variant, time and its questions."""

    title: str
    variant: str
    duration_min: int
    total: float
    questions: list[PaperQuestion]
    office: str = ""
    date: dt.date | None = None
    extra: list[str] = field(default_factory=list)

    def render(self, out: Path | Any, fontset: FontSet, record: bool = False,
               progress: ProgressFn | None = None) -> Rendered:
        """Write the paper and its key (see :func:`render_paper`)."""
        return render_paper(self, out, fontset,
                            record=record, progress=progress)

    def texts(self) -> list[str]:
        """Every string printed (for the glyph check)."""
        out = [self.title, self.variant, self.office, *self.extra]
        for q in self.questions:
            out += [q.stem, q.answer, q.explanation, *q.options]
        return out


def _option_label(k: int) -> str:
    return chr(ord("A") + k) if k < 26 else str(k + 1)


def _groups(questions: list[PaperQuestion]) -> list[tuple[str, list[PaperQuestion]]]:
    kinds = [t for t in TYPE_ORDER if any(q.type == t for q in questions)]
    kinds += sorted({q.type for q in questions} - set(kinds))
    return [(t, [q for q in questions if q.type == t]) for t in kinds]


def _group_title(k: int, kind: str, qs: list[PaperQuestion]) -> str:
    pts = {q.points for q in qs}
    each = f"每题{score_text(next(iter(pts)))}分，" if len(pts) == 1 else ""
    return f"{SECTION_NUMBERS[k] if k < 10 else k + 1}、{kind}题（{each}共{score_text(sum(q.points for q in qs))}分）"


def paper_story(data: PaperData, fontset: FontSet, key: bool) -> list[Flowable]:
    """The questions (``key=False``) or the answer key (``key=True``) as flowables."""
    body, size = fontset.body, SIZE_S4
    title = f"{data.title}{'参考答案及评分标准' if key else ''}"
    story: list[Flowable] = [TextBlock(title, fontset, fontset.title, SIZE_2 if not key else SIZE_4 * 1.3,
                                       align="center", space_after=6)]
    sub = f"（{data.variant}卷　考试时间{data.duration_min}分钟　满分{score_text(data.total)}分）"
    story.append(TextBlock(sub, fontset, body, size, align="center", space_after=8))
    if not key:
        story.append(SignatureLine(("科室", "姓名", "得分"), fontset, body, size))
        story.append(spacer(3))
    for k, (kind, qs) in enumerate(_groups(data.questions)):
        story.append(TextBlock(_group_title(k, kind, qs), fontset, fontset.heading, size, space_after=4))
        for q in qs:
            parts: list[Flowable] = [TextBlock(f"{q.number}. {q.stem}" + ("（　　）" if q.type in ("单选", "多选", "判断")
                                                                         and not key else ""),
                                               fontset, body, size, space_after=2)]
            for i, opt in enumerate(q.options):
                parts.append(TextBlock(f"{_option_label(i)}. {opt}", fontset, body, size, indent_chars=0))
            if key:
                parts.append(TextBlock(f"答案：{display_answer(q.type, q.answer)}", fontset, fontset.heading, size))
                if q.explanation:
                    parts.append(TextBlock(f"解析：{q.explanation}", fontset, body, size))
            elif q.type == "简答":
                parts.append(spacer(45))
            parts[-1].spaceAfter = 6
            story.append(KeepTogether(parts))
    return story


def render_paper(data: PaperData, out: Path | Any, fontset: FontSet, record: bool = False,
                 progress: ProgressFn | None = None) -> Rendered:
    """The paper, then (on new pages) its answer key, as one PDF."""
    fontset.check(data.texts())
    story = [*paper_story(data, fontset, key=False), PageBreak(), *paper_story(data, fontset, key=True)]
    return build_pdf(story, out, fontset, PORTRAIT, title=f"{data.title}（{data.variant}卷）",
                     record=record, progress=progress)


def fetch_paper_report(db: Any, job: Any) -> PaperData:
    """Paper ``job.item`` (a paper id, or an exam id for its first paper) from the quiz service."""
    from desktop_app.quiz import exams, papers
    from desktop_app.reports.ledger import office_name

    if not job.item:
        raise NotFoundError("打印试卷需要指定试卷或考试", "请用 --id 填写试卷或考试的标识")
    try:
        exam = exams.get_exam(db, job.item)
        listed = papers.list_papers(db, exam.id)
        if not listed:
            raise NotFoundError(f"考试“{exam.title}”还没有组卷", "请先在“业务测试 → 组卷”中生成试卷")
        paper = listed[0]
    except NotFoundError:
        found = next((p for e in exams.list_exams(db) for p in papers.list_papers(db, e.id) if p.id == job.item), None)
        if found is None:
            raise
        paper = found
        exam = exams.get_exam(db, paper.exam_id)
    qs = [PaperQuestion(k.number, k.type, k.stem, list(k.options), k.points, k.answer, k.explanation)
          for k in papers.answer_key(db, paper.id)]
    return PaperData(exam.title, paper.variant, exam.duration_min, exam.total, qs, office_name(db), job.today)
