"""组卷 and 查看试卷: build an exam's paper by rules or by hand, and read it with or without its key."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.quiz import bank, papers
from desktop_app.quiz.marking import display_answer
from desktop_app.quiz.types import OPTION_LETTERS, QUESTION_TYPES, ExamInfo, PaperItem, RuleLine
from ui import dialogs
from ui.quiz.bank_tab import make_table
from ui.quiz.models import QuestionBankModel
from ui.quiz.output import print_preview
from ui.signals import Kind, notify

#: counts and points per type; with a full bank they make the usual 100-point paper (20 points a type)
DEFAULT_RULES = {"单选": (10, 2.0), "多选": (5, 4.0), "判断": (10, 2.0), "填空": (5, 4.0), "简答": (2, 10.0)}


class PaperBuilderDialog(QDialog):
    """组卷: by rules (counts per type and tag, points per type, seed, A/B) or by picking questions."""

    def __init__(self, ctx: AppContext, exam: ExamInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.exam = ctx, exam
        self.setWindowTitle(self.tr("组卷 — %1").replace("%1", exam.title))
        self.resize(760, 560)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._rules_tab(), self.tr("按规则组卷"))
        self.tabs.addTab(self._hand_tab(), self.tr("手工选题"))
        buttons = dialogs.ok_cancel(self, self.tr("生成试卷"), self.build)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(buttons)
        self._update_total()

    def _rules_tab(self) -> QWidget:
        w = QWidget()
        grid = QGridLayout()
        for c, h in enumerate((self.tr("题型"), self.tr("题数"), self.tr("每题分值"), self.tr("限定标签"),
                               self.tr("题库现有"))):
            grid.addWidget(QLabel(h), 0, c)
        tags = bank.all_tags(self.ctx.db)
        self.rule_rows: list[tuple[str, QSpinBox, QDoubleSpinBox, QComboBox]] = []
        for r, t in enumerate(QUESTION_TYPES, 1):
            count, points = QSpinBox(), QDoubleSpinBox()
            count.setRange(0, 200)
            points.setRange(0.5, 100)
            points.setSingleStep(0.5)
            # the defaults never ask for more than the bank holds (a demo bank of 8 判断 refused 10)
            available = bank.count_questions(self.ctx.db, qtype=t)
            count.setValue(min(DEFAULT_RULES[t][0], available))
            points.setValue(DEFAULT_RULES[t][1])
            tag = QComboBox()
            tag.addItem(self.tr("（不限）"), "")
            for x in tags:
                tag.addItem(x, x)
            count.valueChanged.connect(self._update_total)
            points.valueChanged.connect(self._update_total)
            grid.addWidget(QLabel(t), r, 0)
            grid.addWidget(count, r, 1)
            grid.addWidget(points, r, 2)
            grid.addWidget(tag, r, 3)
            grid.addWidget(QLabel(self.tr("%1 道").replace("%1", str(available))), r, 4)
            self.rule_rows.append((t, count, points, tag))
        self.seed = QSpinBox()
        self.seed.setRange(0, 999_999)
        self.seed.setValue(self.exam.year * 10 + self.exam.quarter)
        self.variants = QComboBox()
        self.variants.addItem(self.tr("一套（A卷）"), 1)
        self.variants.addItem(self.tr("两套（A/B卷，结构相同）"), 2)
        self.total_label = QLabel()
        self.total_label.setObjectName("CardTitle")
        row = QHBoxLayout()
        seed_label = QLabel(self.tr("抽题编号"))
        tip = self.tr("同一题库、同一编号抽出的试卷完全相同；换一个编号就换一套题。")
        seed_label.setToolTip(tip)
        self.seed.setToolTip(tip)
        row.addWidget(seed_label)
        row.addWidget(self.seed)
        row.addWidget(self.variants)
        row.addStretch(1)
        row.addWidget(self.total_label)
        note = QLabel(self.tr("同一题库、同一抽题编号生成的试卷完全相同；A/B卷题型、题数、分值相同，尽量不重题。"))
        note.setObjectName("Hint")
        lay = QVBoxLayout(w)
        lay.addLayout(grid)
        lay.addLayout(row)
        lay.addWidget(note)
        lay.addStretch(1)
        self._load_saved()
        return w

    def _load_saved(self) -> None:
        """Start from the rules the paper was last built with, so a rebuild changes only what is changed."""
        with dialogs.guard(self) as done:
            lines, seed = papers.saved_rules(self.ctx.db, self.exam.id)
        if not done.ok or not lines:
            return
        by_type = {ln.type: ln for ln in lines}
        for t, count, points, tag in self.rule_rows:
            ln = by_type.get(t)
            count.setValue(ln.count if ln else 0)
            if ln:
                points.setValue(ln.points)
                tag.setCurrentIndex(max(0, tag.findData(ln.tag)))
        if seed is not None:
            self.seed.setValue(int(seed))

    def _hand_tab(self) -> QWidget:
        w = QWidget()
        self.hand_model = QuestionBankModel(self.ctx.db, self)
        self.hand_model.set_filter()
        self.hand_view = make_table(self.hand_model, w, multi=True)
        self.hand_points: dict[str, QDoubleSpinBox] = {}
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("每题分值：")))
        for t in QUESTION_TYPES:
            s = QDoubleSpinBox()
            s.setRange(0.5, 100)
            s.setValue(DEFAULT_RULES[t][1])
            self.hand_points[t] = s
            row.addWidget(QLabel(t))
            row.addWidget(s)
        row.addStretch(1)
        lay = QVBoxLayout(w)
        hint = QLabel(self.tr("按住 Ctrl 或 Shift 选择试题；试卷按题库列表中的顺序排列。"))
        hint.setObjectName("Hint")
        lay.addWidget(hint)
        lay.addWidget(self.hand_view, 1)
        lay.addLayout(row)
        return w

    def rules(self) -> list[RuleLine]:
        """The rule lines with a count above zero."""
        return [RuleLine(t, c.value(), p.value(), tag.currentData() or "") for t, c, p, tag in self.rule_rows
                if c.value() > 0]

    def _update_total(self) -> None:
        total = sum(r.count * r.points for r in self.rules())
        text = self.tr("满分 %1 分").replace("%1", f"{total:g}")
        if total != self.exam.total:
            text += self.tr("（考试满分 %1 分）").replace("%1", f"{self.exam.total:g}")
        self.total_label.setText(text)
        self.total_label.setProperty("warn", total != self.exam.total)
        self.total_label.setStyleSheet("color: #b45309;" if total != self.exam.total else "")

    def _paper_total(self) -> float:
        if self.tabs.currentIndex() == 0:
            return float(sum(r.count * r.points for r in self.rules()))
        rows = [i.row() for i in self.hand_view.selectionModel().selectedRows()]
        qs = [q for q in (self.hand_model.question(r) for r in rows) if q is not None]
        return float(sum(self.hand_points[q.type].value() for q in qs))

    def total_question(self) -> str | None:
        """What building would do to the exam's 满分 and 及格分, when it changes them (None when not)."""
        total = self._paper_total()
        if total <= 0 or total == self.exam.total:
            return None
        new_pass = papers.scaled_pass_mark(self.exam.total, self.exam.pass_mark, total)
        return (self.tr("试卷合计 %1 分，与考试满分 %2 分不一致。\n生成后，考试满分改为 %1 分，及格分按比例由 %3 分改为 %4 分。"
                        "\n\n如需满分 %2 分，请取消并调整题数或分值。")
                .replace("%1", f"{total:g}").replace("%2", f"{self.exam.total:g}")
                .replace("%3", f"{self.exam.pass_mark:g}").replace("%4", f"{new_pass:g}"))

    def build(self) -> None:
        """Generate the paper(s); a refusal (not enough questions…) is shown and the dialog stays."""
        question = self.total_question()
        if question and not dialogs.confirm(self, question, self.tr("满分将改变"), self.tr("仍然生成"), danger=True):
            return
        with dialogs.guard(self) as done:
            if self.tabs.currentIndex() == 0:
                papers.build_papers(self.ctx.db, self.ctx.actor, self.exam.id, self.rules(), self.seed.value(),
                                    int(self.variants.currentData()))
            else:
                rows = [i.row() for i in self.hand_view.selectionModel().selectedRows()]
                qs = [q for q in (self.hand_model.question(r) for r in sorted(rows)) if q is not None]
                papers.build_paper_by_hand(self.ctx.db, self.ctx.actor, self.exam.id,
                                           [PaperItem(q.id, self.hand_points[q.type].value()) for q in qs])
        if done.ok:
            notify(Kind.QUIZ, [self.exam.id])
            self.accept()


