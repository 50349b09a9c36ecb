"""试题编辑 — the dialog to create or edit one question of the bank."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.org import organisation
from desktop_app.quiz import bank
from desktop_app.quiz.types import QUESTION_TYPES, QuestionInfo, QuestionInput
from ui import dialogs
from ui.form_dialog import FormDialog
from ui.signals import Kind, notify

HINTS = {
    "单选": "填写正确选项的字母，例如 B",
    "多选": "填写全部正确选项的字母，例如 ABC",
    "判断": "填写 对 或 错（也可写 √ 或 ×）",
    "填空": "可用 | 分隔几种可接受的写法；题干有多个空时，各空答案用 ；分隔",
    "简答": "参考答案（简答题交卷后人工阅卷）",
}


class QuestionDialog(FormDialog):
    """新建/编辑试题. On 保存 the service validates; a refusal is shown and the dialog stays open."""

    def __init__(self, ctx: AppContext, question: QuestionInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.question = question
        self.saved: QuestionInfo | None = None
        self.setWindowTitle(self.tr("编辑试题") if question else self.tr("新建试题"))
        self.resize(620, 560)
        form = QFormLayout()
        self.type_box = QComboBox()
        self.type_box.addItems(list(QUESTION_TYPES))
        self.type_box.currentTextChanged.connect(self._type_changed)
        self.stem = QPlainTextEdit()
        self.stem.setMaximumHeight(110)
        self.options = QPlainTextEdit()
        self.options.setPlaceholderText(self.tr("每行一个选项，不必写 A. B. 等字母"))
        self.options.setMaximumHeight(120)
        self.answer = QLineEdit()
        self.hint = QLabel()
        self.hint.setObjectName("Hint")
        self.explanation = QPlainTextEdit()
        self.explanation.setMaximumHeight(80)
        for edit in (self.stem, self.options, self.explanation):  # Tab moves on, as in the other fields
            edit.setTabChangesFocus(True)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(self.tr("用逗号或顿号分隔，例如 党建、组织工作"))
        self.section = QComboBox()
        self.section.addItem(self.tr("（不限科室）"), None)
        for sec in organisation.list_sections(ctx.db):
            self.section.addItem(sec.name, sec.id)
        self.difficulty = QComboBox()
        for value, label in ((1, "易"), (2, "中"), (3, "难")):
            self.difficulty.addItem(self.tr(label), value)
        form.addRow(self.tr("题型"), self.type_box)
        form.addRow(self.tr("题干"), self.stem)
        self.options_label = QLabel(self.tr("选项"))
        form.addRow(self.options_label, self.options)
        form.addRow(self.tr("答案"), self.answer)
        form.addRow("", self.hint)
        form.addRow(self.tr("解析"), self.explanation)
        form.addRow(self.tr("标签"), self.tags)
        form.addRow(self.tr("所属科室"), self.section)
        form.addRow(self.tr("难度"), self.difficulty)
        buttons = dialogs.ok_cancel(self, self.tr("保存"), self.save, first=QDialogButtonBox.StandardButton.Save)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.difficulty.setCurrentIndex(1)
        if question:
            self.type_box.setCurrentText(question.type)
            self.stem.setPlainText(question.stem)
            self.options.setPlainText("\n".join(question.options))
            self.answer.setText(question.answer)
            self.explanation.setPlainText(question.explanation)
            self.tags.setText("、".join(question.tags))
            self.section.setCurrentIndex(max(0, self.section.findData(question.section_id)))
            self.difficulty.setCurrentIndex(max(0, self.difficulty.findData(question.difficulty)))
        self._type_changed(self.type_box.currentText())

    def _type_changed(self, qtype: str) -> None:
        has_options = qtype in ("单选", "多选")
        self.options.setVisible(has_options)
        self.options_label.setVisible(has_options)
        self.hint.setText(self.tr(HINTS.get(qtype, "")))

    def data(self) -> QuestionInput:
        """What the form holds."""
        return QuestionInput(
            type=self.type_box.currentText(), stem=self.stem.toPlainText(),
            options=[line for line in self.options.toPlainText().splitlines() if line.strip()]
            if self.type_box.currentText() in ("单选", "多选") else [],
            answer=self.answer.text(), explanation=self.explanation.toPlainText(),
            tags=bank.split_tags(self.tags.text()), section_id=self.section.currentData(),
            difficulty=int(self.difficulty.currentData()))

    def save(self) -> None:
        """Validate and write; stays open on a refusal."""
        with dialogs.guard(self) as done:
            if self.question:
                self.saved = bank.update_question(self.ctx.db, self.ctx.actor, self.question.id, self.data())
            else:
                self.saved = bank.create_question(self.ctx.db, self.ctx.actor, self.data())
        if done.ok and self.saved is not None:
            notify(Kind.QUIZ, [self.saved.id])
            self.accept()
