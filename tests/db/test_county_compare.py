"""各县对比: the prefecture's per-county figures — meetings held, 组工讲堂 section·months missing, this week's
plans filed against those due, outcomes and those published — counted from the counties' bundles."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.campaign.county_compare import county_comparison
from desktop_app.core.errors import ValidationError
from tests.helpers.county_seed import D, seed_county
from tests.helpers.sync_support import prefecture_and_counties, send


def test_each_county_is_compared_and_the_prefecture_itself_is_not(tmp_path: Path) -> None:
    a, b, p = prefecture_and_counties(tmp_path)
    try:
        seed_county(a)
        send(a, p, tmp_path / "a")
        send(b, p, tmp_path / "b")
        cmp = county_comparison(p.db, 2026, today=D(2026, 3, 20))
        assert (cmp.plan_period, cmp.as_of) == ("2026-W12", D(2026, 3, 20))
        got = {r.office_name: (r.meetings, r.lectures_missing, r.plans_text, r.outcomes, r.published) for r in cmp.rows}
        # 景洪市: the April 务虚会 is after the day; 规划科 missed January (February's 全办 lecture counts), March runs
        # 勐海县: its one section missed January and February; nothing filed, no outcomes
        assert got == {"景洪市": (2, 1, "1/2", 2, 1), "勐海县": (0, 2, "0/1", 0, 0)}
        later = {r.office_name: (r.meetings, r.lectures_missing, r.plans_text)
                 for r in county_comparison(p.db, 2026, today=D(2026, 5, 6)).rows}
        assert later["景洪市"] == (3, 1 + 2 + 2, "0/2")  # and March, April missing for both sections; W19 not filed
        with pytest.raises(ValidationError, match="市级单位"):
            county_comparison(a.db, 2026)
    finally:
        for ctx in (a, b, p):
            ctx.close()