class PaperViewDialog(QDialog):
    """查看试卷 (and its answer key when asked) — on the office's screen, never in the exam window."""

    def __init__(self, ctx: AppContext, exam: ExamInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.exam = ctx, exam
        self.setWindowTitle(self.tr("试卷 — %1").replace("%1", exam.title))
        self.resize(760, 640)
        self.variant = QComboBox()
        for p in papers.list_papers(ctx.db, exam.id):
            self.variant.addItem(self.tr("%1卷（%2题，满分%3）").replace("%1", p.variant).replace("%2", str(len(p.items)))
                                 .replace("%3", f"{p.total:g}"), p.id)
        self.variant.currentIndexChanged.connect(lambda _i: self.render())
        self.with_key = QCheckBox(self.tr("显示答案及解析"))
        self.with_key.toggled.connect(lambda _on: self.render())
        self.text = QTextBrowser()
        top = QHBoxLayout()
        top.addWidget(self.variant)
        top.addWidget(self.with_key)
        top.addStretch(1)
        self.print_btn = QPushButton(self.tr("打印此卷及答案…"))
        self.print_btn.clicked.connect(self.print_variant)
        top.addWidget(self.print_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.text, 1)
        self.render()

    def print_variant(self) -> QWidget | None:
        """Print preview of the variant shown (the paper, then its answer key)."""
        pid = self.variant.currentData()
        return print_preview(self, self.ctx, "paper", pid, self.exam.year) if pid else None

    def render(self) -> None:
        """Show the selected variant as a printable page."""
        pid = self.variant.currentData()
        if not pid:
            self.text.setHtml(self.tr("<p>尚未组卷</p>"))
            return
        with dialogs.guard(self) as done:
            items = papers.answer_key(self.ctx.db, pid)
        if not done.ok:
            return
        out = [f"<h2 style='text-align:center'>{html.escape(self.exam.title)}</h2>"]
        last_type = ""
        for q in items:
            if q.type != last_type:
                out.append(f"<h3>{html.escape(q.type)}题</h3>")
                last_type = q.type
            out.append(f"<p>{q.number}. {html.escape(q.stem)}（{q.points:g}分）</p>")
            for i, o in enumerate(q.options):
                out.append(f"<p style='margin-left:24px'>{OPTION_LETTERS[i]}. {html.escape(o)}</p>")
            if self.with_key.isChecked():
                out.append(f"<p style='color:#b3261e;margin-left:24px'>答案：{html.escape(display_answer(q.type, q.answer))}"
                           + (f"　解析：{html.escape(q.explanation)}" if q.explanation else "") + "</p>")
        self.text.setHtml("".join(out))
