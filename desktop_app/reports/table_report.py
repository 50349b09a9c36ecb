"""A printed list (清单/名单/一览表): title, office and date line, a paged table, signature lines.

All the listing reports (ledger views, scores, visits, topics) are one of these with their own
columns. The cells are plain strings, so the report can be tested with rows made in tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, KeepTogether

from desktop_app.reports.fonts import FontSet
from desktop_app.reports.layout import (
    SIZE_S4,
    Column,
    ProgressFn,
    Rendered,
    RowLook,
    SignatureLine,
    TableLook,
    build_pdf,
    chinese_date,
    compact_look,
    header_block,
    list_setup,
    paged_tables,
    story_height,
)

DEFAULT_SIGNATURES = ("填表人", "审核人", "联系电话")


@dataclass
class TableReport:
    """What a listing report prints; ``rows`` are lists of cell strings in column order."""

    title: str
    columns: list[Column]
    rows: list[list[str]]
    office: str = ""
    date: dt.date | None = None
    note: str = ""
    landscape: bool = True
    signatures: Sequence[str] = DEFAULT_SIGNATURES
    #: what to print on each signature line ('' = a blank line to sign on)
    signature_values: Sequence[str] = ()
    row_look: Callable[[int], RowLook | None] | None = None
    look: TableLook = field(default_factory=TableLook)
    #: flowables printed after the table, before the signatures (summaries, legends)
    after: list[Flowable] = field(default_factory=list)
    #: paper (layout.PAPERS) and the 紧凑版 (narrower margins, tighter cells) or the 完整版
    paper: str = "A4"
    compact: bool = False

    def texts(self) -> list[str]:
        """Every string the report prints (for the glyph check)."""
        out = [self.title, self.office, self.note, *self.signatures, *self.signature_values,
               *(c.title for c in self.columns)]
        for row in self.rows:
            out.extend(row)
        return out

    def items(self) -> list[tuple[str, list[str]]]:
        """(label, texts) per printed row — a row is named by its 编号 (else 第N行) — after the title and header."""
        head = [self.title, self.office, self.note, *self.signatures, *(c.title for c in self.columns)]
        key = next((k for k, c in enumerate(self.columns) if c.title == "编号"), None)
        out: list[tuple[str, list[str]]] = [("标题和表头", head)]
        for n, row in enumerate(self.rows, start=1):
            label = row[key] if key is not None and key < len(row) and row[key] else f"第{n}行"
            out.append((label, list(row)))
        return out


def render_table_report(report: TableReport, out: Path | Any, fontset: FontSet, record: bool = False,
                        progress: ProgressFn | None = None) -> Rendered:
    """Check glyphs, lay the report out and write the PDF."""
    fontset.check(report.texts())
    setup = list_setup(report.landscape, report.paper, report.compact)
    look = compact_look(report.look) if report.compact else report.look
    width, height = setup.frame_width, setup.frame_height
    left = f"填报单位：{report.office}" if report.office else ""
    right = f"填报日期：{chinese_date(report.date or dt.date.today())}"
    head = header_block(report.title, fontset, left, right, note=report.note)
    first_avail = height - story_height(head, width, height) - 1.0
    tables = paged_tables(report.columns, report.rows, fontset, width, first_avail, height - 1.0,
                          look=look, row_look=report.row_look)
    story: list[Flowable] = [*head, *tables, *report.after]
    if report.signatures:
        story.append(KeepTogether([SignatureLine(report.signatures, fontset, fontset.body, SIZE_S4,
                                                 values=list(report.signature_values) or None,
                                                 space_before=SIZE_S4)]))
    return build_pdf(story, out, fontset, setup, title=report.title, record=record, progress=progress)
