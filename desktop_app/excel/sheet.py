"""A worksheet as plain Python data: what the import worker hands back to the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Merged = tuple[int, int, int, int]  # first row, first col, last row, last col (0-based, inclusive)


@dataclass
class SheetData:
    """One worksheet's cells. ``rows[i]`` is sheet row ``i + 1``; merged ranges are 0-based.

    Rows hold plain values only (str, float, int, bool, date, datetime, time); an
    empty cell is ``""`` and a row stops at its last value, so rows differ in length.
    """

    name: str
    rows: list[list[Any]]
    merged: list[Merged] = field(default_factory=list)
    #: the worker's classification of the rows (``reader.RowKinds``), made under the header it found:
    #: (data start, titles); None when the worker did not classify them
    kinds_header: tuple[int, list[str]] | None = None
    #: row index → kind (``header.ROW_*``) of every row below that header holding a cell that is not a data row
    kinds: dict[int, str] = field(default_factory=dict)

    @property
    def width(self) -> int:
        """The number of columns in use."""
        return max((len(r) for r in self.rows), default=0)


class RowLimitExceededError(Exception):
    """A sheet holds more rows (or columns, with ``columns``) with values than an import accepts."""

    def __init__(self, count: int, columns: bool = False) -> None:
        super().__init__(count)
        self.count = count
        self.columns = columns
