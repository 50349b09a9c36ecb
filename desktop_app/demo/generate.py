"""演示数据 — a seeded generator of a realistic county office.

Used by ``fielddesk demo``, the README's first command, tests and benchmarks.
The organisation goes through the real setup service; topics, visits and the
quiz go through the ORM (so the change-tracking hook stamps them); the
ledger — which must scale to 100,000 and 1,000,000 items for benchmarks — is
written with executemany of plain tuples in batches of 25,000 items (a writer
thread stores one batch while the next is generated), and this
module writes those rows' change-log entries itself (the flush hook does not
see Core inserts).

The same seed gives the same office (names, texts, dates, serials, counts);
only UUIDs of the organisation rows, clock stamps and the signing key differ.
Dates are laid out around today (kept inside the 2026 campaign) so that some
items are always overdue, some due soon and some on track; pass ``today`` to
pin them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import killpoints
from db.engine import Database
from db.models import (
    Attempt,
    Campaign,
    Exam,
    Holiday,
    Outcome,
    Paper,
    Question,
    Topic,
    TopicMember,
    Visit,
    VisitParticipant,
)
from desktop_app.core import audit, server_db
from desktop_app.core.config import DataDir
from desktop_app.core.context import AppContext, open_context
from desktop_app.core.errors import ValidationError
from desktop_app.core.visit_codes import VisitState
from desktop_app.demo import folder as demo_folder
from desktop_app.demo import names
from desktop_app.demo import plans as demo_plans
from desktop_app.demo.campaign import add_meetings
from desktop_app.demo.ledger import _make_ledger, _rebuild_search_index
from desktop_app.demo.world import DEMO_ACTOR, YEAR, County, _World
from desktop_app.org import keys, organisation
from desktop_app.org.organisation import PersonInput, SetupInput, initialise_office
from desktop_app.sync import peers

#: bumped when the generated content changes (benchmarks cache built offices by it)
GENERATOR_VERSION = 3


class _Ids:
    """Deterministic UUID4 strings from a seed (the rows stay true UUIDs)."""

    _CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
    _SET = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant

    def __init__(self, seed: int) -> None:
        self._bits = random.Random(seed * 7919 + 17).getrandbits

    def __call__(self) -> str:
        # formatting by hand: uuid.UUID() costs ~4x more and a 1M-item demo makes ~4M ids
        h = f"{(self._bits(128) & self._CLEAR) | self._SET:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _FastRandom(random.Random):
    """random.Random with choice/randint cut to one call each: the 1M-item demo calls them ~30M times."""

    def choice(self, seq: Sequence[Any]) -> Any:  # type: ignore[override]
        """One element of a non-empty sequence."""
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        """An integer in [a, b]."""
        return a + int(self.random() * (b - a + 1))


def reference_date(today: dt.date | None = None) -> dt.date:
    """The 'today' the demo is built around: today, kept inside the campaign year."""
    day = today or dt.date.today()
    return min(max(day, dt.date(YEAR, 3, 1)), dt.date(YEAR, 12, 20))


def generate_demo(root: Path, items: int = 300, seed: int = 2026, today: dt.date | None = None,
                  county: County | None = None, with_accounts: bool = False) -> dict[str, Any]:
    """Make a demo county office (勐海县乡村振兴局 unless ``county`` says otherwise) in the data folder ``root``.

    ``items`` ledger items (each with 0–4 progress entries, some urges, closures,
    extensions and follow-ups), ~30 people in 6 sections, 12 topics, ~60 visits,
    the 2026 holiday table, a 40-question bank and a quarter's exam with scores.
    Refuses a folder whose database already has an office. ``with_accounts`` (``fielddesk demo``):
    an account for every role, made before the folder is moved into place (``demo_accounts``).
    Returns a summary.
    """
    started = time.perf_counter()
    made: list[dict[str, Any]] = []
    rng = _FastRandom(seed)
    ids = _Ids(seed)
    ref = reference_date(today)
    with empty_demo_folder(root, items) as ctx:
        county = county or County()
        _setup_organisation(ctx, county)
        db = ctx.db
        people = organisation.list_people(db, YEAR)
        world = _World(rng=rng, ids=ids, ref=ref, office=db.office_code, people=people, county=county)
        _make_work(db, world)
        _make_quiz(db, world)
        world.counts.update(demo_plans.make_plans(db, DEMO_ACTOR, rng, ids, ref, people))
        killpoints.reached("demo-halfway")
        gc_was_on = gc.isenabled()
        gc.disable()  # millions of small tuples, no cycles: the cyclic collector only slows the bulk load down
        try:
            ledger = _make_ledger(db, world, items)
        finally:
            if gc_was_on:
                gc.enable()
        add_meetings(db, people, ref, seed)  # 会议研讨 (desktop_app/demo/campaign.py), after the ledger: its rng is its own
        from desktop_app.demo.results import add_results  # 成果与评价: outcomes, H1 section scores, contacts

        add_results(db, DEMO_ACTOR, YEAR, ref, seed)
        indexed = _rebuild_search_index(db)
        office = organisation.get_office(db)
        sections = len(organisation.list_sections(db))
        if with_accounts:
            from desktop_app.demo.accounts import create_in

            made = create_in(ctx)
        db.compact()  # the bulk load's slack and the index rebuild's free pages (24 MB at 100k items)
    return {
        "office_code": office.code,
        "office_name": office.name,
        "data_dir": str(Path(root)),
        "year": YEAR,
        "sections": sections,
        "people": len(people),
        "topics": world.counts.get("topics", 0),
        "visits": world.counts.get("visits", 0),
        "issues": ledger["issue"],
        "progress": ledger["progress"],
        "urges": ledger["urge"],
        "closures": ledger["closure"],
        "extensions": ledger["extension"],
        "follow_ups": ledger["follow_up"],
        "holidays": world.counts.get("holidays", 0),
        "questions": world.counts.get("questions", 0),
        "attempts": world.counts.get("attempts", 0),
        "search_indexed": indexed,
        "seconds": round(time.perf_counter() - started, 3),
        **({"accounts": made} if with_accounts else {}),
    }


@contextlib.contextmanager
def empty_demo_folder(root: Path, items: int) -> Iterator[AppContext]:
    """An opened data folder to build a demo of ``items`` ledger items in, moved into ``root`` when done.

    Refused when ``root`` already has an office. The office is built out of sight (see
    ``demo_folder``): a failed or killed run leaves ``root`` as it was, never a half-made office.
    """
    if items < 0:
        raise ValidationError(f"问题台账条目数“{items}”无效", "请填写不小于0的整数")
    if server_db.url_for(DataDir(Path(root))):
        with _server_demo(Path(root)) as ctx:
            yield ctx
        return
    with demo_folder.building(Path(root)) as build:
        ctx = open_context(build, actor=DEMO_ACTOR, daily_backup=False)
        try:
            yield ctx
        finally:
            ctx.close()


@contextlib.contextmanager
def _server_demo(root: Path) -> Iterator[AppContext]:
    """A demo straight into a shared server's database (no file to build aside and move into place).

    Refused unless the database has no office; on any failure its rows are emptied again, so the
    next try is not refused as “已有单位数据”.
    """
    data = DataDir(root)
    ctx = open_context(data.root, actor=DEMO_ACTOR, daily_backup=False)
    if ctx.office_code:  # refused before anything below may clean up: this office's data is never touched
        ctx.close()
        raise ValidationError(f"数据目录 {ctx.data.root} 已有单位数据（{ctx.office_code}），演示数据只能生成到空目录",
                              "请用 --data-dir 指定一个新的空文件夹")
    try:
        yield ctx
    except BaseException:
        _empty_server_database(ctx)
        ctx.close()
        (data.keys / keys.KEY_FILE).unlink(missing_ok=True)
        raise
    ctx.close()


def _empty_server_database(ctx: AppContext) -> None:
    """Take a half-made demo out of a server database that had no office before it (rows only)."""
    from db import table_copy

    with ctx.db.engine.begin() as conn:
        table_copy.clear_all(conn)


def _setup_organisation(ctx: Any, county: County) -> None:
    initialise_office(ctx, SetupInput(
        code=county.code, name=county.name, level="county", parent_code=names.PARENT_CODE,
        sections=list(names.SECTIONS),
        people=[PersonInput(n, sec, post, is_leader=lead, quota_days=q, phone=_phone(county.code, i))
                for i, (n, sec, post, lead, q) in enumerate(county.people())],
        year=YEAR,
    ))
    organisation.set_campaign(ctx.db, ctx.actor, YEAR, organisation.DEFAULT_LEADER_QUOTA,
                              organisation.DEFAULT_STAFF_QUOTA, name=f"{YEAR}年“大学习、大调研、大讨论”活动")
    _trust_demo_prefecture(ctx)


def _phone(office_code: str, i: int) -> str:
    """A demo person's 联系电话: a mobile number of the 139 0691 block (西双版纳's 0691 area), one per person."""
    return f"1390691{int(office_code[-2:]) % 10}{i:03d}"


def _trust_demo_prefecture(ctx: Any) -> None:
    """The county holds items 西双版纳州乡村振兴局 assigned, so it trusts that office's card, as a real county
    does once the cards were exchanged (设置 would warn otherwise and the timeline could only name a code).
    The demo prefecture's key is made here and thrown away; ``fielddesk demo --prefecture`` replaces the card
    with the real prefecture's when it brings the county in (a new key for a known peer replaces the old)."""
    with tempfile.TemporaryDirectory(prefix="fielddesk-demo-pref-") as tmp:
        keys_dir = Path(tmp)
        public = keys.create_key(keys_dir)
        card = keys.OfficeCard(office_code=names.PREFECTURE_CODE, office_name=names.PREFECTURE_NAME,
                               level="prefecture", parent_code=None, public_key=public,
                               enc_key=keys.create_enc_key(keys_dir))
        peers.trust_card(ctx.db, ctx.actor, card, card.fingerprint)


