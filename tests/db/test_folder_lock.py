"""Issue 12, items 2 and 7: one writer at a time per data folder, across processes.

A second writer waits for the first and then runs after it (two imports of one sheet, one
bundle twice), or is refused calmly with “另一个窗口或命令正在使用本单位数据” — never a
traceback, raw SQL or a lost write. A restore never swaps the file under a running import:
it waits for it, and the import's rows are in the before-restore backup.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_app.core import datalock
from desktop_app.core.context import open_context
from tests.helpers.common import SAMPLES
from tests.helpers.safety import INIT, POSIX_ONLY, calm, cli, count, fd, paused_at, start, waiting

SHEET = str(SAMPLES / "ledger.xlsx")
BUSY = "另一个窗口或命令正在使用本单位数据"

pytestmark = [POSIX_ONLY, pytest.mark.sqlite_only(
    "the data folder's locks guard its SQLite file; on a server transactions and the writer lock order clerks")]


@pytest.fixture(scope="module")
def office_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lock") / "data"
    cli(root, *INIT)
    return root


@pytest.fixture
def office(office_template: Path, tmp_path: Path) -> Path:
    shutil.copytree(office_template, tmp_path / "data")
    return tmp_path / "data"


def test_a_writer_is_refused_calmly_while_another_process_writes(office: Path, tmp_path: Path) -> None:
    held = paused_at(office, "excel-import-writing", tmp_path / "flag", "import-excel", SHEET, "--kind", "ledger")
    try:
        for args in (["import-excel", SHEET, "--kind", "ledger"], ["demo", "--items", "5"],
                     ["restore", str(office / "fielddesk.db")]):
            proc = fd(office, *args, check=False)
            assert proc.returncode == 3, (args, proc.stderr)
            err = calm(proc)
            assert BUSY in err and "fielddesk import-excel" in err, err  # says who holds the folder
        # a reader runs beside the writer
        fd(office, "export-excel", str(tmp_path / "out.xlsx"), "--kind", "ledger")
    finally:
        (tmp_path / "flag").unlink()
    assert held.wait(60) == 0
    assert count(office / "fielddesk.db", "issue") == 5


def test_two_imports_of_one_sheet_at_once_run_one_after_the_other(office: Path, tmp_path: Path) -> None:
    first = paused_at(office, "excel-import-writing", tmp_path / "flag", "import-excel", SHEET, "--kind", "ledger",
                      "--json")
    second = start(office, "import-excel", SHEET, "--kind", "ledger", "--json", FIELDDESK_LOCK_WAIT="60")
    said = waiting(second)  # waiting for the first, not crashing into it; and saying why
    assert f"{BUSY}（进程 {first.pid}：fielddesk import-excel" in said
    (tmp_path / "flag").unlink()
    out1, err1 = first.communicate(timeout=60)
    out2, err2 = second.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert "Traceback" not in err2 and "IntegrityError" not in err2
    assert json.loads(out1)["imported"] == 5
    # the second ran after the first, saw its rows and said so, as an import run later would
    assert len(json.loads(out2)["already_recorded"]) == 5 and "提醒" in err2


def test_restore_waits_for_a_running_import_and_loses_nothing(office: Path, tmp_path: Path) -> None:
    before = json.loads(fd(office, "backup", str(tmp_path / "empty.db"), "--json").stdout)["file"]
    importing = paused_at(office, "excel-import-writing", tmp_path / "flag", "import-excel", SHEET, "--kind",
                          "ledger")
    restoring = start(office, "restore", before, "--json", FIELDDESK_LOCK_WAIT="60")
    assert "fielddesk import-excel" in waiting(restoring)  # it waits: the file is not swapped under the import
    (tmp_path / "flag").unlink()
    assert importing.wait(60) == 0
    out, err = restoring.communicate(timeout=60)
    assert restoring.returncode == 0, err
    saved = json.loads(out)["previous_saved_as"]
    # the import finished first; its rows went into the before-restore backup, then the restore ran
    assert count(Path(saved), "issue") == 5
    assert count(office / "fielddesk.db", "issue") == 0


def test_restore_refuses_while_another_process_has_the_database_open(office: Path, tmp_path: Path) -> None:
    before = fd(office, "backup", str(tmp_path / "b.db"), "--json").stdout
    holder = datalock.hold(office, writer=False)  # as a print or export in another window would
    try:
        # this process holds the open lock; a restore in another process must not swap the file
        proc = fd(office, "restore", json.loads(before)["file"], check=False)
        assert proc.returncode == 3 and BUSY in calm(proc) and "打印" in proc.stderr
    finally:
        holder.release()
    assert count(office / "fielddesk.db", "office") == 1
    assert not list(office.glob("fielddesk.db.*"))


@pytest.fixture(scope="module")
def bundle_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """County 532801 with the 5 sample items, the prefecture trusting it, and the county's bundle."""
    root = tmp_path_factory.mktemp("bundle")
    a, p = root / "a", root / "p"
    cli(a, *INIT)
    cli(p, "init", "--office-code", "532800", "--office-name", "西双版纳州乡村振兴局", "--level", "prefecture")
    for me, other in ((a, p), (p, a)):
        card = json.loads(cli(other, "office-card", str(root / f"{other.name}.fdcard"), "--json"))
        cli(me, "trust", card["file"], "--fingerprint", card["fingerprint"])
    cli(a, "import-excel", SHEET, "--kind", "ledger")
    cli(a, "export-bundle", str(root / "b.fdbundle"), "--to", "532800")
    return root


