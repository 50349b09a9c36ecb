"""Whose sent-down rows count in an office (desktop_app.org.upstream): its parent chain."""

from __future__ import annotations

from db.models import Office
from desktop_app.core.context import AppContext
from desktop_app.org import upstream


def _office(ctx: AppContext, code: str, level: str, parent: str | None) -> None:
    with ctx.db.transaction() as s:
        s.add(Office(code=code, name=f"单位{code}", level=level, parent_code=parent))


def _set_parent(ctx: AppContext, parent: str | None) -> None:
    with ctx.db.transaction() as s:
        s.query(Office).filter(Office.code == ctx.db.office_code).one().parent_code = parent


def _codes(ctx: AppContext) -> list[str]:
    with ctx.db.session() as s:
        return upstream.upstream_codes(s, ctx.db.office_code)


def test_parent_chain_nearest_first_and_loops_stop(ctx: AppContext) -> None:
    _set_parent(ctx, "532800")
    assert _codes(ctx) == ["532800"]  # the parent's card need not be here: its rows carry its code
    _office(ctx, "532800", "prefecture", "530000")
    _office(ctx, "530000", "prefecture", "532801")  # a loop back to this office stops there
    _office(ctx, "532822", "county", "532800")  # a sibling county never counts
    assert _codes(ctx) == ["532800", "530000"]
    with ctx.db.session() as s:
        assert upstream.counted_codes(s, "532801") == ["532801", "532800", "530000"]
        labels = upstream.origin_labels(s, "532801", {"532801", "532800", "532822"})
    assert labels == {"532801": "本单位", "532800": "单位532800下发", "532822": "单位532822"}


def test_without_a_parent_a_county_counts_prefecture_offices(ctx: AppContext) -> None:
    _set_parent(ctx, None)
    _office(ctx, "532822", "county", "532800")
    assert _codes(ctx) == []
    _office(ctx, "532800", "prefecture", None)
    assert _codes(ctx) == ["532800"]
