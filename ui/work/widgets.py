"""Small widgets shared by the work dialogs: date helpers, a checkable people list, an inline error label."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableView,
    QWidget,
)

from desktop_app.org.organisation import PersonInfo
from ui import layout_memory

ID_ROLE = Qt.ItemDataRole.UserRole


def to_qdate(d: dt.date) -> QDate:
    """A Python date as a QDate."""
    return QDate(d.year, d.month, d.day)


def from_qdate(q: QDate) -> dt.date:
    """A QDate as a Python date."""
    return dt.date(q.year(), q.month(), q.day())


def date_edit(d: dt.date, parent: QWidget | None = None) -> QDateEdit:
    """A date field with a calendar pop-up, shown as 2026-03-05."""
    w = QDateEdit(to_qdate(d), parent)
    w.setCalendarPopup(True)
    w.setDisplayFormat("yyyy-MM-dd")
    return w


def select_data(combo: QComboBox, value: object) -> None:
    """Select the combo entry whose data is ``value`` (the first entry when absent)."""
    i = combo.findData(value)
    combo.setCurrentIndex(i if i >= 0 else 0)


class CheckList(QListWidget):
    """A short list of checkable entries, each with an id (people, methods)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaximumHeight(150)

    def set_entries(self, entries: Iterable[tuple[str, str]], checked: Iterable[str] = ()) -> None:
        """Fill with (id, label) pairs; ``checked`` ids start ticked."""
        ticked = set(checked)
        self.clear()
        for key, label in entries:
            it = QListWidgetItem(label)
            it.setData(ID_ROLE, key)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if key in ticked else Qt.CheckState.Unchecked)
            self.addItem(it)

    def set_checked(self, ids: Iterable[str]) -> None:
        """Tick exactly ``ids``."""
        wanted = set(ids)
        for i in range(self.count()):
            it = self.item(i)
            it.setCheckState(Qt.CheckState.Checked if it.data(ID_ROLE) in wanted else Qt.CheckState.Unchecked)

    def checked_ids(self) -> list[str]:
        """The ticked ids, in list order."""
        return [self.item(i).data(ID_ROLE) for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]


def people_entries(people: Sequence[PersonInfo]) -> list[tuple[str, str]]:
    """(id, "姓名（科室·职务）") for a people list."""
    return [(p.id, f"{p.name}（{p.section_name}{'·' + p.post if p.post else ''}）") for p in people]


def people_combo(people: Sequence[PersonInfo], none_label: str) -> QComboBox:
    """A drop-down of people, leaders first, as "姓名（科室）" with the id as data; first ``none_label`` (None)."""
    combo = QComboBox()
    combo.addItem(none_label, None)
    for p in sorted(people, key=lambda p: not p.is_leader):
        combo.addItem(f"{p.name}（{p.section_name}）", p.id)
    return combo


class ErrorLabel(QLabel):
    """The red line under a form that says what to fix (hidden while there is nothing to say)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ErrorText")
        self.setWordWrap(True)
        self.hide()

    def show_text(self, text: str) -> None:
        """Show ``text``; an empty text hides the label."""
        self.setText(text)
        self.setVisible(bool(text))


def find_box(placeholder: str, on_change: Callable[[], None]) -> QLineEdit:
    """The 查找 box of a list page: every change of its text calls ``on_change``."""
    box = QLineEdit()
    box.setPlaceholderText(placeholder)
    box.setClearButtonEnabled(True)
    box.setMinimumWidth(200)
    box.textChanged.connect(lambda _t: on_change())
    return box


def find_corner(find: QWidget, scope_box: QWidget) -> QWidget:
    """The header band's right side: the 查找 box, then the 查看范围 selector (off the crowded button bar)."""
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(16)
    lay.addWidget(find)
    lay.addWidget(scope_box)
    return box


def table_view(model: object, parent: QWidget | None = None) -> QTableView:
    """A read-only, row-selecting table over ``model``."""
    t = QTableView(parent)
    t.setModel(model)  # type: ignore[arg-type]
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    t.horizontalHeader().setMaximumSectionSize(360)  # long titles elide instead of pushing columns away
    return t


#: rows measured when fitting columns (Qt measures up to 1000; a sample is as good and keeps a year's list quick)
FIT_SAMPLE_ROWS = 200
#: room left beside the widest text of a column: sized flush, a slightly wider font (another PC's
#: scaling, bold) turned “格朗和乡” into “格朗和…”
FIT_PAD = 14


def fit_columns(view: QTableView, sample_rows: int = FIT_SAMPLE_ROWS, pad: int = FIT_PAD) -> None:
    """Size every shown column to its header and the first ``sample_rows`` rows, plus ``pad`` pixels — unless the
    clerk set the widths (kept across restarts by ui.layout_memory)."""
    if layout_memory.kept(view):
        return
    header = view.horizontalHeader()
    header.setResizeContentsPrecision(sample_rows)
    with layout_memory.fitting(view):
        view.resizeColumnsToContents()
        for col in range(header.count()):
            if not view.isColumnHidden(col):
                view.setColumnWidth(col, min(view.columnWidth(col) + pad, header.maximumSectionSize()))


def open_attachment(parent: QWidget | None, attachments_dir: object, sha256: str, name: str) -> None:
    """Open a stored attachment with the program the system uses for its kind of file."""
    from pathlib import Path

    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    from desktop_app.core import attachments
    from ui import dialogs

    with dialogs.guard(parent) as done:
        path = attachments.readable_copy(Path(str(attachments_dir)), sha256, name)
    if done.ok and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        dialogs.info(parent, QCoreApplication.translate("work", "无法自动打开，文件已保存在：") + str(path))
