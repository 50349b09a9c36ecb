"""Excel import as one service call: preview, then write everything or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db import killpoints
from db.engine import Database
from desktop_app.core.audit import Actor
from desktop_app.core.errors import ValidationError
from desktop_app.excel import mappings, writers
from desktop_app.excel.importer import ImportPreview, RowError, preview
from desktop_app.excel.kinds import get_kind


@dataclass
class ImportOutcome:
    """The preview plus what was written (``imported`` rows; a round trip's report in ``roundtrip``)."""

    preview: ImportPreview
    imported: int = 0
    dry_run: bool = False
    roundtrip: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    #: ledger sheets: the sheet rows whose item this office had already recorded before this import
    #: (same 问题描述 and 责任单位) — a sheet imported twice; the GUI asks first, the CLI warns
    already_recorded: list[int] = field(default_factory=list)
    #: with ``skip_errors``: the sheet rows left out because they had errors (None: all or nothing)
    skipped_rows: list[int] | None = None

    @property
    def ok(self) -> bool:
        """True when the file had no errors."""
        return not self.preview.errors

    def to_json(self) -> dict[str, Any]:
        """The ``import-excel --json`` object (round trips add a ``roundtrip`` report)."""
        out = self.preview.to_json(self.imported)
        if self.roundtrip is not None:
            out["roundtrip"] = self.roundtrip
        if self.already_recorded:
            out["already_recorded"] = self.already_recorded
        if self.preview.unknown:
            out["unknown_words"] = self.preview.unknown
        if self.preview.not_imported:
            out["not_imported_columns"] = self.preview.not_imported
        if self.preview.kept:
            # where the text of unmapped columns went ("" = only here: each row's other_columns)
            out["kept_columns"] = {"columns": self.preview.kept, "kept_in": self.preview.kept_in or "导入报告"}
        if self.skipped_rows is not None:
            out["skipped_rows"] = self.skipped_rows
        return out


def campaign_year(db: Database) -> int | None:
    """The office's campaign year: the year a date such as 6月底前 belongs to when the sheet names none."""
    from desktop_app.org import organisation

    return organisation.current_year(db)


def preview_file(db: Database, path: Path | str, kind: str, sheet: str | None = None,
                 mapping: dict[str, str | None] | None = None,
                 progress: Callable[[int, int], None] | None = None, password: str | None = None,
                 values: dict[str, dict[str, str]] | None = None) -> ImportPreview:
    """Preview with this office's remembered mapping, word meanings and campaign year.

    ``progress``, ``password`` and ``values`` are as in ``importer.preview``; the
    meanings remembered for these headers apply under ``values``.
    """
    pv = preview(path, kind, sheet=sheet, mapping=mapping, year=campaign_year(db),
                 remembered=lambda k, titles: mappings.load(db, k, titles), progress=progress, password=password,
                 values=values, remembered_values=lambda k, titles: mappings.load_values(db, k, titles))
    if pv.roundtrip:
        # a returned 回执表: the preview is what each row would do (changed / unchanged / rejected)
        from desktop_app.core.audit import SYSTEM
        from desktop_app.excel import roundtrip

        assert pv.data is not None
        report = roundtrip.apply(db, SYSTEM, pv.data, dry_run=True)
        pv.rows, pv.errors = report.rows, report.errors
    else:
        bad = {e.row for e in pv.errors}
        title_of = {f: t for t, f in pv.mapping.items() if f}
        clean = [r for r in pv.rows if r["row"] not in bad]
        spec = get_kind(kind)
        for row, key, message in writers.validate_rows(kind, clean, pv.year):
            # a field the sheet has no column for is named by its label (责任单位)
            pv.errors.append(RowError(row, title_of.get(key, spec.label_of(key)), message))
        pv.errors.sort(key=lambda e: e.row)
    return pv


def import_file(db: Database, actor: Actor, path: Path | str, kind: str, sheet: str | None = None,
                mapping: dict[str, str | None] | None = None, dry_run: bool = False, skip_errors: bool = False,
                password: str | None = None, values: dict[str, dict[str, str]] | None = None,
                progress: Callable[[int, int], None] | None = None) -> ImportOutcome:
    """Preview a sheet and, if it has no errors and this is not a dry run, write all of it.

    With ``skip_errors`` (the user's explicit choice: ``--skip-errors``, 只导入无误的行)
    the rows without errors are written and the others listed in ``skipped_rows``.
    A round-trip sheet (exported for one responsible unit, see roundtrip.py)
    is recognised by its hidden id column and becomes progress entries.
    """
    pv = preview_file(db, path, kind, sheet, mapping, progress=progress, password=password, values=values)
    out = ImportOutcome(preview=pv, dry_run=dry_run)
    if pv.roundtrip:
        from desktop_app.excel import roundtrip

        assert pv.data is not None
        report = roundtrip.apply(db, actor, pv.data, dry_run=dry_run)
        out.roundtrip = report.to_json()
        out.imported = report.changed_count if not dry_run else 0
        pv.rows = report.rows
        pv.errors = report.errors
        return out
    rows = pv.rows
    if pv.errors:
        if not skip_errors:
            return out
        bad = {e.row for e in pv.errors}
        rows = [r for r in pv.rows if r["row"] not in bad]
        out.skipped_rows = sorted(bad)
    if not rows:
        return out
    if kind == "ledger":
        from desktop_app.ledger import duplicates

        out.already_recorded = duplicates.already_recorded(db, rows)
    title_of = {f: t for t, f in pv.mapping.items() if f}
    for attempt in range(2 if skip_errors else 1):
        try:
            if dry_run:
                writers.dry_run_rows(db, actor, kind, rows)
                return out
            killpoints.pause("excel-import-writing")  # crash tests start a second process here
            out.imported = writers.write_rows(db, actor, kind, rows, pv.year)
            break
        except ValidationError as exc:  # the owner refused some rows; nothing was written
            refused = writers.service_errors(exc, pv.header_row)
            for row, column, message in refused:
                pv.errors.append(RowError(row, title_of.get(column, column), message))
            pv.errors.sort(key=lambda e: e.row)
            out.imported = 0
            if not skip_errors or attempt:
                return out
            gone = {row for row, _c, _m in refused}
            rows = [r for r in rows if r["row"] not in gone]
            out.skipped_rows = sorted(set(out.skipped_rows or []) | gone)
            if not rows:
                return out
    mappings.save(db, kind, pv.titles, pv.mapping)
    if pv.values:
        mappings.save_values(db, kind, pv.titles, pv.values)
    return out
