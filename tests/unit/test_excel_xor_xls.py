"""Excel 97's oldest open password (XOR obfuscation) on an .xls: asked for, refused calmly, or read (issue #20).

The files are made by tests/fixtures/hostile/make_xor_xls.py: its encoder re-makes
Excel's own XOR-obfuscated file byte for byte from the plain contents (checked
against msoffcrypto-tool's test file, which is not copied here). The method takes a
password of single bytes; the Chinese password 调研一组 is made bytes in each of the
two ways [MS-OFFCRYPTO] 2.3.7.4 names (low byte or high byte of each UTF-16 unit;
the ANSI code page, GBK) by the generator's own code, not the app's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine

from desktop_app.excel.importer import preview
from desktop_app.excel.limits import PasswordRequiredError, WrongPasswordError
from desktop_app.excel.reader import xor_passwords
from desktop_app.excel.service import import_file
from tests.helpers.common import SAMPLES
from tests.helpers.excel_sheets import counts

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
XOR = HOSTILE / "xor_obfuscated.xls"
PASSWORD = "dy2026"
#: the same ledger under a Chinese password, made single bytes as the spec writes (low/high byte) and as GBK
XOR_ZH = HOSTILE / "xor_obfuscated_zh.xls"
XOR_GBK = HOSTILE / "xor_obfuscated_gbk.xls"
ZH_PASSWORD = "调研一组"


def test_the_fixture_is_what_the_generator_makes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(HOSTILE / "make_xor_xls.py"), str(tmp_path)], check=True)
    for fixture in (XOR, XOR_ZH, XOR_GBK):
        assert (tmp_path / fixture.name).read_bytes() == fixture.read_bytes(), fixture.name
    assert XOR_ZH.read_bytes() != XOR_GBK.read_bytes()  # two different keys, not one file twice


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


def test_a_chinese_password_in_single_bytes_as_the_spec_says() -> None:
    # 调 U+8C03 → 03, 研 U+7814 → 14, 一 U+4E00 → 4E (its low byte is 0: the high byte), 组 U+7EC4 → C4
    assert xor_passwords(ZH_PASSWORD) == ["\x03\x14N\xc4", bytes.fromhex("b5f7d1d0d2bbd7e9").decode("latin-1")]
    assert xor_passwords(PASSWORD) == []  # single bytes already: tried as it is, and only so
    assert len(xor_passwords("调研" * 10)[0]) == 15  # the method takes 15 bytes at most


@pytest.mark.parametrize("fixture", [XOR_ZH, XOR_GBK], ids=["low_or_high_byte", "gbk"])
def test_a_chinese_password_opens_it(ctx, fixture: Path) -> None:
    """msoffcrypto-tool reads each character's code as one byte, so 调研一组 never matched: told 打开密码不正确."""
    plain = preview(SAMPLES / "ledger.xls", "ledger", year=2026)
    pv = preview(fixture, "ledger", year=2026, password=ZH_PASSWORD)
    assert pv.errors == [] and pv.rows == plain.rows and len(pv.rows) == 5
    before = counts(ctx.db)
    out = import_file(ctx.db, ctx.actor, fixture, "ledger", password=ZH_PASSWORD)
    assert out.imported == 5 and counts(ctx.db)[0] == before[0] + 5


@pytest.mark.parametrize("fixture", [XOR_ZH, XOR_GBK], ids=["low_or_high_byte", "gbk"])
@pytest.mark.parametrize("password", ["调研二组", "调研", PASSWORD, "", "一二三四五六七八九十一二三四五六七"])
def test_a_wrong_chinese_password_has_its_own_message(ctx, fixture: Path, password: str) -> None:
    before = counts(ctx.db)
    with pytest.raises(WrongPasswordError) as exc:
        import_file(ctx.db, ctx.actor, fixture, "ledger", password=password)
    assert str(exc.value).startswith(f"打开密码不正确，无法读取：{fixture.name}")
    assert counts(ctx.db) == before


def test_the_command_line_passes_a_chinese_password_through(tmp_path: Path) -> None:
    """--password-env with 调研一组 reaches the worker as typed: the import runs, a wrong one is told so."""
    env = {**os.environ, "FIELDDESK_DATA_DIR": str(tmp_path / "data"), "ZH_PW": ZH_PASSWORD, "BAD_PW": "调研二组"}
    run = [sys.executable, "-m", "desktop_app"]
    subprocess.run([*run, "init", "--office-code", "532801", "--office-name", "景洪市乡村振兴局"], check=True, env=env,
                   capture_output=True)
    bad = subprocess.run([*run, "import-excel", str(XOR_ZH), "--kind", "ledger", "--password-env", "BAD_PW"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "打开密码不正确" in bad.stderr and "Traceback" not in bad.stderr
    good = subprocess.run([*run, "import-excel", str(XOR_ZH), "--kind", "ledger", "--password-env", "ZH_PW",
                           "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stderr
    assert '"imported": 5' in good.stdout
