"""Enabled state and its reason, set together: a greyed action always says why (issue #19).

A clerk facing a grey 审核销号 or 编辑 cannot guess whether it waits for a selection, for another office or
for a right they lack. Every page sets its buttons' and actions' state through :func:`set_enabled`, which
keeps the control's ordinary tooltip (a shortcut, what it does) for when it is enabled and shows the reason
while it is disabled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QWidget

_TIP = "fieldDeskTip"  # dynamic property: the control's ordinary tooltip, shown while it is enabled


def tr(text: str) -> str:
    """Translate one of the shared reasons below."""
    return QCoreApplication.translate("enabling", text)


def need_selection(what: str) -> str:
    """The reason of an action that acts on a selected row: “请先在列表中选中一个课题”."""
    return tr("请先在列表中选中一%1").replace("%1", what)


def set_tip(target: QWidget | QAction, tip: str) -> None:
    """Set the ordinary tooltip of a control whose enabled state :func:`set_enabled` manages."""
    target.setProperty(_TIP, tip)
    if target.isEnabled():
        target.setToolTip(tip)


def set_enabled(target: QWidget | QAction, reason: str | None) -> None:
    """Enable ``target`` when ``reason`` is None (or empty); otherwise disable it with ``reason`` as its tooltip.

    The tooltip the control had before the first call is kept and shown again whenever it is enabled.
    """
    normal = target.property(_TIP)
    if not isinstance(normal, str):
        normal = target.toolTip() if isinstance(target, QWidget) or target.toolTip() != target.iconText() else ""
        target.setProperty(_TIP, normal)
    target.setEnabled(not reason)
    target.setToolTip(reason or normal)


def follow_selection(view: QAbstractItemView, targets: Sequence[QWidget | QAction], reason: str,
                     blocked: Callable[[], str | None] | None = None) -> Callable[[], None]:
    """Keep ``targets`` enabled only while ``view`` has a current row (greyed with ``reason`` otherwise).

    ``blocked``: a reason that wins over any selection (another office's rows on screen, say), asked at
    every update. Returns the update function, for a caller that changes what blocks them or the view's
    rows in ways no signal reports.
    """
    def update(*_args: object) -> None:
        chosen = view.currentIndex().isValid()
        why = blocked() if blocked is not None else None
        for t in targets:
            set_enabled(t, why or (None if chosen else reason))

    model, selection = view.model(), view.selectionModel()
    if model is not None:
        model.modelReset.connect(update)
        model.rowsRemoved.connect(update)
    if selection is not None:
        selection.currentRowChanged.connect(update)
    update()
    return update


def first_reason(*checks: tuple[bool, str]) -> str | None:
    """The reason of the first failed check, each check being ``(ok, reason)``; None when all pass."""
    return next((reason for ok, reason in checks if not ok), None)
