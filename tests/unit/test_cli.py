"""The command line (DESIGN.md §6): init, demo, backup/restore, selftest, data folders and bad input.

Commands run in-process through ``desktop_app.cli.main.run`` (stdout/stderr captured);
one test goes through ``python -m desktop_app`` to prove the real entry point.
Every refusal is checked for its Chinese message *and* for nothing having changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Issue, Office, Section
from desktop_app.cli.main import run
from desktop_app.core.config import ENV_DATA_DIR, DataDir
from desktop_app.core.context import open_context
from desktop_app.core.errors import DatabaseCorruptError, SchemaTooNewError, ValidationError
from desktop_app.org import organisation
from tests.helpers.common import TEST_ACTOR

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
INIT = ["init", "--office-code", "532801", "--office-name", "景洪市乡村振兴局", "--parent", "532800",
        "--section", "综合科", "--section", "规划发展科", "--year", "2026"]


@pytest.fixture(autouse=True)
def _no_env_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own FIELDDESK_DATA_DIR must never leak into a test."""
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)


def _office(root: Path) -> tuple[str, str] | None:
    """(code, name) of the office in a data folder, or None (read straight from the file)."""
    db = DataDir(root).db_path
    if not db.exists():
        return None
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT code, name FROM office").fetchone()
    finally:
        conn.close()
    return (row[0], row[1]) if row else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _checkpoint(root: Path) -> None:
    """Fold the WAL into the main file so the file alone holds the data (as after a clean exit)."""
    conn = sqlite3.connect(DataDir(root).db_path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


# --------------------------------------------------------------------------- init


def test_init_prints_a_human_summary_and_sets_up_the_office(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), *INIT]) == 0
    out = capsys.readouterr().out
    assert "已初始化" in out and "景洪市乡村振兴局" in out and "532801" in out
    ctx = open_context(root)
    try:
        assert ctx.office_code == "532801"
        assert [s.name for s in organisation.list_sections(ctx.db)] == ["综合科", "规划发展科"]
        assert organisation.get_campaign(ctx.db, 2026) is not None
    finally:
        ctx.close()


def test_init_json_is_one_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), *INIT, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["office_code"] == "532801"
    assert payload["office_name"] == "景洪市乡村振兴局"
    assert payload["level"] == "county"
    assert Path(payload["data_dir"]) == root


@pytest.mark.parametrize("code", ["53280", "53280a", "532800", ""])
def test_init_with_a_bad_office_code_fails_in_chinese_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], code: str) -> None:
    root = tmp_path / "data"
    argv = ["--data-dir", str(root), "init", "--office-code", code, "--office-name", "景洪市乡村振兴局"]
    assert run(argv) != 0
    err = capsys.readouterr().err
    assert "代码" in err and CJK.search(err)
    assert _office(root) is None
    ctx = open_context(root)
    try:
        with ctx.db.session() as s:
            assert s.execute(select(func.count()).select_from(Office)).scalar() == 0
            assert s.execute(select(func.count()).select_from(AuditEntry)).scalar() == 0
        assert not (ctx.data.keys / "office-ed25519.pem").exists()
    finally:
        ctx.close()


def test_init_with_a_bad_code_and_json_also_reports_the_error_as_json(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--data-dir", str(tmp_path / "d"), "init", "--office-code", "12", "--office-name", "x", "--json"]
    assert run(argv) != 0
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert "格式不正确" in payload["error"] and payload["action"]
    assert "错误" in captured.err


def test_duplicate_section_in_init_is_refused_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "data"
    argv = ["--data-dir", str(root), "init", "--office-code", "532801", "--office-name", "景洪市乡村振兴局",
            "--section", "综合科", "--section", "综合科"]
    assert run(argv) != 0
    assert "重复" in capsys.readouterr().err
    assert _office(root) is None


def test_duplicate_section_through_the_service_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), *INIT]) == 0
    ctx = open_context(root, actor=TEST_ACTOR)
    try:
        with ctx.db.session() as s:
            audits = s.execute(select(func.count()).select_from(AuditEntry)).scalar()
        with pytest.raises(ValidationError) as info:
            organisation.add_section(ctx.db, TEST_ACTOR, " 综合科 ")
        assert "已存在" in info.value.message and CJK.search(info.value.action)
        sections = organisation.list_sections(ctx.db)
        assert sorted(s.name for s in sections) == ["综合科", "规划发展科"]
        with pytest.raises(ValidationError):
            organisation.rename_section(ctx.db, TEST_ACTOR, sections[1].id, "综合科")
        with ctx.db.session() as s:
            assert s.execute(select(func.count()).select_from(Section)).scalar() == 2
            assert s.execute(select(func.count()).select_from(AuditEntry)).scalar() == audits
    finally:
        ctx.close()