# --------------------------------------------------------------------------- topics, visits, holidays


def _make_work(db: Database, w: _World) -> None:
    rng = w.rng
    with db.transaction() as s:
        camp = s.execute(select(Campaign).where(Campaign.office_code == w.office, Campaign.year == YEAR)).scalar_one()
        camp.start_date, camp.end_date = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
        w.counts["holidays"] = _add_holidays(s, w, YEAR)
        leaders = w.leaders
        statuses = ["立项", "调研中", "调研中", "成稿", "结题", "结题"] * 2
        rng.shuffle(statuses)
        for i, (section, title, kind) in enumerate(names.TOPICS):
            sec_id = next(p.section_id for p in w.people if p.section_name == section)
            lead = leaders[i % len(leaders)]
            status = statuses[i]
            topic = Topic(id=w.ids(), campaign_id=camp.id, year=YEAR, section_id=sec_id, title=title, kind=kind,
                          lead_id=lead.id, status=status,
                          methods=json.dumps(rng.sample(["座谈访谈", "随机走访", "问卷调查", "蹲点调研", "专项调研",
                                                         "统计分析"], k=rng.randint(2, 4)), ensure_ascii=False),
                          stages=json.dumps(list(names.TOPIC_STAGES), ensure_ascii=False),
                          report_due=_report_due(w, status))
            if status == "结题":  # closed after the 分管领导 reviewed the report (topic_review); no rng drawn
                topic.review_state, topic.reviewer, topic.review_opinion = "reviewed", lead.name, "同意结题"
                topic.review_submitted_on = topic.reviewed_on = topic.report_due
                topic.score_leader = round(rng.uniform(82, 96), 1)
                topic.score_peer = round(rng.uniform(80, 95), 1)
                topic.score_member = round(rng.uniform(80, 97), 1)
            s.add(topic)
            s.flush()  # no ORM relationships here, so parents are written before their children by hand
            staff = w.staff_of(section)
            for m in rng.sample(staff, k=min(len(staff), rng.randint(2, 4))):
                s.add(TopicMember(id=w.ids(), topic_id=topic.id, person_id=m.id))
            if status in ("成稿", "结题"):
                s.add(Outcome(id=w.ids(), topic_id=topic.id, kind=rng.choice(["实践成果", "制度成果", "理论成果"]),
                              title=f"关于{title.removesuffix('调研').removesuffix('研究')}的调研报告",
                              doc_no=f"{w.county.doc_prefix}〔{YEAR}〕{rng.randint(3, 60)}号",
                              date=w.rand_date(dt.date(YEAR, 4, 1), w.ref), adopted_by="县委农村工作领导小组"))
            if status != "立项":  # a topic only just set up has no visits or findings yet
                w.topics.append((topic.id, section))
        s.flush()
        w.counts["topics"] = len(names.TOPICS)
        w.counts["visits"] = _add_visits(s, w, camp.id)
        audit.record(s, DEMO_ACTOR, "demo_work", "topic", "",
                     {"topics": w.counts["topics"], "visits": w.counts["visits"], "holidays": w.counts["holidays"]})


