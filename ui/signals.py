"""The app-wide change bus: after a write, say what changed; every view refreshes itself.

Usage (the whole API; stable)::

    from ui.signals import bus, notify, Kind

    # after a service call that wrote something:
    notify(Kind.ISSUE, [issue.id])          # or notify("issue", ids)

    # in a view that shows issues:
    bus().changed.connect(self._on_changed)

    def _on_changed(self, kind: str, ids: list) -> None:
        if kind in (Kind.ISSUE, Kind.ALL):
            self.refresh()

Connect a bound method of the widget (as above), never a lambda: Qt drops a
connection to a QObject's method when the object is destroyed, but a lambda
would keep firing into a deleted widget.

``kind`` is a short string naming the kind of record (the ``Kind`` constants
below, or any other lower-case word a capability needs); ``ids`` lists the ids
that changed, or is empty when "many/unknown" changed. ``Kind.ALL`` means the
whole database was replaced (restore, bundle import): every view reloads.

Signals are delivered on the UI thread; emit only from the UI thread (a task's
``on_done`` callback runs there, so emit from it after background work).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal


class Kind:
    """The kinds of change views listen for (plain strings, so new capabilities may add their own)."""

    ALL = "all"  # the database was replaced or reopened: reload everything
    OFFICE = "office"
    SECTION = "section"
    PERSON = "person"
    CAMPAIGN = "campaign"
    TOPIC = "topic"
    VISIT = "visit"
    ISSUE = "issue"
    QUIZ = "quiz"
    SYNC = "sync"
    BACKUP = "backup"  # a backup was made (nothing in the database changed)


class ChangeBus(QObject):
    """One per application. ``changed(kind, ids)`` after every write."""

    changed = Signal(str, list)

    def notify(self, kind: str, ids: Iterable[str] = ()) -> None:
        """Emit ``changed(kind, list(ids))``."""
        self.changed.emit(kind, list(ids))


_bus: ChangeBus | None = None


def bus() -> ChangeBus:
    """The application's change bus (made on first use; lives as long as the process)."""
    global _bus
    if _bus is None:
        _bus = ChangeBus()
    return _bus


def notify(kind: str, ids: Iterable[str] = ()) -> None:
    """Shorthand for ``bus().notify(kind, ids)``."""
    bus().notify(kind, ids)
