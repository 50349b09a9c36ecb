"""设置 › 人员: add, edit and deactivate people (people are never deleted: history refers to them)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.org import organisation
from desktop_app.org.organisation import PersonInfo, PersonInput
from ui import dialogs
from ui.enabling import set_enabled
from ui.rows_model import RowsTableModel, cell_columns
from ui.settings.person_dialog import PersonDialog
from ui.settings.widgets import button, selected_row, table
from ui.signals import Kind, bus, notify


class PeopleTab(QWidget):
    """人员管理."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.people: list[PersonInfo] = []
        self.dialog: PersonDialog | None = None
        self.model = RowsTableModel(cell_columns([self.tr(h) for h in ("姓名", "科室", "职务", "身份", "年度基层调研天数",
                                                                        "联系电话", "状态")], right=(4,)), self)
        self.view = table(self.model, self)
        self.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.show_inactive = QCheckBox(self.tr("显示离岗人员"))
        self.show_inactive.toggled.connect(self.refresh)
        self.add_btn = button(self.tr("添加人员…"), primary=True)
        self.add_btn.clicked.connect(self.open_add)
        self.edit_btn = button(self.tr("编辑…"))
        self.edit_btn.clicked.connect(self.edit_selected)
        self.toggle_btn = button(self.tr("设为离岗"), danger=True)
        self.toggle_btn.clicked.connect(self.toggle_active)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        top = QHBoxLayout()
        top.addWidget(self.show_inactive)
        top.addStretch(1)
        top.addWidget(self.add_btn)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.edit_btn)
        row.addWidget(self.toggle_btn)
        lay.addLayout(row)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.SECTION, Kind.PERSON, Kind.CAMPAIGN):
            self.refresh()

    def refresh(self) -> None:
        """Reload the people."""
        with dialogs.guard(self) as done:
            people = organisation.list_people(self.ctx.db, include_inactive=self.show_inactive.isChecked())
        if not done.ok:
            return
        self.people = people
        self.model.set_keyed([(p.id, (p.name, p.section_name, p.post, self.tr("领导") if p.is_leader else self.tr("工作人员"),
                                     p.effective_quota if p.quota_days is None else self.tr("%1（单独设定）").replace("%1", str(p.quota_days)),
                                     p.phone, self.tr("在岗") if p.active else self.tr("离岗"))) for p in people])
        self._update_buttons()

    def _update_buttons(self) -> None:
        person = self.selected()
        pick = None if person is not None else self.tr("请先在人员表中选中一人")
        set_enabled(self.edit_btn, pick)
        set_enabled(self.toggle_btn, pick)
        self.toggle_btn.setText(self.tr("恢复在岗") if person is not None and not person.active else self.tr("设为离岗"))

    def selected(self) -> PersonInfo | None:
        """The selected person."""
        row = selected_row(self.view)
        return self.people[row] if 0 <= row < len(self.people) else None

    def _dialog(self, person: PersonInfo | None) -> PersonDialog | None:
        with dialogs.guard(self) as done:
            sections = [s.name for s in organisation.list_sections(self.ctx.db)]
            camp = organisation.get_campaign(self.ctx.db)
        if not done.ok:
            return None
        if not sections:
            dialogs.info(self, self.tr("还没有科室，请先在“科室”中添加"))
            return None
        lq = camp.leader_quota if camp else organisation.DEFAULT_LEADER_QUOTA
        sq = camp.staff_quota if camp else organisation.DEFAULT_STAFF_QUOTA
        # open(), not exec(): the window stays responsive and tests can fill the form
        self.dialog = PersonDialog(sections, lq, sq, person, self)
        return self.dialog

    def open_add(self) -> None:
        """Open the form for a new person; saved on 保存."""
        dlg = self._dialog(None)
        if dlg is not None:
            dlg.save = lambda data, _active: self.add(data)
            dlg.open()

    def edit_selected(self) -> None:
        """Open the form for the selected person."""
        person = self.selected()
        if person is None:
            return
        dlg = self._dialog(person)
        if dlg is not None:
            dlg.save = lambda data, active: self.update(person.id, data, active)
            dlg.open()

    def add(self, data: PersonInput) -> bool:
        """Record a new person."""
        with dialogs.guard(self) as done:
            info = organisation.add_person(self.ctx.db, self.ctx.actor, data)
        if done.ok:
            notify(Kind.PERSON, [info.id])
        return done.ok

    def update(self, person_id: str, data: PersonInput, active: bool) -> bool:
        """Save an edited person."""
        with dialogs.guard(self) as done:
            organisation.update_person(self.ctx.db, self.ctx.actor, person_id, data, active)
        if done.ok:
            notify(Kind.PERSON, [person_id])
        return done.ok

    def toggle_active(self) -> None:
        """Deactivate (or reactivate) the selected person after confirmation."""
        p = self.selected()
        if p is None:
            return
        if p.active and not dialogs.confirm(self, self.tr("将“%1”设为离岗？离岗人员不再出现在选择列表中，历史记录仍会保留。")
                                            .replace("%1", p.name), ok=self.tr("设为离岗"), danger=True):
            return
        self.update(p.id, PersonInput(p.name, p.section_name, p.post, p.is_leader, p.quota_days, p.phone), not p.active)
