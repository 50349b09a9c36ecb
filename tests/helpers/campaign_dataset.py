"""A small campaign dataset for the campaign documents' tests, added through the ORM into the ``ctx`` office
(综合科, 规划发展科, 政策法规科; 刘洋, 陈静, 黄涛, 吴芳, 赵磊). The counts it yields are written out in
:data:`EXPECTED` by hand, from the rows below, so a test compares the documents against them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from db.models import Issue, Person, Section, Topic, Visit, VisitParticipant
from db.models_campaign import Meeting, PeriodPlan, SectionScore
from db.models_quiz import Award
from db.models_work import Outcome, TopicMember

D = dt.date
#: “today” of the tests: November 2026, the fourth quarter, the second half
TODAY = D(2026, 11, 25)


def build(db: Any) -> dict[str, str]:
    """Add the rows; returns ids by name (``topic``: the topic with visits, problems and an outcome)."""
    with db.transaction() as s:
        sec = {x.name: x.id for x in s.execute(select(Section)).scalars()}
        person = {p.name: p.id for p in s.execute(select(Person)).scalars()}
        t1 = Topic(year=2026, section_id=sec["规划发展科"], title="茶叶产业联农带农机制", kind="重点",
                   lead_id=person["陈静"], status="调研中", methods=json.dumps(["蹲点调研", "座谈访谈"]))
        t2 = Topic(year=2026, section_id=sec["综合科"], title="村级集体经济发展", status="立项")
        s.add_all([t1, t2])
        s.flush()
        s.add(TopicMember(topic_id=t1.id, person_id=person["黄涛"]))

        def visit(start: dt.date, end: dt.date, place: str, place_type: str, state: str, section: str,
                  people: list[str], topic: Topic | None = None, findings: str = "") -> Visit:
            v = Visit(start_date=start, end_date=end, place=place, place_type=place_type, state=state,
                      section_id=sec[section], topic_id=topic.id if topic else None, lead_id=person[people[0]],
                      method="蹲点调研", findings=findings,
                      actual_start=start if state == "done" else None, actual_end=end if state == "done" else None)
            s.add(v)
            s.flush()
            for name in people:
                s.add(VisitParticipant(visit_id=v.id, person_id=person[name]))
            return v

        # November: 2 done visits (3 people; 3 days × 2 people at a village, the 机关 day does not count)
        v1 = visit(D(2026, 11, 3), D(2026, 11, 5), "勐海镇曼短村", "农村", "done", "规划发展科", ["陈静", "黄涛"], t1,
                   findings="茶农合作社分红机制不健全")
        visit(D(2026, 11, 10), D(2026, 11, 10), "县财政局", "机关", "done", "综合科", ["吴芳"])
        visit(D(2026, 10, 20), D(2026, 10, 21), "勐遮镇曼央龙村", "农村", "done", "政策法规科", ["赵磊"])  # October
        visit(D(2026, 11, 20), D(2026, 11, 21), "勐混镇曼赛村", "农村", "planned", "综合科", ["刘洋"], t1)  # not done

        s.add_all([
            Meeting(year=2026, section_id=None, kind="组工讲堂", date=D(2026, 10, 8), theme="全办组工讲堂"),
            Meeting(year=2026, section_id=sec["规划发展科"], kind="组工讲堂", date=D(2026, 10, 15), theme="十月讲堂"),
            Meeting(year=2026, section_id=sec["综合科"], kind="组工讲堂", date=D(2026, 11, 12), theme="十一月讲堂"),
            Meeting(year=2026, section_id=sec["规划发展科"], kind="专题研讨", date=D(2026, 11, 18), theme="茶产业研讨"),
        ])
        s.add_all([
            # found in November, overdue on the 25th; 责任单位 outside the office, 责任人 of 规划发展科
            Issue(serial="2026-001", year=2026, description="合作社分红不透明", measures="建立分红公示制度",
                  responsible_unit="县财政局", responsible_person="黄涛", assigned_date=D(2026, 11, 4),
                  deadline=D(2026, 11, 20), status="in_progress", source="topic", source_topic_id=t1.id),
            Issue(serial="2026-002", year=2026, description="村道垃圾清运不及时", responsible_unit="综合科",
                  assigned_date=D(2026, 11, 6), deadline=D(2026, 11, 30), status="closed", closed_at=D(2026, 11, 21)),
            Issue(serial="2026-003", year=2026, description="九月发现的问题", responsible_unit="政策法规科",
                  assigned_date=D(2026, 9, 1), deadline=D(2026, 12, 31), status="not_started"),
            Issue(serial="2026-004", year=2026, description="作废的问题", responsible_unit="综合科",
                  assigned_date=D(2026, 11, 7), deadline=D(2026, 11, 8), status="void"),
        ])
        s.add(Outcome(topic_id=t1.id, kind="制度成果", title="茶叶合作社分红公示办法", doc_no="勐乡振发〔2026〕12号",
                      date=D(2026, 11, 15), published_in="云南日报", published_on=D(2026, 11, 20), year=2026))
        s.add_all([
            PeriodPlan(year=2026, section_id=sec["规划发展科"], kind="week", period="2026-W45", filed_on=D(2026, 11, 2)),
            PeriodPlan(year=2026, section_id=sec["综合科"], kind="month_key", period="2026-11", filed_on=D(2026, 11, 1)),
            PeriodPlan(year=2026, section_id=sec["政策法规科"], kind="month_key", period="2026-11"),  # a draft
            PeriodPlan(year=2026, section_id=sec["综合科"], kind="half_review", period="2026-H2",
                       filed_on=D(2026, 11, 24), summary="下半年开展蹲点调研，推动村道保洁长效管护。"),
            PeriodPlan(year=2026, section_id=sec["规划发展科"], kind="half_review", period="2026-H2",
                       summary="草稿，尚未报送"),
        ])

        def score(section: str, kind: str, value: float) -> None:
            s.add(SectionScore(year=2026, half="H2", section_id=sec[section], rater_kind=kind, score=value))

        # 综合科 0.5×90 + 0.3×75 + 0.2×60 = 79.5; 规划发展科 0.5×80 + 0.3×90 + 0.2×100 = 87; 政策法规科 only 部领导评 70
        for section, kind, value in (("综合科", "leader", 90), ("综合科", "peer", 80), ("综合科", "peer", 70),
                                     ("综合科", "member", 60), ("规划发展科", "leader", 80),
                                     ("规划发展科", "peer", 90), ("规划发展科", "member", 100),
                                     ("政策法规科", "leader", 70)):
            score(section, kind, value)
        s.add(SectionScore(year=2026, half="H1", section_id=sec["政策法规科"], rater_kind="leader", score=99))
        s.add_all([
            Award(period="2026H2", kind="工作能手", target_id=person["黄涛"], rank=1, confirmed=True,
                  basis=json.dumps({"name": "黄涛"}, ensure_ascii=False)),
            Award(period="2026H2", kind="工作能手", target_id=person["赵磊"], rank=2, confirmed=True,
                  basis=json.dumps({"name": "赵磊"}, ensure_ascii=False)),
            Award(period="2026H2", kind="工作能手", target_id=person["吴芳"], rank=3, confirmed=False,
                  basis=json.dumps({"name": "吴芳"}, ensure_ascii=False)),
        ])
        return {"topic": t1.id, "visit": v1.id}
