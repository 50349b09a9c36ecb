"""Dashboard noise (issue #19): 明显滞后 in red only for those who deserve attention, the days-vs-quota bars
on tracks of equal length with a pace mark."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QColor

from desktop_app.work.days import needs_attention, pace, year_share
from ui.work.charts import BarChart

D = dt.date


def test_red_only_past_the_first_quarter_and_clearly_behind() -> None:
    # March: everyone is “behind” a line from 1 January — neutral, not red
    assert pace(2, 60, 2026, D(2026, 3, 10))[1:] == ("neutral", "稍有滞后")
    # September, 10 of 60 days where 40 are due: red
    assert pace(10, 60, 2026, D(2026, 9, 15))[1:] == ("red", "明显滞后")
    # under 80 % of a small pro-rata target but only 2 days short: neutral
    assert pace(6, 12, 2026, D(2026, 9, 15))[1:] == ("neutral", "稍有滞后")
    assert pace(60, 60, 2026, D(2026, 9, 15))[1:] == ("green", "已完成")
    assert pace(45, 60, 2026, D(2026, 9, 15))[1:] == ("green", "进度正常")
    assert not needs_attention(0, 300, 2026, D(2026, 3, 1)) and needs_attention(10, 300, 2026, D(2026, 6, 1))
    assert year_share(2026, D(2025, 12, 31)) == 0 and year_share(2026, D(2027, 1, 1)) == 1


def test_days_bars_share_one_track_length_and_show_the_pace(qtbot) -> None:  # noqa: ANN001
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(400, 120)
    chart.set_rows([("甲", 10, 100, "#1f6fb2"), ("乙科室", 30, 300, "#1f6fb2"), ("丙", 5, 20, "#c62828")], " 天",
                   pace=0.5)
    img = chart.grab().toImage()
    rows = [6 + i * 28 + 9 for i in range(3)]
    track = QColor("#e4e9f0")

    def track_end(y: int) -> int:
        return max(x for x in range(img.width()) if img.pixelColor(x, y + 7) == track)

    ends = [track_end(y) for y in rows]
    assert max(ends) - min(ends) <= 1, ends  # one length whatever the quota (before: 100 vs 300 differed 3×)
    # the pace mark: a dark line at half the track on every row
    starts = [min(x for x in range(img.width()) if img.pixelColor(x, y + 7) == track) for y in rows]
    mid = starts[0] + (ends[0] - starts[0] + 1) // 2
    for y in rows:
        assert any(img.pixelColor(x, y).lightness() < 90 for x in range(mid - 3, mid + 4)), y
    assert "应达到" in chart.toolTip()
