"""业务知识问答 tab: a person drills questions (FSRS: weak ones come back sooner); a leader's random oral check."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.core.errors import StateError
from desktop_app.org import organisation
from desktop_app.quiz import practice
from desktop_app.quiz.marking import display_answer
from desktop_app.quiz.types import OPTION_LETTERS, PracticeItem
from ui import dialogs
from ui.enabling import set_enabled
from ui.quiz.answer_widgets import AnswerWidget
from ui.quiz.bank_tab import primary
from ui.signals import Kind, bus


class PracticeTab(QWidget):
    """练习与抽问."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.item: PracticeItem | None = None
        self.answer_widget: AnswerWidget | None = None
        self.person = QComboBox()
        self.person.currentIndexChanged.connect(lambda _i: self.next_question())
        self.counts = QLabel()
        self.counts.setObjectName("Hint")
        self.host = QVBoxLayout()
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.submit_btn = primary(self.tr("提交答案"))
        self.submit_btn.clicked.connect(self.submit)
        self.next_btn = QPushButton(self.tr("下一题"))
        self.next_btn.clicked.connect(self.next_question)
        self.rate_btns: list[QPushButton] = []
        rate_row = QHBoxLayout()
        for key, label in practice.RATING_LABELS.items():
            b = QPushButton(self.tr(label))
            b.clicked.connect(lambda _c=False, k=key: self.submit(k))
            b.setVisible(False)
            self.rate_btns.append(b)
            rate_row.addWidget(b)
        rate_row.addStretch(1)
        drill = QGroupBox(self.tr("业务知识练习（间隔重复：答错的题会更早再出现）"))
        d = QVBoxLayout(drill)
        head = QHBoxLayout()
        head.addWidget(QLabel(self.tr("练习人")))
        head.addWidget(self.person)
        head.addWidget(self.counts, 1)
        d.addLayout(head)
        d.addLayout(self.host, 1)
        d.addWidget(self.feedback)
        d.addLayout(rate_row)
        btns = QHBoxLayout()
        btns.addStretch(1)
        btns.addWidget(self.submit_btn)
        btns.addWidget(self.next_btn)
        d.addLayout(btns)
        self.section = QComboBox()
        self.oral_btn = primary(self.tr("随机抽问"))
        self.oral_btn.clicked.connect(self.oral_check)
        self.oral_text = QLabel(self.tr("点击“随机抽问”，随机抽取一名人员和一道题。"))
        self.oral_text.setWordWrap(True)
        oral = QGroupBox(self.tr("随机抽问（领导使用）"))
        o = QVBoxLayout(oral)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("范围")))
        row.addWidget(self.section)
        row.addStretch(1)
        row.addWidget(self.oral_btn)
        o.addLayout(row)
        o.addWidget(self.oral_text)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addWidget(drill, 3)
        lay.addWidget(oral, 1)
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.PERSON, Kind.SECTION):
            self.refresh()
        elif kind in (Kind.QUIZ, Kind.SYNC) and self.item is None:
            self.next_question()  # the bank was empty: questions added or sent down may be drilled now

    def refresh(self) -> None:
        """Reload people and sections."""
        with dialogs.guard(self) as done:
            people = organisation.list_people(self.ctx.db)
            sections = organisation.list_sections(self.ctx.db)
        if not done.ok:
            return
        keep = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        for p in people:
            self.person.addItem(f"{p.section_name} {p.name}", p.id)
        self.person.setCurrentIndex(max(0, self.person.findData(keep)))
        self.person.blockSignals(False)
        self.section.clear()
        self.section.addItem(self.tr("全体人员"), None)
        for s in sections:
            self.section.addItem(s.name, s.id)
        self.next_question()

    def next_question(self) -> None:
        """Show the next question FSRS wants for the chosen person."""
        pid = self.person.currentData()
        if self.answer_widget is not None:
            self.host.removeWidget(self.answer_widget)
            self.answer_widget.deleteLater()
            self.answer_widget = None
        self.feedback.setText("")
        for b in self.rate_btns:
            b.setVisible(False)
        if not pid:
            set_enabled(self.submit_btn, self.tr("请先选择练习人员"))
            return
        empty: StateError | None = None
        with dialogs.guard(self) as done:
            try:
                self.item = practice.next_item(self.ctx.db, pid)
            except StateError as exc:  # an empty bank is a state to show here, not an error to pop up
                empty = exc
            drilled, due, weak = practice.practice_summary(self.ctx.db, pid)
        if not done.ok or empty is not None:
            self.item = None
            set_enabled(self.submit_btn, empty.message if empty is not None else self.tr("没有可练习的题目"))
            if empty is not None:
                self.counts.setText("")
                self.feedback.setStyleSheet("color: #5f6b7a;")
                self.feedback.setText(empty.message + "。" + empty.action)
            return
        self._show_counts(drilled, due, weak)
        self.answer_widget = AnswerWidget(self.item.question, show_number=False)
        self.host.addWidget(self.answer_widget)
        set_enabled(self.submit_btn, None)
        self.submit_btn.setText(self.tr("查看参考答案") if self.item.question.type == "简答" else self.tr("提交答案"))

    def submit(self, rating: str | None = None) -> None:
        """Mark the answer (or, for 简答, show the reference and take the self-rating)."""
        if self.item is None or self.answer_widget is None:
            return
        q = self.item.question
        if q.type == "简答" and rating is None:
            with dialogs.guard(self):
                from desktop_app.quiz import bank

                ref = bank.get_question(self.ctx.db, q.question_id)
                self.feedback.setText(self.tr("参考答案：") + ref.answer + self.tr("\n请自评掌握程度："))
            for b in self.rate_btns:
                b.setVisible(True)
            set_enabled(self.submit_btn, self.tr("已显示参考答案：请自评掌握程度，或点“下一题”"))
            return
        with dialogs.guard(self) as done:
            res = practice.answer(self.ctx.db, self.ctx.actor, self.person.currentData(), q.question_id,
                                  self.answer_widget.value(), rating)
        if not done.ok:
            return
        set_enabled(self.submit_btn, self.tr("本题已提交：点“下一题”继续"))
        for b in self.rate_btns:
            b.setVisible(False)
        verdict = self.tr("回答正确") if res.correct else self.tr("回答错误")
        when = res.next_due.astimezone().strftime("%m-%d %H:%M")
        text = f"{verdict}。" + self.tr("答案：") + display_answer(q.type, res.answer)
        if res.explanation:
            text += "\n" + self.tr("解析：") + res.explanation
        text += "\n" + self.tr("下次复习：") + when
        self.feedback.setText(text)
        self.feedback.setStyleSheet("color: #1e6b34;" if res.correct else "color: #b3261e;")
        with dialogs.guard(self) as done:  # 已练 counted this answer: say so now, not at the next question
            drilled, due, weak = practice.practice_summary(self.ctx.db, self.person.currentData())
        if done.ok:
            self._show_counts(drilled, due, weak)

    def _show_counts(self, drilled: int, due: int, weak: int) -> None:
        self.counts.setText(self.tr("已练 %1 题 · 待复习 %2 题 · 薄弱 %3 题").replace("%1", str(drilled))
                            .replace("%2", str(due)).replace("%3", str(weak)))

    def oral_check(self) -> None:
        """Pick a person and a question at random; the reference answer is for the leader."""
        with dialogs.guard(self) as done:
            pick = practice.oral_check(self.ctx.db, self.ctx.actor, self.section.currentData())
        if not done.ok:
            return
        q = pick.question
        opts = "　".join(f"{OPTION_LETTERS[i]}. {o}" for i, o in enumerate(q.options))
        self.oral_text.setText(self.tr("抽问对象：%1（%2）").replace("%1", pick.person_name).replace("%2", pick.section)
                               + f"\n【{q.type}】{q.stem}" + (f"\n{opts}" if opts else "")
                               + "\n" + self.tr("参考答案：") + display_answer(q.type, q.answer))
