"""扎堆调研提醒 — warn when another section visits the same place or township close in time.

Offices are told to avoid 扎堆调研 and 重复调研 that burden the grassroots: a visit
clashes with another section's visit to the same place (or the same township)
whose dates fall within ±N days (N is a setting, 7 by default); a cancelled visit never clashes. A clash is a
warning shown before saving and listed in the yearly clash report; it never
refuses the save.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Section, Visit
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import ValidationError
from desktop_app.core.visit_codes import VisitState
from desktop_app.org import scope, settings
from desktop_app.org.lookups import names_by_id, require_office
from desktop_app.work.types import ClashInfo

SETTING_WINDOW = "work.clash_window_days"
DEFAULT_WINDOW = 7


def clash_window(db: Database) -> int:
    """The ± days within which two sections' visits to one place clash."""
    return int(settings.get(db, SETTING_WINDOW, DEFAULT_WINDOW))


def set_clash_window(db: Database, actor: Actor, days: int) -> None:
    """Change the clash window (0–60 days)."""
    if not isinstance(days, int) or not (0 <= days <= 60):
        raise ValidationError(f"提醒间隔“{days}”无效", "请填写0到60之间的天数", field="clash_window")
    with db.transaction() as s:
        settings.write(s, SETTING_WINDOW, days)
        audit.record(s, actor, "set_clash_window", "setting", SETTING_WINDOW, {"days": days})


def gap_between(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> int:
    """Days between two date ranges; 0 when they overlap or touch."""
    if b_start > a_end:
        return (b_start - a_end).days
    if a_start > b_end:
        return (a_start - b_end).days
    return 0


def _norm(text: str | None) -> str:
    return "".join((text or "").split())


def clashes_in_session(s: Session, office: str, start: dt.date, end: dt.date, place: str, township: str,
                       section_id: str | None, window: int, exclude_id: str | None = None) -> list[ClashInfo]:
    """Other sections' visits to the same place or township within ±``window`` days (inside a session)."""
    place_n, town_n = _norm(place), _norm(township)
    if not place_n and not town_n:
        return []
    lo, hi = start - dt.timedelta(days=window), end + dt.timedelta(days=window)
    q = select(Visit).where(Visit.office_code == office, Visit.deleted.is_(False), Visit.state != VisitState.CANCELLED,
                            Visit.start_date <= hi, Visit.end_date >= lo)
    conds = []
    if place_n:
        conds.append(Visit.place == place.strip())
    if town_n:
        conds.append(Visit.township == township.strip())
    q = q.where(or_(*conds))
    if exclude_id:
        q = q.where(Visit.id != exclude_id)
    if section_id:
        # a visit of no section is nobody's colleague: it clashes with everyone
        q = q.where(or_(Visit.section_id.is_(None), Visit.section_id != section_id))
    found = list(s.execute(q.order_by(Visit.start_date)).scalars())
    sections = dict(s.execute(select(Section.id, Section.name)).all())
    leads = names_by_id(s, (v.lead_id for v in found))
    out = []
    for v in found:
        reason = "同一地点" if place_n and _norm(v.place) == place_n else "同一乡镇"
        out.append(ClashInfo(v.id, sections.get(v.section_id or "", "未指定科室"), v.start_date, v.end_date, v.place,
                             v.township, leads.get(v.lead_id or "", ""), reason,
                             gap_between(start, end, v.start_date, v.end_date)))
    return out


def find_clashes(db: Database, start: dt.date, end: dt.date, place: str, township: str, section_id: str | None,
                 exclude_id: str | None = None, window: int | None = None) -> list[ClashInfo]:
    """Check a draft visit before saving: the clashing visits of other sections (empty when none)."""
    office = require_office(db)
    w = clash_window(db) if window is None else window
    with db.session() as s:
        return clashes_in_session(s, office, start, end, place, township, section_id, w, exclude_id)


def clash_report(db: Database, year: int, window: int | None = None, office: str = "") -> list[dict[str, object]]:
    """The year's clashes, each pair once, as rows with Chinese labels (for the page, Excel and PDF).

    ``office`` is the scope (``services.scope``); visits of different offices never clash with each other,
    and every office's report (``scope.ALL``) names each pair's office under 单位 (``clash_headers``).
    """
    codes = scope.resolve(db, office)
    w = clash_window(db) if window is None else window
    lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
    q = select(Visit).where(Visit.deleted.is_(False), Visit.state != VisitState.CANCELLED, Visit.start_date <= hi,
                            Visit.end_date >= lo)
    if codes is not None:
        q = q.where(Visit.office_code.in_(codes))
    with db.session() as s:
        visits = list(s.execute(q.order_by(Visit.start_date, Visit.id)).scalars())
        sections = dict(s.execute(select(Section.id, Section.name)).all())
    names = {c.code: c.name for c in scope.office_choices(db)} if office == scope.ALL else None
    # candidates share a place or a township (within one office): compare only within those groups, in date order
    groups: dict[tuple[str, str, str], list[Visit]] = {}
    for v in visits:
        if _norm(v.place):
            groups.setdefault((v.office_code, "p", _norm(v.place)), []).append(v)
        if _norm(v.township):
            groups.setdefault((v.office_code, "t", _norm(v.township)), []).append(v)
    pairs: dict[tuple[str, str], tuple[Visit, Visit]] = {}
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if b.start_date > a.end_date + dt.timedelta(days=w):
                    break  # sorted by start: every later visit is further away
                if a.section_id and a.section_id == b.section_id:
                    continue
                if gap_between(a.start_date, a.end_date, b.start_date, b.end_date) <= w:
                    pairs.setdefault((a.id, b.id), (a, b))
    rows: list[dict[str, object]] = []
    for a, b in sorted(pairs.values(), key=lambda p: (p[0].start_date, p[1].start_date, p[0].id, p[1].id)):
        same_place = bool(_norm(a.place)) and _norm(a.place) == _norm(b.place)
        rows.append(({"单位": names.get(a.office_code, a.office_code)} if names is not None else {}) | {
            "原因": "同一地点" if same_place else "同一乡镇",
            "间隔天数": gap_between(a.start_date, a.end_date, b.start_date, b.end_date),
            "科室一": sections.get(a.section_id or "", "未指定科室"),
            "日期一": _span(a.start_date, a.end_date),
            "地点一": a.place,
            "科室二": sections.get(b.section_id or "", "未指定科室"),
            "日期二": _span(b.start_date, b.end_date),
            "地点二": b.place,
            "乡镇": a.township or b.township,
            "_ids": (a.id, b.id),
        })
    return rows


CLASH_HEADERS = ("原因", "间隔天数", "科室一", "日期一", "地点一", "科室二", "日期二", "地点二", "乡镇")


def clash_headers(office: str = "") -> tuple[str, ...]:
    """The column titles of ``clash_report`` for a scope: every office's report starts with 单位."""
    return ("单位", *CLASH_HEADERS) if office == scope.ALL else CLASH_HEADERS


def _span(a: dt.date, b: dt.date) -> str:
    return a.isoformat() if a == b else f"{a.isoformat()}～{b.isoformat()}"
