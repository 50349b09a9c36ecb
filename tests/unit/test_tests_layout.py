"""The tests' own layout: shared code lives in tests/helpers, so pytest imports every test module once.

Test folders have no ``__init__.py`` (pytest's default "prepend" import mode): a test module is imported
under its bare file name. Importing it again from another test as ``tests.db.test_x`` (or a conftest
as ``tests.conftest``) loads a second copy — module code run twice, globals split in two.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
#: packages of shared test code; everything else under tests/ is a test module or a conftest
SHARED = ("helpers", "fixtures")


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every absolute import, ``from a import b`` also as ``a.b`` (b may be a module)."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(node.lineno, node.module)] + [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return out


def _test_sources() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def _offence(module: str, bare_names: set[str]) -> str | None:
    parts = module.split(".")
    if parts[-1] == "conftest" or parts[-1].startswith("test_"):
        return "a test module or conftest"
    if parts[0] in bare_names and len(parts) == 1:
        return "a test folder's file by its bare name (only pytest's sys.path makes it importable)"
    if parts[0] == "tests" and len(parts) > 1 and parts[1] not in SHARED:
        return "code outside tests/helpers"
    return None


def test_tests_import_shared_code_from_helpers_only() -> None:
    # files a test could import by bare name: those of the test folders (on sys.path in prepend mode)
    bare = {p.stem for p in _test_sources() if p.parent != TESTS / "helpers" and SHARED[1] not in p.parts}
    offences = []
    for path in _test_sources():
        for line, module in _imported_modules(path):
            why = _offence(module, bare)
            if why:
                offences.append(f"{path.relative_to(TESTS)}:{line}: imports {module} — {why}")
    assert offences == [], "\n".join(offences)


def test_test_folders_hold_only_tests_and_conftests() -> None:
    """A helper module beside the tests would be imported by bare name: it belongs in tests/helpers."""
    stray = [str(p.relative_to(TESTS)) for p in _test_sources()
             if p.relative_to(TESTS).parts[0] not in SHARED and not p.name.startswith("test_") and p.name != "conftest.py"]
    assert stray == []


def test_the_layout_check_sees_a_test_module_imported_from_another() -> None:
    bare = {"test_sync_conflicts", "sync_forge"}
    assert _offence("tests.db.test_sync_conflicts", bare) and _offence("test_sync_conflicts", bare)
    assert _offence("tests.conftest", bare) and _offence("sync_forge", bare) and _offence("tests.pg_plugin", bare)
    assert _offence("tests.helpers.sync_support", bare) is None and _offence("tests.fixtures.migrations", bare) is None
