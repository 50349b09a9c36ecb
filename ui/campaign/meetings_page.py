"""会议研讨 — the 大讨论 meetings page: the year's meetings with filters, and the 组工讲堂 grid per section × month."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QWidget,
)

from desktop_app.campaign import meeting_compliance, meetings
from desktop_app.campaign.meetings import MEETING_KINDS, MONTHLY_REQUIRED_MEETING, WHOLE_OFFICE, MeetingInfo
from desktop_app.core.context import AppContext
from desktop_app.org import scope
from desktop_app.org.lookups import office_names
from desktop_app.org.organisation import list_sections
from ui import dialogs
from ui.campaign.meeting_dialog import MEETING_KIND, MeetingDialog
from ui.campaign.meeting_models import ComplianceModel, MeetingTableModel
from ui.enabling import need_selection, set_enabled
from ui.page_frame import PageFrame, hint_label, list_and_detail, with_hint
from ui.signals import Kind, notify
from ui.work.scoped_page import ScopedYearPage
from ui.work.widgets import find_box, find_corner, fit_columns, open_attachment, table_view


class MeetingsPage(ScopedYearPage):
    """会议研讨: record 组工讲堂, 中心组学习, 专题研讨, 务虚会 …; turn points raised into ledger items or topics."""

    RELOAD_KINDS = (MEETING_KIND, Kind.TOPIC, Kind.PERSON, Kind.SECTION, Kind.CAMPAIGN, Kind.SYNC, Kind.ALL)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.items: list[MeetingInfo] = []
        self._whose = ""
        self.find = find_box(self.tr("查找：主题、主持人、主讲人、参会人员…"), self._show_items)
        frame = PageFrame(self, self.tr("会议研讨"), corner=find_corner(self.find, self.scope_box))
        self.subtitle = frame.subtitle
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self._build_bar(frame.toolbar_row())
        # Ctrl+F is the window's (视图 › 查找): it calls focus_search() on the page in front
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_meeting)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_list(), self.tr("会议列表"))
        self.tabs.addTab(self._build_grid(), self.tr("组工讲堂落实情况"))
        frame.body.addWidget(self.tabs)
        self.follow_changes()

    def _build_bar(self, bar: QHBoxLayout) -> None:
        """The year, the kind and section filters, and the actions on a meeting."""
        self.kind = QComboBox()
        self.kind.addItem(self.tr("全部类型"), "")
        for k in MEETING_KINDS:
            self.kind.addItem(k, k)
        self.kind.currentIndexChanged.connect(lambda _i: self._show_items())
        self.section = QComboBox()
        self.section.currentIndexChanged.connect(lambda _i: self._show_items())
        for w in (self.year, self.kind, self.section):
            bar.addWidget(w)
        self.buttons = PageFrame.add_buttons(bar, (
            ("new", self.tr("新建"), self.new_meeting), ("edit", self.tr("编辑"), self.edit_meeting),
            ("issue", self.tr("转为问题"), self.to_issue), ("topic", self.tr("转为课题"), self.to_topic),
            ("attach", self.tr("添加附件"), self.attach), ("print", self.tr("打印…"), self.print_list),
            ("export", self.tr("导出Excel…"), self.export_list), ("remove", self.tr("删除"), self.remove)))
        self.buttons["new"].setToolTip(self.tr("新建会议记录（Ctrl+N）"))

    def _build_list(self) -> QSplitter:
        """会议列表: the table, the selected meeting's detail beside it."""
        self.model = MeetingTableModel(self)
        self.table = table_view(self.model)
        self.table.selectionModel().currentRowChanged.connect(
            lambda *_: self._select(getattr(self.model.item(self.table.currentIndex().row()), "id", None)))
        self.table.doubleClicked.connect(lambda _i: self.edit_meeting())
        # Enter and Delete act on the list only (not while typing in 查找)
        for key, slot in ((QKeySequence(Qt.Key.Key_Return), self.edit_meeting),
                          (QKeySequence(QKeySequence.StandardKey.Delete), self.remove)):
            QShortcut(key, self.table, activated=slot).setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.horizontalHeader().moveSection(self.model.columnCount() - 1, 0)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setMinimumWidth(260)
        self.detail.linkActivated.connect(self._open_link)
        return list_and_detail(self.table, self.detail, (4, 1), (760, 300))

    def _build_grid(self) -> QWidget:
        """组工讲堂落实情况: what the grid shows, over the section × month grid."""
        self.grid_model = ComplianceModel(self)
        self.grid = QTableView()
        self.grid.setModel(self.grid_model)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.grid_hint = hint_label()
        return with_hint(self.grid_hint, self.grid)

    # ------------------------------------------------------------ loading

    def refresh(self) -> None:
        """Read the year's meetings and the 组工讲堂 grid again."""
        if not self.ctx.db.office_code:
            return
        year, office = self.year.value(), self.office
        with dialogs.guard(self) as done:
            self.items = meetings.meeting_infos(self.ctx.db, year, office=office)
            self._whose = scope.scope_label(self.ctx.db, office) if office else ""
            names = office_names(self.ctx.db) if office == scope.ALL else {}
            sections = [s.name for s in list_sections(self.ctx.db)] if not office else sorted(
                {m.section_name for m in self.items} - {WHOLE_OFFICE})
            grid = None if office == scope.ALL else meeting_compliance.compliance_grid(
                self.ctx.db, year, dt.date.today(), office=office)
        if not done.ok:
            return
        self.model.office_names = names
        self.table.setColumnHidden(self.model.columnCount() - 1, office != scope.ALL)
        keep = self.section.currentData()
        self.section.blockSignals(True)
        self.section.clear()
        self.section.addItem(self.tr("全部科室"), None)
        self.section.addItem(WHOLE_OFFICE, WHOLE_OFFICE)
        for name in sections:
            self.section.addItem(name, name)
        self.section.setCurrentIndex(max(0, self.section.findData(keep)))
        self.section.blockSignals(False)
        self._show_items()
        self.grid_model.set_grid(grid)
        if grid is None:
            self.grid_hint.setText(self.tr("请在“查看范围”中选择一个单位，查看其各科室组工讲堂落实情况。"))
        else:
            missing = [m for m in grid.missing if grid.mark(*m) != meeting_compliance.DUE]
            self.grid_hint.setText(self.tr("每月每个科室应举办1期%1（全办举办的计入各科室）。✓ 已举办，缺 未举办，"
                                           "待 本月尚未举办。截至今天共缺 %2 个科室·月。")
                                   .replace("%1", MONTHLY_REQUIRED_MEETING).replace("%2", str(len(missing))))
        whose = self._whose + " · " if office else ""
        by_kind: dict[str, int] = {}
        for m in self.items:
            by_kind[m.kind] = by_kind.get(m.kind, 0) + 1
        self.subtitle.setText(whose + self.tr("%1年度共 %2 次会议：%3").replace("%1", str(year))
                              .replace("%2", str(len(self.items)))
                              .replace("%3", "，".join(f"{k} {n}" for k, n in by_kind.items()) or self.tr("暂无")))
        self._select(self.selected if any(m.id == self.selected for m in self.items) else None)
        if self.selected is None:
            QTimer.singleShot(0, self._scroll_to_this_month)  # after the view has its size (first show)

    def _show_items(self) -> None:
        """The meetings of the chosen kind and section holding every word typed in 查找."""
        kind, section = self.kind.currentData(), self.section.currentData()
        words = self.find.text().split()
        shown = [m for m in self.items if (not kind or m.kind == kind) and (not section or m.section_name == section)
                 and all(w in _haystack(m) for w in words)]
        self.model.set_items(shown)
        fit_columns(self.table)

    def _scroll_to_this_month(self, today: dt.date | None = None) -> None:
        """The list runs from January: bring this month's meetings into view (the latest ones when this month has
        none yet), not leave them at the bottom as the visits list did."""
        start = (today or dt.date.today()).replace(day=1)
        shown = [self.model.item(r) for r in range(self.model.rowCount())]
        later = [r for r, m in enumerate(shown) if m is not None and m.date >= start]
        if later:
            self.table.scrollTo(self.model.index(later[0], 0), QTableView.ScrollHint.PositionAtTop)
        elif shown:
            self.table.scrollTo(self.model.index(len(shown) - 1, 0), QTableView.ScrollHint.PositionAtBottom)

    def focus_search(self) -> None:
        """Ctrl+F: to the 查找 box, on the list."""
        self.tabs.setCurrentIndex(0)
        self.find.setFocus()
        self.find.selectAll()

    def current(self) -> MeetingInfo | None:
        """The selected meeting."""
        return next((m for m in self.items if m.id == self.selected), None)

    def _select(self, meeting_id: str | None) -> None:
        self.selected = meeting_id
        row = self.model.row_of(lambda m: m.id == meeting_id)
        if row >= 0 and self.table.currentIndex().row() != row:
            self.table.selectRow(row)
        m, own = self.current(), self.own()
        why = None if own else self.tr("正在查看其他单位的会议研讨：由该单位录入和修改，本单位只能查看、打印和导出。")
        for key in ("edit", "issue", "topic", "attach", "remove"):
            set_enabled(self.buttons[key], why or (None if m is not None else need_selection(self.tr("次会议"))))
        set_enabled(self.buttons["new"], why)
        self.detail.setText(self._detail_html(m))

    def _detail_html(self, m: MeetingInfo | None) -> str:
        if m is None:
            return f"<p style='color:#5b6b7c'>{escape(self.tr('选择一次会议查看详情'))}</p>"
        rows = [(self.tr("单位"), escape(self.model.office_names.get(m.office_code) or self._whose))] if self._whose else []
        rows += [(self.tr(k), escape(v)) for k, v in (
            ("日期", m.date.isoformat()), ("类型", m.kind), ("主题", m.theme), ("科室", m.section_name),
            ("地点", m.place or "—"), ("主持人", m.host_name or "—"), ("主讲人", m.speakers or "—"),
            ("实到/应到", m.attendance or "—"), ("出席", "、".join(m.present_names) or "—"),
            ("缺席", m.absent_text or "—"), ("会议纪要", m.minutes or "—"),
            ("转为问题", "、".join(i.label for i in m.issues) or "—"),
            ("转为课题", "、".join(t.label for t in m.topics) or "—"))]
        rows.append((self.tr("附件"), "、".join(f"<a href='att:{a.sha256}'>{escape(a.name)}</a>"
                                               for a in m.attachments) or "—"))
        return "<table>" + "".join(
            f"<tr><td style='color:#5b6b7c;padding:2px 10px 2px 0;white-space:nowrap;vertical-align:top'>"
            f"{escape(k)}</td><td>{v.replace(chr(10), '<br>')}</td></tr>" for k, v in rows) + "</table>"

    def _open_link(self, href: str) -> None:
        m = self.current()
        att = next((a for a in m.attachments if f"att:{a.sha256}" == href), None) if m else None
        if att is not None:
            open_attachment(self, self.ctx.data.attachments, att.sha256, att.name)

    # ------------------------------------------------------------ actions

    def new_meeting(self) -> None:
        """The meeting form for a new meeting (Ctrl+N)."""
        if not self.own() or not self.ctx.db.office_code:
            return
        dlg = MeetingDialog(self.ctx, year=self.year.value(), parent=self)
        if dlg.exec() and dlg.saved:
            self.selected = dlg.saved.id
            self.refresh()

    def edit_meeting(self) -> None:
        """Edit the selected meeting (Enter or a double click)."""
        m = self.current()
        if m is not None and self.own():
            MeetingDialog(self.ctx, m, parent=self).exec()

    def remove(self) -> None:
        """Remove the selected meeting after confirming (Delete); items and topics raised at it stay."""
        m = self.current()
        if m is None or not self.own():
            return
        extra = self.tr("会上转出的问题和课题将保留。") if (m.issues or m.topics) else ""
        if not dialogs.confirm(self, self.tr("删除 %1 的%2“%3”？删除后不再计入会议统计。").replace("%1", m.date.isoformat())
                               .replace("%2", m.kind).replace("%3", m.theme) + extra, danger=True, ok=self.tr("删除")):
            return
        with dialogs.guard(self) as done:
            meetings.remove_meeting(self.ctx.db, self.ctx.actor, m.id)
        if done.ok:
            self.selected = None
            notify(MEETING_KIND, [m.id])

    def to_issue(self) -> None:
        """转为问题: a point raised becomes a ledger item linked to the meeting."""
        m = self.current()
        if m is None or not self.own():
            return
        text = dialogs.ask_text(self, self.tr("会上提出、需要整改的问题（问题描述）："), self.tr("转为问题"), "",
                                multiline=True)
        if text is None:
            return
        with dialogs.guard(self) as done:
            meetings.issue_from_meeting(self.ctx.db, self.ctx.actor, m.id, text)
        if done.ok:
            dialogs.info(self, self.tr("已生成问题台账条目，来源为“会议研讨”，可在问题台账中补充整改措施和时限"))
            notify(Kind.ISSUE)
            notify(MEETING_KIND, [m.id])

    def to_topic(self) -> None:
        """转为课题: a point raised becomes a topic (立项) of the meeting's section."""
        m = self.current()
        if m is None or not self.own():
            return
        section_id = m.section_id
        if section_id is None:  # a 全办 meeting: which section takes the topic up
            secs = list_sections(self.ctx.db)
            name, ok = QInputDialog.getItem(self, self.tr("转为课题"), self.tr("由哪个科室牵头："),
                                            [s.name for s in secs], 0, False)
            if not ok:
                return
            section_id = next(s.id for s in secs if s.name == name)
        title = dialogs.ask_text(self, self.tr("课题名称："), self.tr("转为课题"), m.theme)
        if title is None:
            return
        with dialogs.guard(self) as done:
            meetings.topic_from_meeting(self.ctx.db, self.ctx.actor, m.id, title, section_id=section_id)
        if done.ok:
            dialogs.info(self, self.tr("已立项，可在“调研课题”中补充领题领导和课题组成员"))
            notify(Kind.TOPIC)
            notify(MEETING_KIND, [m.id])

    def attach(self) -> None:
        """Attach a file (minutes, photos, sign-in sheet) to the selected meeting."""
        m = self.current()
        if m is None or not self.own():
            return
        path = dialogs.open_file(self, self.tr("选择附件"), self.tr("所有文件 (*)"))
        if not path:
            return
        with dialogs.guard(self) as done:
            meetings.attach_file(self.ctx.db, self.ctx.actor, m.id, Path(path), self.ctx.data.attachments)
        if done.ok:
            notify(MEETING_KIND, [m.id])

    def print_list(self) -> None:
        """Preview and print the year's 会议研讨记录表."""
        from ui.print.actions import print_list

        print_list(self, self.ctx, "meetings", self.year.value(), office=self.office)

    def export_list(self) -> None:
        """Save the year's meetings as .xlsx (the columns the import reads back)."""
        from ui.excel.actions import export_list

        export_list(self, self.ctx, "meetings", self.year.value(), office=self.office)


def _haystack(m: MeetingInfo) -> str:
    return " ".join((m.date.isoformat(), m.kind, m.theme, m.section_name, m.host_name, m.speakers, m.place,
                     "、".join(a.name for a in m.attendees), m.minutes))
