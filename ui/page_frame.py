"""The scaffold every page shares, so that the title, the tool bar and the body sit in the same place on each.

``PageFrame`` lays a page out: the white title band (title, a subtitle line, a corner on the right such as
查找 and 查看范围), the tool bar rows under it, then the body. ``ScopedPage`` is the base of the pages that
a prefecture reads county by county (查看范围): the office selector, its corner, and the reload on the
change bus.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import current_year
from ui.office_scope import OfficeScopeCombo
from ui.signals import Kind, bus

#: (left, top, right, bottom) of the title band, the first tool bar row, a further row, and the body
HEADER_MARGINS = (24, 14, 24, 12)
BAR_MARGINS = (24, 10, 24, 4)
NEXT_BAR_MARGINS = (24, 4, 24, 4)
BODY_MARGINS = (24, 6, 24, 18)
#: the ledger keeps its height for rows: no band, the title on the tool bar, narrower margins
COMPACT_BAR_MARGINS = (12, 10, 12, 4)
COMPACT_BODY_MARGINS = (12, 2, 12, 10)

#: one tool bar button: (key in ``buttons``, text, slot)
ButtonSpec = tuple[str, str, Callable[[], object]]


def page_header(title: str, subtitle: str = "", corner: QWidget | None = None) -> tuple[QFrame, QLabel, QLabel]:
    """The white header band of a page; returns (band, title label, subtitle label).

    ``corner`` (e.g. the 查看范围 selector of a prefecture) sits at the band's right, off the crowded button bar.
    """
    band = QFrame()
    band.setObjectName("PageHeader")
    outer = QHBoxLayout(band)
    outer.setContentsMargins(*HEADER_MARGINS)
    lay = QVBoxLayout()
    lay.setContentsMargins(0, 0, 0, 0)
    t = QLabel(title)
    t.setObjectName("PageTitle")
    sub = QLabel(subtitle)
    sub.setObjectName("PageSubtitle")
    sub.setWordWrap(True)  # a long line (counts, a county's name, 查看范围 beside it) wraps: it never widens the window
    lay.addWidget(t)
    lay.addWidget(sub)
    outer.addLayout(lay, 1)
    if corner is not None:
        outer.addWidget(corner, 0, Qt.AlignmentFlag.AlignVCenter)
    return band, t, sub


class PageFrame:
    """A page's title band, tool bar rows and body, laid out on ``page`` (which must have no layout yet).

    ``toolbar_row()`` adds a tool bar row under the band (the page's year, filters and buttons, always there);
    ``body`` takes the page's content; ``margins=False`` lets tabs or a scroll area reach the edges.
    ``compact`` (the ledger) has no band: the title leads the first tool bar row.
    """

    def __init__(self, page: QWidget, title: str, subtitle: str = "", corner: QWidget | None = None, *,
                 margins: bool = True, compact: bool = False) -> None:
        self._layout = QVBoxLayout(page)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._compact = compact
        self._rows = 0
        self.header: QFrame | None = None
        if compact:
            self.title = QLabel(title)
            self.title.setObjectName("PageTitle")
            self.subtitle = QLabel(subtitle)
        else:
            self.header, self.title, self.subtitle = page_header(title, subtitle, corner)
            self._layout.addWidget(self.header)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(*((COMPACT_BODY_MARGINS if compact else BODY_MARGINS) if margins
                                       else (0, 0, 0, 0)))
        self._layout.addLayout(self.body, 1)

    def toolbar_row(self) -> QHBoxLayout:
        """A tool bar row under the band (the first, or one more under the last), above the body."""
        row = QHBoxLayout()
        first = COMPACT_BAR_MARGINS if self._compact else BAR_MARGINS
        row.setContentsMargins(*(first if self._rows == 0 else NEXT_BAR_MARGINS))
        self._layout.insertLayout(self._layout.count() - 1, row)
        if self._compact and self._rows == 0:
            row.addWidget(self.title)
            row.addSpacing(16)
        self._rows += 1
        return row

    @staticmethod
    def add_buttons(row: QHBoxLayout, specs: Iterable[ButtonSpec], *, primary: str = "new",
                    danger: str = "remove", stretch: bool = True) -> dict[str, QPushButton]:
        """One push button a spec on ``row``, keyed as given; ``primary`` is blue, ``danger`` red; then a stretch."""
        buttons: dict[str, QPushButton] = {}
        for key, text, slot in specs:
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
            buttons[key] = b
        if primary in buttons:
            buttons[primary].setObjectName("Primary")
        if danger in buttons:
            buttons[danger].setObjectName("Danger")
        if stretch:
            row.addStretch(1)
        return buttons


def hint_label(text: str = "") -> QLabel:
    """The grey line that says what a list shows, or what to do while it is empty."""
    label = QLabel(text)
    label.setObjectName("Hint")
    label.setWordWrap(True)
    return label


def with_hint(hint: QLabel, view: QWidget) -> QWidget:
    """``hint`` over ``view`` (a table and what it is about), as one widget for a tab."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.addWidget(hint)
    lay.addWidget(view, 1)
    return box


def list_and_detail(listing: QWidget, detail: QWidget, stretch: tuple[int, int] = (3, 1),
                    sizes: tuple[int, int] | None = None, vertical: bool = False) -> QSplitter:
    """A page's list and the selected row's detail, beside it (or under it) in a splitter the clerk can drag."""
    split = QSplitter(Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal)
    split.addWidget(listing)
    split.addWidget(detail)
    split.setStretchFactor(0, stretch[0])
    split.setStretchFactor(1, stretch[1])
    if sizes is not None:
        split.setSizes(list(sizes))
    return split


def year_box(ctx: AppContext) -> QSpinBox:
    """The 年度 selector of a page, on the office's campaign year."""
    box = QSpinBox()
    box.setRange(2000, 2100)
    box.setPrefix(QCoreApplication.translate("page", "年度 "))
    box.setValue(current_year(ctx.db) if ctx.db.office_code else dt.date.today().year)
    return box


def scope_corner(combo: QComboBox) -> QWidget:
    """查看范围 label and the office combo as one widget, shown only while the combo is (a prefecture)."""
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    label = QLabel(QCoreApplication.translate("work", "查看范围"))
    label.setObjectName("Hint")
    lay.addWidget(label)
    lay.addWidget(combo)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    sync_scope_corner(box, combo)
    return box


def sync_scope_corner(box: QWidget, combo: QComboBox) -> None:
    """Show the 查看范围 corner exactly when its combo is shown (after ``reload()``)."""
    box.setVisible(not combo.isHidden())


class ScopedPage(QWidget):
    """A page of this office's rows, or (a prefecture) of a county's or every county's, read-only.

    Subclasses build themselves, then call ``follow_changes()``: it connects the change bus and reads the
    rows (``refresh``). ``RELOAD_KINDS`` says which changes read them again.
    """

    #: the change-bus kinds after which the page reads its rows again
    RELOAD_KINDS: tuple[str, ...] = ()
    #: reads the rows again: each page defines it (there is no shared way to read them)
    refresh: Callable[[], None]

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # 查看范围: a prefecture office also lists each county's rows (read-only); hidden in a county
        self.office_combo = OfficeScopeCombo(ctx)
        self.office_combo.office_changed.connect(self._office_changed)
        self.scope_box = scope_corner(self.office_combo)

    def follow_changes(self) -> None:
        """Once built: reload on the change bus (a bound method: the connection dies with the page), and load."""
        bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, kind: str, _ids: list) -> None:
        self._follow_scope(kind)
        if kind in self.RELOAD_KINDS:
            self.refresh()

    def _follow_scope(self, kind: str) -> None:
        """Read the 查看范围 list again after a change that may have brought a county."""
        if kind in (Kind.ALL, Kind.OFFICE, Kind.SYNC) and self.ctx.db.office_code:
            self.office_combo.reload()  # a bundle may have brought a new county
            sync_scope_corner(self.scope_box, self.office_combo)
            self._scope_reloaded()

    def _scope_reloaded(self) -> None:
        """After the 查看范围 list was read again (a page showing more for a prefecture adjusts here)."""

    @property
    def office(self) -> str:
        """The scope shown: "" this office, a county's code, or ``scope.ALL`` (prefecture only)."""
        return self.office_combo.current_office()

    def own(self) -> bool:
        """True while this office's own rows are shown (the only ones it may change)."""
        return not self.office

    def _office_changed(self, _office: str) -> None:
        self.refresh()
