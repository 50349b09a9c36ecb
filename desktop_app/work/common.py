"""Small helpers shared by the work services: topics of this office, the campaign of a year, list columns and dates.

The office-wide checks (its code, a year, its people and sections) are ``desktop_app.org.lookups``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Campaign, Topic
from desktop_app.core.errors import NotFoundError, ValidationError
from desktop_app.org.ownership import refuse_foreign


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


def campaign_id(s: Session, office: str, year: int) -> str | None:
    """The id of this office's campaign of ``year``, if there is one (remembered for the session)."""
    cache: dict[tuple[str, int], str | None] = s.info.setdefault("work.campaign_ids", {})
    if (office, year) not in cache:
        cache[(office, year)] = _campaign_id(s, office, year)
    return cache[(office, year)]


def _campaign_id(s: Session, office: str, year: int) -> str | None:
    return s.execute(select(Campaign.id).where(Campaign.office_code == office, Campaign.year == year,
                                               Campaign.deleted.is_(False))).scalar_one_or_none()


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
