"""The demo's 会议研讨: a year of meetings, the same for the same seed, a few 组工讲堂 missed, in the prefecture too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop_app.campaign import meeting_compliance, meetings
from desktop_app.core.context import open_context
from desktop_app.demo.generate import generate_demo
from tests.helpers.common import TEST_ACTOR


def _rows(root: Path) -> tuple[list[tuple], list[tuple[str, str]]]:
    ctx = open_context(root, actor=TEST_ACTOR, daily_backup=False)
    try:
        found = [(m.id, m.date, m.kind, m.section_name, m.attendance, m.absent_text)
                 for m in meetings.meeting_infos(ctx.db, 2026)]
        with ctx.db.session() as s:
            missing = meeting_compliance.missing_required_meetings(s, 2026, dt.date(2026, 11, 30))
        return found, missing
    finally:
        ctx.close()


def test_county_demo_meetings_are_a_realistic_deterministic_year(tmp_path: Path) -> None:
    today = dt.date(2026, 12, 20)
    generate_demo(tmp_path / "a", items=10, seed=7, today=today)
    generate_demo(tmp_path / "b", items=10, seed=7, today=today)
    first, missing = _rows(tmp_path / "a")
    assert first == _rows(tmp_path / "b")[0]
    kinds = {k for _, _, k, _, _, _ in first}
    assert {"组工讲堂", "中心组学习", "专题研讨", "务虚会"} <= kinds
    assert sorted(d.month for _, d, k, _, _, _ in first if k == "务虚会") == [6, 12]
    lectures = [m for m in first if m[2] == "组工讲堂"]
    assert len(lectures) > 40 and all(m[3] != "全办" for m in lectures)
    assert 0 < len(missing) < len(lectures) // 3  # most months held, a few missed
    assert any(m[5] for m in first)  # some people away, with reasons

