"""Demo 计划清单: a year of weekly plans filed to the sections' 分管领导 (a few weeks missed, the current week
only partly filed), monthly 攻坚/亮点 lists, quarterly 补短板/创先争优 lists, the first half-year's review and
the year activity plans recorded (备案) by the campaign office.

Written in one transaction with one flush (the demo is benchmarked); open items of a week are carried
into the next week's plan the way a clerk's 结转 does it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from db.engine import Database
from db.models_campaign import PeriodPlan, PlanItem
from desktop_app.campaign.periods import Period, period_of
from desktop_app.core import audit
from desktop_app.core.audit import Actor

WEEKLY = ("整理本周调研走访记录并录入系统", "跟进问题台账整改进度，督促责任单位报送进展", "起草专题调研提纲",
          "筹备本月组工讲堂", "汇总基层调研天数并通报", "开展防返贫监测数据比对", "走访结对帮扶户",
          "参加全办研讨会并准备发言材料", "撰写调研报告初稿", "报送上周工作完成情况", "对接乡镇开展实地核查",
          "整理会议纪要并印发", "更新服务清单办理情况", "组织科室集中学习")
MONTH_KEY = ("推进产业帮扶项目落地见效", "完成易地搬迁后续扶持专项调研", "破解农村人居环境整治难点",
             "完成防返贫监测帮扶集中排查", "推动就业帮扶车间提质增效")
MONTH_HIGHLIGHT = ("“四不两直”暗访发现问题全部建账销号", "组工讲堂邀请基层干部讲实践案例",
                   "调研成果被县委采纳转化为制度文件", "结对帮扶户实现稳定增收", "问题台账销号率居全县前列")
QUARTER_GAP = ("补齐基层调研天数不足短板", "补齐问题整改回访不及时短板", "补齐调研报告质量不高短板",
               "补齐业务知识测试薄弱环节")
QUARTER_EXCEL = ("争创全县先进科室", "打造“一科一品”服务品牌", "培育调研成果转化示范点", "争当业务能手")
YEAR_PLAN = ("全年确定调研课题1—2个并按期结题", "科室人员全年基层调研天数达到定额", "每月举办1期组工讲堂",
             "每季度参加业务知识闭卷考试", "结对户每季度至少走访1次", "挂钩村全年至少解决1个实际问题")


def make_plans(db: Database, actor: Actor, rng: random.Random, ids: Callable[[], str], ref: dt.date,
               people: Sequence[Any]) -> dict[str, int]:
    """Plans of every section of ``people`` (``PersonInfo``) from January up to ``ref``; returns counts."""
    by_section: dict[str, list[str]] = {}
    for person in people:
        staff = by_section.setdefault(person.section_id, [])
        if not person.is_leader:
            staff.append(person.id)
    sections = list(by_section.items())
    leaders = [p.id for p in people if p.is_leader] or [p.id for p in people]
    made = _Plans(rng, ids, ref)
    for n, (sec, members) in enumerate(sections):
        leader = leaders[n % len(leaders)]
        section = _Section(sec, n, leader, list(members) or [leader])
        made.weeks(section)
        made.months(section)
        made.quarters(section)
        made.half_review(section)
        made.year_plan(section, recorded=n != len(sections) - 1)
    counts: dict[str, Any] = {"plans": len(made.plans), "plan_items": len(made.items)}
    with db.transaction() as s:
        s.add_all(made.plans)
        s.flush()  # plans before their items (no ORM relationship orders them)
        s.add_all(made.items)
        s.flush()
        audit.record(s, actor, "demo_plans", "period_plan", "", counts)
    return counts


@dataclass(frozen=True)
class _Section:
    id: str
    n: int  #: the section's place in the list: which of them file late or miss this period
    leader: str  #: the 分管领导 its plans are filed to
    staff: list[str]  #: who owns the plans' lines


class _Plans:
    """The plans and lines made so far, for sections taken one at a time (the random draws in a fixed order)."""

    def __init__(self, rng: random.Random, ids: Callable[[], str], ref: dt.date) -> None:
        self.rng, self.ids, self.ref, self.year = rng, ids, ref, ref.year
        self.plans: list[PeriodPlan] = []
        self.items: list[PlanItem] = []

    def plan(self, sec: _Section, kind: str, per: Period, filed: dt.date | None, summary: str = "") -> PeriodPlan:
        p = PeriodPlan(id=self.ids(), year=per.year, section_id=sec.id, kind=kind, period=per.text,
                       summary=summary, filed_to_id=sec.leader if filed else None, filed_on=filed,
                       filed_by="科室内勤" if filed else "")
        self.plans.append(p)
        return p

    def item(self, p: PeriodPlan, seq: int, text: str, owner: str | None, due: dt.date | None, state: str,
             carried_from: str | None = None) -> PlanItem:
        it = PlanItem(id=self.ids(), plan_id=p.id, seq=seq, text=text, owner_id=owner, due=due, state=state,
                      carried_from_id=carried_from, note="")
        self.items.append(it)
        return it

    def weeks(self, sec: _Section) -> None:
        """Weekly plans: the first full week of January to this week; a few weeks missed."""
        rng, ref, year = self.rng, self.ref, self.year
        current_week = period_of("week", ref)
        week = period_of("week", dt.date(year, 1, 5))
        carried: list[PlanItem] = []
        while week <= current_week:
            this = week == current_week
            missed = rng.random() < 0.07 or (this and sec.n % 3 == 2)
            if missed:
                carried = []
                week = week.next()
                continue
            filed = None if this and sec.n % 3 == 1 else week.start + dt.timedelta(days=rng.choice((0, 0, 1)))
            p = self.plan(sec, "week", week, filed)
            seq = 0
            made: list[PlanItem] = []
            for old in carried:
                seq += 1
                old.state = "carried"
                made.append(self.item(p, seq, old.text, old.owner_id, None, "open", old.id))
            for text in rng.sample(WEEKLY, k=rng.randint(3, 5)):
                seq += 1
                due = min(week.start + dt.timedelta(days=rng.randint(1, 4)), dt.date(year, 12, 31))
                made.append(self.item(p, seq, text, rng.choice(sec.staff), due, "open"))
            past = week.end < ref
            for it in made:  # a week that is over: most lines done, a few carried into the next week
                if past:
                    it.state = "done" if rng.random() < 0.85 else "open"
            carried = [it for it in made if it.state == "open"] if past else []
            week = week.next()

    def months(self, sec: _Section) -> None:
        """Monthly 攻坚 and 亮点 lists."""
        rng, ref = self.rng, self.ref
        for month in range(1, ref.month + 1):
            per = Period("month", self.year, month)
            lists: tuple[tuple[str, tuple[str, ...]], ...] = (("month_key", MONTH_KEY),
                                                              ("month_highlight", MONTH_HIGHLIGHT))
            for kind, pool in lists:
                if month == ref.month and (ref.day < 5 or sec.n % 2 == 1):
                    continue  # this month's lists are still coming in
                p = self.plan(sec, kind, per, per.start + dt.timedelta(days=rng.randint(1, 4)))
                for seq, text in enumerate(rng.sample(pool, k=rng.randint(2, 3)), start=1):
                    done = per.end < ref and rng.random() < 0.8
                    self.item(p, seq, text, rng.choice(sec.staff), per.end, "done" if done else "open")

    def quarters(self, sec: _Section) -> None:
        """Quarterly 补短板 and 创先争优 lists."""
        rng, ref = self.rng, self.ref
        for q in range(1, (ref.month - 1) // 3 + 2):
            per = Period("quarter", self.year, q)
            for kind, pool in (("quarter_gap", QUARTER_GAP), ("quarter_excel", QUARTER_EXCEL)):
                p = self.plan(sec, kind, per, per.start + dt.timedelta(days=rng.randint(3, 10)))
                for seq, text in enumerate(rng.sample(pool, k=2), start=1):
                    self.item(p, seq, text, rng.choice(sec.staff), per.end, "done" if per.end < ref else "open")

    def half_review(self, sec: _Section) -> None:
        """The first half-year's review, filed in July."""
        rng, year = self.rng, self.year
        if self.ref > dt.date(year, 7, 10):
            per = Period("half", year, 1)
            p = self.plan(sec, "half_review", per, dt.date(year, 7, rng.randint(3, 10)),
                          "上半年科室围绕年度调研课题开展走访，问题台账按期整改，组工讲堂按月举办；"
                          "短板在于调研报告质量和回访及时性，下半年重点补齐。")
            self.item(p, 1, "下半年完成调研课题结题", rng.choice(sec.staff), dt.date(year, 12, 20), "open")
            self.item(p, 2, "逾期问题全部整改到位", rng.choice(sec.staff), dt.date(year, 11, 30), "open")

    def year_plan(self, sec: _Section, recorded: bool) -> None:
        """The year activity plan: filed in January, recorded (备案) by the campaign office when ``recorded``."""
        rng, year = self.rng, self.year
        p = self.plan(sec, "year_plan", Period("year", year), dt.date(year, 1, rng.randint(10, 25)))
        if recorded:
            p.recorded_on, p.recorded_by = dt.date(year, 2, rng.randint(1, 10)), "调研办"
        for seq, text in enumerate(YEAR_PLAN, start=1):
            self.item(p, seq, text, rng.choice(sec.staff), dt.date(year, 12, 31), "open")