def _report_due(w: _World, status: str) -> dt.date:
    """When the topic's report is due: passed for finished topics, ahead for the others."""
    if status == "结题":
        return dt.date(YEAR, w.rng.choice([5, 6, 9, 10]), 28)
    if status == "成稿":
        return w.ref + dt.timedelta(days=w.rng.randint(5, 30))
    return w.ref + dt.timedelta(days=w.rng.randint(20, 60))


def _add_holidays(s: Session, w: _World, year: int) -> int:
    """The official rest days and 调休 working days of ``year`` from chinese-calendar (if it covers it)."""
    from chinese_calendar import constants  # a declared dependency: missing means a damaged install
    label = {h.value: h.chinese for h in constants.Holiday}
    n = 0
    for kind, table in (("rest", constants.holidays), ("workday", constants.workdays)):
        for day, name in sorted(table.items()):
            if day.year == year:
                s.add(Holiday(id=w.ids(), date=day, kind=kind, name=label.get(name, str(name)),
                              source="国务院办公厅通知", verified=True))
                n += 1
    return n


def _add_visits(s: Session, w: _World, campaign_id: str) -> int:
    rng = w.rng
    villages = [(f"{town}{v}", town, "社区" if v.endswith("社区") else "农村")
                for town, vs in w.county.places.items() for v in vs]
    places = villages + list(w.county.other_places)
    count = 60
    starts = sorted(w.rand_date(dt.date(YEAR, 1, 5), w.ref + dt.timedelta(days=30)) for _ in range(count))
    for start in starts:
        topic_id, section = rng.choice(w.topics) if rng.random() < 0.8 else (None, rng.choice(names.SECTIONS))
        method = rng.choice(["蹲点调研", "随机走访", "专项调研", "座谈访谈", "座谈访谈", "问卷调查", "四不两直"])
        days = rng.randint(3, 6) if method == "蹲点调研" else rng.randint(1, 3)
        end = start + dt.timedelta(days=days - 1)
        place, township, place_type = rng.choice(places)
        staff = w.staff_of(section)
        lead = rng.choice(w.leaders) if rng.random() < 0.6 else rng.choice(staff)
        past = end < w.ref
        visit = Visit(id=w.ids(), campaign_id=campaign_id, topic_id=topic_id,
                      section_id=next(p.section_id for p in w.people if p.section_name == section),
                      start_date=start, end_date=end, place=place, township=township, place_type=place_type,
                      method=method, lead_id=lead.id,
                      unannounced=method == "四不两直" or (method in ("随机走访", "专项调研") and rng.random() < 0.2),
                      purpose=rng.choice(names.VISIT_PURPOSES), findings=rng.choice(names.VISIT_FINDINGS) if past else "",
                      # over by the demo's today: done on the planned days; to come: still planned
                      state=VisitState.DONE if past else VisitState.PLANNED, actual_start=start if past else None,
                      actual_end=end if past else None)
        s.add(visit)
        s.flush()
        members = {lead.id} | {p.id for p in rng.sample(staff, k=min(len(staff), rng.randint(1, 3)))}
        for pid in sorted(members):
            s.add(VisitParticipant(id=w.ids(), visit_id=visit.id, person_id=pid))
        if past:
            w.visits.append((visit.id, end, place))
    return count


