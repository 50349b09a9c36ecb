"""The declared dependencies match what the code needs (pyproject.toml), and the stored formats they own still read."""

from __future__ import annotations

import ast
import datetime as dt
import tomllib
from pathlib import Path

from fsrs import Card, Rating, Scheduler

ROOT = Path(__file__).resolve().parents[2]
#: a practice card exactly as fsrs 6 wrote it into practice_card.state (one Good review)
STORED_CARD = ('{"card_id": 1, "state": 1, "step": 1, "stability": 2.3065, "difficulty": 2.118103970459016, '
               '"due": "2026-11-02T01:10:00+00:00", "last_review": "2026-11-02T01:00:00+00:00"}')


def _declared() -> dict[str, str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    out = {}
    for d in deps:
        name = d.split(";")[0]
        for sep in ("==", ">=", "<", "~="):
            name = name.split(sep)[0]
        out[name.strip().lower()] = d
    return out


def test_a_card_stored_by_fsrs_6_still_reads_and_schedules() -> None:
    card = Card.from_json(STORED_CARD)
    assert card.stability == 2.3065 and card.due == dt.datetime(2026, 11, 2, 1, 10, tzinfo=dt.UTC)
    card, _log = Scheduler(enable_fuzzing=False).review_card(card, Rating.Good, review_datetime=card.due)
    assert card.due > dt.datetime(2026, 11, 2, 1, 10, tzinfo=dt.UTC)
    assert set(Card.from_json(card.to_json()).to_dict()) == {"card_id", "state", "step", "stability", "difficulty",
                                                             "due", "last_review"}


def test_declared_floors_and_pins() -> None:
    deps = _declared()
    assert "pillow" in deps  # reportlab opens the .ttc and images through it
    assert "xlrd" not in deps  # nothing imports it: calamine reads .xls
    assert deps["python-calamine"].endswith(">=0.4")
    assert ">=6" in deps["fsrs"] and "<7" in deps["fsrs"]
    assert "openpyxl" not in deps  # only tests and bench/ use it (exporter.py writes the XML itself)
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(d.startswith("openpyxl") for d in extras["test"])
    assert any(d.startswith("pyinstaller") for d in extras["packaging"])


def test_nothing_imports_an_undeclared_or_dropped_package() -> None:
    imported: set[str] = set()
    for pkg in ("desktop_app", "db", "ui"):
        for path in (ROOT / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imported.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    imported.add(node.module.split(".")[0])
    assert "xlrd" not in imported
    assert "openpyxl" not in imported  # were it imported again, it must go back to the run-time dependencies
    declared = set(_declared()) | {"pyside6", "sqlalchemy", "python_calamine", "chinese_calendar", "pil"}
    third_party = {"PySide6", "shiboken6", "sqlalchemy", "alembic", "python_calamine", "reportlab", "PIL",
                   "cryptography", "platformdirs", "chinese_calendar", "fsrs", "orjson"}
    assert {m.lower() for m in imported & third_party} <= {d.replace("-", "_") for d in declared} | {"shiboken6"}
