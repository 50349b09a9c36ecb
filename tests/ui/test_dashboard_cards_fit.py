"""A prefecture's dashboard cards are narrow (three panels in a row): the office tables show their figures, not
one stretched name column with the figures past the card's edge, and the closure-rate bars' names are elided
to their room instead of losing their beginnings."""

from __future__ import annotations

from desktop_app.dashboard.summary import OfficeWork
from ui.dashboard.office_tables import FIRST_MIN, OfficeTable, OfficeWorkModel
from ui.ledger.charts import UnitRateChart


def _work(code: str, name: str) -> OfficeWork:
    return OfficeWork(code, name, 30, 342, 1890, 0, 2, 40, 4, 6, 1)


def test_a_narrow_office_table_shows_its_figures_and_scrolls_for_the_rest(qtbot) -> None:  # noqa: ANN001
    table = OfficeTable(OfficeWorkModel(), "各单位对比")
    qtbot.addWidget(table)
    table.resize(285, 300)
    table.show()
    qtbot.waitExposed(table)
    table.show_items([_work("532801", "景洪市乡村振兴局"), _work("532822", "勐海县乡村振兴局")])
    v, header = table.view, table.view.horizontalHeader()
    width = v.viewport().width()
    assert header.sectionSize(0) >= FIRST_MIN
    assert header.sectionViewportPosition(1) < width and header.sectionViewportPosition(2) < width  # 人数, 天数/定额
    assert header.length() > width and v.horizontalScrollBar().maximum() > 0  # the rest: a sideways scroll
    # the rows and the sideways bar all show: no vertical scrolling in a card
    assert v.verticalScrollBar().maximum() == 0
    table.resize(1000, 300)  # a wide card: the office column takes what the figures leave, nothing scrolls
    qtbot.waitUntil(lambda: v.viewport().width() > 900)
    assert header.length() <= v.viewport().width() + 1 and header.sectionSize(0) > FIRST_MIN


def test_closure_rate_names_fit_their_room(qtbot) -> None:  # noqa: ANN001
    chart = UnitRateChart()
    qtbot.addWidget(chart)
    chart.resize(190, 120)
    chart.set_items([("勐腊县乡村振兴局", 0.29, "29% 86/300")])
    shown = chart.shown_label("勐腊县乡村振兴局")
    assert shown.startswith("勐") and shown.endswith("…")
    assert chart.fontMetrics().horizontalAdvance(shown) <= chart.label_width() - 6
    chart.resize(600, 120)
    assert chart.shown_label("景洪市") == "景洪市"
