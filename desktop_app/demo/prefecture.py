"""州级演示 — a prefecture office whose counties' data arrived through real signed bundles.

Used by ``fielddesk demo --prefecture``. Each county (勐海县, 景洪市, 勐腊县) is made by the
ordinary county generator in a temporary folder; the county and 西双版纳州乡村振兴局 trust each
other's office cards, the county exports a bundle and the prefecture imports it — the same
path as a USB stick carried in from a county, so the prefecture view shows what sync really
delivers. Then the prefecture does its own part, through the ledger's services: it assigns
items to each county (州级交办), decides the counties' closure applications on items it
assigned (most approved, some returned) and urges its overdue items.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from db.engine import Database
from db.models import Closure, Issue, Urge
from desktop_app.core import audit
from desktop_app.core.context import AppContext, open_context
from desktop_app.core.errors import SyncError
from desktop_app.demo import names
from desktop_app.demo.campaign import add_meetings
from desktop_app.demo.generate import empty_demo_folder, generate_demo, reference_date
from desktop_app.demo.ledger import _rebuild_search_index
from desktop_app.demo.world import DEMO_ACTOR, OTHER_COUNTIES, YEAR, County
from desktop_app.ledger import lifecycle
from desktop_app.ledger.assign import assign_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.org import organisation
from desktop_app.org.organisation import PersonInput, SetupInput, initialise_office
from desktop_app.sync import peers
from desktop_app.sync.apply import import_bundle
from desktop_app.sync.bundle_writer import export_bundle

#: the counties of the demo prefecture, in the order they are made and imported
COUNTIES: tuple[County, ...] = (County(), *OTHER_COUNTIES)
#: items the prefecture assigns to each county
ASSIGNED_PER_COUNTY = 4
#: share of the counties' closure applications on 交办 items the prefecture decides (the rest wait)
DECIDED_SHARE = 0.8
VERIFIER = names.PREFECTURE_PEOPLE[1][0]
URGED_BY = names.PREFECTURE_PEOPLE[2][0]


@dataclass(frozen=True)
class CountyImport:
    """What one county's bundle brought to the prefecture."""

    code: str
    name: str
    issues: int
    rows: int
    rejected: int


def generate_prefecture_demo(root: Path, items: int = 300, seed: int = 2026, today: dt.date | None = None,
                             counties_dir: Path | None = None, with_accounts: bool = False) -> dict[str, Any]:
    """Make the demo prefecture office (西双版纳州乡村振兴局, 532800) in the empty data folder ``root``.

    ``items`` ledger items per county. Every county row arrives through a signed bundle;
    refuses a folder whose database already has an office. The counties are made in a
    temporary folder, or in ``counties_dir/<code>`` (kept, e.g. to send the prefecture's
    bundle back to them). ``with_accounts`` (``fielddesk demo``): an account for every role, made
    before the folder is moved into place (``demo_accounts``). Returns a summary.
    """
    started = time.perf_counter()
    made: list[dict[str, Any]] = []
    with empty_demo_folder(root, items) as ctx:
        _setup_prefecture(ctx)
        add_meetings(ctx.db, organisation.list_people(ctx.db, YEAR), reference_date(today), seed + 532800)
        with tempfile.TemporaryDirectory(prefix="fielddesk-demo-") as tmp:
            where = Path(counties_dir) if counties_dir is not None else Path(tmp)
            imports = [_bring_in_county(ctx, where, Path(tmp), county, items, seed + i, today)
                       for i, county in enumerate(COUNTIES)]
        ref = reference_date(today)
        rng = random.Random(seed * 31 + 532800)
        assigned = _assign_items(ctx.db, rng, ref)
        approved, returned = _decide_closures(ctx.db, rng, ref)
        urges = _urge_overdue(ctx.db, ref)
        indexed = _rebuild_search_index(ctx.db)
        if with_accounts:
            from desktop_app.demo.accounts import create_in

            made = create_in(ctx)
    return {
        "office_code": names.PREFECTURE_CODE,
        "office_name": names.PREFECTURE_NAME,
        "level": "prefecture",
        "data_dir": str(Path(root)),
        "year": YEAR,
        "counties": [vars(c) for c in imports],
        "issues": sum(c.issues for c in imports) + assigned,
        "assigned_by_prefecture": assigned,
        "closures_approved": approved,
        "closures_returned": returned,
        "urges": urges,
        "search_indexed": indexed,
        "seconds": round(time.perf_counter() - started, 3),
        **({"accounts": made} if with_accounts else {}),
    }


def _setup_prefecture(ctx: AppContext) -> None:
    initialise_office(ctx, SetupInput(
        code=names.PREFECTURE_CODE, name=names.PREFECTURE_NAME, level="prefecture", parent_code=None,
        sections=list(names.PREFECTURE_SECTIONS),
        people=[PersonInput(n, sec, post, is_leader=lead, quota_days=q)
                for n, sec, post, lead, q in names.PREFECTURE_PEOPLE],
        year=YEAR,
    ))
    organisation.set_campaign(ctx.db, ctx.actor, YEAR, organisation.DEFAULT_LEADER_QUOTA,
                              organisation.DEFAULT_STAFF_QUOTA, name=f"{YEAR}年“大学习、大调研、大讨论”活动")


