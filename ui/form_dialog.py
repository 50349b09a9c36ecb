"""Dialogs that never lose what was typed: Esc, × or 取消 after typing asks “放弃已填写的内容？” first.

``FormDialog`` is a ``QDialog`` that notes the state of its input widgets when it is first shown and,
when it is rejected (Esc, the window's ×, or a 取消 button wired to ``reject``), compares. If anything
was typed or chosen, it asks through ``ui.dialogs.confirm`` with 继续填写 as the default; only a clear
“放弃” closes the form. Saving (``accept``) never asks. ``QDialog.closeEvent`` goes through ``reject``,
so the window's × is covered by the same check.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTextEdit,
    QWidget,
)

from ui import dialogs


def _tr(text: str) -> str:
    return QCoreApplication.translate("FormDialog", text)


def _value(w: QWidget) -> Any:
    """What a clerk has typed or chosen in one input widget (None for widgets that hold no input)."""
    if isinstance(w, QLineEdit):
        return w.text() if not w.isReadOnly() else None
    if isinstance(w, QPlainTextEdit | QTextEdit):
        return w.toPlainText() if not w.isReadOnly() else None
    if isinstance(w, QComboBox):
        return (w.currentIndex(), w.currentText())
    if isinstance(w, QDateTimeEdit):
        v: QDate | QDateTime = w.dateTime()
        return v.toString()
    if isinstance(w, QSpinBox | QDoubleSpinBox):
        return w.value()
    if isinstance(w, QAbstractSpinBox):
        return w.text()
    if isinstance(w, QAbstractButton):
        return w.isChecked() if w.isCheckable() else None
    if isinstance(w, QTableWidget):
        return tuple(tuple((it.text() if (it := w.item(r, c)) is not None else "") for c in range(w.columnCount()))
                     for r in range(w.rowCount()))
    return None


def form_state(root: QWidget) -> list[Any]:
    """The input of every widget under ``root``, in a stable order (a snapshot to compare)."""
    out: list[Any] = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QLineEdit) and isinstance(w.parent(), QAbstractSpinBox | QComboBox):
            continue  # a spin box's or combo box's own line edit: its owner is counted
        v = _value(w)
        if v is not None:
            out.append((w.objectName(), type(w).__name__, v))
    return out


def ask_discard(parent: QWidget) -> bool:
    """“放弃已填写的内容？” — True when the clerk chooses to discard (keep editing is the default)."""
    return dialogs.confirm(parent, _tr("放弃已填写的内容？\n\n关闭后，刚才填写或修改的内容不会保存。"),
                           _tr("放弃已填写的内容"), _tr("放弃"), danger=True)


class FormDialog(QDialog):
    """A ``QDialog`` whose reject (Esc, ×, 取消) asks before throwing away typed input."""

    _initial_state: list[Any] | None = None

    def showEvent(self, event: QShowEvent) -> None:
        if self._initial_state is None:
            self._initial_state = form_state(self)
        super().showEvent(event)

    def mark_clean(self) -> None:
        """Take the current input as the unchanged state (e.g. after the form was refilled)."""
        self._initial_state = form_state(self)

    def has_typed_input(self) -> bool:
        """Whether anything differs from what the form showed when it opened."""
        return self._initial_state is not None and form_state(self) != self._initial_state

    def reject(self) -> None:
        if self.has_typed_input() and not ask_discard(self):
            return
        super().reject()


class FormInputDialog(QInputDialog):
    """``QInputDialog`` with the same rule: a typed answer is not thrown away without asking."""

    _initial_text: str | None = None

    def showEvent(self, event: QShowEvent) -> None:
        if self._initial_text is None:
            self._initial_text = self.textValue()
        super().showEvent(event)

    def reject(self) -> None:
        if self._initial_text is not None and self.textValue() != self._initial_text and not ask_discard(self):
            return
        super().reject()