@pytest.fixture
def prefecture(bundle_template: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(the prefecture's data folder, the county's bundle) — copies for one test."""
    shutil.copytree(bundle_template / "p", tmp_path / "p")
    shutil.copy(bundle_template / "b.fdbundle", tmp_path / "b.fdbundle")
    return tmp_path / "p", tmp_path / "b.fdbundle"


def test_a_restore_during_a_bundle_import_swaps_nothing_and_loses_nothing(prefecture: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    """The issue's case: import-bundle running, restore started meanwhile. The import holds the folder
    (inside its transaction, paused at a named point); the restore is refused calmly, the file stays."""
    p, bundle = prefecture
    saved = json.loads(fd(p, "backup", str(tmp_path / "before.db"), "--json").stdout)["file"]
    # held with its rows written and not yet committed (the kill point db.killpoints names bundle-import-commit)
    importing = paused_at(p, "bundle-import-commit", tmp_path / "holding", "import-bundle", str(bundle))
    try:
        proc = fd(p, "restore", saved, check=False)
        assert proc.returncode == 3 and BUSY in calm(proc) and "import-bundle" in proc.stderr
        assert not list((p / "backups").glob("*before-restore*"))  # nothing copied, nothing swapped
    finally:
        importing.kill()
        importing.communicate()
    # killed inside its transaction: nothing of it stayed; the import runs whole afterwards
    assert count(p / "fielddesk.db", "issue") == 0
    assert json.loads(fd(p, "import-bundle", str(bundle), "--json").stdout)["status"] == "applied"
    assert count(p / "fielddesk.db", "issue") == 5


def test_the_same_bundle_imported_twice_at_once(prefecture: tuple[Path, Path], tmp_path: Path) -> None:
    p, bundle = prefecture
    first = paused_at(p, "bundle-import-opened", tmp_path / "flag", "import-bundle", str(bundle), "--json")
    second = start(p, "import-bundle", str(bundle), "--json", FIELDDESK_LOCK_WAIT="60")
    waiting(second)
    (tmp_path / "flag").unlink()
    results = [proc.communicate(timeout=120) for proc in (first, second)]
    statuses = [json.loads(out)["status"] for out, _ in results]
    assert statuses == ["applied", "already-imported"], results
    assert all("Traceback" not in err and "SQL" not in err for _, err in results)
    assert count(p / "fielddesk.db", "issue") == 5


@pytest.mark.sqlite_only("the data folder's locks guard its SQLite file; on a server the database orders writers")
def test_in_one_process_the_locks_are_counted(office: Path) -> None:
    """The GUI holds the folder and restores into it; a test opens one folder twice."""
    one = open_context(office, daily_backup=False)
    two = open_context(office, daily_backup=False)
    two.close()
    assert datalock.holds_writer(office)
    proc = fd(office, "import-excel", SHEET, "--kind", "ledger", check=False, FIELDDESK_LOCK_WAIT="0")
    assert proc.returncode == 3 and BUSY in calm(proc)
    one.close()
    assert not datalock.holds_writer(office)
    fd(office, "import-excel", SHEET, "--kind", "ledger")
