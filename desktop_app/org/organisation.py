"""Organisation setup (设置): the office, its sections (科室), people and the campaign year."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import OFFICE_LEVELS, Campaign, Office, Person, Section
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.context import AppContext
from desktop_app.core.errors import NotFoundError, SetupRequiredError, ValidationError
from desktop_app.org import keys, settings

DEFAULT_LEADER_QUOTA = 90
DEFAULT_STAFF_QUOTA = 60
_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class OfficeInfo:
    """本单位 — this office."""

    code: str
    name: str
    level: str
    parent_code: str | None
    public_key: str | None = None

    @property
    def level_label(self) -> str:
        """县级, or for a prefecture the word its own name uses: 州级 (西双版纳州…), 市级, 地区级, 盟级."""
        if self.level == "prefecture" and self.name:
            from desktop_app.org.scope import region_word

            return f"{region_word(self.name)}级"
        return OFFICE_LEVELS.get(self.level, self.level)


@dataclass(frozen=True)
class SectionInfo:
    """科室."""

    id: str
    name: str
    sort_order: int
    people: int = 0


@dataclass(frozen=True)
class PersonInfo:
    """人员."""

    id: str
    name: str
    section_id: str
    section_name: str
    post: str
    is_leader: bool
    quota_days: int | None
    effective_quota: int
    phone: str = ""
    active: bool = True


@dataclass(frozen=True)
class CampaignInfo:
    """年度调研活动."""

    id: str
    year: int
    name: str
    leader_quota: int
    staff_quota: int
    start_date: dt.date | None = None
    end_date: dt.date | None = None


@dataclass
class PersonInput:
    """What the wizard or the settings page gives for one person."""

    name: str
    section: str
    post: str = ""
    is_leader: bool = False
    quota_days: int | None = None
    phone: str = ""


@dataclass
class SetupInput:
    """Everything the first-start wizard collects."""

    code: str
    name: str
    level: str = "county"
    parent_code: str | None = None
    sections: list[str] = field(default_factory=list)
    people: list[PersonInput] = field(default_factory=list)
    year: int = field(default_factory=lambda: dt.date.today().year)
    leader_quota: int = DEFAULT_LEADER_QUOTA
    staff_quota: int = DEFAULT_STAFF_QUOTA


def validate_office(code: str, name: str, level: str, parent_code: str | None) -> None:
    """Check an office's identity; raises ValidationError with what to fix."""
    if not _CODE.match(code or ""):
        raise ValidationError(
            f"单位代码“{code}”格式不正确", "请填写6位行政区划代码，例如 532801（景洪市）", field="code"
        )
    if level not in OFFICE_LEVELS:
        raise ValidationError(f"单位级别“{level}”无效", "请选择 县级(county) 或 市级(prefecture)", field="level")
    if level == "county" and code.endswith("00"):
        raise ValidationError(
            f"{code} 是市级及以上的区划代码，县级单位的代码末两位不应为00", "请核对区划代码，或将级别改为市级", field="code"
        )
    if level == "prefecture" and (not code.endswith("00") or code.endswith("0000")):
        raise ValidationError(f"{code} 不是市级区划代码（末两位应为00）", "请核对区划代码，例如 532800", field="code")
    if parent_code and not _CODE.match(parent_code):
        raise ValidationError(f"上级单位代码“{parent_code}”格式不正确", "请填写6位行政区划代码", field="parent_code")
    if parent_code and parent_code == code:
        raise ValidationError("上级单位不能是本单位", "请填写上级单位的区划代码", field="parent_code")
    if not (name or "").strip():
        raise ValidationError("单位名称不能为空", "请填写单位全称，例如 景洪市乡村振兴局", field="name")
    if len(name.strip()) > 100:
        raise ValidationError("单位名称过长（超过100字）", "请填写单位全称", field="name")


def _check_quota(value: int | None, what: str) -> None:
    if value is not None and not (0 <= value <= 366):
        raise ValidationError(f"{what}的年度基层调研天数定额“{value}”无效", "请填写0到366之间的整数", field="quota_days")


