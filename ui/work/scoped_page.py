"""What 调研课题 and 调研安排 share: the year being shown, a prefecture's 查看范围 corner, reloads on the bus."""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox, QWidget

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import current_year
from ui.office_scope import OfficeScopeCombo
from ui.signals import Kind
from ui.work.widgets import scope_corner, sync_scope_corner


class ScopedYearPage(QWidget):
    """A page listing one year of this office's rows, or (a prefecture) of a county's, read-only.

    Subclasses set ``year`` (a spin box) in their ``__init__``, implement ``refresh`` and connect
    ``bus().changed`` to ``_on_changed`` once built; ``RELOAD_KINDS`` says which changes reload them.
    """

    #: the change-bus kinds after which the page reads its rows again
    RELOAD_KINDS: tuple[str, ...] = ()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.selected: str | None = None
        self.year: QSpinBox
        # 查看范围: a prefecture office also lists each county's rows (read-only); hidden in a county
        self.office_combo = OfficeScopeCombo(ctx)
        self.office_combo.office_changed.connect(self._office_changed)
        self.scope_box = scope_corner(self.office_combo)

    def refresh(self) -> None:
        """Read the year's rows again (each page its own)."""
        raise NotImplementedError

    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in (Kind.ALL, Kind.OFFICE, Kind.SYNC) and self.ctx.db.office_code:
            self.office_combo.reload()  # a bundle may have brought a new county
            sync_scope_corner(self.scope_box, self.office_combo)
        if kind in (Kind.CAMPAIGN, Kind.ALL) and self.ctx.db.office_code:
            year = current_year(self.ctx.db)
            if year != self.year.value():
                self.year.setValue(year)  # follows the office's current year; valueChanged reloads
                return
        if kind in self.RELOAD_KINDS:
            self.refresh()

    @property
    def office(self) -> str:
        """The scope shown: "" this office, a county's code, or ``scope.ALL`` (prefecture only)."""
        return self.office_combo.current_office()

    def own(self) -> bool:
        """True while this office's own rows are shown (the only ones it may change)."""
        return not self.office

    def _office_changed(self, _office: str) -> None:
        self.selected = None
        self.refresh()
