"""Issue 12, item 2 in the GUI: a second window on a data folder that another process is writing to
is told so calmly and does not open; a restore while another program has the database open is
refused calmly, the window keeps working on the untouched data; a restore in the window itself
(which holds the folder) works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.context import AppContext
from tests.helpers.safety import POSIX_ONLY, ROOT, count, env
from tests.helpers.workers import let_workers_finish

BUSY = "另一个窗口或命令正在使用本单位数据"

HOLDER = """
import sys
from pathlib import Path
from desktop_app.core import datalock
datalock.set_purpose("fielddesk import-bundle")
locks = datalock.hold(Path(sys.argv[1]), writer=sys.argv[2] == "writer")
print("held", flush=True)
sys.stdin.read()  # holds the folder until the test closes our stdin (or ends)
"""


def _hold(root: Path, kind: str) -> subprocess.Popen[str]:
    """Another process holding ``root`` (as a writer or a reader); returns once it holds it."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(root), kind], cwd=ROOT, env=env(), text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    said = proc.stdout.readline()  # blocks until it holds the folder; "" if it ended first
    assert said == "held\n", (said, proc.wait(30))
    return proc


def _release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    proc.stdout.close()
    assert proc.wait(30) == 0


def test_a_second_window_is_told_calmly_and_does_not_open(ctx: AppContext, dialog_answers,  # noqa: ANN001
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import app

    root = ctx.data.root
    let_workers_finish()  # its windows' background reads end before the database closes
    ctx.close()  # this test process is the second window: another process holds the folder
    holder = _hold(root, "writer")
    try:
        monkeypatch.setattr(app, "GUI_LOCK_WAIT_S", 0.2)
        assert app.open_data(root, ctx.actor) is None
    finally:
        _release(holder)
    assert len(dialog_answers.warnings) == 1
    text = dialog_answers.warnings[0]
    assert BUSY in text and "fielddesk import-bundle" in text and "Traceback" not in text
    again = app.open_data(root, ctx.actor)  # once the other one is done, the window opens
    assert again is not None and again.office_code == "532801"
    again.close()


@POSIX_ONLY  # a reader's shared lock: Windows itself refuses to replace an open file instead
def test_restore_in_the_window_is_refused_while_another_program_reads(ctx: AppContext,  # noqa: ANN001
                                                                     dialog_answers) -> None:
    from desktop_app.core import backup
    from ui.settings import backup_ops

    made = backup.make_backup(ctx.data.db_path, ctx.data.backups, "manual")
    reader = _hold(ctx.data.root, "reader")
    try:
        assert not backup_ops.restore_from(None, ctx, made)
    finally:
        _release(reader)
    assert any(BUSY in w and "打印" in w for w in dialog_answers.warnings), dialog_answers.warnings
    assert count(ctx.data.db_path, "person") == 5 and ctx.office_code == "532801"  # reopened, untouched
    dialog_answers.warnings.clear()
    assert backup_ops.restore_from(None, ctx, made)  # alone, the window restores into the folder it holds
    assert dialog_answers.warnings == []
