"""Command line with accounts: once an office has accounts every command needs --user and a password (from
FIELDDESK_PASSWORD; no prompt without a terminal), with the same lockout and roles as the GUI; `users …` manages
them. Without accounts (after `init`) commands work as before. Each refusal changes nothing but the audit log."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Issue, User
from desktop_app.cli.main import run
from desktop_app.core.config import ENV_DATA_DIR
from desktop_app.core.context import SIGNED_IN, open_context
from tests.helpers.common import SAMPLES

INIT = ["init", "--office-code", "532801", "--office-name", "景洪市乡村振兴局", "--section", "综合科", "--year", "2026"]
PW = "Admin2026"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (ENV_DATA_DIR, "FIELDDESK_PASSWORD", "FIELDDESK_NEW_PASSWORD", "FIELDDESK_USER"):
        monkeypatch.delenv(var, raising=False)


def _run(root: Path, *argv: str, user: str | None = None, password: str | None = None,
         monkeypatch: pytest.MonkeyPatch, new: str | None = None) -> int:
    if password is None:
        monkeypatch.delenv("FIELDDESK_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("FIELDDESK_PASSWORD", password)
    if new is None:
        monkeypatch.delenv("FIELDDESK_NEW_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("FIELDDESK_NEW_PASSWORD", new)
    return run(["--data-dir", str(root), *(["--user", user] if user else []), *argv])


def _counts(root: Path) -> tuple[int, int, int]:
    ctx = open_context(root, full_check=False, daily_backup=False)
    try:
        with ctx.db.session() as s:
            return (int(s.execute(select(func.count(Issue.id))).scalar() or 0),
                    int(s.execute(select(func.count(User.id))).scalar() or 0),
                    int(s.execute(select(func.count(AuditEntry.id))).scalar() or 0))
    finally:
        ctx.close()


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An office whose administrator made a clerk, a viewer, an approver and an auditor on the command line."""
    root = tmp_path / "office"
    assert run(["--data-dir", str(root), *INIT]) == 0
    # no accounts yet: the first one (an administrator) needs no sign-in
    assert _run(root, "users", "add", "admin", "--roles", "系统管理员", "--name", "刘洋",
                monkeypatch=monkeypatch, new=PW) == 0
    for login, role, name in (("wufang", "录入员", "吴芳"), ("zhaolei", "viewer", "赵磊"), ("chenjing", "审核人", "陈静"),
                              ("shenji", "审计员", "沈吉")):
        assert _run(root, "users", "add", login, "--roles", role, "--name", name, user="admin", password=PW,
                    monkeypatch=monkeypatch, new="First2026") == 0
        # a first password must be changed before anything else
        assert _run(root, "users", "passwd", user=login, password="First2026", monkeypatch=monkeypatch,
                    new="Mine2026x") == 0
    return root


