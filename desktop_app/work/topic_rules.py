"""课题规则 — each section picks 1–2 重点 topics a year, each leader leads 1–2, and no topic repeats another.

These are warnings, never refusals (an office may have a reason): beyond two is named, a section
or leader with none is listed, and a title that duplicates or nearly duplicates another topic of
the office — and, at the prefecture (``scope.ALL``), of another office — is flagged
(“避免重复调研”).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from db.engine import Database
from desktop_app.org import scope
from desktop_app.org.lookups import office_names
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work.topics import topic_infos

MAX_KEY_PER_SECTION = 2
MAX_LED_PER_LEADER = 2
#: titles at least this similar (after the common words are dropped) are near duplicates
SIMILAR = 0.8
_COMMON = re.compile(r"关于|情况|调研|研究|问题|的|及|和|与|工作|报告|课题|[\s，,、。：:（）()“”\"《》]")


@dataclass(frozen=True)
class TopicRules:
    """What the rules find for one year and scope; every list empty when all is as it should be."""

    sections_over: list[tuple[str, int]] = field(default_factory=list)  # (section, 重点 topics) beyond two
    sections_none: list[str] = field(default_factory=list)  # sections with no 重点 topic
    leaders_over: list[tuple[str, int]] = field(default_factory=list)  # (leader, topics led) beyond two
    leaders_none: list[str] = field(default_factory=list)  # leaders leading no topic
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (title, other title, whose other)

    def lines(self) -> list[str]:
        """The warnings in a clerk's words (empty when there is nothing to say)."""
        out = [f"{name}有{n}个重点课题（每个科室宜选1–2个）" for name, n in self.sections_over]
        out += [f"{name}领题{n}个（每位领导宜领1–2个）" for name, n in self.leaders_over]
        if self.sections_none:
            out.append("尚未确定重点课题的科室：" + "、".join(self.sections_none))
        if self.leaders_none:
            out.append("尚未领题的领导：" + "、".join(self.leaders_none))
        out += [f"“{a}”与{whose}“{b}”重复或相近，请避免重复调研" for a, b, whose in self.duplicates]
        return out


def _core(title: str) -> str:
    return _COMMON.sub("", title or "")


def similar(a: str, b: str) -> bool:
    """Whether two titles duplicate or nearly duplicate each other."""
    x, y = _core(a), _core(b)
    if not x or not y:
        return a.strip() == b.strip()
    if x == y or (min(len(x), len(y)) >= 4 and (x in y or y in x)):
        return True
    return difflib.SequenceMatcher(None, x, y).ratio() >= SIMILAR


def topic_rules(db: Database, year: int, office: str = "") -> TopicRules:
    """Check one year's topics in a scope (``org.scope``: this office, a county, or every office)."""
    topics = topic_infos(db, year, office=office)
    rules = TopicRules()
    if not office:  # this office: its sections and leaders (another office's are judged there)
        key: dict[str, int] = {}
        led: dict[str, int] = {}
        for t in topics:
            if t.kind == "重点":
                key[t.section_id] = key.get(t.section_id, 0) + 1
            if t.lead_id:
                led[t.lead_id] = led.get(t.lead_id, 0) + 1
        for sec in list_sections(db):
            n = key.get(sec.id, 0)
            if n > MAX_KEY_PER_SECTION:
                rules.sections_over.append((sec.name, n))
            elif n == 0:
                rules.sections_none.append(sec.name)
        for p in list_people(db, year):
            if not p.is_leader:
                continue
            n = led.get(p.id, 0)
            if n > MAX_LED_PER_LEADER:
                rules.leaders_over.append((p.name, n))
            elif n == 0:
                rules.leaders_none.append(p.name)
    names = office_names(db) if office == scope.ALL else {}
    for i, a in enumerate(topics):
        for b in topics[i + 1:]:
            if similar(a.title, b.title):
                whose = "本单位" if a.office_code == b.office_code else names.get(b.office_code, b.office_code)
                rules.duplicates.append((a.title, b.title, whose))
    return rules


def warnings_for(db: Database, year: int, topic_id: str) -> list[str]:
    """The rule warnings that concern one topic just saved (its section, its leader, its title)."""
    topics = {t.id: t for t in topic_infos(db, year)}
    t = topics.get(topic_id)
    if t is None:
        return []
    out = []
    key = sum(1 for x in topics.values() if x.kind == "重点" and x.section_id == t.section_id)
    if t.kind == "重点" and key > MAX_KEY_PER_SECTION:
        out.append(f"{t.section_name}已有{key}个重点课题（每个科室宜选1–2个）")
    if t.lead_id:
        led = sum(1 for x in topics.values() if x.lead_id == t.lead_id)
        if led > MAX_LED_PER_LEADER:
            out.append(f"{t.lead_name}已领题{led}个（每位领导宜领1–2个）")
    out += [f"与本单位课题“{x.title}”重复或相近，请避免重复调研" for x in topics.values()
            if x.id != t.id and similar(t.title, x.title)]
    return out
