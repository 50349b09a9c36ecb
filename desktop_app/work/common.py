"""Small lookups shared by the work services: people, sections and topics of this office."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Campaign, Person, Section, Topic
from desktop_app.core.errors import NotFoundError, SetupRequiredError, ValidationError
from desktop_app.org import scope
from desktop_app.org.ownership import refuse_foreign


def require_office(db: Database) -> str:
    """This office's code, or the 'set up first' error."""
    if not db.office_code:
        raise SetupRequiredError()
    return db.office_code


def check_year(year: int) -> None:
    """A four-digit campaign year."""
    if not isinstance(year, int) or not (2000 <= year <= 2100):
        raise ValidationError(f"年度“{year}”无效", "请填写四位年份，例如 2026", field="year")


def person_of_office(s: Session, office: str, person_id: str | None, what: str) -> Person:
    """A live person of this office; anyone else is refused with ``what`` (e.g. 参加人员) named."""
    p = s.get(Person, person_id) if person_id else None
    if p is None or p.deleted:
        raise ValidationError(f"{what}不存在", "请从本单位人员中选择", field="people")
    if p.office_code != office:
        raise ValidationError(f"{what}“{p.name}”不是本单位人员", "只能选择本单位的人员；外单位人员请写入调研目的或备注",
                              field="people")
    return p


def people_of_office(s: Session, office: str, ids: Iterable[str], what: str) -> list[Person]:
    """Several people of this office, duplicates dropped, order kept."""
    out: list[Person] = []
    seen: set[str] = set()
    for pid in ids:
        if pid in seen:
            continue
        seen.add(pid)
        out.append(person_of_office(s, office, pid, what))
    return out


def section_of_office(s: Session, office: str, section_id: str | None, what: str = "科室") -> Section:
    """A live section of this office."""
    sec = s.get(Section, section_id) if section_id else None
    if sec is None or sec.deleted or sec.office_code != office:
        raise ValidationError(f"{what}不存在或不属于本单位", "请从本单位科室中选择", field="section")
    return sec


def live_topic(s: Session, office: str, topic_id: str) -> Topic:
    """A topic of this office that has not been removed (another office's topic is refused by name)."""
    t = visible_topic(s, None, topic_id)
    refuse_foreign(s, office, t.office_code, "调研课题")
    return t


def visible_topic(s: Session, codes: list[str] | None, topic_id: str) -> Topic:
    """A live topic of one of the offices in view (``codes`` from ``scope.resolve``; None = every office)."""
    t = s.get(Topic, topic_id)
    if t is None or t.deleted or (codes is not None and t.office_code not in codes):
        raise NotFoundError("该调研课题不存在或已删除", "请刷新后重试")
    return t


def office_names(db: Database) -> dict[str, str]:
    """{office code: name} of every office whose rows are here (for the 单位 column of an all-office list)."""
    return {c.code: c.name for c in scope.office_choices(db)}


def campaign_id(s: Session, office: str, year: int) -> str | None:
    """The id of this office's campaign of ``year``, if there is one (remembered for the session)."""
    cache: dict[tuple[str, int], str | None] = s.info.setdefault("work.campaign_ids", {})
    if (office, year) not in cache:
        cache[(office, year)] = _campaign_id(s, office, year)
    return cache[(office, year)]


def _campaign_id(s: Session, office: str, year: int) -> str | None:
    return s.execute(select(Campaign.id).where(Campaign.office_code == office, Campaign.year == year,
                                               Campaign.deleted.is_(False))).scalar_one_or_none()


def names_by_id(s: Session, ids: Iterable[str | None]) -> dict[str, str]:
    """Person names for the given ids (unknown ids are left out)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    if len(wanted) > 500:  # many ids: one scan beats a huge IN (...) list
        return {i: n for i, n in s.execute(select(Person.id, Person.name)).all() if i in wanted}
    return dict(s.execute(select(Person.id, Person.name).where(Person.id.in_(wanted))).all())


def json_list(text: str | None) -> tuple[str, ...]:
    """A JSON list column as a tuple of strings (tolerates old plain text)."""
    if not text:
        return ()
    try:
        value: Any = json.loads(text)
    except ValueError:
        return tuple(x for x in str(text).replace("，", "、").split("、") if x)
    return tuple(str(x) for x in value) if isinstance(value, list) else ()


def clean_list(items: Iterable[str]) -> list[str]:
    """Strip, drop empties and duplicates, keep order."""
    out: list[str] = []
    for x in items:
        x = str(x).strip()
        if x and x not in out:
            out.append(x)
    return out


def as_date(value: Any, what: str, row: int | None = None) -> dt.date:
    """A date from a date, datetime or ISO text; a Chinese error naming ``what`` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    where = f"第 {row} 行：" if row is not None else ""
    raise ValidationError(f"{where}{what}“{value if value is not None else ''}”不是有效日期",
                          "请填写日期，例如 2026-03-05", field=what, row=row)
