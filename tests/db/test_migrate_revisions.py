"""The start-up schema check reads revisions without Alembic: it must agree with Alembic's own view."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from db import migrate

ROOT = Path(__file__).resolve().parents[2]


def test_the_revisions_read_from_the_files_are_alembics() -> None:
    script = migrate.ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()
    walked = [r.revision for r in script.walk_revisions()]
    assert migrate.known_revisions() == set(walked)
    assert migrate.revision_order() == walked[::-1]


def test_current_revision_of_an_empty_an_old_and_a_new_database(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine, "0003")
        assert migrate.current_revision(engine) == "0003"
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
        assert migrate.current_revision(engine) is None
    finally:
        engine.dispose()


def _open_and_report(folder: Path) -> str:
    code = ("import sys; from pathlib import Path; from desktop_app.core.context import open_context\n"
            f"ctx = open_context(Path({str(folder)!r}), daily_backup=False); ctx.close()\n"
            "print('alembic' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_opening_a_database_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    assert _open_and_report(tmp_path / "o") == "True"  # a new database is migrated: Alembic is needed
    assert _open_and_report(tmp_path / "o") == "False"
