"""新建/编辑会议研讨 — the meeting form: kind, date, section (or 全办), host, theme, speakers, minutes, files and
the attendance list (出席 / 缺席 with the reason / 未参加) of the office's people."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.campaign import meetings
from desktop_app.campaign.meetings import MEETING_KINDS, AttendeeInput, MeetingInfo, MeetingInput
from desktop_app.core.context import AppContext
from desktop_app.core.errors import FieldDeskError
from desktop_app.org.organisation import list_people, list_sections
from ui import dialogs
from ui.attachment_picker import AttachmentPicker
from ui.form_dialog import FormDialog
from ui.signals import notify
from ui.work.widgets import ErrorLabel, date_edit, from_qdate, people_combo, select_data

#: the change-bus kind after a meeting is written
MEETING_KIND = "meeting"
#: attendance choices of one person: not invited, present, absent
NOT_INVITED, PRESENT, ABSENT = "", "present", "absent"


class AttendanceTable(QTableWidget):
    """One row per person of the office: 出席 / 缺席 / — and, for the absent, the reason."""

    def __init__(self, people: list, parent: QWidget | None = None) -> None:
        super().__init__(len(people), 3, parent)
        self.people = people
        self.setHorizontalHeaderLabels([self.tr("姓名（科室）"), self.tr("参会情况"), self.tr("缺席原因")])
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(1, 96)
        self.combos: list[QComboBox] = []
        for row, p in enumerate(people):
            name = QTableWidgetItem(f"{p.name}（{p.section_name}）")
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.setItem(row, 0, name)
            combo = QComboBox()
            combo.setObjectName(f"attendance-{row}")
            for label, code in ((self.tr("未参加"), NOT_INVITED), (self.tr("出席"), PRESENT),
                                (self.tr("缺席"), ABSENT)):
                combo.addItem(label, code)
            combo.currentIndexChanged.connect(lambda _i, r=row: self._state_changed(r))
            self.setCellWidget(row, 1, combo)
            self.combos.append(combo)
            self.setItem(row, 2, QTableWidgetItem(""))
            self._state_changed(row)
        self.setMinimumHeight(200)

    def _state_changed(self, row: int) -> None:
        reason = self.item(row, 2)
        if reason is None:
            return
        absent = self.combos[row].currentData() == ABSENT
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        reason.setFlags(flags | Qt.ItemFlag.ItemIsEditable if absent else flags)
        if not absent and reason.text():
            reason.setText("")

    def set_state(self, person_id: str, state: str, reason: str = "") -> None:
        """Mark one person (``state`` NOT_INVITED, PRESENT or ABSENT)."""
        for row, p in enumerate(self.people):
            if p.id == person_id:
                select_data(self.combos[row], state)
                item = self.item(row, 2)
                if item is not None:
                    item.setText(reason if state == ABSENT else "")

    def invite(self, section_id: str | None) -> None:
        """Everyone of ``section_id`` (None: the whole office) present, the others not invited."""
        for row, p in enumerate(self.people):
            select_data(self.combos[row], PRESENT if section_id is None or p.section_id == section_id else NOT_INVITED)

    def attendees(self) -> list[AttendeeInput]:
        """The invited, as the service's input."""
        out = []
        for row, p in enumerate(self.people):
            state = self.combos[row].currentData()
            if state:
                item = self.item(row, 2)
                out.append(AttendeeInput(p.id, state == PRESENT, item.text().strip() if item is not None else ""))
        return out


