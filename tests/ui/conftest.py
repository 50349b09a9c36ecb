"""UI test fixtures: dialogs are answered, never shown; Qt warnings fail the test.

Every UI test gets ``dialog_answers`` automatically (a modal box under the
offscreen platform would hang the run). Queue answers before the code asks::

    def test_x(qtbot, dialog_answers):
        dialog_answers.confirms.append(False)        # next confirm() says 取消 (default: 确定)
        dialog_answers.texts.append("新科室")          # next ask_text() returns this (default: None)
        dialog_answers.files.append("/tmp/a.xlsx")    # next open_file()/save_file()/choose_dir()
        ...
        assert dialog_answers.warnings == [...]       # texts of warn()/show_error() boxes
        assert dialog_answers.infos == [...]

A bug dialog (an unexpected exception shown to the user) fails the test unless
the test sets ``dialog_answers.expect_bugs = True``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.core.errors import FieldDeskError  # noqa: E402
from tests.helpers.dialogs import DialogAnswers  # noqa: E402

_UI_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Qt warnings fail UI tests (qutebrowser's rule), unless a test sets its own level."""
    for item in items:
        if _UI_DIR in Path(str(item.fspath)).resolve().parents and item.get_closest_marker("qt_log_level_fail") is None:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            # The offscreen platform itself warns about window features it lacks; not our bugs.
            item.add_marker(pytest.mark.qt_log_ignore(r"This plugin does not support", r"propagateSizeHints"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Let background reads (dashboard panels, ledger counts) end before the test's data folder closes:
    a query still running on a worker thread when the ``ctx`` fixture disposes its engine crashed the
    process (SIGSEGV inside SQLite) now and then."""
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(60_000)


@pytest.fixture(autouse=True)
def _own_user_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Window geometry and last folders go to a temporary .ini, never the tester's own settings."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("qsettings")))
    yield


@pytest.fixture(autouse=True)
def dialog_answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[DialogAnswers]:
    """Answer every ui.dialogs call from queues; record messages; fail on an unexpected bug dialog."""
    from ui import dialogs

    ans = DialogAnswers()

    def confirm(parent: object, text: str, *a: object, **k: object) -> bool:
        ans.questions.append(text)
        return ans.confirms.pop(0) if ans.confirms else True

    def ask_text(parent: object, label: str, *a: object, **k: object) -> str | None:
        ans.questions.append(label)
        return ans.texts.pop(0) if ans.texts else None

    def one_file(*a: object, **k: object) -> str | None:
        return ans.files.pop(0) if ans.files else None

    def many_files(*a: object, **k: object) -> list[str]:
        f = one_file()
        return [f] if f else []

    def show_error(parent: object, exc: BaseException) -> None:
        if isinstance(exc, FieldDeskError):
            ans.warnings.append(dialogs.error_text(exc))
        else:
            dialogs.show_bug(parent, type(exc), exc, exc.__traceback__)

    def show_bug(parent: object, et: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        ans.bugs.append(dialogs.bug_details(et, exc, tb))

    monkeypatch.setattr(dialogs, "info", lambda parent, text, *a, **k: ans.infos.append(text))
    monkeypatch.setattr(dialogs, "warn", lambda parent, text, *a, **k: ans.warnings.append(text))
    monkeypatch.setattr(dialogs, "file_saved", lambda parent, text, path, *a, **k: ans.infos.append(text))
    monkeypatch.setattr(dialogs, "open_path", lambda path: ans.opened.append(str(path)) or True)
    monkeypatch.setattr(dialogs, "confirm", confirm)
    monkeypatch.setattr(dialogs, "ask_text", ask_text)
    monkeypatch.setattr(dialogs, "open_file", one_file)
    monkeypatch.setattr(dialogs, "save_file", one_file)
    monkeypatch.setattr(dialogs, "choose_dir", one_file)
    monkeypatch.setattr(dialogs, "open_files", many_files)
    monkeypatch.setattr(dialogs, "show_error", show_error)
    monkeypatch.setattr(dialogs, "show_bug", show_bug)
    yield ans
    if ans.bugs and not ans.expect_bugs:
        pytest.fail("unexpected bug dialog:\n" + "\n".join(ans.bugs))
