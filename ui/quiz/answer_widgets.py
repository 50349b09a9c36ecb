"""The answer area of one question, for the exam window and practice: one widget per question type.

单选 → radio buttons, 多选 → check boxes, 判断 → 对/错 radio buttons, 填空 → one line per
blank, 简答 → a text box. ``value()`` gives what the service's marking expects.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.quiz.types import OPTION_LETTERS, ExamQuestion


class AnswerWidget(QWidget):
    """Stem plus the answer controls of one question; ``changed`` when the examinee answers."""

    changed = Signal()

    def __init__(self, q: ExamQuestion, show_number: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.q = q
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(10)
        head = f"{q.number}. " if show_number else ""
        points = self.tr("（%1分）").replace("%1", f"{q.points:g}") if show_number else ""
        self.stem = QLabel(f"{head}【{q.type}】{q.stem}{points}")
        self.stem.setObjectName("QuizStem")
        self.stem.setWordWrap(True)
        lay.addWidget(self.stem)
        self.buttons: list[QAbstractButton] = []
        self.lines: list[QLineEdit] = []
        self.text: QPlainTextEdit | None = None
        self.group: QButtonGroup | None = None
        if q.type in ("单选", "判断"):
            self.group = QButtonGroup(self)
            self.group.setExclusive(True)
            labels = [f"{OPTION_LETTERS[i]}. {o}" for i, o in enumerate(q.options)] if q.type == "单选" else [
                self.tr("对（√）"), self.tr("错（×）")]
            for i, label in enumerate(labels):
                b = QRadioButton(label)
                self.group.addButton(b, i)
                self.buttons.append(b)
                lay.addWidget(b)
            self.group.buttonClicked.connect(lambda _b: self.changed.emit())
        elif q.type == "多选":
            for i, o in enumerate(q.options):
                b = QCheckBox(f"{OPTION_LETTERS[i]}. {o}")
                b.toggled.connect(lambda _on: self.changed.emit())
                self.buttons.append(b)
                lay.addWidget(b)
        elif q.type == "填空":
            for i in range(q.blanks):
                e = QLineEdit()
                e.setPlaceholderText(self.tr("第%1空").replace("%1", str(i + 1)) if q.blanks > 1 else self.tr("请填写答案"))
                e.textEdited.connect(lambda _t: self.changed.emit())
                self.lines.append(e)
                lay.addWidget(e)
        else:
            self.text = QPlainTextEdit()
            self.text.setPlaceholderText(self.tr("请在此作答"))
            self.text.setMinimumHeight(160)
            self.text.setTabChangesFocus(True)
            self.text.textChanged.connect(self.changed.emit)
            lay.addWidget(self.text)
        lay.addStretch(1)

    def value(self) -> Any:
        """The answer as the service takes it: letters, 对/错, a list of blanks, or text ('' when none)."""
        if self.q.type == "单选":
            return next((OPTION_LETTERS[i] for i, b in enumerate(self.buttons) if b.isChecked()), "")
        if self.q.type == "判断":
            return next((("对", "错")[i] for i, b in enumerate(self.buttons) if b.isChecked()), "")
        if self.q.type == "多选":
            return "".join(OPTION_LETTERS[i] for i, b in enumerate(self.buttons) if b.isChecked())
        if self.q.type == "填空":
            values = [e.text().strip() for e in self.lines]
            return values if len(values) > 1 else values[0]
        return self.text.toPlainText() if self.text else ""

    def set_value(self, value: Any) -> None:
        """Show a stored answer (when a sitting resumes)."""
        if value in (None, "", []):
            return
        if self.q.type in ("单选", "多选"):
            for i, b in enumerate(self.buttons):
                b.setChecked(OPTION_LETTERS[i] in str(value))
        elif self.q.type == "判断":
            for i, b in enumerate(self.buttons):
                b.setChecked(str(value) == ("对", "错")[i])
        elif self.q.type == "填空":
            parts = value if isinstance(value, list) else [str(value)]
            for e, v in zip(self.lines, parts, strict=False):
                e.setText(str(v))
        elif self.text is not None:
            self.text.setPlainText(str(value))

    def answered(self) -> bool:
        """True once something was given."""
        v = self.value()
        return any(str(x).strip() for x in v) if isinstance(v, list) else bool(str(v).strip())
