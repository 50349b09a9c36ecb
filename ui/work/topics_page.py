"""调研课题 — the topics page: a list with a detail view, a board by stage, and the actions on a topic."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.org import scope
from desktop_app.org.lookups import office_names
from desktop_app.work import find, topic_review, topic_rules, topics
from desktop_app.work.types import TOPIC_STATUSES, TopicInfo
from ui import dialogs, layout_memory
from ui.enabling import need_selection, set_enabled, set_tip
from ui.page_frame import PageFrame, hint_label, list_and_detail
from ui.signals import Kind, notify
from ui.work.scoped_page import ScopedYearPage
from ui.work.table_models import TopicTableModel
from ui.work.topic_board import TopicBoard
from ui.work.topic_detail import TopicDetail
from ui.work.topic_dialogs import OutcomeDialog, ScoresDialog, TopicDialog, WeightsDialog
from ui.work.widgets import find_box, find_corner, open_attachment, table_view

#: how many topic-rule warnings the band shows (the rest are in its tooltip)
RULE_LINES_SHOWN = 3


class TopicsPage(ScopedYearPage):
    """调研课题: 立项, 阶段推进, 调研报告, 成果 and 评价 of the year's topics."""

    RELOAD_KINDS = (Kind.TOPIC, Kind.VISIT, Kind.PERSON, Kind.SECTION, Kind.CAMPAIGN, Kind.ALL)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.items: list[TopicInfo] = []
        self.due_colours: dict[str, str] = {}
        self.find = find_box(self.tr("查找：课题名称、科室、领导…"), self._show_items)
        frame = PageFrame(self, self.tr("调研课题"), corner=find_corner(self.find, self.scope_box))
        self.subtitle = frame.subtitle
        self.year.valueChanged.connect(self.refresh)
        self._build_bar(frame.toolbar_row())
        # Ctrl+F is the window's (视图 › 查找): it calls focus_search() on the page in front
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_list(), self.tr("课题列表"))
        self.tabs.addTab(self._build_board(), self.tr("阶段看板"))
        frame.body.addWidget(self.tabs)
        self.empty_hint = hint_label()
        frame.body.addWidget(self.empty_hint)
        self.rules = self._build_rules_band()
        frame.body.addWidget(self.rules)
        self.follow_changes()

    def _build_bar(self, bar: QHBoxLayout) -> None:
        """The year and the twelve actions on a topic."""
        bar.addWidget(self.year)
        self.buttons = PageFrame.add_buttons(bar, (
            ("new", self.tr("新建课题"), self.new_topic), ("edit", self.tr("编辑"), self.edit_topic),
            ("forward", self.tr("推进到下一阶段"), lambda: self.move(1)),
            # short labels: all twelve buttons must fit a 1280-wide window unclipped (推进到“调研中” grows)
            ("back", self.tr("退回阶段"), lambda: self.move(-1)),
            ("report", self.tr("上传报告"), self.attach_report),
            ("outcome", self.tr("添加成果"), self.add_outcome), ("score", self.tr("评价打分"), self.score),
            ("weights", self.tr("评价权重"), self.weights), ("remove", self.tr("删除"), self.remove),
            ("print", self.tr("打印…"), self.print_list), ("export", self.tr("导出Excel…"), self.export_list)))
        self.buttons["report"].setToolTip(self.tr("上传调研报告"))

    def _build_list(self) -> QSplitter:
        """课题列表: the table, and the selected topic's detail beside it."""
        self.model = TopicTableModel(self)
        self.table = table_view(self.model)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _i: self.edit_topic())
        # the 单位 column (shown for 全部单位 only) reads first, where a prefecture looks for it
        self.table.horizontalHeader().moveSection(self.model.columnCount() - 1, 0)
        self.detail = TopicDetail()
        self.detail.attachmentRequested.connect(
            lambda sha, name: open_attachment(self, self.ctx.data.attachments, sha, name))
        self.detail.editOutcome.connect(self.edit_outcome)
        self.detail.removeOutcome.connect(self.remove_outcome)
        self.detail.submit_review.clicked.connect(self.submit_review)
        self.detail.review.clicked.connect(self.review_topic)
        return list_and_detail(self.table, self.detail, (3, 2))

    def _build_board(self) -> TopicBoard:
        """阶段看板: the topics as cards by stage."""
        self.board = TopicBoard()
        self.board.topicSelected.connect(self._select)
        self.board.topicActivated.connect(lambda tid: (self._select(tid), self.edit_topic()))
        return self.board

    def _build_rules_band(self) -> QLabel:
        """课题规则 (desktop_app.work.topic_rules): warnings, never refusals."""
        rules = QLabel()
        rules.setObjectName("Warning")
        rules.setWordWrap(True)
        rules.setStyleSheet("QLabel { color: #8a5300; background: #fff4e0; border: 1px solid #f0c36d;"
                            " border-radius: 4px; padding: 6px 10px; }")
        rules.hide()
        return rules

    # ------------------------------------------------------------ loading

    def focus_search(self) -> None:
        """Ctrl+F: to the 查找 box."""
        self.find.setFocus()
        self.find.selectAll()

    def _show_items(self) -> None:
        """The year's topics holding every word typed in 查找, in the list and on the board."""
        shown = [t for t in self.items if find.topic_matches(t, self.find.text())]
        self.model.set_items(shown)
        layout_memory.fit_to_contents(self.table)
        self.board.set_topics(shown)

    def refresh(self) -> None:
        """Reload the year's topics, keeping the selection."""
        if not self.ctx.db.office_code:
            return
        office = self.office
        with dialogs.guard(self) as done:
            self.items = topics.topic_infos(self.ctx.db, self.year.value(), office=office)
            whose = scope.scope_label(self.ctx.db, office) + " · " if office else ""
            names = office_names(self.ctx.db) if office == scope.ALL else {}
            rule_lines = topic_rules.topic_rules(self.ctx.db, self.year.value(), office=office).lines()
            self.due_colours = topic_review.due_colours(self.ctx.db, self.items)
            rule_lines = topic_review.due_counts(self.ctx.db, self.items).lines() + rule_lines
        if not done.ok:
            return
        # at most RULE_LINES_SHOWN lines (a prefecture's every county would push the page taller than the screen);
        # the tooltip holds them all
        shown = rule_lines[:RULE_LINES_SHOWN]
        more = len(rule_lines) - len(shown)
        self.rules.setText("▲ " + "\n▲ ".join(shown) + (self.tr("\n…… 另有 %1 条（鼠标停留在此查看全部）")
                                                        .replace("%1", str(more)) if more > 0 else "")
                           if rule_lines else "")
        self.rules.setToolTip("\n".join(rule_lines) if more > 0 else "")
        self.rules.setVisible(bool(rule_lines))
        self.model.office_names = names
        self.model.due_colours = self.due_colours
        self.table.setColumnHidden(self.model.columnCount() - 1, office != scope.ALL)
        self._show_items()
        stages = {s: sum(1 for t in self.items if t.status == s) for s in TOPIC_STATUSES}
        self.subtitle.setText(whose + self.tr("%1年度共 %2 个课题：").replace("%1", str(self.year.value()))
                              .replace("%2", str(len(self.items))) + "，".join(f"{k} {v}" for k, v in stages.items()))
        self.empty_hint.setText("" if self.items or not self.own()
                                else self.tr("本年度还没有课题。点击“新建课题”为各科室立项（每个科室一般1–2个）。"))
        self._select(self.selected if any(t.id == self.selected for t in self.items) else None)

    def current(self) -> TopicInfo | None:
        """The selected topic."""
        return next((t for t in self.items if t.id == self.selected), None)

    def _row_changed(self, current: object, _prev: object) -> None:
        item = self.model.item(self.table.currentIndex().row())
        if item is not None and item.id != self.selected:
            self._select(item.id)

    def _select(self, topic_id: str | None) -> None:
        self.selected = topic_id
        row = self.model.row_of(lambda t: t.id == topic_id)
        if row >= 0 and self.table.currentIndex().row() != row:
            self.table.selectRow(row)
        self.board.select(topic_id)
        t = self.current()
        outcomes = topics.outcome_infos(self.ctx.db, t.id, office=self.office) if t else []
        self.detail.show_topic(t, outcomes, self.due_colours.get(t.id, "") if t else "")
        own = self.own()
        why = "" if own else self.tr("正在查看其他单位的调研课题：由该单位录入和修改，本单位只能查看、打印和导出。"
                                     "切换到“本单位”后可新建或修改。")
        pick = need_selection(self.tr("个课题"))
        for key in ("edit", "forward", "back", "report", "outcome", "score", "remove"):
            set_enabled(self.buttons[key], why or (None if t is not None else pick))
        set_enabled(self.buttons["new"], why or None)
        if t is not None and own:
            i = TOPIC_STATUSES.index(t.status)
            last = i == len(TOPIC_STATUSES) - 1
            set_enabled(self.buttons["forward"], self.tr("课题已到最后阶段“%1”").replace("%1", t.status) if last else None)
            set_enabled(self.buttons["back"], self.tr("课题还在第一阶段“%1”，没有可退回的阶段").replace("%1", t.status)
                        if i == 0 else None)
            if not last:
                self.buttons["forward"].setText(self.tr("推进到“%1”").replace("%1", TOPIC_STATUSES[i + 1]))
            if i > 0:
                set_tip(self.buttons["back"], self.tr("退回到“%1”").replace("%1", TOPIC_STATUSES[i - 1]))
        self.detail.set_writable(why or None)
        set_tip(self.buttons["report"], self.tr("上传调研报告"))
        if t is not None and own and (locked := topic_review.replace_refusal(t.status, t.report is not None)):
            # 结题: the report is final (退回到“成稿” to replace it)
            set_enabled(self.buttons["report"], locked + self.tr("；如确需更换，请先退回到“成稿”阶段"))
        self._review_buttons(t, why)

    def _review_buttons(self, t: TopicInfo | None, why: str) -> None:
        """报审 and 审阅 enabled when the signed-in person may take them now, else greyed with the reason."""
        steps = ((self.detail.submit_review, self.tr("将调研报告报分管领导审阅")),
                 (self.detail.review, self.tr("分管领导填写审阅意见：审阅通过或退回修改")))
        for (button, tip), step in zip(steps, ("submit", "review"), strict=True):
            if t is None:
                refusal: str | None = self.tr("请先选择一个课题")
            elif why:
                refusal = why
            elif step == "submit":
                refusal = topic_review.submit_refusal(t, self.ctx.actor.rights)
            else:
                with dialogs.guard(self) as done:
                    by = topic_review.submitter(self.ctx.db, t.id) if t.review_state == "submitted" else ""
                refusal = topic_review.review_refusal(t, self.ctx.actor, by) if done.ok else ""
            button.setEnabled(refusal is None)
            button.setToolTip(refusal or tip)

    # ------------------------------------------------------------ actions

    def print_list(self) -> None:
        """Preview the year's 调研课题一览表 (print or save as PDF)."""
        from ui.print.actions import print_list

        print_list(self, self.ctx, "topics", self.year.value(), office=self.office)

    def export_list(self) -> None:
        """Save the year's topics on screen (this office, a county, or all) as .xlsx."""
        from ui.excel.actions import export_list

        export_list(self, self.ctx, "topics", self.year.value(), office=self.office)

    def new_topic(self) -> None:
        """立项: the topic dialog."""
        if not self.own():
            return
        dlg = TopicDialog(self.ctx, self.year.value(), parent=self)
        if dlg.exec() and dlg.saved:
            self.selected = dlg.saved.id
            self.refresh()

    def edit_topic(self) -> None:
        """Edit the selected topic's plan."""
        t = self.current()
        if t is None or not self.own():
            return
        dlg = TopicDialog(self.ctx, t.year, t, parent=self)
        if dlg.exec():
            self.refresh()

    def move(self, step: int) -> None:
        """One stage forward (+1) or back (-1)."""
        t = self.current()
        if t is None or not self.own():
            return
        i = TOPIC_STATUSES.index(t.status) + step
        if not (0 <= i < len(TOPIC_STATUSES)):
            return
        if step < 0 and not dialogs.confirm(self, self.tr("将课题“%1”退回到“%2”阶段？").replace("%1", t.title)
                                            .replace("%2", TOPIC_STATUSES[i])):
            return
        with dialogs.guard(self) as done:
            topics.move_topic(self.ctx.db, self.ctx.actor, t.id, TOPIC_STATUSES[i])
        if done.ok:
            notify(Kind.TOPIC, [t.id])

    def attach_report(self) -> None:
        """Upload the research report file (调研报告)."""
        t = self.current()
        if t is None or not self.own():
            return
        path = dialogs.open_file(self, self.tr("选择调研报告"), self.tr("文档 (*.docx *.doc *.wps *.pdf *.txt);;所有文件 (*)"))
        if not path:
            return
        if topic_review.replace_resets_review(t.review_state) and not dialogs.confirm(
                self, self.tr("课题“%1”的调研报告已经分管领导审阅。更换报告后，审阅状态将改为“待审阅”，"
                              "原审阅意见需重新审阅（原意见保留在审计日志中）。确定更换？").replace("%1", t.title),
                ok=self.tr("更换报告")):
            return
        with dialogs.guard(self) as done:
            topics.attach_report(self.ctx.db, self.ctx.actor, t.id, Path(path), self.ctx.data.attachments)
        if done.ok:
            notify(Kind.TOPIC, [t.id])

    def submit_review(self) -> None:
        """报分管领导审阅: after confirming, the report goes to the 分管领导."""
        t = self.current()
        if t is None or not self.own() or not dialogs.confirm(
                self, self.tr("将课题“%1”的调研报告报分管领导审阅？").replace("%1", t.title), ok=self.tr("报审")):
            return
        with dialogs.guard(self) as done:
            topic_review.submit(self.ctx.db, self.ctx.actor, t.id)
        if done.ok:
            notify(Kind.TOPIC, [t.id])

    def review_topic(self) -> None:
        """审阅意见: the 分管领导's opinion, 审阅通过 or 退回修改."""
        from ui.work.topic_review_dialog import ReviewDialog

        t = self.current()
        if t is not None and self.own():
            ReviewDialog(self.ctx, t, parent=self).exec()

    def add_outcome(self) -> None:
        """Record an outcome of the selected topic."""
        t = self.current()
        if t is not None and self.own() and OutcomeDialog(self.ctx, t.id, parent=self).exec():
            self.refresh()

    def edit_outcome(self, outcome_id: str) -> None:
        """Edit one outcome of the selected topic."""
        t = self.current()
        o = next((x for x in self.detail.outcomes.items if x.id == outcome_id), None)
        if t is not None and o is not None and self.own() and OutcomeDialog(self.ctx, t.id, o, parent=self).exec():
            self.refresh()

    def remove_outcome(self, outcome_id: str) -> None:
        """Withdraw one outcome after asking."""
        o = next((x for x in self.detail.outcomes.items if x.id == outcome_id), None)
        if o is None or not self.own() or not dialogs.confirm(self, self.tr("删除成果“%1”？").replace("%1", o.title), danger=True,
                                            ok=self.tr("删除")):
            return
        with dialogs.guard(self) as done:
            topics.remove_outcome(self.ctx.db, self.ctx.actor, o.id)
        if done.ok:
            notify(Kind.TOPIC, [o.topic_id or ""])

    def score(self) -> None:
        """Record the evaluation scores of the selected topic."""
        t = self.current()
        if t is not None and self.own() and ScoresDialog(self.ctx, t, parent=self).exec():
            self.refresh()

    def weights(self) -> None:
        """Change the evaluation weights."""
        if WeightsDialog(self.ctx, parent=self).exec():
            self.refresh()

    def remove(self) -> None:
        """Withdraw the selected topic."""
        t = self.current()
        if t is None or not self.own() or not dialogs.confirm(self, self.tr("删除课题“%1”？").replace("%1", t.title), danger=True,
                                            ok=self.tr("删除")):
            return
        with dialogs.guard(self) as done:
            topics.remove_topic(self.ctx.db, self.ctx.actor, t.id)
        if done.ok:
            self.selected = None
            notify(Kind.TOPIC, [t.id])
