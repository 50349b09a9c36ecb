"""成绩 tab: one exam's ranking, distribution and section statistics; a person's history; the 公示 list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.org import organisation, scope
from desktop_app.quiz import exams, results
from desktop_app.quiz.types import HistoryRow, RankRow, ScoreRow, SectionStat
from ui import dialogs, layout_memory
from ui.office_scope import OfficeScopeCombo
from ui.quiz.bank_tab import make_table
from ui.quiz.charts import ColumnChart
from ui.quiz.models import Column, ItemsModel
from ui.quiz.output import export_scores, print_preview
from ui.signals import Kind, bus


def pct(v: float | None) -> str:
    """0.875 -> 87.5%."""
    return "" if v is None else f"{v * 100:.1f}".rstrip("0").rstrip(".") + "%"


class ResultsTab(QWidget):
    """成绩分析."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # 查看范围: a prefecture office also reads each county's exams and scores; hidden in a county
        self.office_combo = OfficeScopeCombo(ctx, default="")  # an exam is one office's: its own first
        self.office_combo.office_changed.connect(lambda _o: self.refresh())
        self.exam_box = QComboBox()
        self.exam_box.setMinimumWidth(320)
        self.exam_box.currentIndexChanged.connect(lambda _i: self.show_exam())
        self.summary = QLabel()
        self.summary.setObjectName("Hint")
        self.ranking: ItemsModel[RankRow] = ItemsModel([
            Column(self.tr("名次"), lambda r: r.rank, True), Column(self.tr("姓名"), lambda r: r.name),
            Column(self.tr("科室"), lambda r: r.section), Column(self.tr("得分"), lambda r: r.score, True),
            Column(self.tr("结果"), lambda r: "合格" if r.passed else "不合格",
                   colour=lambda r: None if r.passed else "#b3261e"),
            Column(self.tr("备注"), lambda r: "补考" if r.makeup else "")], self)
        self.sections: ItemsModel[SectionStat] = ItemsModel([
            Column(self.tr("科室"), lambda s: s.section), Column(self.tr("应考"), lambda s: s.people, True),
            Column(self.tr("实考"), lambda s: s.sat, True), Column(self.tr("参考率"), lambda s: pct(s.participation), True),
            Column(self.tr("平均分"), lambda s: s.average, True), Column(self.tr("及格率"), lambda s: pct(s.pass_rate), True)],
            self)
        self.publish: ItemsModel[ScoreRow] = ItemsModel([
            Column(self.tr("序号"), lambda r: r.seq, True), Column(self.tr("姓名"), lambda r: r.name),
            Column(self.tr("科室"), lambda r: r.section), Column(self.tr("得分"), lambda r: r.score, True),
            Column(self.tr("名次"), lambda r: r.rank, True), Column(self.tr("结果"), lambda r: r.result),
            Column(self.tr("备注"), lambda r: r.note)], self)
        self.history: ItemsModel[HistoryRow] = ItemsModel([
            Column(self.tr("季度"), lambda h: f"{h.year}年第{'一二三四'[h.quarter - 1]}季度"),
            Column(self.tr("考试"), lambda h: h.title), Column(self.tr("得分"), lambda h: h.score, True),
            Column(self.tr("满分"), lambda h: h.total, True), Column(self.tr("名次"), lambda h: h.rank, True),
            Column(self.tr("结果"), lambda h: h.status)], self)
        self.rank_view = make_table(self.ranking, self)
        self.section_view = make_table(self.sections, self)
        self.publish_view = make_table(self.publish, self)
        self.history_view = make_table(self.history, self)
        self.chart = ColumnChart()
        self.person_box = QComboBox()
        self.person_box.currentIndexChanged.connect(lambda _i: self.show_person())
        top = QHBoxLayout()
        top.addWidget(self.office_combo)
        top.addWidget(QLabel(self.tr("考试")))
        top.addWidget(self.exam_box)
        top.addWidget(self.summary, 1)
        self.print_btn = QPushButton(self.tr("打印公示表…"))
        self.print_btn.clicked.connect(lambda: self._output("print"))
        self.export_btn = QPushButton(self.tr("导出Excel…"))
        self.export_btn.clicked.connect(lambda: self._output("export"))
        top.addWidget(self.print_btn)
        top.addWidget(self.export_btn)

        def box(title: str, *widgets: QWidget) -> QGroupBox:
            g = QGroupBox(title)
            v = QVBoxLayout(g)
            for w in widgets:
                v.addWidget(w)
            return g

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(box(self.tr("排名"), self.rank_view))
        left.addWidget(box(self.tr("公示名单"), self.publish_view))
        person_row = QWidget()
        pr = QHBoxLayout(person_row)
        pr.setContentsMargins(0, 0, 0, 0)
        pr.addWidget(QLabel(self.tr("人员")))
        pr.addWidget(self.person_box, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(box(self.tr("分数分布（人数）"), self.chart))
        right.addWidget(box(self.tr("各科室"), self.section_view))
        right.addWidget(box(self.tr("个人历次成绩"), person_row, self.history_view))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([520, 480])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.OFFICE, Kind.SYNC) and self.ctx.db.office_code:
            self.office_combo.reload()  # a bundle may have brought a new county
        if kind in (Kind.ALL, Kind.QUIZ, Kind.PERSON, Kind.SECTION):
            self.refresh()

    @property
    def office(self) -> str:
        """The scope shown: "" this office, a county's code, or ``scope.ALL`` (prefecture only)."""
        return self.office_combo.current_office()

    def _people(self) -> list[tuple[str, str]]:
        """(label, person id) of the offices in view, for the personal history."""
        office = self.office
        if office != scope.ALL:
            return [(f"{p.section_name} {p.name}", p.id)
                    for p in organisation.list_people(self.ctx.db, office_code=office or None)]
        return [(f"{c.name} {p.section_name} {p.name}", p.id) for c in scope.office_choices(self.ctx.db)
                for p in organisation.list_people(self.ctx.db, office_code=c.code)]

    def refresh(self) -> None:
        """Reload the exam and people lists, keeping the choices."""
        keep_exam, keep_person = self.exam_box.currentData(), self.person_box.currentData()
        office = self.office
        with dialogs.guard(self) as done:
            exam_list = exams.list_exams(self.ctx.db, office=office)
            names = {c.code: c.name for c in scope.office_choices(self.ctx.db)} if office == scope.ALL else {}
            people = self._people()
        if not done.ok:
            return
        exam_items = [((f"{names.get(e.office_code, e.office_code)} " if names else "") + e.title, e.id)
                      for e in exam_list]
        for combo, items, keep in ((self.exam_box, exam_items, keep_exam), (self.person_box, people, keep_person)):
            combo.blockSignals(True)
            combo.clear()
            for text, key in items:
                combo.addItem(text, key)
            combo.setCurrentIndex(max(0, combo.findData(keep)))
            combo.blockSignals(False)
        self.show_exam()
        self.show_person()

    def show_exam(self) -> None:
        """Fill the exam's ranking, 公示 list, distribution and section table."""
        exam_id = self.exam_box.currentData()
        if not exam_id:
            for m in (self.ranking, self.sections, self.publish):
                m.set_items([])
            self.chart.set_data([], [], empty_text=self.tr("还没有考试"))
            self.summary.setText("")
            return
        office = self.office
        with dialogs.guard(self) as done:
            exam = exams.get_exam(self.ctx.db, exam_id, office=office)
            ranking = results.ranking(self.ctx.db, exam_id, office=office)
            buckets = results.distribution(self.ctx.db, exam_id, office=office)
            stats = results.section_stats(self.ctx.db, exam_id, office=office)
            rows = results.score_list(self.ctx.db, exam_id, office=office)
        if not done.ok:
            return
        self.ranking.set_items(ranking)
        self.sections.set_items(stats)
        self.publish.set_items(rows)
        for v in (self.rank_view, self.section_view, self.publish_view):
            layout_memory.fit_to_contents(v)
        top = max([b.count for b in buckets] + [1])
        self.chart.set_data([(b.label, [b.count]) for b in buckets], [self.tr("人数")], top=top,
                            empty_text=self.tr("尚无成绩"))
        avg = sum(r.score for r in ranking) / len(ranking) if ranking else None
        passed = sum(r.passed for r in ranking)
        self.summary.setText(self.tr("满分%1 · 及格%2 · 实考%3人 · 平均%4 · 及格%5人").replace("%1", f"{exam.total:g}")
                             .replace("%2", f"{exam.pass_mark:g}").replace("%3", str(len(ranking)))
                             .replace("%4", f"{avg:.1f}" if avg is not None else "—").replace("%5", str(passed)))

    def show_person(self) -> None:
        """The chosen person's results across quarters."""
        pid = self.person_box.currentData()
        if not pid:
            self.history.set_items([])
            return
        with dialogs.guard(self) as done:
            rows = results.person_history(self.ctx.db, pid, office=self.office)
        if done.ok:
            self.history.set_items(rows)
            layout_memory.fit_to_contents(self.history_view)

    def _output(self, how: str) -> None:
        exam_id = self.exam_box.currentData()
        if not exam_id:
            return
        office = self.office
        with dialogs.guard(self) as done:
            exam = exams.get_exam(self.ctx.db, exam_id, office=office)
        if not done.ok:
            return
        if how == "print":
            print_preview(self, self.ctx, "scores", exam.id, exam.year, office=office)
        else:
            export_scores(self, self.ctx, exam.id, exam.year, exam.title, office=office)
