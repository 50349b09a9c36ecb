"""``fielddesk selftest``: each check passes on a good installation and says what is wrong otherwise."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop_app import selftest
from desktop_app.cli import run
from desktop_app.config import ENV_DATA_DIR, DataDir
from desktop_app.context import open_context


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
    assert "Qt 无法启动" in result.detail


def test_selftest_command_exits_non_zero_with_a_cross_when_one_check_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--data-dir", str(tmp_path / "nothing"), "selftest"]) == 1
    out = capsys.readouterr().out
    assert "✗ 数据库" in out and "✓ 字体" in out and "自检未通过" in out
    assert run(["--data-dir", str(tmp_path / "nothing"), "selftest", "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    assert {c["name"]: c["ok"] for c in payload["checks"]} == {"fonts": True, "database": False, "qt": True}
    assert all(set(c) == {"name", "ok", "detail"} for c in payload["checks"])


def test_a_crashing_check_is_reported_as_failed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def boom() -> selftest.Check:
        raise OSError("no such device")

    monkeypatch.setattr(selftest, "check_fonts", boom)
    monkeypatch.setattr(selftest, "check_qt", lambda: selftest.Check("qt", True, "stub"))
    checks = selftest.run_checks(tmp_path)
    assert checks[0].name == "fonts" and not checks[0].ok and "no such device" in checks[0].detail
