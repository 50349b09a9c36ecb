"""A prefecture's dashboard: the work and quiz panels cover every county, each against its own quota.

Two real county offices record people, visits, topics and exams through the services and send
bundles to a real prefecture office; the dashboard service and the yearly summary of the
prefecture then show each county's own figures side by side (and a county's stay its own).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_app.core.context import AppContext
from desktop_app.dashboard import summary as dashboard
from desktop_app.org import scope
from desktop_app.org.organisation import PersonInput, add_person, list_sections, set_campaign
from desktop_app.quiz import exams
from desktop_app.quiz.types import ExamInput, ScoreEntry
from desktop_app.reports.jobs import PrintJob, render
from desktop_app.reports.summary import fetch_summary_report
from desktop_app.work import topics, visits
from desktop_app.work.types import OutcomeInput, TopicInput, VisitInput
from tests.helpers.sync_support import prefecture_and_counties, send

D = dt.date
A, B, P = "532801", "532822", "532800"
TODAY = D(2026, 7, 1)


class World:
    """The three offices."""

    def __init__(self, root: Path, a: AppContext, b: AppContext, p: AppContext) -> None:
        self.root, self.a, self.b, self.p = root, a, b, p


def _people(ctx: AppContext, *names: tuple[str, bool]) -> dict[str, str]:
    return {n: add_person(ctx.db, ctx.actor, PersonInput(n, "综合科", is_leader=lead)).id for n, lead in names}


def _exam(ctx: AppContext, title: str, quarter: int, scores: list[tuple[str, float]]) -> None:
    e = exams.create_exam(ctx.db, ctx.actor, ExamInput(title, 2026, quarter, mode="paper"))
    exams.set_scores(ctx.db, ctx.actor, e.id, [ScoreEntry(pid, sc) for pid, sc in scores])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("dashboard_prefecture")
    a, b, p = prefecture_and_counties(root)
    # 景洪市 keeps the default quotas (leader 90, staff 60); 勐海县 sets its own (leader 10, staff 20)
    pa = _people(a, ("张三", True), ("李四", False))
    set_campaign(b.db, b.actor, 2026, 10, 20)
    pb = _people(b, ("王五", True), ("赵六", False), ("孙七", False))
    visits.create_visit(a.db, a.actor, VisitInput(D(2026, 3, 2), D(2026, 3, 4), "嘎洒镇曼景村", pa["张三"]))
    sec_b = list_sections(b.db)[0].id
    topic = topics.create_topic(b.db, b.actor, TopicInput(2026, sec_b, "边境村寨产业发展调研", lead_id=pb["王五"]))
    topics.add_outcome(b.db, b.actor, topic.id, OutcomeInput("制度成果", "边境村寨产业扶持办法"))
    topics.create_topic(b.db, b.actor, TopicInput(2026, sec_b, "茶产业调研"))
    visits.create_visit(b.db, b.actor, VisitInput(D(2026, 4, 6), D(2026, 4, 7), "勐海镇曼真村", pb["王五"],
                                                  participant_ids=[pb["赵六"]]))
    visits.create_visit(b.db, b.actor, VisitInput(D(2026, 5, 11), D(2026, 5, 20), "勐遮镇曼洪村", pb["王五"]))
    topics.create_topic(a.db, a.actor, TopicInput(2026, list_sections(a.db)[0].id, "城区物业管理调研"))
    _exam(a, "2026年第一季度测试（景洪）", 1, [(pa["张三"], 80), (pa["李四"], 90)])
    _exam(a, "2026年第二季度测试（景洪）", 2, [(pa["张三"], 70)])
    _exam(b, "2026年第二季度业务知识测试", 2, [(pb["王五"], 92), (pb["赵六"], 55), (pb["孙七"], 92)])
    send(a, p, root / "1")
    send(b, p, root / "2")
    yield World(root, a, b, p)
    for c in (a, b, p):
        c.close()


def test_work_of_every_county_against_its_own_quota(world: World) -> None:
    w = dashboard.work_overview(world.p.db, 2026, scope.ALL, TODAY)
    by = {o.office_code: o for o in w.offices}
    assert list(by) == [P, A, B]  # the scope selector's order: the prefecture's own first
    assert by[P].people == 0 and by[P].visits == 0
    a, b = by[A], by[B]
    assert (a.office_name, a.people, a.days, a.quota, a.visits, a.topics, a.outcomes) == ("景洪市", 2, 3, 150, 1, 1, 0)
    # 王五 2 + 10 days against 10 (done), 赵六 2 against 20, 孙七 none against 20
    assert (b.office_name, b.people, b.days, b.quota, b.visits, b.topics, b.outcomes) == ("勐海县", 3, 14, 50, 2, 2, 1)
    assert b.completed == 1 and a.completed == 0
    assert b.days_rank == 1 and a.days_rank == 2 and by[P].days_rank == 0  # 28% beats 2%
    assert w.days == [("西双版纳州", 0, 0), ("景洪市", 3, 150), ("勐海县", 14, 50)]
    assert w.stages["立项"] == 3 and w.outcomes["制度成果"] == 1


def test_one_county_and_the_prefectures_own(world: World) -> None:
    only_b = dashboard.work_overview(world.p.db, 2026, B, TODAY)
    assert [o.office_code for o in only_b.offices] == [B]
    assert only_b.days == [("综合科", 14, 50)]  # that county's sections
    own = dashboard.work_overview(world.p.db, 2026, "", TODAY)
    assert [(o.office_code, o.people, o.topics) for o in own.offices] == [(P, 0, 0)]
    county = dashboard.work_overview(world.a.db, 2026, "", TODAY)  # a county: its own, as before
    assert county.days == [("综合科", 3, 150)] and county.stages["立项"] == 1


def test_quiz_averages_and_participation_per_county(world: World) -> None:
    q = dashboard.quiz_overview(world.p.db, 2026, scope.ALL)
    by = {o.office_code: o for o in q.offices}
    a, b = by[A], by[B]
    assert (a.exams, a.expected, a.sat, a.average) == (2, 4, 3, 80.0)  # (80 + 90 + 70) / 3
    assert a.quarters == {"第一季度": 85.0, "第二季度": 70.0} and a.participation == 0.75
    assert (b.exams, b.expected, b.sat, b.average) == (1, 3, 3, pytest.approx(79.7, abs=0.01))
    assert b.pass_rate == pytest.approx(2 / 3, abs=1e-3) and b.participation == 1.0
    assert (a.rank, b.rank, by[P].rank) == (1, 2, 0)
    assert q.exams == 3 and q.series == ["第一季度", "第二季度"]
    assert q.groups == [("景洪市", [85.0, 70.0]), ("勐海县", [None, pytest.approx(79.7, abs=0.01)])]
    one = dashboard.quiz_overview(world.p.db, 2026, A)
    assert one.series == ["第一季度", "第二季度"] and one.groups == [("综合科", [85.0, 70.0])]
    county = dashboard.quiz_overview(world.b.db, 2026)
    assert [o.office_code for o in county.offices] == [B]
    assert county.groups == [("综合科", [pytest.approx(79.7, abs=0.01)])]


def test_cards_count_every_county_in_a_prefecture(world: World) -> None:
    s = dashboard.summary(world.p.db, TODAY)
    assert (s.people, s.leaders, s.topics, s.visits) == (5, 2, 3, 3)
    own = dashboard.summary(world.p.db, TODAY, office="")
    assert (own.people, own.topics, own.visits) == (0, 0, 0)
    county = dashboard.summary(world.b.db, TODAY)
    assert (county.people, county.topics, county.visits) == (3, 2, 2)


def test_county_may_not_ask_for_every_office(world: World) -> None:
    from desktop_app.core.errors import ValidationError

    with pytest.raises(ValidationError, match="县级单位只能查看本单位"):
        dashboard.work_overview(world.a.db, 2026, scope.ALL, TODAY)


def test_summary_pdf_names_the_counties(world: World, tmp_path: Path) -> None:
    job = PrintJob("summary", year=2026, today=TODAY, office=scope.ALL)
    data = fetch_summary_report(world.p.db, job)
    assert data.office == "全州各单位" and data.compiler == "西双版纳州"
    assert [bar.label for bar in data.days] == ["景洪市", "勐海县"]  # offices with people
    assert data.days[1].text == "14/50天 28.0% 第1名（3人）"
    assert [bar.label for bar in data.quiz] == ["景洪市", "勐海县"]
    out = tmp_path / "summary.pdf"
    render(world.p.db, job, out)
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    text = "".join(subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "全州各单位2026年大调研工作汇总" in text and "西双版纳州汇总" in text
    assert "景洪市" in text and "勐海县" in text and "14/50天28.0%第1名（3人）" in text
    assert "79.7第2名（1场，参考率100%）" in text and "80.0第1名（2场，参考率75%）" in text
    one = fetch_summary_report(world.p.db, PrintJob("summary", year=2026, today=TODAY, office=B))
    assert one.office == "勐海县" and {bar.label for bar in one.days} == {"王五（综合科）", "赵六（综合科）",
                                                                          "孙七（综合科）"}
    county = fetch_summary_report(world.a.db, PrintJob("summary", year=2026, today=TODAY))
    assert county.office == "景洪市" and [bar.label for bar in county.days] == ["张三（综合科）", "李四（综合科）"]


def test_the_prefecture_with_people_of_its_own_is_shown_but_not_ranked(tmp_path: Path) -> None:
    """It compares its counties; it is not one of them (it ranked itself last, 西双版纳州 0/360)."""
    a, b, p = prefecture_and_counties(tmp_path)
    try:
        pp = _people(p, ("州领导", True), ("州科员", False))
        pa = _people(a, ("张三", True))
        visits.create_visit(a.db, a.actor, VisitInput(D(2026, 3, 2), D(2026, 3, 4), "嘎洒镇曼景村", pa["张三"]))
        _exam(p, "2026年第一季度测试（州）", 1, [(pp["州领导"], 95)])
        _exam(a, "2026年第一季度测试（景洪）", 1, [(pa["张三"], 60)])
        send(a, p, tmp_path / "1")
        w = dashboard.work_overview(p.db, 2026, scope.ALL, TODAY)
        by = {o.office_code: o for o in w.offices}
        assert by[P].quota > 0 and by[P].days_rank == 0
        assert by[A].days_rank == 1
        q = dashboard.quiz_overview(p.db, 2026, scope.ALL)
        ranks = {o.office_code: o.rank for o in q.offices}
        assert ranks[P] == 0 and ranks[A] == 1  # 95 % at the prefecture itself does not push its county down
    finally:
        for c in (a, b, p):
            c.close()
