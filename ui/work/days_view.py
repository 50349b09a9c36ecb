"""基层天数 — days at the grassroots per person, a table per section, the visits behind each number."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.org import scope
from desktop_app.org.lookups import office_names
from desktop_app.org.organisation import list_sections
from desktop_app.work import days
from ui import dialogs
from ui.signals import Kind, notify
from ui.work.table_models import PACE_COLOURS, DaysTableModel, PersonVisitModel


def _table(model: object) -> QTableView:
    t = QTableView()
    t.setModel(model)  # type: ignore[arg-type]
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setAlternatingRowColors(True)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(False)
    return t


class DaysView(QWidget):
    """The days table (filter by section) with a section total, a legend and the selected person's visits."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.year = dt.date.today().year
        self.today: dt.date | None = None  # None = the real today; tests pin a date
        self.office = ""  # the scope (services.scope): "" this office, a county's code, or scope.ALL
        self.section = QComboBox()
        self.section.currentIndexChanged.connect(self._show)
        self.total = QLabel()
        self.total.setObjectName("Hint")
        self.quota_button = QPushButton(self.tr("设置个人定额…"))
        self.quota_button.clicked.connect(self.edit_quota)
        legend = QLabel(" ".join(
            f"<span style='background:{bg};color:{fg};padding:2px 6px;'>&nbsp;{label}&nbsp;</span>"
            for (bg, fg), label in ((PACE_COLOURS["green"], self.tr("进度正常/已完成")),
                                    (PACE_COLOURS["red"], self.tr("明显滞后（一季度后，不足应达进度的80%且差3天以上）")))))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("科室")))
        top.addWidget(self.section)
        top.addWidget(self.total, 1)
        top.addWidget(self.quota_button)
        self.model = DaysTableModel(self)
        self.table = _table(self.model)
        self.table.horizontalHeader().moveSection(self.model.columnCount() - 1, 0)  # 单位 first (全部单位 only)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_person())
        self.visits_model = PersonVisitModel(self)
        self.visits_table = _table(self.visits_model)
        self.person_title = QLabel(self.tr("选择一名人员，查看其基层天数由哪些调研构成"))
        self.person_title.setObjectName("CardTitle")
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 6, 0, 0)
        ll.addWidget(self.person_title)
        ll.addWidget(self.visits_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(legend)
        lay.addWidget(split, 1)
        self.rows: list[days.DaysRow] = []
        self.set_office("")

    def set_office(self, office: str) -> None:
        """Show another office's people (a prefecture looking at a county); the caller refreshes."""
        self.office = office
        own = not office
        self.quota_button.setEnabled(own)
        self.quota_button.setToolTip("" if own else self.tr("正在查看其他单位：个人定额由该单位设置，本单位只能查看"))
        self.table.setColumnHidden(self.model.columnCount() - 1, office != scope.ALL)

    def set_year(self, year: int) -> None:
        """Show another year."""
        self.year = year
        self.refresh()

    def refresh(self) -> None:
        """Reload the sections and the table."""
        with dialogs.guard(self) as done:
            self.rows = days.days_table(self.ctx.db, self.year, self.today, office=self.office)
            names = office_names(self.ctx.db) if self.office == scope.ALL else {}
            sections = ([(s.id, s.name) for s in list_sections(self.ctx.db)] if not self.office
                        # another office's sections: as its people list them (its settings are not ours)
                        else list(dict.fromkeys(
                            (r.section_id, f"{names.get(r.office_code, r.office_code)}·{r.section_name}" if names else r.section_name)
                            for r in self.rows)))
        if not done.ok:
            self.rows = []
            sections, names = [], {}
        self.model.office_names = names
        keep = self.section.currentData()
        self.section.blockSignals(True)
        self.section.clear()
        self.section.addItem(self.tr("全部科室"), None)
        for sid, name in sections:
            self.section.addItem(name, sid)
        i = self.section.findData(keep)
        self.section.setCurrentIndex(max(i, 0))
        self.section.blockSignals(False)
        self._show()

    def _show(self) -> None:
        sid = self.section.currentData()
        shown = [r for r in self.rows if sid is None or r.section_id == sid]
        self.model.set_items(shown)
        d, q = sum(r.days for r in shown), sum(r.quota for r in shown)
        behind = sum(1 for r in shown if r.colour == "red")
        self.total.setText(self.tr("%1 人，合计 %2 天 / 定额 %3 天；明显滞后 %4 人")
                           .replace("%1", str(len(shown))).replace("%2", str(d)).replace("%3", str(q))
                           .replace("%4", str(behind)))
        self._show_person()

    def current(self) -> days.DaysRow | None:
        """The selected person's row."""
        return self.model.item(self.table.currentIndex().row())

    def _show_person(self) -> None:
        r = self.current()
        if r is None:
            self.visits_model.set_items([])
            self.person_title.setText(self.tr("选择一名人员，查看其基层天数由哪些调研构成"))
            return
        with dialogs.guard(self) as done:
            items = days.person_visits(self.ctx.db, r.person_id, self.year, office=self.office)
        if done.ok:
            self.visits_model.set_items(items)
            text = (self.tr("%1：%2年基层天数 %3 天（%4 次调研，重叠的日子只算一次；只计已完成的基层调研）")
                    .replace("%1", r.name).replace("%2", str(self.year))
                    .replace("%3", str(r.days)).replace("%4", str(r.visits)))
            text += self.tr("　应达 %1 天，计划中 %2 天").replace("%1", str(r.expected)).replace("%2", str(r.planned))
            for why, n in r.not_counted:
                text += self.tr("，%1 %2 天不计入").replace("%1", why).replace("%2", str(n))
            self.person_title.setText(text)

    def edit_quota(self) -> None:
        """Ask for the selected person's own quota (empty = the campaign default)."""
        r = self.current()
        if self.office:
            return  # another office's people: their quotas are set there
        if r is None:
            dialogs.info(self, self.tr("请先在表中选择一名人员"))
            return
        text = dialogs.ask_text(self, self.tr("%1 的年度基层调研天数定额（留空则按年度默认定额）").replace("%1", r.name),
                                self.tr("设置定额"), str(r.quota))
        if text is None:
            return
        text = text.strip()
        with dialogs.guard(self) as done:
            try:
                value = int(text) if text else None
            except ValueError:
                from desktop_app.core.errors import ValidationError
                raise ValidationError(f"定额“{text}”不是整数", "请填写0到366之间的整数") from None
            days.set_quota(self.ctx.db, self.ctx.actor, r.person_id, value)
        if done.ok:
            notify(Kind.PERSON, [r.person_id])
            self.refresh()
