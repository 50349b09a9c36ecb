"""课题详情 — one topic's plan, report, scores and outcomes (read-only view; actions live on the page)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.work.types import OutcomeInfo, TopicInfo
from ui import dialogs
from ui.work.table_models import STAGE_COLOURS, OutcomeTableModel, fmt
from ui.work.widgets import table_view


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
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.summary.linkActivated.connect(self._link)
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
        lay.addLayout(head)
        lay.addWidget(self.outcome_table, 1)
        self.show_topic(None, [])

    def show_topic(self, topic: TopicInfo | None, outcomes: list[OutcomeInfo]) -> None:
        """Show a topic (None: a hint to select one)."""
        self.topic = topic
        self.outcomes.set_items(outcomes)
        self.outcome_table.resizeColumnsToContents()
        if topic is None:
            self.summary.setText(f"<p style='color:#5b6b7c'>{escape(self.tr('在左侧选择一个课题查看详情'))}</p>")
            return
        rows = [
            (self.tr("牵头科室"), topic.section_name), (self.tr("类别"), topic.kind),
            (self.tr("领题领导"), topic.lead_name or "—"), (self.tr("课题组成员"), fmt(topic.member_names) or "—"),
            (self.tr("调研方式"), fmt(topic.methods) or "—"),
            (self.tr("计划安排"), "<br>".join(escape(s) for s in topic.stages) or "—"),
            (self.tr("报告时限"), fmt(topic.report_due) or "—"),
            (self.tr("调研报告"), f"<a href='att:{topic.report.sha256}'>{escape(topic.report.name)}</a>"
             if topic.report else self._no_report(outcomes)),
            (self.tr("调研次数"), str(topic.visits)),
            (self.tr("课题评价"), self._scores(topic)),
        ]
        body = "".join(f"<tr><td style='color:#5b6b7c;padding:2px 10px 2px 0;white-space:nowrap'>{escape(k)}</td>"
                       f"<td style='padding:2px 0'>{v if k in (self.tr('计划安排'), self.tr('调研报告')) else escape(v)}"
                       f"</td></tr>" for k, v in rows)
        colour = STAGE_COLOURS.get(topic.status, "#33414f")
        self.summary.setText(
            f"<p style='font-size:13pt;font-weight:bold;margin:0'>{escape(topic.title)}</p>"
            f"<p style='margin:4px 0 8px 0'><span style='color:#ffffff;background:{colour};'>&nbsp;{escape(topic.status)}"
            f"&nbsp;</span>&nbsp;{escape(str(topic.year))}{escape(self.tr('年度'))}</p><table>{body}</table>")

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
