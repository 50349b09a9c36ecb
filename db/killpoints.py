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


PAUSE_ENV = "FIELDDESK_TEST_PAUSE_AT"
PAUSE_FILE_ENV = "FIELDDESK_TEST_PAUSE_FILE"


def pause(name: str) -> None:
    """Wait here while a crash test holds this point: with ``FIELDDESK_TEST_PAUSE_AT=<name>`` the
    process writes ``FIELDDESK_TEST_PAUSE_FILE`` and waits (60 s at most) until the test deletes it,
    so another process can be started at exactly this moment."""
    if os.environ.get(PAUSE_ENV) != name:
        return
    import time
    from pathlib import Path

    flag = Path(os.environ[PAUSE_FILE_ENV])
    flag.write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + 60
    while flag.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
