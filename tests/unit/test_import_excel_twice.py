"""Importing the same ledger sheet twice from the command line: the second import says which rows the
ledger already had (the GUI asks first; a script cannot, so the CLI warns and --json lists them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli.main import run
from tests.helpers.common import SAMPLES

INIT = ["init", "--office-code", "532801", "--office-name", "景洪市乡村振兴局"]


@pytest.fixture(autouse=True)
def _no_env_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDDESK_DATA_DIR", raising=False)


def test_a_second_import_of_the_same_sheet_names_the_rows_already_recorded(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(tmp_path / "d")
    assert run(["--data-dir", root, *INIT]) == 0
    capsys.readouterr()
    sheet = str(SAMPLES / "ledger.xlsx")
    assert run(["--data-dir", root, "import-excel", sheet, "--kind", "ledger", "--json"]) == 0
    first = capsys.readouterr()
    assert json.loads(first.out)["imported"] == 5 and "already_recorded" not in json.loads(first.out)
    assert "提醒" not in first.err
    assert run(["--data-dir", root, "import-excel", sheet, "--kind", "ledger", "--dry-run", "--json"]) == 0
    again = capsys.readouterr()
    report = json.loads(again.out)
    assert len(report["already_recorded"]) == 5 and report["imported"] == 0
    assert "提醒" in again.err and "共 5 行" in again.err and "仍将导入" in again.err
