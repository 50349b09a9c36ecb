"""考试 tab: the office's exams; create one, build its paper, hold the closed-book exam, enter or import scores."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import current_year
from desktop_app.quiz import exams
from desktop_app.quiz.exams import default_title
from desktop_app.quiz.types import EXAM_MODES, ExamInfo, ExamInput
from ui import dialogs, layout_memory
from ui.enabling import need_selection, set_enabled
from ui.form_dialog import FormDialog
from ui.quiz.bank_tab import make_table, primary
from ui.quiz.exam_window import ExamWindow
from ui.quiz.models import Column, ItemsModel
from ui.quiz.output import print_preview
from ui.quiz.paper_dialog import PaperBuilderDialog, PaperViewDialog
from ui.quiz.score_dialogs import MarkingDialog, ScoreGridDialog
from ui.signals import Kind, bus, notify
from ui.tasks import Progress, run_task


class ExamDialog(FormDialog):
    """新建/编辑考试."""

    def __init__(self, ctx: AppContext, exam: ExamInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.exam = ctx, exam
        self.saved: ExamInfo | None = None
        self.setWindowTitle(self.tr("编辑考试") if exam else self.tr("新建考试"))
        today = dt.date.today()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(exam.year if exam else current_year(ctx.db))
        self.quarter = QComboBox()
        for q in range(1, 5):
            self.quarter.addItem(self.tr("第%1季度").replace("%1", "一二三四"[q - 1]), q)
        self.quarter.setCurrentIndex((exam.quarter if exam else exams.quarter_of(today)) - 1)
        self.title = QLineEdit(exam.title if exam else default_title(self.year.value(), self.quarter.currentData()))
        self.date = QDateEdit(QDate(*(exam.date or today).timetuple()[:3]) if exam else QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")  # as every other date in the app (the locale gave 2026/11/22)
        self.duration = QSpinBox()
        self.duration.setRange(1, 600)
        self.duration.setValue(exam.duration_min if exam else 60)
        self.total = QDoubleSpinBox()
        self.total.setRange(1, 1000)
        self.total.setValue(exam.total if exam else 100)
        self.pass_mark = QDoubleSpinBox()
        self.pass_mark.setRange(0, 1000)
        self.pass_mark.setValue(exam.pass_mark if exam else 60)
        self.mode = QComboBox()
        for k, label in EXAM_MODES.items():
            self.mode.addItem(self.tr(label), k)
        self.mode.setCurrentIndex(max(0, self.mode.findData(exam.mode if exam else "in-app")))
        self.partial = QCheckBox(self.tr("多选题少选按比例得分（错选不得分）"))
        self.partial.setChecked(bool(exam and exam.multi_partial))
        form = QFormLayout()
        for label, w in ((self.tr("年度"), self.year), (self.tr("季度"), self.quarter), (self.tr("名称"), self.title),
                         (self.tr("考试日期"), self.date), (self.tr("时长（分钟）"), self.duration),
                         (self.tr("满分（组卷后按试卷计）"), self.total), (self.tr("及格分"), self.pass_mark),
                         (self.tr("方式"), self.mode), ("", self.partial)):
            form.addRow(label, w)
        buttons = dialogs.ok_cancel(self, self.tr("保存"), self.save, first=QDialogButtonBox.StandardButton.Save)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)

    def data(self) -> ExamInput:
        """The form as the service's input."""
        d = self.date.date()
        return ExamInput(self.title.text(), self.year.value(), int(self.quarter.currentData()),
                         dt.date(d.year(), d.month(), d.day()), self.duration.value(), self.total.value(),
                         self.pass_mark.value(), self.mode.currentData(), self.partial.isChecked())

    def save(self) -> None:
        """Write; stay open on a refusal."""
        with dialogs.guard(self) as done:
            if self.exam:
                self.saved = exams.update_exam(self.ctx.db, self.ctx.actor, self.exam.id, self.data())
            else:
                self.saved = exams.create_exam(self.ctx.db, self.ctx.actor, self.data())
        if done.ok and self.saved:
            notify(Kind.QUIZ, [self.saved.id])
            self.accept()


