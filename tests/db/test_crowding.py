"""扎堆调研清单: offices at one village in one week (prefecture), one section back within N days, a place's
visits per month over the limit (基层减负), one office's sections (多头调研); cancelled visits never count."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app.core.context import AppContext
from desktop_app.core.errors import ValidationError
from desktop_app.org import scope
from desktop_app.org.organisation import PersonInput, add_person
from desktop_app.work import clashes, crowding, visit_state, visits
from desktop_app.work.types import VisitInput
from tests.helpers.sync_support import make_office, send, trust_both

D = dt.date
A, B, P = "532801", "532822", "532800"
PLACE = "勐海镇曼真村"


def _visit(ctx: AppContext, who: str, start: D, end: D | None = None, place: str = PLACE) -> str:
    return visits.create_visit(ctx.db, ctx.actor, VisitInput(start, end or start, place, who, township="勐海镇")).visit.id


def _kinds(rows: list[dict[str, object]], kind: str) -> list[dict[str, object]]:
    return [r for r in rows if r["类型"] == kind]


def test_offices_at_one_village_in_one_week_at_the_prefecture(tmp_path: Path) -> None:
    a = make_office(tmp_path / "a", A, "景洪市")
    b = make_office(tmp_path / "b", B, "勐海县")
    pref = make_office(tmp_path / "p", P, "西双版纳州", level="prefecture")
    trust_both(a, pref)
    trust_both(b, pref)
    pa = add_person(a.db, a.actor, PersonInput("刀红", "综合科")).id
    pb = add_person(b.db, b.actor, PersonInput("岩温", "综合科")).id
    pp = add_person(pref.db, pref.actor, PersonInput("玉香", "综合科")).id
    _visit(pref, pp, D(2026, 6, 1))  # Monday
    _visit(b, pb, D(2026, 6, 7))  # Sunday of the same week: 扎堆
    _visit(a, pa, D(2026, 6, 8))  # next Monday: another week, one day after the county — not 扎堆 with the county
    gone = _visit(a, pa, D(2026, 6, 2), place="勐海镇曼真村")  # cancelled: never counts
    visit_state.set_state(a.db, a.actor, gone, "cancelled")
    send(a, pref, tmp_path / "1")
    send(b, pref, tmp_path / "2")
    every = crowding.crowding_report(pref.db, 2026, office=scope.ALL)
    crowd = _kinds(every, "扎堆调研")
    assert [(r["地点"], r["日期"], r["涉及科室/单位"]) for r in crowd] == [
        (PLACE, "2026-06-01；2026-06-07", "西双版纳州·综合科、勐海县·综合科")]
    assert "西双版纳州与勐海县同一周" in str(crowd[0]["说明"])
    # one office in view: no other office to crowd with
    assert _kinds(crowding.crowding_report(pref.db, 2026), "扎堆调研") == []
    assert _kinds(crowding.crowding_report(pref.db, 2026, office=B), "扎堆调研") == []
    for c in (a, b, pref):
        c.close()


def test_same_section_back_within_the_window(ctx: AppContext) -> None:
    who = add_person(ctx.db, ctx.actor, PersonInput("刀红", "综合科")).id
    _visit(ctx, who, D(2026, 3, 2), D(2026, 3, 3))
    _visit(ctx, who, D(2026, 3, 30))  # 27 days after the first ended
    _visit(ctx, who, D(2026, 6, 1))  # 63 days later: not a repeat at 30
    rows = _kinds(crowding.crowding_report(ctx.db, 2026), "重复调研")
    assert [(r["日期"], r["涉及科室/单位"]) for r in rows] == [("2026-03-02～2026-03-03；2026-03-30", "综合科")]
    assert "27天内再次" in str(rows[0]["说明"])
    assert crowding.repeat_days(ctx.db) == 30
    crowding.set_repeat_days(ctx.db, ctx.actor, 70)
    assert len(_kinds(crowding.crowding_report(ctx.db, 2026), "重复调研")) == 2
    with pytest.raises(ValidationError, match="重复调研间隔“0”无效"):
        crowding.set_repeat_days(ctx.db, ctx.actor, 0)
    assert crowding.repeat_days(ctx.db) == 70


def test_place_over_the_monthly_limit_and_cancelled_never_count(ctx: AppContext) -> None:
    people = [add_person(ctx.db, ctx.actor, PersonInput(n, s)).id
              for n, s in (("刀红", "综合科"), ("岩温", "规划发展科"))]
    ids = [_visit(ctx, people[i % 2], D(2026, 4, 1 + 6 * i)) for i in range(4)]  # 4 visits in April
    rows = _kinds(crowding.crowding_report(ctx.db, 2026), "基层减负")
    assert [(r["地点"], r["说明"]) for r in rows] == [(PLACE, "4月接待调研4次，超过每月3次")]
    assert rows[0]["涉及科室/单位"] == "综合科、规划发展科"
    visit_state.set_state(ctx.db, ctx.actor, ids[3], "cancelled")
    assert _kinds(crowding.crowding_report(ctx.db, 2026), "基层减负") == []
    crowding.set_monthly_limit(ctx.db, ctx.actor, 2)
    assert len(_kinds(crowding.crowding_report(ctx.db, 2026), "基层减负")) == 1
    with pytest.raises(ValidationError, match="每月接待次数上限"):
        crowding.set_monthly_limit(ctx.db, ctx.actor, 40)


def test_sections_of_one_office_and_cancelled_visits_in_the_clash_list(ctx: AppContext) -> None:
    c1 = add_person(ctx.db, ctx.actor, PersonInput("刀红", "综合科")).id
    c2 = add_person(ctx.db, ctx.actor, PersonInput("岩温", "规划发展科")).id
    _visit(ctx, c1, D(2026, 6, 1))
    other = _visit(ctx, c2, D(2026, 6, 3))
    rows = _kinds(crowding.crowding_report(ctx.db, 2026), "多头调研")
    assert [(r["地点"], r["涉及科室/单位"]) for r in rows] == [(PLACE, "综合科、规划发展科")]
    visit_state.set_state(ctx.db, ctx.actor, other, "cancelled")
    assert _kinds(crowding.crowding_report(ctx.db, 2026), "多头调研") == []
    assert clashes.clash_report(ctx.db, 2026) == []
    assert clashes.find_clashes(ctx.db, D(2026, 6, 2), D(2026, 6, 2), PLACE, "", None) != []  # the 6-01 one
    assert all(c.visit_id != other for c in clashes.find_clashes(ctx.db, D(2026, 6, 2), D(2026, 6, 2), PLACE, "",
                                                                    None))


def test_the_list_prints_and_exports(ctx: AppContext, tmp_path: Path) -> None:
    import subprocess

    import openpyxl

    from desktop_app.excel.lists import export_kind
    from desktop_app.reports.jobs import PrintJob, render

    who = add_person(ctx.db, ctx.actor, PersonInput("刀红", "综合科")).id
    _visit(ctx, who, D(2026, 3, 2))
    _visit(ctx, who, D(2026, 3, 20))
    out = tmp_path / "扎堆.xlsx"
    assert export_kind(ctx.db, out, "crowding", year=2026).rows == 1
    cells = [[c for c in row if c is not None] for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]
    text = "\n".join("|".join(str(c) for c in row) for row in cells)
    assert "扎堆调研清单" in text and "重复调研" in text and "2026-03-02；2026-03-20" in text and "综合科" in text
    pdf = tmp_path / "扎堆.pdf"
    render(ctx.db, PrintJob("crowding", 2026), pdf)
    body = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "扎堆调研清单" in body and "重复调研" in body and "勐海镇曼真村" in body and "重复调研 1 处" in body
