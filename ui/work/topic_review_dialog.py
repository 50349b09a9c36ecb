"""审阅意见 — the 分管领导's review of a topic's report: an opinion, then 审阅通过 or 退回修改."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QRadioButton, QWidget

from desktop_app.core.context import AppContext
from desktop_app.work import topic_review
from desktop_app.work.types import TopicInfo
from ui.signals import Kind, notify
from ui.work.topic_dialogs import _FormDialog


class ReviewDialog(_FormDialog):
    """审阅调研报告: the opinion (required) and the verdict; ``save`` records it (errors stay in the dialog)."""

    def __init__(self, ctx: AppContext, topic: TopicInfo, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("审阅调研报告"), parent)
        self.ctx, self.topic = ctx, topic
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("提交审阅意见"))
        title = QLabel(topic.title)
        title.setObjectName("CardTitle")
        title.setWordWrap(True)
        self.form.addRow(title)
        report = topic.report.name if topic.report else self.tr("（未上传报告文件，课题处于“成稿”阶段）")
        self.form.addRow(self.tr("调研报告"), QLabel(report))
        submitted = topic.review_submitted_on.isoformat() if topic.review_submitted_on else "—"
        self.form.addRow(self.tr("报审日期"), QLabel(submitted))
        self.approve = QRadioButton(self.tr("审阅通过（可结题）"))
        self.approve.setChecked(True)
        self.send_back = QRadioButton(self.tr("退回修改"))
        self.form.addRow(self.tr("审阅结论"), self.approve)
        self.form.addRow("", self.send_back)
        self.opinion = QPlainTextEdit()
        self.opinion.setPlaceholderText(self.tr("请填写审阅意见；退回修改时写明修改要求"))
        self.opinion.setMinimumHeight(110)
        self.form.addRow(self.tr("审阅意见"), self.opinion)
        self.resize(480, 360)

    def save_button(self) -> QPushButton:
        """The 提交审阅意见 button (tests press it)."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def _save(self) -> None:
        topic_review.review(self.ctx.db, self.ctx.actor, self.topic.id, self.opinion.toPlainText(),
                            approved=self.approve.isChecked())
        notify(Kind.TOPIC, [self.topic.id])
