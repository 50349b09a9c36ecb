"""Disabled buttons say why (issue #19): on every page and tab of a demo county and of the demo prefecture,
every greyed push button, tool button and action carries a tooltip with the reason — in a fresh state, with
nothing selected, and with a row selected; and the actions that need a selection are greyed without one."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QThreadPool
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QPushButton,
    QTabBar,
    QTabWidget,
    QToolButton,
    QWidget,
)

from desktop_app.core.context import open_context
from desktop_app.demo import generate as demo
from desktop_app.demo import prefecture as demo_prefecture
from tests.helpers.workers import let_workers_finish
from ui.enabling import follow_selection, set_enabled, set_tip
from ui.main_window import MainWindow
from ui.navigation import PAGES
from ui.office_scope import OfficeScopeCombo

TODAY = dt.date(2026, 11, 22)

#: (page, tab or "" for the page itself, button texts that act on a selected row)
NEED_SELECTION = (
    ("topics", "课题列表", ("编辑", "删除", "添加成果", "评价打分")),
    ("visits", "调研列表", ("编辑", "删除", "添加附件", "发现问题转入台账")),
    ("meetings", "会议列表", ("编辑", "删除", "转为问题", "转为课题")),
    ("quiz", "考试", ("编辑…", "组卷…", "成绩录入…")),
    ("results", "成果转化运用", ("编辑", "删除")),
    ("results", "挂钩村与结对户", ("编辑", "删除")),
    ("settings", "人员", ("编辑…",)),
)


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small county demo and the prefecture demo, generated once; each test works on its own copy."""
    root = tmp_path_factory.mktemp("demos")
    demo.generate_demo(root / "county", items=30, today=TODAY)
    demo_prefecture.generate_prefecture_demo(root / "prefecture", items=5, today=TODAY)
    return {"county": root / "county", "prefecture": root / "prefecture"}


@pytest.fixture
def window(request: pytest.FixtureRequest, demos: dict[str, Path], tmp_path: Path, qtbot) -> Iterator[MainWindow]:  # noqa: ANN001
    folder = tmp_path / "data"
    shutil.copytree(demos[request.param], folder)
    ctx = open_context(folder, daily_backup=False)
    try:
        w = MainWindow(ctx)
        qtbot.addWidget(w)
        w.show()
        yield w
    finally:
        QThreadPool.globalInstance().waitForDone(60_000)
        let_workers_finish()  # its windows' background reads end before the database closes
        ctx.close()


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()
        QThreadPool.globalInstance().waitForDone(30_000)
    QApplication.processEvents()


def _silent(page: QWidget) -> list[str]:
    """The greyed controls of ``page`` (as shown) with no reason."""
    out = []
    for b in page.findChildren(QAbstractButton):
        if isinstance(b.parent(), QTabBar) or not isinstance(b, QPushButton | QToolButton):
            continue  # a tab bar's own scroll arrows
        if b.isVisibleTo(page) and not b.isEnabled() and not b.toolTip().strip():
            out.append(f"按钮“{b.text()}”")
    for a in page.findChildren(QAction):
        # an action without a tooltip of its own reports its text as one: that is no reason
        if a.text() and not a.isEnabled() and a.toolTip().strip() in ("", a.text().replace("&", "").strip()):
            out.append(f"菜单项“{a.text()}”")
    return out


def _views(page: QWidget) -> list[QAbstractItemView]:
    return [v for v in page.findChildren(QAbstractItemView)
            if v.isVisibleTo(page) and v.model() is not None and v.model().rowCount() > 0]


def _tab_states(page: QWidget) -> Iterator[str]:
    """Bring each tab of the page to the front in turn; yield its name."""
    tabs = page.findChildren(QTabWidget)
    if not tabs:
        yield ""
        return
    for t in tabs:
        for i in range(t.count()):
            t.setCurrentIndex(i)
            _settle()
            yield t.tabText(i)