def _check_year(year: int) -> None:
    if not (2000 <= year <= 2100):
        raise ValidationError(f"年度“{year}”无效", "请填写四位年份，例如 2026", field="year")


def is_set_up(db: Database) -> bool:
    """True once an office has been recorded for this data folder."""
    return bool(db.office_code)


def setup_office(db: Database, actor: Actor, data: SetupInput, public_key: str | None = None) -> OfficeInfo:
    """First-start setup: the office, its sections, people and the campaign — all or nothing."""
    validate_office(data.code, data.name, data.level, data.parent_code)
    _check_year(data.year)
    _check_quota(data.leader_quota, "领导")
    _check_quota(data.staff_quota, "工作人员")
    names = [s.strip() for s in data.sections]
    if any(not n for n in names):
        raise ValidationError("科室名称不能为空", "请填写科室名称或删除空行", field="sections")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValidationError(f"科室“{'、'.join(dupes)}”重复", "每个科室只需填写一次", field="sections")
    for p in data.people:
        if p.section.strip() not in names:
            raise ValidationError(f"人员“{p.name}”所在科室“{p.section}”不在科室列表中", "请先添加该科室", field="people")
    if db.office_code:
        raise ValidationError(f"本数据目录已初始化为“{db.office_code}”", "如需重新设置，请在 设置 中修改单位信息")
    db.office_code = data.code
    try:
        with db.transaction() as s:
            s.add(Office(code=data.code, name=data.name.strip(), level=data.level, parent_code=data.parent_code or None,
                         public_key=public_key))
            by_name: dict[str, Section] = {}
            for i, n in enumerate(names):
                sec = Section(name=n, sort_order=i)
                s.add(sec)
                by_name[n] = sec
            s.flush()
            for p in data.people:
                _validate_person_input(p)
                s.add(
                    Person(
                        name=p.name.strip(),
                        section_id=by_name[p.section.strip()].id,
                        post=p.post,
                        is_leader=p.is_leader,
                        quota_days=p.quota_days,
                        phone=p.phone,
                    )
                )
            s.add(Campaign(year=data.year, name=f"{data.year}年大调研", leader_quota=data.leader_quota,
                           staff_quota=data.staff_quota))
            settings.write(s, "office_code", data.code)
            audit.record(s, actor, "setup_office", "office", data.code,
                         {"name": data.name, "sections": len(names), "people": len(data.people)})
    except Exception:
        db.office_code = ""
        raise
    return get_office(db)


def _validate_person_input(p: PersonInput) -> None:
    if not p.name.strip():
        raise ValidationError("人员姓名不能为空", "请填写姓名", field="name")
    if len(p.name.strip()) > 40:
        raise ValidationError(f"姓名“{p.name[:10]}…”过长", "请填写40字以内的姓名", field="name")
    _check_quota(p.quota_days, p.name)


def _office(s: Session, code: str) -> Office:
    if not code:
        raise SetupRequiredError()
    office = s.execute(select(Office).where(Office.code == code)).scalar_one_or_none()
    if office is None:
        raise SetupRequiredError()
    return office


def get_office(db: Database) -> OfficeInfo:
    """This office."""
    with db.session() as s:
        o = _office(s, db.office_code)
        return OfficeInfo(o.code, o.name, o.level, o.parent_code, o.public_key)


def update_office(db: Database, actor: Actor, name: str, parent_code: str | None) -> OfficeInfo:
    """Edit this office's name and parent (its code and level are its identity and stay)."""
    with db.transaction() as s:
        o = _office(s, db.office_code)
        validate_office(o.code, name, o.level, parent_code)
        o.name, o.parent_code = name.strip(), parent_code or None
        audit.record(s, actor, "update_office", "office", o.id, {"name": name, "parent_code": parent_code})
    return get_office(db)


