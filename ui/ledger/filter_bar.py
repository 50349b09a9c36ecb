"""筛选栏 — year, status, colour, unit, person, category, source, kind, free text, saved filters.

In a prefecture office the bar also has 查看范围 (本单位 / a county / 全部单位); a county never sees it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from desktop_app.core.context import AppContext
from desktop_app.core.ledger_codes import ISSUE_KIND_LABELS, ISSUE_SOURCE_LABELS, ISSUE_STATUS_LABELS, IssueStatus
from desktop_app.ledger import query, saved_filters
from desktop_app.ledger.query import IssueFilter
from desktop_app.ledger.warnings import COLOUR_LABELS
from desktop_app.org import organisation, scope
from ui import dialogs
from ui.office_scope import OfficeScopeCombo

ANY = ""
INCOMPLETE = "incomplete"


class FilterBar(QWidget):
    """Emits ``changed(IssueFilter)`` whenever the user changes a filter (text after a short pause)."""

    changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: Any = None, load: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._quiet = False
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.year = self._combo()
        # 待完善: items lacking measures, a responsible unit or person, or a 限期整改 deadline (any status)
        self.status = self._combo([(self.tr("全部状态"), ANY)] + [(v, k) for k, v in ISSUE_STATUS_LABELS.items()]
                                  + [(self.tr("待完善"), INCOMPLETE)])
        self.status.setItemData(self.status.count() - 1, self.tr("缺整改措施、责任单位、责任人或完成时限的问题"),
                                Qt.ItemDataRole.ToolTipRole)
        self.colour = self._combo([(self.tr("全部预警"), ANY)] + [(v, k) for k, v in COLOUR_LABELS.items()])
        self.unit = self._combo(editable=True)
        self.person = self._combo(editable=True)
        self.category = self._combo(editable=True)
        self.source = self._combo([(self.tr("全部来源"), ANY)] + [(v, k) for k, v in ISSUE_SOURCE_LABELS.items()])
        self.kind = self._combo([(self.tr("全部类型"), ANY)] + [(v, k) for k, v in ISSUE_KIND_LABELS.items()])
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("搜索问题描述、措施、单位…（如：三会一课）"))
        self.text.setClearButtonEnabled(True)
        self.saved = QComboBox()
        self.save_button = QPushButton(self.tr("保存筛选"))
        self.clear_button = QPushButton(self.tr("清空"))
        self.office = OfficeScopeCombo(ctx)  # hidden in a county office
        if not self.office.isHidden():
            # a prefecture keeps few items of its own: its ledger opens on every county's items
            self.office.setCurrentIndex(max(0, self.office.findData(scope.ALL)))
        self.office_label = QLabel(self.tr("查看范围"))
        self.office_label.setVisible(not self.office.isHidden())
        widgets = [(self.tr("年度"), self.year), (self.tr("状态"), self.status), (self.tr("预警"), self.colour),
                   (self.tr("类型"), self.kind), (self.tr("来源"), self.source), (self.tr("责任单位"), self.unit),
                   (self.tr("责任人"), self.person), (self.tr("类别"), self.category)]
        for i, (label, w) in enumerate(widgets):
            grid.addWidget(QLabel(label), i // 4, (i % 4) * 2)
            grid.addWidget(w, i // 4, (i % 4) * 2 + 1)
        grid.addWidget(QLabel(self.tr("检索")), 2, 0)
        grid.addWidget(self.text, 2, 1, 1, 3)
        grid.addWidget(self.saved, 2, 4, 1, 2)
        grid.addWidget(self.save_button, 2, 6)
        grid.addWidget(self.clear_button, 2, 7)
        grid.addWidget(self.office_label, 3, 0)
        grid.addWidget(self.office, 3, 1, 1, 3)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._emit)
        self.text.textChanged.connect(lambda _t: self._timer.start())
        self.text.returnPressed.connect(self._emit)
        for w in (self.year, self.status, self.colour, self.source, self.kind, self.unit, self.person, self.category):
            w.currentIndexChanged.connect(lambda _i: self._emit())
        for w in (self.unit, self.person, self.category):
            w.lineEdit().editingFinished.connect(self._emit)
        self.office.office_changed.connect(self._on_office)
        self.saved.activated.connect(self._apply_saved)
        self.save_button.clicked.connect(self.save_current)
        self.clear_button.clicked.connect(self.clear)
        if load:
            self.load_choices()

    def _combo(self, items: list[tuple[str, str]] | None = None, editable: bool = False) -> QComboBox:
        c = QComboBox()
        c.setEditable(editable)
        if editable:
            c.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for label, value in items or []:
            c.addItem(label, value)
        return c

    def load_choices(self) -> None:
        """Fill the drop-downs from the ledger (years, units, people, categories) and the saved filters."""
        self._quiet = True
        try:
            self.office.reload()  # a bundle may have brought another county (keeps the choice)
            choices = query.filter_choices(self.ctx.db, office=self.office.current_office())
            current = organisation.current_year(self.ctx.db)
            years = sorted({int(y) for y in choices["year"]} | {current}, reverse=True)
            keep = self.year.currentData()
            self.year.clear()
            self.year.addItem(self.tr("全部年度"), 0)
            for y in years:
                self.year.addItem(self.tr("%1年").replace("%1", str(y)), y)
            self.year.setCurrentIndex(max(0, self.year.findData(keep if keep is not None else current)))
            for combo, key, all_label in ((self.unit, "unit", self.tr("全部单位")), (self.person, "person", self.tr("全部人员")),
                                          (self.category, "category", self.tr("全部类别"))):
                text = combo.currentText()
                combo.clear()
                combo.addItem(all_label, ANY)
                for v in choices[key]:
                    combo.addItem(v, v)
                i = combo.findText(text)
                combo.setCurrentIndex(i if i >= 0 else 0)
            self._load_saved()
        finally:
            self._quiet = False

    def _load_saved(self) -> None:
        self.saved.clear()
        self.saved.addItem(self.tr("常用筛选…"), None)
        for name in saved_filters.list_saved(self.ctx.db):
            self.saved.addItem(name, name)

    @staticmethod
    def _value(combo: QComboBox) -> str:
        if combo.isEditable():
            text = combo.currentText().strip()
            data = combo.itemData(combo.findText(text)) if combo.findText(text) >= 0 else text
            return str(data or "")
        return str(combo.currentData() or "")

    def current(self) -> IssueFilter:
        """The filter the bar shows."""
        return IssueFilter(
            year=int(self.year.currentData() or 0) or None,
            statuses=[self._value(self.status)] if self._value(self.status) not in (ANY, INCOMPLETE) else [],
            incomplete=self._value(self.status) == INCOMPLETE,
            colours=[self._value(self.colour)] if self._value(self.colour) else [],
            unit=self._value(self.unit), person=self._value(self.person), category=self._value(self.category),
            source=self._value(self.source), kind=self._value(self.kind), text=self.text.text().strip(),
            include_void=self._value(self.status) == IssueStatus.VOID, office=self.office.current_office(),
        )

    def set_filter(self, f: IssueFilter) -> None:
        """Show ``f`` in the bar and emit it once."""
        if f.office != self.office.current_office():
            self.office.blockSignals(True)
            self.office.setCurrentIndex(max(0, self.office.findData(f.office or "")))
            self.office.blockSignals(False)
            self.load_choices()  # that office's units and people
        self._quiet = True
        try:
            self.year.setCurrentIndex(max(0, self.year.findData(f.year or 0)))
            self.status.setCurrentIndex(max(0, self.status.findData(
                INCOMPLETE if f.incomplete else f.statuses[0] if f.statuses else ANY)))
            self.colour.setCurrentIndex(max(0, self.colour.findData(f.colours[0] if f.colours else ANY)))
            self.source.setCurrentIndex(max(0, self.source.findData(f.source or ANY)))
            self.kind.setCurrentIndex(max(0, self.kind.findData(f.kind or ANY)))
            for combo, v in ((self.unit, f.unit), (self.person, f.person), (self.category, f.category)):
                i = combo.findData(v or ANY)
                if i >= 0:
                    combo.setCurrentIndex(i)
                else:
                    combo.setEditText(v)
            self.text.setText(f.text)
        finally:
            self._quiet = False
        self._timer.stop()
        self._emit()

    def clear(self) -> None:
        """Back to this year's whole ledger (of the office chosen in 查看范围)."""
        self.set_filter(IssueFilter(year=organisation.current_year(self.ctx.db), office=self.office.current_office()))

    def _on_office(self, _office: str) -> None:
        # another county has other units and people: refill the drop-downs, then list its items
        self.load_choices()
        self._timer.stop()
        self._emit()

    def save_current(self) -> None:
        """Ask a name and save the current filter."""
        name = dialogs.ask_text(self, self.tr("常用筛选的名称："), self.tr("保存筛选"))
        if not name:
            return
        with dialogs.guard(self) as done:
            saved_filters.save_filter(self.ctx.db, name, self.current())
        if done.ok:
            self._load_saved()

    def _apply_saved(self, index: int) -> None:
        name = self.saved.itemData(index)
        if not name:
            return
        f = saved_filters.list_saved(self.ctx.db).get(name)
        if f is not None:
            self.set_filter(f)

    def _emit(self) -> None:
        if not self._quiet:
            self.changed.emit(self.current())

    def focus_search(self) -> None:
        """Put the cursor in the search box (Ctrl+F)."""
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text.selectAll()
