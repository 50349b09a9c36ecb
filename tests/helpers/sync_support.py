"""Helpers for the sync tests: offices that trust each other, sending bundles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from db.models import SYNCED_MODELS, Issue, Progress
from desktop_app.core.context import AppContext, open_context
from desktop_app.org.organisation import SetupInput, initialise_office
from desktop_app.sync import peers
from desktop_app.sync.apply import ImportReport, import_bundle
from desktop_app.sync.bundle_writer import ExportResult, export_bundle
from tests.helpers.common import TEST_ACTOR
from tests.helpers.workers import let_workers_finish


def make_office(root: Path, code: str, name: str, level: str = "county", parent: str | None = "532800") -> AppContext:
    """A set-up office in its own data folder."""
    ctx = open_context(root, actor=TEST_ACTOR, daily_backup=False)
    initialise_office(ctx, SetupInput(code=code, name=name, level=level,
                                      parent_code=None if level == "prefecture" else parent,
                                      sections=["综合科"], year=2026))
    return ctx


def trust_both(a: AppContext, b: AppContext) -> None:
    """Exchange office cards and confirm fingerprints both ways."""
    ca = peers.own_card(a.db, a.data.keys)
    cb = peers.own_card(b.db, b.data.keys)
    peers.trust_card(a.db, a.actor, cb, cb.fingerprint)
    peers.trust_card(b.db, b.actor, ca, ca.fingerprint)


def prefecture_and_counties(root: Path) -> tuple[AppContext, AppContext, AppContext]:
    """(景洪市 532801, 勐海县 532822, 西双版纳州 532800): two counties that trust the prefecture (not each other)."""
    a = make_office(root / "a", "532801", "景洪市")
    b = make_office(root / "b", "532822", "勐海县")
    p = make_office(root / "p", "532800", "西双版纳州", level="prefecture")
    trust_both(a, p)
    trust_both(b, p)
    return a, b, p


@contextmanager
def counties_reported(root: Path) -> Iterator[tuple[AppContext, AppContext, AppContext]]:
    """:func:`prefecture_and_counties` once each county's first bundle has reached the prefecture
    (so the prefecture knows both offices); all three are closed afterwards."""
    a, b, p = prefecture_and_counties(root)
    try:
        send(a, p, root / "a0")
        send(b, p, root / "b0")
        yield a, b, p
    finally:
        let_workers_finish()  # no worker thread may still read through the connections closed here
        for c in (a, b, p):
            c.close()


def export(src: AppContext, dst: AppContext, folder: Path, full: bool = False, encrypt: bool = False) -> ExportResult:
    """A bundle from ``src`` for ``dst``."""
    folder.mkdir(parents=True, exist_ok=True)
    return export_bundle(src.db, src.data, src.actor, dst.office_code, folder, full=full, encrypt=encrypt)


def send(src: AppContext, dst: AppContext, folder: Path, full: bool = False) -> ImportReport:
    """Export from ``src`` and import at ``dst``; asserts the import was applied."""
    res = export(src, dst, folder, full=full)
    rep = import_bundle(dst.db, dst.data, dst.actor, res.file)
    assert rep.status == "applied", rep.errors
    return rep


def add_issue(ctx: AppContext, **fields: Any) -> str:
    """A ledger item written as a normal local edit (stamped by the flush hook)."""
    values = {"serial": "2026-001", "year": 2026, "description": "村级活动场所管理不规范", "deadline": dt.date(2026, 9, 30)}
    values.update(fields)
    with ctx.db.transaction() as s:
        issue = Issue(**values)
        s.add(issue)
        s.flush()
        return issue.id


def edit(ctx: AppContext, model: type, row_id: str, **fields: Any) -> None:
    """A local edit of one row."""
    with ctx.db.transaction() as s:
        row = s.get(model, row_id)
        for k, v in fields.items():
            setattr(row, k, v)


def add_progress(ctx: AppContext, issue_id: str, text: str) -> str:
    """An append-only progress entry."""
    with ctx.db.transaction() as s:
        p = Progress(issue_id=issue_id, date=dt.date(2026, 5, 1), text=text, percent=50)
        s.add(p)
        s.flush()
        return p.id


def rows(ctx: AppContext, table: str) -> dict[str, dict[str, Any]]:
    """Every row of a synced table by id, without the local bookkeeping timestamps."""
    tbl = SYNCED_MODELS[table].__table__
    with ctx.db.session() as s:
        out = {}
        for r in s.execute(select(tbl)).mappings():
            d = dict(r)
            d.pop("created_at", None)
            d.pop("updated_at", None)
            out[d["id"]] = d
        return out


def count(ctx: AppContext, model: type) -> int:
    """Rows in a table."""
    with ctx.db.session() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar() or 0)


def db_fingerprint(ctx: AppContext) -> dict[str, Any]:
    """Everything a failed import must not have touched: every synced table, the change log, conflicts."""
    from db.models import ChangeLog, ImportedBundle, SyncConflict

    out: dict[str, Any] = {t: rows(ctx, t) for t in SYNCED_MODELS}
    with ctx.db.session() as s:
        out["change_log"] = s.execute(select(ChangeLog.origin, ChangeLog.seq, ChangeLog.hlc)).all()
        out["imported"] = s.execute(select(ImportedBundle.bundle_id)).all()
        out["conflicts"] = s.execute(select(SyncConflict.id)).all()
    return out
