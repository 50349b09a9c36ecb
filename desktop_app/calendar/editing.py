"""Editing the holiday table: set, remove, move, revert a day, import many; the package seed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Holiday
from desktop_app.calendar.arithmetic import KINDS, PACKAGE_SOURCE, WITHDRAWN, package_days
from desktop_app.calendar.tables import (
    _counted,
    _effective,
    _live_dates,
    _overridden,
    _own_live,
    _plain_kind,
    _seeded_years,
    seed_in_session,
)
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import ValidationError
from desktop_app.org import upstream


def revert_day(db: Database, actor: Actor, d: dt.date) -> int:
    """恢复上级设置 / 撤销本单位修改: take back this office's own edit (or removal) of a date that
    overrides a day of the parent office or of the built-in calendar; returns rows changed.

    The office's rows of the date are tombstoned as withdrawn (``WITHDRAWN``), so the parent
    office's table decides the day again, or, with no parent row, the built-in calendar: when
    this office counts the package for the year, the package's day is written back as its seed
    row. Synced rows are never deleted; the change travels in bundles like any other edit.
    """
    with db.transaction() as s:
        me, _above = _counted(s)
        won = _effective(s, d, keep_removed=True)[0].get(d)
        seeded = _seeded_years(s, me, (d.year, d.year))
        package = package_days()
        if won is None or won.office != me or not won.verdict.edit or not _overridden(won, me, d, seeded, package):
            raise ValidationError(f"本单位没有修改 {d.isoformat()} 这一天，没有可恢复的上级或内置日历设置",
                                  "只有本单位修改或删除过、覆盖了上级下发或内置日历的日子才能恢复；"
                                  "本单位自己添加的日子请用“删除”", field="date")
        q = select(Holiday).where(Holiday.date == d)
        if me:
            q = q.where(Holiday.office_code == me)  # another office's rows are never changed here
        own = list(s.execute(q.order_by(Holiday.hlc, Holiday.id)).scalars())
        keep: Holiday | None = None
        changed = 0
        if d in package and d.year in seeded:  # back to this office's built-in day (the rule ranks it last)
            kind, name = package[d]
            keep = next((h for h in own if not h.deleted), None)
            if keep is None:
                keep = Holiday(date=d, kind=kind, name=name, source=PACKAGE_SOURCE, verified=False)
                s.add(keep)  # a new row rather than an undeleted tombstone
            else:
                keep.kind, keep.name, keep.source, keep.verified = kind, name, PACKAGE_SOURCE, False
            changed += 1
        for h in own:
            if h is keep or (h.deleted and h.source == WITHDRAWN):
                continue
            h.deleted, h.source = True, WITHDRAWN
            changed += 1
        s.flush()
        audit.record(s, actor, "revert_holiday", "holiday", keep.id if keep is not None else own[0].id,
                     {"date": d.isoformat(), "rows": changed, "to": "package" if keep is not None else "upstream"})
        return changed


def sent_down_warning(db: Database) -> str:
    """A Chinese warning when a prefecture office's holiday table is here but does not count (a
    mistyped or missing 上级单位代码), or counts only by guess; '' when all is as it should be."""
    with db.session() as s:
        me = str(s.info.get("office_code") or "")
        if not me:
            return ""
        senders = set(s.execute(select(Holiday.office_code).where(Holiday.deleted.is_(False)).distinct()).scalars())
        return upstream.unused_upstream_warning(s, me, {c for c in senders if c} - {me}, "节假日表")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(f"日期类型“{kind}”无效", "请选择 休息日(rest) 或 调休上班(workday)", field="kind")


def _set_in_session(s: Session, d: dt.date, kind: str, name: str, source: str) -> None:
    # only this office's rows: a day the parent office sent down is overridden by a row of our own
    existing = _own_live(s, d)
    if existing:
        for h in existing[1:]:
            h.deleted = True  # one date, one row of ours: extras (e.g. seeded twice) are tombstoned
        h = existing[0]
        h.kind, h.name, h.source, h.verified = kind, name, source, True
    else:
        s.add(Holiday(date=d, kind=kind, name=name, source=source, verified=True))


def _seed_if_empty(s: Session) -> None:
    """An empty table means "use the package's days" (load_calendar); the first edit must not
    silently drop them, so the package's days are written first."""
    if not _live_dates(s):
        seed_in_session(s)


