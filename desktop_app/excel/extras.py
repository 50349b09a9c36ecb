"""原表其他列 — the text of columns an import maps to no field, for kinds with nowhere to store it.

Visits, questions, ledger items and scores keep such text in one of their own
fields (``KindSpec.extra_home``). A research topic (调研课题) has no free-text
field, and its table cannot grow one without a migration, so its rows carry the
text as ``other_columns`` in the import report (``--json``) and it can be saved
beside the import as a sheet of its own: 行号, the row's name, then one column
per kept column — nothing a clerk typed is lost.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from desktop_app.excel.exporter import Column, SheetSpec, write_sheet
from desktop_app.excel.importer import ImportPreview
from desktop_app.excel.kinds import get_kind

SHEET_TITLE = "原表其他列"


def sidecar_rows(pv: ImportPreview) -> list[dict[str, Any]]:
    """The previewed rows that carry text kept only in the report (``other_columns``)."""
    return [r for r in pv.rows if r.get("other_columns")]


def write_extra_sheet(path: Path | str, pv: ImportPreview, rows: list[dict[str, Any]] | None = None,
                      office: str = "") -> int:
    """Write the 原表其他列 sheet of an import to ``path``; returns how many rows it holds.

    ``rows`` defaults to every previewed row carrying such text (pass the
    imported rows after a partial import).
    """
    spec = get_kind(pv.kind)
    rows = sidecar_rows(pv) if rows is None else [r for r in rows if r.get("other_columns")]
    columns = list(dict.fromkeys(t for r in rows for t in r["other_columns"]))
    name_key = spec.key_fields[0] if spec.key_fields else spec.fields[0].key
    sheet = SheetSpec(
        title=f"{spec.label}导入：{SHEET_TITLE}（{Path(pv.file).name}，工作表“{pv.sheet}”）",
        columns=[Column("原表行号", "center"), Column(spec.label_of(name_key))] + [Column(t) for t in columns],
        office=office, sheet_name=SHEET_TITLE, date_line=f"导入日期：{dt.date.today():%Y年%m月%d日}",
        signatures=())
    cells = ([r.get("row"), r.get(name_key, "")] + [r["other_columns"].get(t, "") for t in columns] for r in rows)
    return write_sheet(Path(path), sheet, cells, row_count=len(rows))
