"""会议研讨 in Excel and on paper: export → import round trip, bad cells named by row and column, the PDF list."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from db.models_campaign import Meeting, MeetingAttendee
from desktop_app.campaign import meetings
from desktop_app.campaign.meetings import AttendeeInput, MeetingInput
from desktop_app.excel.lists import export_kind
from desktop_app.excel.service import import_file
from desktop_app.org.organisation import PersonInput, SetupInput, initialise_office, list_people, list_sections
from desktop_app.reports import jobs
from tests.helpers.common import TEST_ACTOR

D = dt.date


def _count(ctx) -> tuple[int, int]:
    with ctx.db.session() as s:
        return (s.execute(select(func.count()).select_from(Meeting)).scalar_one(),
                s.execute(select(func.count()).select_from(MeetingAttendee)).scalar_one())


def _record_two(ctx) -> None:
    people = {p.name: p.id for p in list_people(ctx.db, 2026)}
    sections = {s.name: s.id for s in list_sections(ctx.db)}
    meetings.create_meeting(ctx.db, TEST_ACTOR, MeetingInput(
        year=2026, kind="组工讲堂", date=D(2026, 3, 12), theme="学习调查研究工作方案", section_id=sections["综合科"],
        place="三楼会议室", host_id=people["刘洋"], speakers="刘洋、州委党校张教授", minutes="一、学习了…\n二、研讨了…",
        attendees=[AttendeeInput(people["吴芳"]), AttendeeInput(people["刘洋"]),
                   AttendeeInput(people["黄涛"], False, "下乡调研（勐阿镇）")]))
    meetings.create_meeting(ctx.db, TEST_ACTOR, MeetingInput(
        year=2026, kind="务虚会", date=D(2026, 6, 26), theme="上半年复盘", host_id=people["陈静"],
        attendees=[AttendeeInput(people["赵磊"]), AttendeeInput(people["陈静"])]))


def _fresh_office(tmp_path: Path):
    from desktop_app.core.context import open_context

    other = open_context(tmp_path / "other", actor=TEST_ACTOR)
    initialise_office(other, SetupInput(
        code="532802", name="勐海县乡村振兴局", level="county", parent_code="532800",
        sections=["综合科", "规划发展科", "政策法规科"],
        people=[PersonInput("刘洋", "综合科", "局长", is_leader=True), PersonInput("陈静", "规划发展科", "副局长",
                                                                              is_leader=True),
                PersonInput("黄涛", "规划发展科", "科员"), PersonInput("吴芳", "综合科", "科员"),
                PersonInput("赵磊", "政策法规科", "科长")], year=2026))
    return other


def test_export_then_import_round_trip(ctx, tmp_path: Path) -> None:
    _record_two(ctx)
    out = tmp_path / "meetings.xlsx"
    assert export_kind(ctx.db, out, "meetings", year=2026).rows == 2
    ws = openpyxl.load_workbook(out).active
    texts = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "缺席人员及原因" in texts and "黄涛（下乡调研（勐阿镇））" in texts
    other = _fresh_office(tmp_path)
    try:
        res = import_file(other.db, TEST_ACTOR, out, "meetings")
        assert res.ok and res.imported == 2, res.preview.errors
        mine = [meetings.meeting_row(m) for m in meetings.meeting_infos(ctx.db, 2026)]
        theirs = [meetings.meeting_row(m) for m in meetings.meeting_infos(other.db, 2026)]
        assert theirs == mine
        again = import_file(other.db, TEST_ACTOR, out, "meetings")  # the same sheet twice: nothing doubled
        assert again.ok and again.imported == 0 and len(meetings.meeting_infos(other.db, 2026)) == 2
    finally:
        other.close()


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["日期", "会议类型", "主题", "科室", "主持人", "地点", "主讲人", "参会人员", "缺席人员及原因", "会议纪要"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_bad_cells_named_by_row_and_column_nothing_imported(ctx, tmp_path: Path) -> None:
    f = _sheet(tmp_path / "bad.xlsx", [
        ["2026-04-08", "组工讲堂", "学习党章", "综合科", "刘洋", "会议室", "", "吴芳、刘洋", "黄涛（出差）", ""],
        ["2026-05-08", "茶话会", "联谊", "综合科", "刘洋", "", "", "吴芳", "", ""],
        ["2026-05-09", "专题研讨", "", "综合科", "刘洋", "", "", "吴芳", "", ""],
        ["2026-05-10", "专题研讨", "乡村振兴", "宣传科", "刘洋", "", "", "张三", "", ""],
        ["2025-05-10", "专题研讨", "往年会议", "综合科", "刘洋", "", "", "吴芳", "", ""],
    ])
    before = _count(ctx)
    res = import_file(ctx.db, TEST_ACTOR, f, "meetings")
    found = {(e.row, e.column) for e in res.preview.errors}
    assert (3, "会议类型") in found and (4, "主题") in found
    assert res.imported == 0 and _count(ctx) == before
    # the rows that parse are judged by the service: unknown section and person, a date of another year
    ok_rows = _sheet(tmp_path / "bad2.xlsx", [
        ["2026-04-08", "组工讲堂", "学习党章", "综合科", "刘洋", "会议室", "", "吴芳、刘洋", "黄涛（出差）", ""],
        ["2026-05-10", "专题研讨", "乡村振兴", "宣传科", "刘洋", "", "", "张三", "", ""],
        ["2025-05-10", "专题研讨", "往年会议", "综合科", "刘洋", "", "", "吴芳", "", ""],
    ])
    res = import_file(ctx.db, TEST_ACTOR, ok_rows, "meetings")
    found = {(e.row, e.column): e.message for e in res.preview.errors}
    assert "宣传科" in found[(3, "科室")] and "张三" in found[(3, "参会人员")]
    assert "不在2026年度" in found[(4, "日期")]
    assert res.imported == 0 and _count(ctx) == before


def test_print_meetings_list_pdf(ctx, tmp_path: Path) -> None:
    _record_two(ctx)
    out = tmp_path / "m.pdf"
    result = jobs.render(ctx.db, jobs.PrintJob("meetings", year=2026, today=D(2026, 7, 1)), out)
    assert result.pages >= 1 and out.stat().st_size > 1000
    try:
        text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                              check=True).stdout
    except FileNotFoundError:
        pytest.skip("pdftotext is not installed")
    compact = text.replace(" ", "")
    assert "会议研讨记录表" in compact and "学习调查研究工作方案" in compact and "2/3" in compact
