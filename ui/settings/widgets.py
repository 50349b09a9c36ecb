"""Small building blocks shared by the settings tabs."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QTableView, QWidget


def table(model: QAbstractItemModel, parent: QWidget | None = None, stretch_last: bool = True) -> QTableView:
    """A read-only, row-selecting table view over ``model``."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(28)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(stretch_last)
    header.setMinimumSectionSize(80)
    return view


def button(text: str, primary: bool = False, danger: bool = False) -> QPushButton:
    """A push button styled as primary or dangerous where it matters."""
    b = QPushButton(text)
    if primary:
        b.setObjectName("Primary")
    elif danger:
        b.setObjectName("Danger")
    return b


def selected_row(view: QTableView) -> int:
    """The selected row, or -1."""
    rows = view.selectionModel().selectedRows()
    return rows[0].row() if rows else -1