def set_day(db: Database, actor: Actor, d: dt.date, kind: str, name: str = "") -> None:
    """Mark one date as a rest day or a 调休 working day (hand-entered rows count as verified)."""
    _check_kind(kind)
    with db.transaction() as s:
        _seed_if_empty(s)
        _set_in_session(s, d, kind, name.strip(), "manual")
        audit.record(s, actor, "set_holiday", "holiday", "", {"date": d.isoformat(), "kind": kind, "name": name})


def remove_day(db: Database, actor: Actor, d: dt.date) -> int:
    """Make a date ordinary again; returns rows removed (or 1 for the overriding row written).

    This office's rows of the date are tombstoned (which, by the rule, also overrides the
    parent's day). When it had none and the day comes from the parent office's table, a
    row of its own saying what the weekday is anyway (a Monday at work) overrides it: the
    parent's rows are never changed here.
    """
    with db.transaction() as s:
        _seed_if_empty(s)
        removed = _remove_in_session(s, d)
        audit.record(s, actor, "remove_holiday", "holiday", "", {"date": d.isoformat(), "rows": removed})
        return removed


def _remove_in_session(s: Session, d: dt.date) -> int:
    rows = _own_live(s, d)
    for h in rows:
        h.deleted = True
    s.flush()
    removed = len(rows)
    still = _effective(s, d)[0].get(d)
    if not rows and still is not None and still.verdict.kind != _plain_kind(d):
        s.add(Holiday(date=d, kind=_plain_kind(d), name="恢复正常", source="manual", verified=True))
        removed = 1
    return removed


def move_day(db: Database, actor: Actor, old: dt.date, d: dt.date, kind: str, name: str = "") -> None:
    """修改 a day's date: ``d`` gets the kind and name and ``old`` is made ordinary (see ``remove_day``),
    in one transaction — a failure leaves both dates as they were."""
    _check_kind(kind)
    with db.transaction() as s:
        _seed_if_empty(s)
        _set_in_session(s, d, kind, name.strip(), "manual")
        s.flush()
        removed = _remove_in_session(s, old) if old != d else 0
        audit.record(s, actor, "move_holiday", "holiday", "", {"from": old.isoformat(), "date": d.isoformat(),
                                                               "kind": kind, "name": name, "rows": removed})


def import_days(db: Database, actor: Actor, days: list[tuple[dt.date, str, str]], source: str = "import",
                then: Callable[[Session], object] | None = None) -> int:
    """Import (date, kind, name) rows, e.g. read from a spreadsheet the prefecture sent — all or nothing.

    ``then`` runs inside the same transaction once the rows are written (and flushed): the
    deadlines estimated for the years imported are counted again there (``holiday_notice.save_days``).
    """
    for i, (d, kind, _name) in enumerate(days, start=1):
        if not isinstance(d, dt.date):
            raise ValidationError(f"第{i}行日期“{d}”无效", "请填写日期，例如 2027-01-01", field="date", row=i)
        if kind not in KINDS:
            raise ValidationError(f"第{i}行类型“{kind}”无效", "请填写 休息日 或 调休上班", field="kind", row=i)
    with db.transaction() as s:
        _seed_if_empty(s)
        for d, kind, name in days:
            _set_in_session(s, d, kind, name, source)
        audit.record(s, actor, "import_holidays", "holiday", "", {"rows": len(days), "source": source})
        if then is not None:
            s.flush()
            then(s)
    return len(days)


def write_days_in_session(s: Session, days: list[tuple[dt.date, str, str]], source: str,
                          replace_sources: tuple[str, ...] = ()) -> int:
    """Write (date, kind, name) rows as this office's own (verified) rows inside the caller's transaction;
    returns rows written. ``replace_sources``: this office's live rows of the same years with one of
    these sources and a date not in ``days`` are tombstoned (a year's new table replaces the built-in
    one and an earlier import of the same kind; hand-entered local days stay)."""
    _seed_if_empty(s)
    for d, kind, name in days:
        _set_in_session(s, d, kind, name, source)
    if replace_sources and days:
        me = str(s.info.get("office_code") or "")
        keep = {d for d, _k, _n in days}
        years = {d.year for d in keep}
        q = select(Holiday).where(Holiday.deleted.is_(False), Holiday.source.in_(replace_sources),
                                  Holiday.date >= dt.date(min(years), 1, 1), Holiday.date <= dt.date(max(years), 12, 31))
        if me:
            q = q.where(Holiday.office_code == me)
        for h in s.execute(q).scalars():
            if h.date.year in years and h.date not in keep:
                h.deleted = True
    s.flush()
    return len(days)
