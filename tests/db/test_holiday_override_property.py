"""Property: whatever a county and its prefecture did to a day, taking back the county's change
(撤销本单位修改, ``workdays.revert_day``) leaves the day as the prefecture's table — or, with no row
there, the built-in calendar — says; and the tab's ``can_revert`` is exactly when the service accepts it."""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from db.models import Holiday, Office
from desktop_app import calendar as workdays
from desktop_app.core.context import AppContext
from desktop_app.core.errors import ValidationError

D = dt.date
PARENT = "532800"
#: a Monday and a Saturday the package does not name, a Friday it has off, a Saturday it has at work
DATES = (D(2026, 11, 2), D(2026, 11, 7), D(2026, 10, 2), D(2026, 10, 10))
KIND = st.sampled_from(("rest", "workday"))
OPS = st.lists(st.tuples(st.sampled_from(("pset", "premove", "cset", "cremove", "crevert")),
                         st.sampled_from(DATES), KIND), max_size=8)


def _plain(d: dt.date) -> str:
    return "workday" if d.weekday() < 5 else "rest"


def _parent_rows(ctx: AppContext, d: dt.date) -> list[tuple[str, bool]]:
    with ctx.db.session() as s:
        return [(h.kind, h.deleted) for h in s.execute(
            select(Holiday).where(Holiday.office_code == PARENT, Holiday.date == d)).scalars()]


def _baseline(ctx: AppContext, d: dt.date) -> str:
    """What the day is without any change of the county's: the prefecture's word, else the package."""
    rows = _parent_rows(ctx, d)
    live = [k for k, deleted in rows if not deleted]
    if live:
        return live[0]
    if rows:
        return _plain(d)  # the prefecture removed its day: ordinary
    pkg = workdays.package_days().get(d)
    return pkg[0] if pkg else _plain(d)


def _parent_write(ctx: AppContext, d: dt.date, kind: str | None) -> None:
    """The prefecture's table as received (its rows keep its code): set a day, or remove it."""
    with ctx.db.transaction() as s:
        live = s.execute(select(Holiday).where(Holiday.office_code == PARENT, Holiday.date == d,
                                               Holiday.deleted.is_(False))).scalars().first()
        if kind is None:
            if live is not None:
                live.deleted = True
        elif live is not None:
            live.kind = kind
        else:
            s.add(Holiday(office_code=PARENT, date=d, kind=kind, name="州", source="manual", verified=True))


def _reset(ctx: AppContext) -> None:
    """Test set-up only: the chosen dates back to the county's seed and nothing from the prefecture."""
    with ctx.db.transaction() as s:
        s.execute(delete(Holiday).where(Holiday.date.in_(DATES)))  # Core: bypasses the never-delete hook
        for d in DATES:
            pkg = workdays.package_days().get(d)
            if pkg:
                s.add(Holiday(date=d, kind=pkg[0], name=pkg[1], source=workdays.PACKAGE_SOURCE, verified=False))
        if s.execute(select(Office).where(Office.code == PARENT)).scalar() is None:
            s.add(Office(code=PARENT, name="西双版纳州", level="prefecture", parent_code=None))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
@example(ops=[("pset", DATES[0], "rest"), ("cset", DATES[0], "workday")])  # the closing note's gap
@example(ops=[("pset", DATES[3], "rest"), ("cremove", DATES[3], "rest"), ("pset", DATES[3], "workday")])
@example(ops=[("cset", DATES[2], "workday"), ("crevert", DATES[2], "rest"), ("cremove", DATES[2], "rest")])
def test_reverting_restores_the_prefectures_or_the_built_in_day(ctx: AppContext, ops) -> None:  # noqa: ANN001
    workdays.seed_from_package(ctx.db, ctx.actor)
    _reset(ctx)
    for op, d, kind in ops:
        if op == "pset":
            _parent_write(ctx, d, kind)
        elif op == "premove":
            _parent_write(ctx, d, None)
        elif op == "cset":
            workdays.set_day(ctx.db, ctx.actor, d, kind, "")
        elif op == "cremove":
            workdays.remove_day(ctx.db, ctx.actor, d)
        else:
            with contextlib.suppress(ValidationError):  # refused on a day the county has not changed
                workdays.revert_day(ctx.db, ctx.actor, d)
    for d in DATES:
        listed = next((h for h in workdays.list_days(ctx.db, 2026) if h.date == d), None)
        if listed is not None and listed.can_revert:
            workdays.revert_day(ctx.db, ctx.actor, d)
        else:
            try:
                workdays.revert_day(ctx.db, ctx.actor, d)
            except ValidationError:
                pass
            else:
                raise AssertionError(f"{d}: revert accepted on a day the tab offers no revert for")
        got = "workday" if workdays.load_calendar(ctx.db).is_workday(d).value else "rest"
        with ctx.db.session() as s:
            own_added = s.execute(select(Holiday).where(
                Holiday.office_code == ctx.office_code, Holiday.date == d, Holiday.deleted.is_(False),
                Holiday.source != workdays.PACKAGE_SOURCE)).scalars().first()
        if own_added is not None and not _parent_rows(ctx, d) and d not in workdays.package_days():
            continue  # a day the county added over nothing: nothing to go back to (删除 makes it ordinary)
        assert got == _baseline(ctx, d), (d, ops)
