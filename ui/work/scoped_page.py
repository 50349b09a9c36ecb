"""What 调研课题, 调研安排 and 会议研讨 share: the year being shown, besides a prefecture's 查看范围."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import current_year
from ui.page_frame import ScopedPage, year_box
from ui.signals import Kind


class ScopedYearPage(ScopedPage):
    """A page listing one year of this office's rows, or (a prefecture) of a county's, read-only.

    ``year`` (the 年度 spin box) is made here; subclasses place it, connect its ``valueChanged``, implement
    ``refresh`` and call ``follow_changes()`` once built; ``RELOAD_KINDS`` says which changes reload them.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.selected: str | None = None
        self.year = year_box(ctx)

    def _on_changed(self, kind: str, _ids: list) -> None:
        self._follow_scope(kind)
        if kind in (Kind.CAMPAIGN, Kind.ALL) and self.ctx.db.office_code:
            year = current_year(self.ctx.db)
            if year != self.year.value():
                self.year.setValue(year)  # follows the office's current year; valueChanged reloads
                return
        if kind in self.RELOAD_KINDS:
            self.refresh()

    def _office_changed(self, _office: str) -> None:
        self.selected = None
        self.refresh()
