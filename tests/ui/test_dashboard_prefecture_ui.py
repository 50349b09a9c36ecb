"""工作台 in a prefecture: the work and quiz panels show every county's figures side by side (read in
the background); a county's dashboard stays its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from desktop_app.core.context import AppContext
from desktop_app.org import scope
from desktop_app.org.organisation import PersonInput, add_person, set_campaign
from desktop_app.quiz import exams
from desktop_app.quiz.types import ExamInput, ScoreEntry
from desktop_app.work import visits
from desktop_app.work.types import VisitInput
from tests.helpers.sync_support import prefecture_and_counties, send
from ui.dashboard.dashboard_page import DashboardPage
from ui.dashboard.quiz_panel import DashboardQuizPanel
from ui.dashboard.work_panel import DashboardWorkPanel

D = dt.date


def _cells(panel: DashboardWorkPanel | DashboardQuizPanel) -> list[list[str]]:
    assert panel.office_table is not None
    m = panel.office_table.model
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


@pytest.fixture(scope="module")
def offices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, AppContext]]:
    """(prefecture, county 景洪市): 景洪市 (quota 90/60) and 勐海县 (its own, 10/20) sent their work up."""
    root = tmp_path_factory.mktemp("dashboard_ui")
    a, b, p = prefecture_and_counties(root)
    set_campaign(b.db, b.actor, 2026, 10, 20)
    for ctx, people, place, days, score in ((a, ("岩温", "玉香"), "嘎洒镇曼景村", 3, 70.0),
                                            (b, ("王五", "赵六", "孙七"), "勐海镇曼真村", 12, 90.0)):
        ids = [add_person(ctx.db, ctx.actor, PersonInput(n, "综合科", is_leader=i == 0)).id
               for i, n in enumerate(people)]
        visits.create_visit(ctx.db, ctx.actor, VisitInput(D(2026, 3, 2), D(2026, 3, 1 + days), place, ids[0]))
        e = exams.create_exam(ctx.db, ctx.actor, ExamInput("2026年第二季度测试", 2026, 2, mode="paper"))
        exams.set_scores(ctx.db, ctx.actor, e.id, [ScoreEntry(ids[0], score)])
    send(a, p, root / "a")
    send(b, p, root / "b")
    yield p, a
    for c in (a, b, p):
        c.close()


def _wait(qtbot, page: DashboardPage) -> tuple[DashboardWorkPanel, DashboardQuizPanel]:  # noqa: ANN001
    work = next(w for w in page.panels if isinstance(w, DashboardWorkPanel))
    quiz = next(w for w in page.panels if isinstance(w, DashboardQuizPanel))
    qtbot.waitUntil(lambda: work.overview is not None and quiz.overview is not None, timeout=15_000)
    return work, quiz


def test_prefecture_dashboard_shows_every_countys_work_and_quiz(qtbot, offices, monkeypatch) -> None:  # noqa: ANN001
    p, _a = offices
    page = DashboardPage(p)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    work, quiz = _wait(qtbot, page)
    assert work.overview is not None and work.overview.office == scope.ALL
    assert "全州各单位" in work.title.text() and "全州各单位" in quiz.title.text()
    assert work.office_table is not None and quiz.office_table is not None
    assert work.office_table.isVisible() and quiz.office_table.isVisible()
    # each county against its own quota: 景洪市 3 of 90 + 60, 勐海县 12 of 10 + 20 + 20
    rows = {r[0]: r for r in _cells(work)}
    assert rows["景洪市"][1:5] == ["2", "3/150", "2.0%", "2"] and rows["勐海县"][1:5] == ["3", "12/50", "24.0%", "1"]
    assert rows["景洪市"][6] == "1" and rows["勐海县"][6] == "1"  # one visit each
    assert ("勐海县", 12, 50) in [(r[0], r[1], r[2]) for r in work.days.rows]
    assert "各单位基层天数" in work.days_caption.text()
    q = {r[0]: r for r in _cells(quiz)}
    assert q["景洪市"][1:] == ["1", "1/2", "50.0%", "70.0%", "100.0%", "2"]
    assert q["勐海县"][1:] == ["1", "1/3", "33.3%", "90.0%", "100.0%", "1"]
    assert [g for g, _v in quiz.chart.groups] == ["景洪市", "勐海县"] and quiz.chart.has_values()
    assert "2 个单位共 2 场考试" in quiz.note.text()
    assert page.cards["people"].value.text() == "5" and page.cards["visits"].value.text() == "2"
    assert "全州各单位" in page.cards["visits"].note.text()
    assert not work.grab().isNull() and not quiz.grab().isNull()
    printed: list[dict] = []
    monkeypatch.setattr("ui.print.actions.print_list", lambda *_a, **kw: printed.append(kw))
    page.print_summary()  # the printed summary covers what the dashboard shows
    assert printed == [{"office": scope.ALL}]
    assert page.scope_box.isVisibleTo(page) and page.office() == scope.ALL


def test_the_dashboards_scope_choice_moves_every_part(qtbot, offices, monkeypatch) -> None:  # noqa: ANN001
    from ui.ledger.stats_widget import LedgerStatsWidget

    p, _a = offices
    page = DashboardPage(p)
    qtbot.addWidget(page)
    work, quiz = _wait(qtbot, page)
    ledger = next(w for w in page.panels if isinstance(w, LedgerStatsWidget))
    combo = page.office_combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["", "532801", "532822", scope.ALL]
    work.overview = quiz.overview = ledger.stats = None
    combo.setCurrentIndex(combo.findData("532822"))  # 勐海县 only
    qtbot.waitUntil(lambda: work.overview is not None and quiz.overview is not None and ledger.stats is not None,
                    timeout=15_000)
    assert "勐海县" in work.title.text() and "勐海县" in quiz.title.text() and "勐海县" in ledger.title()
    assert [(r[0], r[1], r[2]) for r in work.days.rows] == [("综合科", 12, 50)]
    assert work.office_table is not None and work.office_table.isHidden()
    assert quiz.chart.groups == [("综合科", [90.0])]
    assert page.cards["people"].value.text() == "3" and "勐海县" in page.cards["people"].note.text()
    printed: list[dict] = []
    monkeypatch.setattr("ui.print.actions.print_list", lambda *_a, **kw: printed.append(kw))
    page.print_summary()
    assert printed == [{"office": "532822"}]
    combo.setCurrentIndex(combo.findData(""))  # the prefecture's own: nobody recorded anything
    qtbot.waitUntil(lambda: "全州" not in work.title.text() and "勐海县" not in work.title.text(), timeout=15_000)
    assert page.cards["people"].value.text() == "0" and page.cards["people"].note.text().startswith("其中领导")


def test_a_pinned_county_and_a_county_dashboard(qtbot, offices) -> None:  # noqa: ANN001
    p, a = offices
    panel = DashboardWorkPanel(p)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.overview is not None, timeout=15_000)
    panel.pinned_office = "532822"  # the dashboard's scope pinned to one county
    panel.overview = None
    panel.refresh()
    qtbot.waitUntil(lambda: panel.overview is not None, timeout=15_000)
    assert "勐海县" in panel.title.text() and panel.office_table is not None and panel.office_table.isHidden()
    assert [(r[0], r[1], r[2]) for r in panel.days.rows] == [("综合科", 12, 50)]
    page = DashboardPage(a)  # a county: its own sections, no table of offices
    qtbot.addWidget(page)
    work, quiz = _wait(qtbot, page)
    assert [(r[0], r[1], r[2]) for r in work.days.rows] == [("综合科", 3, 150)]
    assert work.office_table is None and quiz.office_table is None  # never made in a county
    assert "全州" not in work.title.text() and work.days_caption.text() == "各科室基层天数 / 定额"
    assert quiz.chart.groups == [("综合科", [70.0])] and "共 1 场考试" in quiz.note.text()
    assert page.cards["visits"].value.text() == "1" and "全州" not in page.cards["visits"].note.text()
    QApplication.processEvents()


def test_short_names_drop_only_a_shared_ending() -> None:
    from ui.dashboard.office_tables import short_names

    assert short_names(["西双版纳州乡村振兴局", "景洪市乡村振兴局", "勐海县乡村振兴局"]) == ["西双版纳州", "景洪市", "勐海县"]
    assert short_names(["景洪市", "勐海市"]) == ["景洪市", "勐海市"]  # one shared character says nothing
    assert short_names(["景洪市乡村振兴局"]) == ["景洪市乡村振兴局"]
    assert short_names(["振兴局", "乡村振兴局"]) == ["振兴局", "乡村振兴局"]  # never down to nothing


def test_office_models_pass_qtmodeltester(qtmodeltester, offices) -> None:  # noqa: ANN001
    from desktop_app.dashboard import summary as dashboard
    from ui.dashboard.office_tables import OfficeQuizModel, OfficeWorkModel

    p, _a = offices
    work, quiz = OfficeWorkModel(), OfficeQuizModel()
    work.set_items(dashboard.work_overview(p.db, 2026, scope.ALL).offices)
    quiz.set_items(dashboard.quiz_overview(p.db, 2026, scope.ALL).offices)
    assert work.rowCount() == quiz.rowCount() == 3
    qtmodeltester.check(work)
    qtmodeltester.check(quiz)
