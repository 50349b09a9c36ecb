"""调研安排 — the visits page: a list, a month calendar, grassroots days per section and the clash report."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.core.errors import ValidationError
from desktop_app.core.visit_codes import VisitState
from desktop_app.org import scope
from desktop_app.org.lookups import office_names
from desktop_app.work import clashes, find, visit_state, visits
from desktop_app.work.types import VisitInfo
from ui import dialogs
from ui.enabling import need_selection, set_enabled
from ui.page_frame import PageFrame, hint_label, list_and_detail, with_hint
from ui.signals import Kind, notify
from ui.work.column_menu import choose_columns
from ui.work.crowding_view import CrowdingView
from ui.work.days_view import DaysView
from ui.work.month_calendar import MonthCalendar
from ui.work.scoped_page import ScopedYearPage
from ui.work.table_models import DictRowsModel, VisitTableModel, fmt
from ui.work.visit_dialog import VisitDialog
from ui.work.widgets import find_box, find_corner, fit_columns, open_attachment, table_view


class VisitsPage(ScopedYearPage):
    """调研安排: visits of the year, the month calendar, 基层天数 and 扎堆调研 warnings."""

    # not Kind.ISSUE: ledger edits are frequent; turning a finding into an item notifies VISIT too
    RELOAD_KINDS = (Kind.VISIT, Kind.TOPIC, Kind.PERSON, Kind.SECTION, Kind.CAMPAIGN, Kind.ALL)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.items: list[VisitInfo] = []
        self._whose = ""  # the county shown (its name), "" for this office
        self.find = find_box(self.tr("查找：地点、人员、课题、月份…"), self._show_items)
        frame = PageFrame(self, self.tr("调研安排"), corner=find_corner(self.find, self.scope_box))
        self.subtitle = frame.subtitle
        self.year.valueChanged.connect(self._year_changed)
        self._build_bar(frame.toolbar_row())
        # Ctrl+F is the window's (视图 › 查找): it calls focus_search() on the page in front
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_list(), self.tr("调研列表"))
        self.tabs.addTab(self._build_calendar(), self.tr("月历"))
        self.days = DaysView(ctx)
        self.tabs.addTab(self.days, self.tr("基层天数"))
        self.tabs.addTab(self._build_clashes(), self.tr("扎堆调研提醒"))
        self.crowding = CrowdingView(ctx, self.own)
        self.tabs.addTab(self.crowding, self.tr("扎堆/重复调研"))
        frame.body.addWidget(self.tabs)
        y = self.year.value()
        today = dt.date.today()
        self.calendar.go(y, today.month if today.year == y else 1)
        self.follow_changes()

    def _build_bar(self, bar: QHBoxLayout) -> None:
        """The year and the actions on a visit."""
        bar.addWidget(self.year)
        self.buttons = PageFrame.add_buttons(bar, (
            ("new", self.tr("新建调研"), self.new_visit), ("edit", self.tr("编辑"), self.edit_visit),
            ("done", self.tr("标记完成…"), self.mark_done), ("cancel", self.tr("取消调研"), self.cancel_visit),
            ("attach", self.tr("添加附件"), self.attach), ("issue", self.tr("发现问题转入台账"), self.to_ledger),
            ("window", self.tr("提醒间隔"), self.set_window), ("print", self.tr("打印…"), self.print_list),
            ("export", self.tr("导出Excel…"), self.export_list), ("remove", self.tr("删除"), self.remove)))

    def _build_list(self) -> QSplitter:
        """调研列表: the table, the selected visit's detail under it."""
        self.model = VisitTableModel(self)
        self.table = table_view(self.model)
        self.table.selectionModel().currentRowChanged.connect(
            lambda *_: self._select(getattr(self.model.item(self.table.currentIndex().row()), "id", None)))
        self.table.doubleClicked.connect(lambda _i: self.edit_visit())
        # the 单位 column (shown for 全部单位 only) reads first, where a prefecture looks for it
        self.table.horizontalHeader().moveSection(self.model.columnCount() - 1, 0)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.linkActivated.connect(self._open_link)
        self.detail.setContentsMargins(8, 6, 8, 6)
        detail_box = QScrollArea()
        detail_box.setWidgetResizable(True)
        detail_box.setWidget(self.detail)
        detail_box.setMinimumHeight(90)
        # the detail under the list, not beside it: the list takes the window's whole width, so its columns
        # read without a sideways scroll at 1280×800 (beside it, 参加人员 and 课题 sat off the right edge)
        split = list_and_detail(self.table, detail_box, (3, 1), (420, 150), vertical=True)
        # 乡镇、类型、方式、四不两直 are in the detail; the header's right-click menu shows them again
        choose_columns(self.table, "visits", (self.tr("乡镇"), self.tr("类型"), self.tr("方式"), self.tr("四不两直")),
                       fixed=(self.model.columnCount() - 1,))
        return split

    def _build_calendar(self) -> QWidget:
        """月历: the month's visits by day, the chosen day's listed under it."""
        self.calendar = MonthCalendar()
        self.calendar.monthChanged.connect(lambda y, m: self._load_month())
        self.calendar.grid.daySelected.connect(self._day_selected)
        self.calendar.grid.dayActivated.connect(self.new_visit_on)
        self.day_list = hint_label()
        cal = QWidget()
        cl = QVBoxLayout(cal)
        cl.addWidget(self.calendar, 1)
        cl.addWidget(self.day_list)
        return cal

    def _build_clashes(self) -> QWidget:
        """扎堆调研提醒: what it warns of, over the clashes found."""
        self.clash_model = DictRowsModel(clashes.clash_headers(scope.ALL), self)  # 单位 shown for 全部单位 only
        self.clash_table = table_view(self.clash_model)
        self.clash_hint = hint_label()
        return with_hint(self.clash_hint, self.clash_table)

    # ------------------------------------------------------------ loading

    def _year_changed(self) -> None:
        self.calendar.go(self.year.value(), self.calendar.grid.month)
        self.refresh()

    def refresh(self) -> None:
        """Reload everything shown for the year."""
        if not self.ctx.db.office_code:
            return
        year, office = self.year.value(), self.office
        with dialogs.guard(self) as done:
            self.items = visits.visit_infos(self.ctx.db, year, office=office)
            report = clashes.clash_report(self.ctx.db, year, office=office)
            window = clashes.clash_window(self.ctx.db)
            self._whose = scope.scope_label(self.ctx.db, office) if office else ""
            whose = self._whose + " · " if office else ""
            names = office_names(self.ctx.db) if office == scope.ALL else {}
        if not done.ok:
            return
        self.model.office_names = names
        self.table.setColumnHidden(self.model.columnCount() - 1, office != scope.ALL)
        self._show_items()
        QTimer.singleShot(0, self._scroll_to_this_month)  # after the view has its size (first show)
        person_days = sum(v.days * (1 + len(v.participant_ids)) for v in self.items)
        self.subtitle.setText(whose + self.tr("%1年度共 %2 次调研，%3 人次·天；四不两直 %4 次；扎堆调研提醒 %5 处")
                              .replace("%1", str(year)).replace("%2", str(len(self.items)))
                              .replace("%3", str(person_days))
                              .replace("%4", str(sum(1 for v in self.items if v.unannounced)))
                              .replace("%5", str(len(report))))
        self.clash_table.setColumnHidden(0, office != scope.ALL)
        self.clash_model.set_items(report)
        fit_columns(self.clash_table)
        self.clash_hint.setText(self.tr("不同科室在 ±%1 天内到同一地点或同一乡镇调研的情况（可点击“提醒间隔”调整天数），"
                                        "请统筹安排，避免扎堆调研、重复调研增加基层负担。").replace("%1", str(window))
                                + ("" if report else self.tr("本年度暂无。")))
        self.days.set_office(office)
        self.days.set_year(year)
        self.crowding.show_year(year, office)
        self._load_month()
        self._select(self.selected if any(v.id == self.selected for v in self.items) else None)

    def focus_search(self) -> None:
        """Ctrl+F: to the 查找 box, on the list."""
        self.tabs.setCurrentIndex(0)
        self.find.setFocus()
        self.find.selectAll()

    def _show_items(self) -> None:
        """The year's visits holding every word typed in 查找."""
        text = self.find.text()
        self.model.set_items([v for v in self.items if find.visit_matches(v, text)])
        fit_columns(self.table)

    def _scroll_to_this_month(self) -> None:
        """The list runs from January: bring the first visit from today on into view (the year's last one in
        a year already over), so the weeks a clerk plans are on screen, not at the bottom."""
        today = dt.date.today()
        shown = [self.model.item(r) for r in range(self.model.rowCount())]
        later = [r for r, v in enumerate(shown) if v is not None and v.end_date >= today]
        if later or shown:
            row = later[0] if later else len(shown) - 1
            self.table.scrollTo(self.model.index(row, 0), QTableView.ScrollHint.PositionAtTop)

    def _load_month(self) -> None:
        g = self.calendar.grid
        with dialogs.guard(self) as done:
            shown = visits.visit_infos(self.ctx.db, g.year, g.month, office=self.office)
        if done.ok:
            self.calendar.set_visits(shown)

    def current(self) -> VisitInfo | None:
        """The selected visit."""
        return next((v for v in self.items if v.id == self.selected), None)

    def _select(self, visit_id: str | None) -> None:
        self.selected = visit_id
        row = self.model.row_of(lambda v: v.id == visit_id)
        if row >= 0 and self.table.currentIndex().row() != row:
            self.table.selectRow(row)
        v = self.current()
        own = self.own()
        why = None if own else self.tr("正在查看其他单位的调研安排：由该单位录入和修改，本单位只能查看、打印和导出。"
                                       "切换到“本单位”后可新建或修改。")
        pick = None if v is not None else need_selection(self.tr("次调研"))
        for key in ("edit", "attach", "issue", "remove"):
            set_enabled(self.buttons[key], why or pick)
        set_enabled(self.buttons["done"], why or pick or (self.tr("这次调研已标记完成") if v and v.state == "done" else None))
        set_enabled(self.buttons["cancel"], why or pick
                    or (self.tr("这次调研已取消") if v and v.state == VisitState.CANCELLED else None))
        set_enabled(self.buttons["new"], why)
        self.detail.setText(self._detail_html(v))

    def _detail_html(self, v: VisitInfo | None) -> str:
        if v is None:
            return f"<p style='color:#5b6b7c'>{escape(self.tr('选择一次调研查看详情'))}</p>"
        rows = [(self.tr("单位"), self.model.office_names.get(v.office_code) or self._whose)] if self._whose else []
        state = v.state_label
        if v.state == "done" and v.actual_start and v.actual_end:
            state += self.tr("（实际 %1 至 %2）").replace("%1", fmt(v.actual_start)).replace("%2", fmt(v.actual_end))
        if v.not_counted:
            state += self.tr("；不计入基层天数：%1").replace("%1", v.not_counted)
        rows += [(self.tr("状态"), state),
                 (self.tr("日期"), f"{fmt(v.start_date)} 至 {fmt(v.end_date)}（{v.days}天）"),
                (self.tr("地点"), f"{v.place}（{v.township or '—'}，{v.place_type or '—'}）"),
                (self.tr("方式"), v.method + ("，四不两直" if v.unannounced and "四不两直" not in v.method else "")),
                (self.tr("带队"), v.lead_name), (self.tr("参加"), fmt(v.participant_names) or "—"),
                (self.tr("科室"), v.section_name), (self.tr("课题"), v.topic_title or "—"),
                (self.tr("附件"), "、".join(f"<a href='att:{a.sha256}'>{escape(a.name)}</a>"
                                           for a in v.attachments) or "—"),
                (self.tr("转入台账"), self.tr("%1 条").replace("%1", str(len(v.issue_ids))))]
        long_rows = [(self.tr("目的"), v.purpose or "—"), (self.tr("发现问题"), v.findings or "—")]

        def cells(k: str, val: str, span: int = 1) -> str:
            return (f"<td style='color:#5b6b7c;padding:2px 10px 2px 0;white-space:nowrap'>{escape(k)}</td>"
                    f"<td colspan={span} style='padding:2px 24px 2px 0'>"
                    f"{val if k == self.tr('附件') else escape(val)}</td>")
        # two facts a line (the detail sits under the list, wide and low); the long texts take a line each
        pairs = ["<tr>" + "".join(cells(k, val) for k, val in rows[i:i + 2]) + "</tr>" for i in range(0, len(rows), 2)]
        return ("<table>" + "".join(pairs) + "".join(f"<tr>{cells(k, val, 3)}</tr>" for k, val in long_rows)
                + "</table>")

    def _open_link(self, href: str) -> None:
        v = self.current()
        att = next((a for a in v.attachments if f"att:{a.sha256}" == href), None) if v else None
        if att is not None:
            open_attachment(self, self.ctx.data.attachments, att.sha256, att.name)

    def _day_selected(self, day: dt.date) -> None:
        on = self.calendar.grid.visits_on(day)
        if not on:
            hint = self.tr("%1 无调研安排（双击日期可新建）") if self.own() else self.tr("%1 无调研安排")
            self.day_list.setText(hint.replace("%1", day.isoformat()))
            return
        self.day_list.setText(day.isoformat() + "：" + "；".join(
            f"{v.section_name} {v.lead_name} {v.place}（{v.method or '—'}）" for v in on))
        self._select(on[0].id)

    # ------------------------------------------------------------ actions

    def print_list(self) -> None:
        """Preview and print this year's visit schedule (调研安排表)."""
        from ui.print.actions import print_list

        print_list(self, self.ctx, "visits", self.year.value(), office=self.office)

    def export_list(self) -> None:
        """Save the list on screen as .xlsx: the 基层天数 table on its tab, else the visits."""
        from ui.excel.actions import export_list

        kind = "days" if self.tabs.currentWidget() is self.days else "visits"
        export_list(self, self.ctx, kind, self.year.value(), office=self.office)

    def new_visit(self) -> None:
        """The visit dialog for a new visit."""
        self.new_visit_on(None)

    def new_visit_on(self, day: dt.date | None) -> None:
        """A new visit starting on ``day`` (from a double-click in the calendar)."""
        if not self.own():
            return  # another office's calendar: its visits are recorded there
        dlg = VisitDialog(self.ctx, year=self.year.value(), start=day, parent=self)
        if dlg.exec() and dlg.saved:
            self.selected = dlg.saved.visit.id

    def edit_visit(self) -> None:
        """Edit the selected visit."""
        v = self.current()
        if v is not None and self.own():
            VisitDialog(self.ctx, v, parent=self).exec()

    def attach(self) -> None:
        """Attach a file (minutes, photos, questionnaires) to the selected visit."""
        v = self.current()
        if v is None or not self.own():
            return
        path = dialogs.open_file(self, self.tr("选择附件"), self.tr("所有文件 (*)"))
        if not path:
            return
        with dialogs.guard(self) as done:
            visits.attach_file(self.ctx.db, self.ctx.actor, v.id, Path(path), self.ctx.data.attachments)
        if done.ok:
            notify(Kind.VISIT, [v.id])

    def to_ledger(self) -> None:
        """Turn a finding of the selected visit into a ledger item linked to the visit."""
        v = self.current()
        if v is None or not self.own():
            return
        # a second click must not quietly make a second copy of the same finding in the ledger
        if v.issue_ids and not dialogs.confirm(self, self.tr("本次调研已有 %1 条问题转入台账。仍要再转入一条吗？"
                                                              "（同一问题请勿重复转入）").replace("%1", str(len(v.issue_ids))),
                                               ok=self.tr("再转入一条")):
            return
        text = dialogs.ask_text(self, self.tr("转入问题台账的问题描述："), self.tr("发现问题转入台账"),
                                v.findings.splitlines()[0] if v.findings else "", multiline=True)
        if text is None:
            return
        with dialogs.guard(self) as done:
            visits.create_issue_from_finding(self.ctx.db, self.ctx.actor, v.id, text)
        if done.ok:
            dialogs.info(self, self.tr("已生成问题台账条目，来源为本次调研"))
            notify(Kind.ISSUE)
            notify(Kind.VISIT, [v.id])

    def set_window(self) -> None:
        """Change the ± days of the clash warning."""
        text = dialogs.ask_text(self, self.tr("不同科室到同一地点/乡镇调研，相隔多少天以内提醒（0–60）："),
                                self.tr("扎堆调研提醒间隔"), str(clashes.clash_window(self.ctx.db)))
        if text is None:
            return
        with dialogs.guard(self) as done:
            if not text.strip().isdigit():
                raise ValidationError(f"“{text}”不是整数", "请填写0到60之间的天数")
            clashes.set_clash_window(self.ctx.db, self.ctx.actor, int(text.strip()))
        if done.ok:
            self.refresh()

    def mark_done(self) -> None:
        """已完成: ask the actual dates (the planned ones offered), then mark the visit done."""
        v = self.current()
        if v is None or not self.own():
            return
        text = dialogs.ask_text(self, self.tr("实际起止日期（如与计划不同请修改），格式 2026-03-02 至 2026-03-05："),
                                self.tr("标记完成"), f"{v.start_date.isoformat()} 至 {v.end_date.isoformat()}")
        if text is None:
            return
        with dialogs.guard(self) as done:
            parts = [p.strip() for p in text.replace("～", "至").replace("~", "至").split("至")]
            try:
                start = dt.date.fromisoformat(parts[0])
                end = dt.date.fromisoformat(parts[1]) if len(parts) > 1 and parts[1] else start
            except ValueError:
                raise ValidationError(f"日期“{text}”无法识别", "请按 2026-03-02 至 2026-03-05 的格式填写") from None
            visit_state.set_state(self.ctx.db, self.ctx.actor, v.id, "done", start, end)
        if done.ok:
            notify(Kind.VISIT, [v.id])

    def cancel_visit(self) -> None:
        """已取消: after confirming; its days (planned or done) stop counting, the record stays."""
        v = self.current()
        if v is None or not self.own() or not dialogs.confirm(
                self, self.tr("取消 %1 到 %2 的调研？取消后不计入任何天数，记录保留，可编辑改回“计划”。")
                .replace("%1", fmt(v.start_date)).replace("%2", v.place), ok=self.tr("取消调研")):
            return
        with dialogs.guard(self) as done:
            visit_state.set_state(self.ctx.db, self.ctx.actor, v.id, VisitState.CANCELLED)
        if done.ok:
            notify(Kind.VISIT, [v.id])

    def remove(self) -> None:
        """Withdraw the selected visit (its days stop counting)."""
        v = self.current()
        if v is None or not self.own() or not dialogs.confirm(self, self.tr("删除 %1 到 %2 的调研？删除后不再计入基层天数。")
                                            .replace("%1", fmt(v.start_date)).replace("%2", v.place),
                                            danger=True, ok=self.tr("删除")):
            return
        with dialogs.guard(self) as done:
            visits.remove_visit(self.ctx.db, self.ctx.actor, v.id)
        if done.ok:
            self.selected = None
            notify(Kind.VISIT, [v.id])
