"""Importing topics and visits from the Excel importer's rows (DESIGN.md §6) — all or nothing.

The Excel importer reads the sheet and maps its columns; it hands over plain
rows. People are named, not identified: a name is resolved among the people of
this office, and an unknown or ambiguous name refuses the whole import with a
``ValidationError`` naming the row. A row may carry ``_row`` (its 1-based row
number in the sheet) so that errors point at the sheet; otherwise the position
in the list (1-based) is used.

Visit rows: ``topic`` (title, optional), ``lead``, ``members`` (list, or text
separated by 、，, or spaces), ``start``, ``end`` (ISO text or dates; ``end``
defaults to ``start``), ``days`` (ignored: recomputed from the dates),
``place``, ``method``, ``unannounced`` (bool; 四不两直 implies it), and
optionally ``township``, ``place_type``, ``purpose``, ``findings``.
A topic title not yet recorded becomes a new topic of the lead's section
(stage 调研中, led by the lead). A row equal to a visit already recorded (same
dates, place and lead) is skipped, so importing a sheet twice does not double
anyone's days.

Topic rows: ``title``, ``section`` (name; required), ``year`` (default: the
current campaign year), ``kind`` (重点|一般), ``lead``, ``members``,
``methods``, ``stages`` (lists or separated text), ``report_due`` (ISO),
``status`` (立项|调研中|成稿|结题). A topic with the same year and title is
updated rather than duplicated.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import TOPIC_STATUSES, Person, Section, Topic, Visit
from db.models_work import VISIT_METHOD_MAX
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import FieldDeskError, ValidationError
from desktop_app.org.lookups import require_office
from desktop_app.org.organisation import current_year
from desktop_app.work.common import as_date
from desktop_app.work.topics import save_topic_in_session
from desktop_app.work.types import TopicInput, VisitInput
from desktop_app.work.visits import save_visit_in_session

_SPLIT = re.compile(r"[、，,；;\s/]+")
METHOD_MAX = VISIT_METHOD_MAX  # the width of visit.method
_TRUE = {"是", "√", "✓", "y", "yes", "true", "1", "四不两直"}


def _row_no(row: dict[str, Any], index: int) -> int:
    n = row.get("_row")
    return int(n) if isinstance(n, int) or (isinstance(n, str) and n.isdigit()) else index + 1


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else _SPLIT.split(str(value))
    out: list[str] = []
    for x in items:
        x = _text(x)
        if x and x not in out:
            out.append(x)
    return out


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return _text(value).lower() in _TRUE


class _People:
    """Names of this office's people → ids; unknown and ambiguous names are refused with the row."""

    def __init__(self, s: Session, office: str) -> None:
        self.ids: dict[str, list[str]] = {}
        self.section: dict[str, str] = {}
        for pid, name, section_id in s.execute(select(Person.id, Person.name, Person.section_id).where(
                Person.office_code == office, Person.deleted.is_(False))):
            self.ids.setdefault(name.strip(), []).append(pid)
            self.section[pid] = section_id

    def one(self, name: str, row: int, what: str) -> str:
        found = self.ids.get(name, [])
        if not found:
            raise ValidationError(f"第 {row} 行：{what}“{name}”不是本单位人员",
                                  "请核对姓名，或先在 设置 → 人员 中添加此人", field=what, row=row)
        if len(found) > 1:
            raise ValidationError(f"第 {row} 行：本单位有{len(found)}名“{name}”，无法确定是哪一位",
                                  "请在表中用不同写法区分重名人员（如 张伟（综合科））后重试", field=what, row=row)
        return found[0]


def _wrap(exc: FieldDeskError, row: int) -> ValidationError:
    """A service error re-raised naming the sheet row."""
    msg = exc.message if exc.message.startswith("第 ") else f"第 {row} 行：{exc.message}"
    return ValidationError(msg, exc.action, field=getattr(exc, "field", None), row=row)


