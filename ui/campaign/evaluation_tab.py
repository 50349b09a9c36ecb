"""科室评价 tab: enter 部领导评/科室互评/党员干部参评 scores of a half-year; the weighted result table with ranks."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.campaign import evaluation
from desktop_app.campaign.evaluation import HALVES, RATER_KIND_LABELS, ScoreInput, ScoreRow, SectionResult
from desktop_app.core.context import AppContext
from desktop_app.org import scope
from desktop_app.org.organisation import list_sections
from desktop_app.work.api import evaluation_weights
from ui import dialogs
from ui.enabling import follow_selection
from ui.rows_model import Column, RowsTableModel
from ui.work.widgets import fit_columns, table_view

RESULT_COLUMNS: list[Column[SectionResult]] = [
    Column("名次", lambda r: r.rank, True), Column("科室", lambda r: r.section_name),
    Column("加权得分", lambda r: r.total, True), Column("部领导评", lambda r: r.leader, True),
    Column("科室互评", lambda r: r.peer, True), Column("党员干部参评", lambda r: r.member, True),
    Column("评分数", lambda r: r.scores, True),
]
SCORE_COLUMNS: list[Column[ScoreRow]] = [
    Column("被评科室", lambda r: r.section_name), Column("评价方式", lambda r: r.rater_label),
    Column("评分人/科室", lambda r: r.rater), Column("得分", lambda r: r.score, True), Column("备注", lambda r: r.note),
]


class EvaluationTab(QWidget):
    """科室评价."""

    def __init__(self, ctx: AppContext, year: QSpinBox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.year = ctx, year
        #: the 查看范围 (``services.scope``), set by the page: another office's scores are read-only here
        self.office = ""
        self.half = QComboBox()
        for key, label in HALVES.items():
            self.half.addItem(self.tr(label), key)
        self.half.currentIndexChanged.connect(self.refresh)
        self.weights = QLabel()
        self.weights.setObjectName("Hint")
        # the entry row: whom, how, by whom, what score
        self.target, self.kind, self.rater_section = QComboBox(), QComboBox(), QComboBox()
        for key, label in RATER_KIND_LABELS.items():
            self.kind.addItem(self.tr(label), key)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.rater_name = QLineEdit()
        self.rater_name.setPlaceholderText(self.tr("评分领导姓名"))
        self.score = QDoubleSpinBox()
        self.score.setRange(0, 100)
        self.score.setDecimals(1)
        self.score.setValue(90)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("备注（可不填）"))
        self.save_btn = QPushButton(self.tr("保存评分"))
        self.save_btn.setObjectName("Primary")
        self.save_btn.clicked.connect(self.save_score)
        self.remove_btn = QPushButton(self.tr("删除所选评分"))
        self.remove_btn.setObjectName("Danger")
        self.remove_btn.clicked.connect(self.remove_score)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("评价期间")))
        top.addWidget(self.half)
        top.addWidget(self.weights, 1)
        entry = QHBoxLayout()
        for label, w in ((self.tr("被评科室"), self.target), (self.tr("评价方式"), self.kind),
                         (self.tr("评分科室"), self.rater_section), (self.tr("评分人"), self.rater_name),
                         (self.tr("得分"), self.score)):
            entry.addWidget(QLabel(label))
            entry.addWidget(w)
        entry.addWidget(self.note, 1)
        entry.addWidget(self.save_btn)
        self.results: RowsTableModel[SectionResult] = RowsTableModel(RESULT_COLUMNS, self)
        self.scores: RowsTableModel[ScoreRow] = RowsTableModel(SCORE_COLUMNS, self)
        self.results_view, self.scores_view = table_view(self.results), table_view(self.scores)
        follow_selection(self.scores_view, [self.remove_btn], self.tr("请先在“评分明细”中选中一条评分"))
        split = QSplitter()
        for title, view, extra in ((self.tr("评价结果（按加权得分排名，计入半年先进科室评选）"), self.results_view, None),
                                   (self.tr("评分明细"), self.scores_view, self.remove_btn)):
            g = QGroupBox(title)
            v = QVBoxLayout(g)
            v.addWidget(view)
            if extra is not None:
                v.addWidget(extra)
            split.addWidget(g)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(top)
        lay.addLayout(entry)
        lay.addWidget(split, 1)
        self._fill_sections()
        self._kind_changed()

    def _fill_sections(self) -> None:
        for combo in (self.target, self.rater_section):
            keep = combo.currentData()
            combo.clear()
            for sec in list_sections(self.ctx.db):
                combo.addItem(sec.name, sec.id)
            combo.setCurrentIndex(max(0, combo.findData(keep)))

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.rater_section.setEnabled(kind == "peer")
        self.rater_name.setEnabled(kind != "peer")
        self.rater_name.setPlaceholderText(self.tr("评分领导姓名") if kind == "leader"
                                           else self.tr("姓名（不填为汇总得分）"))

    def refresh(self) -> None:
        """Reload the results and the scores of the half-year on screen."""
        year, half, office = self.year.value(), self.half.currentData(), self.office
        own = not office
        why = "" if own else self.tr("正在查看其他单位的科室评价：由该单位评分，本单位只能查看。")
        for w_ in (self.save_btn, self.remove_btn):
            w_.setEnabled(own)
            w_.setToolTip(why)
        entry: list[QWidget] = [self.target, self.kind, self.rater_section, self.rater_name, self.score, self.note]
        for field_ in entry:
            field_.setEnabled(own)
            field_.setToolTip(why)
        if own:
            self._kind_changed()  # 评分科室 or 评分人, as the kind of rating wants
        if office == scope.ALL:  # each office ranks its own sections: one office at a time
            self.results.set_items([])
            self.scores.set_items([])
            self.weights.setText(self.tr("科室评价按单位分别排名：请在“查看范围”中选择一个单位。"))
            return
        with dialogs.guard(self) as done:
            results = evaluation.results(self.ctx.db, year, half, office)
            scores = evaluation.list_scores(self.ctx.db, year, half, office)
            w = evaluation_weights(self.ctx.db)
        if not done.ok:
            return
        self.results.set_items(results)
        self.scores.set_items(scores)
        fit_columns(self.results_view)
        fit_columns(self.scores_view)
        self.weights.setText(self.tr("权重：部领导评 %1%、科室互评 %2%、党员干部参评 %3%（在“调研课题 › 评价权重”中设置，"
                                     "与课题评价共用）").replace("%1", f"{w.leader:g}").replace("%2", f"{w.peer:g}")
                             .replace("%3", f"{w.member:g}"))

    def score_input(self) -> ScoreInput:
        """The score typed in the entry row."""
        kind = self.kind.currentData()
        return ScoreInput(self.year.value(), self.half.currentData(), self.target.currentData(), kind,
                          self.score.value(), rater_section_id=self.rater_section.currentData() if kind == "peer"
                          else None, rater_name=self.rater_name.text().strip() if kind != "peer" else "",
                          note=self.note.text().strip())

    def save_score(self) -> None:
        """Record the score in the entry row (the same rater again replaces the earlier score)."""
        if self.office:
            return
        with dialogs.guard(self) as done:
            evaluation.set_score(self.ctx.db, self.ctx.actor, self.score_input())
        if done.ok:
            self.note.clear()
            self.refresh()

    def remove_score(self) -> None:
        """Remove the selected score after confirming."""
        i = self.scores_view.currentIndex()
        if self.office:
            return
        if not i.isValid():
            dialogs.info(self, self.tr("请先在评分明细中选择一条评分"))
            return
        row = self.scores.items[i.row()]
        if not dialogs.confirm(self, self.tr("删除%1对“%2”的%3评分（%4分）？").replace("%1", row.rater)
                               .replace("%2", row.section_name).replace("%3", row.rater_label)
                               .replace("%4", f"{row.score:g}"), self.tr("删除评分"), self.tr("删除"), danger=True):
            return
        with dialogs.guard(self) as done:
            evaluation.remove_score(self.ctx.db, self.ctx.actor, row.id)
        if done.ok:
            self.refresh()
