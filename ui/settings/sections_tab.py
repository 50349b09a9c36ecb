"""设置 › 科室: add, rename, remove sections (removal refused while people are in one)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from desktop_app.core.context import AppContext
from desktop_app.org import organisation
from ui import dialogs
from ui.rows_model import RowsTableModel, cell_columns
from ui.settings.widgets import button, selected_row, table
from ui.signals import Kind, bus, notify


class SectionsTab(QWidget):
    """科室管理."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = RowsTableModel(cell_columns([self.tr("科室名称"), self.tr("在岗人数")]), self)
        self.view = table(self.model, self)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(self.tr("新科室名称"))
        self.new_name.returnPressed.connect(self.add_current)
        self.add_btn = button(self.tr("添加科室"), primary=True)
        self.add_btn.clicked.connect(self.add_current)
        self.rename_btn = button(self.tr("改名…"))
        self.rename_btn.clicked.connect(self.rename_selected)
        self.remove_btn = button(self.tr("撤销科室"), danger=True)
        self.remove_btn.clicked.connect(self.remove_selected)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        top = QHBoxLayout()
        top.addWidget(self.new_name, 1)
        top.addWidget(self.add_btn)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.rename_btn)
        row.addWidget(self.remove_btn)
        lay.addLayout(row)
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.SECTION, Kind.PERSON):
            self.refresh()

    def refresh(self) -> None:
        """Reload the sections."""
        with dialogs.guard(self) as done:
            sections = organisation.list_sections(self.ctx.db)
        if done.ok:
            self.model.set_keyed([(s.id, (s.name, s.people)) for s in sections])

    def add(self, name: str) -> bool:
        """Add a section; a duplicate is refused with the service's Chinese message."""
        with dialogs.guard(self) as done:
            info = organisation.add_section(self.ctx.db, self.ctx.actor, name)
        if done.ok:
            notify(Kind.SECTION, [info.id])
        return done.ok

    def add_current(self) -> None:
        """Add the name typed in the box."""
        if self.add(self.new_name.text()):
            self.new_name.clear()

    def rename_selected(self) -> None:
        """Ask for a new name for the selected section."""
        row = selected_row(self.view)
        if row < 0:
            dialogs.info(self, self.tr("请先在列表中选择一个科室"))
            return
        old = self.model.rows[row][0]
        name = dialogs.ask_text(self, self.tr("“%1”的新名称：").replace("%1", old), self.tr("科室改名"), old)
        if name is None or name.strip() == old:
            return
        section_id = self.model.key(row)
        with dialogs.guard(self) as done:
            organisation.rename_section(self.ctx.db, self.ctx.actor, section_id, name)
        if done.ok:
            notify(Kind.SECTION, [section_id])

    def remove_selected(self) -> None:
        """Retire the selected section after confirmation (refused while people are in it)."""
        row = selected_row(self.view)
        if row < 0:
            dialogs.info(self, self.tr("请先在列表中选择一个科室"))
            return
        name = self.model.rows[row][0]
        if not dialogs.confirm(self, self.tr("撤销科室“%1”？撤销后不再出现在科室列表中，历史记录仍会保留。").replace("%1", name),
                               ok=self.tr("撤销"), danger=True):
            return
        section_id = self.model.key(row)
        with dialogs.guard(self) as done:
            organisation.remove_section(self.ctx.db, self.ctx.actor, section_id)
        if done.ok:
            notify(Kind.SECTION, [section_id])