class ExamsTab(QWidget):
    """考试管理."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model: ItemsModel[ExamInfo] = ItemsModel([
            Column(self.tr("季度"), lambda e: e.quarter_label), Column(self.tr("名称"), lambda e: e.title),
            Column(self.tr("方式"), lambda e: EXAM_MODES.get(e.mode, e.mode)),
            Column(self.tr("日期"), lambda e: e.date.isoformat() if e.date else ""),
            Column(self.tr("时长"), lambda e: f"{e.duration_min}分钟"), Column(self.tr("满分"), lambda e: e.total, True),
            Column(self.tr("及格分"), lambda e: e.pass_mark, True), Column(self.tr("试卷"), lambda e: e.papers, True),
            Column(self.tr("成绩/答卷"), lambda e: e.attempts, True)], self)
        self.view = make_table(self.model, self)
        self.view.doubleClicked.connect(lambda _i: self.edit())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.buttons: dict[str, QPushButton] = {}
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for key, text, slot, row in (
            ("new", "新建考试…", self.create, row1), ("edit", "编辑…", self.edit, row1),
            ("build", "组卷…", self.build, row1), ("view", "查看试卷…", self.view_paper, row1),
            ("print", "打印试卷及答案…", self.print_paper, row1),
            ("sit", "开始闭卷机考", self.sit, row2), ("mark", "简答题阅卷…", self.mark, row2),
            ("grid", "成绩录入…", self.grid, row2), ("import", "导入成绩表…", self.import_scores, row2),
        ):
            b = primary(self.tr(text)) if key in ("new", "sit") else QPushButton(self.tr(text))
            b.clicked.connect(slot)
            self.buttons[key] = b
            row.addWidget(b)
        row1.addStretch(1)
        row2.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(row1)
        lay.addLayout(row2)  # the actions above the list, where every other page has them
        lay.addWidget(self.view, 1)
        self.window: ExamWindow | None = None
        self.dialog: QDialog | None = None
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.QUIZ):
            self.refresh()

    def refresh(self) -> None:
        """Reload the exams, keeping the selection."""
        keep = self.selected()
        with dialogs.guard(self) as done:
            items = exams.list_exams(self.ctx.db)
        if not done.ok:
            return
        self.model.set_items(items)
        layout_memory.fit_to_contents(self.view)
        if keep:
            for i, e in enumerate(items):
                if e.id == keep.id:
                    self.view.selectRow(i)
        self._update_buttons()

    def selected(self) -> ExamInfo | None:
        """The selected exam."""
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.model.item(rows[0].row()) if rows else None

    def select(self, exam_id: str) -> None:
        """Select an exam by id."""
        for i, e in enumerate(self.model.items):
            if e.id == exam_id:
                self.view.selectRow(i)

    def _update_buttons(self) -> None:
        e = self.selected()
        pick = need_selection(self.tr("场考试"))
        no_paper = self.tr("这场考试还没有试卷：先“组卷…”")
        for key, b in self.buttons.items():
            if key in ("new", "import"):
                continue
            set_enabled(b, pick if e is None else no_paper if key in ("sit", "view", "print") and e.papers == 0
                        else None)
        # once someone has answered, a new paper is refused: say so on the button, not after the rules are filled in
        sat = e is not None and e.papers > 0 and e.attempts > 0
        set_enabled(self.buttons["build"], pick if e is None else
                    self.tr("已有人作答，不能重新组卷；如需换卷，请新建一场考试") if sat else None)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()

    def create(self) -> None:
        """New exam."""
        self._open(ExamDialog(self.ctx, None, self))

    def edit(self) -> None:
        """Edit the selected exam."""
        if e := self.selected():
            self._open(ExamDialog(self.ctx, e, self))

    def build(self) -> None:
        """Build the selected exam's paper."""
        if e := self.selected():
            self._open(PaperBuilderDialog(self.ctx, e, self))

    def view_paper(self) -> None:
        """Read the paper (with its key on request)."""
        if e := self.selected():
            self._open(PaperViewDialog(self.ctx, e, self))

    def print_paper(self) -> None:
        """Print preview of the paper and its answer key."""
        if e := self.selected():
            print_preview(self, self.ctx, "paper", e.id, e.year)

    def grid(self) -> None:
        """Enter scores of a paper exam."""
        if e := self.selected():
            self._open(ScoreGridDialog(self.ctx, e, self))

    def mark(self) -> None:
        """Hand-mark 简答 answers."""
        if e := self.selected():
            self._open(MarkingDialog(self.ctx, e, self))

    def sit(self) -> None:
        """Open the full-screen exam window on this PC."""
        e = self.selected()
        if e is None:
            return
        if not dialogs.confirm(self, self.tr("即将进入全屏闭卷考试。考生答题期间无法退出，只有监考人员可在名单界面结束考试。"
                                             "继续吗？"), self.tr("开始闭卷考试"), self.tr("进入考试")):
            return
        self.window = ExamWindow(self.ctx, e.id)
        self.window.session_ended.connect(self.refresh)
        self.window.start()

    def import_scores(self) -> None:
        """Import a score sheet into the selected exam (or this quarter's exam): all or nothing."""
        path = dialogs.open_file(self, self.tr("选择成绩表"), self.tr("Excel 文件 (*.xlsx *.xls)"))
        if not path:
            return
        e = self.selected()
        db, actor = self.ctx.db, self.ctx.actor

        def work(progress: Progress) -> tuple[list[str], int]:
            from desktop_app.excel import service
            from desktop_app.quiz import importing

            progress(0, 0, "正在读取成绩表…")
            pv = service.preview_file(db, path, "scores")
            if pv.errors:
                return [f"第{x.row}行 {x.column}：{x.message}" for x in pv.errors], 0
            try:
                n = importing.import_scores(db, actor, pv.rows, e.id if e else None)
            except importing.RowsError as exc:
                return [f"第{x.row}行：{x.message}" for x in exc.errors], 0
            return [], n

        def done(result: tuple[list[str], int]) -> None:
            errors, n = result
            if errors:
                dialogs.warn(self, self.tr("成绩表有 %1 处问题，未导入任何成绩：").replace("%1", str(len(errors)))
                             + "\n" + "\n".join(errors[:20]))
                return
            dialogs.info(self, self.tr("已导入 %1 人的成绩").replace("%1", str(n)))
            notify(Kind.QUIZ)

        run_task(self, self.tr("导入成绩表"), work, on_done=done)
