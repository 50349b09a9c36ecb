"""Importing a bundle (导入数据包): check everything in memory, then apply in ONE transaction.

Order (DESIGN.md §4): limits and structure (``bundle_reader``) → signature, target
office, versions → already imported? → parse and validate every change → gaps and
same-sequence checks per origin → merge row by row (ownership, per-field last
writer wins by (clock, office code), conflicts kept, append-only children as a
union) → write rows, change-log entries, conflicts, the bundle id and the peer's
acknowledgements in one transaction. A dry run takes the same path and rolls back.

The steps live in their own modules: ``apply_parse`` (manifest and change lines into checked
``Change`` objects), ``apply_checks`` (who may carry whose changes, gaps, numbers already used),
``apply_merge`` (the named merge rules, into a ``Plan``), ``apply_write`` (the plan into the
database) and ``apply_report`` (the report). This module runs them in one transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db import killpoints
from db.changes import MAX_CLOCK_SKEW_MS, HybridClock
from db.engine import Database
from db.models import ImportedBundle, PeerState
from desktop_app import calendar as workdays
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.config import DataDir
from desktop_app.core.errors import SetupRequiredError, SyncError
from desktop_app.ledger.api import moved_summary, recompute_after
from desktop_app.sync import audit_heads
from desktop_app.sync.apply_checks import check_against_log, refuse_foreign_origins
from desktop_app.sync.apply_merge import merge_changes
from desktop_app.sync.apply_parse import (
    CAP_COUNTER,
    MAX_STAMP,
    check_header,
    check_ranges,
    check_signature,
    check_versions,
    parse_changes,
)
from desktop_app.sync.apply_report import MAX_ERRORS, ImportReport, TableReport
from desktop_app.sync.apply_write import write_plan
from desktop_app.sync.bundle_format import Limits
from desktop_app.sync.bundle_reader import RawBundle, read_bundle
from desktop_app.sync.peers import have_seqs, load_json, merge_acks
from desktop_app.sync.schema_upgrade import upgrade_changes

# the report types and stamp constants are part of this module's interface (batch, CLI, UI, tests)
__all__ = ["CAP_COUNTER", "MAX_ERRORS", "MAX_STAMP", "ImportReport", "TableReport", "import_bundle",
           "preview_batch"]

#: refusal reasons copied into an audit entry (the report lists them all)
AUDIT_REASONS = 50


class _DryRunDoneError(Exception):
    """Raised inside the transaction to undo a dry run."""


def _read(path: Path, data: DataDir, limits: Limits | None, report: ImportReport) -> tuple[RawBundle, dict[str, Any]]:
    raw = read_bundle(Path(path), data.keys, limits)
    m = check_header(raw)
    report.bundle_id, report.from_office = m["bundle_id"], m["from_office"]
    return raw, m


def _apply_in(s: Session, me: str, data: DataDir, actor: Actor, raw: RawBundle, m: dict[str, Any],
              report: ImportReport, dry_run: bool) -> int:
    """Check and merge one bundle inside the caller's transaction; returns the highest clock applied.

    Every refusal (``SyncError``) is raised before anything is written, so the caller's
    transaction is untouched by a refused bundle (the batch preview relies on this).
    An already-imported bundle sets ``report.status`` and writes nothing.
    """
    now_ms = int(time.time() * 1000)
    limit_hlc = HybridClock.pack(now_ms + MAX_CLOCK_SKEW_MS, CAP_COUNTER)
    if m["from_office"] == me:
        raise SyncError("这是本单位自己导出的数据包，无需导入", "请在接收单位的电脑上导入")
    check_signature(s, raw, m["from_office"])
    if m["to_office"] != me:
        raise SyncError(f"该数据包是发给单位 {m['to_office']} 的，不是本单位（{me}）",
                        "请确认接收单位后让对方重新导出；本次未做任何改动")
    check_versions(m)
    if s.get(ImportedBundle, m["bundle_id"]) is not None:
        report.status = "already-imported"
        report.warnings.append("该数据包此前已导入，本次未做任何改动")
        return 0
    changes, warnings = parse_changes(raw, m, limit_hlc)
    changes = upgrade_changes(m["schema_version"], changes)
    report.warnings.extend(warnings)
    check_ranges(changes, m)
    changes, kept_ranges, forged = refuse_foreign_origins(s, m["from_office"], changes, m["ranges"], report)
    m = {**m, "ranges": kept_ranges}  # what is acknowledged and gap-checked: only what the sender may carry
    fresh = check_against_log(s, me, changes, m, report)
    for table in raw.changes:
        report.tables.setdefault(table, TableReport())
    skipped_rows = defaultdict(set)
    fresh_ids = {(c.table, c.row_id) for c in fresh}
    for c in changes:
        if (c.table, c.row_id) not in fresh_ids:
            skipped_rows[c.table].add(c.row_id)
    blobs_meta = {a["sha256"]: a for a in m.get("attachments") or []
                  if isinstance(a, dict) and a.get("sha256") in raw.blobs}
    plan = merge_changes(s, fresh, report, m["bundle_id"], blobs_meta, m["from_office"],
                  {str(k): int(v) for k, v in m["acks"].items()}, me)
    for table, ids in skipped_rows.items():
        report.tables[table].unchanged += len(ids)
    write_plan(s, plan, raw, data, dry_run)
    _record(s, actor, m, raw, report, dry_run, forged)
    return plan.max_hlc


def _refused(report: ImportReport, exc: SyncError | SQLAlchemyError) -> ImportReport:
    report.status = "rejected"
    report.tables = {}
    if isinstance(exc, SyncError):
        report.errors = [str(exc)]
    else:
        from desktop_app.core.db_errors import known_error

        known = known_error(exc)  # disk full, locked, read-only …: in words, never raw SQL
        report.errors = [str(known) if known else f"写入数据库失败，已全部撤销：{type(exc).__name__}: {str(exc)[:300]}"]
    return report


def import_bundle(db: Database, data: DataDir, actor: Actor, path: Path, dry_run: bool = False,
                  limits: Limits | None = None) -> ImportReport:
    """Import one bundle (or preview it with ``dry_run``). A refused bundle changes nothing and
    comes back with ``status == "rejected"`` and the reason in ``errors``."""
    report = ImportReport(file=str(path))
    me = db.office_code
    if not me:
        raise SetupRequiredError()
    before = None if dry_run else workdays.load_calendar(db)  # a holiday table may arrive: see below
    try:
        raw, m = _read(path, data, limits, report)
        with db.session() as s:
            s.info["applying_remote"] = True
            try:
                with s.begin():
                    max_hlc = _apply_in(s, me, data, actor, raw, m, report, dry_run)
                    if report.status == "already-imported":
                        return report
                    if dry_run:
                        raise _DryRunDoneError()
                    killpoints.pause("bundle-import-commit")  # crash tests: the rows written, not committed
            except _DryRunDoneError:
                report.status = "dry-run"
                return report
        if max_hlc:
            db.clock.observe(max_hlc)
        report.status = "applied"
        held = report.tables.get("holiday")
        if before is not None and held is not None and (held.created or held.updated):
            # the year's table arrived: deadlines estimated Monday–Friday for it are counted again (as our change);
            # the bundle is in whatever happens here, so a failure is a warning, never a "rejected"
            try:
                moved = recompute_after(db, actor, before)
            except SQLAlchemyError as exc:
                report.warnings.append(f"数据包已导入，但按新节假日表重算完成时限失败（{type(exc).__name__}），"
                                       "请在 设置 › 节假日 重新导入该年放假安排")
            else:
                if moved:
                    report.warnings.append(moved_summary(moved))
        return report
    except (SyncError, SQLAlchemyError) as exc:
        _refused(report, exc)
        if not dry_run:
            _audit_refusal(db, actor, report)
        return report


def _audit_refusal(db: Database, actor: Actor, report: ImportReport) -> None:
    """An audit entry for a bundle refused as a whole: which file, from whom, and why."""
    try:
        with db.transaction() as s:
            audit.record(s, actor, "import_bundle_refused", "imported_bundle", report.bundle_id,
                         {"file": Path(report.file).name, "from": report.from_office,
                          "reasons": report.errors[:AUDIT_REASONS]})
    except SQLAlchemyError:
        # the database itself refused the import (locked, full, read-only): it cannot take the entry
        # either, and the report already says why — the refusal must not turn into a second failure
        return


def preview_batch(db: Database, data: DataDir, actor: Actor, paths: list[Path],
                  progress: Callable[[int, int, str], None] | None = None,
                  limits: Limits | None = None) -> list[ImportReport]:
    """Dry-run several bundles together, in the given order, as if each were imported after the
    ones before it (so a bundle that fills another's gap counts); nothing is written.

    All of them run in ONE transaction that is rolled back at the end. A bundle refused only
    for a gap is tried again after the others, as the real import does.
    """
    me = db.office_code
    if not me:
        raise SetupRequiredError()
    reports: dict[Path, ImportReport] = {p: ImportReport(file=str(p)) for p in paths}
    with db.session() as s:
        s.info["applying_remote"] = True
        try:
            with s.begin():
                pending = list(paths)
                done = 0
                while pending:
                    retry: list[Path] = []
                    moved = False
                    for path in pending:
                        if progress:
                            progress(done, len(paths), f"正在预览 {Path(path).name}…")
                        report = reports[path] = ImportReport(file=str(path))
                        try:
                            raw, m = _read(path, data, limits, report)
                            _apply_in(s, me, data, actor, raw, m, report, dry_run=True)
                        except SyncError as exc:
                            _refused(report, exc)
                            if report.gap:
                                retry.append(path)
                                continue
                        else:
                            if report.status != "already-imported":
                                report.status = "dry-run"
                                moved = True
                        done += 1
                    if not moved:
                        done += len(retry)
                    pending = retry if moved else []
                raise _DryRunDoneError()
        except _DryRunDoneError:
            pass
        except SQLAlchemyError as exc:  # the shared transaction is gone: no later preview is reliable
            for path in paths:
                if reports[path].status in ("dry-run", "rejected") and not reports[path].errors:
                    _refused(reports[path], exc)
    if progress:
        progress(len(paths), len(paths), "预览完成")
    return [reports[p] for p in paths]


def _record(s: Session, actor: Actor, m: dict[str, Any], raw: RawBundle, report: ImportReport, dry_run: bool,
            forged: dict[str, int] | None = None) -> None:
    sender = m["from_office"]
    s.add(ImportedBundle(bundle_id=m["bundle_id"], from_office=sender, manifest_sha256=raw.manifest_sha256,
                         report=orjson.dumps({k: v.as_json() for k, v in report.tables.items()}).decode()))
    peer = s.get(PeerState, sender)
    if peer is None:  # checked by check_signature in the same transaction
        raise SyncError(f"数据包来自未知单位 {sender}", "请先导入并信任其身份卡；本次未做任何改动")
    acks = {str(k): int(v) for k, v in m["acks"].items()}
    for origin, (_lo, hi) in m["ranges"].items():
        acks[origin] = max(acks.get(origin, 0), int(hi))
    merge_acks(peer, acks)
    received = load_json(peer.received)
    received.update(have_seqs(s))
    peer.received = orjson.dumps(received).decode()
    peer.last_import = dt.datetime.now()
    audit_heads.remember(s, sender, m.get("audit_head"), report.warnings)
    audit.record(s, actor, "import_bundle_preview" if dry_run else "import_bundle", "imported_bundle",
                 m["bundle_id"], {"from": sender, "tables": {k: v.as_json() for k, v in report.tables.items()},
                                  "rejected_rows": len(report.errors)})
    if report.errors and not dry_run:
        # what was refused and why, on its own entry: a forged line or a write the sender has no right
        # to is worth finding in the log without reading every import's counts
        audit.record(s, actor, "import_bundle_rows_refused", "imported_bundle", m["bundle_id"],
                     {"from": sender, "file": Path(report.file).name, "forged_origins": dict(sorted((forged or {}).items())),
                      "reasons": report.errors[:AUDIT_REASONS], "refused": len(report.errors)})