def list_sections(db: Database) -> list[SectionInfo]:
    """Active sections of this office in display order, with their head counts."""
    with db.session() as s:
        secs = s.execute(
            select(Section).where(Section.office_code == db.office_code, Section.deleted.is_(False),
                                  Section.active.is_(True)).order_by(Section.sort_order, Section.name)
        ).scalars().all()
        out = []
        for sec in secs:
            n = sum(1 for p in sec.people if p.active and not p.deleted)
            out.append(SectionInfo(sec.id, sec.name, sec.sort_order, n))
        return out


def _section_name_taken(s: Session, office: str, name: str, except_id: str | None = None) -> bool:
    q = select(Section.id).where(Section.office_code == office, Section.name == name, Section.deleted.is_(False))
    return any(i != except_id for i in s.execute(q).scalars())


def add_section(db: Database, actor: Actor, name: str) -> SectionInfo:
    """Add a section; a duplicate name is refused."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("科室名称不能为空", "请填写科室名称", field="name")
    with db.transaction() as s:
        _office(s, db.office_code)
        if _section_name_taken(s, db.office_code, name):
            raise ValidationError(f"科室“{name}”已存在", "请换一个名称，或直接使用已有科室", field="name")
        count = len(s.execute(select(Section.id).where(Section.office_code == db.office_code)).all())
        sec = Section(name=name, sort_order=count)
        s.add(sec)
        s.flush()
        audit.record(s, actor, "add_section", "section", sec.id, {"name": name})
        return SectionInfo(sec.id, sec.name, sec.sort_order, 0)


def rename_section(db: Database, actor: Actor, section_id: str, name: str) -> None:
    """Rename a section; a duplicate name is refused."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("科室名称不能为空", "请填写科室名称", field="name")
    with db.transaction() as s:
        sec = s.get(Section, section_id)
        if sec is None or sec.deleted:
            raise NotFoundError("该科室不存在或已删除", "请刷新后重试")
        if _section_name_taken(s, db.office_code, name, except_id=section_id):
            raise ValidationError(f"科室“{name}”已存在", "请换一个名称", field="name")
        old, sec.name = sec.name, name
        audit.record(s, actor, "rename_section", "section", sec.id, {"from": old, "to": name})


def remove_section(db: Database, actor: Actor, section_id: str) -> None:
    """Retire a section (tombstone). Refused while it still has active people."""
    with db.transaction() as s:
        sec = s.get(Section, section_id)
        if sec is None or sec.deleted:
            raise NotFoundError("该科室不存在或已删除", "请刷新后重试")
        active = [p.name for p in sec.people if p.active and not p.deleted]
        if active:
            raise ValidationError(
                f"科室“{sec.name}”还有{len(active)}名在岗人员（{'、'.join(active[:3])}…）",
                "请先将这些人员调到其他科室或设为离岗",
            )
        sec.deleted = True
        sec.active = False
        audit.record(s, actor, "remove_section", "section", sec.id, {"name": sec.name})


def _campaign(s: Session, office: str, year: int) -> Campaign | None:
    return s.execute(select(Campaign).where(Campaign.office_code == office, Campaign.year == year,
                                            Campaign.deleted.is_(False))).scalar_one_or_none()


def _person_info(p: Person, camp: Campaign | None) -> PersonInfo:
    default = (camp.leader_quota if p.is_leader else camp.staff_quota) if camp else (
        DEFAULT_LEADER_QUOTA if p.is_leader else DEFAULT_STAFF_QUOTA)
    return PersonInfo(p.id, p.name, p.section_id, p.section.name, p.post, p.is_leader, p.quota_days,
                      p.quota_days if p.quota_days is not None else default, p.phone, p.active)


def list_people(db: Database, year: int | None = None, include_inactive: bool = False,
                office_code: str | None = None) -> list[PersonInfo]:
    """People of this office, by section order then name, with their effective quota for ``year``.

    ``office_code``: another office whose rows are here (a prefecture reading a county), against
    that office's own campaign quota; the caller checks it may look (``org.scope.resolve``).
    """
    code = office_code or db.office_code
    with db.session() as s:
        camp = _campaign(s, code, year or current_year(db))
        q = (select(Person).join(Section).where(Person.office_code == code, Person.deleted.is_(False))
             .order_by(Section.sort_order, Person.is_leader.desc(), Person.name))
        if not include_inactive:
            q = q.where(Person.active.is_(True))
        return [_person_info(p, camp) for p in s.execute(q).scalars()]


