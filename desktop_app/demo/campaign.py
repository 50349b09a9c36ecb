"""Demo 大讨论 meetings: a year of 组工讲堂 per section (a few months missed), 中心组学习, 专题研讨 and the
half-year 务虚会 — deterministic for a seed, written through the meetings' own models in one transaction.

Called once by the county demo (``demo.generate_demo``) and once by the prefecture demo for its own office;
the counties' meetings reach the prefecture in their bundles like every other row.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from db.engine import Database
from db.models_campaign import MONTHLY_REQUIRED_MEETING, Meeting, MeetingAttendee
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.org.organisation import PersonInfo

DEMO_ACTOR = Actor("demo", "演示数据")

LECTURE_THEMES = (
    "学习习近平总书记关于调查研究的重要论述", "《关于在全党大兴调查研究的工作方案》解读", "如何写好一篇调研报告",
    "“四不两直”调研方法与实践", "问题清单、责任清单、督办清单的建立与管理", "组织工作业务知识讲座：干部考核",
    "基层党组织建设标准化规范化", "防止返贫动态监测和帮扶政策解读", "“别人什么样、自己怎么办”——先进地区经验交流",
    "公文写作与信息报送", "数字乡村建设的实践与思考", "年度调研成果转化运用交流",
)
CENTRE_THEMES = ("学习党的二十届三中全会精神", "学习新修订的《中国共产党纪律处分条例》", "深入学习贯彻省委全会精神",
                 "专题学习乡村全面振兴的决策部署")
SEMINAR_THEMES = ("“别人什么样、自己怎么办”专题研讨", "巩固拓展脱贫攻坚成果同乡村振兴有效衔接专题研讨",
                  "调研发现问题整改推进专题研讨")
PLACES = ("三楼会议室", "党员活动室", "五楼小会议室", "机关大会议室")
ABSENCE_REASONS = ("出差", "下乡调研", "病假", "事假", "参加上级培训", "公务外出")
HALF_YEAR_REVIEW = "务虚会"


def _weekday(rng: random.Random, year: int, month: int, lo: int, hi: int) -> dt.date:
    """A working day (Mon–Fri) of ``month`` between the ``lo``th and ``hi``th."""
    while True:
        d = dt.date(year, month, rng.randint(lo, hi))
        if d.weekday() < 5:
            return d


def _uuid(rng: random.Random) -> str:
    h = f"{(rng.getrandbits(128) & ~((0xF000 << 64) | (0xC000 << 48))) | (0x4000 << 64) | (0x8000 << 48):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def add_meetings(db: Database, people: Sequence[PersonInfo], ref: dt.date, seed: int, year: int = 2026) -> int:
    """Record the demo office's meetings of ``year`` held up to ``ref``; returns how many were made.

    Each section holds a 组工讲堂 most months (about one month in eight is missed, so the grid shows 缺);
    the office holds 中心组学习 every other month, a 专题研讨 in March, May, September and November, and a
    务虚会 in June and December. About one invitee in ten is away, with the reason.
    """
    rng = random.Random(seed * 53 + 11)
    sections: dict[str, list[PersonInfo]] = {}
    for p in people:
        sections.setdefault(p.section_id, []).append(p)
    leaders = [p for p in people if p.is_leader] or list(people)
    last = ref.month if ref.year == year else (12 if ref.year > year else 0)
    made = 0
    with db.transaction() as s:
        def add(kind: str, day: dt.date, theme: str, section_id: str | None, invited: Sequence[PersonInfo],
                host: PersonInfo, speakers: str) -> None:
            nonlocal made
            mid = _uuid(rng)
            s.add(Meeting(id=mid, year=year, kind=kind, date=day, theme=theme, section_id=section_id,
                          place=rng.choice(PLACES), host_id=host.id, speakers=speakers,
                          minutes=f"会议围绕“{theme}”开展学习研讨，与会人员结合工作实际逐一发言，"
                                  "梳理出需要解决的问题和下一步工作措施。"))
            s.flush()  # the attendees point at it
            for p in invited:
                away = p.id != host.id and rng.random() < 0.1
                s.add(MeetingAttendee(id=_uuid(rng), meeting_id=mid, person_id=p.id, present=not away,
                                      absence_reason=rng.choice(ABSENCE_REASONS) if away else ""))
            made += 1

        for month in range(1, last + 1):
            for n, (section_id, members) in enumerate(sorted(sections.items(), key=lambda kv: kv[1][0].section_name)):
                if rng.random() < 0.12:
                    continue  # missed this month: the 组工讲堂 grid shows 缺
                day = _weekday(rng, year, month, 5, 25)
                if day > ref:
                    continue
                host = next((p for p in members if p.is_leader), members[0])
                speaker = rng.choice(members)
                add(MONTHLY_REQUIRED_MEETING, day, LECTURE_THEMES[(month + n) % len(LECTURE_THEMES)], section_id,
                    members, host, speaker.name)
            if month % 2 == 1 and (day := _weekday(rng, year, month, 8, 20)) <= ref:
                add("中心组学习", day, CENTRE_THEMES[(month // 2) % len(CENTRE_THEMES)], None, leaders, leaders[0],
                    leaders[0].name)
            if month in (3, 5, 9, 11) and (day := _weekday(rng, year, month, 15, 27)) <= ref:
                add("专题研讨", day, SEMINAR_THEMES[month % len(SEMINAR_THEMES)], None, list(people), leaders[0],
                    "、".join(p.name for p in leaders[:3]))
            # the June review late in the month; December's before the demo's last day (the 20th)
            if month in (6, 12) and (day := _weekday(rng, year, month, *((22, 28) if month == 6 else (7, 18)))) <= ref:
                half = "上半年" if month == 6 else "全年"
                add(HALF_YEAR_REVIEW, day, f"{half}“大调研”工作复盘务虚会", None, list(people), leaders[0],
                    "、".join(p.name for p in leaders))
        audit.record(s, DEMO_ACTOR, "demo_meetings", "meeting", "", {"meetings": made})
    return made
