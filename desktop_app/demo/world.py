"""The demo's world: which county, its year, and what the generator has made so far (shared by its parts)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_app.core.audit import Actor
from desktop_app.demo import names
from desktop_app.org.organisation import PersonInfo

DEMO_ACTOR = Actor("demo", "演示数据")
YEAR = 2026


@dataclass(frozen=True)
class County:
    """Which county office a demo is: its code, name, document prefix, places and people."""

    code: str = names.OFFICE_CODE
    name: str = names.OFFICE_NAME
    doc_prefix: str = "勐乡振发"
    places: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(names.PLACES))
    other_places: tuple[tuple[str, str, str], ...] = names.OTHER_PLACES
    #: 0 keeps the demo's staff list; n > 0 pairs each surname with the given name n places on,
    #: so every county of the prefecture demo has its own people
    name_shift: int = 0

    def people(self) -> list[tuple[str, str, str, bool, int | None]]:
        """The office's people: (name, section, post, is_leader, quota_days)."""
        if not self.name_shift:
            return list(names.PEOPLE)
        splits = [(n[0], n[1:]) for n, *_ in names.PEOPLE]
        out, seen = [], set()
        for i, (_n, sec, post, lead, quota) in enumerate(names.PEOPLE):
            name = splits[i][0] + splits[(i + self.name_shift) % len(splits)][1]
            while name in seen:  # never two people of one office with the same name
                name += "华"
            seen.add(name)
            out.append((name, sec, post, lead, quota))
        return out


#: the other counties of 西双版纳州 the prefecture demo brings in next to 勐海县
OTHER_COUNTIES: tuple[County, ...] = tuple(
    County(code=code, name=name, doc_prefix=prefix, places=dict(places), other_places=other, name_shift=7 + 5 * i)
    for i, (code, name, prefix, places, other) in enumerate(names.OTHER_COUNTIES))


@dataclass
class _World:
    """What the generator has made so far, for later parts to refer to."""

    rng: random.Random
    ids: Callable[[], str]
    ref: dt.date
    office: str
    people: list[PersonInfo]
    county: County = field(default_factory=County)
    topics: list[tuple[str, str]] = field(default_factory=list)  # (id, section name)
    visits: list[tuple[str, dt.date, str]] = field(default_factory=list)  # (id, end date, place) of past visits
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def leaders(self) -> list[PersonInfo]:
        """Office leaders (领导)."""
        return [p for p in self.people if p.is_leader]

    def staff_of(self, section: str) -> list[PersonInfo]:
        """Staff (not leaders) of a section."""
        return [p for p in self.people if p.section_name == section and not p.is_leader]

    def rand_date(self, start: dt.date, end: dt.date) -> dt.date:
        """A uniform date in [start, end] (start when the range is empty)."""
        span = (end - start).days
        return start + dt.timedelta(days=int(self.rng.random() * (span + 1))) if span > 0 else start