def test_init_twice_is_refused_and_keeps_the_first_office(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), *INIT]) == 0
    argv = ["--data-dir", str(root), "init", "--office-code", "532822", "--office-name", "勐海县乡村振兴局"]
    assert run(argv) != 0
    assert "已初始化" in capsys.readouterr().err
    assert _office(root) == ("532801", "景洪市乡村振兴局")


# --------------------------------------------------------------------------- data folder choice


def test_env_data_dir_is_used_and_the_option_wins_over_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from_env, from_option = tmp_path / "env", tmp_path / "option"
    monkeypatch.setenv(ENV_DATA_DIR, str(from_env))
    assert run(INIT) == 0
    assert _office(from_env) == ("532801", "景洪市乡村振兴局")
    argv = ["--data-dir", str(from_option), "init", "--office-code", "532822", "--office-name", "勐海县乡村振兴局"]
    assert run(argv) == 0
    assert _office(from_option) == ("532822", "勐海县乡村振兴局")
    assert _office(from_env) == ("532801", "景洪市乡村振兴局")


def test_data_dir_after_the_command_works_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "late"
    assert run([*INIT, "--data-dir", str(root)]) == 0
    assert _office(root) == ("532801", "景洪市乡村振兴局")


def test_the_console_entry_point_runs_headless_commands(tmp_path: Path) -> None:
    root = tmp_path / "data"
    env = dict(os.environ, PYTHONPATH=str(ROOT), **{ENV_DATA_DIR: str(root)})
    proc = subprocess.run([sys.executable, "-m", "desktop_app", *INIT, "--json"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["office_code"] == "532801"
    bad = subprocess.run([sys.executable, "-m", "desktop_app", "init", "--office-code", "1", "--office-name", "x"],
                         capture_output=True, text=True, env=dict(env, **{ENV_DATA_DIR: str(tmp_path / "b")}),
                         cwd=ROOT, timeout=120)
    assert bad.returncode != 0 and "单位代码" in bad.stderr
    # a clerk reads the Chinese message alone: no library warning (the migrations' table reflection) above it
    assert "Warning" not in proc.stderr and "Warning" not in bad.stderr, bad.stderr


def test_a_data_dir_that_cannot_be_written_is_refused_in_chinese(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # root may write anywhere: a folder under a regular file cannot be created by anyone
        (tmp_path / "file.txt").write_text("not a folder", encoding="utf-8")
        root = tmp_path / "file.txt" / "sub"
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        root = locked / "sub"
    try:
        assert run(["--data-dir", str(root), *INIT]) == 3
        err = capsys.readouterr().err
        assert "无法写入数据目录" in err and "--data-dir" in err
        assert not root.exists()
    finally:
        if (tmp_path / "locked").exists():
            (tmp_path / "locked").chmod(0o755)


# --------------------------------------------------------------------------- demo and selftest


def test_demo_into_a_fresh_folder_then_selftest_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "demo"
    assert run(["--data-dir", str(root), "demo", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["office_code"] == "532822" and summary["issues"] == 300
    assert summary["people"] >= 25 and summary["sections"] == 6
    # an account for every role, with the password the README gives
    assert [(a["login"], a["password"], a["roles"]) for a in summary["accounts"]] == [
        ("admin", "demo2026", ["admin"]), ("luru", "demo2026", ["clerk"]), ("shenhe", "demo2026", ["approver"]),
        ("chakan", "demo2026", ["viewer"]), ("shenji", "demo2026", ["auditor"])]
    assert run(["--data-dir", str(root), "selftest", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert [c["name"] for c in report["checks"]] == ["fonts", "database", "audit", "qt", "install"]
    assert all(c["ok"] for c in report["checks"]), report
    assert "勐海县乡村振兴局" in report["checks"][1]["detail"]
    assert run(["--data-dir", str(root), "selftest"]) == 0
    human = capsys.readouterr().out
    assert human.count("✓") == 5 and "✗" not in human and "自检通过" in human


def test_selftest_fails_without_a_database_and_creates_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.cli.selftest import check_database

    root = tmp_path / "none"
    result = check_database(root)
    assert not result.ok and "fielddesk init" in result.detail
    assert not root.exists()


def test_selftest_reports_a_font_without_the_glyphs(tmp_path: Path) -> None:
    from desktop_app.cli.selftest import check_fonts

    missing = check_fonts(tmp_path / "nope.ttc")
    assert not missing.ok and "找不到字体文件" in missing.detail
    garbage = tmp_path / "bad.ttc"
    garbage.write_bytes(b"\0" * 1000)
    assert not check_fonts(garbage).ok


def test_demo_into_a_folder_with_an_office_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), *INIT]) == 0
    capsys.readouterr()
    assert run(["--data-dir", str(root), "demo"]) != 0
    err = capsys.readouterr().err
    assert "已有单位数据" in err and "--data-dir" in err
    assert _office(root) == ("532801", "景洪市乡村振兴局")
    ctx = open_context(root)
    try:
        with ctx.db.session() as s:
            assert s.execute(select(func.count()).select_from(Issue)).scalar() == 0
    finally:
        ctx.close()


# --------------------------------------------------------------------------- backup and restore


def test_backup_then_restore_round_trip_keeps_the_pre_restore_state(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), *INIT]) == 0
    out = tmp_path / "saved" / "before.db"
    assert run(["--data-dir", str(root), "backup", str(out), "--json"]) == 0
    capsys.readouterr()
    ctx = open_context(root, actor=TEST_ACTOR)
    organisation.update_office(ctx.db, TEST_ACTOR, "景洪市乡村振兴局（改名后）", "532800")
    organisation.add_section(ctx.db, TEST_ACTOR, "后加科")
    ctx.close()
    assert _office(root) == ("532801", "景洪市乡村振兴局（改名后）")

    assert run(["--data-dir", str(root), "restore", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert _office(root) == ("532801", "景洪市乡村振兴局")
    ctx = open_context(root)
    try:
        assert "后加科" not in [s.name for s in organisation.list_sections(ctx.db)]
    finally:
        ctx.close()
    kept = Path(payload["previous_saved_as"])
    assert kept.is_file() and kept.parent == DataDir(root).backups
    conn = sqlite3.connect(kept)
    try:
        assert conn.execute("SELECT name FROM office").fetchone()[0] == "景洪市乡村振兴局（改名后）"
    finally:
        conn.close()


def test_backup_without_out_goes_to_the_backups_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), *INIT]) == 0
    capsys.readouterr()
    assert run(["--data-dir", str(root), "backup", "--json"]) == 0
    made = Path(json.loads(capsys.readouterr().out)["file"])
    assert made.parent == DataDir(root).backups and made.stat().st_size > 0


def test_restore_of_a_missing_or_broken_file_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), *INIT]) == 0
    _checkpoint(root)
    before = _sha256(DataDir(root).db_path)
    assert run(["--data-dir", str(root), "restore", str(tmp_path / "missing.db")]) != 0
    assert "找不到备份文件" in capsys.readouterr().err
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    assert run(["--data-dir", str(root), "restore", str(junk)]) != 0
    assert "备份文件已损坏" in capsys.readouterr().err
    assert _sha256(DataDir(root).db_path) == before