def test_without_accounts_commands_work_as_before(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "o"
    assert run(["--data-dir", str(root), *INIT]) == 0
    assert _run(root, "import-excel", str(SAMPLES / "ledger.xlsx"), "--kind", "ledger", monkeypatch=monkeypatch) == 0
    capsys.readouterr()
    assert _run(root, "users", "list", "--json", monkeypatch=monkeypatch) == 0
    assert json.loads(capsys.readouterr().out) == {"accounts": []}
    assert SIGNED_IN.get() is None


def test_write_without_credentials_is_refused_and_changes_nothing(office: Path, capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    before = _counts(office)
    capsys.readouterr()
    assert _run(office, "import-excel", str(SAMPLES / "ledger.xlsx"), "--kind", "ledger", "--json",
                monkeypatch=monkeypatch) != 0
    io = capsys.readouterr()
    assert "本单位已启用账户" in io.err and "--user" in io.err and json.loads(io.out)["error"]
    # a login without a password (no terminal to ask on) is refused too
    assert _run(office, "import-excel", str(SAMPLES / "ledger.xlsx"), "--kind", "ledger", user="wufang",
                monkeypatch=monkeypatch) != 0
    assert "FIELDDESK_PASSWORD" in capsys.readouterr().err
    assert _counts(office) == before
    assert _run(office, "import-excel", str(SAMPLES / "ledger.xlsx"), "--kind", "ledger", user="wufang",
                password="Mine2026x", monkeypatch=monkeypatch) == 0
    assert _counts(office)[0] > before[0]


def test_wrong_passwords_lock_the_account_and_the_administrator_unlocks(
        office: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    issues = _counts(office)[0]
    for _ in range(5):
        assert _run(office, "export-excel", str(office / "x.xlsx"), "--kind", "ledger", user="wufang",
                    password="guess1234", monkeypatch=monkeypatch) != 0
    assert "已锁定15分钟" in capsys.readouterr().err
    assert _run(office, "import-excel", str(SAMPLES / "ledger.xlsx"), "--kind", "ledger", user="wufang",
                password="Mine2026x", monkeypatch=monkeypatch) != 0
    assert "已被锁定" in capsys.readouterr().err and _counts(office)[0] == issues
    assert not (office / "x.xlsx").exists()
    assert _run(office, "users", "list", "--json", user="admin", password=PW, monkeypatch=monkeypatch) == 0
    listed = {a["login"]: a for a in json.loads(capsys.readouterr().out)["accounts"]}
    assert listed["wufang"]["locked"] and listed["wufang"]["roles"] == ["clerk"]
    assert _run(office, "users", "unlock", "wufang", user="admin", password=PW, monkeypatch=monkeypatch) == 0
    assert _run(office, "export-excel", str(office / "x.xlsx"), "--kind", "ledger", user="wufang",
                password="Mine2026x", monkeypatch=monkeypatch) == 0
    assert (office / "x.xlsx").exists()


def test_each_role_is_refused_on_the_command_line_with_nothing_changed(
        office: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [
        ("zhaolei", ["import-excel", str(SAMPLES / "ledger.xlsx"), "--kind", "ledger"], "录入"),
        ("chenjing", ["import-excel", str(SAMPLES / "ledger.xlsx"), "--kind", "ledger"], "录入"),
        ("admin", ["import-excel", str(SAMPLES / "ledger.xlsx"), "--kind", "ledger"], "录入"),
        ("wufang", ["users", "add", "x1", "--roles", "clerk"], "账户管理"),
        ("wufang", ["audit", "verify"], "审计日志"),
        ("zhaolei", ["export-bundle", str(office / "b.fdbundle"), "--to", "532800"], "数据交换"),
        ("shenji", ["backup", str(office / "copy.db")], "系统设置"),
    ]
    for login, argv, right in cases:
        before = _counts(office)[:2]
        capsys.readouterr()
        assert _run(office, *argv, user=login, password="Mine2026x" if login != "admin" else PW,
                    monkeypatch=monkeypatch) != 0, (login, argv)
        err = capsys.readouterr().err
        assert f"没有“{right}”权限" in err, (login, err)
        assert _counts(office)[:2] == before
    assert not (office / "b.fdbundle").exists() and not (office / "copy.db").exists()
    # and what each may do
    assert _run(office, "audit", "verify", user="shenji", password="Mine2026x", monkeypatch=monkeypatch) == 0
    assert _run(office, "print", str(office / "l.pdf"), "--kind", "ledger", user="zhaolei", password="Mine2026x",
                monkeypatch=monkeypatch) == 0
    ctx = open_context(office, full_check=False, daily_backup=False)
    try:
        with ctx.db.session() as s:
            last = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalars().one()
            assert (last.action, last.actor_login) == ("print", "zhaolei")  # the print is on the trail, by name
    finally:
        ctx.close()
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(office / "l.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"填表人：\s*赵磊", text)  # the signed-in person fills the 填表人 line


def test_users_commands(office: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    admin = {"user": "admin", "password": PW, "monkeypatch": monkeypatch}
    capsys.readouterr()
    assert _run(office, "users", "set-roles", "chenjing", "--roles", "审核人,录入员", "--sections", "综合科", "--json",
                **admin) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["roles"] == ["approver", "clerk"] and out["sections"] == ["综合科"]
    assert _run(office, "users", "set-roles", "chenjing", "--roles", "审核人", "--sections", "信息科", **admin) != 0
    assert "科室“信息科”不存在" in capsys.readouterr().err
    assert _run(office, "users", "disable", "zhaolei", **admin) == 0
    assert _run(office, "export-excel", str(office / "v.xlsx"), "--kind", "ledger", user="zhaolei",
                password="Mine2026x", monkeypatch=monkeypatch) != 0
    assert "已停用" in capsys.readouterr().err
    assert _run(office, "users", "reset-password", "wufang", new="Reset2026", **admin) == 0
    assert _run(office, "export-excel", str(office / "v.xlsx"), "--kind", "ledger", user="wufang",
                password="Reset2026", monkeypatch=monkeypatch) != 0
    assert "须先修改初始密码" in capsys.readouterr().err
    assert _run(office, "users", "add", "bad", "--roles", "clerk", new="short", **admin) != 0
    assert "至少需要8个字符" in capsys.readouterr().err
    assert _run(office, "users", "add", "bad", "--roles", "出纳", new="Good2026", **admin) != 0
    assert "角色“出纳”不存在" in capsys.readouterr().err
    assert _run(office, "users", "list", "--json", **admin) == 0
    listed = {a["login"]: a for a in json.loads(capsys.readouterr().out)["accounts"]}
    assert set(listed) == {"admin", "wufang", "zhaolei", "chenjing", "shenji"}  # disabled kept, never deleted
    assert not listed["zhaolei"]["active"] and listed["wufang"]["must_change"]


def test_the_global_user_option_comes_before_the_command(office: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDDESK_PASSWORD", PW)
    capsys.readouterr()
    assert run(["--user", "admin", "--data-dir", str(office), "users", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["accounts"]) == 5
    assert run(["--data-dir", str(office), "users", "list", "--user", "admin"]) == 0  # after it works too


def test_a_demo_office_keeps_no_private_key_in_plain_form(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.org import key_vault, keys

    root = tmp_path / "demo"
    assert run(["--data-dir", str(root), "demo", "--items", "20"]) == 0
    assert _run(root, "backup", user="admin", password="demo2026", monkeypatch=monkeypatch) == 0
    private = keys.load_private_key(root / "keys")  # unlocked in this process by the demo's administrator
    raw = private.private_bytes(keys.serialization.Encoding.Raw, keys.serialization.PrivateFormat.Raw,
                                keys.serialization.NoEncryption())
    for f in root.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert b"PRIVATE KEY" not in data and raw not in data, f
    key_vault.forget_all()
    # the office card is public: a 查看 account makes it without unlocking anything
    assert _run(root, "office-card", str(tmp_path / "card.fdcard"), user="chakan", password="demo2026",
                monkeypatch=monkeypatch) == 0
    assert (tmp_path / "card.fdcard").exists()
