"""界面布局 — every page's splitters and table headers come back as the clerk left them (kept on this PC).

One call per widget: ``remember_splitter(splitter, key)`` and ``remember_header(view, key)``; a page built by
the main window gets both for all its splitters and tables through ``remember_page(page, page_key)``, the
keys named after the attribute that holds the widget (``ledger/LedgerPage.table``).

A state is written a moment after the clerk changes it (a splitter dragged, a column widened, moved, sorted
or hidden) and once more when the window closes. A header state is stored with its column titles: one saved
under another column set (an older version, a page showing other columns) is ignored, never applied to the
wrong columns. Widths the clerk set are not fitted to the rows again (``kept``); a table nobody arranged
keeps fitting its columns to its text. 视图 › 重置界面布局 (``reset_all``) forgets every stored state and puts
the live widgets back as they were built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QSplitter, QTableView, QWidget

from ui import prefs

#: a change is written this long after the last drag step (a drag emits dozens of moves)
SAVE_DELAY_MS = 600
_KEPT = "fielddeskLayoutKept"
_FITTING = "fielddeskFitting"
_SEP = "\x1f"
_HOOKS = "_fielddesk_layout_reset_hooks"

_live: list[_Remembered] = []


class _Remembered(QObject):
    """The memory of one widget: its default state, the stored one, the pending save."""

    def __init__(self, widget: QWidget, key: str, save: Callable[[], None], apply_default: Callable[[], None]) -> None:
        super().__init__(widget)
        self.widget, self.key = widget, key
        self._save, self._apply_default = save, apply_default
        self.changed = False  # the clerk changed it since the start (or it was restored): worth storing
        self.pressed = False  # the mouse is held on the header: its resizes are the clerk's
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_DELAY_MS)
        self.timer.timeout.connect(self.save)
        _live.append(self)
        self.destroyed.connect(lambda *_a, me=self: _forget(me))

    def touched(self) -> None:
        """The clerk changed the layout: store it shortly."""
        self.changed = True
        self.timer.start()

    def save(self) -> None:
        """Write the state now (when it is the clerk's)."""
        self.timer.stop()
        if self.changed:
            self._save()

    def reset(self) -> None:
        """Back to the layout the widget was built with; nothing stored."""
        self.timer.stop()
        self.changed = False
        self._apply_default()
        for hook in getattr(self.widget, _HOOKS, []):
            hook()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Follow the mouse on a header: a drag of a column's edge or a double-click on it is the clerk's."""
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self.pressed = True
        elif event.type() == QEvent.Type.MouseButtonRelease:
            self.pressed = False
        return False


def _forget(entry: _Remembered) -> None:
    if entry in _live:
        _live.remove(entry)


def _splitter_keys(key: str) -> tuple[str, str]:
    return f"layout/{key}/splitter", f"layout/{key}/panes"


def remember_splitter(splitter: QSplitter, key: str) -> None:
    """Restore ``splitter``'s stored sizes (when it still has as many panes) and store them when dragged."""
    state_key, count_key = _splitter_keys(key)
    default = splitter.saveState()

    def save() -> None:
        prefs.set_value(state_key, splitter.saveState())
        prefs.set_value(count_key, splitter.count())

    def apply_default() -> None:
        splitter.restoreState(default)

    entry = _Remembered(splitter, key, save, apply_default)
    stored = prefs.get_bytes(state_key)
    if stored is not None and _int(prefs.settings().value(count_key)) == splitter.count():
        entry.changed = splitter.restoreState(stored)
    splitter.splitterMoved.connect(lambda *_a: entry.touched())


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def column_titles(view: QTableView) -> list[str]:
    """The header titles of ``view``'s model, in the model's order (the column set a state belongs to)."""
    model = view.model()
    if model is None:
        return []
    return [str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
            for c in range(model.columnCount())]


def _header_keys(key: str) -> tuple[str, str]:
    return f"layout/{key}/header", f"layout/{key}/columns"


def kept(view: QTableView) -> bool:
    """Whether ``view``'s column widths are the clerk's (restored or set by hand): not fitted to the rows again."""
    return bool(view.property(_KEPT))


def fit_to_contents(view: QTableView) -> None:
    """``resizeColumnsToContents`` unless the clerk's widths are kept."""
    if kept(view):
        return
    view.setProperty(_FITTING, True)
    try:
        view.resizeColumnsToContents()
    finally:
        view.setProperty(_FITTING, False)


def fitting(view: QTableView) -> _Fitting:
    """``with fitting(view):`` around code sizing the columns itself: those resizes are not the clerk's."""
    return _Fitting(view)


class _Fitting:
    def __init__(self, view: QTableView) -> None:
        self.view = view

    def __enter__(self) -> None:
        self.view.setProperty(_FITTING, True)

    def __exit__(self, *_exc: object) -> None:
        self.view.setProperty(_FITTING, False)


def remember_header(view: QTableView, key: str) -> None:
    """Restore ``view``'s stored column widths, order and sort; store them when the clerk changes them.

    A stored state whose column titles differ from the model's (another column set) is ignored. A model with no
    columns yet is restored when its columns arrive. Which columns are hidden stays as the page set it (its own
    rule, and the 显示的列 choice ui.work.column_menu keeps by title).
    """
    header = view.horizontalHeader()
    state_key, columns_key = _header_keys(key)
    default = header.saveState()

    def save() -> None:
        titles = column_titles(view)
        if titles:
            prefs.set_value(state_key, header.saveState())
            prefs.set_value(columns_key, _SEP.join(titles))

    def apply_default() -> None:
        header.restoreState(default)
        view.setProperty(_KEPT, False)

    entry = _Remembered(view, key, save, apply_default)
    pending = [True]

    def restore() -> None:
        titles = column_titles(view)
        if not pending[0] or not titles:
            return
        pending[0] = False
        stored = prefs.get_bytes(state_key)
        if stored is None or prefs.get_text(columns_key) != _SEP.join(titles):
            return  # nothing stored, or stored for another set of columns
        # which columns show is the page's (a prefecture's 单位 column for 全部单位) and the 显示的列 menu's (kept by
        # title): both were applied before this, and a stored state must not undo them
        hidden = [header.isSectionHidden(c) for c in range(header.count())]
        if header.restoreState(stored):
            for c, was in enumerate(hidden):
                header.setSectionHidden(c, was)
            entry.changed = True
            view.setProperty(_KEPT, True)
            if view.isSortingEnabled() and header.sortIndicatorSection() >= 0:
                view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def resized(logical: int, _old: int, _new: int) -> None:
        if view.property(_FITTING) or not entry.pressed or not _resizable(header, logical):
            return  # the page fitting its columns, or the stretched last column following the view's width
        view.setProperty(_KEPT, True)
        entry.touched()

    header.viewport().installEventFilter(entry)
    restore()
    if pending[0] and view.model() is not None:
        view.model().modelReset.connect(restore)
        view.model().columnsInserted.connect(restore)
    header.sectionResized.connect(resized)
    header.sectionMoved.connect(lambda *_a: entry.touched())
    header.sortIndicatorChanged.connect(lambda *_a: entry.touched() if view.isSortingEnabled() else None)
    view.setProperty("fielddeskLayoutKey", key)


def _resizable(header: QHeaderView, logical: int) -> bool:
    """Whether the clerk can size a section: an interactive one, not the last one stretched to the view's width."""
    if header.sectionResizeMode(logical) != QHeaderView.ResizeMode.Interactive:
        return False
    last = max((i for i in range(header.count()) if not header.isSectionHidden(i)),
               key=header.visualIndex, default=-1)
    return not (header.stretchLastSection() and logical == last)


def _entries(widget: QWidget) -> list[_Remembered]:
    return [e for e in _live if e.widget is widget]


def on_reset(widget: QWidget, hook: Callable[[], None]) -> None:
    """Run ``hook`` after 重置界面布局 put ``widget`` back (the 显示的列 menu re-hides its default columns);
    ``widget`` may be remembered later (the page registers its tables once it is built)."""
    setattr(widget, _HOOKS, [*getattr(widget, _HOOKS, []), hook])


def touched(view: QWidget) -> None:
    """The clerk changed ``view``'s layout some other way (the 显示的列 menu): store it shortly."""
    for entry in _entries(view):
        if isinstance(view, QTableView):
            view.setProperty(_KEPT, True)
        entry.touched()


def _attribute_names(page: QWidget) -> dict[int, str]:
    """``id(widget) -> "Owner.attribute"`` for the widgets held as attributes by the page and its children."""
    names: dict[int, str] = {}
    for owner in [page, *page.findChildren(QWidget)]:
        for attr, value in vars(owner).items():
            if isinstance(value, (QSplitter, QTableView)) and id(value) not in names:
                names[id(value)] = f"{type(owner).__name__}.{attr}"
    return names


def remember_page(page: QWidget, page_key: str) -> int:
    """Remember every splitter and table of a freshly built page; returns how many widgets are remembered.

    Keys name the attribute holding the widget (``visits/VisitsPage.table``); a splitter held in no attribute is
    numbered in the order the page built it (``visits/VisitsPage.splitter1``). Qt's own inner views (a
    calendar's grid) are left alone.
    """
    names = _attribute_names(page)
    counts: dict[str, int] = {}
    n = 0
    for widget in page.findChildren(QWidget):
        if not isinstance(widget, (QSplitter, QTableView)) or widget.objectName().startswith("qt_"):
            continue
        name = names.get(id(widget))
        if name is None:
            owner = _owner_name(widget, page)
            kind = "splitter" if isinstance(widget, QSplitter) else "table"
            counts[f"{owner}.{kind}"] = counts.get(f"{owner}.{kind}", 0) + 1
            name = f"{owner}.{kind}{counts[f'{owner}.{kind}']}"
        if isinstance(widget, QSplitter):
            remember_splitter(widget, f"{page_key}/{name}")
        else:
            remember_header(widget, f"{page_key}/{name}")
        n += 1
    return n


def _owner_name(widget: QWidget, page: QWidget) -> str:
    """The class of the nearest ancestor that is one of ours (not a Qt class): the tab or panel built it."""
    parent = widget.parentWidget()
    while parent is not None and parent is not page and type(parent).__module__.startswith("PySide6"):
        parent = parent.parentWidget()
    return type(parent or page).__name__


def save_all() -> None:
    """Write every pending change now (the window is closing)."""
    for entry in list(_live):
        entry.save()


def reset_all() -> None:
    """重置界面布局: forget every stored splitter and header state and the chosen columns; the live widgets go back
    to the layout they were built with."""
    prefs.forget_layouts()
    for entry in list(_live):
        entry.reset()


def stored_state(key: str) -> QByteArray | None:
    """The stored header state of ``key`` (for tests and diagnostics)."""
    return prefs.get_bytes(_header_keys(key)[0])
