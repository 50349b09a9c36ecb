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
import functools
import gc
import json
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from db import killpoints
from db.changes import STAMP_COLUMNS, encode_fields, next_seq
from db.dialect import is_sqlite
from db.engine import Database
from db.models import (
    Attempt,
    Base,
    Campaign,
    ChangeLog,
    Closure,
    Exam,
    Extension,
    FollowUp,
    Holiday,
    Issue,
    Outcome,
    Paper,
    Progress,
    Question,
    Topic,
    TopicMember,
    Urge,
    Visit,
    VisitParticipant,
)
from desktop_app import demo_folder, demo_plans
from desktop_app import demo_names as names
from desktop_app.calendar import PACKAGE_SOURCE, WorkCalendar, calendar_from_rows, package_days
from desktop_app.core import audit, server_db
from desktop_app.core.audit import Actor
from desktop_app.core.config import DataDir
from desktop_app.core.context import AppContext, open_context
from desktop_app.core.errors import ValidationError
from desktop_app.demo_campaign import add_meetings
from desktop_app.org import keys, organisation
from desktop_app.org.organisation import PersonInfo, PersonInput, SetupInput, initialise_office
from desktop_app.sync import peers

DEMO_ACTOR = Actor("demo", "演示数据")
#: bumped when the generated content changes (benchmarks cache built offices by it)
GENERATOR_VERSION = 3
YEAR = 2026
#: ledger items per transaction: big enough for executemany to pay off, small enough that writing one
#: batch overlaps generating the next for most of the run
BATCH = 25_000
#: page cache (KiB) while bulk loading
BULK_CACHE_KB = 262_144
#: how far before the deadline an item turns yellow (matches the ledger's default warning window)
DUE_SOON_DAYS = 5


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


@dataclass(frozen=True)
class County:
    """Which county office a demo is: its code, name, document prefix, places and people."""

    code: str = names.OFFICE_CODE
    name: str = names.OFFICE_NAME
    doc_prefix: str = "勐乡振发"
    places: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(names.PLACES))
    other_places: tuple[tuple[str, str, str], ...] = names.OTHER_PLACES
    #: 0 keeps the demo's staff list; n > 0 pairs each surname with the given name n places on,
    #: so every county of the prefecture demo has its own people
    name_shift: int = 0

    def people(self) -> list[tuple[str, str, str, bool, int | None]]:
        """The office's people: (name, section, post, is_leader, quota_days)."""
        if not self.name_shift:
            return list(names.PEOPLE)
        splits = [(n[0], n[1:]) for n, *_ in names.PEOPLE]
        out, seen = [], set()
        for i, (_n, sec, post, lead, quota) in enumerate(names.PEOPLE):
            name = splits[i][0] + splits[(i + self.name_shift) % len(splits)][1]
            while name in seen:  # never two people of one office with the same name
                name += "华"
            seen.add(name)
            out.append((name, sec, post, lead, quota))
        return out


#: the other counties of 西双版纳州 the prefecture demo brings in next to 勐海县
OTHER_COUNTIES: tuple[County, ...] = tuple(
    County(code=code, name=name, doc_prefix=prefix, places=dict(places), other_places=other, name_shift=7 + 5 * i)
    for i, (code, name, prefix, places, other) in enumerate(names.OTHER_COUNTIES))


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
        add_meetings(db, people, ref, seed)  # 会议研讨 (desktop_app/demo_campaign.py), after the ledger: its rng is its own
        from desktop_app.demo_results import add_results  # 成果与评价: outcomes, H1 section scores, contacts

        add_results(db, DEMO_ACTOR, YEAR, ref, seed)
        indexed = _rebuild_search_index(db)
        office = organisation.get_office(db)
        sections = len(organisation.list_sections(db))
        if with_accounts:
            from desktop_app.demo_accounts import create_in

            made = create_in(ctx)
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


@dataclass
class _World:
    """What the generator has made so far, for later parts to refer to."""

    rng: random.Random
    ids: Callable[[], str]
    ref: dt.date
    office: str
    people: list[PersonInfo]
    county: County = field(default_factory=County)
    topics: list[tuple[str, str]] = field(default_factory=list)  # (id, section name)
    visits: list[tuple[str, dt.date, str]] = field(default_factory=list)  # (id, end date, place) of past visits
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def leaders(self) -> list[PersonInfo]:
        """Office leaders (领导)."""
        return [p for p in self.people if p.is_leader]

    def staff_of(self, section: str) -> list[PersonInfo]:
        """Staff (not leaders) of a section."""
        return [p for p in self.people if p.section_name == section and not p.is_leader]

    def rand_date(self, start: dt.date, end: dt.date) -> dt.date:
        """A uniform date in [start, end] (start when the range is empty)."""
        span = (end - start).days
        return start + dt.timedelta(days=int(self.rng.random() * (span + 1))) if span > 0 else start


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
                      state="done" if past else "planned", actual_start=start if past else None,
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


