"""Splitter positions and table layouts come back after a restart; an older column set is ignored; 视图 ›
重置界面布局 puts everything back."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QSplitter, QTableView, QWidget

from desktop_app.core.context import AppContext
from ui import layout_memory, prefs
from ui.main_window import MainWindow
from ui.navigation import PAGES


def _window(qtbot, ctx: AppContext) -> MainWindow:  # noqa: ANN001
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def _remembered(page: QWidget, key: str) -> QSplitter:
    [split] = [e.widget for e in layout_memory._live if e.key == key and page.isAncestorOf(e.widget)]
    assert isinstance(split, QSplitter)
    return split


def _drag_splitter(qtbot, split: QSplitter, dx: int) -> None:  # noqa: ANN001
    """Drag the first handle of ``split`` by ``dx`` pixels, as a clerk's mouse would."""
    handle = split.handle(1)
    middle = handle.rect().center()
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=middle)
    step = QPoint(dx, 0) if split.orientation() == Qt.Orientation.Horizontal else QPoint(0, dx)
    qtbot.mouseMove(handle, middle + step)
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=middle + step)


def _drag_column_edge(qtbot, view: QTableView, col: int, dx: int) -> None:  # noqa: ANN001
    """Drag the right edge of column ``col`` of ``view`` by ``dx`` pixels."""
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) - 1
    y = header.height() // 2
    vp = header.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    qtbot.mouseMove(vp, QPoint(x + dx, y))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=QPoint(x + dx, y))


