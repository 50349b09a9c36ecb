"""Plain data the quiz services take and return (业务知识测试). No ORM objects leave the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop_app.core.errors import ValidationError

QUESTION_TYPES = ("单选", "多选", "判断", "填空", "简答")
#: types marked by the machine; 简答 is marked by hand afterwards
OBJECTIVE_TYPES = ("单选", "多选", "判断", "填空")
OPTION_LETTERS = "ABCDEFGH"
EXAM_MODES = {"in-app": "机考", "paper": "纸质"}
ATTEMPT_SOURCES = {"in-app": "机考", "paper": "录入", "import": "导入"}


@dataclass(frozen=True)
class RowError:
    """One problem of an imported row: ``row`` is the sheet's 1-based row number."""

    row: int
    message: str
    column: str = ""


class RowsError(ValidationError):
    """Several rows are wrong; nothing was changed. ``errors`` lists every problem."""

    def __init__(self, errors: list[RowError], what: str = "数据") -> None:
        first = "；".join(f"第{e.row}行：{e.message}" for e in errors[:3])
        more = f"等{len(errors)}处问题" if len(errors) > 3 else ""
        super().__init__(f"{what}有误，未导入任何内容。{first}{more}", "请修改表格中标出的行后重新导入",
                         row=errors[0].row if errors else None)
        self.errors = errors


@dataclass
class QuestionInput:
    """What a clerk (or a spreadsheet row) gives for one question.

    ``options`` are option texts without their letters; ``answer`` is letters for
    单选/多选 ("B", "ABC"), 对/错 for 判断, variants separated by | for 填空 (blanks
    separated by ；when the stem has several), reference text for 简答.
    """

    type: str
    stem: str
    options: list[str] = field(default_factory=list)
    answer: str = ""
    explanation: str = ""
    tags: list[str] = field(default_factory=list)
    section_id: str | None = None
    difficulty: int = 2


@dataclass(frozen=True)
class QuestionInfo:
    """试题 as the bank shows it."""

    id: str
    type: str
    stem: str
    options: tuple[str, ...]
    answer: str
    explanation: str
    tags: tuple[str, ...]
    section_id: str | None
    section_name: str
    difficulty: int
    retired: bool
    #: whose question: this office's own, or its parent office's (sent down in a bundle, read-only here)
    office_code: str = ""
    #: 来源 as a list shows it: 本单位, or “<上级单位>下发”
    origin: str = "本单位"
    #: False for a question another office owns (sent down, or a county's seen at the prefecture)
    editable: bool = True


@dataclass(frozen=True)
class QuestionBrief:
    """What paper building needs to know about a question."""

    id: str
    type: str
    tags: tuple[str, ...]
    section_id: str | None = None
    difficulty: int = 2


@dataclass(frozen=True)
class RuleLine:
    """组卷规则一行: ``count`` questions of ``type`` (with ``tag`` when given), ``points`` each."""

    type: str
    count: int
    points: float
    tag: str = ""


@dataclass(frozen=True)
class PaperItem:
    """One question on a paper and what it is worth."""

    question_id: str
    points: float


@dataclass(frozen=True)
class PaperInfo:
    """试卷 — one variant of an exam's paper."""

    id: str
    exam_id: str
    variant: str
    seed: int
    items: tuple[PaperItem, ...]

    @property
    def total(self) -> float:
        """满分."""
        return sum(i.points for i in self.items)


@dataclass(frozen=True)
class ExamQuestion:
    """A question as the examinee sees it: never its answer or explanation."""

    number: int
    question_id: str
    type: str
    stem: str
    options: tuple[str, ...]
    points: float
    blanks: int = 1


@dataclass(frozen=True)
class KeyQuestion:
    """A question with its answer, for the answer key and hand marking."""

    number: int
    question_id: str
    type: str
    stem: str
    options: tuple[str, ...]
    points: float
    answer: str
    explanation: str


@dataclass
class ExamInput:
    """考试 settings."""

    title: str
    year: int
    quarter: int
    date: dt.date | None = None
    duration_min: int = 60
    total: float = 100
    pass_mark: float = 60
    mode: str = "in-app"  # in-app|paper
    multi_partial: bool = False  # 多选: partial credit when no wrong choice


