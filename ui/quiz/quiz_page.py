"""业务测试 — the quiz page: 题库, 考试, 成绩, 评先, 练习与抽问."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from desktop_app.core.context import AppContext
from ui.page_frame import PageFrame
from ui.quiz.awards_tab import AwardsTab
from ui.quiz.bank_tab import BankTab
from ui.quiz.exams_tab import ExamsTab
from ui.quiz.practice_tab import PracticeTab
from ui.quiz.results_tab import ResultsTab


class QuizPage(QWidget):
    """业务测试."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.bank = BankTab(ctx, self)
        self.exams = ExamsTab(ctx, self)
        self.results = ResultsTab(ctx, self)
        self.awards = AwardsTab(ctx, self)
        self.practice = PracticeTab(ctx, self)
        for w, title in ((self.bank, "题库"), (self.exams, "考试"), (self.results, "成绩"), (self.awards, "评先"),
                         (self.practice, "练习与抽问")):
            self.tabs.addTab(w, self.tr(title))
        frame = PageFrame(self, self.tr("业务测试"), self.tr("题库、组卷、闭卷机考、成绩公示与半年评先"), margins=False)
        frame.body.addWidget(self.tabs, 1)

    def focus_search(self) -> None:
        """Ctrl+F: to the 题库's search box (the page's only one)."""
        self.tabs.setCurrentWidget(self.bank)
        self.bank.search.setFocus()
        self.bank.search.selectAll()

    def refresh(self) -> None:
        """Reload every tab."""
        self.bank.refresh()
        self.exams.refresh()
        self.results.refresh()
        self.awards.refresh_kept()
        self.practice.refresh()
