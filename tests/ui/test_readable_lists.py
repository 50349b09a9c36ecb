"""Readable at 1280×800 (issue #19): 调研安排's columns all on screen and uncut (参加人员 was cut to “参”,
地点 took the width), the columns a clerk hides or shows kept on this PC, and the topics board's cards
whole (they were clipped at the right and their last line elided)."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
import pytestqt.exceptions
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidget

from desktop_app.core.context import open_context
from desktop_app.demo import generate as demo
from tests.helpers.workers import let_workers_finish
from ui import fonts
from ui.main_window import MainWindow
from ui.work.column_menu import hidden_titles

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def window(qtbot, tmp_path: Path):  # noqa: ANN001, ANN201
    demo.generate_demo(tmp_path / "demo", items=10, today=TODAY)
    ctx = open_context(tmp_path / "demo", daily_backup=False)
    app = QApplication.instance()
    before = app.font()
    fonts.install(app)  # the shipped Chinese font, as the app runs
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.setMinimumSize(0, 0)
    w.show()
    w.resize(1280, 800)
    QApplication.processEvents()
    yield w
    app.setFont(before)
    let_workers_finish()  # its windows' background reads end before the database closes
    ctx.close()


def _shown_columns(view) -> list[int]:  # noqa: ANN001
    return [c for c in range(view.model().columnCount()) if not view.isColumnHidden(c)]


def test_visit_list_fits_1280_wide_with_every_column_whole(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    page = window.show_page("visits")
    page.year.setValue(2026)
    QApplication.processEvents()
    view, model = page.table, page.model
    assert model.rowCount() > 20
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in _shown_columns(view)]
    assert {"日期", "地点", "带队", "参加人员", "课题", "状态"} <= set(titles)
    fm = view.fontMetrics()
    for c in _shown_columns(view):
        texts = [str(model.data(model.index(r, c)) or "") for r in range(model.rowCount())]
        need = max(fm.horizontalAdvance(t) for t in [*texts, str(model.headerData(c, Qt.Orientation.Horizontal))])
        assert view.columnWidth(c) >= need, (model.headerData(c, Qt.Orientation.Horizontal), view.columnWidth(c), need)
    # and all of them inside the window: no column sits off the right edge behind a sideways scroll
    used = sum(view.columnWidth(c) for c in _shown_columns(view))
    assert used <= view.viewport().width() + 2, (used, view.viewport().width())
    assert view.horizontalScrollBar().maximum() == 0
    # the detail (with the hidden 乡镇、方式) is under the list, the whole width
    page._select(model.item(0).id)
    assert model.item(0).township in page.detail.text() and model.item(0).method in page.detail.text()


def test_hidden_columns_come_back_from_the_header_menu_and_are_remembered(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    page = window.show_page("visits")
    view, model = page.table, page.model
    col = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == "乡镇")
    assert view.isColumnHidden(col)
    view.horizontalHeader().customContextMenuRequested.emit(view.horizontalHeader().rect().center())
    menu = view.property("columnMenu")
    qtbot.addWidget(menu)
    act = next(a for a in menu.actions() if a.text() == "乡镇")
    assert not act.isChecked()
    act.setChecked(True)
    assert not view.isColumnHidden(col) and view.columnWidth(col) > 0
    assert "乡镇" not in hidden_titles("visits", ())
    assert {"类型", "方式", "四不两直"} <= set(hidden_titles("visits", ()))
    # a new window (the next start) shows the columns as left
    from ui.work.visits_page import VisitsPage

    again = VisitsPage(window.ctx)
    qtbot.addWidget(again)
    assert not again.table.isColumnHidden(col)
    hidden = {model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())
              if again.table.isColumnHidden(c)}
    assert hidden == {"类型", "方式", "四不两直", "单位"}  # 单位 is the page's own: shown for 全部单位 only


#: padding 6 + 6 and borders 3 + 1 of a card (ui/work/topic_board.py's style sheet): its text box is this much narrower
CARD_TEXT_INSET = 16


def test_topic_board_cards_are_whole(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    page = window.show_page("topics")
    page.year.setValue(2026)
    page.tabs.setCurrentIndex(1)
    lists = page.board.findChildren(QListWidget)
    assert sum(lst.count() for lst in lists) > 0

    def problems() -> list[tuple[str, int, int]]:
        """Cards cut at the column's edge or shorter than their wrapped text (empty when all are whole)."""
        out = []
        for lst in lists:
            if lst.horizontalScrollBar().maximum() != 0:
                out.append(("sideways scroll bar", 0, 0))
            vp = lst.viewport().width()
            fm = lst.fontMetrics()
            for i in range(lst.count()):
                rect = lst.visualItemRect(lst.item(i))
                text = lst.item(i).text()
                # the card's text box: the item's rect less its padding (6 + 6) and borders (3 + 1); the list's
                # spacing is outside the rect (counting it too made a title that fits in 3 lines look like 4)
                wrapped = fm.boundingRect(0, 0, rect.width() - CARD_TEXT_INSET, 100_000, int(Qt.TextFlag.TextWordWrap),
                                          text)
                if rect.right() > vp or rect.height() < wrapped.height() + 12:
                    out.append((text, rect.height(), wrapped.height()))
        return out

    # a list lays its items out later (and again when its scroll bar appears and the column narrows): wait for it
    with contextlib.suppress(AssertionError, TimeoutError, pytestqt.exceptions.TimeoutError):  # the assert names them
        qtbot.waitUntil(lambda: not problems(), timeout=5000)
    assert problems() == []
