"""各县对比 — the prefecture's comparison of its counties on the campaign's other pillars: who held meetings
(and which months a section went without its 组工讲堂), who filed this week's plans, who turned results to use.

Counties are the offices whose rows are here other than the prefecture itself (its own sections are
not a county). Figures are counted from the rows the counties' bundles brought, through the same
services the pages use, so a county's own page and the prefecture's row agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from db.engine import Database
from db.models_campaign import Meeting
from desktop_app.campaign import meeting_compliance, periods, plans
from desktop_app.campaign.outcomes import OutcomeFilter, list_outcomes
from desktop_app.core.errors import ValidationError
from desktop_app.org import scope
from desktop_app.org.lookups import check_year, require_office

#: the plan kind compared: the weekly plan is what every section files every week
COMPARED_PLAN = "week"


@dataclass(frozen=True)
class CountyFigures:
    """One county's row of the comparison."""

    office_code: str
    office_name: str
    meetings: int
    #: section·months of finished months without a 组工讲堂 (the running month is not yet missing)
    lectures_missing: int
    plans_filed: int
    plans_due: int
    outcomes: int
    published: int

    @property
    def plans_text(self) -> str:
        """已报送/应报送, e.g. 3/5."""
        return f"{self.plans_filed}/{self.plans_due}"


@dataclass(frozen=True)
class CountyComparison:
    """The comparison for a year: the week whose plans are counted, and one row per county."""

    year: int
    as_of: dt.date
    plan_period: str
    plan_period_label: str
    rows: tuple[CountyFigures, ...]


def county_comparison(db: Database, year: int, today: dt.date | None = None) -> CountyComparison:
    """Every county's figures for ``year`` as of ``today`` (a past year: as of its 31 December)."""
    check_year(year)
    require_office(db)
    if not scope.is_prefecture(db):
        raise ValidationError("各县对比只在市级单位提供", "县级单位请在各页面查看本单位的情况")
    today = today or dt.date.today()
    as_of = min(today, dt.date(year, 12, 31))
    week = periods.current("week", as_of)
    rows = []
    for choice in scope.office_choices(db):
        if choice.own:
            continue
        code = choice.code
        with db.session() as s:
            held = int(s.execute(select(func.count()).select_from(Meeting).where(
                Meeting.office_code == code, Meeting.year == year, Meeting.deleted.is_(False),
                Meeting.date <= as_of)).scalar_one())
            grid = meeting_compliance.grid_in_session(s, code, year, as_of)
        missing = sum(1 for sec, month in grid.missing if grid.mark(sec, month) == meeting_compliance.MISSING)
        status = plans.period_status(db, COMPARED_PLAN, week.text, office=code)
        found = list_outcomes(db, OutcomeFilter(year=year), office=code)
        rows.append(CountyFigures(
            code, choice.name, held, missing, sum(1 for r in status if r.status in ("filed", "recorded")),
            len(status), len(found), sum(1 for o in found if o.published_in)))
    return CountyComparison(year, as_of, week.text, week.label, tuple(rows))
