"""Prefecture mode for visits, grassroots days, topics and quiz scores: a county's rows as that county keeps them.

Two real county offices record their work through the services and send bundles to a real
prefecture office; the prefecture lists, exports and prints each county's visits, days,
topics and scores, and is refused (by name) when it tries to change them.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, ChangeLog
from desktop_app.cli import main as cli
from desktop_app.core.context import AppContext
from desktop_app.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from desktop_app.excel.lists import export_kind
from desktop_app.org import scope
from desktop_app.org.organisation import PersonInput, add_person, list_sections, set_campaign
from desktop_app.quiz import exams, results
from desktop_app.quiz.types import ExamInput, ScoreEntry
from desktop_app.reports.jobs import PrintJob, _report, render
from desktop_app.work import clashes, days, topics, visits
from desktop_app.work.types import TopicInput, VisitInput
from tests.helpers.sync_support import make_office, prefecture_and_counties, send, trust_both

D = dt.date
A, B, P = "532801", "532822", "532800"
TODAY = D(2026, 7, 1)


class World:
    """The three offices and the ids the tests need."""

    def __init__(self, root: Path, a: AppContext, b: AppContext, p: AppContext) -> None:
        self.root, self.a, self.b, self.p = root, a, b, p
        self.ids: dict[str, str] = {}


def _people(ctx: AppContext, *names: tuple[str, bool]) -> dict[str, str]:
    return {n: add_person(ctx.db, ctx.actor, PersonInput(n, "综合科", is_leader=lead)).id for n, lead in names}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("prefecture")
    a, b, p = prefecture_and_counties(root)
    w = World(root, a, b, p)
    # 景洪市: the default quotas (leader 90, staff 60); 勐海县 sets its own (leader 10, staff 20)
    pa = _people(a, ("张三", True), ("李四", False))
    set_campaign(b.db, b.actor, 2026, 10, 20)
    pb = _people(b, ("王五", True), ("赵六", False), ("孙七", False))
    va = visits.create_visit(a.db, a.actor, VisitInput(D(2026, 3, 2), D(2026, 3, 4), "嘎洒镇曼景村", pa["张三"]))
    sec_b = list_sections(b.db)[0].id
    topic = topics.create_topic(b.db, b.actor, TopicInput(2026, sec_b, "边境村寨产业发展调研", lead_id=pb["王五"],
                                                          member_ids=[pb["赵六"]]))
    vb = visits.create_visit(b.db, b.actor, VisitInput(D(2026, 4, 6), D(2026, 4, 7), "勐海镇曼真村", pb["王五"],
                                                       participant_ids=[pb["赵六"]], topic_id=topic.id))
    visits.create_visit(b.db, b.actor, VisitInput(D(2026, 5, 11), D(2026, 5, 11), "勐遮镇曼洪村", pb["赵六"]))
    topics.create_topic(a.db, a.actor, TopicInput(2026, list_sections(a.db)[0].id, "城区物业管理调研"))
    exam_b = exams.create_exam(b.db, b.actor, ExamInput("2026年第二季度业务知识测试", 2026, 2, mode="paper"))
    exams.set_scores(b.db, b.actor, exam_b.id, [ScoreEntry(pb["王五"], 92), ScoreEntry(pb["赵六"], 55),
                                                ScoreEntry(pb["孙七"], 92)])
    exam_a = exams.create_exam(a.db, a.actor, ExamInput("2026年第二季度测试（景洪）", 2026, 2, mode="paper"))
    exams.set_scores(a.db, a.actor, exam_a.id, [ScoreEntry(pa["张三"], 70)])
    send(a, p, root / "1")
    send(b, p, root / "2")
    w.ids.update(visit_a=va.visit.id, visit_b=vb.visit.id, topic_b=topic.id, exam_b=exam_b.id, exam_a=exam_a.id,
                 wangwu=pb["王五"], zhaoliu=pb["赵六"])
    yield w
    for c in (a, b, p):
        c.close()


def _writes(ctx: AppContext) -> tuple[int, int]:
    with ctx.db.session() as s:
        return (int(s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()),
                int(s.execute(select(func.count()).select_from(ChangeLog)).scalar_one()))


def test_scope_choices_and_county_refused(world: World) -> None:
    assert scope.is_prefecture(world.p.db) and not scope.is_prefecture(world.b.db)
    assert [c.code for c in scope.office_choices(world.p.db)] == [P, A, B]
    with pytest.raises(ValidationError, match="县级单位只能查看本单位"):
        visits.visit_infos(world.a.db, 2026, office=B)
    with pytest.raises(ValidationError, match="县级单位只能查看本单位"):
        days.days_table(world.a.db, 2026, TODAY, office=scope.ALL)


def test_visits_per_county(world: World) -> None:
    db = world.p.db
    assert visits.visit_infos(db, 2026) == []  # the prefecture's own: none recorded
    mine = visits.visit_infos(db, 2026, office=B)
    assert [(v.place, v.lead_name, v.participant_names, v.office_code) for v in mine] == [
        ("勐海镇曼真村", "王五", ("赵六",), B), ("勐遮镇曼洪村", "赵六", (), B)]
    assert mine[0].topic_title == "边境村寨产业发展调研" and mine[0].section_name == "综合科"
    assert [v.place for v in visits.visit_infos(db, 2026, office=A)] == ["嘎洒镇曼景村"]
    assert [v.office_code for v in visits.visit_infos(db, 2026, office=scope.ALL)] == [A, B, B]
    assert [v.place for v in visits.visit_infos(db, 2026, 4, office=B)] == ["勐海镇曼真村"]  # the calendar's month
    assert visits.get_visit(db, world.ids["visit_b"], office=B).days == 2
    with pytest.raises(NotFoundError):  # not in the chosen scope
        visits.get_visit(db, world.ids["visit_b"], office=A)
    rows = visits.list_visits(db, 2026, office=scope.ALL)
    assert tuple(rows[0]) == visits.visit_headers(scope.ALL) and rows[0]["单位"] == "景洪市"
    assert tuple(visits.list_visits(db, 2026, office=B)[0]) == visits.VISIT_HEADERS
    assert clashes.clash_report(db, 2026, office=B) == []
    # 曼真村 and 曼洪村 are other places and towns, and 景洪市's visit is another office's: no clash anywhere
    assert clashes.clash_report(db, 2026, office=scope.ALL) == []
    assert clashes.clash_headers(scope.ALL)[0] == "单位"


def test_days_against_the_countys_own_quota(world: World) -> None:
    table = {r.name: r for r in days.days_table(world.p.db, 2026, TODAY, office=B)}
    assert set(table) == {"王五", "赵六", "孙七"}
    assert (table["王五"].days, table["王五"].quota, table["王五"].visits) == (2, 10, 1)
    assert (table["赵六"].days, table["赵六"].quota, table["赵六"].visits) == (3, 20, 2)
    assert table["孙七"].days == 0 and table["孙七"].colour == "red"
    a_rows = {r.name: r for r in days.days_table(world.p.db, 2026, TODAY, office=A)}
    assert (a_rows["张三"].days, a_rows["张三"].quota) == (3, 90) and a_rows["李四"].quota == 60
    every = days.days_table(world.p.db, 2026, TODAY, office=scope.ALL)
    assert {r.office_code for r in every} == {A, B} and len(every) == 5
    assert days.section_totals(table.values()) == [("综合科", 5, 50)]
    rows = days.grassroots_days(world.p.db, 2026, TODAY, office=scope.ALL)
    assert tuple(rows[0]) == days.days_headers(scope.ALL) and {r["单位"] for r in rows} == {"景洪市", "勐海县"}
    behind = days.person_visits(world.p.db, world.ids["zhaoliu"], 2026, office=B)
    assert [(v.place, v.role, v.new_days) for v in behind] == [("勐海镇曼真村", "参加", 2), ("勐遮镇曼洪村", "带队", 1)]
    assert days.days_table(world.p.db, 2026, TODAY) == []  # the prefecture has no people of its own here


def test_topics_per_county(world: World) -> None:
    db = world.p.db
    shown = topics.topic_infos(db, 2026, office=B)
    assert [(t.title, t.lead_name, t.member_names, t.visits, t.office_code) for t in shown] == [
        ("边境村寨产业发展调研", "王五", ("赵六",), 1, B)]
    assert topics.get_topic(db, world.ids["topic_b"], office=B).status == "立项"
    assert [t.title for t in topics.topic_infos(db, 2026, office=A)] == ["城区物业管理调研"]
    assert topics.topics_by_stage(db, 2026, office=scope.ALL)["立项"] == 2
    rows = topics.list_topics(db, 2026, office=scope.ALL)
    assert [r["单位"] for r in rows] == ["景洪市", "勐海县"] and tuple(rows[0]) == topics.topic_headers(scope.ALL)


def test_scores_of_a_county_exam(world: World) -> None:
    db, exam = world.p.db, world.ids["exam_b"]
    assert exams.list_exams(db) == []
    listed = exams.list_exams(db, 2026, office=B)
    assert [(e.id, e.office_code) for e in listed] == [(exam, B)]
    assert {e.office_code for e in exams.list_exams(db, office=scope.ALL)} == {A, B}
    ranks = results.ranking(db, exam, office=B)
    assert [(r.rank, r.name, r.score, r.passed) for r in ranks] == [(1, "孙七", 92, True), (1, "王五", 92, True),
                                                                     (3, "赵六", 55, False)]
    assert [b.count for b in results.distribution(db, exam, office=B)] == [1, 0, 0, 0, 2]
    stats = results.section_stats(db, exam, office=B)
    assert [(s.section, s.people, s.sat, s.average) for s in stats] == [("综合科", 3, 3, 79.67)]
    assert [(r.name, r.rank, r.result) for r in results.score_list(db, exam, office=B)] == [
        ("孙七", 1, "合格"), ("王五", 1, "合格"), ("赵六", 3, "不合格")]
    assert [h.score for h in results.person_history(db, world.ids["wangwu"], office=B)] == [92]
    with pytest.raises(NotFoundError):  # a county's exam is not the prefecture's own
        results.ranking(db, exam)
    with pytest.raises(NotFoundError):
        results.score_list(db, exam, office=A)


def test_writes_to_a_countys_rows_are_refused_by_name(world: World, tmp_path: Path) -> None:
    p, ids = world.p, world.ids
    before = _writes(p)
    note = tmp_path / "纪要.txt"
    note.write_text("座谈纪要", encoding="utf-8")
    v = visits.get_visit(p.db, ids["visit_b"], office=B)
    data = VisitInput(v.start_date, v.end_date, "改过的地点", v.lead_id)
    attempts = [
        lambda: visits.update_visit(p.db, p.actor, ids["visit_b"], data),
        lambda: visits.remove_visit(p.db, p.actor, ids["visit_b"]),
        lambda: visits.attach_file(p.db, p.actor, ids["visit_b"], note, p.data.attachments),
        lambda: topics.move_topic(p.db, p.actor, ids["topic_b"], "调研中"),
        lambda: topics.set_scores(p.db, p.actor, ids["topic_b"], 90, None, None),
        lambda: topics.remove_topic(p.db, p.actor, ids["topic_b"]),
        lambda: days.set_quota(p.db, p.actor, ids["wangwu"], 5),
        lambda: exams.set_scores(p.db, p.actor, ids["exam_b"], [ScoreEntry(ids["zhaoliu"], 99)]),
        lambda: exams.update_exam(p.db, p.actor, ids["exam_b"], ExamInput("改名", 2026, 2, mode="paper")),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError) as e:
            attempt()
        assert "勐海县" in e.value.message and "只能查看" in e.value.message
    assert _writes(p) == before  # nothing written, not even an audit entry
    assert visits.get_visit(p.db, ids["visit_b"], office=B).place == "勐海镇曼真村"
    assert [r.score for r in results.ranking(p.db, ids["exam_b"], office=B)] == [92, 92, 55]


def _cells(path: Path) -> list[list[object]]:
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_excel_exports_honour_the_scope(world: World, tmp_path: Path) -> None:
    db = world.p.db
    res = export_kind(db, tmp_path / "v.xlsx", "visits", 2026, office=B)
    cells = _cells(res.path)
    text = "\n".join(str(c) for row in cells for c in row if c is not None)
    assert res.rows == 2 and "勐海县2026年调研安排表" in text
    assert "勐海镇曼真村" in text and "嘎洒镇曼景村" not in text
    every = _cells(export_kind(db, tmp_path / "all.xlsx", "visits", 2026, office=scope.ALL).path)
    header = next(r for r in every if "单位" in r)
    unit_col = header.index("单位")
    assert sorted(str(r[unit_col]) for r in every[every.index(header) + 1:] if r[unit_col]) == [
        "勐海县", "勐海县", "景洪市"]
    assert "全州各单位2026年调研安排表" in str(every[0][0]) and "填报单位：西双版纳州" in str(every[1][0])
    assert "填报单位：勐海县" in str(cells[1][0])
    days_text = str(_cells(export_kind(db, tmp_path / "d.xlsx", "days", 2026, office=B).path))
    assert "勐海县2026年干部深入基层调研天数统计表" in days_text and "孙七" in days_text and "张三" not in days_text
    topics_text = str(_cells(export_kind(db, tmp_path / "t.xlsx", "topics", 2026, office=B).path))
    assert "勐海县2026年调研课题一览表" in topics_text and "边境村寨产业发展调研" in topics_text
    assert "城区物业管理调研" not in topics_text
    scores = export_kind(db, tmp_path / "s.xlsx", "scores", 2026, office=B)
    scores_text = str(_cells(scores.path))
    assert scores.rows == 3 and "勐海县2026年第二季度业务知识测试成绩" in scores_text and "赵六" in scores_text
    with pytest.raises(NotFoundError):  # the prefecture itself held no exam
        export_kind(db, tmp_path / "none.xlsx", "scores", 2026)


def test_prints_honour_the_scope(world: World, tmp_path: Path) -> None:
    db = world.p.db
    _shape, report = _report(db, PrintJob("visits", 2026, today=TODAY, office=B))
    assert report.title == "勐海县2026年调研安排表" and report.office == "勐海县"
    assert [r[3] for r in report.rows] == ["勐海镇曼真村", "勐遮镇曼洪村"]
    _shape, every = _report(db, PrintJob("visits", 2026, today=TODAY, office=scope.ALL))
    assert every.office == "西双版纳州"  # every office's list is reported (填报单位) by the prefecture itself
    assert every.title == "全州各单位2026年调研安排表" and [r[8] for r in every.rows] == [
        "景洪市·综合科", "勐海县·综合科", "勐海县·综合科"]
    _shape, tops = _report(db, PrintJob("topics", 2026, today=TODAY, office=B))
    assert tops.title == "勐海县2026年调研课题一览表" and [r[1] for r in tops.rows] == ["边境村寨产业发展调研"]
    _shape, sc = _report(db, PrintJob("scores", 2026, item=world.ids["exam_b"], today=TODAY, office=scope.ALL))
    assert sc.title == "勐海县2026年第二季度业务知识测试成绩公示" and [r[1] for r in sc.rows] == ["孙七", "王五", "赵六"]
    pdf = tmp_path / "v.pdf"
    render(db, PrintJob("visits", 2026, today=TODAY, office=B), pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "勐海县2026年调研安排表" in text and "勐海镇曼真村" in text and "嘎洒镇曼景村" not in text


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_command_line_office_option(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdir, adir = str(world.root / "p"), str(world.root / "a")
    xlsx, pdf = tmp_path / "cli.xlsx", tmp_path / "cli.pdf"
    for kind, rows in (("visits", 2), ("days", 3), ("topics", 1), ("scores", 3)):
        assert cli.run(["--data-dir", pdir, "export-excel", str(xlsx), "--kind", kind, "--year", "2026",
                        "--office", B, "--json"]) == 0, kind
        assert json.loads(capsys.readouterr().out)["rows"] == rows, kind
        assert "勐海县" in str(_cells(xlsx)[0][0]), kind
    assert cli.run(["--data-dir", pdir, "export-excel", str(xlsx), "--kind", "visits", "--year", "2026",
                    "--office", "all", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 3
    for kind, title, present, absent in (("visits", "勐海县2026年调研安排表", "勐遮镇曼洪村", "嘎洒镇曼景村"),
                                         ("topics", "勐海县2026年调研课题一览表", "边境村寨产业发展调研", "城区物业管理调研"),
                                         ("scores", "勐海县2026年第二季度业务知识测试成绩公示", "赵六", "张三")):
        assert cli.run(["--data-dir", pdir, "print", str(pdf), "--kind", kind, "--year", "2026", "--office", B]) == 0
        text = _pdf_text(pdf)
        assert title in text and present in text and absent not in text, kind
    capsys.readouterr()
    # a county may not list another county's visits
    assert cli.run(["--data-dir", adir, "export-excel", str(xlsx), "--kind", "visits", "--office", B]) != 0
    assert "县级单位只能查看本单位的数据" in capsys.readouterr().err


def test_command_line_end_to_end_in_a_process(world: World, tmp_path: Path) -> None:
    out = tmp_path / "v.xlsx"
    proc = subprocess.run([sys.executable, "-m", "desktop_app", "--data-dir", str(world.root / "p"), "export-excel",
                           str(out), "--kind", "visits", "--year", "2026", "--office", B, "--json"],
                          capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows"] == 2
    text = str(_cells(out))
    assert "勐海县2026年调研安排表" in text and "勐海镇曼真村" in text and "嘎洒镇曼景村" not in text


def test_clashes_stay_within_one_office(tmp_path: Path) -> None:
    from desktop_app.org.organisation import add_section

    county = make_office(tmp_path / "c", A, "景洪市")
    pref = make_office(tmp_path / "p", P, "西双版纳州", level="prefecture")
    trust_both(county, pref)
    add_section(county.db, county.actor, "规划发展科")
    c1 = add_person(county.db, county.actor, PersonInput("刀红", "综合科")).id
    c2 = add_person(county.db, county.actor, PersonInput("岩温", "规划发展科")).id
    p1 = add_person(pref.db, pref.actor, PersonInput("玉香", "综合科")).id
    place = "勐海镇曼真村"
    for who, day in ((c1, 1), (c2, 3)):  # two sections of one county, two days apart: 扎堆调研
        visits.create_visit(county.db, county.actor, VisitInput(D(2026, 6, day), D(2026, 6, day), place, who))
    # the prefecture at the same village in between: another office's visit is not a clash
    visits.create_visit(pref.db, pref.actor, VisitInput(D(2026, 6, 2), D(2026, 6, 2), place, p1))
    send(county, pref, tmp_path / "b")
    assert clashes.clash_report(pref.db, 2026) == []
    one = clashes.clash_report(pref.db, 2026, office=A)
    assert [(r["科室一"], r["科室二"], r["原因"]) for r in one] == [("综合科", "规划发展科", "同一地点")]
    assert "单位" not in one[0]
    every = clashes.clash_report(pref.db, 2026, office=scope.ALL)
    assert [(r["单位"], r["科室一"], r["科室二"]) for r in every] == [("景洪市", "综合科", "规划发展科")]
    county.close()
    pref.close()
