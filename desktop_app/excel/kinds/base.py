"""What every importable kind declares: its fields with their synonyms, and how to read a row."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop_app.excel.limits import MAX_CELL_CHARS


@dataclass(frozen=True)
class FieldSpec:
    """One field of a kind: its JSON key, its Chinese label and the header titles that mean it."""

    key: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False


@dataclass
class RowContext:
    """What a row is read against: the year from context and the section row above it."""

    year: int | None
    section: str = ""
    #: this row's text in columns no field is mapped to (column title → text): kept, never dropped
    extra: dict[str, str] = field(default_factory=dict)


class RowErrors:
    """Errors found while reading one row: (field key, message)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, key: str, message: str) -> None:
        """Record an error on a field of this row."""
        self.items.append((key, message))

    def __bool__(self) -> bool:
        return bool(self.items)


RowParser = Callable[[dict[str, Any], RowContext, RowErrors], dict[str, Any]]


@dataclass(frozen=True)
class KindSpec:
    """An importable kind (ledger, visits, topics, questions, scores)."""

    name: str
    label: str
    fields: tuple[FieldSpec, ...]
    parse_row: RowParser
    #: fields whose emptiness makes a row "not an item" rather than an error (e.g. a stray note)
    key_fields: tuple[str, ...] = field(default_factory=tuple)
    #: fields that take one of a few words (状态, 题型 …): field → the words to offer for an unknown one
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: ``known(field, word)``: True when the kind reads ``word`` in that field without help
    known: Callable[[str, str], bool] | None = None
    #: the kind keeps the text of unmapped columns (``RowContext.extra``)
    keeps_extra: bool = False
    #: where that text is kept, said to the user (“调研目的”); "" = the kind has no field for it: it stays in
    #: the import report (``other_columns`` of each row) and the 原表其他列 sheet (``extras.write_extra_sheet``)
    extra_home: str = ""
    #: fields read for the preview that the owner has nowhere to store (the ledger's 备注)
    unwritten: tuple[str, ...] = ()
    #: column titles of our own export that the app computes (the ledger's 预警 from the deadline): never
    #: kept with a row (they would only repeat what the item shows), named among the columns not imported
    derived: tuple[str, ...] = ()

    def label_of(self, key: str) -> str:
        """The Chinese label of a field key."""
        for f in self.fields:
            if f.key == key:
                return f.label
        return key


#: how text kept from unmapped columns starts, when it is appended to a field that has text of its own
EXTRA_PREFIX = "原表其他列："


def kept_text(extra: dict[str, str]) -> str:
    """The text of unmapped columns as one line: 原表其他列：联系人：岩温；电话：138… ("" for none)."""
    if not extra:
        return ""
    return EXTRA_PREFIX + "；".join([f"{title}：{value}" for title, value in extra.items()])


def append_kept(value: str, extra: dict[str, str]) -> str:
    """``value`` with the text of unmapped columns appended as a paragraph of its own."""
    kept = kept_text(extra)
    if not kept:
        return value
    return f"{value}\n{kept}" if value else kept


_FORMULA_LEAD = ("=", "+", "-", "@")


def text(value: Any, key: str, errors: RowErrors, label: str = "") -> str:
    """A cell as plain text. Text starting with = + - @ stays text; over-long cells are an error."""
    if type(value) is str:
        t = value.strip()
    elif value is None:
        return ""
    else:
        from desktop_app.excel.header import cell_text

        t = cell_text(value)
    if len(t) > MAX_CELL_CHARS:
        errors.add(key, f"“{label or key}”内容有 {len(t):,} 个字，超过单元格上限 {MAX_CELL_CHARS:,} 字，请精简后再导入")
        return t[:200] + "…"
    return t


_LIST_SEP = re.compile(r"[、，,；;\s\u3000/]+")


def name_list(value: str) -> list[str]:
    """刘洋、黄涛 / 刘洋，黄涛 / 刘洋 黄涛 → ['刘洋', '黄涛']."""
    return [p for p in _LIST_SEP.split(value) if p]


def starts_like_formula(value: str) -> bool:
    """True for text a spreadsheet would take as a formula when typed (kept as text here)."""
    return value.startswith(_FORMULA_LEAD)
