"""Excel 97's oldest open password (XOR obfuscation) on an .xls: asked for, refused calmly, or read (issue #20).

The file is made by tests/fixtures/hostile/make_xor_xls.py: its encoder re-makes
Excel's own XOR-obfuscated file byte for byte from the plain contents (checked
against msoffcrypto-tool's test file, which is not copied here).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine

from desktop_app.excel.importer import preview
from desktop_app.excel.limits import PasswordRequiredError, WrongPasswordError
from desktop_app.excel.service import import_file
from tests.helpers.common import SAMPLES
from tests.helpers.excel_sheets import counts

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
XOR = HOSTILE / "xor_obfuscated.xls"
PASSWORD = "dy2026"


def test_the_fixture_is_what_the_generator_makes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(HOSTILE / "make_xor_xls.py"), str(tmp_path)], check=True)
    assert (tmp_path / XOR.name).read_bytes() == XOR.read_bytes()


def test_calamine_alone_misreads_it_as_a_code_page() -> None:
    """What the issue saw (文件已损坏（Cfb error: Codepage … not found）): why the app checks FilePass first."""
    with pytest.raises(python_calamine.CalamineError, match="Codepage"):
        python_calamine.CalamineWorkbook.from_path(str(XOR))


def test_without_a_password_it_is_asked_for(ctx) -> None:
    before = counts(ctx.db)
    with pytest.raises(PasswordRequiredError) as exc:
        import_file(ctx.db, ctx.actor, XOR, "ledger")
    assert str(exc.value).startswith("工作簿设置了打开密码，无法读取：xor_obfuscated.xls")
    assert counts(ctx.db) == before


@pytest.mark.parametrize("password", ["wrong", "DY2026", "一二三四五六七八九十一二三四五六七", "x" * 40])
def test_a_wrong_password_has_its_own_message(password: str) -> None:
    # XOR passwords are at most 15 characters, and the verifier has 16 bits: none of these may pass
    with pytest.raises(WrongPasswordError) as exc:
        preview(XOR, "ledger", year=2026, password=password)
    assert str(exc.value).startswith("打开密码不正确，无法读取：xor_obfuscated.xls")


def test_the_right_password_reads_the_ledger(ctx) -> None:
    plain = preview(SAMPLES / "ledger.xls", "ledger", year=2026)
    pv = preview(XOR, "ledger", year=2026, password=PASSWORD)
    assert pv.errors == [] and pv.rows == plain.rows and len(pv.rows) == 5
    out = import_file(ctx.db, ctx.actor, XOR, "ledger", password=PASSWORD, dry_run=True)
    assert out.preview.errors == []
