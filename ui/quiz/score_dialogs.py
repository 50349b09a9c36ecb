"""成绩录入 (the score grid of a paper exam) and 阅卷 (hand marking of 简答 answers)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.org import organisation
from desktop_app.quiz import exams, sitting
from desktop_app.quiz.sitting import PendingItem
from desktop_app.quiz.types import ExamInfo
from ui import dialogs
from ui.form_dialog import FormDialog
from ui.quiz.models import GridRow, ScoreGridModel
from ui.signals import Kind, notify


class ScoreGridDialog(FormDialog):
    """成绩录入: one row per person; type a score, or tick 缺考 / 免考 / 补考. Saved all or nothing."""

    def __init__(self, ctx: AppContext, exam: ExamInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.exam = ctx, exam
        self.setWindowTitle(self.tr("成绩录入 — %1").replace("%1", exam.title))
        self.resize(720, 560)
        self.model = ScoreGridModel(exam.total, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().setDefaultSectionSize(28)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        hint = QLabel(self.tr("满分 %1 分。得分一栏也可直接输入“缺考”或“免考”；补考成绩请勾选“补考”。空白表示未录入。")
                      .replace("%1", f"{exam.total:g}"))
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        buttons = dialogs.ok_cancel(self, self.tr("保存"), self.save, first=QDialogButtonBox.StandardButton.Save)
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addWidget(self.view, 1)
        lay.addWidget(buttons)
        self.load()

    def load(self) -> None:
        """Fill the grid: every active person, with any score already recorded."""
        with dialogs.guard(self) as done:
            people = organisation.list_people(self.ctx.db)
            attempts = {a.person_id: a for a in exams.list_attempts(self.ctx.db, self.exam.id)}
        if not done.ok:
            return
        rows = []
        for p in people:
            a = attempts.get(p.id)
            rows.append(GridRow(p.id, p.name, p.section_name, a.score if a else None, bool(a and a.absent),
                                bool(a and a.exempt), bool(a and a.makeup), a.note if a else "",
                                locked=bool(a and a.source == "in-app")))
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()

    def save(self) -> None:
        """Write the grid; a refusal names the grid row and nothing is saved."""
        with dialogs.guard(self) as done:
            n = exams.set_scores(self.ctx.db, self.ctx.actor, self.exam.id, self.model.entries())
        if done.ok:
            notify(Kind.QUIZ, [self.exam.id])
            dialogs.info(self, self.tr("已保存 %1 人的成绩").replace("%1", str(n)))
            self.accept()


class MarkingDialog(FormDialog):
    """阅卷: each 简答 answer waiting for marks, with the reference answer beside it."""

    def __init__(self, ctx: AppContext, exam: ExamInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.exam = ctx, exam
        self.items: list[PendingItem] = []
        self.setWindowTitle(self.tr("简答题阅卷 — %1").replace("%1", exam.title))
        self.resize(820, 560)
        self.list = QListWidget()
        self.list.setMaximumWidth(240)
        self.list.currentRowChanged.connect(self.show_item)
        self.stem = QLabel()
        self.stem.setWordWrap(True)
        self.stem.setObjectName("CardTitle")
        self.reference = QPlainTextEdit()
        self.reference.setReadOnly(True)
        self.response = QPlainTextEdit()
        self.response.setReadOnly(True)
        self.points = QDoubleSpinBox()
        self.points.setSingleStep(0.5)
        self.save_btn = QPushButton(self.tr("给分并下一份"))
        self.save_btn.setObjectName("Primary")
        self.save_btn.clicked.connect(self.give)
        right = QVBoxLayout()
        right.addWidget(self.stem)
        right.addWidget(QLabel(self.tr("参考答案")))
        right.addWidget(self.reference)
        right.addWidget(QLabel(self.tr("考生作答")))
        right.addWidget(self.response, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("得分")))
        row.addWidget(self.points)
        row.addStretch(1)
        row.addWidget(self.save_btn)
        right.addLayout(row)
        lay = QHBoxLayout(self)
        lay.addWidget(self.list)
        lay.addLayout(right, 1)
        self.load()

    def load(self) -> None:
        """The answers still waiting."""
        with dialogs.guard(self) as done:
            self.items = sitting.pending_marking(self.ctx.db, self.exam.id)
        if not done.ok:
            return
        self.list.clear()
        for it in self.items:
            self.list.addItem(QListWidgetItem(self.tr("%1 · 第%2题").replace("%1", it.person_name)
                                              .replace("%2", str(it.number))))
        self.save_btn.setEnabled(bool(self.items))
        if self.items:
            self.list.setCurrentRow(0)
        else:
            self.stem.setText(self.tr("没有待阅的简答题"))
            self.reference.clear()
            self.response.clear()

    def show_item(self, row: int) -> None:
        """Show one answer."""
        if not (0 <= row < len(self.items)):
            return
        it = self.items[row]
        self.stem.setText(self.tr("%1（%2分）").replace("%1", it.stem).replace("%2", f"{it.max_points:g}"))
        self.reference.setPlainText(it.reference)
        self.response.setPlainText(it.response)
        self.points.setRange(0, it.max_points)
        self.points.setValue(0)

    def give(self) -> None:
        """Record the points of the answer shown."""
        row = self.list.currentRow()
        if not (0 <= row < len(self.items)):
            return
        it = self.items[row]
        with dialogs.guard(self) as done:
            sitting.mark_by_hand(self.ctx.db, self.ctx.actor, it.attempt_id, it.question_id, self.points.value())
        if done.ok:
            notify(Kind.QUIZ, [self.exam.id])
            self.load()