# --------------------------------------------------------------------------- ledger (bulk)


class _Bulk:
    """Rows of the ledger tables waiting for executemany, plus their change-log entries."""

    MODELS: tuple[type[Base], ...] = (Issue, Progress, Urge, Closure, FollowUp, Extension)

    def __init__(self, office: str, tick: Callable[[], int]) -> None:
        self.office = office
        self.tick = tick
        self.rows: dict[str, list[tuple[Any, ...]]] = {m.__tablename__: [] for m in self.MODELS}
        self.log: list[tuple[int, str, str, str]] = []  # (hlc, table, row id, fields json) in change order
        self.columns: dict[str, list[str]] = {}
        self.fields: dict[str, str] = {}
        self.totals: dict[str, int] = {m.__tablename__: 0 for m in self.MODELS}
        self._writer: threading.Thread | None = None
        self._failed: BaseException | None = None
        for m in self.MODELS:
            name = m.__tablename__
            # the stamps and tombstone first, then the table's own columns; created/updated use server defaults
            own = [c.name for c in m.__table__.columns  # type: ignore[attr-defined]
                   if c.name not in ("id", "office_code", "hlc", "changed_by", "deleted", "created_at", "updated_at")]
            self.columns[name] = ["id", "office_code", "hlc", "changed_by", "deleted", *own]
            # the same field list the flush hook records for an ORM insert ("*": every column)
            attrs = sa_inspect(m).column_attrs
            self.fields[name] = encode_fields(name, "insert", [a.key for a in attrs if a.key not in STAMP_COLUMNS])

    def add(self, table: str, row_id: str, values: Sequence[Any]) -> None:
        """Queue one row: ``values`` are the table's own columns in ``columns[table]`` order after the stamps."""
        stamp = self.tick()
        self.rows[table].append((row_id, self.office, stamp, self.office, 0, *values))
        self.log.append((stamp, table, row_id, self.fields[table]))

    def pending(self) -> int:
        """Issues waiting to be written."""
        return len(self.rows["issue"])

    def flush(self, db: Database, actor: Actor) -> None:
        """Hand everything queued to a writer thread and go on generating; one write at a time.

        SQLite releases the GIL while it steps, so generating the next batch overlaps
        with writing this one. Content stays deterministic: only this thread draws
        random numbers and clock stamps; the writer numbers the change log in order.
        """
        self.wait()
        if not self.log:
            return
        rows, log = self.rows, self.log
        self.rows = {name: [] for name in rows}
        self.log = []

        def write() -> None:
            try:
                self._write(db, actor, rows, log)
            except BaseException as exc:  # re-raised in the generating thread by wait()
                self._failed = exc

        self._writer = threading.Thread(target=write, name="demo-ledger-writer", daemon=True)
        self._writer.start()

    def wait(self) -> None:
        """Wait for the writer thread; re-raise what it failed with."""
        if self._writer is not None:
            self._writer.join()
            self._writer = None
        if self._failed is not None:
            failed, self._failed = self._failed, None
            raise failed

    def _write(self, db: Database, actor: Actor, rows_by_table: dict[str, list[tuple[Any, ...]]],
               log: list[tuple[int, str, str, str]]) -> None:
        """One transaction: the rows, their change-log entries and an audit entry."""
        with db.transaction() as s:
            conn = s.connection()
            sqlite = is_sqlite(conn)
            if sqlite:  # a bigger page cache keeps the random-UUID indexes in memory while the file grows past 64 MB
                conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KB}")
            seq = next_seq(s, self.office)
            for name, rows in rows_by_table.items():
                if rows:
                    rows.sort()  # by id: neighbouring inserts touch neighbouring pages of the primary-key index
                    cols = self.columns[name]
                    if sqlite:
                        sql = f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                        conn.exec_driver_sql(sql, rows)
                    else:
                        _insert_typed(conn, name, cols, rows)
            log_rows = [(self.office, seq + i, stamp, table, rid, "insert", fields)
                        for i, (stamp, table, rid, fields) in enumerate(log)]
            log_cols = ["origin", "seq", "hlc", "table_name", "row_id", "op", "fields"]
            if sqlite:
                conn.exec_driver_sql(
                    f"INSERT INTO {ChangeLog.__tablename__} ({', '.join(log_cols)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    log_rows)
            else:
                _insert_typed(conn, ChangeLog.__tablename__, log_cols, log_rows)
            counts = {name: len(rows) for name, rows in rows_by_table.items()}
            audit.record(s, actor, "demo_ledger", "issue", "", counts)
            if sqlite:
                conn.exec_driver_sql("PRAGMA cache_size=-65536")  # back to normal for this pooled connection
        for name, rows in rows_by_table.items():
            self.totals[name] += len(rows)


def _insert_typed(conn: Any, name: str, cols: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Rows queued in SQLite's storage form (dates as text, booleans as 0/1) inserted on another engine."""
    table = Base.metadata.tables[name]
    convert: list[Callable[[Any], Any]] = []
    for c in cols:
        t = table.c[c].type
        if isinstance(t, Boolean):
            convert.append(lambda v: None if v is None else bool(v))
        elif isinstance(t, DateTime):
            convert.append(lambda v: dt.datetime.fromisoformat(v) if isinstance(v, str) else v)
        elif isinstance(t, Date):
            convert.append(lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else v)
        else:
            convert.append(lambda v: v)
    conn.execute(insert(table), [{c: f(v) for c, f, v in zip(cols, convert, r, strict=True)} for r in rows])


def _d(day: dt.date | None) -> str | None:
    """A date as SQLAlchemy stores it in SQLite."""
    return day.isoformat() if day else None


def _description(rng: random.Random, category: str, place: str | None, orders: Sequence[Sequence[str]],
                 heard: str = "调研发现") -> str:
    """80–200 characters of problem description, the way a clerk writes one."""
    target = rng.randint(80, 200)
    text = (f"{place}{heard}：" if place else "") + rng.choice(names.PROBLEM_LEADS[category])
    for detail in rng.choice(orders):
        if len(text) >= target - 1:
            break
        text += "；" + detail
    if len(text) > 199:  # end on a clause boundary where one is late enough
        cut = text.rfind("；", 0, 199)
        text = text[:cut] if cut >= 79 else text[:199]
    return text + "。"


def _add_workdays(start: dt.date, n: int) -> dt.date:
    """``n`` Chinese working days after ``start``, on the same calendar the ledger counts with
    (the chinese_calendar package's days; Monday–Friday in years it does not reach)."""
    return _package_calendar().add_workdays(start, n).value


@functools.cache
def _package_calendar() -> WorkCalendar:
    return calendar_from_rows((d, kind, PACKAGE_SOURCE, False) for d, (kind, _name) in package_days().items())


def _make_ledger(db: Database, w: _World, items: int) -> dict[str, int]:
    bulk = _Bulk(w.office, db.clock.tick)
    try:
        _fill_ledger(db, w, items, bulk)
    finally:
        bulk.wait()  # never leave a writer running into a closed database
    return dict(bulk.totals)


def _fill_ledger(db: Database, w: _World, items: int, bulk: _Bulk) -> None:
    rng = w.rng
    leaders = [p.name for p in w.leaders]
    clerks = [p.name for p in w.people if not p.is_leader]
    unit_people = list(names.UNIT_PEOPLE) + clerks[:8]
    places = [f"{town}{v}" for town, vs in w.county.places.items() for v in vs]
    units = list(names.UNITS) if w.county.places == names.PLACES else [  # this county's townships, not 勐海's
        u for u in names.UNITS if not u.endswith("人民政府")] + [f"{town}人民政府" for town in w.county.places]
    year_start = dt.date(YEAR, 1, 5)
    workday_cache: dict[tuple[dt.date, int], dt.date] = {}
    reopened_done = False
    # pools drawn once: random.sample per item would cost more than writing the rows
    detail_orders = [rng.sample(names.PROBLEM_DETAILS, k=7) for _ in range(97)]
    measure_texts = [m + "。" for m in names.MEASURES] + [
        "；".join(rng.sample(names.MEASURES, k=2)) + "。" for _ in range(60)]
    percent_runs = {n: [sorted(rng.sample(range(10, 100, 5), k=n)) for _ in range(40)] for n in range(1, 5)}
    text_runs = {n: [rng.sample(names.PROGRESS_TEXTS, k=n) for _ in range(40)] for n in range(1, 5)}
    for i in range(items):
        issue_id = w.ids()
        category = rng.choice(names.CATEGORIES)
        r = rng.random()
        source = "visit" if r < 0.4 else "topic" if r < 0.55 else "assigned" if r < 0.7 else "self" if r < 0.9 \
            else "public"
        visit = rng.choice(w.visits) if source == "visit" and w.visits else None
        if source == "visit" and visit is None:
            source = "self"
        topic_id = rng.choice(w.topics)[0] if source == "topic" else None
        place = visit[2] if visit else (rng.choice(places) if source in ("topic", "public") and rng.random() < 0.5
                                        else None)
        description = _description(rng, category, place, detail_orders, "群众反映" if source == "public" else "调研发现")
        measures = rng.choice(measure_texts)
        r = rng.random()
        kind = "immediate" if r < 0.2 else "ongoing" if r < 0.33 else "dated"
        fate = _fate(rng, kind)
        span = rng.randint(5, 20) if kind == "immediate" else rng.randint(30, 180)
        deadline: dt.date | None
        if fate in ("closed", "void"):
            deadline = w.rand_date(year_start + dt.timedelta(days=span), w.ref + dt.timedelta(days=60))
        elif fate == "done":  # finished lately and waiting for 销号: mostly before its deadline
            deadline = w.rand_date(w.ref - dt.timedelta(days=20), w.ref + dt.timedelta(days=60))
        elif fate == "overdue":
            deadline = w.rand_date(max(year_start + dt.timedelta(days=span), w.ref - dt.timedelta(days=120)),
                                   w.ref - dt.timedelta(days=1))
        elif fate == "due_soon":
            deadline = w.ref + dt.timedelta(days=rng.randint(0, DUE_SOON_DAYS))
        else:
            deadline = w.ref + dt.timedelta(days=rng.randint(DUE_SOON_DAYS + 3, 150))
        assigned = deadline - dt.timedelta(days=span)
        if assigned >= w.ref:  # a long way off but recorded some time ago, not all yesterday
            assigned = w.ref - dt.timedelta(days=rng.randint(1, 75))
        assigned = max(year_start, assigned)
        if visit:
            assigned = max(assigned, visit[1] + dt.timedelta(days=1))
            assigned = min(assigned, w.ref)
        basis, workdays = "date", None
        if kind == "immediate" and rng.random() < 0.5 and fate != "due_soon":
            workdays = rng.choice((5, 7, 10, 15))
            key = (assigned, workdays)
            if key not in workday_cache:
                workday_cache[key] = _add_workdays(assigned, workdays)
            basis, deadline = "workdays", workday_cache[key]
        if deadline < assigned:
            deadline = assigned
        if kind == "ongoing":
            deadline = None
        original = deadline
        status = {"closed": "closed", "done": "done", "void": "void", "not_started": "not_started"}.get(
            fate, "not_started" if fate == "overdue" and rng.random() < 0.3 else "in_progress")
        person = rng.choice(unit_people)
        unit = "县乡村振兴局" if person in clerks else rng.choice(units)
        leader = rng.choice(leaders)
        # the day work stopped: closure for closed items, today for open ones
        last_day = min(w.ref, (deadline or w.ref) + dt.timedelta(days=rng.randint(-10, 5))) \
            if status in ("closed", "done") else w.ref
        last_day = max(last_day, assigned)

        # an item assigned by the prefecture (交办) is the prefecture's to extend and to close (DESIGN.md §4,
        # sync/ownership.py): the county only asks, so every row it writes here is one the prefecture accepts
        assigned_by = names.PARENT_CODE if source == "assigned" else ""
        if kind == "dated" and status in ("in_progress", "not_started") and deadline and rng.random() < 0.05:
            reason = "涉及多个部门协调，资金下达滞后，申请延期完成整改。"
            if assigned_by:  # asked and still waiting for the prefecture's answer: the deadline stands
                asked = w.rand_date(assigned, min(deadline, w.ref))
                wanted = deadline + dt.timedelta(days=rng.choice((30, 45, 60)))
                bulk.add("extension", w.ids(), (issue_id, _d(wanted), reason, "pending", person, "", None, ""))
            else:
                original = deadline - dt.timedelta(days=rng.choice((30, 45, 60)))
                original = max(original, assigned)
                asked = w.rand_date(assigned, min(original, w.ref))
                bulk.add("extension", w.ids(), (issue_id, _d(deadline), reason, "approved", person, leader,
                                                 _d(min(asked + dt.timedelta(days=3), w.ref)), "同意延期，请加快推进。"))

        n_progress = 0 if status == "not_started" else rng.randint(0, 1) if status == "void" else \
            rng.randint(2, 4) if status in ("done", "closed") else rng.randint(1, 3)
        progress_rows: list[tuple[dt.date, str, int]] = []
        if n_progress:
            days = sorted(w.rand_date(assigned, last_day) for _ in range(n_progress))
            percents = list(rng.choice(percent_runs[n_progress]))
            if status in ("done", "closed"):
                percents[-1] = 100
            texts = list(rng.choice(text_runs[n_progress]))
            if status in ("done", "closed"):
                texts[-1] = "已完成整改，相关佐证材料已收集归档。"
            progress_rows = list(zip(days, texts, percents, strict=True))
        closure_state, evidence, closed_at, closed_by = "", "", None, ""
        follow_up: tuple[dt.date, str, bool, bool] | None = None
        if status == "closed" and assigned_by:  # finished and applied for 销号; the verdict is the prefecture's
            status, closure_state = "done", "applied"
            evidence = rng.choice(names.CLOSURE_EVIDENCE)
            bulk.add("closure", w.ids(), (issue_id, _d(last_day), person, evidence, "applied", "", None, ""))
        elif status == "closed":
            closed_at, closed_by = last_day, rng.choice(leaders)
            evidence = rng.choice(names.CLOSURE_EVIDENCE)
            closure_state = "approved"
            applied = max(assigned, closed_at - dt.timedelta(days=rng.randint(1, 5)))
            bulk.add("closure", w.ids(), (issue_id, _d(applied), person, evidence, "approved", closed_by, _d(closed_at),
                                          "整改到位，同意销号。"))
            if rng.random() < 0.12 and closed_at < w.ref:
                reopen = not reopened_done and rng.random() < 0.3
                follow_up = (w.rand_date(closed_at + dt.timedelta(days=1), w.ref),
                             names.FOLLOW_UP_FINDINGS[1 if reopen else 0], not reopen, reopen)
                if reopen:  # reopened by the follow-up: back in progress, the old closure stays on record
                    reopened_done = True
                    status, closure_state, closed_at, closed_by = "in_progress", "", None, ""
                    progress_rows.append((follow_up[0], "回访发现问题反弹，已重新组织整改。", 60))
        elif status == "done" and rng.random() < 0.4:
            closure_state = "applied"
            evidence = rng.choice(names.CLOSURE_EVIDENCE)
            bulk.add("closure", w.ids(), (issue_id, _d(last_day), person, evidence, "applied", "", None, ""))

        latest_text, latest_pct = (progress_rows[-1][1], progress_rows[-1][2]) if progress_rows else ("", 0)
        bulk.add("issue", issue_id, (
            f"{YEAR}-{i + 1:03d}", YEAR, source, visit[0] if visit else None, topic_id, category, description,
            measures, kind, leader, unit, rng.choice(names.CO_UNITS), person, _d(assigned), _d(deadline), basis,
            workdays, _d(original), status, latest_pct, latest_text, closure_state, evidence, _d(closed_at), closed_by,
            assigned_by, None))
        for day, text, pct in progress_rows:
            bulk.add("progress", w.ids(), (issue_id, _d(day), text, pct, person))
        if fate == "overdue" and status != "closed" and rng.random() < 0.6 and deadline:
            for level in range(1, rng.randint(1, 2) + 1):
                bulk.add("urge", w.ids(), (issue_id, _d(w.rand_date(deadline + dt.timedelta(days=1), w.ref)), level,
                                           names.URGE_NOTES[level - 1], "杨燊"))
        if follow_up:
            bulk.add("follow_up", w.ids(), (issue_id, _d(follow_up[0]), follow_up[1], follow_up[2], follow_up[3],
                                            rng.choice(leaders)))
        if bulk.pending() >= BATCH:
            bulk.flush(db, DEMO_ACTOR)
    bulk.flush(db, DEMO_ACTOR)


def _fate(rng: random.Random, kind: str) -> str:
    """Where an item stands today: closed, done, void, overdue, due_soon, on_track or not_started."""
    r = rng.random()
    if kind == "ongoing":
        return "closed" if r < 0.1 else "not_started" if r < 0.15 else "on_track"
    if r < 0.34:
        return "closed"
    if r < 0.45:
        return "done"
    if r < 0.47:
        return "void"
    if r < 0.59:
        return "overdue"
    if r < 0.68:
        return "due_soon"
    if r < 0.73:
        return "not_started"
    return "on_track"


def _rebuild_search_index(db: Database) -> int | None:
    """Rebuild the ledger's Chinese substring index (a plain import: the freezer sees it, a gap raises);
    SQLite only: a server searches by scanning, so None there."""
    if server_db.is_server(db):
        return None
    from desktop_app.ledger.search import rebuild_index

    return int(rebuild_index(db))
