"""Sync from the command line: cards, trust, export/import with --json, dry run, a killed import."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import pg_plugin
from tests.helpers.safety import reached

ROOT = Path(__file__).resolve().parents[2]


def fd(data: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run the fielddesk CLI on a data folder (on PostgreSQL: the folder's own server database)."""
    if pg_plugin.ACTIVE:
        pg_plugin.attach(data, keep=True)  # no-op once attached; a module fixture's folders outlive one test
    proc = subprocess.run([sys.executable, "-m", "desktop_app", "--data-dir", str(data), *args], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def _count(db: Path, table: str) -> int:
    if pg_plugin.ACTIVE:
        return pg_plugin.count_rows(db.parent, table)
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two offices set up and trusting each other through the CLI (built once, copied per test)."""
    root = tmp_path_factory.mktemp("sync-cli")
    a, p = root / "a", root / "p"
    fd(a, "init", "--office-code", "532801", "--office-name", "景洪市乡村振兴局", "--parent", "532800",
       "--section", "综合科", "--section", "规划发展科")
    fd(p, "init", "--office-code", "532800", "--office-name", "西双版纳州乡村振兴局", "--level", "prefecture")
    for me, other in ((a, p), (p, a)):
        card = json.loads(fd(other, "office-card", str(root / f"{other.name}.fdcard"), "--json").stdout)
        shown = json.loads(fd(me, "trust", card["file"], "--json").stdout)
        assert shown["trusted"] is False and shown["fingerprint"] == card["fingerprint"]
        if me == a:
            bad = fd(me, "trust", card["file"], "--fingerprint", "0000", check=False)
            assert bad.returncode != 0 and "指纹不符" in bad.stderr
        done = json.loads(fd(me, "trust", card["file"], "--fingerprint", card["fingerprint"].lower(), "--json").stdout)
        assert done["trusted"] is True
    return root


@pytest.fixture
def two_offices(template: Path, tmp_path: Path) -> tuple[Path, Path]:
    for name in ("a", "p"):
        shutil.copytree(template / name, tmp_path / name)
        if pg_plugin.ACTIVE:
            pg_plugin.clone(tmp_path / name)
    return tmp_path / "a", tmp_path / "p"


def test_cli_export_dry_run_import_and_reimport(two_offices: tuple[Path, Path], tmp_path: Path) -> None:
    a, p = two_offices
    out = json.loads(fd(a, "export-bundle", str(tmp_path / "b.fdbundle"), "--to", "532800", "--json").stdout)
    assert set(out) >= {"bundle_id", "file", "tables", "bytes"} and out["tables"]["section"] == 2
    assert Path(out["file"]).stat().st_size == out["bytes"]
    dry = json.loads(fd(p, "import-bundle", out["file"], "--dry-run", "--json").stdout)
    assert dry["status"] == "dry-run" and _count(p / "fielddesk.db", "section") == 0
    real = json.loads(fd(p, "import-bundle", out["file"], "--json").stdout)
    assert real["status"] == "applied"
    assert {k: v for k, v in dry.items() if k != "status"} == {k: v for k, v in real.items() if k != "status"}
    assert real["tables"]["section"] == {"created": 2, "updated": 0, "unchanged": 0, "conflicts": 0, "rejected": 0}
    assert set(real) >= {"bundle_id", "from_office", "status", "tables", "errors"}
    again = json.loads(fd(p, "import-bundle", out["file"], "--json").stdout)
    assert again["status"] == "already-imported"
    # a bundle for someone else fails with a Chinese message and a non-zero exit
    wrong = fd(a, "import-bundle", out["file"], "--json", check=False)
    assert wrong.returncode != 0 and "本单位" in wrong.stderr
    assert json.loads(wrong.stdout)["status"] == "rejected"


def test_a_folder_of_bundles_imports_in_order(two_offices: tuple[Path, Path], tmp_path: Path) -> None:
    a, p = two_offices
    folder = tmp_path / "stick"
    folder.mkdir()
    # no sleep between the two: each command is a process of its own, run to its end before the next starts
    # (far longer than the millisecond of wall time the second bundle's later clock stamp needs)
    fd(a, "export-bundle", str(folder), "--to", "532800")
    fd(a, "export-bundle", str(folder), "--to", "532800", "--full")
    res = json.loads(fd(p, "import-bundle", str(folder), "--json").stdout)
    assert [r["status"] for r in res] == ["applied", "applied"]
    assert _count(p / "fielddesk.db", "section") == 2


def test_a_killed_import_leaves_the_database_unchanged_and_a_retry_succeeds(two_offices, tmp_path: Path) -> None:
    a, p = two_offices
    bundle = json.loads(fd(a, "export-bundle", str(tmp_path / "k.fdbundle"), "--to", "532800", "--json").stdout)["file"]
    db = p / "fielddesk.db"
    before = (_count(db, "section"), _count(db, "change_log"), _count(db, "imported_bundle"))
    hold = tmp_path / "holding"
    proc = subprocess.Popen([sys.executable, "-m", "desktop_app", "--data-dir", str(p), "import-bundle", bundle],
                            cwd=ROOT, env={**os.environ, "FIELDDESK_TEST_PAUSE_AT": "bundle-import-commit",
                                                 "FIELDDESK_TEST_PAUSE_FILE": str(hold)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reached(proc, hold, "import-bundle at bundle-import-commit")
    os.kill(proc.pid, signal.SIGKILL)  # rows are written, the transaction is not committed
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert (_count(db, "section"), _count(db, "change_log"), _count(db, "imported_bundle")) == before
    retry = json.loads(fd(p, "import-bundle", bundle, "--json").stdout)
    assert retry["status"] == "applied"
    assert _count(db, "section") == 2


def test_revoke_refuses_that_office_s_bundles_until_a_new_card_is_trusted(two_offices, tmp_path: Path) -> None:
    a, p = two_offices
    bundle = json.loads(fd(a, "export-bundle", str(tmp_path / "r.fdbundle"), "--to", "532800", "--json").stdout)["file"]
    unknown = fd(p, "revoke", "999999", "--json", check=False)
    assert unknown.returncode != 0 and "999999" in unknown.stderr
    out = json.loads(fd(p, "revoke", "532801", "--json").stdout)
    assert out["office_code"] == "532801" and out["revoked"] is True and out["trusted"] is False
    assert "已吊销" in fd(p, "revoke", "532801").stdout  # revoking again is harmless
    db = p / "fielddesk.db"
    before = (_count(db, "section"), _count(db, "change_log"), _count(db, "imported_bundle"))
    refused = fd(p, "import-bundle", bundle, "--json", check=False)
    assert refused.returncode != 0 and "吊销" in refused.stderr
    assert json.loads(refused.stdout)["status"] == "rejected"
    assert (_count(db, "section"), _count(db, "change_log"), _count(db, "imported_bundle")) == before
    # the revoked key's old card cannot be trusted again
    card = json.loads(fd(a, "office-card", str(tmp_path / "a.fdcard"), "--json").stdout)
    again = fd(p, "trust", card["file"], "--fingerprint", card["fingerprint"], check=False)
    assert again.returncode != 0 and "吊销" in again.stderr
    # nor can the prefecture send to it
    send = fd(p, "export-bundle", str(tmp_path / "x.fdbundle"), "--to", "532801", check=False)
    assert send.returncode != 0


def test_export_only_own_changes_from_the_command_line(two_offices, tmp_path: Path) -> None:
    a, p = two_offices
    bad = fd(a, "export-bundle", str(tmp_path), "--to", "532800", "--origin", "12", check=False)
    assert bad.returncode != 0 and "格式不正确" in bad.stderr
    out = json.loads(fd(a, "export-bundle", str(tmp_path), "--to", "532800", "--only-own", "--json").stdout)
    assert out["origins"] == ["532801"] and set(out["ranges"]) == {"532801"} and out["added_origins"] == []
    assert json.loads(fd(p, "import-bundle", out["file"], "--json").stdout)["status"] == "applied"
    # the prefecture sends its own changes only (it has the county's too, but the county made those)
    down = json.loads(fd(p, "export-bundle", str(tmp_path), "--to", "532801", "--origin", "532800", "--json").stdout)
    assert set(down["ranges"]) <= {"532800"} and down["left_origins"] == []