def _bring_in_county(pref: AppContext, where: Path, tmp: Path, county: County, items: int, seed: int,
                     today: dt.date | None) -> CountyImport:
    """Make one county in ``where``, exchange trust with it and import its first bundle, as two offices would."""
    summary = generate_demo(where / county.code, items=items, seed=seed, today=today, county=county)
    cctx = open_context(where / county.code, actor=DEMO_ACTOR, daily_backup=False)
    try:
        theirs = peers.own_card(cctx.db, cctx.data.keys)
        mine = peers.own_card(pref.db, pref.data.keys)
        peers.trust_card(pref.db, pref.actor, theirs, theirs.fingerprint)
        peers.trust_card(cctx.db, cctx.actor, mine, mine.fingerprint)
        sent = export_bundle(cctx.db, cctx.data, cctx.actor, names.PREFECTURE_CODE, tmp / "bundles")
    finally:
        cctx.close()
    report = import_bundle(pref.db, pref.data, pref.actor, sent.file)
    rejected = sum(t.rejected for t in report.tables.values())
    if report.status != "applied" or rejected:
        raise SyncError(f"演示数据：{county.name}的数据包未能完整导入（{report.status}，拒绝 {rejected} 行）："
                        + "；".join(report.errors[:3]), "这是演示数据生成器的缺陷，请报告给开发人员")
    return CountyImport(code=county.code, name=county.name, issues=int(summary["issues"]),
                        rows=sum(sent.tables.values()), rejected=rejected)


def _assign_items(db: Database, rng: random.Random, ref: dt.date) -> int:
    """州级交办: items the prefecture assigns to each county through the ledger's assignment service
    (the county owns their rectification, the prefecture their deadline and closure)."""
    n = 0
    for county in COUNTIES:
        inputs = []
        for category, text in rng.sample(names.ASSIGNED_BY_PREFECTURE, k=ASSIGNED_PER_COUNTY):
            assigned = ref - dt.timedelta(days=rng.randint(20, 120))
            deadline = assigned + dt.timedelta(days=rng.choice((30, 45, 60, 90)))
            inputs.append(IssueInput(description=text, category=category, kind="dated", year=YEAR,
                                     measures="请于时限内完成整改，并将整改情况及佐证材料报州乡村振兴局。",
                                     unit=county.name, assigned_date=assigned, deadline=deadline))
        n += len(assign_issues(db, DEMO_ACTOR, county.code, inputs, today=ref))
    return n


def _decide_closures(db: Database, rng: random.Random, ref: dt.date) -> tuple[int, int]:
    """The prefecture decides most closure applications on the items it assigned."""
    with db.session() as s:
        waiting = s.execute(
            select(Closure.issue_id, Closure.applied_at).join(Issue, Issue.id == Closure.issue_id)
            .where(Issue.assigned_by_office == names.PREFECTURE_CODE, Issue.closure_state == "applied",
                   Closure.state == "applied", Closure.deleted.is_(False))
            .order_by(Issue.office_code, Issue.serial)).all()
    approved = returned = 0
    for issue_id, applied_at in waiting:
        r = rng.random()
        if r >= DECIDED_SHARE:
            continue
        when = min(ref, applied_at + dt.timedelta(days=rng.randint(2, 10)))
        approve = r < DECIDED_SHARE * 0.85
        lifecycle.verify_closure(db, DEMO_ACTOR, issue_id, approve, verifier=VERIFIER, date=when,
                                 note="经州级核查，整改到位，同意销号。" if approve
                                 else "佐证材料不完整，请补充整改前后对比照片及群众满意度回访记录后重新申请。")
        approved += approve
        returned += not approve
    return approved, returned


def _urge_overdue(db: Database, ref: dt.date) -> int:
    """A 催办 from the prefecture's 督查室 on each overdue item it assigned."""
    with db.transaction() as s:
        late = s.execute(select(Issue.id, Issue.deadline).where(
            Issue.assigned_by_office == names.PREFECTURE_CODE, Issue.deadline < ref,
            Issue.status.in_(("not_started", "in_progress")), Issue.deleted.is_(False))).all()
        for issue_id, deadline in late:
            assert deadline is not None  # the query keeps only items with a deadline before ref
            s.add(Urge(issue_id=issue_id, date=min(ref, deadline + dt.timedelta(days=3)), level=2,
                       note="州级交办事项已超期，请加快整改并报送进展。", by=URGED_BY))
        audit.record(s, DEMO_ACTOR, "demo_urge", "issue", "", {"urges": len(late)})
    return len(late)
