"""设置 › 节假日: the working-day holiday table of one year — edit, delete, import from Excel, seed.

The ledger counts 工作日 deadlines on this table; a year it does not cover is
counted Monday–Friday, so the tab says so plainly for such a year. In a county the
table may hold days its prefecture sent down: each day says where it came from
(来源) and which other office's day it overrides (覆盖). A day this office changed
over the prefecture's table or the built-in calendar can be taken back (撤销本单位修改,
button and context menu), so the day follows the prefecture's table again. A second
warning names the codes when a prefecture's table is here but not counted (a mistyped
or missing 上级单位代码).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app import calendar as workdays
from desktop_app.calendar import KINDS, HolidayDay
from desktop_app.calendar.notice import NoticeParse
from desktop_app.core.context import AppContext
from desktop_app.ledger.calendar_saves import NoticeSaved, save_days, save_notice
from desktop_app.ledger.estimates import coming_year_warning, moved_summary
from desktop_app.org import organisation
from ui import dialogs
from ui.enabling import set_enabled
from ui.form_dialog import FormDialog
from ui.rows_model import RowsTableModel, cell_columns
from ui.settings.notice_dialog import NoticeDialog, moved_text
from ui.settings.widgets import button, selected_row, table
from ui.signals import Kind, bus, notify

_Index = QModelIndex | QPersistentModelIndex


class HolidayModel(QAbstractTableModel):
    """One year's exceptional days (about 40 rows, so a plain list is enough)."""

    HEADERS = ("日期", "类型", "名称", "来源", "已核对", "覆盖")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.days: list[HolidayDay] = []

    def set_days(self, days: list[HolidayDay]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.days = list(days)
        self.endResetModel()

    def day(self, row: int) -> HolidayDay | None:
        """The day at ``row`` (None when out of range)."""
        return self.days[row] if 0 <= row < len(self.days) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self.days)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.days)):
            return None
        d = self.days[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            weekday = "一二三四五六日"[d.date.weekday()]
            cells = (f"{d.date.isoformat()}（周{weekday}）", d.kind_label, d.name,
                     f"{d.origin} · {'已删除' if d.removed else d.source_label}",
                     "是" if d.verified else "否", d.overrides)
            return cells[index.column()] if 0 <= index.column() < len(cells) else None
        if role == Qt.ItemDataRole.ToolTipRole and d.overrides:
            tip = self.tr("这一天按“%1”的记录计算，覆盖了：%2").replace("%1", d.origin).replace("%2", d.overrides)
            if d.can_revert:
                tip += self.tr("\n可用“撤销本单位修改”（按钮或右键菜单）改回。")
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and d.origin != "本单位" and index.column() == 3:
            return QBrush(QColor("#1d5fa8"))  # a day sent down by the parent office
        if role == Qt.ItemDataRole.ForegroundRole and d.can_revert and index.column() in (1, 5):
            return QBrush(QColor("#a15c00"))  # this office's own change over another's day: can be taken back
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None


class HolidayDialog(FormDialog):
    """添加/修改 one day: date, type, name. ``value()`` gives (date, kind, name).

    ``save`` (set by the caller) stores the form on 确定; the form closes only when it returns True,
    so a refusal (or a 取消 in the confirmation it asks) leaves what the clerk typed on screen.
    """

    def __init__(self, day: HolidayDay | None, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.save: Callable[[dt.date, str, str], bool] | None = None
        self.setWindowTitle(self.tr("修改节假日") if day else self.tr("添加节假日"))
        self.setMinimumWidth(360)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        start = day.date if day else dt.date(year, 1, 1)
        self.date.setDate(QDate(start.year, start.month, start.day))
        self.kind = QComboBox()
        for code, label in KINDS.items():
            self.kind.addItem(self.tr(label), code)
        if day:
            self.kind.setCurrentIndex(max(0, self.kind.findData(day.kind)))
        self.name = QLineEdit(day.name if day else "")
        self.name.setPlaceholderText(self.tr("例如 春节"))
        form = QFormLayout()
        form.addRow(self.tr("日期"), self.date)
        form.addRow(self.tr("类型"), self.kind)
        form.addRow(self.tr("名称"), self.name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)

    def accept(self) -> None:
        """Close only once the day is stored (no ``save``: close at once)."""
        if self.save is None or self.save(*self.value()):
            super().accept()

    def value(self) -> tuple[dt.date, str, str]:
        """The entered (date, kind, name)."""
        q = self.date.date()
        return dt.date(q.year(), q.month(), q.day()), str(self.kind.currentData()), self.name.text().strip()


class ImportPreviewDialog(QDialog):
    """The rows read from a spreadsheet, shown before anything is written."""

    def __init__(self, path: str, rows: list[tuple[dt.date, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: writes the rows on 导入; the preview closes only when it returns True (a refusal keeps it open)
        self.save: Callable[[list[tuple[dt.date, str, str]]], bool] | None = None
        self.setWindowTitle(self.tr("导入节假日表"))
        self.resize(520, 420)
        self.rows = rows
        self.model = RowsTableModel(cell_columns([self.tr("日期"), self.tr("类型"), self.tr("名称")]), self)
        self.model.set_keyed([(d, (d.isoformat(), KINDS[k], n)) for d, k, n in rows])
        lead = QLabel(self.tr("从“%1”读到 %2 天，确认后全部导入（同一日期以导入的为准）：")
                      .replace("%1", Path(path).name).replace("%2", str(len(rows))))
        lead.setWordWrap(True)
        self.buttons = dialogs.ok_cancel(self, self.tr("导入"))
        lay = QVBoxLayout(self)
        lay.addWidget(lead)
        lay.addWidget(table(self.model, self), 1)
        lay.addWidget(self.buttons)

    def accept(self) -> None:
        """Close only once the rows are written (no ``save``: close at once)."""
        if self.save is None or self.save(self.rows):
            super().accept()


class HolidaysTab(QWidget):
    """节假日 — the calendar the ledger's 工作日 deadlines are counted on."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: HolidayDialog | None = None
        self.preview: ImportPreviewDialog | None = None
        self.notice: NoticeDialog | None = None
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setSuffix(self.tr(" 年"))
        with dialogs.guard(self) as done:
            current = organisation.current_year(ctx.db)
        self.year.setValue(current if done.ok else dt.date.today().year)
        self.year.valueChanged.connect(self.refresh)
        self._build_warnings()
        self._build_table()
        self._build_buttons()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年份")))
        top.addWidget(self.year)
        hint = QLabel(self.tr("只列出例外的日子：法定节假日（休息日）和调休上班的周末；其余周一至周五为工作日。"
                              "上级下发的节假日表优先于内置日历，本单位修改的日子又优先于下发的；"
                              "本单位的修改可用“撤销本单位修改”改回。"))
        hint.setWordWrap(True)
        hint.setObjectName("PageSubtitle")
        top.addWidget(hint, 1)
        lay.addLayout(top)
        lay.addWidget(self.coming_warning)
        lay.addWidget(self.warning)
        lay.addWidget(self.upstream_warning)
        lay.addWidget(self.view, 1)
        row = QHBoxLayout()
        for w in (self.notice_btn, self.import_btn, self.seed_btn):
            row.addWidget(w)
        row.addStretch(1)
        for w in (self.add_btn, self.edit_btn, self.revert_btn, self.remove_btn):
            row.addWidget(w)
        lay.addLayout(row)
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _build_warnings(self) -> None:
        """The bands over the table: a year's table missing, a prefecture's table not counted, next year's."""
        self.warning = QLabel()
        self.warning.setObjectName("Warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("QLabel { color: #8a5300; background: #fff4e0; border: 1px solid #f0c36d;"
                                   " border-radius: 4px; padding: 6px 10px; }")
        # a prefecture's table here but not counted (a mistyped or missing parent code)
        self.upstream_warning = QLabel()
        self.upstream_warning.setObjectName("Warning")
        self.upstream_warning.setWordWrap(True)
        self.upstream_warning.setStyleSheet(self.warning.styleSheet())
        self.coming_warning = QLabel()
        self.coming_warning.setObjectName("Warning")
        self.coming_warning.setWordWrap(True)
        self.coming_warning.setStyleSheet("QLabel { color: #9b1c1c; background: #fdecea; border: 1px solid #e57373;"
                                          " border-radius: 4px; padding: 6px 10px; font-weight: bold; }")

    def _build_table(self) -> None:
        """The year's exceptional days, with 修改, 删除 and 撤销本单位修改 on its context menu."""
        self.model = HolidayModel(self)
        self.view = table(self.model, self)  # type: ignore[arg-type]  # any table model will do
        self.view.doubleClicked.connect(self.edit_selected)
        # the same actions as the buttons, on the table's context menu
        self.edit_action = QAction(self.tr("修改…"), self.view)
        self.edit_action.triggered.connect(self.edit_selected)
        self.remove_action = QAction(self.tr("删除"), self.view)
        self.remove_action.triggered.connect(self.remove_selected)
        self.revert_action = QAction(self.tr("撤销本单位修改（恢复上级设置）"), self.view)
        self.revert_action.triggered.connect(self.revert_selected)
        self.view.addActions([self.edit_action, self.remove_action, self.revert_action])
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.selectionModel().selectionChanged.connect(self._update_actions)

    def _build_buttons(self) -> None:
        """Filling the table (通知, Excel, 内置日历) and editing a day (添加, 修改, 撤销, 删除)."""
        self.add_btn = button(self.tr("添加…"), primary=True)
        self.add_btn.clicked.connect(self.open_add)
        self.edit_btn = button(self.tr("修改…"))
        self.edit_btn.clicked.connect(self.edit_selected)
        self.remove_btn = button(self.tr("删除"), danger=True)
        self.remove_btn.clicked.connect(self.remove_selected)
        self.revert_btn = button(self.tr("撤销本单位修改"))
        self.revert_btn.setToolTip(self.tr("恢复上级设置：这一天改回按上级下发的节假日表（没有时按内置日历）计算"))
        self.revert_btn.clicked.connect(self.revert_selected)
        self.import_btn = button(self.tr("从 Excel 导入…"))
        self.import_btn.clicked.connect(self.import_sheet)
        self.notice_btn = button(self.tr("粘贴放假通知…"))
        self.notice_btn.setToolTip(self.tr("粘贴国务院办公厅放假安排通知全文，逐日预览后保存为本单位节假日表"))
        self.notice_btn.clicked.connect(self.open_notice)
        self.seed_btn = button(self.tr("从内置日历补齐"))
        self.seed_btn.clicked.connect(self.seed)

    def _on_changed(self, kind: str, _ids: list) -> None:
        # the tab itself notifies Kind.ISSUE after its writes; a sync or restore may bring new days
        if kind in (Kind.ALL, Kind.SYNC, Kind.ISSUE, Kind.OFFICE):  # OFFICE: the parent code decides whose days count
            self.refresh()

    def refresh(self) -> None:
        """Reload the chosen year's days and whether the calendar covers that year."""
        year = self.year.value()
        with dialogs.guard(self) as done:
            days = workdays.list_days(self.ctx.db, year)
            cal = workdays.load_calendar(self.ctx.db)
            covered = year in cal.covered_years
            coming = coming_year_warning(cal)
            upstream_text = workdays.sent_down_warning(self.ctx.db)
        if not done.ok:
            return
        self.model.set_days(days)
        self.warning.setText(self.tr("节假日表未包含%1年的放假安排：该年的工作日将按周一至周五计算，"
                                     "直到录入或导入%1年的放假安排。").replace("%1", str(year)))
        self.warning.setVisible(not covered)
        # from November: the coming year's table is due (and this year's, if it is missing)
        self.coming_warning.setText(coming)
        self.coming_warning.setVisible(bool(coming))
        self.upstream_warning.setText(upstream_text)
        self.upstream_warning.setVisible(bool(upstream_text))
        self._update_actions()

    def _update_actions(self, *_args: object) -> None:
        # 撤销 only on a day this office changed over the parent's table or the built-in calendar
        day = self.selected()
        pick = None if day is not None else self.tr("请先在表中选中一天")
        unchanged = None if day is None or day.can_revert else self.tr("这一天没有本单位的修改，无需恢复")
        set_enabled(self.revert_btn, pick or unchanged)
        set_enabled(self.revert_action, pick or unchanged)
        set_enabled(self.edit_action, pick)
        set_enabled(self.remove_action, pick or (self.tr("这一天已删除") if day is not None and day.removed else None))
        self.remove_btn.setEnabled(day is None or not day.removed)  # none selected: the button says so

    def selected(self) -> HolidayDay | None:
        """The selected day, or None."""
        return self.model.day(selected_row(self.view))

    def _changed(self) -> None:
        # deadlines and colours in the ledger are counted on this table
        notify(Kind.ISSUE, [])

    def _keep_package_years(self) -> None:
        # An empty table is counted on the built-in calendar; the first hand-entered or imported
        # row would end that fallback and leave the package's years (this year, say) uncovered.
        # So write the built-in days first, keeping what the ledger counted.
        if not workdays.list_days(self.ctx.db):
            workdays.seed_from_package(self.ctx.db, self.ctx.actor)

    def open_add(self) -> None:
        """Open the form for a new day (open(), not exec(): tests fill it in)."""
        self.dialog = HolidayDialog(None, self.year.value(), self)
        dlg = self.dialog
        dlg.save = lambda d, kind, name: self.save(d, kind, name)
        dlg.open()

    def edit_selected(self) -> None:
        """Open the form for the selected day."""
        day = self.selected()
        if day is None:
            dialogs.info(self, self.tr("请先在列表中选择一天"))
            return
        self.dialog = HolidayDialog(day, self.year.value(), self)
        dlg = self.dialog
        dlg.save = lambda d, kind, name: self._save_edit(day, d, kind, name)
        dlg.open()

    def _save_edit(self, day: HolidayDay, d: dt.date, kind: str, name: str) -> bool:
        # moving a day the parent office sent down overrides it at its old date: say so first
        if d != day.date and day.origin != "本单位":
            text = self.tr("%1 是%2的日子。改到 %3 后，%1 在本单位按普通日计算（上级的记录不变，"
                           "以后可用“撤销本单位修改”改回）。继续？") \
                .replace("%1", day.date.isoformat()).replace("%2", day.origin).replace("%3", d.isoformat())
            if not dialogs.confirm(self, text):
                return False
        return self.save(d, kind, name, old=day.date)

    def save(self, d: dt.date, kind: str, name: str, old: dt.date | None = None) -> bool:
        """Write one day (and, when its date was changed, make the old date ordinary again)."""
        with dialogs.guard(self) as done:
            self._keep_package_years()
            if old is not None and old != d:  # one transaction: the new date written, the old one ordinary
                workdays.move_day(self.ctx.db, self.ctx.actor, old, d, kind, name)
            else:
                workdays.set_day(self.ctx.db, self.ctx.actor, d, kind, name)
        if done.ok:
            if d.year != self.year.value():
                self.year.setValue(d.year)  # show the day where it went
            self._changed()
        return done.ok

    def remove_selected(self) -> None:
        """Make the selected date an ordinary day again, after confirming."""
        day = self.selected()
        if day is None:
            dialogs.info(self, self.tr("请先在列表中选择一天"))
            return
        text = self.tr("删除 %1（%2 %3）？删除后这一天按普通的周一至周五规则计算。") \
            .replace("%1", day.date.isoformat()).replace("%2", day.kind_label).replace("%3", day.name)
        if day.origin != "本单位":
            text += self.tr("\n这是%1的日子：删除只对本单位生效，上级的记录不变，以后可用“撤销本单位修改”改回。") \
                .replace("%1", day.origin)
        elif day.overrides:
            text += self.tr("\n这一天也不再采用：%1。如要改回上级下发或内置日历的设置，请用“撤销本单位修改”。") \
                .replace("%1", day.overrides)
        if not dialogs.confirm(self, text, danger=True):
            return
        with dialogs.guard(self) as done:
            workdays.remove_day(self.ctx.db, self.ctx.actor, day.date)
        if done.ok:
            self._changed()

    def revert_selected(self) -> None:
        """撤销本单位修改 (恢复上级设置): after confirming, the selected day follows the parent office's
        table again (or, with no row there, the built-in calendar)."""
        day = self.selected()
        if day is None:
            dialogs.info(self, self.tr("请先在列表中选择一天"))
            return
        if not day.can_revert:
            dialogs.info(self, self.tr("%1 没有本单位对上级下发或内置日历的修改，无需撤销").replace("%1", day.date.isoformat()))
            return
        # the first day it overrides is the one that decides again (nearest parent first, the built-in last)
        back = day.overrides.split("；")[0]
        text = self.tr("撤销本单位对 %1 的修改（现为：%2）？\n撤销后这一天改按“%3”计算。") \
            .replace("%1", day.date.isoformat()).replace("%2", day.kind_label).replace("%3", back)
        if not dialogs.confirm(self, text):
            return
        with dialogs.guard(self) as done:
            workdays.revert_day(self.ctx.db, self.ctx.actor, day.date)
        if done.ok:
            self._changed()  # the tab reloads on the change it announces
            self._select(day.date)

    def _select(self, d: dt.date) -> None:
        row = next((i for i, x in enumerate(self.model.days) if x.date == d), -1)
        if row >= 0:
            self.view.selectRow(row)

    def import_sheet(self) -> None:
        """Read a holiday spreadsheet, preview it, then import it all (or nothing)."""
        path = dialogs.open_file(self, self.tr("选择节假日表"), self.tr("Excel 文件 (*.xlsx *.xls)"))
        if not path:
            return
        with dialogs.guard(self) as done:
            rows = workdays.read_holiday_sheet(Path(path))  # every bad row is named; nothing is returned then
        if not done.ok:
            return
        if not rows:
            dialogs.warn(self, self.tr("“%1”中没有读到任何日期，未导入").replace("%1", Path(path).name))
            return
        self.preview = ImportPreviewDialog(path, rows, self)
        dlg = self.preview
        dlg.save = self.do_import
        dlg.open()

    def do_import(self, rows: list[tuple[dt.date, str, str]]) -> bool:
        """Write previewed rows in one transaction."""
        with dialogs.guard(self) as done:
            self._keep_package_years()
            n, moved = save_days(self.ctx.db, self.ctx.actor, rows)
        if done.ok:
            years = sorted({d.year for d, _k, _n in rows})
            if self.year.value() not in years:
                self.year.setValue(years[0])
            self._changed()
            text = self.tr("已导入 %1 天").replace("%1", str(n))
            if moved:
                text += "\n" + moved_summary(list(moved))
            dialogs.info(self, text)
        return done.ok

    def open_notice(self) -> None:
        """Open the paste box for the 放假安排通知 (open(), not exec(): tests fill it in)."""
        self.notice = NoticeDialog(self)
        self.notice.save = self.save_notice
        self.notice.open()

    def save_notice(self, parsed: NoticeParse) -> NoticeSaved | None:
        """Save a previewed notice as this office's table; list the deadlines it moved."""
        if parsed.year in workdays.load_calendar(self.ctx.db).covered_years:
            text = self.tr("节假日表已有%1年的放假安排。用通知替换本单位%1年的内置或通知日期（手工录入的日子保留）？") \
                .replace("%1", str(parsed.year))
            if not dialogs.confirm(self, text):
                return None
        saved: NoticeSaved | None = None
        with dialogs.guard(self) as done:
            saved = save_notice(self.ctx.db, self.ctx.actor, parsed)
        if not done.ok or saved is None:
            return None
        if self.year.value() != parsed.year:
            self.year.setValue(parsed.year)
        self._changed()
        dialogs.info(self, moved_text(saved))
        return saved

    def seed(self) -> None:
        """Fill the years the table lacks from the built-in chinese_calendar data."""
        with dialogs.guard(self) as done:
            added = workdays.seed_from_package(self.ctx.db, self.ctx.actor)
        if not done.ok:
            return
        if added:
            self._changed()
            dialogs.info(self, self.tr("已从内置日历补齐 %1 天").replace("%1", str(added)))
        else:
            dialogs.info(self, self.tr("内置日历没有可补充的年份（已有的年份不会被覆盖）"))
