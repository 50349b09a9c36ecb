"""A damaged install folder: the GUI names what is missing in Chinese (a dialog, or stderr when Qt
itself cannot show a window) instead of a traceback, and creates no data folder on the way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop_app.core import install_check
from desktop_app.core.install_check import Missing

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_font_is_a_dialog_and_the_gui_still_starts(qtbot, dialog_answers,  # noqa: ANN001
                                                              monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import ui.app as app_module

    started: list[Path] = []

    class NoStartup:
        def __init__(self, app: QApplication, root: Path) -> None:
            started.append(root)
            self.ctx = None

    gone = Missing("中文字体 文泉驿微米黑", tmp_path / "fonts" / "wqy-microhei.ttc")
    monkeypatch.setattr(install_check, "missing_files", lambda platform=None: [gone])
    monkeypatch.setattr(app_module, "_Startup", NoStartup)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert app_module.run_gui(str(tmp_path / "data")) == 0
    assert len(dialog_answers.warnings) == 1
    text = dialog_answers.warnings[0]
    assert "安装不完整，缺少：中文字体 文泉驿微米黑" in text and "wqy-microhei.ttc" in text and "请重新安装" in text
    assert started == [tmp_path / "data"]  # and then it carries on


def test_a_missing_platform_plugin_is_said_in_chinese_not_as_a_qt_abort(tmp_path: Path) -> None:
    # Qt's own reaction is an English fatal error and SIGABRT; the program speaks first
    env = {**os.environ, "QT_QPA_PLATFORM": "nosuchplatform"}
    env.pop("FIELDDESK_DATA_DIR", None)
    proc = subprocess.run([sys.executable, "-m", "desktop_app", "--data-dir", str(tmp_path / "data")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 3, proc.stderr
    assert "安装不完整，缺少：Qt 平台插件 nosuchplatform（显示窗口）" in proc.stderr
    assert "Traceback" not in proc.stderr and "could not" not in proc.stderr.lower()
    assert not (tmp_path / "data").exists()


def test_a_portable_build_keeps_its_window_preferences_beside_the_program(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import prefs

    exe = tmp_path / "FieldDesk" / "fielddesk"
    exe.parent.mkdir()
    exe.write_bytes(b"")
    (exe.parent / "portable").write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    prefs.set_value("last_dir", "/media/usb")
    assert (exe.parent / "data" / "FieldDesk.ini").is_file()
    assert prefs.get_text("last_dir") == "/media/usb"
    monkeypatch.delattr(sys, "frozen")
    assert prefs.get_text("last_dir") == ""  # the installed (profile) settings are a different file
