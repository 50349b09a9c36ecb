"""The import preview as a table: one row per sheet row, its fields, and its errors in red."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.excel.kinds.base import KindSpec

Index = QModelIndex | QPersistentModelIndex
_ERROR_BG = QBrush(QColor("#fde2e1"))
_HIDDEN_FIELDS = {"note", "deadline_workdays", "status_code", "date", "exempt"}
_EXTRA = {"ledger": [("kind", "整改类型")], "visits": [("start", "开始日期"), ("end", "结束日期"), ("days", "天数")]}
_RESULT_WORDS = {"changed": "登记进展", "unchanged": "无变化", "rejected": "拒绝"}
_KIND_WORDS = {"immediate": "立行立改", "dated": "限期整改", "ongoing": "长期坚持"}


class PreviewModel(QAbstractTableModel):
    """Rows of an ``ImportPreview`` (already in memory) with each row's error messages.

    ``only_errors`` narrows the view to rows with errors without copying rows.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self._errors: dict[int, list[str]] = {}
        self._columns: list[tuple[str, str]] = []
        self._visible: list[int] = []
        self._only_errors = False

    def set_preview(self, spec: KindSpec | None, rows: list[dict[str, Any]], errors: dict[int, list[str]],
                    mapped: set[str] | None = None) -> None:
        """Show a new preview (``errors``: sheet row → messages; ``mapped``: the fields some column gives)."""
        self.beginResetModel()
        self._rows = rows
        self._errors = errors
        cols: list[tuple[str, str]] = [("row", "行号"), ("_errors", "错误")]
        if spec is not None:
            wanted = mapped if mapped is not None else {f.key for f in spec.fields}
            if spec.name == "visits" and wanted & {"date", "start", "end"}:
                wanted = wanted | {"start", "end", "days"}
            cols += [(f.key, f.label) for f in spec.fields if f.key in wanted and f.key not in _HIDDEN_FIELDS
                     and not (spec.name == "visits" and f.key in ("start", "end"))]
            cols += [c for c in _EXTRA.get(spec.name, []) if spec.name != "visits" or c[0] in wanted]
        elif rows and "result" in rows[0]:  # a returned 回执表: what each row will do
            cols += [("serial", "编号"), ("result", "结果"), ("message", "说明")]
        elif rows:
            cols += [(k, k) for k in rows[0] if k != "row"]
        self._columns = cols
        self._refilter()
        self.endResetModel()

    def set_only_errors(self, only: bool) -> None:
        """Show only the rows that have errors."""
        self.beginResetModel()
        self._only_errors = only
        self._refilter()
        self.endResetModel()

    def _refilter(self) -> None:
        if self._only_errors:
            self._visible = [i for i, r in enumerate(self._rows) if r.get("row") in self._errors]
        else:
            self._visible = list(range(len(self._rows)))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section][1]
        return None

    def row_at(self, view_row: int) -> dict[str, Any]:
        """The preview row shown at ``view_row``."""
        return self._rows[self._visible[view_row]]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        key = self._columns[index.column()][0]
        errs = self._errors.get(row.get("row", -1), [])
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "_errors":
                return "；".join(errs)
            value = row.get(key)
            if key == "kind" and value in _KIND_WORDS:
                return _KIND_WORDS[value]
            if key == "result" and value in _RESULT_WORDS:
                return _RESULT_WORDS[value]
            if isinstance(value, list):
                return "、".join(str(v) for v in value)
            if isinstance(value, bool):
                return "是" if value else "否"
            if value is None:
                return ""
            text = str(value)
            return text if len(text) <= 200 else text[:200] + "…"
        if role == Qt.ItemDataRole.BackgroundRole and errs:
            return _ERROR_BG
        if role == Qt.ItemDataRole.ToolTipRole and errs:
            return "\n".join(errs)
        return None