def add_person(db: Database, actor: Actor, data: PersonInput) -> PersonInfo:
    """Add a person to a section of this office."""
    _validate_person_input(data)
    with db.transaction() as s:
        sec = s.execute(select(Section).where(Section.office_code == db.office_code, Section.name == data.section.strip(),
                                              Section.deleted.is_(False))).scalar_one_or_none()
        if sec is None:
            raise ValidationError(f"科室“{data.section}”不存在", "请先在 设置 中添加该科室", field="section")
        p = Person(name=data.name.strip(), section_id=sec.id, post=data.post, is_leader=data.is_leader,
                   quota_days=data.quota_days, phone=data.phone)
        s.add(p)
        s.flush()
        audit.record(s, actor, "add_person", "person", p.id, {"name": p.name, "section": sec.name})
        return _person_info(p, _campaign(s, db.office_code, current_year(db)))


def update_person(db: Database, actor: Actor, person_id: str, data: PersonInput, active: bool = True) -> None:
    """Edit a person (section, post, leader flag, quota, phone, active)."""
    _validate_person_input(data)
    with db.transaction() as s:
        p = s.get(Person, person_id)
        if p is None or p.deleted or p.office_code != db.office_code:
            raise NotFoundError("该人员不存在", "请刷新后重试")
        sec = s.execute(select(Section).where(Section.office_code == db.office_code, Section.name == data.section.strip(),
                                              Section.deleted.is_(False))).scalar_one_or_none()
        if sec is None:
            raise ValidationError(f"科室“{data.section}”不存在", "请先添加该科室", field="section")
        p.name, p.section_id, p.post, p.is_leader = data.name.strip(), sec.id, data.post, data.is_leader
        p.quota_days, p.phone, p.active = data.quota_days, data.phone, active
        audit.record(s, actor, "update_person", "person", p.id, {"name": p.name, "active": active})


def current_year(db: Database) -> int:
    """The campaign year the office is working in (a setting; defaults to this calendar year)."""
    return int(settings.get(db, "current_year", dt.date.today().year))


def get_campaign(db: Database, year: int | None = None) -> CampaignInfo | None:
    """The campaign of ``year`` (default: the current one), or None."""
    with db.session() as s:
        c = _campaign(s, db.office_code, year or current_year(db))
        if c is None:
            return None
        return CampaignInfo(c.id, c.year, c.name, c.leader_quota, c.staff_quota, c.start_date, c.end_date)


def set_campaign(db: Database, actor: Actor, year: int, leader_quota: int, staff_quota: int,
                 name: str | None = None) -> CampaignInfo:
    """Create or edit the campaign of ``year`` and make it the current year."""
    _check_year(year)
    _check_quota(leader_quota, "领导")
    _check_quota(staff_quota, "工作人员")
    with db.transaction() as s:
        _office(s, db.office_code)
        c = _campaign(s, db.office_code, year)
        if c is None:
            c = Campaign(year=year, name=name or f"{year}年大调研")
            s.add(c)
        elif name:
            c.name = name
        c.leader_quota, c.staff_quota = leader_quota, staff_quota
        settings.write(s, "current_year", year)
        s.flush()
        audit.record(s, actor, "set_campaign", "campaign", c.id,
                     {"year": year, "leader_quota": leader_quota, "staff_quota": staff_quota})
    info = get_campaign(db, year)
    assert info is not None
    return info


def initialise_office(ctx: AppContext, data: SetupInput) -> OfficeInfo:
    """Set up this data folder's office: validate, make its signing key, record everything."""
    validate_office(data.code, data.name, data.level, data.parent_code)
    if ctx.db.office_code:
        return setup_office(ctx.db, ctx.actor, data)  # raises the "already set up" error
    public = keys.create_key(ctx.data.keys)
    return setup_office(ctx.db, ctx.actor, data, public_key=public)