def import_visits(db: Database, actor: Actor, rows: list[dict[str, Any]]) -> int:
    """Record the visits of an imported sheet in one transaction; returns how many were added."""
    office = require_office(db)
    added = 0
    with db.transaction() as s, s.no_autoflush:
        people = _People(s, office)
        # held here so the session's (weak) identity map keeps them: each row's checks then
        # find people and sections in memory instead of asking the database again
        keep = [*s.execute(select(Person).where(Person.office_code == office)).scalars(),
                *s.execute(select(Section).where(Section.office_code == office)).scalars()]
        topics: dict[str, str] = {t.title.strip(): t.id for t in s.execute(select(Topic).where(
            Topic.office_code == office, Topic.deleted.is_(False)).order_by(Topic.year)).scalars()}
        # visits already recorded (and rows earlier in this sheet): a repeated row is skipped
        seen = {(a, b, place, lead) for a, b, place, lead in s.execute(
            select(Visit.start_date, Visit.end_date, Visit.place, Visit.lead_id).where(
                Visit.office_code == office, Visit.deleted.is_(False)))}
        for i, row in enumerate(rows):
            n = _row_no(row, i)
            lead_name = _text(row.get("lead"))
            if not lead_name:
                raise ValidationError(f"第 {n} 行：带队领导为空", "请填写带队人员姓名", field="lead", row=n)
            lead = people.one(lead_name, n, "带队领导")
            members = [people.one(m, n, "参加人员") for m in _names(row.get("members"))]
            start = as_date(row.get("start"), "开始日期", n)
            end = as_date(row.get("end"), "结束日期", n) if row.get("end") not in (None, "") else start
            place = _text(row.get("place"))
            if (start, end, place, lead) in seen:
                continue
            seen.add((start, end, place, lead))
            title = _text(row.get("topic"))
            topic_id = None
            try:
                if title:
                    topic_id = topics.get(title)
                    if topic_id is None:
                        t = save_topic_in_session(s, office, actor, TopicInput(
                            year=start.year, section_id=people.section[lead], title=title, lead_id=lead),
                            status="调研中")
                        topic_id = topics[title] = t.id
                method, purpose = _method(_text(row.get("method")), _text(row.get("purpose")))
                save_visit_in_session(s, office, actor, VisitInput(
                    start_date=start, end_date=end, place=place, lead_id=lead, participant_ids=members,
                    township=_text(row.get("township")), place_type=_text(row.get("place_type")), method=method,
                    unannounced=_flag(row.get("unannounced")) or "四不两直" in method, topic_id=topic_id,
                    purpose=purpose, findings=_text(row.get("findings"))), flush=False)
            except ValidationError as exc:
                raise _wrap(exc, n) from exc
            added += 1
        s.flush()
        audit.record(s, actor, "import_visits", "visit", "", {"rows": len(rows), "added": added})
        del keep
    return added


def _method(method: str, purpose: str) -> tuple[str, str]:
    """A sheet's method as written, combined ones too (座谈交流、实地走访、个别访谈、查阅资料); only wording
    longer than the column keeps its first method as the method and the whole text at the head
    of the purpose, so nothing the office wrote is lost."""
    if len(method) <= METHOD_MAX:
        return method, purpose
    first = _SPLIT.split(method)[0][:METHOD_MAX]
    return first, f"调研方式：{method}" + (f"\n{purpose}" if purpose else "")


def import_topics(db: Database, actor: Actor, rows: list[dict[str, Any]]) -> int:
    """Record (or update, by year and title) the topics of an imported sheet in one transaction."""
    office = require_office(db)
    default_year = current_year(db)
    done = 0
    with db.transaction() as s:
        people = _People(s, office)
        sections = {name.strip(): sid for sid, name in s.execute(select(Section.id, Section.name).where(
            Section.office_code == office, Section.deleted.is_(False)))}
        for i, row in enumerate(rows):
            n = _row_no(row, i)
            sec_name = _text(row.get("section"))
            if not sec_name:
                raise ValidationError(f"第 {n} 行：课题未填写牵头科室", "每个课题须由一个科室牵头，请填写科室名称",
                                      field="section", row=n)
            if sec_name not in sections:
                raise ValidationError(f"第 {n} 行：科室“{sec_name}”不是本单位科室", "请核对科室名称，或先在 设置 中添加",
                                      field="section", row=n)
            year_text = _text(row.get("year"))
            if year_text and not year_text.rstrip("年").isdigit():
                raise ValidationError(f"第 {n} 行：年度“{year_text}”无效", "请填写四位年份", field="year", row=n)
            year = int(year_text.rstrip("年")) if year_text else default_year
            lead = people.one(_text(row.get("lead")), n, "领题领导") if _text(row.get("lead")) else None
            members = [people.one(m, n, "课题组成员") for m in _names(row.get("members"))]
            due = as_date(row.get("report_due"), "报告时限", n) if row.get("report_due") not in (None, "") else None
            status = _text(row.get("status")) or None
            if status is not None and status not in TOPIC_STATUSES:
                raise ValidationError(f"第 {n} 行：阶段“{status}”无效", f"请填写 {'、'.join(TOPIC_STATUSES)} 之一",
                                      field="status", row=n)
            data = TopicInput(year=year, section_id=sections[sec_name], title=_text(row.get("title")),
                              kind=_text(row.get("kind")) or "一般", lead_id=lead, member_ids=members,
                              methods=_names(row.get("methods")), stages=_split_stages(row.get("stages")),
                              report_due=due)
            existing = s.execute(select(Topic).where(Topic.office_code == office, Topic.deleted.is_(False),
                                                     Topic.year == year, Topic.title == data.title.strip())).scalar()
            try:
                t = save_topic_in_session(s, office, actor, data, topic_id=existing.id if existing else None,
                                          status=status)
            except ValidationError as exc:
                raise _wrap(exc, n) from exc
            if existing is not None and status:
                t.status = status
            done += 1
        audit.record(s, actor, "import_topics", "topic", "", {"rows": len(rows), "imported": done})
    return done


def _split_stages(value: Any) -> list[str]:
    """Planned stages: a list, or text split on ；; and line breaks (a stage may contain commas)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [_text(x) for x in value if _text(x)]
    return [x.strip() for x in re.split(r"[；;\n]+", str(value)) if x.strip()]


