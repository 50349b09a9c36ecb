"""Importing meetings from the Excel importer's rows (kind ``meetings``) — all or nothing.

Rows carry ``date`` (ISO), ``kind``, ``theme``, ``section`` (name; '' or 全办 = the whole office),
``host``, ``place``, ``speakers``, ``attendees`` (names, present), ``absent`` ([{name, reason}]),
``minutes`` and ``_row`` (the sheet row). People are named, not identified: each name is resolved
among this office's people; an unknown or ambiguous name, an unknown section or a date outside the
campaign year refuses the whole sheet, every bad cell listed by row and column. A row equal to a
meeting already recorded (same date, kind, theme and section) is skipped, so a sheet imported twice
records each meeting once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Person, Section
from db.models_campaign import Meeting
from desktop_app.campaign.meetings import WHOLE_OFFICE, AttendeeInput, MeetingInput, save_meeting_in_session
from desktop_app.core.audit import Actor
from desktop_app.core.errors import FieldDeskError, ValidationError
from desktop_app.org.lookups import require_office
from desktop_app.org.organisation import current_year

#: what a sheet writes for a meeting of the whole office
WHOLE_OFFICE_WORDS = ("", WHOLE_OFFICE, "全局", "全体", "机关", "全部")


@dataclass(frozen=True)
class CellError:
    """One bad cell: the sheet row, the field (its column) and what is wrong."""

    row: int
    column: str
    message: str


class MeetingImportError(ValidationError):
    """The sheet was refused; ``errors`` lists every bad cell (nothing was written)."""

    def __init__(self, errors: list[CellError]) -> None:
        first = errors[0]
        more = f"（共{len(errors)}处问题）" if len(errors) > 1 else ""
        super().__init__(f"第 {first.row} 行：{first.message}{more}", "请修改表格中标出的单元格后重新导入",
                         field=first.column, row=first.row)
        self.errors = errors


class _Names:
    """This office's people and sections by name."""

    def __init__(self, s: Session, office: str) -> None:
        self.people: dict[str, list[str]] = {}
        for pid, name in s.execute(select(Person.id, Person.name).where(Person.office_code == office,
                                                                          Person.deleted.is_(False))):
            self.people.setdefault(name.strip(), []).append(pid)
        self.sections = {name.strip(): sid for sid, name in s.execute(select(Section.id, Section.name).where(
            Section.office_code == office, Section.deleted.is_(False)))}

    def person(self, name: str, what: str) -> str:
        found = self.people.get(name, [])
        if not found:
            raise ValueError(f"{what}“{name}”不是本单位人员，请核对姓名或先在 设置 → 人员 中添加")
        if len(found) > 1:
            raise ValueError(f"本单位有{len(found)}名“{name}”，无法确定是哪一位")
        return found[0]


#: a service field → the sheet field (column) it was read from
_COLUMN_OF = {"absence_reason": "absent", "people": "attendees", "year": "date"}


def _row_no(row: dict[str, Any], index: int) -> int:
    n = row.get("_row")
    return int(n) if isinstance(n, int) or (isinstance(n, str) and n.isdigit()) else index + 1


def _input(row: dict[str, Any], names: _Names, year: int, no: int, errors: list[CellError]) -> MeetingInput | None:
    """A row as a MeetingInput, or None with its bad cells added to ``errors``."""
    bad = len(errors)
    section_word = str(row.get("section") or "").strip()
    section_id = None
    if section_word not in WHOLE_OFFICE_WORDS:
        section_id = names.sections.get(section_word)
        if section_id is None:
            errors.append(CellError(no, "section", f"科室“{section_word}”不是本单位科室（全办会议请写“全办”）"))
    host_id = None
    if str(row.get("host") or "").strip():
        try:
            host_id = names.person(str(row["host"]).strip(), "主持人")
        except ValueError as exc:
            errors.append(CellError(no, "host", str(exc)))
    attendees: list[AttendeeInput] = []
    for name in row.get("attendees") or []:
        try:
            attendees.append(AttendeeInput(names.person(str(name), "参会人员")))
        except ValueError as exc:
            errors.append(CellError(no, "attendees", str(exc)))
    for item in row.get("absent") or []:
        try:
            attendees.append(AttendeeInput(names.person(str(item["name"]), "缺席人员"), False, str(item["reason"])))
        except ValueError as exc:
            errors.append(CellError(no, "absent", str(exc)))
    try:
        day = dt.date.fromisoformat(str(row.get("date") or ""))
    except ValueError:
        errors.append(CellError(no, "date", f"会议日期“{row.get('date') or ''}”不是有效日期"))
        return None
    if len(errors) > bad:
        return None
    return MeetingInput(year=year, kind=str(row.get("kind") or ""), date=day, theme=str(row.get("theme") or ""),
                        section_id=section_id, place=str(row.get("place") or ""), host_id=host_id,
                        speakers=str(row.get("speakers") or ""), minutes=str(row.get("minutes") or ""),
                        attendees=attendees)


def import_meetings(db: Database, actor: Actor, rows: list[dict[str, Any]]) -> int:
    """Record the meetings of an imported sheet in one transaction; returns how many were added."""
    office = require_office(db)
    year = current_year(db)
    errors: list[CellError] = []
    added = 0
    with db.transaction() as s:
        names = _Names(s, office)
        seen = {(d, k, t.strip(), sec) for d, k, t, sec in s.execute(
            select(Meeting.date, Meeting.kind, Meeting.theme, Meeting.section_id).where(
                Meeting.office_code == office, Meeting.deleted.is_(False)))}
        for i, row in enumerate(rows):
            no = _row_no(row, i)
            data = _input(row, names, year, no, errors)
            if data is None:
                continue
            key = (data.date, data.kind, data.theme.strip(), data.section_id)
            if key in seen:
                continue
            try:
                save_meeting_in_session(s, office, actor, data)
            except FieldDeskError as exc:
                fld = getattr(exc, "field", None) or "theme"
                errors.append(CellError(no, _COLUMN_OF.get(fld, fld), exc.message))
                continue
            seen.add(key)
            added += 1
        if errors:
            raise MeetingImportError(errors)  # rolls the whole sheet back
    return added
