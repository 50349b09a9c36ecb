"""Demo 成果与评价: outcomes put to use (some published), the first half-year's section scores, and contact
villages, paired households and service items drawn from the demo's own visits and ledger.

Written through the services (a few dozen rows), so the demo holds exactly what a clerk could have
entered, audit entries included. Called once by ``desktop_app.demo.generate.generate_demo`` after the ledger.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from sqlalchemy import select

from db.engine import Database
from db.models import Issue, Person, Section, Visit, VisitParticipant
from desktop_app.campaign import contacts, evaluation, outcomes
from desktop_app.campaign.contacts import ContactInput
from desktop_app.campaign.evaluation import ScoreInput
from desktop_app.campaign.outcomes import OutcomeFields
from desktop_app.core.audit import Actor
from desktop_app.core.ledger_codes import FINISHED_STATUSES
from desktop_app.core.visit_codes import VisitState

PUBLICATIONS = ("《组工通讯》", "云南网", "《西双版纳报》", "《云南日报》", "")
HOUSEHOLDERS = ("岩罕", "玉香", "岩温", "玉儿", "岩帕")
SERVICES = ("修缮村民小组活动室", "开展农村饮水安全排查", "为脱贫户办理小额信贷续贷", "组织劳动力转移就业培训")


def add_results(db: Database, actor: Actor, year: int, ref: dt.date, seed: int = 2026) -> dict[str, int]:
    """Fill the 成果与评价 page of a demo office; returns counts."""
    rng = random.Random(seed + 18)
    office = db.office_code
    with db.session() as s:
        sections = list(s.execute(select(Section.id, Section.name).where(
            Section.office_code == office, Section.deleted.is_(False)).order_by(Section.sort_order)).tuples())
        leaders = list(s.execute(select(Person.name).where(
            Person.office_code == office, Person.is_leader.is_(True), Person.deleted.is_(False))).scalars())
        solved = list(s.execute(select(Issue.id, Issue.description).where(
            Issue.office_code == office, Issue.year == year, Issue.status.in_(FINISHED_STATUSES),
            Issue.deleted.is_(False)).order_by(Issue.serial).limit(4)).tuples())
        done = list(s.execute(select(Visit.id, Visit.place, Visit.township, Visit.section_id, Visit.lead_id).where(
            Visit.office_code == office, Visit.state == VisitState.DONE, Visit.deleted.is_(False),
            Visit.place.like("%村")).order_by(Visit.start_date)).tuples())
        helpers = Counter((pid, place) for vid, place, *_ in done for pid in s.execute(
            select(VisitParticipant.person_id).where(VisitParticipant.visit_id == vid)).scalars())
    n_outcomes = 0
    for i, (iid, desc) in enumerate(solved):
        pub = PUBLICATIONS[i % len(PUBLICATIONS)]
        outcomes.add_outcome(db, actor, OutcomeFields(
            "实践成果" if i % 2 == 0 else "制度成果", f"{desc[:24].rstrip('，。；')}整改经验做法", issue_id=iid,
            section_id=sections[i % len(sections)][0], date=min(ref, dt.date(year, 3 + i, 15)), adopted_by="县委办公室",
            published_in=pub, published_on=min(ref, dt.date(year, 4 + i, 10)) if pub else None))
        n_outcomes += 1
    for i, title in enumerate(("以“别人什么样、自己怎么办”推动作风转变的思考", "关于建立调研成果转化运用机制的探索")):
        outcomes.add_outcome(db, actor, OutcomeFields(
            "理论成果", title, year=year, section_id=sections[(i + 1) % len(sections)][0],
            published_in=("《组工通讯》", "云南网")[i], published_on=min(ref, dt.date(year, 5 + i, 20))))
        n_outcomes += 1
    n_scores = 0
    for sid, _name in sections:
        for leader in leaders[:2]:
            evaluation.set_score(db, actor, ScoreInput(year, "H1", sid, "leader", round(rng.uniform(82, 97), 1),
                                                       rater_name=leader))
            n_scores += 1
        for rater_sid, _rn in rng.sample([x for x in sections if x[0] != sid], k=min(2, len(sections) - 1)):
            evaluation.set_score(db, actor, ScoreInput(year, "H1", sid, "peer", round(rng.uniform(80, 95), 1),
                                                       rater_section_id=rater_sid))
            n_scores += 1
        evaluation.set_score(db, actor, ScoreInput(year, "H1", sid, "member", round(rng.uniform(80, 96), 1),
                                                   note="党员干部测评表汇总"))
        n_scores += 1
    n_points = 0
    for place, township, sid in list(dict.fromkeys((p, t, sec) for _v, p, t, sec, _l in done if sec))[:3]:
        contacts.add_point(db, actor, ContactInput("village", place, township, section_id=sid,
                                                   started_on=dt.date(year, 1, 1)))
        n_points += 1
    for i, ((pid, place), _n) in enumerate(helpers.most_common(3)):
        contacts.add_point(db, actor, ContactInput("household", HOUSEHOLDERS[i], place, person_id=pid,
                                                   started_on=dt.date(year, 1, 1), notes="脱贫监测户，每季度至少走访一次"))
        n_points += 1
    for i, text in enumerate(SERVICES):
        due = dt.date(year, 3 * (i + 1), 28)
        point = contacts.add_point(db, actor, ContactInput("service", text, section_id=sections[i % len(sections)][0],
                                                           due=due))
        if due < ref and i % 2 == 0:
            contacts.set_state(db, actor, point, "done")
        n_points += 1
    return {"outcomes": n_outcomes, "section_scores": n_scores, "contact_points": n_points}
