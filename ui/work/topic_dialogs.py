"""Topic dialogs: 立项/编辑课题, 调研成果, 课题评价 scores and the evaluation weights."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.core.errors import FieldDeskError
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import topic_rules, topics
from desktop_app.work.types import (
    OUTCOME_KINDS,
    TOPIC_KINDS,
    TOPIC_METHODS,
    EvaluationWeights,
    OutcomeInfo,
    OutcomeInput,
    TopicInfo,
    TopicInput,
)
from ui import dialogs
from ui.form_dialog import FormDialog
from ui.signals import Kind, notify
from ui.work.widgets import CheckList, ErrorLabel, date_edit, from_qdate, people_entries, select_data


class _FormDialog(FormDialog):
    """A form with an inline error line and 保存/取消; subclasses implement ``_save`` (raise to stay open)."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = ErrorLabel()
        self.buttons = dialogs.ok_cancel(self, self.tr("保存"), self.save, first=QDialogButtonBox.StandardButton.Save)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def save(self) -> None:
        """Run ``_save``; a known error stays in the dialog, a bug goes to the bug dialog."""
        self.error.show_text("")
        try:
            self._save()
        except FieldDeskError as exc:
            self.error.show_text(dialogs.error_text(exc))
            return
        except Exception as exc:  # a bug: shown with details, the dialog stays open
            dialogs.show_error(self, exc)
            return
        self.accept()

    def _save(self) -> None:
        raise NotImplementedError


class TopicDialog(_FormDialog):
    """立项 (``topic`` None) or edit a topic's plan. After saving, ``self.saved`` is the topic."""

    def __init__(self, ctx: AppContext, year: int, topic: TopicInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑调研课题") if topic else self.tr("新建调研课题（立项）"), parent)
        self.ctx, self.topic = ctx, topic
        self.saved: TopicInfo | None = None
        self.rule_warnings: list[str] = []
        self.resize(560, 620)
        year = topic.year if topic else year
        # editing keeps people who have since left selectable, so the record saves as it was
        people = list_people(ctx.db, year, include_inactive=topic is not None)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.section = QComboBox()
        self.section.addItem(self.tr("（请选择牵头科室）"), None)
        for s in list_sections(ctx.db):
            self.section.addItem(s.name, s.id)
        self.title = QLineEdit(topic.title if topic else "")
        self.title.setPlaceholderText(self.tr("例如 防返贫监测机制运行情况调研"))
        self.kind = QComboBox()
        for k in TOPIC_KINDS:
            self.kind.addItem(k, k)
        self.lead = QComboBox()
        self.lead.addItem(self.tr("（未指定）"), None)
        for p in sorted(people, key=lambda p: not p.is_leader):
            self.lead.addItem(f"{p.name}（{p.post or p.section_name}）", p.id)
        self.members = CheckList()
        self.members.set_entries(people_entries(people), topic.member_ids if topic else ())
        self.methods = CheckList()
        known = list(TOPIC_METHODS) + [m for m in (topic.methods if topic else ()) if m not in TOPIC_METHODS]
        self.methods.set_entries([(m, m) for m in known], topic.methods if topic else ())
        self.stages = QPlainTextEdit("\n".join(topic.stages) if topic else "")
        self.stages.setPlaceholderText(self.tr("每行一个阶段，例如：\n3月：制定方案、开展调研\n5月底前：形成调研报告"))
        self.stages.setMaximumHeight(90)
        self.stages.setTabChangesFocus(True)  # Tab moves on, as in the other fields
        self.has_due = QCheckBox(self.tr("设定报告提交时限"))
        self.due = date_edit(topic.report_due if topic and topic.report_due else dt.date(year, 5, 31))
        self.has_due.setChecked(bool(topic and topic.report_due))
        self.due.setEnabled(self.has_due.isChecked())
        self.has_due.toggled.connect(self.due.setEnabled)
        if topic:
            select_data(self.section, topic.section_id)
            select_data(self.kind, topic.kind)
            select_data(self.lead, topic.lead_id)
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due, 1)
        for label, w in ((self.tr("年度"), self.year), (self.tr("牵头科室"), self.section),
                         (self.tr("课题名称"), self.title), (self.tr("课题类别"), self.kind),
                         (self.tr("领题领导"), self.lead), (self.tr("课题组成员"), self.members),
                         (self.tr("调研方式"), self.methods), (self.tr("计划安排"), self.stages)):
            self.form.addRow(label, w)
        self.form.addRow(self.tr("报告时限"), due_row)

    def data(self) -> TopicInput:
        """What the form says."""
        return TopicInput(
            year=self.year.value(), section_id=self.section.currentData(), title=self.title.text().strip(),
            kind=self.kind.currentData(), lead_id=self.lead.currentData(), member_ids=self.members.checked_ids(),
            methods=self.methods.checked_ids(),
            stages=[x.strip() for x in self.stages.toPlainText().splitlines() if x.strip()],
            report_due=from_qdate(self.due.date()) if self.has_due.isChecked() else None)

    def _save(self) -> None:
        if self.topic:
            self.saved = topics.update_topic(self.ctx.db, self.ctx.actor, self.topic.id, self.data())
        else:
            self.saved = topics.create_topic(self.ctx.db, self.ctx.actor, self.data())
        notify(Kind.TOPIC, [self.saved.id])
        # the campaign's rules warn, never block: 1–2 重点 per section, 1–2 per leader, no repeated topic
        self.rule_warnings = topic_rules.warnings_for(self.ctx.db, self.saved.year, self.saved.id)
        if self.rule_warnings:
            dialogs.warn(self, self.tr("课题已保存。请注意：\n") + "\n".join("· " + w for w in self.rule_warnings))


