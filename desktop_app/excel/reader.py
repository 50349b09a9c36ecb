"""Opening .xlsx (Excel, WPS) and old .xls workbooks: values and merged ranges.

python-calamine reads both formats fast (9× openpyxl read-only) and reports
merged ranges, so one reader serves everything. Formulas come back as their
last computed value — a formula is never carried into FieldDesk as a formula.
Every file passes ``limits`` first.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from desktop_app.errors import ImportFileError
from desktop_app.excel import limits

Merged = tuple[int, int, int, int]  # first row, first col, last row, last col (0-based, inclusive)


@dataclass
class SheetData:
    """One worksheet's cells. ``rows[i]`` is sheet row ``i + 1``; merged ranges are 0-based."""

    name: str
    rows: list[list[Any]]
    merged: list[Merged] = field(default_factory=list)

    @property
    def width(self) -> int:
        """The number of columns in use."""
        return max((len(r) for r in self.rows), default=0)


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part inside the package (from workbook.xml and its rels)."""
    try:
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if zf.getinfo(name).file_size > 10 * 1024 * 1024:
                raise ImportFileError("工作簿目录异常（过大），已拒绝读取", "请在 Excel/WPS 中另存后再导入")
        wb = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError) as exc:
        raise ImportFileError("工作簿的目录已损坏，无法读取", "请在 Excel/WPS 中打开并另存后再导入") from exc
    targets: dict[str, str] = {}
    for rel in rels.iter(f"{_NS_PKG}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id", "")] = target
    out: dict[str, str] = {}
    for sh in wb.iter(f"{_NS_MAIN}sheet"):
        rid = sh.get(f"{_NS_REL}id") or ""
        if rid in targets:
            out[sh.get("name", "")] = targets[rid]
    return out


class Workbook:
    """An opened, checked workbook. Use as a context manager or call ``close``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.format = limits.sniff(self.path)
        self._members: dict[str, str] = {}
        self._zip: zipfile.ZipFile | None = None
        if self.format == "xlsx":
            self._zip = limits.check_zip(self.path)
            self._members = _sheet_members(self._zip)
        try:
            self._book = calamine.CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # calamine raises its own error types for every kind of damage
            self.close()
            raise _translate(exc, self.path) from exc
        self.sheet_names: list[str] = [
            m.name for m in self._book.sheets_metadata
            if str(m.typ).endswith("WorkSheet") and str(m.visible).endswith("Visible")
        ] or list(self._book.sheet_names)

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the file."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        book = getattr(self, "_book", None)
        if book is not None:
            book.close()

    def sheet(self, name: str) -> SheetData:
        """Load one sheet (checked against the limits first)."""
        if name not in self._book.sheet_names:
            raise ImportFileError(f"工作簿中没有名为“{name}”的工作表", "可选的工作表：" + "、".join(self.sheet_names))
        if self._zip is not None and name in self._members:
            limits.check_sheet_xml(self._zip, self._members[name], name)
        try:
            sh = self._book.get_sheet_by_name(name)
            if sh.total_height > limits.MAX_ROWS:
                raise limits.too_many_rows(sh.total_height, name)
            rows = sh.to_python(skip_empty_area=False)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
        except ImportFileError:
            raise
        except Exception as exc:
            raise _translate(exc, self.path) from exc
        return SheetData(name=name, rows=rows, merged=merged)


def _translate(exc: Exception, path: Path) -> ImportFileError:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text or "filepass" in text:
        return ImportFileError(f"{limits.ENCRYPTED}：{path.name}", limits.ENCRYPTED_ACTION)
    return ImportFileError(f"无法读取工作簿 {path.name}：文件已损坏或格式不受支持（{str(exc)[:120]}）",
                           "请在 Excel/WPS 中打开并另存为 .xlsx 后再导入")


def open_workbook(path: Path | str) -> Workbook:
    """Open and check a workbook for reading."""
    return Workbook(Path(path))
