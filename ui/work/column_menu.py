"""显示的列 — right-click a table's header to choose its columns; the choice is kept on this PC (QSettings).

A wide list (调研安排 has a dozen columns) cannot show every column readably in a 1280-wide window. The
columns a clerk reads across stay; the ones the detail pane repeats start hidden, and the header's menu
brings any of them back. The choice is stored by column title, so a column added later does not shift it.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTableView

from ui import layout_memory, prefs


def _title(view: QTableView, col: int) -> str:
    return str(view.model().headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")


def _key(name: str) -> str:
    return f"columns/{name}/hidden"


def hidden_titles(name: str, default: Iterable[str]) -> list[str]:
    """The titles of the columns hidden in table ``name`` (the stored choice, else ``default``)."""
    stored = prefs.settings().value(_key(name))
    if stored is None:
        return list(default)
    if isinstance(stored, str):  # QSettings gives a one-item list back as a string
        return [stored] if stored else []
    return [str(t) for t in stored] if isinstance(stored, list) else list(default)


def choose_columns(view: QTableView, name: str, default_hidden: Iterable[str], fixed: Iterable[int] = ()) -> None:
    """Hide the chosen columns of ``view`` now and let its header's context menu change the choice.

    ``fixed`` columns are the page's own business (the 单位 column shown for 全部单位 only): never listed.
    """
    header = view.horizontalHeader()
    fixed_cols = set(fixed)
    default = list(default_hidden)

    def hide(titles: set[str]) -> None:
        for col in range(view.model().columnCount()):
            if col not in fixed_cols:
                view.setColumnHidden(col, _title(view, col) in titles)

    hide(set(hidden_titles(name, default)))
    layout_memory.on_reset(view, lambda: hide(set(default)))  # 重置界面布局: the columns shown at first

    def toggle(col: int, shown: bool) -> None:
        view.setColumnHidden(col, not shown)
        if shown:
            view.resizeColumnToContents(col)
        titles = [_title(view, c) for c in range(view.model().columnCount())
                  if c not in fixed_cols and view.isColumnHidden(c)]
        prefs.set_value(_key(name), titles)
        layout_memory.touched(view)  # the header's state (widths, order, hidden) is stored too

    def menu(pos: QPoint) -> None:
        m = QMenu(view)
        m.setToolTipsVisible(True)
        title = m.addAction(QCoreApplication.translate("columns", "显示的列（本机记住）"))
        title.setEnabled(False)
        title.setToolTip(QCoreApplication.translate("columns", "勾选要在表中显示的列"))
        for col in range(view.model().columnCount()):
            if col in fixed_cols:
                continue
            act = QAction(_title(view, col), m)
            act.setCheckable(True)
            act.setChecked(not view.isColumnHidden(col))
            act.toggled.connect(lambda on, c=col: toggle(c, on))
            m.addAction(act)
        m.popup(header.mapToGlobal(pos))
        view.setProperty("columnMenu", m)  # kept for tests (the menu is not modal)

    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(menu)
    header.setToolTip(QCoreApplication.translate("columns", "右键点击表头，选择显示哪些列"))