class OutcomeDialog(_FormDialog):
    """Record or edit one outcome (实践成果 / 制度成果 / 理论成果) of a topic."""

    def __init__(self, ctx: AppContext, topic_id: str, outcome: OutcomeInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑调研成果") if outcome else self.tr("添加调研成果"), parent)
        self.ctx, self.topic_id, self.outcome = ctx, topic_id, outcome
        self.kind = QComboBox()
        for k in OUTCOME_KINDS:
            self.kind.addItem(k, k)
        self.title = QLineEdit(outcome.title if outcome else "")
        self.title.setPlaceholderText(self.tr("例如 关于建立防返贫监测月度研判机制的通知"))
        self.doc_no = QLineEdit(outcome.doc_no if outcome else "")
        self.doc_no.setPlaceholderText(self.tr("例如 景乡振发〔2026〕12号"))
        self.has_date = QCheckBox(self.tr("填写日期"))
        self.date = date_edit(outcome.date if outcome and outcome.date else dt.date.today())
        self.has_date.setChecked(bool(outcome and outcome.date))
        self.date.setEnabled(self.has_date.isChecked())
        self.has_date.toggled.connect(self.date.setEnabled)
        self.adopted_by = QLineEdit(outcome.adopted_by if outcome else "")
        self.adopted_by.setPlaceholderText(self.tr("例如 县委办公室"))
        if outcome:
            select_data(self.kind, outcome.kind)
        row = QHBoxLayout()
        row.addWidget(self.has_date)
        row.addWidget(self.date, 1)
        self.form.addRow(self.tr("成果类别"), self.kind)
        self.form.addRow(self.tr("成果名称"), self.title)
        self.form.addRow(self.tr("文号"), self.doc_no)
        self.form.addRow(self.tr("日期"), row)
        self.form.addRow(self.tr("采纳单位"), self.adopted_by)

    def data(self) -> OutcomeInput:
        """What the form says."""
        return OutcomeInput(self.kind.currentData(), self.title.text().strip(), self.doc_no.text().strip(),
                            from_qdate(self.date.date()) if self.has_date.isChecked() else None,
                            self.adopted_by.text().strip())

    def _save(self) -> None:
        if self.outcome:
            topics.update_outcome(self.ctx.db, self.ctx.actor, self.outcome.id, self.data())
        else:
            topics.add_outcome(self.ctx.db, self.ctx.actor, self.topic_id, self.data())
        notify(Kind.TOPIC, [self.topic_id])


def _score_box(value: float | None) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(-1, 100)
    box.setDecimals(1)
    box.setSpecialValueText("未评")  # the minimum (-1) means "not scored yet"
    box.setValue(-1 if value is None else value)
    return box


class ScoresDialog(_FormDialog):
    """课题评价: scores from 部领导评, 科室互评 and 党员干部参评, with the weighted composite shown live."""

    def __init__(self, ctx: AppContext, topic: TopicInfo, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("课题评价"), parent)
        self.ctx, self.topic = ctx, topic
        self.weights = topics.evaluation_weights(ctx.db)
        self.leader, self.peer, self.member = (_score_box(topic.score_leader), _score_box(topic.score_peer),
                                               _score_box(topic.score_member))
        self.composite = QLabel()
        self.composite.setObjectName("CardTitle")
        w = self.weights
        self.form.addRow(QLabel(topic.title))
        self.form.addRow(self.tr("部领导评（%1%）").replace("%1", f"{w.leader:g}"), self.leader)
        self.form.addRow(self.tr("科室互评（%1%）").replace("%1", f"{w.peer:g}"), self.peer)
        self.form.addRow(self.tr("党员干部参评（%1%）").replace("%1", f"{w.member:g}"), self.member)
        self.form.addRow(self.tr("综合得分"), self.composite)
        for box in (self.leader, self.peer, self.member):
            box.valueChanged.connect(self._update)
        self._update()

    def scores(self) -> tuple[float | None, float | None, float | None]:
        """The three scores (None = not scored)."""
        def v(b: QDoubleSpinBox) -> float | None:
            return None if b.value() < 0 else round(b.value(), 1)
        return v(self.leader), v(self.peer), v(self.member)

    def _update(self) -> None:
        c = topics.composite_score(*self.scores(), self.weights)
        self.composite.setText("—" if c is None else f"{c:.2f}")

    def _save(self) -> None:
        topics.set_scores(self.ctx.db, self.ctx.actor, self.topic.id, *self.scores())
        notify(Kind.TOPIC, [self.topic.id])


class WeightsDialog(_FormDialog):
    """评价权重: the percentages of the three evaluators (together 100)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("评价权重设置"), parent)
        self.ctx = ctx
        w = topics.evaluation_weights(ctx.db)
        self.boxes = []
        for label, value in ((self.tr("部领导评"), w.leader), (self.tr("科室互评"), w.peer),
                             (self.tr("党员干部参评"), w.member)):
            box = QDoubleSpinBox()
            box.setRange(0, 100)
            box.setDecimals(0)
            box.setSuffix(" %")
            box.setValue(value)
            self.boxes.append(box)
            self.form.addRow(label, box)
        self.form.addRow(QLabel(self.tr("三项合计须为100%；缺评的项目按其余项目的权重折算。")))

    def _save(self) -> None:
        topics.set_evaluation_weights(self.ctx.db, self.ctx.actor,
                                      EvaluationWeights(*(b.value() for b in self.boxes)))
        notify(Kind.TOPIC)