# --------------------------------------------------------------------------- damaged and newer databases


def _corrupt_middle(db_path: Path) -> None:
    """Write garbage over pages in the middle of the file (not the header)."""
    size = db_path.stat().st_size
    page = 4096
    start = max(page * 2, (size // 2) // page * page)
    with db_path.open("r+b") as f:
        f.seek(start)
        f.write(random.Random(9704).randbytes(min(page * 8, size - start)))  # fixed garbage: reproducible


def test_a_corrupted_database_names_the_newest_good_backup_and_restore_recovers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), "demo", "--items", "200"]) == 0
    monkeypatch.setenv("FIELDDESK_USER", "admin")  # the demo has accounts: backup and restore are the administrator's
    monkeypatch.setenv("FIELDDESK_PASSWORD", "demo2026")
    assert run(["--data-dir", str(root), "backup"]) == 0  # the newest good backup
    capsys.readouterr()
    _checkpoint(root)
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "backups").mkdir()
    good = sorted(DataDir(root).backups.glob("*.db"))
    for b in good:
        (copy / "backups" / b.name).write_bytes(b.read_bytes())
    (copy / "fielddesk.db").write_bytes(DataDir(root).db_path.read_bytes())
    _corrupt_middle(copy / "fielddesk.db")

    with pytest.raises(DatabaseCorruptError) as info:
        open_context(copy, full_check=True)
    newest = max(good, key=lambda p: p.name)
    assert info.value.backup is not None and Path(info.value.backup).name == newest.name
    assert "已损坏" in info.value.message and "fielddesk restore" in info.value.action

    assert run(["--data-dir", str(copy), "backup"]) == 3
    err = capsys.readouterr().err
    assert "已损坏" in err and newest.name in err

    assert run(["--data-dir", str(copy), "restore", info.value.backup]) == 0
    ctx = open_context(copy)
    try:
        assert ctx.office_code == "532822"
        with ctx.db.session() as s:
            assert s.execute(select(func.count()).select_from(Issue)).scalar() == 200
    finally:
        ctx.close()
    assert list((copy / "backups").glob("damaged-*.db"))  # the damaged file is kept, not thrown away


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), *INIT]) == 0
    conn = sqlite3.connect(DataDir(root).db_path)
    try:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    before = _sha256(DataDir(root).db_path)
    backups_before = sorted(p.name for p in DataDir(root).backups.iterdir())

    with pytest.raises(SchemaTooNewError) as info:
        open_context(root)
    assert info.value.found == "9999" and "更新版本" in info.value.message
    capsys.readouterr()
    assert run(["--data-dir", str(root), "backup"]) == 3
    assert "更新版本" in capsys.readouterr().err
    assert run(["--data-dir", str(root), "demo"]) != 0

    assert _sha256(DataDir(root).db_path) == before
    assert sorted(p.name for p in DataDir(root).backups.iterdir()) == backups_before


