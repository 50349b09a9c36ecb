"""计划清单 — 周工作计划, monthly 攻坚/亮点 lists, quarterly 补短板/创先争优 lists, 半年复盘 and the year activity plan:
per section where the period's plan stands, and one plan's items edited in place."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.campaign import periods, plans
from desktop_app.campaign.periods import Period
from desktop_app.campaign.plans import ITEM_STATES, KIND_LABELS, PLAN_PERIODS, RECORDED_KINDS, PlanInfo
from desktop_app.core.context import AppContext
from desktop_app.org import scope
from desktop_app.org.organisation import list_people
from ui import dialogs, layout_memory
from ui.campaign.plan_models import COL_OWNER, COL_STATE, ChoiceDelegate, ItemRow, PlanItemsModel, SectionStatusModel
from ui.enabling import set_enabled
from ui.page_frame import PageFrame, ScopedPage, hint_label, list_and_detail
from ui.signals import Kind, notify
from ui.work.widgets import fit_columns, table_view

PLAN_KIND = "plan"  # the change-bus kind of this page's writes
#: how many sections the 未报送 line names (the rest are in its tooltip)
NOT_FILED_SHOWN = 6


class PlansPage(ScopedPage):
    """计划清单."""

    RELOAD_KINDS = (PLAN_KIND, Kind.SECTION, Kind.PERSON, Kind.SYNC, Kind.ALL)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.plan: PlanInfo | None = None
        self.period = periods.current("week")
        self._loading = False
        frame = PageFrame(self, self.tr("计划清单"), self.tr(
            "周计划报分管领导，月度攻坚与亮点、季度补短板与创先争优、半年复盘、年度活动计划备案"), corner=self.scope_box)
        self.subtitle = frame.subtitle
        self._build_period_bar(frame.toolbar_row())
        self._build_actions(frame.toolbar_row())
        split = list_and_detail(self._build_status(), self._build_plan(), (0, 0), (480, 620))
        frame.body.addWidget(split)
        for keys, slot in ((QKeySequence.StandardKey.Save, self.save), (QKeySequence.StandardKey.New, self.new_plan),
                           ("Alt+Left", lambda: self.step(-1)), ("Alt+Right", lambda: self.step(1)),
                           (QKeySequence.StandardKey.Print, self.print_plans)):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        self._load_people()
        self.follow_changes()

    def _build_period_bar(self, bar: QHBoxLayout) -> None:
        """The plan kind and the period: ◀ the period ▶ 本期."""
        self.kind = QComboBox()
        for key, label in KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.prev_btn = QPushButton("◀")
        self.next_btn = QPushButton("▶")
        self.prev_btn.setToolTip(self.tr("上一期（Alt+←）"))
        self.next_btn.setToolTip(self.tr("下一期（Alt+→）"))
        self.prev_btn.setFixedWidth(34)
        self.next_btn.setFixedWidth(34)
        self.prev_btn.clicked.connect(lambda: self.step(-1))
        self.next_btn.clicked.connect(lambda: self.step(1))
        self.period_label = QLabel()
        self.period_label.setObjectName("StatLabel")
        self.period_label.setMinimumWidth(260)
        self.period_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.today_btn = QPushButton(self.tr("本期"))
        self.today_btn.clicked.connect(self.go_current)
        for w in (self.kind, self.prev_btn, self.period_label, self.next_btn, self.today_btn):
            bar.addWidget(w)
        bar.addStretch(1)

    def _build_actions(self, bar: QHBoxLayout) -> None:
        """The steps of a plan: 新建, 保存, 报送, 结转, 备案, 删除草稿, 打印."""
        self.buttons = PageFrame.add_buttons(bar, (
            ("new", self.tr("新建"), self.new_plan), ("save", self.tr("保存"), self.save),
            ("file", self.tr("报送"), self.file), ("carry", self.tr("结转上期未完成"), self.carry),
            ("record", self.tr("备案"), self.record), ("remove", self.tr("删除草稿"), self.remove),
            ("print", self.tr("打印…"), self.print_plans)))
        self.buttons["print"].setToolTip(self.tr("打印本期各科室的计划及未报送科室（Ctrl+P）"))

    def _build_status(self) -> QWidget:
        """Left: where each section's plan of the period stands, and who has not filed."""
        self.status_model = SectionStatusModel(self)
        self.status_table = table_view(self.status_model)
        self.status_table.selectionModel().currentRowChanged.connect(lambda *_: self._section_changed())
        self.not_filed = hint_label()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.status_table, 1)
        ll.addWidget(self.not_filed)
        return left

    def _build_plan(self) -> QWidget:
        """Right: the selected section's plan — its title, the 分管领导 it goes to, its lines, the summary."""
        self.plan_title = QLabel()
        self.plan_title.setObjectName("StatLabel")
        self.plan_title.setWordWrap(True)
        self.leader = QComboBox()
        self.leader.setToolTip(self.tr("报送对象（分管领导）"))
        self._build_items()
        self.add_btn = QPushButton(self.tr("添加事项"))
        self.add_btn.clicked.connect(self.add_item)
        self.del_btn = QPushButton(self.tr("删除事项"))
        self.del_btn.clicked.connect(self.remove_item)
        self.summary = QPlainTextEdit()
        self.summary.setPlaceholderText(self.tr("说明 / 半年复盘总结"))
        self.summary.setMaximumHeight(90)
        self.summary.textChanged.connect(self._summary_edited)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("报送对象（分管领导）：")))
        top.addWidget(self.leader, 1)
        rows = QHBoxLayout()
        rows.addWidget(self.add_btn)
        rows.addWidget(self.del_btn)
        rows.addStretch(1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.plan_title)
        rl.addLayout(top)
        rl.addWidget(self.items, 1)
        rl.addLayout(rows)
        rl.addWidget(self.summary)
        return right

    def _build_items(self) -> None:
        """The plan's lines, edited in place (状态 and 责任人 from drop-downs)."""
        self.items_model = PlanItemsModel(self)
        self.items = QTableView()
        self.items.setModel(self.items_model)
        self.items.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.items.verticalHeader().hide()
        self.items.horizontalHeader().setStretchLastSection(False)
        self.items.setItemDelegateForColumn(COL_STATE, ChoiceDelegate(list(ITEM_STATES.items()), self.items))
        self.owner_delegate = ChoiceDelegate([], self.items)
        self.items.setItemDelegateForColumn(COL_OWNER, self.owner_delegate)

    # --- reading --------------------------------------------------------------------------------
    def kind_key(self) -> str:
        """The plan kind shown."""
        return str(self.kind.currentData())

    def _load_people(self) -> None:
        people = list_people(self.ctx.db) if self.ctx.db.office_code else []
        self.people = {p.id: p.name for p in people}
        self.owner_delegate.choices = [("", self.tr("（未指定）"))] + [(p.id, f"{p.name}（{p.section_name}）")
                                                                    for p in people]
        self.leader.blockSignals(True)
        self.leader.clear()
        self.leader.addItem(self.tr("（请选择）"), "")
        for p in sorted(people, key=lambda p: not p.is_leader):  # leaders first: plans go to a 分管领导
            self.leader.addItem(f"{p.name}（{p.post or p.section_name}）", p.id)
        self.leader.blockSignals(False)

    def refresh(self) -> None:
        """Read the period's sections and the selected section's plan again."""
        if not self.ctx.db.office_code:
            return
        kind = self.kind_key()
        self.period_label.setText(self.period.label)
        keep = self.selected_section()
        office = self.office
        with dialogs.guard(self) as done:
            rows = plans.period_status(self.ctx.db, kind, self.period.text, office=office)
        if not done.ok:
            return
        self.status_model.set_items(rows)
        self.status_table.setColumnHidden(0, office != scope.ALL)
        fit_columns(self.status_table)
        missing = [f"{r.office_name}·{r.section_name}" if office == scope.ALL else r.section_name
                   for r in rows if r.status in ("missing", "draft")]
        # at most NOT_FILED_SHOWN names (a prefecture's whole list would push the window taller than the screen);
        # the tooltip holds them all
        shown = "、".join(missing[:NOT_FILED_SHOWN]) + (self.tr("等") if len(missing) > NOT_FILED_SHOWN else "")
        self.not_filed.setText(
            self.tr("未报送（%1 个）：%2").replace("%1", str(len(missing))).replace("%2", shown)
            if missing else self.tr("各科室均已报送"))
        self.not_filed.setToolTip("\n".join(missing))
        self.not_filed.setStyleSheet("color: #a61b1b; font-weight: bold;" if missing else "color: #1e6b34;")
        row = self.status_model.row_of(lambda r: r.section_id == keep) if keep else 0
        self.status_table.selectRow(max(row, 0))
        self._section_changed()

    def selected_section(self) -> str | None:
        """The id of the section selected in the status table."""
        r = self.status_model.item(self.status_table.currentIndex().row())
        return r.section_id if r else None

    def _section_changed(self) -> None:
        sec = self.selected_section()
        self.plan = plans.find_plan(self.ctx.db, sec, self.kind_key(), self.period.text, office=self.office) \
            if sec else None
        self._show_plan()

    def _show_plan(self) -> None:
        p = self.plan
        self._loading = True
        self.items_model.set_rows([ItemRow.of(i) for i in p.items] if p else [], self.people)
        self.summary.setPlainText(p.summary if p else "")
        self._loading = False
        self.items_model.editable = p is not None and self.own()
        row = self.status_model.item(self.status_table.currentIndex().row())
        if p is None:
            name = row.section_name if row else ""
            self.plan_title.setText(self.tr("%1尚未建立%2的%3，点“新建”开始").replace("%1", name)
                                    .replace("%2", self.period.short_label).replace("%3", KIND_LABELS[self.kind_key()]))
        else:
            state = {"draft": self.tr("草稿"), "filed": self.tr("已于%1报送%2").replace("%1", str(p.filed_on))
                     .replace("%2", p.filed_to_name), "recorded": self.tr("已于%1备案").replace("%1", str(p.recorded_on))}
            self.plan_title.setText(f"{p.section_name} · {p.period_label} · {p.kind_label}（{state[p.status]}）")
        leader = (p.filed_to_id if p and p.filed_to_id else
                  plans.default_leader(self.ctx.db, row.section_id) if row and self.own() else None)
        self.leader.setCurrentIndex(max(self.leader.findData(leader or ""), 0))
        if not layout_memory.kept(self.items):  # the clerk's own widths stay
            fit_columns(self.items)
            with layout_memory.fitting(self.items):
                self.items.setColumnWidth(1, max(self.items.columnWidth(1), 320))
        self._enable()

    def _enable(self) -> None:
        """Each button enabled when its step makes sense for the plan on screen, else greyed with the reason."""
        p, own = self.plan, self.own()
        # another office's plan: read and printed here, changed only where it was written
        other = None if own else self.tr("正在查看其他单位的计划清单：由该单位填报和报送，本单位只能查看和打印。")
        no_section = other or (None if self.selected_section() is not None else self.tr("请先在左侧选中一个科室"))
        no_plan = no_section or (self.tr("这一期还没有计划：先点“新建”") if p is None else None)
        filed = (self.tr("已报送：不能再报送、结转或删除") if p is not None and p.filed_on is not None else None)
        set_enabled(self.buttons["new"], no_section or (self.tr("这一期已有计划") if p is not None else None))
        set_enabled(self.buttons["save"], no_plan)
        set_enabled(self.buttons["file"], no_plan or filed)
        set_enabled(self.buttons["carry"], no_section or filed)
        if self.kind_key() not in RECORDED_KINDS:
            unrecorded: str | None = self.tr("只有年度活动计划需要备案")
        elif p is not None and p.status == "recorded":
            unrecorded = self.tr("已备案")
        elif p is not None and p.status != "filed":
            unrecorded = self.tr("报送后才能备案")
        else:
            unrecorded = None
        set_enabled(self.buttons["record"], no_plan or unrecorded)
        set_enabled(self.buttons["remove"], no_plan or filed)
        set_enabled(self.leader, no_plan or filed)
        set_enabled(self.add_btn, no_plan)
        set_enabled(self.summary, no_plan)
        set_enabled(self.del_btn, no_plan or (None if self.items.currentIndex().isValid()
                                              else self.tr("请先在事项表中选中一行")))

    def _on_changed(self, kind: str, ids: list) -> None:
        if kind in (Kind.PERSON, Kind.ALL):
            self._load_people()
        super()._on_changed(kind, ids)

    def _summary_edited(self) -> None:
        if not self._loading:
            self.items_model.dirty = True

    # --- moving about ---------------------------------------------------------------------------
    def _leave_ok(self) -> bool:
        """Unsaved edits: ask before they are dropped."""
        if not self.items_model.dirty:
            return True
        return dialogs.confirm(self, self.tr("当前计划有未保存的修改，放弃这些修改吗？"), ok=self.tr("放弃修改"), danger=True)

    def _kind_changed(self) -> None:
        grain = PLAN_PERIODS[self.kind_key()]
        if self.period.grain != grain:
            self.period = periods.period_of(grain, self.period.start if self.period.grain != "week"
                                            else self.period.start + dt.timedelta(days=3))
        self.refresh()

    def step(self, n: int) -> None:
        """The period ``n`` steps away (◀ ▶)."""
        if self._leave_ok():
            self.period = self.period.shift(n)
            self.refresh()

    def go_current(self) -> None:
        """Back to the period holding today."""
        if self._leave_ok():
            self.period = periods.current(PLAN_PERIODS[self.kind_key()])
            self.refresh()

    def open_target(self, target_id: str, detail: str = "") -> None:
        """Open a section's plan from the to-do list (``detail``: "kind period", e.g. "week 2026-W50")."""
        kind, _, period = detail.partition(" ")
        if kind in KIND_LABELS and period:
            self.kind.blockSignals(True)
            self.kind.setCurrentIndex(self.kind.findData(kind))
            self.kind.blockSignals(False)
            self.period = plans.period_for(kind, period)
        self.refresh()
        row = self.status_model.row_of(lambda r: r.section_id == target_id)
        if row >= 0:
            self.status_table.selectRow(row)

    def set_period(self, kind: str, period: Period) -> None:
        """Show ``kind`` for ``period`` (tests, links)."""
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.kind.blockSignals(False)
        self.period = period
        self.refresh()

    def print_plans(self) -> None:
        """Preview the period's plans of every section, with those not filed (Ctrl+P)."""
        from desktop_app.reports.jobs import PrintJob
        from ui.print.preview_dialog import open_print_preview

        if self.ctx.db.office_code and self._leave_ok():
            open_print_preview(self, self.ctx, PrintJob("plans", year=self.period.year, period=self.period.text,
                                                        office=self.office, today=dt.date.today()))

    # --- writing --------------------------------------------------------------------------------
    def new_plan(self) -> None:
        """新建: an empty draft for the selected section and period."""
        sec = self.selected_section()
        if sec is None or self.plan is not None or not self.own():
            return
        with dialogs.guard(self) as done:
            p = plans.create_plan(self.ctx.db, self.ctx.actor, sec, self.kind_key(), self.period.text)
        if done.ok:
            notify(PLAN_KIND, [p.id])
            self.add_item()

    def add_item(self) -> None:
        """A new line, its text cell open for typing."""
        if self.plan is None or not self.own():
            return
        due = min(self.period.end, dt.date(self.period.year, 12, 31))
        n = self.items_model.add_row(ItemRow(due=due))
        index = self.items_model.index(n, 1)
        self.items.setCurrentIndex(index)
        self.items.edit(index)

    def remove_item(self) -> None:
        """Drop the selected line (the plan changes at 保存)."""
        if self.own():
            self.items_model.remove_row(self.items.currentIndex().row())

    def save(self) -> bool:
        """保存 the lines and the summary (one transaction; a bad line names itself and nothing is saved)."""
        if self.plan is None or not self.own():
            return False
        self.items.setCurrentIndex(self.items_model.index(-1, -1))  # commit a cell still being edited
        with dialogs.guard(self) as done:
            p = plans.update_plan(self.ctx.db, self.ctx.actor, self.plan.id,
                                  [r.to_input() for r in self.items_model.rows], self.summary.toPlainText())
        if done.ok:
            self.items_model.dirty = False
            notify(PLAN_KIND, [p.id])
        return done.ok

    def file(self) -> None:
        """报送 to the chosen 分管领导, after saving and a confirmation."""
        p = self.plan
        if p is None or not self.own() or (self.items_model.dirty and not self.save()):
            return
        p = self.plan
        assert p is not None
        leader = str(self.leader.currentData() or "")
        if not leader:
            dialogs.warn(self, self.tr("请先在“报送对象”中选择分管领导"))
            return
        text = self.tr("将%1%2的%3（%4项）报送给%5？报送后不能再次报送。").replace("%1", p.section_name).replace(
            "%2", self.period.short_label).replace("%3", p.kind_label).replace("%4", str(len(p.items))).replace(
            "%5", self.people.get(leader, ""))
        if not dialogs.confirm(self, text, ok=self.tr("报送")):
            return
        with dialogs.guard(self) as done:
            plans.file_plan(self.ctx.db, self.ctx.actor, p.id, leader)
        if done.ok:
            notify(PLAN_KIND, [p.id])

    def carry(self) -> None:
        """结转上期未完成: the previous period's open lines come into this period's plan."""
        sec = self.selected_section()
        if sec is None or not self.own() or not self._leave_ok():
            return
        prev = self.period.previous().short_label
        if not dialogs.confirm(self, self.tr("将%1未完成的事项结转到%2？已完成的事项请先在%1的计划中标记为“已完成”。")
                               .replace("%1", prev).replace("%2", self.period.short_label), ok=self.tr("结转")):
            return
        with dialogs.guard(self) as done:
            p = plans.carry_over(self.ctx.db, self.ctx.actor, sec, self.kind_key(), self.period.text)
        if done.ok:
            self.items_model.dirty = False
            notify(PLAN_KIND, [p.id])

    def record(self) -> None:
        """备案 of a filed year activity plan (the campaign office; right 审核)."""
        p = self.plan
        if p is None or not self.own() or not dialogs.confirm(self, self.tr("对%1的%2备案？").replace("%1", p.section_name)
                                            .replace("%2", p.kind_label), ok=self.tr("备案")):
            return
        with dialogs.guard(self) as done:
            plans.record_plan(self.ctx.db, self.ctx.actor, p.id)
        if done.ok:
            notify(PLAN_KIND, [p.id])

    def remove(self) -> None:
        """删除草稿, after a confirmation."""
        p = self.plan
        if p is None or not self.own() or not dialogs.confirm(self, self.tr("删除%1的这份草稿（%2项事项）？").replace("%1", p.section_name)
                                            .replace("%2", str(len(p.items))), ok=self.tr("删除"), danger=True):
            return
        with dialogs.guard(self) as done:
            plans.remove_plan(self.ctx.db, self.ctx.actor, p.id)
        if done.ok:
            self.items_model.dirty = False
            notify(PLAN_KIND, [p.id])
