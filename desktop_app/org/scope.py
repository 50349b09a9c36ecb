"""Whose data a list shows (查看范围) — this office's own, or, in a prefecture office, one county's or all.

A county office only ever lists its own rows. A prefecture office also holds every
county's rows that their bundles brought; its lists, exports and prints can show one
county (``office=<code>``) or every office together (``office=ALL``). Services take
the chosen code and resolve it here, so the rule lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from db.engine import Database
from db.models import Issue, Office
from desktop_app.core.errors import SetupRequiredError, ValidationError

#: the scope value meaning "every office in this database" (prefecture only)
ALL = "*"


@dataclass(frozen=True)
class OfficeChoice:
    """One entry of the scope selector."""

    code: str
    name: str
    own: bool


def is_prefecture(db: Database) -> bool:
    """True when this database belongs to a prefecture (市级) office."""
    if not db.office_code:
        return False
    with db.session() as s:
        level = s.execute(select(Office.level).where(Office.code == db.office_code,
                                                     Office.deleted.is_(False))).scalar()
    return level == "prefecture"


def office_choices(db: Database) -> list[OfficeChoice]:
    """This office first, then every other office whose rows are here (by code).

    Offices known only from ledger rows (their card not yet imported) are listed by code.
    """
    if not db.office_code:
        raise SetupRequiredError()
    me = db.office_code
    with db.session() as s:
        names = {code: name for code, name in s.execute(
            select(Office.code, Office.name).where(Office.deleted.is_(False)))}
        # a loose index scan: one seek per office, so a million items cost what ten do
        code = s.execute(select(func.min(Issue.office_code))).scalar()
        while code is not None:
            names.setdefault(code, code)
            code = s.execute(select(func.min(Issue.office_code)).where(Issue.office_code > code)).scalar()
    others = sorted(code for code in names if code != me)
    return [OfficeChoice(me, names.get(me, me), True)] + [OfficeChoice(c, names[c], False) for c in others]


def resolve(db: Database, office: str | None) -> list[str] | None:
    """The office codes a list should cover: ``None`` means every office (ALL).

    ``office`` is ``None``/"" for this office, ``ALL`` for every office, or a code.
    A county office may only look at itself.
    """
    if not db.office_code:
        raise SetupRequiredError()
    if not office or office == db.office_code:
        return [db.office_code]
    if not is_prefecture(db):
        raise ValidationError("县级单位只能查看本单位的数据", "请在市级单位的数据库中查看各县数据")
    if office == ALL:
        return None
    known = {c.code for c in office_choices(db)}
    if office not in known:
        raise ValidationError(f"没有单位“{office}”的数据", "请先导入该单位的同步包，或检查单位代码")
    return [office]


#: what a prefecture-level place is called, as the end of its name says (西双版纳州 → 州, 阿里地区 → 地区)
_REGION_WORDS = ("州", "市", "地区", "盟")


def region_word(name: str) -> str:
    """市, 州, 地区 or 盟: the word the office's own name uses for its prefecture (default 市).

    The first of them at the end of a place name of two characters or more: 西双版纳州乡村振兴局 → 州,
    but 滁州市 → 市 (its 州 is part of the place name), 西双版纳州市场监管局 → 州.
    """
    found = [(i, w) for w in _REGION_WORDS for i in [name.find(w, 2)] if i >= 2]
    return min(found)[1] if found else "市"


def scope_label(db: Database, office: str | None) -> str:
    """What to print in a heading: the office's name, or 全市/全州各单位 for ALL (as this office's name says)."""
    if office == ALL:
        with db.session() as s:
            name = s.execute(select(Office.name).where(Office.code == db.office_code)).scalar()
        return f"全{region_word(str(name or ''))}各单位"
    code = office or db.office_code or ""
    for c in office_choices(db):
        if c.code == code:
            return c.name
    return code
