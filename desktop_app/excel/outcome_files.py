"""成果转化运用清单 as a hand-made-looking .xlsx (the import reads the same columns back)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from db.engine import Database
from desktop_app.campaign.outcomes import OUTCOME_LIST_HEADERS, OutcomeFilter, list_outcomes, outcome_dicts
from desktop_app.excel.exporter import Column, SheetSpec, write_sheet
from desktop_app.excel.lists import ExportResult, _office_name, _reporter, _scope_name, _year

COLUMNS = [Column("序号", "center", 6), Column("科室", "center", 12), Column("成果类型", "center", 10),
           Column("成果名称", "text", 36), Column("文号", "center", 18), Column("日期", "date", 13),
           Column("采纳单位", "text", 16), Column("来源", "text", 30), Column("刊发载体", "center", 16),
           Column("刊发日期", "date", 13)]


def export_outcomes(db: Database, path: Path, year: int | None = None, office: str = "",
                    f: OutcomeFilter | None = None, progress: Callable[[int], None] | None = None,
                    paper: str = "A4") -> ExportResult:
    """The year's 成果转化运用清单 (through ``f`` when the page filtered it) as .xlsx."""
    y = (f.year if f and f.year else None) or _year(db, year)
    rows = outcome_dicts(list_outcomes(db, replace(f or OutcomeFilter(), year=y), office=office))
    name = _scope_name(db, office) if office else _office_name(db)
    spec = SheetSpec(title=f"{name}{y}年调研成果转化运用清单", columns=COLUMNS, office=_reporter(db, office, name),
                     sheet_name="成果转化运用清单", paper=paper)
    cells = ((n, *(r[h] for h in OUTCOME_LIST_HEADERS)) for n, r in enumerate(rows, 1))
    return ExportResult(path, write_sheet(path, spec, cells, progress, row_count=len(rows)))
