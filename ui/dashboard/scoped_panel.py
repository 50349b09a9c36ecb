"""What the dashboard's work and quiz panels share: whose figures (the scope) and reading them off the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from shiboken6 import isValid

from desktop_app.core.context import AppContext
from desktop_app.dashboard import summary as dashboard
from desktop_app.org import scope
from desktop_app.org.organisation import current_year
from ui.tasks import Task, run_task


class ScopedPanelMixin:
    """Mixed into a dashboard panel (a QWidget): ``pinned_office`` says whose figures, ``load`` reads them in the
    background.

    ``pinned_office`` None follows the dashboard's default (every county in a prefecture, its own
    in a county); "" / a county's code / ``scope.ALL`` pin it (the dashboard's 查看范围).
    A result that arrives after a newer refresh was asked for is dropped.
    """

    ctx: AppContext
    pinned_office: str | None = None
    task: Task | None = None
    _generation = 0

    def scope_office(self) -> str:
        """The scope in force: ``pinned_office``, or the dashboard's default for this office."""
        return dashboard.default_scope(self.ctx.db) if self.pinned_office is None else self.pinned_office

    def load(self, title: str, work: Callable[[Any, int, str], Any], show: Callable[[Any, int, str], None]) -> None:
        """Run ``work(db, year, office)`` on a worker thread; ``show(result, year, office)`` on the UI thread."""
        if not self.ctx.db.office_code:
            return
        self._generation += 1
        generation, db = self._generation, self.ctx.db
        year, office = current_year(db), self.scope_office()

        def done(result: Any) -> None:
            if isValid(self) and generation == self._generation:  # not closed, no newer refresh running
                show(result, year, office)

        self.task = run_task(self, title, lambda _progress: work(db, year, office), on_done=done,  # type: ignore[arg-type]
                             show_progress=False)

    def scope_words(self, office: str) -> str:
        """"" for this office's own figures; otherwise （全市各单位） or （the county's name）."""
        if not office or office == self.ctx.db.office_code:
            return ""
        return QCoreApplication.translate("dashboard", "（%1）").replace("%1", scope.scope_label(self.ctx.db, office))