@pytest.mark.parametrize("argv", [["improt-excel", "x.xlsx"], ["holidayz", "import-notice", "n.txt"],
                                  ["--data-dir", "somewhere", "selftset"]])
def test_an_unknown_command_is_an_error_with_usage_never_the_gui(tmp_path: Path, argv: list[str]) -> None:
    """Only an empty command line starts the GUI: a misspelt command says so and names the close one.

    Run through the real entry point without a display: a GUI start would hang until the timeout.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(PYTHONPATH=str(ROOT), **{ENV_DATA_DIR: str(tmp_path / "data")})
    proc = subprocess.run([sys.executable, "-m", "desktop_app", *argv], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert "用法" in proc.stderr and "未知命令" in proc.stderr
    if argv[0] == "improt-excel":
        assert "“import-excel”" in proc.stderr
    assert not (tmp_path / "data").exists()


def test_only_global_options_start_the_gui() -> None:
    from desktop_app.__main__ import gui_data_dir

    assert gui_data_dir([]) == (True, None)
    assert gui_data_dir(["--data-dir", "d"]) == (True, "d")
    assert gui_data_dir(["--data-dir=d"]) == (True, "d")
    assert gui_data_dir(["improt-excel"]) == (False, None)
    assert gui_data_dir(["--data-dir", "d", "selftset"]) == (False, None)


def test_a_refused_init_leaves_nothing_behind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fresh = tmp_path / "fresh"
    assert run(["--data-dir", str(fresh), "init", "--office-code", "1", "--office-name", "x"]) != 0
    assert "单位代码" in capsys.readouterr().err
    assert not fresh.exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "笔记.txt").write_text("别删", encoding="utf-8")
    assert run(["--data-dir", str(kept), "init", "--office-code", "1", "--office-name", "x"]) != 0
    assert sorted(p.name for p in kept.iterdir()) == ["笔记.txt"]


@pytest.mark.parametrize(("name", "label"), [("西双版纳州乡村振兴局", "州级"), ("普洱市委组织部", "市级"),
                                             ("阿里地区行政公署", "地区级"), ("滁州市编办", "市级")])
def test_a_prefecture_is_called_by_the_word_its_own_name_uses(name: str, label: str) -> None:
    assert organisation.OfficeInfo("532800", name, "prefecture", None).level_label == label
    assert organisation.OfficeInfo("532801", "景洪市乡村振兴局", "county", "532800").level_label == "县级"
