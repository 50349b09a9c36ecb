"""查看范围 selector: in a prefecture office, choose whose rows a page lists (本单位 / one county / 全部).

Hidden in a county office, where every page lists only its own rows. Pages pass
``current_office()`` to the services (see ``desktop_app.org.scope``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from desktop_app.core.context import AppContext
from desktop_app.org import scope


class OfficeScopeCombo(QComboBox):
    """A combo of 本单位, each county whose data is here, and 全部单位; visible only for a prefecture."""

    office_changed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, default: str = scope.ALL) -> None:
        super().__init__(parent)
        self._ctx = ctx
        #: what a prefecture page opens on: 全部单位 (its counties' rows are what it oversees), or "" (本单位)
        self._default = default
        self.setToolTip(self.tr("市级单位可查看各县（区）经同步包报来的数据"))
        self.setMinimumContentsLength(10)
        self.reload()
        self.currentIndexChanged.connect(lambda _i: self.office_changed.emit(self.current_office()))

    def reload(self) -> None:
        """Re-read the offices (after a bundle import brought a new county)."""
        keep = self.current_office() if self.count() else self._default
        self.blockSignals(True)
        self.clear()
        prefecture = bool(self._ctx.office_code) and scope.is_prefecture(self._ctx.db)
        if prefecture:
            for choice in scope.office_choices(self._ctx.db):
                label = self.tr("本单位（%1）").replace("%1", choice.name) if choice.own else choice.name
                self.addItem(label, "" if choice.own else choice.code)
            self.addItem(self.tr("全部单位"), scope.ALL)
            at = self.findData(keep)
            self.setCurrentIndex(max(at, 0))
        self.blockSignals(False)
        self.setVisible(prefecture)

    def current_office(self) -> str:
        """"" for this office, a county's code, or ``scope.ALL``."""
        data = self.currentData()
        return str(data) if data else ""
