"""扎堆调研清单 — “避免扎堆调研、多头调研、重复调研”, and 基层减负: the year's crowding in one list.

Four kinds, each a row naming the place, the dates and who came:

- 多头调研: two sections of one office at one place or township within ±N days (``clashes``);
- 扎堆调研: at the prefecture (every office in view), two offices — a prefecture department and a
  county, or two counties — at the same place in the same calendar week (Monday–Sunday);
- 重复调研: one section back at the same place within a set number of days (setting
  ``work.repeat_days``, 30 by default);
- 基层减负: a place receiving more visits in one month than a set number (``work.monthly_visit_limit``,
  3 by default), whoever came.

Only planned and done visits count (a done visit on its actual dates); a cancelled one never.
Warnings only: nothing is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from db.engine import Database
from db.models import Section, Visit
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import ValidationError
from desktop_app.core.visit_codes import COUNTED_STATES, VisitState
from desktop_app.org import scope, settings
from desktop_app.org.lookups import office_names
from desktop_app.work.clashes import clash_report, gap_between

SETTING_REPEAT = "work.repeat_days"
SETTING_LIMIT = "work.monthly_visit_limit"
DEFAULT_REPEAT = 30
DEFAULT_LIMIT = 3
KINDS = ("扎堆调研", "多头调研", "重复调研", "基层减负")
CROWDING_HEADERS = ("类型", "地点", "乡镇", "日期", "涉及科室/单位", "说明")


@dataclass(frozen=True)
class _Seen:
    """One visit as the rules see it: its real days, place and who went."""

    id: str
    office: str
    section_id: str
    start: dt.date
    end: dt.date
    place: str
    place_key: str
    township: str


def repeat_days(db: Database) -> int:
    """Days within which the same section returning to the same place is 重复调研 (30 unless changed)."""
    return _int_setting(db, SETTING_REPEAT, DEFAULT_REPEAT)


def monthly_limit(db: Database) -> int:
    """Visits a place may receive in a month before it is listed under 基层减负 (3 unless changed)."""
    return _int_setting(db, SETTING_LIMIT, DEFAULT_LIMIT)


def _int_setting(db: Database, key: str, default: int) -> int:
    try:
        return int(settings.get(db, key, default))
    except (TypeError, ValueError):
        return default


def set_repeat_days(db: Database, actor: Actor, days: int) -> None:
    """Change the 重复调研 window (1–365 days)."""
    if isinstance(days, bool) or not isinstance(days, int) or not (1 <= days <= 365):
        raise ValidationError(f"重复调研间隔“{days}”无效", "请填写1到365之间的天数", field="repeat_days")
    with db.transaction() as s:
        settings.write(s, SETTING_REPEAT, days)
        audit.record(s, actor, "set_repeat_days", "setting", SETTING_REPEAT, {"days": days})


def set_monthly_limit(db: Database, actor: Actor, visits: int) -> None:
    """Change how many visits a place may receive in a month (1–31)."""
    if isinstance(visits, bool) or not isinstance(visits, int) or not (1 <= visits <= 31):
        raise ValidationError(f"每月接待次数上限“{visits}”无效", "请填写1到31之间的次数", field="monthly_limit")
    with db.transaction() as s:
        settings.write(s, SETTING_LIMIT, visits)
        audit.record(s, actor, "set_monthly_visit_limit", "setting", SETTING_LIMIT, {"visits": visits})


def _key(text: str | None) -> str:
    return "".join((text or "").split())


def _span(a: dt.date, b: dt.date) -> str:
    return a.isoformat() if a == b else f"{a.isoformat()}～{b.isoformat()}"


def _weeks(a: dt.date, b: dt.date) -> set[dt.date]:
    """The Mondays of the weeks a span touches."""
    first = a - dt.timedelta(days=a.weekday())
    return {first + dt.timedelta(weeks=k) for k in range((b - first).days // 7 + 1)}


def _visits(db: Database, year: int, codes: list[str] | None) -> tuple[list[_Seen], dict[str, str]]:
    lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
    q = select(Visit).where(Visit.deleted.is_(False), Visit.state.in_(COUNTED_STATES),
                            Visit.start_date <= hi + dt.timedelta(days=31), Visit.end_date >= lo - dt.timedelta(days=31))
    if codes is not None:
        q = q.where(Visit.office_code.in_(codes))
    out = []
    with db.session() as s:
        sections = dict(s.execute(select(Section.id, Section.name)).all())
        for v in s.execute(q).scalars():
            start, end = ((v.actual_start or v.start_date), (v.actual_end or v.end_date)) if v.state == VisitState.DONE \
                else (v.start_date, v.end_date)
            if end < lo or start > hi or not _key(v.place):
                continue
            out.append(_Seen(v.id, v.office_code, v.section_id or "", start, end, v.place.strip(), _key(v.place),
                             (v.township or "").strip()))
    out.sort(key=lambda x: (x.start, x.id))
    return out, sections


def crowding_report(db: Database, year: int, office: str = "", repeat: int | None = None,
                    limit: int | None = None) -> list[dict[str, object]]:
    """The year's 扎堆调研清单 for a scope (``org.scope``), rows keyed by ``CROWDING_HEADERS``.

    扎堆调研 across offices is listed when more than one office is in view (a prefecture's 全部单位).
    """
    codes = scope.resolve(db, office)
    repeat = repeat_days(db) if repeat is None else repeat
    limit = monthly_limit(db) if limit is None else limit
    seen, sections = _visits(db, year, codes)
    names = office_names(db)
    every = office == scope.ALL

    def who(v: _Seen) -> str:
        sec = sections.get(v.section_id, "未指定科室")
        return f"{names.get(v.office, v.office)}·{sec}" if every else sec

    rows: list[dict[str, object]] = []
    by_place: dict[str, list[_Seen]] = {}
    for v in seen:
        by_place.setdefault(v.place_key, []).append(v)
    # 扎堆调研: different offices, same place, same week
    if every:
        for group in by_place.values():
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    if b.start > a.end + dt.timedelta(days=7):
                        break
                    if a.office != b.office and _weeks(a.start, a.end) & _weeks(b.start, b.end):
                        rows.append(_row("扎堆调研", a, [a, b], [who(a), who(b)],
                                         f"{names.get(a.office, a.office)}与{names.get(b.office, b.office)}同一周到同一地点调研"))
    # 多头调研: one office's sections (the existing ±N-day clash rule)
    for r in clash_report(db, year, office=office):
        rows.append({"类型": "多头调研", "地点": r["地点一"] if r["地点一"] == r["地点二"] else f"{r['地点一']}；{r['地点二']}",
                     "乡镇": r["乡镇"], "日期": f"{r['日期一']}；{r['日期二']}",
                     "涉及科室/单位": (f"{r['单位']}·" if "单位" in r else "") + f"{r['科室一']}、{r['科室二']}",
                     "说明": f"不同科室{r['原因']}调研，相隔{r['间隔天数']}天", "_start": r["日期一"], "_ids": r["_ids"]})
    # 重复调研: one section back at one place within ``repeat`` days (each visit against the one before it)
    for group in by_place.values():
        last: dict[tuple[str, str], _Seen] = {}
        for v in group:
            k = (v.office, v.section_id)
            before = last.get(k)
            if v.section_id and before is not None:
                gap = gap_between(before.start, before.end, v.start, v.end)
                if gap <= repeat:
                    rows.append(_row("重复调研", before, [before, v], [who(v)],
                                     f"同一科室{gap}天内再次到同一地点调研（间隔不足{repeat}天）"))
            last[k] = v
    # 基层减负: a place's visits in a month (by the month a visit starts) beyond the limit
    for group in by_place.values():
        months: dict[tuple[int, int], list[_Seen]] = {}
        for v in group:
            if v.start.year == year:
                months.setdefault((v.start.year, v.start.month), []).append(v)
        for (_y, m), vs in sorted(months.items()):
            if len(vs) > limit:
                rows.append(_row("基层减负", vs[0], vs, _unique(who(v) for v in vs),
                                 f"{m}月接待调研{len(vs)}次，超过每月{limit}次"))
    order = {k: i for i, k in enumerate(KINDS)}
    rows.sort(key=lambda r: (order[str(r["类型"])], str(r["_start"]), str(r["地点"])))
    return rows


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


def _row(kind: str, first: _Seen, visits: list[_Seen], who: list[str], note: str) -> dict[str, object]:
    return {"类型": kind, "地点": first.place, "乡镇": next((v.township for v in visits if v.township), ""),
            "日期": "；".join(_span(v.start, v.end) for v in visits), "涉及科室/单位": "、".join(_unique(who)),
            "说明": note, "_start": first.start.isoformat(), "_ids": tuple(v.id for v in visits)}


def crowding_counts(rows: list[dict[str, object]]) -> dict[str, int]:
    """How many rows of each kind (every kind present, 0 when none)."""
    out = dict.fromkeys(KINDS, 0)
    for r in rows:
        out[str(r["类型"])] += 1
    return out
