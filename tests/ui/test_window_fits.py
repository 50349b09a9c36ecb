"""The main window fits a 1280×720 screen with every page shown, in a county and in a prefecture: no page may
ask for more (a long subtitle, a prefecture's list of sections that have not filed, every county's topic-rule
warnings once pushed the window to 1286×947, past the bottom of a 1366×768 laptop)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_sections
from desktop_app.work import topics
from desktop_app.work.types import TopicInput
from tests.helpers.qt import wait_for_workers
from tests.helpers.sync_support import add_issue, prefecture_and_counties, send
from ui.main_window import MainWindow
from ui.navigation import PAGES

SCREEN_W, SCREEN_H = 1280, 720


@pytest.fixture(scope="module")
def prefecture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    """A prefecture holding two counties whose topics break the topic rules (many warning lines)."""
    root = tmp_path_factory.mktemp("fits")
    a, b, p = prefecture_and_counties(root)
    for c in (a, b):
        section = list_sections(c.db)[0].id
        for n in range(4):  # a section with four 重点 topics, and near-duplicate titles: a warning each
            topics.create_topic(c.db, c.actor, TopicInput(2026, section, f"边境村寨产业发展与群众增收调研之{n}",
                                                          kind="重点"))
        add_issue(c, serial="2026-001", description="问题", responsible_unit="综合科",
                  deadline=dt.date(2026, 1, 5))
    send(a, p, root / "ap")
    send(b, p, root / "bp")
    yield p
    for c in (a, b, p):
        c.close()


def _fits(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    for spec in PAGES:
        w.show_page(spec.key)
        wait_for_workers(qtbot)  # the page's background reads are in and laid out
        need = w.minimumSizeHint()
        assert need.width() <= SCREEN_W and need.height() <= SCREEN_H, (spec.key, need.toTuple())


def test_a_county_window_fits_the_screen(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    _fits(qtbot, ctx)


def test_a_prefecture_window_fits_the_screen(qtbot, prefecture: AppContext) -> None:  # noqa: ANN001
    _fits(qtbot, prefecture)


def test_every_page_has_its_title(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """Every page opens under its own title, as a clerk finds their way (the ledger once had none); the
    dashboard's title is the office's name."""
    from PySide6.QtWidgets import QLabel

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    for spec in PAGES:
        page = w.show_page(spec.key)
        titles = [lbl.text() for lbl in page.findChildren(QLabel) if lbl.objectName() == "PageTitle" and lbl.isVisible()]
        assert titles, spec.key
        if spec.key != "dashboard":
            assert titles[0] == spec.title, (spec.key, titles)
