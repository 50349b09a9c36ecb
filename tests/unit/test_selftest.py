"""``fielddesk selftest``: each check passes on a good installation and says what is wrong otherwise."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from desktop_app.cli import selftest
from desktop_app.cli.main import run
from desktop_app.core import install_check
from desktop_app.core.config import ENV_DATA_DIR, DataDir
from desktop_app.core.context import open_context


@pytest.fixture(autouse=True)
def _no_env_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)


def test_the_shipped_font_passes_and_covers_rare_name_characters() -> None:
    result = selftest.check_fonts()
    assert result.ok, result.detail
    assert "赟喆堃珺燊" in result.detail


def test_a_font_without_the_glyphs_fails(tmp_path: Path) -> None:
    """A real TrueType font lacking CJK (reportlab's bundled Vera) must be reported, not accepted."""
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    if not vera.exists():
        pytest.skip("reportlab ships without Vera.ttf here")
    result = selftest.check_fonts(vera)
    assert not result.ok and "缺少字形" in result.detail and "调" in result.detail


def test_database_check_passes_on_an_initialised_folder(ctx: object) -> None:
    root = ctx.data.root  # type: ignore[attr-defined]
    result = selftest.check_database(root)
    assert result.ok, result.detail
    assert "532801" in result.detail and "完整性检查通过" in result.detail


def test_database_check_fails_without_an_office(empty_ctx: object) -> None:
    result = selftest.check_database(empty_ctx.data.root)  # type: ignore[attr-defined]
    assert not result.ok and "尚未设置本单位" in result.detail


def test_database_check_fails_on_a_newer_schema_without_touching_it(tmp_path: Path) -> None:
    root = tmp_path / "data"
    open_context(root).close()
    conn = sqlite3.connect(DataDir(root).db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    result = selftest.check_database(root)
    assert not result.ok and "更新版本" in result.detail


def test_qt_check_reports_the_platform_plugin() -> None:
    result = selftest.check_qt()
    assert result.ok, result.detail
    assert "平台插件" in result.detail and "WenQuanYi" in result.detail


def test_qt_check_fails_calmly_with_a_missing_platform_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "no-such-platform")
    result = selftest.check_qt(timeout=60)
    assert not result.ok
    assert "Qt 无法启动" in result.detail and "找不到或无法加载 Qt 平台插件 no-such-platform" in result.detail


def test_selftest_command_exits_non_zero_with_a_cross_when_one_check_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--data-dir", str(tmp_path / "nothing"), "selftest"]) == 1
    out = capsys.readouterr().out
    assert "✗ 数据库" in out and "✓ 字体" in out and "自检未通过" in out
    assert run(["--data-dir", str(tmp_path / "nothing"), "selftest", "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    assert {c["name"]: c["ok"] for c in payload["checks"]} == {"install": True, "fonts": True, "database": False,
                                                              "audit": False, "qt": True}
    assert all(set(c) == {"name", "ok", "detail"} for c in payload["checks"])


def test_a_crashing_check_is_reported_as_failed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def boom() -> selftest.Check:
        raise OSError("no such device")

    monkeypatch.setattr(selftest, "check_fonts", boom)
    monkeypatch.setattr(selftest, "check_qt", lambda: selftest.Check("qt", True, "stub"))
    checks = selftest.run_checks(tmp_path)
    fonts = {c.name: c for c in checks}["fonts"]
    assert not fonts.ok and "no such device" in fonts.detail


def test_the_qt_probe_is_this_program_with_a_flag_never_a_script(monkeypatch: pytest.MonkeyPatch) -> None:
    # a packaged build's sys.executable is FieldDesk itself: running it with a .py path started the GUI
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/fielddesk/fielddesk")
    assert selftest.qt_probe_command(Path("/f.ttc")) == ["/opt/fielddesk/fielddesk", "--qt-probe", "/f.ttc"]
    monkeypatch.delattr(sys, "frozen")
    cmd = selftest.qt_probe_command(Path("/f.ttc"))
    assert cmd[1:] == ["-m", "desktop_app", "--qt-probe", "/f.ttc"]


def test_selftest_is_quick_and_creates_no_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # the platform default data folder lives under XDG_DATA_HOME / HOME: neither may gain a FieldDesk folder
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    started = time.monotonic()
    assert run(["--data-dir", str(tmp_path / "nothing"), "selftest"]) == 1
    assert time.monotonic() - started < 10
    assert not (tmp_path / "nothing").exists()
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()
    assert "✓ 安装文件" in capsys.readouterr().out


def test_a_missing_font_is_named_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install_check, "FONT_FILE", tmp_path / "fonts" / "wqy-microhei.ttc")
    result = selftest.check_install()
    assert not result.ok
    assert "安装不完整，缺少：中文字体 文泉驿微米黑" in result.detail and "请重新安装" in result.detail
    assert "wqy-microhei.ttc" in result.detail


def _copy_qt_without(tmp_path: Path, *drop: str) -> Path:
    """A stand-in Qt folder holding (empty) the translation and plugins this app needs, minus ``drop``."""
    fake = tmp_path / "Qt"
    for rel in ["translations/qtbase_zh_CN.qm", *(r for _w, r in install_check.required_qt_plugins())]:
        if rel not in drop:
            dest = fake / ("" if rel.startswith("translations") else "plugins") / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(b"")
    return fake


def test_a_missing_qt_plugin_or_translation_is_named_in_chinese(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    good = _copy_qt_without(tmp_path / "ok")
    monkeypatch.setattr(install_check, "qt_dir", lambda: good)
    assert install_check.missing_files() == []
    svg = [r for _w, r in install_check.required_qt_plugins() if "iconengines" in r][0]
    bad = _copy_qt_without(tmp_path / "bad", svg, "translations/qtbase_zh_CN.qm")
    monkeypatch.setattr(install_check, "qt_dir", lambda: bad)
    result = selftest.check_install()
    assert not result.ok
    assert "Qt SVG 图标插件（界面图标）" in result.detail and "Qt 自带中文翻译" in result.detail
    assert svg in result.detail


def test_selftest_reports_a_damaged_install_and_exits_non_zero(ctx: object, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(install_check, "FONT_FILE", Path("/nowhere/wqy-microhei.ttc"))
    monkeypatch.setattr(selftest, "check_qt", lambda: selftest.Check("qt", True, "stub"))
    assert run(["--data-dir", str(ctx.data.root), "selftest"]) == 1  # type: ignore[attr-defined]
    out = capsys.readouterr().out
    assert "✗ 安装文件：安装不完整，缺少：中文字体 文泉驿微米黑" in out and "自检未通过" in out


def test_portable_marker_beside_a_packaged_executable_keeps_data_there(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.core.config import resolve_data_dir

    exe = tmp_path / "FieldDesk" / "fielddesk"
    exe.parent.mkdir()
    exe.write_bytes(b"")
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert install_check.portable_data_dir() is None  # an installed build: the user's data folder
    (exe.parent / "portable").write_text("", encoding="utf-8")
    assert resolve_data_dir(None) == exe.parent / "data"
    (exe.parent / "portable").unlink()
    (exe.parent / "data").mkdir()
    assert resolve_data_dir(None) == exe.parent / "data"
    assert resolve_data_dir(str(tmp_path / "chosen")) == tmp_path / "chosen"  # --data-dir still wins
    monkeypatch.delattr(sys, "frozen")
    assert install_check.portable_data_dir() is None  # from source the venv's bin is never "portable"
