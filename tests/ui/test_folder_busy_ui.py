"""Issue 12, item 2 in the GUI: a second window on a data folder that another process is writing to
is told so calmly and does not open; a restore while another program has the database open is
refused calmly, the window keeps working on the untouched data; a restore in the window itself
(which holds the folder) works."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_app.context import AppContext
from tests.helpers.safety import POSIX_ONLY, ROOT, count, env

BUSY = "另一个窗口或命令正在使用本单位数据"

HOLDER = """
import sys, time
from pathlib import Path
from desktop_app import datalock
datalock.set_purpose("fielddesk import-bundle")
locks = datalock.hold(Path(sys.argv[1]), writer=sys.argv[3] == "writer")
flag = Path(sys.argv[2])
flag.write_text("held")
while flag.exists():
    time.sleep(0.05)
"""


def _hold(root: Path, flag: Path, kind: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(root), str(flag), kind], cwd=ROOT, env=env())
    deadline = time.monotonic() + 30
    while not flag.exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    return proc


def test_a_second_window_is_told_calmly_and_does_not_open(ctx: AppContext, tmp_path: Path, dialog_answers,  # noqa: ANN001
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import app

    root = ctx.data.root
    ctx.close()  # this test process is the second window: another process holds the folder
    flag = tmp_path / "flag"
    holder = _hold(root, flag, "writer")
    try:
        monkeypatch.setattr(app, "GUI_LOCK_WAIT_S", 0.2)
        assert app.open_data(root, ctx.actor) is None
    finally:
        flag.unlink()
        holder.wait(30)
    assert len(dialog_answers.warnings) == 1
    text = dialog_answers.warnings[0]
    assert BUSY in text and "fielddesk import-bundle" in text and "Traceback" not in text
    again = app.open_data(root, ctx.actor)  # once the other one is done, the window opens
    assert again is not None and again.office_code == "532801"
    again.close()


@POSIX_ONLY  # a reader's shared lock: Windows itself refuses to replace an open file instead
def test_restore_in_the_window_is_refused_while_another_program_reads(ctx: AppContext, tmp_path: Path,  # noqa: ANN001
                                                                     dialog_answers) -> None:
    from desktop_app import backup
    from ui.settings import backup_ops

    made = backup.make_backup(ctx.data.db_path, ctx.data.backups, "manual")
    flag = tmp_path / "flag"
    reader = _hold(ctx.data.root, flag, "reader")
    try:
        assert not backup_ops.restore_from(None, ctx, made)
    finally:
        flag.unlink()
        reader.wait(30)
    assert any(BUSY in w and "打印" in w for w in dialog_answers.warnings), dialog_answers.warnings
    assert count(ctx.data.db_path, "person") == 5 and ctx.office_code == "532801"  # reopened, untouched
    dialog_answers.warnings.clear()
    assert backup_ops.restore_from(None, ctx, made)  # alone, the window restores into the folder it holds
    assert dialog_answers.warnings == []
