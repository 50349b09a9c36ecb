"""新建/编辑调研安排 — the visit dialog, with the 扎堆调研 warning before saving."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.core.errors import FieldDeskError
from desktop_app.org.organisation import list_people
from desktop_app.work import clashes, topics, visits
from desktop_app.work.types import (
    PLACE_TYPES,
    VISIT_METHODS,
    VISIT_STATES,
    ClashInfo,
    VisitInfo,
    VisitInput,
    VisitSaved,
)
from desktop_app.work.visit_state import default_state
from ui import dialogs
from ui.attachment_picker import AttachmentPicker
from ui.form_dialog import FormDialog
from ui.signals import Kind, notify
from ui.work.widgets import CheckList, ErrorLabel, date_edit, from_qdate, people_combo, people_entries, select_data


def clash_text(items: list[ClashInfo] | tuple[ClashInfo, ...], window: int) -> str:
    """The warning listing clashing visits, one a line."""
    lines = [f"其他科室在 ±{window} 天内已安排到同一地点或同一乡镇调研，请注意避免扎堆调研、重复调研，减轻基层负担：", ""]
    for c in items:
        when = c.start_date.isoformat() if c.start_date == c.end_date else f"{c.start_date:%Y-%m-%d}～{c.end_date:%m-%d}"
        gap = "日期重叠" if c.gap_days == 0 else f"相隔{c.gap_days}天"
        lines.append(f"· {c.section_name}　{when}　{c.place}　带队：{c.lead_name or '—'}（{c.reason}，{gap}）")
    lines += ["", "是否仍然保存本次调研安排？"]
    return "\n".join(lines)


class VisitDialog(FormDialog):
    """Create (``visit`` None) or edit a visit. After a successful save ``self.saved`` holds the result."""

    def __init__(self, ctx: AppContext, visit: VisitInfo | None = None, year: int | None = None,
                 start: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.visit = ctx, visit
        self.saved: VisitSaved | None = None
        self.setWindowTitle(self.tr("编辑调研安排") if visit else self.tr("新建调研安排"))
        self.resize(560, 640)
        day = visit.start_date if visit else (start or dt.date.today())
        # editing keeps people who have since left selectable, so the record saves as it was
        self.people = list_people(ctx.db, year or day.year, include_inactive=visit is not None)
        self._build_where(day)
        self._build_who(year or day.year)
        self._build_state(day)
        # picked here, stored with the visit in the same save
        self.attachments = AttachmentPicker([a.name for a in visit.attachments] if visit else [])
        self.files_label, self.add_files = self.attachments.label, self.attachments.button
        if visit:
            select_data(self.place_type, visit.place_type)
            self.method.setCurrentText(visit.method)
            self.unannounced.setChecked(visit.unannounced)
            select_data(self.lead, visit.lead_id)
            self.participants.set_checked(visit.participant_ids)
            select_data(self.topic, visit.topic_id)
        self.error = ErrorLabel()
        self.buttons = dialogs.ok_cancel(self, self.tr("保存"), self.save, first=QDialogButtonBox.StandardButton.Save)
        lay = QVBoxLayout(self)
        lay.addLayout(self._build_form())
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def _build_where(self, day: dt.date) -> None:
        """When and where: the dates, the place, its township and type, the method (四不两直)."""
        visit = self.visit
        self.start = date_edit(day)
        self.end = date_edit(visit.end_date if visit else day)
        self.start.dateChanged.connect(self._start_changed)
        self.place = QLineEdit(visit.place if visit else "")
        self.place.setPlaceholderText(self.tr("例如 勐阿镇纳京村"))
        self.township = QLineEdit(visit.township if visit else "")
        self.township.setPlaceholderText(self.tr("留空则按地点自动识别（如 勐阿镇）"))
        self.place_type = QComboBox()
        self.place_type.addItem(self.tr("（未选择）"), "")
        for t in PLACE_TYPES:
            self.place_type.addItem(t, t)
        self.method = QComboBox()
        self.method.setEditable(True)
        self.method.addItems(list(VISIT_METHODS))
        self.unannounced = QCheckBox(self.tr("四不两直（不发通知、不打招呼、不听汇报、不用陪同，直奔基层、直插现场）"))
        # choosing the 四不两直 method ticks the flag (it can still be ticked for any method)
        self.method.currentTextChanged.connect(
            lambda text: self.unannounced.setChecked(True) if "四不两直" in text else None)

    def _build_who(self, year: int) -> None:
        """Who and why: the lead, the participants, the topic, the purpose and the findings."""
        visit = self.visit
        self.lead = people_combo(self.people, self.tr("（请选择）"))
        self.participants = CheckList()
        self.participants.set_entries(people_entries(self.people))
        self.topic = QComboBox()
        self.topic.addItem(self.tr("（不关联课题）"), None)
        for t in topics.topic_infos(self.ctx.db, year):
            self.topic.addItem(f"{t.title}（{t.section_name}）", t.id)
        self.purpose = QPlainTextEdit(visit.purpose if visit else "")
        self.purpose.setMaximumHeight(70)
        self.findings = QPlainTextEdit(visit.findings if visit else "")
        self.findings.setMaximumHeight(90)
        for edit in (self.purpose, self.findings):  # Tab moves on, as in the other fields
            edit.setTabChangesFocus(True)

    def _build_state(self, day: dt.date) -> None:
        """计划 → 已完成 (the dates above are then the days it took) or 已取消; a new visit already over is done."""
        self.state = QComboBox()
        for code, label in VISIT_STATES.items():
            self.state.addItem(label, code)
        select_data(self.state, self.visit.state if self.visit else default_state(day))
        self._state_chosen = self.visit is not None
        self.state.activated.connect(self._state_picked)
        self.end.dateChanged.connect(self._end_changed)
        self.state.setToolTip(self.tr("只有“已完成”、且在基层（不是机关、外地）的天数计入基层调研天数；"
                                      "已完成的调研请填写实际的起止日期"))

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(self.end)
        form.addRow(self.tr("起止日期"), dates)
        form.addRow(self.tr("状态"), self.state)
        form.addRow(self.tr("调研地点"), self.place)
        form.addRow(self.tr("所属乡镇"), self.township)
        form.addRow(self.tr("地点类型"), self.place_type)
        form.addRow(self.tr("调研方式"), self.method)
        form.addRow("", self.unannounced)
        form.addRow(self.tr("带队人员"), self.lead)
        form.addRow(self.tr("参加人员"), self.participants)
        form.addRow(self.tr("调研课题"), self.topic)
        form.addRow(self.tr("调研目的"), self.purpose)
        form.addRow(self.tr("发现问题"), self.findings)
        form.addRow(self.tr("附件"), self.attachments)
        return form

    def _start_changed(self) -> None:
        # keep the range sensible while typing: a later start drags the end along
        if self.end.date() < self.start.date():
            self.end.setDate(self.start.date())

    def _state_picked(self, *_args: object) -> None:
        self._state_chosen = True

    def _end_changed(self) -> None:
        # until the clerk picks a state, a new visit follows its dates: over → 已完成, to come → 计划
        if not self._state_chosen:
            select_data(self.state, default_state(from_qdate(self.end.date())))

    def pick_files(self) -> None:
        """Choose files (minutes, photos, questionnaires) to attach when saving."""
        self.attachments.pick()

    def data(self) -> VisitInput:
        """What the form says, as the service's input."""
        return VisitInput(
            start_date=from_qdate(self.start.date()), end_date=from_qdate(self.end.date()),
            place=self.place.text().strip(), lead_id=self.lead.currentData(),
            participant_ids=self.participants.checked_ids(), township=self.township.text().strip(),
            place_type=self.place_type.currentData() or "", method=self.method.currentText().strip(),
            unannounced=self.unannounced.isChecked(), topic_id=self.topic.currentData(),
            purpose=self.purpose.toPlainText().strip(), findings=self.findings.toPlainText().strip(),
            state=self.state.currentData() or "")

    def save(self) -> None:
        """Check, warn about clashes, save; errors stay in the dialog."""
        data = self.data()
        self.error.show_text("")
        if data.end_date < data.start_date:
            self.error.show_text(self.tr("结束日期早于开始日期，请改为开始日期当天或之后"))
            return
        files = list(self.attachments.files)
        try:
            lead_section = next((p.section_id for p in self.people if p.id == data.lead_id), None)
            window = clashes.clash_window(self.ctx.db)
            found = clashes.find_clashes(self.ctx.db, data.start_date, data.end_date, data.place,
                                         data.township or visits.township_of(data.place), lead_section,
                                         exclude_id=self.visit.id if self.visit else None, window=window)
            if found and not dialogs.confirm(self, clash_text(found, window), self.tr("扎堆调研提醒"),
                                             self.tr("仍然保存")):
                return
            if self.visit:
                self.saved = visits.update_visit(self.ctx.db, self.ctx.actor, self.visit.id, data, files,
                                                 self.ctx.data.attachments)
            else:
                self.saved = visits.create_visit(self.ctx.db, self.ctx.actor, data, files, self.ctx.data.attachments)
        except FieldDeskError as exc:
            self.error.show_text(dialogs.error_text(exc))
            return
        except Exception as exc:  # a bug: shown with details, the dialog stays open
            dialogs.show_error(self, exc)
            return
        notify(Kind.VISIT, [self.saved.visit.id])
        self.accept()