@dataclass(frozen=True)
class ExamInfo:
    """考试."""

    id: str
    title: str
    year: int
    quarter: int
    date: dt.date | None
    duration_min: int
    total: float
    pass_mark: float
    mode: str
    multi_partial: bool
    papers: int = 0
    attempts: int = 0
    office_code: str = ""  # whose exam (a prefecture lists its counties' too)

    @property
    def quarter_label(self) -> str:
        """2026年第一季度."""
        return f"{self.year}年第{'一二三四'[self.quarter - 1]}季度"


@dataclass
class ScoreEntry:
    """One line of the score grid (纸质考试成绩录入)."""

    person_id: str
    score: float | None = None
    absent: bool = False
    exempt: bool = False
    makeup: bool = False
    note: str = ""


@dataclass(frozen=True)
class AttemptInfo:
    """答卷/成绩 of one person in one exam."""

    id: str
    exam_id: str
    paper_id: str | None
    person_id: str
    person_name: str
    section_id: str
    section_name: str
    score: float | None
    absent: bool
    exempt: bool
    makeup: bool
    source: str
    marked: bool
    note: str
    answers: dict[str, dict] = field(default_factory=dict, compare=False, hash=False)

    @property
    def status(self) -> str:
        """缺考 / 免考 / 待阅卷 / 补考 / ''."""
        if self.exempt:
            return "免考"
        if self.absent:
            return "缺考"
        if not self.marked:
            return "待阅卷"
        return "补考" if self.makeup else ""


@dataclass(frozen=True)
class SubmitResult:
    """What the exam window shows after submission (never the answers)."""

    attempt_id: str
    auto_score: float
    pending_items: int


@dataclass(frozen=True)
class RankRow:
    """One line of an exam's ranking; equal scores share a rank (1, 2, 2, 4)."""

    rank: int
    person_id: str
    name: str
    section: str
    score: float
    passed: bool
    makeup: bool


@dataclass(frozen=True)
class ScoreRow:
    """One plain row of the 公示 score list for the Excel exporter and the PDF printer."""

    seq: int
    name: str
    section: str
    score: float | None
    rank: int | None
    result: str  # 合格 / 不合格 / 缺考 / 免考 / 待阅卷
    note: str


@dataclass(frozen=True)
class SectionStat:
    """Per section: average, participation and pass rate of one exam (or a period)."""

    section_id: str
    section: str
    people: int
    sat: int
    average: float | None
    participation: float
    pass_rate: float | None


@dataclass(frozen=True)
class HistoryRow:
    """One exam in a person's history."""

    exam_id: str
    title: str
    year: int
    quarter: int
    score: float | None
    total: float
    status: str
    rank: int | None


@dataclass(frozen=True)
class Bucket:
    """One bar of a score distribution."""

    label: str
    low: float
    high: float
    count: int


@dataclass(frozen=True)
class AwardWeights:
    """评先规则: weights of the components (normalised over those available).

    ``evaluation`` (科室评价, desktop_app.campaign.evaluation) counts for 先进科室 only.
    """

    quiz: float = 0.5
    ledger: float = 0.3
    days: float = 0.2
    evaluation: float = 0.2


@dataclass(frozen=True)
class Component:
    """One part of a candidate's basis: its 0–100 value, or None when not available."""

    name: str
    value: float | None
    weight: float
    detail: str


@dataclass(frozen=True)
class Candidate:
    """A section or person proposed (or not) for an award, with the basis."""

    target_id: str
    name: str
    score: float
    components: tuple[Component, ...]
    proposed: bool
    rank: int


@dataclass(frozen=True)
class AwardProposal:
    """The proposal for a half-year: ranked candidates and which weights were available."""

    period: str
    sections: tuple[Candidate, ...]
    people: tuple[Candidate, ...]
    weights: AwardWeights
    available: dict[str, bool]
    exams: tuple[str, ...]


@dataclass(frozen=True)
class AwardInfo:
    """A kept award record."""

    id: str
    period: str
    kind: str
    target_id: str
    name: str
    rank: int
    basis: dict
    confirmed: bool


@dataclass(frozen=True)
class PracticeItem:
    """A question to drill, without its answer; ``due`` is when FSRS wanted it back."""

    question: ExamQuestion
    due: dt.datetime | None
    new: bool


@dataclass(frozen=True)
class PracticeResult:
    """After answering in practice: right or wrong, the answer, and when it comes back."""

    correct: bool
    answer: str
    explanation: str
    next_due: dt.datetime
    rating: str


@dataclass(frozen=True)
class OralCheck:
    """随机抽问: one person and one question (with its answer, for the leader)."""

    person_id: str
    person_name: str
    section: str
    question: KeyQuestion