@pytest.mark.parametrize("window", ["county", "prefecture"], indirect=True)
@pytest.mark.parametrize("key", [spec.key for spec in PAGES])
def test_every_disabled_control_says_why(qtbot, window: MainWindow, key: str) -> None:  # noqa: ANN001
    page = window.show_page(key)
    for combo in page.findChildren(OfficeScopeCombo):  # the prefecture: every county's rows (read-only)
        combo.setCurrentIndex(combo.count() - 1)
    silent: list[str] = []
    looked = 0
    for tab in _tab_states(page):
        silent += [f"{tab} 初始：{s}" for s in _silent(page)]
        for v in _views(page):
            v.selectionModel().clearSelection()
            v.setCurrentIndex(QModelIndex())
        _settle()
        silent += [f"{tab} 未选中：{s}" for s in _silent(page)]
        for v in _views(page):
            v.selectionModel().setCurrentIndex(v.model().index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                               | QItemSelectionModel.SelectionFlag.Rows)
            looked += 1
        _settle()
        silent += [f"{tab} 选中一行：{s}" for s in _silent(page)]
    assert silent == []
    if key in ("topics", "visits", "ledger", "settings"):
        assert looked > 0  # the walk did select rows (a walk over empty tables would pass for ever)


@pytest.mark.parametrize("window", ["county"], indirect=True)
@pytest.mark.parametrize(("key", "tab", "texts"), NEED_SELECTION)
def test_actions_on_a_row_wait_for_a_selection(qtbot, window: MainWindow, key: str, tab: str,  # noqa: ANN001
                                               texts: tuple[str, ...]) -> None:
    page = window.show_page(key)
    for t in page.findChildren(QTabWidget):
        for i in range(t.count()):
            if t.tabText(i) == tab:
                t.setCurrentIndex(i)
    _settle()
    front = [v for v in _views(page)]
    assert front, f"{key}/{tab}: no rows to select in the demo"
    view = front[0]
    view.selectionModel().clearSelection()
    view.setCurrentIndex(QModelIndex())
    _settle()
    buttons = {b.text(): b for b in page.findChildren(QPushButton) if b.isVisibleTo(page) and b.text() in texts}
    assert set(buttons) == set(texts)
    for text, b in buttons.items():
        assert not b.isEnabled(), f"{text} enabled with nothing selected"
        assert "选" in b.toolTip(), (text, b.toolTip())
    view.selectionModel().setCurrentIndex(view.model().index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
    _settle()
    assert any(b.isEnabled() for b in buttons.values()), f"{key}/{tab}: nothing enabled with a row selected"


def test_set_enabled_keeps_the_ordinary_tooltip(qtbot) -> None:  # noqa: ANN001
    b = QPushButton("编辑")
    qtbot.addWidget(b)
    b.setToolTip("编辑所选课题（Enter）")
    set_enabled(b, "请先在列表中选中一个课题")
    assert not b.isEnabled() and b.toolTip() == "请先在列表中选中一个课题"
    set_enabled(b, None)
    assert b.isEnabled() and b.toolTip() == "编辑所选课题（Enter）"
    set_tip(b, "退回到“立项”")
    set_enabled(b, "课题还在第一阶段")
    set_enabled(b, "")
    assert b.isEnabled() and b.toolTip() == "退回到“立项”"


def test_follow_selection_greys_without_a_current_row(qtbot) -> None:  # noqa: ANN001
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QListView

    view = QListView()
    qtbot.addWidget(view)
    model = QStringListModel(["甲", "乙"])
    view.setModel(model)
    b = QPushButton("删除")
    qtbot.addWidget(b)
    follow_selection(view, [b], "请先选中一项")
    assert not b.isEnabled() and b.toolTip() == "请先选中一项"
    view.setCurrentIndex(model.index(1, 0))
    assert b.isEnabled() and b.toolTip() == ""
    model.setStringList(["丙"])  # a reload clears the current row
    assert not b.isEnabled()
