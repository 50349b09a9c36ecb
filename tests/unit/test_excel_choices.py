"""Words the app does not know, partial import as an explicit choice, and password-protected workbooks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.errors import ImportFileError, ValidationError
from desktop_app.excel.limits import PasswordRequiredError
from desktop_app.excel.service import import_file, preview_file
from tests.helpers.excel_choices import LEDGER, encrypted_workbook
from tests.helpers.excel_sheets import counts, make_sheet


def test_unknown_words_are_listed_once_and_mapped(ctx, tmp_path: Path) -> None:
    p = make_sheet(tmp_path / "问题清单.xlsx", LEDGER)
    before = counts(ctx.db)
    out = import_file(ctx.db, ctx.actor, p, "ledger")
    assert out.imported == 0 and counts(ctx.db) == before  # all or nothing, as before
    assert out.preview.unknown == {"整改状态": ["待研究"]}  # 待解决 is known; 待研究 listed once
    assert {e.row for e in out.preview.errors} == {3, 4}
    assert out.to_json()["unknown_words"] == {"整改状态": ["待研究"]}

    out = import_file(ctx.db, ctx.actor, p, "ledger", values={"整改状态": {"待研究": "推进中"}})
    assert out.preview.errors == [] and out.imported == 4
    assert [r["status_code"] for r in out.preview.rows] == ["not_started", "in_progress", "in_progress", "done"]
    # remembered with the header mapping: the next sheet with these headers needs no --map
    again = preview_file(ctx.db, p, "ledger")
    assert again.unknown == {} and again.values == {"整改状态": {"待研究": "推进中"}}


def test_a_meaning_must_be_a_word_the_kind_reads(ctx, tmp_path: Path) -> None:
    p = make_sheet(tmp_path / "问题清单.xlsx", LEDGER)
    with pytest.raises(ValidationError, match="取值“差不多”无效"):
        preview_file(ctx.db, p, "ledger", values={"整改状态": {"待研究": "差不多"}})
    with pytest.raises(ValidationError, match="不是需要指定词义的列"):
        preview_file(ctx.db, p, "ledger", values={"责任单位": {"县水务局": "推进中"}})


def test_skip_errors_imports_the_good_rows_only(ctx, tmp_path: Path) -> None:
    p = make_sheet(tmp_path / "问题清单.xlsx", LEDGER)
    before = counts(ctx.db)
    out = import_file(ctx.db, ctx.actor, p, "ledger", skip_errors=True)
    assert out.imported == 2 and out.skipped_rows == [3, 4]
    assert counts(ctx.db)[0] == before[0] + 2
    assert out.to_json()["skipped_rows"] == [3, 4] and out.to_json()["imported"] == 2


def test_password_protected_workbook(ctx, tmp_path: Path) -> None:
    p = encrypted_workbook(tmp_path, "调研2026")
    before = counts(ctx.db)
    with pytest.raises(PasswordRequiredError, match="打开密码"):
        import_file(ctx.db, ctx.actor, p, "ledger")
    with pytest.raises(ImportFileError, match="打开密码不正确，无法读取：加密台账.xlsx"):
        import_file(ctx.db, ctx.actor, p, "ledger", password="wrong")
    assert counts(ctx.db) == before
    out = import_file(ctx.db, ctx.actor, p, "ledger", password="调研2026")
    assert out.imported == 2 and counts(ctx.db)[0] == before[0] + 2


def test_cli_map_skip_errors_and_password_env(tmp_path: Path) -> None:
    p = encrypted_workbook(tmp_path, "调研2026")
    env = {**os.environ, "FIELDDESK_DATA_DIR": str(tmp_path / "data"), "LEDGER_PW": "调研2026", "BAD_PW": "x"}
    run = [sys.executable, "-m", "desktop_app"]
    subprocess.run([*run, "init", "--office-code", "532801", "--office-name", "景洪市乡村振兴局"], check=True, env=env,
                   capture_output=True)
    bad = subprocess.run([*run, "import-excel", str(p), "--kind", "ledger", "--password-env", "BAD_PW"], env=env,
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "打开密码不正确" in bad.stderr and "Traceback" not in bad.stderr
    q = make_sheet(tmp_path / "问题清单.xlsx", LEDGER)
    first = subprocess.run([*run, "import-excel", str(q), "--kind", "ledger", "--skip-errors", "--json"], env=env,
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert data["imported"] == 2 and data["skipped_rows"] == [3, 4] and data["unknown_words"] == {"整改状态": ["待研究"]}
    assert "--map 整改状态:待研究=取值" in first.stderr
    enc = subprocess.run([*run, "import-excel", str(p), "--kind", "ledger", "--password-env", "LEDGER_PW",
                          "--map", "整改状态:待研究=推进中", "--json"], env=env, capture_output=True, text=True)
    assert enc.returncode == 0, enc.stderr
    assert json.loads(enc.stdout)["imported"] == 2


def test_visit_plan_keeps_unmapped_text_and_reads_unannounced_anywhere(ctx, tmp_path: Path) -> None:
    from sqlalchemy import select

    from db.models import Visit

    p = make_sheet(tmp_path / "调研计划.xlsx", [
        ["序号", "调研内容", "带队领导", "时间", "地点", "方式", "备注", "联系人"],
        [1, "防返贫监测", "刘洋", "2026年5月6日", "勐阿镇纳京村", "座谈", "四不两直", "岩温"],
        [2, "人居环境整治", "黄涛", "2026年5月8日", "嘎洒镇曼真村", "走访", "随机抽查，不打招呼", ""],
        [3, "产业发展", "刘洋", "2026年5月12日", "勐龙镇", "座谈", "", ""],
    ])
    out = import_file(ctx.db, ctx.actor, p, "visits")
    assert out.preview.errors == [] and out.imported == 3
    assert [r["unannounced"] for r in out.preview.rows] == [True, True, False]
    assert out.preview.rows[0]["purpose"] == "备注：四不两直；联系人：岩温"  # 序号 is not kept: it is the row's number
    with ctx.db.session() as s:
        saved = {v.place: (v.unannounced, v.purpose) for v in s.scalars(select(Visit))}
    assert saved["勐阿镇纳京村"] == (True, "备注：四不两直；联系人：岩温")
    assert saved["嘎洒镇曼真村"] == (True, "备注：随机抽查，不打招呼")
    assert saved["勐龙镇"] == (False, "")

