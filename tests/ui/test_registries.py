"""Every name-based registry entry imports, and the frozen build's hidden imports come from them.

A page, command, Excel kind, import writer or print fetcher named in a registry but absent
from the program used to be shown as "功能尚未提供"; now it is an error. This test is the
safety net for the registries themselves: each entry's module imports and has the named
attribute, and ``packaging/registries.py`` (read by ``packaging/fielddesk.spec``) lists it.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import sys
from contextlib import redirect_stderr
from pathlib import Path

import pytest

from desktop_app.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]


def _registries():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("fd_packaging_registries", ROOT / "packaging" / "registries.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REG = _registries()
ENTRIES = [(name, target) for name, targets in REG.registry_targets().items() for target in targets]


def test_every_registry_is_read_and_none_is_empty() -> None:
    targets = REG.registry_targets()
    assert set(targets) == {"desktop_app.cli.main.HANDLERS", "desktop_app.excel.kinds.KIND_MODULES",
                            "desktop_app.excel.writers.TARGETS", "desktop_app.reports.jobs.FETCHERS",
                            "ui.navigation.PAGES", "ui.navigation.DASHBOARD_PANELS"}
    assert all(targets.values())
    assert len(targets["desktop_app.cli.main.HANDLERS"]) == len(set(cli.HANDLERS.values()))


@pytest.mark.parametrize(("registry", "target"), ENTRIES, ids=[f"{r}={t}" for r, t in ENTRIES])
def test_registry_entry_imports_and_has_its_attribute(registry: str, target: str) -> None:
    module, _, attr = target.partition(":")
    mod = importlib.import_module(module)
    assert attr and getattr(mod, attr, None) is not None, f"{registry}: {module} has no {attr}"
    assert module in REG.hidden_imports()


def test_every_cli_command_resolves_to_a_function() -> None:
    for name in cli.HANDLERS:
        assert callable(cli.resolve_handler(name)), name


def test_a_command_whose_module_is_missing_exits_non_zero_with_the_real_error(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # what a frozen build that left desktop_app.cli.commands out did: “init”功能尚未提供（将在后续版本中上线）
    monkeypatch.setitem(cli.HANDLERS, "init", "desktop_app.gone_from_build:cmd_init")
    err = io.StringIO()
    with redirect_stderr(err):
        code = cli.run(["--data-dir", str(tmp_path / "d"), "init", "--office-code", "532801", "--office-name", "X"])
    assert code == 70
    text = err.getvalue()
    assert "尚未提供" not in text and "程序文件不完整" in text and "desktop_app.gone_from_build" in text
    assert not (tmp_path / "d").exists()


def test_an_excel_kind_whose_writer_is_missing_raises_not_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.excel import writers

    monkeypatch.setitem(writers.TARGETS, "ledger", ("desktop_app.gone_from_build", "create_issues"))
    with pytest.raises(ModuleNotFoundError):
        writers.write_rows(None, None, "ledger", [], None)  # type: ignore[arg-type]


def test_a_print_kind_whose_fetcher_is_missing_raises_not_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.reports import jobs

    monkeypatch.setitem(jobs.FETCHERS, "topics", "desktop_app.gone_from_build:fetch_topics_report")
    with pytest.raises(ModuleNotFoundError):
        jobs._report(None, jobs.PrintJob("topics"))


def test_the_registry_script_prints_the_hidden_imports() -> None:
    import subprocess

    out = subprocess.run([sys.executable, str(ROOT / "packaging" / "registries.py")], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == REG.hidden_imports()
    assert "desktop_app.cli.commands" in out and "ui.ledger.ledger_page" in out and "resources.qt_probe" in out


def test_a_module_a_command_imports_late_that_is_missing_exits_70_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import desktop_app.cli.commands as commands

    def cmd_init(args: object) -> int:
        import desktop_app.gone_from_build  # noqa: F401  # what a lazy import in a frozen build can hit
        return 0

    monkeypatch.setattr(commands, "cmd_init", cmd_init)
    err = io.StringIO()
    with redirect_stderr(err):
        code = cli.run(["--data-dir", str(tmp_path / "d"), "init", "--office-code", "532801", "--office-name", "X"])
    assert code == 70 and "程序文件不完整：无法加载模块 desktop_app.gone_from_build" in err.getvalue()
