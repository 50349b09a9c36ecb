"""添加/编辑成果 — one outcome of the 成果转化运用清单: kind, title, source, section, published where and when."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QSpinBox, QWidget

from desktop_app.campaign import outcomes
from desktop_app.campaign.outcomes import OUTCOME_KINDS, OUTCOME_SOURCES, OutcomeFields, OutcomeRow
from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_sections
from ui.signals import Kind, notify
from ui.work.topic_dialogs import _FormDialog  # the app's form with an inline error line and 保存/取消
from ui.work.widgets import date_edit, from_qdate, select_data


def _dated(value: dt.date | None) -> tuple[QCheckBox, QDateEdit, QHBoxLayout]:
    box = QCheckBox()
    edit = date_edit(value or dt.date.today())
    box.setChecked(value is not None)
    edit.setEnabled(value is not None)
    box.toggled.connect(edit.setEnabled)
    row = QHBoxLayout()
    row.addWidget(box)
    row.addWidget(edit, 1)
    return box, edit, row


class OutcomeDialog(_FormDialog):
    """Record (``row`` None) or edit one outcome. After saving, ``self.saved`` is the row."""

    def __init__(self, ctx: AppContext, year: int, row: OutcomeRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑成果") if row else self.tr("添加成果"), parent)
        self.ctx, self.row = ctx, row
        self.saved: OutcomeRow | None = None
        self.kind = QComboBox()
        for k in OUTCOME_KINDS:
            self.kind.addItem(k, k)
        self.title = QLineEdit(row.title if row else "")
        self.title.setObjectName("title")
        self.title.setPlaceholderText(self.tr("例如 关于建立防返贫监测月度研判机制的通知"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(row.year if row and row.year else year)
        self.source_kind = QComboBox()
        for key in ("", "topic", "issue", "meeting"):
            self.source_kind.addItem(self.tr(OUTCOME_SOURCES[key]) if key else self.tr("无（其他）"), key)
        self.source = QComboBox()
        self.source.setMinimumWidth(360)
        self.choices = outcomes.source_choices(ctx.db, self.year.value())
        self.source_kind.currentIndexChanged.connect(self._fill_sources)
        self.section = QComboBox()
        self.section.addItem(self.tr("（随来源）"), None)
        for sec in list_sections(ctx.db):
            self.section.addItem(sec.name, sec.id)
        self.doc_no = QLineEdit(row.doc_no if row else "")
        self.doc_no.setPlaceholderText(self.tr("例如 景组通〔2026〕12号"))
        self.has_date, self.date, date_row = _dated(row.date if row else None)
        self.adopted_by = QLineEdit(row.adopted_by if row else "")
        self.adopted_by.setPlaceholderText(self.tr("例如 县委办公室"))
        self.published_in = QComboBox()
        self.published_in.setEditable(True)
        self.published_in.addItem("")
        self.published_in.addItems(list(outcomes.COMMON_PUBLICATIONS))
        self.published_in.setCurrentText(row.published_in if row else "")
        self.has_pub_date, self.pub_date, pub_row = _dated(row.published_on if row else None)
        if row:
            select_data(self.kind, row.kind)
            select_data(self.source_kind, row.source)
            self._fill_sources()
            select_data(self.source, row.source_id)
            select_data(self.section, row.section_id)
        else:
            self._fill_sources()
        for label, w in ((self.tr("成果类型"), self.kind), (self.tr("成果名称"), self.title),
                         (self.tr("年度"), self.year), (self.tr("来源"), self.source_kind), ("", self.source),
                         (self.tr("科室"), self.section), (self.tr("文号"), self.doc_no)):
            self.form.addRow(label, w)
        self.form.addRow(self.tr("日期"), date_row)
        self.form.addRow(self.tr("采纳单位"), self.adopted_by)
        self.form.addRow(self.tr("刊发载体"), self.published_in)
        self.form.addRow(self.tr("刊发日期"), pub_row)
        self.resize(560, self.sizeHint().height())

    def _fill_sources(self) -> None:
        key = self.source_kind.currentData()
        self.source.clear()
        for sid, label in self.choices.get(key or "", []):
            self.source.addItem(label, sid)
        self.source.setEnabled(bool(key))

    def fields(self) -> OutcomeFields:
        """What the form says."""
        key, sid = self.source_kind.currentData(), self.source.currentData()
        return OutcomeFields(
            kind=self.kind.currentData(), title=self.title.text().strip(), year=self.year.value(),
            section_id=self.section.currentData(), doc_no=self.doc_no.text().strip(),
            date=from_qdate(self.date.date()) if self.has_date.isChecked() else None,
            adopted_by=self.adopted_by.text().strip(),
            topic_id=sid if key == "topic" else None, issue_id=sid if key == "issue" else None,
            meeting_id=sid if key == "meeting" else None, published_in=self.published_in.currentText().strip(),
            published_on=from_qdate(self.pub_date.date())
            if self.has_pub_date.isChecked() else None)

    def _save(self) -> None:
        if self.source_kind.currentData() and not self.source.currentData():
            from desktop_app.core.errors import ValidationError

            raise ValidationError("请选择具体的来源", "或把来源改为 无（其他）", field="source")
        if self.row:
            self.saved = outcomes.update_outcome(self.ctx.db, self.ctx.actor, self.row.id, self.fields())
        else:
            self.saved = outcomes.add_outcome(self.ctx.db, self.ctx.actor, self.fields())
        notify(Kind.TOPIC, [self.saved.id])  # a topic's outcome count may have changed