# --------------------------------------------------------------------------- quiz


def _make_quiz(db: Database, w: _World) -> None:
    rng = w.rng
    points = {"单选": 3, "多选": 4, "判断": 2, "填空": 4, "简答": 10}
    per_paper = {"单选": 8, "多选": 5, "判断": 8, "填空": 5, "简答": 2}  # 24 + 20 + 16 + 20 + 20 = 100
    sections = {p.section_name: p.section_id for p in w.people}
    with db.transaction() as s:
        by_type: dict[str, list[str]] = {}
        for qtype, stem, options, answer, tags in names.QUESTIONS:
            q = Question(id=w.ids(), type=qtype, stem=stem, options=json.dumps(list(options), ensure_ascii=False),
                         answer=answer, tags=json.dumps(list(tags), ensure_ascii=False),
                         section_id=sections["政策法规股"] if "政策" in tags else None,
                         difficulty=rng.choice([1, 2, 2, 3]),
                         explanation="参见《关于做好调查研究工作的实施方案》及相关政策文件。")
            s.add(q)
            by_type.setdefault(qtype, []).append(q.id)
        quarter_end = dt.date(YEAR, 9, 23)
        exam = Exam(id=w.ids(), title=f"{YEAR}年第三季度业务知识测试", year=YEAR, quarter=3, date=quarter_end,
                    duration_min=60, total=100, pass_mark=60,
                    rules=json.dumps({"mode": "paper", "per_type": per_paper, "points": points},
                                     ensure_ascii=False))
        s.add(exam)
        s.flush()
        paper_seed = rng.randint(1, 10**6)
        prng = random.Random(paper_seed)
        paper_items = [{"question_id": qid, "points": points[t]}
                       for t, n in per_paper.items() for qid in prng.sample(by_type[t], k=n)]
        paper = Paper(id=w.ids(), exam_id=exam.id, variant="A", seed=paper_seed, items=json.dumps(paper_items))
        s.add(paper)
        s.flush()
        absent = set(rng.sample([p.id for p in w.people if not p.is_leader], k=2))
        for p in w.people:
            if p.id in absent:
                s.add(Attempt(id=w.ids(), exam_id=exam.id, paper_id=paper.id, person_id=p.id, score=None, absent=True,
                              source="paper", marked=True, note="出差缺考"))
            else:
                score = round(min(100.0, max(48.0, rng.gauss(84, 8))) * 2) / 2
                s.add(Attempt(id=w.ids(), exam_id=exam.id, paper_id=paper.id, person_id=p.id, score=score,
                              source="paper", marked=True))
        w.counts["questions"] = len(names.QUESTIONS)
        w.counts["attempts"] = len(w.people)
        audit.record(s, DEMO_ACTOR, "demo_quiz", "exam", exam.id,
                     {"questions": len(names.QUESTIONS), "attempts": len(w.people)})

