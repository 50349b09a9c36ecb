"""The dashboard's per-month bars name the months (1月…12月) when there is room."""

from pytestqt.qtbot import QtBot

from ui.ledger.charts import MonthChart


def test_months_are_named_where_they_fit_and_numbered_where_not(qtbot: QtBot) -> None:
    chart = MonthChart()
    qtbot.addWidget(chart)
    assert chart.month_labels(60) == [f"{m}月" for m in range(1, 13)]
    assert chart.month_labels(8) == [str(m) for m in range(1, 13)]
    chart.resize(480, 160)
    chart.set_values([1] * 12, [0] * 12)
    chart.grab()  # paints with the labels, no warnings
