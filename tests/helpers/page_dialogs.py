"""Driving a page's modal dialogs in a UI test: fill the form, press 保存/确定."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialog

from ui.ledger.ledger_page import LedgerPage

Filler = Callable[[QDialog], None]


def drive_dialogs(page: LedgerPage, monkeypatch: pytest.MonkeyPatch, fill: Filler,
                  kind: type[QDialog] = QDialog) -> list[QDialog]:
    """Replace the modal exec: fill the form, then press 保存/确定 (accept → service call).

    Each dialog the page opens must be a ``kind``; the list holds them in order."""
    seen: list[QDialog] = []

    def run(dlg: QDialog) -> int:
        assert isinstance(dlg, kind), dlg
        seen.append(dlg)
        fill(dlg)
        dlg.accept()
        return int(dlg.result())

    monkeypatch.setattr(page, "exec_dialog", run)
    return seen
