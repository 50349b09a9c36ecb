"""Checks and lookups of this office that every capability asks: its code, a campaign year, its people and sections.

The capabilities (ledger, work, campaign, quiz) share these instead of borrowing them from one another.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Person, Section
from desktop_app.core.errors import SetupRequiredError, ValidationError
from desktop_app.org import scope


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


def office_names(db: Database) -> dict[str, str]:
    """{office code: name} of every office whose rows are here (for the 单位 column of an all-office list)."""
    return {c.code: c.name for c in scope.office_choices(db)}


def names_by_id(s: Session, ids: Iterable[str | None]) -> dict[str, str]:
    """Person names for the given ids (unknown ids are left out)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    if len(wanted) > 500:  # many ids: one scan beats a huge IN (...) list
        return {i: n for i, n in s.execute(select(Person.id, Person.name)).all() if i in wanted}
    return dict(s.execute(select(Person.id, Person.name).where(Person.id.in_(wanted))).all())
