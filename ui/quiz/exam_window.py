"""闭卷机考窗口 — the closed-book exam on a shared office PC.

Full screen, frameless and on top. Examinees sit one after another: pick your
name, answer with a timer running, submit (confirmed), and the window returns to
the list for the next person. There is no way out while a sitting runs: closing
and Escape are ignored; only the invigilator can end the session from the list
screen. Every answer is stored as it is given (a short pause after typing), so a
crash loses nothing: picking the name again resumes the sitting. Answers and
explanations are never shown here.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.quiz import exams, invigilation, papers, sitting
from desktop_app.quiz.types import ExamInfo, SubmitResult
from ui import dialogs
from ui.quiz.answer_widgets import AnswerWidget
from ui.signals import Kind, notify

SAVE_DELAY_MS = 800
#: what the invigilator types to end the sitting (a click alone let any candidate end it)
END_WORDS = "结束考试"


class ExamWindow(QWidget):
    """The exam session of one exam; ``session_ended`` when the invigilator closes it."""

    session_ended = Signal()

    def __init__(self, ctx: AppContext, exam_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.ctx = ctx
        self.exam: ExamInfo = exams.get_exam(ctx.db, exam_id)
        self.setWindowTitle(self.exam.title)
        self.setObjectName("ExamWindow")
        # the rest of the app (answers, the bank) cannot be reached while the exam window is open
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setStyleSheet("#ExamWindow { background: #f3f5f8; } #QuizStem { font-size: 14pt; }"
                           " #ExamClock { font-size: 18pt; font-weight: bold; color: #1f4e8c; }"
                           " #ExamTitle { font-size: 18pt; font-weight: bold; }"
                           " QRadioButton, QCheckBox, QLineEdit, QPlainTextEdit { font-size: 13pt; }")
        self._allow_close = False
        self.attempt_id: str | None = None
        self.person_id: str | None = None
        self.widgets: list[AnswerWidget] = []
        self.current = 0
        self.deadline: dt.datetime | None = None
        self.last_result: SubmitResult | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_picker())
        self.stack.addWidget(self._build_sitting())
        self.stack.addWidget(self._build_done())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(40, 24, 40, 24)
        lay.addWidget(self.stack)
        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(self._tick)
        self.saver = QTimer(self)
        self.saver.setSingleShot(True)
        self.saver.setInterval(SAVE_DELAY_MS)
        self.saver.timeout.connect(self.save_current)
        self.refresh_examinees()

    # ---- screens -------------------------------------------------------------------------------------------
    def _build_picker(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        title = QLabel(self.exam.title)
        title.setObjectName("ExamTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(title)
        rule = QLabel(self.tr("闭卷考试 · 限时%1分钟 · 满分%2分。请选择本人姓名后点击“开始答题”；答题期间不能退出，"
                              "答案随时自动保存。").replace("%1", str(self.exam.duration_min))
                      .replace("%2", f"{self.exam.total:g}"))
        rule.setWordWrap(True)
        rule.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(rule)
        self.find = QLineEdit()
        self.find.setPlaceholderText(self.tr("输入姓名或科室中的字查找本人"))
        self.find.setClearButtonEnabled(True)
        self.find.setStyleSheet("font-size: 13pt;")
        self.find.textChanged.connect(self.filter_examinees)
        self.find.returnPressed.connect(self._find_entered)
        lay.addWidget(self.find)
        self.people = QListWidget()
        self.people.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.people.setStyleSheet("font-size: 13pt;")
        self.people.itemDoubleClicked.connect(lambda _i: self.begin())
        lay.addWidget(self.people, 1)
        row = QHBoxLayout()
        self.end_btn = QPushButton(self.tr("结束本场考试（监考人员）"))
        self.end_btn.clicked.connect(self.end_session)
        row.addWidget(self.end_btn)
        row.addStretch(1)
        self.start_btn = QPushButton(self.tr("开始答题"))
        self.start_btn.setObjectName("Primary")
        self.start_btn.setMinimumHeight(40)
        self.start_btn.clicked.connect(self.begin)
        row.addWidget(self.start_btn)
        lay.addLayout(row)
        return w

    def _build_sitting(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        top = QHBoxLayout()
        self.who = QLabel()
        self.who.setObjectName("ExamTitle")
        top.addWidget(self.who)
        top.addStretch(1)
        self.progress = QLabel()
        top.addWidget(self.progress)
        top.addSpacing(24)
        self.clock_label = QLabel()
        self.clock_label.setObjectName("ExamClock")
        top.addWidget(self.clock_label)
        lay.addLayout(top)
        body = QHBoxLayout()
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(6)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        grid_scroll = QScrollArea()
        grid_scroll.setWidget(self.grid_host)
        grid_scroll.setWidgetResizable(True)
        grid_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        grid_scroll.setFixedWidth(5 * 46 + 40)
        body.addWidget(grid_scroll)
        self.questions = QStackedWidget()
        q_scroll = QScrollArea()
        q_scroll.setWidget(self.questions)
        q_scroll.setWidgetResizable(True)
        body.addWidget(q_scroll, 1)
        lay.addLayout(body, 1)
        nav = QHBoxLayout()
        self.prev_btn = QPushButton(self.tr("上一题"))
        self.prev_btn.clicked.connect(lambda: self.go(self.current - 1))
        self.next_btn = QPushButton(self.tr("下一题"))
        self.next_btn.clicked.connect(lambda: self.go(self.current + 1))
        self.submit_btn = QPushButton(self.tr("交卷"))
        self.submit_btn.setObjectName("Primary")
        self.submit_btn.clicked.connect(lambda: self.submit(confirm=True))
        nav.addWidget(self.prev_btn)
        nav.addWidget(self.next_btn)
        nav.addStretch(1)
        nav.addWidget(self.submit_btn)
        lay.addLayout(nav)
        return w

    def _build_done(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addStretch(1)
        self.done_text = QLabel()
        self.done_text.setObjectName("ExamTitle")
        self.done_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_text.setWordWrap(True)
        lay.addWidget(self.done_text)
        nxt = QPushButton(self.tr("下一位考生"))
        nxt.setObjectName("Primary")
        nxt.setMinimumHeight(40)
        nxt.clicked.connect(self.back_to_list)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(nxt)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)
        return w

    # ---- examinees -----------------------------------------------------------------------------------------
    def refresh_examinees(self) -> None:
        """Everyone who may sit, with where they are (已交卷 ones cannot start again)."""
        self.people.clear()
        with dialogs.guard(self) as done:
            rows = sitting.examinees(self.ctx.db, self.exam.id)
        if not done.ok:
            return
        for pid, name, section, state in rows:
            item = QListWidgetItem(f"{section}　{name}" + (f"　（{state}）" if state else ""))
            item.setData(Qt.ItemDataRole.UserRole, pid)
            if state in ("已交卷", "免考"):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.people.addItem(item)

    def filter_examinees(self, text: str) -> None:
        """Show only the candidates whose name or section holds every typed word; select the first one."""
        words = text.split()
        first = None
        for i in range(self.people.count()):
            item = self.people.item(i)
            shown = all(w in item.text() for w in words)
            item.setHidden(not shown)
            if shown and first is None and item.flags() & Qt.ItemFlag.ItemIsEnabled:
                first = item
        if first is not None:
            self.people.setCurrentItem(first)

    def _find_entered(self) -> None:
        """Enter in the search box: start when exactly one candidate who may sit is shown."""
        shown = [self.people.item(i) for i in range(self.people.count())
                 if not self.people.item(i).isHidden() and self.people.item(i).flags() & Qt.ItemFlag.ItemIsEnabled]
        if len(shown) == 1:
            self.people.setCurrentItem(shown[0])
            self.begin()

    def choose(self, person_id: str) -> None:
        """Select an examinee in the list (as a click would)."""
        for i in range(self.people.count()):
            if self.people.item(i).data(Qt.ItemDataRole.UserRole) == person_id:
                self.people.setCurrentRow(i)
                return

    def begin(self) -> None:
        """Start (or resume) the selected person's sitting."""
        item = self.people.currentItem()
        if item is None:
            dialogs.warn(self, self.tr("请先在名单中选择本人姓名"))
            return
        pid = item.data(Qt.ItemDataRole.UserRole)
        with dialogs.guard(self) as done:
            sit = sitting.begin_attempt(self.ctx.db, self.ctx.actor, self.exam.id, pid)
            qs = papers.exam_questions(self.ctx.db, sit.paper_id)
        if not done.ok:
            return
        self.attempt_id, self.person_id = sit.attempt_id, pid
        self.deadline = sit.started + dt.timedelta(minutes=sit.duration_min)
        self.who.setText(sit.person_name + (self.tr("（补考）") if sit.makeup else ""))
        while self.questions.count():
            old = self.questions.widget(0)
            self.questions.removeWidget(old)
            old.deleteLater()
        while self.grid.count():
            it = self.grid.takeAt(0)
            if it.widget():
                it.widget().deleteLater()
        self.widgets = []
        for i, q in enumerate(qs):
            aw = AnswerWidget(q)
            aw.layout().setContentsMargins(16, 12, 16, 12)
            aw.set_value(sit.responses.get(q.question_id))
            aw.changed.connect(self._answer_changed)
            self.widgets.append(aw)
            self.questions.addWidget(aw)
            b = QPushButton(str(q.number))
            b.setFixedSize(44, 34)
            b.clicked.connect(lambda _c=False, n=i: self.go(n))
            self.grid.addWidget(b, i // 5, i % 5)
        self.stack.setCurrentIndex(1)
        self.go(0)
        self.clock.start()
        self._tick()
        notify(Kind.QUIZ, [self.exam.id])

    # ---- answering -----------------------------------------------------------------------------------------
    def go(self, n: int) -> None:
        """Show question ``n`` (0-based), storing the one left."""
        if not self.widgets:
            return
        self.save_current()
        self.current = max(0, min(n, len(self.widgets) - 1))
        self.questions.setCurrentIndex(self.current)
        self.prev_btn.setEnabled(self.current > 0)
        self.next_btn.setEnabled(self.current < len(self.widgets) - 1)
        self._update_progress()

    def _answer_changed(self) -> None:
        self._update_progress()
        self.saver.start()

    def _update_progress(self) -> None:
        answered = 0
        for i, w in enumerate(self.widgets):
            done = w.answered()
            answered += done
            item = self.grid.itemAtPosition(i // 5, i % 5)
            btn = item.widget() if item else None
            if btn is not None:
                style = "background: #1f4e8c; color: white;" if done else ""
                if i == self.current:
                    style += "border: 2px solid #f5c242;"
                btn.setStyleSheet(style)
        self.progress.setText(self.tr("已答 %1 / %2 题").replace("%1", str(answered))
                              .replace("%2", str(len(self.widgets))))

    def save_current(self) -> None:
        """Store the answer of the question on screen (called after a pause and when moving on)."""
        self.saver.stop()
        if self.attempt_id is None or not self.widgets:
            return
        w = self.widgets[self.current]
        with dialogs.guard(self):
            sitting.save_answer(self.ctx.db, self.ctx.actor, self.attempt_id, w.q.question_id, w.value())

    def remaining(self) -> dt.timedelta:
        """Time left of the sitting."""
        if self.deadline is None:
            return dt.timedelta(0)
        return max(self.deadline - dt.datetime.now(), dt.timedelta(0))

    def _tick(self) -> None:
        left = int(self.remaining().total_seconds())
        self.clock_label.setText(self.tr("剩余 %1").replace("%1", f"{left // 60:02d}:{left % 60:02d}"))
        if left <= 0 and self.attempt_id is not None:
            self.submit(confirm=False)  # time is up: hand in what is there

    def submit(self, confirm: bool = True) -> bool:
        """交卷 (after a confirmation unless time ran out); returns True when handed in."""
        if self.attempt_id is None:
            return False
        unanswered = sum(1 for w in self.widgets if not w.answered())
        if confirm:
            text = self.tr("确定交卷吗？交卷后不能再修改答案。")
            if unanswered:
                text = self.tr("还有 %1 道题未作答。").replace("%1", str(unanswered)) + text
            # with questions left unanswered an Enter keeps the candidate answering
            if not dialogs.confirm(self, text, self.tr("确认交卷"), self.tr("交卷"), danger=bool(unanswered)):
                return False
        self.saver.stop()
        responses = {w.q.question_id: w.value() for w in self.widgets}
        with dialogs.guard(self) as done:
            result = sitting.submit_attempt(self.ctx.db, self.ctx.actor, self.attempt_id, responses)
        if not done.ok:
            return False
        self.clock.stop()
        self.last_result = result
        self.attempt_id = None
        msg = self.tr("已交卷。客观题得分 %1 分。").replace("%1", f"{result.auto_score:g}")
        if result.pending_items:
            msg += self.tr("另有 %1 道简答题待阅卷后计入总分。").replace("%1", str(result.pending_items))
        self.done_text.setText(msg + "\n" + self.tr("请将座位交给下一位考生。"))
        self.stack.setCurrentIndex(2)
        notify(Kind.QUIZ, [self.exam.id])
        return True

    def back_to_list(self) -> None:
        """From the result screen to the list for the next examinee."""
        self.widgets = []
        self.refresh_examinees()
        self.find.clear()  # the next candidate looks for their own name
        self.stack.setCurrentIndex(0)
        self.find.setFocus()

    # ---- no way out ------------------------------------------------------------------------------------------
    def in_sitting(self) -> bool:
        """True while someone is answering."""
        return self.attempt_id is not None

    def end_session(self) -> None:
        """The invigilator ends the session (only from the list screen).

        With a 监考密码 set (设置 › 本单位) it is asked for, hidden as typed; without one the
        invigilator types 结束考试 — printed in the prompt, so only a deliberate act, not a secret.
        A click alone used to end it, so any candidate at the list could close everyone's exam.
        """
        if self.in_sitting():
            return
        waiting = sum(1 for i in range(self.people.count())
                      if self.people.item(i).flags() & Qt.ItemFlag.ItemIsEnabled)
        text = self.tr("监考人员确认：结束后考试窗口关闭，尚未交卷的考生不能再答题。")
        if waiting:
            text += self.tr("\n还有 %1 人未交卷。").replace("%1", str(waiting))
        with dialogs.guard(self) as done:
            protected = invigilation.has_invigilator_password(self.ctx.db)
        if not done.ok:
            return
        if protected:
            typed = dialogs.ask_text(self, text + self.tr("\n请输入监考密码："), self.tr("结束本场考试"),
                                     password=True)
            if typed is None:
                return
            with dialogs.guard(self) as done:
                right = invigilation.check_invigilator_password(self.ctx.db, typed)
            if not done.ok:
                return
            if not right:
                dialogs.warn(self, self.tr("监考密码不正确，考试未结束"))
                return
        else:
            text += self.tr("\n请输入“%1”后点确定：").replace("%1", END_WORDS)
            text += self.tr("\n（可在 设置 › 本单位 中设置监考密码，结束考试时改为输入密码）")
            typed = dialogs.ask_text(self, text, self.tr("结束本场考试"))
            if typed is None:
                return
            if typed.strip() != END_WORDS:
                dialogs.warn(self, self.tr("输入的不是“%1”，考试未结束").replace("%1", END_WORDS))
                return
        self._allow_close = True
        self.close()
        self.session_ended.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._allow_close:
            self.clock.stop()
            event.accept()
        else:
            event.ignore()  # Alt+F4 or the window manager: the exam stays

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.ignore()
            return
        super().keyPressEvent(event)

    def start(self) -> None:
        """Show full screen."""
        self.showFullScreen()
        self.activateWindow()
