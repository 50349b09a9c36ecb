"""A wall clock the test moves by hand, for the offices' hybrid clocks (``db.changes.HybridClock``).

Which of two concurrent edits wins is decided by their clock stamps: a test that needs one edit to be
later moves the clock (``wall.advance()``) instead of sleeping until the real clock has ticked.
"""

from __future__ import annotations

import time

from db.changes import HybridClock
from desktop_app.core.context import AppContext


class FakeWall:
    """Wall-clock milliseconds that move only when the test says so (a ``HybridClock``'s ``now_ms``)."""

    def __init__(self, start_ms: int) -> None:
        self.ms = start_ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int = 5) -> None:
        """Let ``ms`` milliseconds pass: the next stamp of every office on this wall is later than any before."""
        self.ms += ms


def share_wall(*offices: AppContext) -> FakeWall:
    """Give each office's database a clock reading one fake wall, keeping the stamps it already issued.

    The wall starts at the real time or the latest stamp's time, whichever is later, so the stamps
    go on rising."""
    start = max([int(time.time() * 1000)] + [HybridClock.wall_ms(o.db.clock.last) for o in offices])
    wall = FakeWall(start)
    for o in offices:
        o.db.clock = HybridClock(o.db.clock.last, now_ms=wall)
    return wall
