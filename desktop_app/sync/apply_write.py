"""Writing a merge :class:`Plan`: rows, change-log entries, conflicts, answered conflicts, attachments."""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from db.bulk import append_log, insert_mappings
from db.changes import answered_by
from db.models import SYNCED_MODELS, Attachment, SyncConflict
from desktop_app.core.attachments import attachment_path
from desktop_app.core.config import DataDir
from desktop_app.sync.apply_merge import Plan, sorted_tables
from desktop_app.sync.bundle_reader import RawBundle
from desktop_app.sync.values import table_of

# ---------------------------------------------------------------- writing

def write_plan(s: Session, plan: Plan, raw: RawBundle, data: DataDir, dry_run: bool) -> None:
    if raw.manifest.get("attachments"):
        for meta in raw.manifest["attachments"]:
            sha = meta.get("sha256") if isinstance(meta, dict) else None
            if not isinstance(sha, str) or sha not in raw.blobs:
                continue
            if s.get(Attachment, sha) is None:
                s.add(Attachment(sha256=sha, name=str(meta.get("name") or "附件")[:200], size=len(raw.blobs[sha]),
                                 mime=str(meta.get("mime") or "")[:100]))
        s.flush()
    for table in sorted_tables():
        tbl = table_of(SYNCED_MODELS[table])
        rows = plan.inserts.get(table)
        if rows:
            insert_mappings(s, tbl, rows)
        ups = plan.updates.get(table)
        if ups:
            for u in ups:
                rid = u.pop("id")
                s.execute(update(tbl).where(tbl.c.id == rid).values(**u))
    append_log(s, plan.log)
    if plan.conflicts:
        s.execute(insert(SyncConflict), plan.conflicts)
    _close_answered_conflicts(s, plan)
    if not dry_run:
        for sha, content in raw.blobs.items():
            target = attachment_path(data.attachments, sha)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".incoming-{sha}")
                tmp.write_bytes(content)
                os.replace(tmp, target)


def _close_answered_conflicts(s: Session, plan: Plan) -> None:
    """An incoming edit made after seeing a conflict's winning value answers that conflict here too."""
    if not plan.answered:
        return
    open_any = s.execute(select(SyncConflict.id).where(SyncConflict.resolved.is_(False)).limit(1)).first()
    if open_any is None:
        return
    for table, row_id, f, base_hlc, origin in plan.answered:
        s.execute(update(SyncConflict)
                  .where(SyncConflict.table_name == table, SyncConflict.row_id == row_id, SyncConflict.field == f,
                         SyncConflict.resolved.is_(False), *answered_by(base_hlc, f))
                  .values(resolved=True, resolved_by=f"单位 {origin}", resolved_at=dt.datetime.now()))
