"""评先 tab: propose the half-year's 3 先进科室 and 5 工作能手, show the basis, adjust, confirm, keep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import current_year
from desktop_app.quiz import awards
from desktop_app.quiz.types import AwardInfo, AwardProposal, AwardWeights, Candidate
from ui import dialogs, layout_memory
from ui.enabling import set_enabled
from ui.quiz.bank_tab import make_table, primary
from ui.quiz.models import Column, ItemsModel, fmt
from ui.signals import Kind, bus, notify

_Index = QModelIndex | QPersistentModelIndex


class CandidateModel(QAbstractTableModel):
    """Candidates with a 入选 check box the office can change before confirming."""

    def __init__(self, limit: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.items: list[Candidate] = []
        self.chosen: list[str] = []
        self.headers = ["入选", "名次", "名称", "综合得分", "业务测试", "台账销号率", "基层天数", "科室评价"]

    def set_items(self, items: list[Candidate]) -> None:
        """New candidates; the proposed ones start ticked."""
        self.beginResetModel()
        self.items = list(items)
        self.chosen = [c.target_id for c in items if c.proposed]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.items)):
            return None
        c, col = self.items[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return Qt.CheckState.Checked if c.target_id in self.chosen else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return "建议" if c.proposed else ""
            if col == 1:
                return c.rank
            if col == 2:
                return c.name
            if col == 3:
                return fmt(c.score)
            comp = c.components[col - 4]
            return (fmt(comp.value) if comp.value is not None else "—") + (f"（{comp.detail}）" if comp.detail else "")
        if role == Qt.ItemDataRole.ToolTipRole and col >= 4:
            comp = c.components[col - 4]
            return f"{comp.name}：权重{comp.weight:g}；{comp.detail}"
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        tid = self.items[index.row()].target_id
        on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        if on and tid not in self.chosen:
            self.chosen.append(tid)
        elif not on and tid in self.chosen:
            self.chosen.remove(tid)
        self.dataChanged.emit(index, index)
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def chosen_in_rank_order(self) -> list[str]:
        """Ticked candidates, best first."""
        order = {c.target_id: i for i, c in enumerate(self.items)}
        return sorted(self.chosen, key=lambda t: order.get(t, 0))


class AwardsTab(QWidget):
    """评先评优."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.proposal: AwardProposal | None = None
        self.period = QComboBox()
        year = current_year(ctx.db)
        for y in (year, year - 1):
            for h in (2, 1):
                p = f"{y}H{h}"
                self.period.addItem(awards.period_label(p), p)
        self.period.setCurrentIndex(self.period.findData(f"{year}H{1 if dt.date.today().month <= 6 else 2}"))
        w = awards.get_weights(ctx.db)
        self.w_quiz, self.w_ledger, self.w_days = QDoubleSpinBox(), QDoubleSpinBox(), QDoubleSpinBox()
        self.w_eval = QDoubleSpinBox()  # 科室评价: counts for 先进科室 only
        for spin, value in ((self.w_quiz, w.quiz), (self.w_ledger, w.ledger), (self.w_days, w.days),
                            (self.w_eval, w.evaluation)):
            spin.setRange(0, 1)
            spin.setSingleStep(0.05)
            spin.setValue(value)
        self.save_w = QPushButton(self.tr("保存权重"))
        self.save_w.clicked.connect(self.save_weights)
        self.propose_btn = primary(self.tr("生成建议名单"))
        self.propose_btn.clicked.connect(self.propose)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("评选期间")))
        top.addWidget(self.period)
        for label, spin in ((self.tr("权重：业务测试"), self.w_quiz), (self.tr("台账销号率"), self.w_ledger),
                            (self.tr("基层天数"), self.w_days), (self.tr("科室评价"), self.w_eval)):
            top.addWidget(QLabel(label))
            top.addWidget(spin)
        top.addWidget(self.save_w)
        top.addStretch(1)
        top.addWidget(self.propose_btn)
        self.availability = QLabel()
        self.availability.setObjectName("Hint")
        self.availability.setWordWrap(True)
        # until a proposal is made the two tables are empty: say what fills them
        self.availability.setText(self.tr("选好评选期间和权重后点击“生成建议名单”：按业务测试、台账销号率、基层天数"
                                          "综合排名，列出先进科室和工作能手的建议名单；可勾选调整，写明理由后确认。"))
        self.sections = CandidateModel(awards.SECTION_AWARDS, self)
        self.people = CandidateModel(awards.PERSON_AWARDS, self)
        self.section_view = make_table(self.sections, self)
        self.people_view = make_table(self.people, self)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("调整说明（如与建议名单不同，请写明理由）"))
        self.confirm_btn = primary(self.tr("确认评选结果"))
        self.confirm_btn.clicked.connect(self.confirm)
        set_enabled(self.confirm_btn, self.tr("请先点“生成建议名单”，核对后再确认"))
        self.kept: ItemsModel[AwardInfo] = ItemsModel([
            Column(self.tr("期间"), lambda a: awards.period_label(a.period)), Column(self.tr("类别"), lambda a: a.kind),
            Column(self.tr("名次"), lambda a: a.rank, True), Column(self.tr("名称"), lambda a: a.name),
            Column(self.tr("综合得分"), lambda a: a.basis.get("score"), True),
            Column(self.tr("是否调整"), lambda a: "调整" if a.basis.get("adjusted") else ""),
            Column(self.tr("说明"), lambda a: a.basis.get("note", ""))], self)
        self.kept_view = make_table(self.kept, self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(top)
        lay.addWidget(self.availability)
        for title, view in ((self.tr("先进科室（3个）"), self.section_view), (self.tr("工作能手（5名）"), self.people_view),
                            (self.tr("评选记录"), self.kept_view)):
            g = QGroupBox(title)
            v = QVBoxLayout(g)
            v.addWidget(view)
            lay.addWidget(g, 1)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.confirm_btn)
        lay.insertLayout(4, row)
        bus().changed.connect(self._on_changed)
        self.refresh_kept()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.QUIZ):
            self.refresh_kept()

    def weights(self) -> AwardWeights:
        """The weights on screen."""
        return AwardWeights(self.w_quiz.value(), self.w_ledger.value(), self.w_days.value(), self.w_eval.value())

    def save_weights(self) -> None:
        """Keep the weights as the office's rule."""
        with dialogs.guard(self) as done:
            awards.set_weights(self.ctx.db, self.ctx.actor, self.weights())
        if done.ok:
            dialogs.info(self, self.tr("评选权重已保存"))

    def propose(self) -> None:
        """Compute the proposal with the weights on screen."""
        with dialogs.guard(self) as done:
            prop = awards.propose(self.ctx.db, self.period.currentData(), self.weights())
        if not done.ok:
            return
        self.proposal = prop
        self.sections.set_items(list(prop.sections))
        self.people.set_items(list(prop.people))
        for v in (self.section_view, self.people_view):
            layout_memory.fit_to_contents(v)
        parts = []
        for key, name in awards.NAMES.items():
            w = getattr(prop.weights, key)
            parts.append(f"{name} 权重{w:g}" + ("" if prop.available[key] else self.tr("（不可用：该功能尚未提供或本期无数据，不计入）")))
        exams_text = "、".join(prop.exams) if prop.exams else self.tr("本期没有考试")
        self.availability.setText("；".join(parts) + "。" + self.tr("计入的考试：") + exams_text)
        set_enabled(self.confirm_btn, None)

    def confirm(self) -> None:
        """Keep the ticked names as the period's awards."""
        if self.proposal is None:
            return
        secs, people = self.sections.chosen_in_rank_order(), self.people.chosen_in_rank_order()
        if not dialogs.confirm(self, self.tr("确认%1评选结果：先进科室%2个，工作能手%3名？")
                               .replace("%1", awards.period_label(self.proposal.period))
                               .replace("%2", str(len(secs))).replace("%3", str(len(people)))):
            return
        with dialogs.guard(self) as done:
            awards.confirm_awards(self.ctx.db, self.ctx.actor, self.proposal, secs, people, self.note.text().strip())
        if done.ok:
            notify(Kind.QUIZ)

    def refresh_kept(self) -> None:
        """Reload the kept records."""
        with dialogs.guard(self) as done:
            kept = awards.list_awards(self.ctx.db)
        if done.ok:
            self.kept.set_items(kept)
            layout_memory.fit_to_contents(self.kept_view)
