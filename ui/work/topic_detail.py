"""课题详情 — one topic's plan, report, scores and outcomes (read-only view; actions live on the page)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.work.types import OutcomeInfo, TopicInfo
from ui import dialogs, layout_memory
from ui.enabling import set_enabled
from ui.work.table_models import STAGE_COLOURS, OutcomeTableModel, fmt
from ui.work.widgets import table_view

#: the words and colours of a report deadline's warning (topic_review.due_colour)
DUE_WORDS = {"red": ("逾期", "#a61b1b"), "yellow": ("临期", "#8a5a00")}


class TopicDetail(QWidget):
    """The selected topic: a summary and its outcomes table.

    ``attachmentRequested(sha256, name)`` when the report link is clicked; ``editOutcome(id)`` and
    ``removeOutcome(id)`` from the outcome buttons (the page performs them).
    """

    attachmentRequested = Signal(str, str)
    editOutcome = Signal(str)
    removeOutcome = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.topic: TopicInfo | None = None
        self.read_only: str | None = None  # why the outcomes cannot be changed here (another office's)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.summary.linkActivated.connect(self._link)
        # 报分管领导审阅 → 审阅意见 (desktop_app.work.topic_review); the page enables them and says why not
        self.submit_review = QPushButton(self.tr("报分管领导审阅"))
        self.review = QPushButton(self.tr("审阅…"))
        steps = QHBoxLayout()
        steps.addWidget(self.submit_review)
        steps.addWidget(self.review)
        steps.addStretch(1)
        self.outcomes_title = QLabel(self.tr("调研成果"))
        self.outcomes_title.setObjectName("CardTitle")
        self.outcomes = OutcomeTableModel(self)
        self.outcome_table = table_view(self.outcomes)
        self.outcome_table.doubleClicked.connect(lambda _i: self._outcome(self.editOutcome.emit))
        self.edit_outcome = QPushButton(self.tr("编辑成果"))
        self.edit_outcome.clicked.connect(lambda: self._outcome(self.editOutcome.emit))
        self.remove_outcome = QPushButton(self.tr("删除成果"))
        self.remove_outcome.clicked.connect(lambda: self._outcome(self.removeOutcome.emit))
        head = QHBoxLayout()
        head.addWidget(self.outcomes_title, 1)
        head.addWidget(self.edit_outcome)
        head.addWidget(self.remove_outcome)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 0, 0, 0)
        lay.addWidget(self.summary)
        lay.addLayout(steps)
        lay.addLayout(head)
        lay.addWidget(self.outcome_table, 1)
        self.outcome_table.selectionModel().currentRowChanged.connect(lambda *_: self._outcome_buttons())
        self.show_topic(None, [])

    def set_writable(self, reason: str | None) -> None:
        """None: the outcomes may be edited here; else why not (shown on the greyed buttons)."""
        self.read_only = reason
        self._outcome_buttons()

    def _outcome_buttons(self) -> None:
        if self.read_only:
            reason: str | None = self.read_only
        elif self.topic is None:
            reason = self.tr("请先在左侧选择一个课题，再在“调研成果”中选择一项成果")
        elif self.current_outcome() is None:
            reason = (self.tr("请先在“调研成果”中选择一项成果") if self.outcomes.rowCount()
                      else self.tr("这个课题还没有成果；新的成果用上方的“添加成果”登记"))
        else:
            reason = None
        for b in (self.edit_outcome, self.remove_outcome):
            set_enabled(b, reason)

    def show_topic(self, topic: TopicInfo | None, outcomes: list[OutcomeInfo], due_colour: str = "") -> None:
        """Show a topic (None: a hint to select one); ``due_colour`` marks its report deadline (red/yellow…)."""
        self.topic = topic
        self.outcomes.set_items(outcomes)
        layout_memory.fit_to_contents(self.outcome_table)
        self._outcome_buttons()
        if topic is None:
            self.summary.setText(f"<p style='color:#5b6b7c'>{escape(self.tr('在左侧选择一个课题查看详情'))}</p>")
            return
        rows = [
            (self.tr("牵头科室"), topic.section_name), (self.tr("类别"), topic.kind),
            (self.tr("领题领导"), topic.lead_name or "—"), (self.tr("课题组成员"), fmt(topic.member_names) or "—"),
            (self.tr("调研方式"), fmt(topic.methods) or "—"),
            *([(self.tr("来源会议"), topic.source_meeting)] if topic.source_meeting else []),
            (self.tr("计划安排"), "<br>".join(escape(s) for s in topic.stages) or "—"),
            (self.tr("报告时限"), self._due(topic, due_colour)),
            (self.tr("报审状态"), self._review(topic)),
            (self.tr("审阅意见"), topic.review_opinion or "—"),
            (self.tr("调研报告"), f"<a href='att:{topic.report.sha256}'>{escape(topic.report.name)}</a>"
             if topic.report else self._no_report(outcomes)),
            (self.tr("调研次数"), str(topic.visits)),
            (self.tr("课题评价"), self._scores(topic)),
        ]
        body = "".join(f"<tr><td style='color:#5b6b7c;padding:2px 10px 2px 0;white-space:nowrap'>{escape(k)}</td>"
                       f"<td style='padding:2px 0'>{v if k in self._html_rows() else escape(v)}"
                       f"</td></tr>" for k, v in rows)
        colour = STAGE_COLOURS.get(topic.status, "#33414f")
        self.summary.setText(
            f"<p style='font-size:13pt;font-weight:bold;margin:0'>{escape(topic.title)}</p>"
            f"<p style='margin:4px 0 8px 0'><span style='color:#ffffff;background:{colour};'>&nbsp;{escape(topic.status)}"
            f"&nbsp;</span>&nbsp;{escape(str(topic.year))}{escape(self.tr('年度'))}</p><table>{body}</table>")

    def _html_rows(self) -> tuple[str, ...]:
        return self.tr("计划安排"), self.tr("调研报告"), self.tr("报告时限")

    def _due(self, t: TopicInfo, colour: str) -> str:
        """The due date (rich text), “（默认）” when the topic has no date of its own, red/amber when late or close."""
        text = escape((fmt(t.report_due) or "—") + (self.tr("（默认）") if t.due_is_default else ""))
        word, hue = DUE_WORDS.get(colour, ("", ""))
        return f"{text} <span style='color:{hue};font-weight:bold'>{escape(self.tr(word))}</span>" if word else text

    def _review(self, t: TopicInfo) -> str:
        """未报审 / 待审阅（报审日期） / 已审阅（审阅人，日期） / 退回修改（…）."""
        if t.review_state == "submitted" and t.review_submitted_on:
            return f"{t.review_label}（{t.review_submitted_on:%Y-%m-%d} 报审）"
        if t.review_state in ("reviewed", "returned"):
            on = f"，{t.reviewed_on:%Y-%m-%d}" if t.reviewed_on else ""
            return f"{t.review_label}（{t.reviewer or '—'}{on}）"
        return t.review_label

    def _no_report(self, outcomes: list[OutcomeInfo]) -> str:
        """“未上传” — unless a report is already recorded among the outcomes: then say which, so the two
        lines do not contradict each other."""
        reports = [o.title for o in outcomes if "报告" in (o.title or "")]
        if not reports:
            return escape(self.tr("未上传"))
        return escape(self.tr("未上传报告文件；成果中已登记《%1》").replace("%1", reports[0]))

    def _link(self, href: str) -> None:
        if href.startswith("att:") and self.topic is not None and self.topic.report is not None:
            self.attachmentRequested.emit(href[4:], self.topic.report.name)

    def current_outcome(self) -> OutcomeInfo | None:
        """The outcome selected in the table."""
        return self.outcomes.item(self.outcome_table.currentIndex().row())

    def _outcome(self, emit: Callable[[str], object]) -> None:
        o = self.current_outcome()
        if o is not None:
            emit(o.id)
        elif self.topic is None:  # the buttons did nothing at all here: say what they need
            dialogs.info(self, self.tr("请先在左侧选择一个课题，再在“调研成果”中选择一项成果"))
        else:
            dialogs.info(self, self.tr("请先在“调研成果”中选择一项成果；新的成果用上方的“添加成果”登记"))

    def _scores(self, t: TopicInfo) -> str:
        def s(v: float | None) -> str:
            return "未评" if v is None else fmt(v)
        comp = "—" if t.composite is None else f"{t.composite:.2f}"
        return f"部领导评 {s(t.score_leader)} · 科室互评 {s(t.score_peer)} · 党员干部参评 {s(t.score_member)} · 综合 {comp}"
