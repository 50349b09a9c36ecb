"""题库 tab: filter, create, edit, tag, retire and import questions.

A county's bank also lists the questions its prefecture sent down (来源 “…下发”); they
are used like its own but cannot be edited, tagged or retired here, so those buttons
are disabled while one is selected. A prefecture may look at a county's questions
through 查看范围 (hidden in a county); they are never part of its own bank.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.quiz import bank
from desktop_app.quiz.types import QUESTION_TYPES, QuestionInfo
from ui import dialogs
from ui.enabling import set_enabled
from ui.office_scope import OfficeScopeCombo
from ui.quiz.models import QuestionBankModel
from ui.quiz.question_dialog import QuestionDialog
from ui.signals import Kind, bus, notify
from ui.tasks import Progress, run_task


def make_table(model: object, parent: QWidget | None = None, multi: bool = False) -> QTableView:
    """A read-only, row-selecting table."""
    view = QTableView(parent)
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(28)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setMinimumSectionSize(60)
    return view


def primary(text: str) -> QPushButton:
    """A primary button."""
    b = QPushButton(text)
    b.setObjectName("Primary")
    return b


class BankTab(QWidget):
    """题库管理."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = QuestionBankModel(ctx.db, self)
        self.view = make_table(self.model, self, multi=True)
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.setColumnWidth(0, 60)
        self.view.setColumnWidth(2, 140)
        self.view.setColumnWidth(3, 140)
        self.view.setColumnWidth(7, 150)
        self.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        # 查看范围: a prefecture may look at a county's questions; hidden in a county
        self.office_combo = OfficeScopeCombo(ctx, default="")  # the bank a prefecture edits is its own
        self.office_combo.office_changed.connect(lambda _o: self.refresh())
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索题干、答案或标签"))
        self.search.returnPressed.connect(self.refresh)
        self.type_box = QComboBox()
        self.type_box.addItem(self.tr("全部题型"), "")
        for t in QUESTION_TYPES:
            self.type_box.addItem(t, t)
        self.type_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.tag_box = QComboBox()
        self.tag_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.retired = QCheckBox(self.tr("显示已停用"))
        self.retired.toggled.connect(lambda _on: self.refresh())
        self.count_label = QLabel()
        self.count_label.setObjectName("Hint")
        self.read_only_hint = QLabel()
        self.read_only_hint.setObjectName("Hint")
        self.read_only_hint.setWordWrap(True)
        top = QHBoxLayout()
        for w in (self.office_combo, self.search, self.type_box, self.tag_box, self.retired):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.count_label)
        self.new_btn = primary(self.tr("新建试题…"))
        self.new_btn.clicked.connect(self.create)
        self.edit_btn = QPushButton(self.tr("编辑…"))
        self.edit_btn.clicked.connect(self.edit_selected)
        self.tag_btn = QPushButton(self.tr("加标签…"))
        self.tag_btn.clicked.connect(self.tag_selected)
        self.retire_btn = QPushButton(self.tr("停用/恢复"))
        self.retire_btn.clicked.connect(self.toggle_retired)
        self.import_btn = QPushButton(self.tr("从Excel导入…"))
        self.import_btn.clicked.connect(self.import_file)
        bottom = QHBoxLayout()
        for b in (self.new_btn, self.edit_btn, self.tag_btn, self.retire_btn):
            bottom.addWidget(b)
        bottom.addStretch(1)
        bottom.addWidget(self.import_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(top)
        lay.addLayout(bottom)  # the actions above the list, where every other page has them
        lay.addWidget(self.view, 1)
        lay.addWidget(self.read_only_hint)
        self.dialog: QuestionDialog | None = None
        bus().changed.connect(self._on_changed)
        self._load_tags()
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.OFFICE, Kind.SYNC):
            self.office_combo.reload()  # a bundle may have brought a county (or the parent's bank)
        if kind in (Kind.ALL, Kind.QUIZ, Kind.SECTION, Kind.SYNC):
            self._load_tags()
            self.refresh()

    def _load_tags(self) -> None:
        current = self.tag_box.currentData()
        self.tag_box.blockSignals(True)
        self.tag_box.clear()
        self.tag_box.addItem(self.tr("全部标签"), "")
        with dialogs.guard(self):
            for t in bank.all_tags(self.ctx.db):
                self.tag_box.addItem(t, t)
        self.tag_box.setCurrentIndex(max(0, self.tag_box.findData(current)))
        self.tag_box.blockSignals(False)

    def refresh(self) -> None:
        """Reload with the current filter."""
        with dialogs.guard(self):
            self.model.set_filter(self.search.text(), self.type_box.currentData() or "",
                                  self.tag_box.currentData() or "", self.retired.isChecked(),
                                  self.office_combo.current_office())
        self.count_label.setText(self.tr("共 %1 题").replace("%1", str(self.model.count)))
        self._update_buttons()

    def _update_buttons(self) -> None:
        """Edit, tag and retire only this office's own questions; say why when a sent-down one is chosen."""
        chosen = self.selected()
        foreign = [q for q in chosen if not q.editable]
        reason = (self.tr("请先在题库中选中试题") if not chosen else
                  self.tr("选中的试题属于“%1”，本单位不能修改").replace("%1", foreign[0].origin) if foreign else None)
        for b in (self.edit_btn, self.tag_btn, self.retire_btn):
            set_enabled(b, reason)
        if foreign and self.office_combo.current_office():
            self.read_only_hint.setText(self.tr("选中的试题属于“%1”，由该单位录入和修改，本单位只能查看。")
                                        .replace("%1", foreign[0].origin))
        elif foreign:
            self.read_only_hint.setText(self.tr("选中的试题来自“%1”，本单位只能使用（组卷、练习），不能修改、加标签或停用；"
                                                "如需更正，请联系市级单位。").replace("%1", foreign[0].origin.removesuffix("下发")))
        self.read_only_hint.setVisible(bool(foreign))

    def selected(self) -> list[QuestionInfo]:
        """The selected questions."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [q for q in (self.model.question(r) for r in rows) if q is not None]

    def create(self) -> None:
        """Open the editor for a new question."""
        self.dialog = QuestionDialog(self.ctx, None, self)
        self.dialog.open()

    def edit_selected(self) -> None:
        """Open the editor on the selected question."""
        sel = self.selected()
        if sel and not sel[0].editable:
            # a double-click on a question sent down: say why it cannot be edited instead of opening the form
            self._update_buttons()
            dialogs.info(self, self.read_only_hint.text())
            return
        if sel:
            self.dialog = QuestionDialog(self.ctx, sel[0], self)
            self.dialog.open()

    def tag_selected(self) -> None:
        """Add tags to every selected question."""
        sel = self.selected()
        if not sel:
            return
        text = dialogs.ask_text(self, self.tr("为选中的 %1 道题添加标签（用顿号分隔）：").replace("%1", str(len(sel))),
                                self.tr("加标签"))
        if not text:
            return
        with dialogs.guard(self) as done:
            bank.set_tags(self.ctx.db, self.ctx.actor, [q.id for q in sel], bank.split_tags(text))
        if done.ok:
            notify(Kind.QUIZ, [q.id for q in sel])

    def toggle_retired(self) -> None:
        """Retire the selected questions (or bring retired ones back)."""
        sel = self.selected()
        if not sel:
            return
        with dialogs.guard(self) as done:
            for q in sel:
                bank.retire_question(self.ctx.db, self.ctx.actor, q.id, not q.retired)
        if done.ok:
            notify(Kind.QUIZ, [q.id for q in sel])

    def import_file(self) -> None:
        """Import a question bank sheet: preview first; errors name their rows; all or nothing."""
        path = dialogs.open_file(self, self.tr("选择题库表格"), self.tr("Excel 文件 (*.xlsx *.xls)"))
        if not path:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def work(progress: Progress) -> object:
            from desktop_app.excel import service

            progress(0, 0, "正在读取表格…")
            return service.import_file(db, actor, path, "questions", dry_run=True)

        def previewed(outcome: object) -> None:
            pv = outcome.preview  # type: ignore[attr-defined]
            if pv.errors:
                lines = [f"第{e.row}行 {e.column}：{e.message}" for e in pv.errors[:20]]
                dialogs.warn(self, self.tr("表格有 %1 处问题，未导入任何试题：").replace("%1", str(len(pv.errors)))
                             + "\n" + "\n".join(lines))
                return
            if not dialogs.confirm(self, self.tr("将导入 %1 道试题，确定吗？").replace("%1", str(len(pv.rows)))):
                return

            def write(progress: Progress) -> object:
                from desktop_app.excel import service

                progress(0, 0, "正在导入…")
                return service.import_file(db, actor, path, "questions")

            run_task(self, self.tr("导入题库"), write, on_done=imported)

        def imported(outcome: object) -> None:
            pv = outcome.preview  # type: ignore[attr-defined]
            if pv.errors:
                dialogs.warn(self, "\n".join(f"第{e.row}行：{e.message}" for e in pv.errors[:20]))
                return
            dialogs.info(self, self.tr("已导入 %1 道试题").replace("%1", str(outcome.imported)))  # type: ignore[attr-defined]
            notify(Kind.QUIZ)

        run_task(self, self.tr("读取题库表格"), work, on_done=previewed)