class MeetingDialog(FormDialog):
    """Create (``meeting`` None) or edit a meeting. After a successful save ``self.saved`` holds it."""

    def __init__(self, ctx: AppContext, meeting: MeetingInfo | None = None, year: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.meeting = ctx, meeting
        self.saved: MeetingInfo | None = None
        self.year = meeting.year if meeting else (year or dt.date.today().year)
        self.setWindowTitle(self.tr("编辑会议研讨") if meeting else self.tr("新建会议研讨"))
        self.resize(620, 760)
        self.people = list_people(ctx.db, self.year, include_inactive=meeting is not None)
        if meeting:  # the invited first, so a clerk checking the attendance reads them together
            invited = {a.person_id for a in meeting.attendees}
            self.people.sort(key=lambda p: p.id not in invited)
        self._build_fields()
        self._build_attendance()
        self.attachments = AttachmentPicker([a.name for a in meeting.attachments] if meeting else [])
        self.files_label = self.attachments.label
        if meeting:
            select_data(self.kind, meeting.kind)
            select_data(self.section, meeting.section_id)
            select_data(self.host, meeting.host_id)
            for a in meeting.attendees:
                self.attendance.set_state(a.person_id, PRESENT if a.present else ABSENT, a.absence_reason)
        else:
            self.attendance.invite(None)
            # a new meeting's list follows its section until the clerk changes someone by hand
            self.section.currentIndexChanged.connect(lambda _i: self.attendance.invite(self.section.currentData()))
        self.error = ErrorLabel()
        self.buttons = dialogs.ok_cancel(self, self.tr("保存"), self.save, first=QDialogButtonBox.StandardButton.Save)
        lay = QVBoxLayout(self)
        lay.addLayout(self._build_form())
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def _build_fields(self) -> None:
        """Kind, date, section (or 全办), theme, place, host, speakers and the minutes."""
        meeting = self.meeting
        today = dt.date.today()
        day = meeting.date if meeting else (today if today.year == self.year else dt.date(self.year, 1, 1))
        self.kind = QComboBox()
        for k in MEETING_KINDS:
            self.kind.addItem(k, k)
        self.date = date_edit(day)
        self.section = QComboBox()
        self.section.addItem(self.tr("全办"), None)
        for sec in list_sections(self.ctx.db):
            self.section.addItem(sec.name, sec.id)
        self.theme = QLineEdit(meeting.theme if meeting else "")
        self.theme.setPlaceholderText(self.tr("例如 学习贯彻调查研究工作方案"))
        self.place = QLineEdit(meeting.place if meeting else "")
        self.place.setPlaceholderText(self.tr("例如 三楼会议室"))
        self.host = people_combo(self.people, self.tr("（未指定）"))
        self.speakers = QLineEdit(meeting.speakers if meeting else "")
        self.speakers.setPlaceholderText(self.tr("主讲人、领学人或专家，如 张三（州委党校）"))
        self.minutes = QPlainTextEdit(meeting.minutes if meeting else "")
        self.minutes.setTabChangesFocus(True)
        self.minutes.setMaximumHeight(110)

    def _build_attendance(self) -> None:
        """参会人员: everyone's 出席/缺席/未参加, and a button to tick the section (or 全办) again."""
        self.attendance = AttendanceTable(self.people)
        self.everyone = QPushButton(self.tr("按科室/全办重新勾选"))
        self.everyone.setToolTip(self.tr("所选科室的人员（全办则为全体人员）设为出席，其他人设为未参加"))
        self.everyone.clicked.connect(lambda: self.attendance.invite(self.section.currentData()))

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow(self.tr("会议类型"), self.kind)
        form.addRow(self.tr("会议日期"), self.date)
        form.addRow(self.tr("科室"), self.section)
        form.addRow(self.tr("会议主题"), self.theme)
        form.addRow(self.tr("地点"), self.place)
        form.addRow(self.tr("主持人"), self.host)
        form.addRow(self.tr("主讲人"), self.speakers)
        who = QVBoxLayout()
        who.addWidget(self.attendance)
        who.addWidget(self.everyone, 0, Qt.AlignmentFlag.AlignLeft)
        form.addRow(self.tr("参会人员"), who)
        form.addRow(self.tr("会议纪要"), self.minutes)
        form.addRow(self.tr("附件"), self.attachments)
        return form

    def pick_files(self) -> None:
        """Choose files (minutes, photos, sign-in sheets) to attach when saving."""
        self.attachments.pick()

    def data(self) -> MeetingInput:
        """What the form says, as the service's input."""
        return MeetingInput(
            year=self.year, kind=self.kind.currentData() or "", date=from_qdate(self.date.date()),
            theme=self.theme.text().strip(), section_id=self.section.currentData(), place=self.place.text().strip(),
            host_id=self.host.currentData(), speakers=self.speakers.text().strip(),
            minutes=self.minutes.toPlainText().strip(), attendees=self.attendance.attendees())

    def save(self) -> None:
        """Save through the service; a refusal stays in the dialog, naming the field."""
        data = self.data()
        files = list(self.attachments.files)
        self.error.show_text("")
        try:
            if self.meeting:
                self.saved = meetings.update_meeting(self.ctx.db, self.ctx.actor, self.meeting.id, data, files,
                                                     self.ctx.data.attachments)
            else:
                self.saved = meetings.create_meeting(self.ctx.db, self.ctx.actor, data, files,
                                                     self.ctx.data.attachments)
        except FieldDeskError as exc:
            self.error.show_text(dialogs.error_text(exc))
            return
        except Exception as exc:  # a bug: shown with details, the dialog stays open
            dialogs.show_error(self, exc)
            return
        notify(MEETING_KIND, [self.saved.id])
        self.accept()
