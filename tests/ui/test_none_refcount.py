"""Guards the PySide6 pin: 6.12.0 drops a reference to ``None`` on every Qt call that returns
nothing (CPython 3.11), until ``None`` is deallocated and the process aborts.

The calls run in batches and the count is checked after each one, so the bug makes this test
fail cleanly before ``None``'s refcount (≈5,000 at start) reaches zero.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel, QWidget

CALLS = 20_000
BATCH = 500
MARGIN = 200  # ordinary interpreter noise is a few dozen references at most

pytestmark = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None is immortal from Python 3.12: its refcount cannot show the leak"
)


def test_measurement_sees_a_change_of_this_size() -> None:
    """The probe itself works: holding 20,000 more references to None moves the count by 20,000."""
    before = sys.getrefcount(None)
    held = [None] * CALLS
    assert sys.getrefcount(None) - before >= CALLS - MARGIN
    del held
    assert abs(sys.getrefcount(None) - before) < MARGIN


def test_qt_calls_returning_nothing_keep_none_alive(qtbot) -> None:  # noqa: ANN001 — pytest-qt fixture
    widget = QWidget()
    label = QLabel(widget)
    qtbot.addWidget(widget)
    start = sys.getrefcount(None)
    done = 0
    while done < CALLS:
        for _ in range(BATCH // 2):
            widget.setToolTip("x")  # returns None
            label.setText("y")  # returns None
        done += BATCH
        lost = start - sys.getrefcount(None)
        assert lost < MARGIN, (
            f"None lost {lost} references after {done} Qt calls: this PySide6 leaks None "
            f"(6.12.0 does; pyproject pins 6.11.3)"
        )
    assert label.text() == "y" and widget.toolTip() == "x"