def test_the_ledger_comes_back_as_the_clerk_left_it(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    w = _window(qtbot, ctx)
    page = w.show_page("ledger")
    [split] = page.findChildren(QSplitter)
    before = split.sizes()
    _drag_splitter(qtbot, split, -200)
    moved = split.sizes()
    assert moved[0] < before[0] - 150  # the drag moved it
    table = page.table
    header = table.horizontalHeader()
    width = header.sectionSize(1)
    _drag_column_edge(qtbot, table, 1, 60)
    assert header.sectionSize(1) == width + 60
    header.moveSection(header.visualIndex(2), 0)  # a column dragged to the front
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    w.close()  # written at the latest on close

    again = _window(qtbot, ctx)
    page2 = again.show_page("ledger")
    [split2] = page2.findChildren(QSplitter)
    assert split2.sizes() == moved
    header2 = page2.table.horizontalHeader()
    assert header2.sectionSize(1) == width + 60
    assert header2.logicalIndex(0) == 2
    assert (header2.sortIndicatorSection(), header2.sortIndicatorOrder()) == (1, Qt.SortOrder.DescendingOrder)
    # a reload (F5, another clerk's change) fits the columns to their text no more: the clerk's width stays
    page2.reload()
    assert header2.sectionSize(1) == width + 60


def test_a_change_is_written_shortly_without_closing(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    w = _window(qtbot, ctx)
    page = w.show_page("visits")
    key = "visits/VisitsPage.splitter1"
    assert prefs.get_bytes(f"layout/{key}/splitter") is None
    _drag_splitter(qtbot, _remembered(page, key), 80)
    qtbot.waitUntil(lambda: prefs.get_bytes(f"layout/{key}/splitter") is not None,
                    timeout=layout_memory.SAVE_DELAY_MS * 5)


def test_a_header_from_another_column_set_is_ignored(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    w = _window(qtbot, ctx)
    page = w.show_page("ledger")
    header = page.table.horizontalHeader()
    _drag_column_edge(qtbot, page.table, 1, 80)
    w.close()
    key = "ledger/LedgerPage.table"
    assert layout_memory.stored_state(key) is not None
    # an older version had one column less: its state must not land on today's columns
    titles = layout_memory.column_titles(page.table)
    prefs.set_value(f"layout/{key}/columns", "\x1f".join(titles[:-1]))
    again = _window(qtbot, ctx)
    page2 = again.show_page("ledger")
    assert not layout_memory.kept(page2.table)
    assert page2.table.horizontalHeader().sectionSize(1) != header.sectionSize(1)


def test_a_splitter_with_other_panes_is_not_restored(qtbot) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QLabel

    split = QSplitter()
    for _ in range(2):
        split.addWidget(QLabel("x"))
    qtbot.addWidget(split)
    split.resize(600, 200)
    split.show()
    split.setSizes([500, 100])
    prefs.set_value("layout/t/splitter", split.saveState())
    prefs.set_value("layout/t/panes", 2)
    three = QSplitter()
    for _ in range(3):
        three.addWidget(QLabel("y"))
    qtbot.addWidget(three)
    three.resize(600, 200)
    three.show()
    sizes = three.sizes()
    layout_memory.remember_splitter(three, "t")
    assert three.sizes() == sizes
    two = QSplitter()
    for _ in range(2):
        two.addWidget(QLabel("z"))
    qtbot.addWidget(two)
    two.resize(600, 200)
    layout_memory.remember_splitter(two, "t")
    two.show()
    qtbot.waitExposed(two)
    assert two.sizes()[0] > 3 * two.sizes()[1]


def test_every_page_remembers_its_splitters_and_tables(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    w = _window(qtbot, ctx)
    for spec in PAGES:
        page = w.show_page(spec.key)
        ours = [x for x in page.findChildren(QSplitter) + page.findChildren(QTableView)
                if not x.objectName().startswith("qt_")]
        remembered = {id(e.widget) for e in layout_memory._live}
        assert all(id(x) in remembered for x in ours), spec.key
    keys = {e.key for e in layout_memory._live}
    for key in ("ledger/LedgerPage.table", "ledger/LedgerPage.resp_table", "visits/VisitsPage.table",
                "topics/TopicsPage.table", "quiz/BankTab.view", "quiz/ExamsTab.view", "settings/PeopleTab.view",
                "dashboard/TodoPanel.table", "exchange/CardsTab.table", "plans/PlansPage.items",
                "meetings/MeetingsPage.table", "results/OutcomesTab.table"):
        assert key in keys, key
    assert sum(k.endswith(("splitter1", "splitter2", "splitter3")) for k in keys) >= 6


def test_reset_layout_puts_everything_back(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    w = _window(qtbot, ctx)
    page = w.show_page("visits")
    table = page.table
    split = _remembered(page, "visits/VisitsPage.splitter1")
    first = split.sizes()
    shown = [c for c in range(table.model().columnCount()) if not table.isColumnHidden(c)]
    hidden = [c for c in range(table.model().columnCount()) if table.isColumnHidden(c)]
    assert hidden  # 调研安排 starts with a few columns hidden (显示的列)
    _drag_splitter(qtbot, split, 90)
    # 显示的列: the header's menu brings a hidden column back
    table.horizontalHeader().customContextMenuRequested.emit(QPoint(5, 5))
    menu = table.property("columnMenu")
    title = table.model().headerData(hidden[0], Qt.Orientation.Horizontal)
    [act] = [a for a in menu.actions() if a.text() == title]
    act.trigger()
    menu.close()
    assert not table.isColumnHidden(hidden[0])
    _drag_column_edge(qtbot, table, shown[0], 50)
    assert layout_memory.kept(table) and split.sizes() != first
    w.close()
    again = _window(qtbot, ctx)
    page2 = again.show_page("visits")
    assert not page2.table.isColumnHidden(hidden[0])
    again.act_reset_layout.trigger()
    assert _remembered(page2, "visits/VisitsPage.splitter1").sizes() == first
    assert [c for c in range(page2.table.model().columnCount()) if page2.table.isColumnHidden(c)] == hidden
    assert not layout_memory.kept(page2.table)
    assert "界面布局已恢复默认" in again.statusBar().currentMessage()
    again.close()
    assert prefs.settings().childGroups().count("layout") == 0 or not prefs.get_bytes(
        "layout/visits/VisitsPage.splitter1/splitter")
    third = _window(qtbot, ctx)
    page3 = third.show_page("visits")
    assert [c for c in range(page3.table.model().columnCount()) if page3.table.isColumnHidden(c)] == hidden


def test_a_stored_state_leaves_the_pages_own_hidden_columns_alone(qtbot) -> None:  # noqa: ANN001
    """A prefecture's 单位 column shows for 全部单位 only: a state saved while it was hidden must not hide it."""
    from PySide6.QtGui import QStandardItemModel

    def view() -> QTableView:
        model = QStandardItemModel(2, 3)
        model.setHorizontalHeaderLabels(["日期", "地点", "单位"])
        v = QTableView()
        v.setModel(model)
        qtbot.addWidget(v)
        return v

    first = view()
    layout_memory.remember_header(first, "t/hidden")
    first.setColumnHidden(2, True)  # saved while 本单位 was in view
    first.horizontalHeader().resizeSection(0, 150)
    layout_memory.touched(first)
    layout_memory.save_all()
    again = view()  # 全部单位 now: the page shows 单位 before the state comes back
    layout_memory.remember_header(again, "t/hidden")
    assert not again.isColumnHidden(2)
    assert again.horizontalHeader().sectionSize(0) == 150 and layout_memory.kept(again)
