"""Deterministic kill points for crash tests — 测试用的中断点.

A test starts a real FieldDesk process with ``FIELDDESK_TEST_KILL_AT=<name>``; when the
process reaches the point of that name it kills itself with SIGKILL (no clean-up, no
``finally``), exactly as a power cut or ``kill -9`` would at that moment. Without the
variable this is one dictionary look-up.
"""

from __future__ import annotations

import os
import signal

ENV = "FIELDDESK_TEST_KILL_AT"


def reached(name: str) -> None:
    """Die here if a crash test asked for this point."""
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
