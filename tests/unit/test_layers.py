"""Imports point down only: the core never imports Qt, the UI never imports SQLAlchemy."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_core_never_imports_qt() -> None:
    # __main__ is the one exception by design: with no command it starts the GUI (importing ui lazily)
    offenders = [str(p.relative_to(ROOT)) for pkg in ("desktop_app", "db") for p in (ROOT / pkg).rglob("*.py")
                 if p.name != "__main__.py" and {"PySide6", "shiboken6", "ui"} & _imports(p)]
    assert offenders == []


def test_ui_never_imports_sqlalchemy() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "ui").rglob("*.py") if "sqlalchemy" in _imports(p)]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import desktop_app, db\n"
        "for pkg in (desktop_app, db):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations' in m.name or m.name.endswith('__main__'):\n"
        "            continue\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.startswith(('PySide6', 'shiboken6')))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
