"""设置 › 数据库: what is in use, the connection test, saving the choice for the next start (never the password)."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from db.engine import Database
from db.models import AuditEntry
from desktop_app.core import server_db
from desktop_app.core.audit import Actor
from desktop_app.core.context import AppContext
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.server import settings as server_settings
from desktop_app.server.settings import CheckResult
from tests.helpers.common import TEST_ACTOR
from tests.helpers.pg_plugin import ACTIVE as ON_PG
from ui.settings.database_tab import DatabaseTab

pytestmark = pytest.mark.skipif(ON_PG, reason="the tab's SQLite view; the server checks run in tests/db on PostgreSQL")


@pytest.fixture
def tab(qtbot, ctx: AppContext) -> DatabaseTab:  # noqa: ANN001
    t = DatabaseTab(ctx)
    qtbot.addWidget(t)
    t.show()
    return t


def _fill(tab: DatabaseTab, host: str = "127.0.0.1", port: str = "1", password: str = "s3cret-pw") -> None:
    tab.host.setText(host)
    tab.port.setText(port)
    tab.database.setText("fielddesk")
    tab.user.setText("clerk")
    tab.password.setText(password)


def _audited(ctx: AppContext) -> list[str]:
    with ctx.db.session() as s:
        return list(s.execute(select(AuditEntry.details).where(AuditEntry.action == "change_setting")).scalars())


def test_it_shows_the_sqlite_file_in_use_and_sensible_defaults(tab: DatabaseTab, ctx: AppContext) -> None:
    assert str(ctx.data.db_path) in tab.in_use.text() and ("KB" in tab.in_use.text() or "MB" in tab.in_use.text())
    assert (tab.port.text(), tab.database.text()) == ("5432", "fielddesk")
    assert not tab.next_start.isVisible()
    assert not tab.local_btn.isEnabled()  # already on the local file
    assert not tab.keep.isEnabled() or server_settings.keyring_available()


def test_a_wrong_field_is_named_and_nothing_is_saved(tab: DatabaseTab, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    _fill(tab, port="54x2")
    assert tab.save() is None
    assert "端口“54x2”不正确" in tab.result.text()
    assert tab.port.hasFocus()
    _fill(tab, host="")
    assert tab.test_connection() is None and "服务器地址不能为空" in tab.result.text()
    assert not (ctx.data.root / server_db.URL_FILE).exists() and _audited(ctx) == []
    assert dialog_answers.questions == []  # refused before the confirmation


def test_an_unreachable_server_is_said_in_chinese_off_the_ui_thread(qtbot, tab: DatabaseTab, ctx: AppContext,  # noqa: ANN001
                                                                    dialog_answers) -> None:  # noqa: ANN001
    _fill(tab)  # nothing listens on 127.0.0.1:1
    task = tab.test_connection()
    assert task is not None
    assert not tab.test_btn.isEnabled()  # busy while the worker connects
    task.wait(20000)
    assert "连接失败：无法连接数据库服务器 127.0.0.1:1" in tab.result.text()
    assert "请检查网络、服务器地址和端口" in tab.result.text()
    # saving tests first: refused, nothing written
    task = tab.save()
    assert task is not None
    task.wait(20000)
    assert "未保存：无法连接数据库服务器" in tab.result.text()
    assert not (ctx.data.root / server_db.URL_FILE).exists() and _audited(ctx) == []


def test_saving_keeps_the_address_for_the_next_start_but_never_the_password(
        tab: DatabaseTab, ctx: AppContext, dialog_answers, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    kept: dict[tuple[str, str], str] = {}
    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: kept.get((service, user))  # type: ignore[attr-defined]
    fake.set_password = lambda service, user, pw: kept.__setitem__((service, user), pw)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.setattr(server_settings, "test_connection",
                        lambda c, f, p: CheckResult("16.4", ctx.office_code, "景洪市乡村振兴局", 12))
    tab.refresh()
    assert tab.keep.isEnabled()
    _fill(tab, host="10.0.0.5", port="5433")
    tab.keep.setChecked(True)
    task = tab.save()
    assert task is not None
    task.wait(20000)
    saved = (ctx.data.root / server_db.URL_FILE).read_text(encoding="utf-8")
    assert json.loads(saved) == {"url": "postgresql+psycopg://clerk@10.0.0.5:5433/fielddesk",
                                 "office_code": ctx.office_code}
    assert "s3cret-pw" not in saved
    assert kept == {("FieldDesk", "clerk@10.0.0.5:5433/fielddesk"): "s3cret-pw"}
    assert any("切换数据库需重新启动" in t for t in dialog_answers.infos)
    assert "下次启动使用 postgresql+psycopg://clerk@10.0.0.5:5433/fielddesk" in tab.next_start.text()
    assert tab.next_start.isVisible() and tab.local_btn.isEnabled()
    [entry] = _audited(ctx)
    assert "10.0.0.5" in entry and "s3cret-pw" not in entry
    # at the next start the password comes from the keyring, not a file
    monkeypatch.delenv(server_db.ENV_DB_PASSWORD, raising=False)
    assert server_db.choose(server_db.stored_url(ctx.data) or "").url.password == "s3cret-pw"
    # and back to the local file: confirmed, audited
    dialog_answers.confirms.append(True)
    tab.use_local_file()
    assert not (ctx.data.root / server_db.URL_FILE).exists()
    assert len(_audited(ctx)) == 2 and "本机数据文件" in dialog_answers.infos[-1]


def test_an_empty_server_database_is_not_saved_before_the_office_is_migrated(
        tab: DatabaseTab, ctx: AppContext, dialog_answers, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(server_settings, "test_connection", lambda c, f, p: CheckResult("16.4", "", "", 0))
    _fill(tab)
    task = tab.save()
    assert task is not None
    task.wait(20000)
    assert "服务器上的数据库还是空的" in tab.result.text()
    assert not (ctx.data.root / server_db.URL_FILE).exists() and _audited(ctx) == []


def test_the_migration_shows_the_exact_command_first(tab: DatabaseTab, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    _fill(tab, host="10.0.0.5", port="5432")
    dialog_answers.confirms.append(False)
    assert tab.migrate() is None
    assert (f'fielddesk --data-dir "{ctx.data.root}" migrate-db --to postgresql://clerk@10.0.0.5:5432/fielddesk'
            in dialog_answers.questions[-1])


def test_a_clerk_without_the_settings_right_cannot_change_it(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    ctx.actor = Actor("lisi", "李四", rights=frozenset({"record", "view"}), account=True)
    t = DatabaseTab(ctx)
    qtbot.addWidget(t)
    assert not t.save_btn.isEnabled() and not t.migrate_btn.isEnabled()
    assert "系统设置" in t.save_btn.toolTip()
    assert t.test_btn.isEnabled()  # testing writes nothing


def test_the_window_shows_other_clerks_changes_without_restarting(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from ui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    page = win.show_page("ledger")
    calls: list[int] = []
    page.refresh = lambda: calls.append(1)  # type: ignore[attr-defined]
    watcher = win.change_watcher
    assert watcher.check() is False
    create_issues(ctx.db, TEST_ACTOR, [IssueInput("本窗口登记的问题", unit="综合科")])
    assert watcher.check() is False and calls == []
    other = create_engine(ctx.db.engine.url.render_as_string(hide_password=False))
    colleague = Database(other)
    colleague.load_identity()
    create_issues(colleague, TEST_ACTOR, [IssueInput("同事登记的问题", unit="综合科")])
    other.dispose()
    assert watcher.check() is True
    assert calls == [1]
    assert win.statusBar().currentMessage().startswith("其他用户已更新数据（")
    assert watcher.timer.interval() == 30_000 and watcher.timer.isActive()


def test_the_start_asks_for_a_missing_password_in_a_dialog(qtbot, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                                           tmp_path: Path) -> None:
    from PySide6.QtWidgets import QInputDialog

    from ui.settings.database_tab import ask_password_at_start

    monkeypatch.setattr(server_db, "ask_password", None)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("typed-pw", True)))
    monkeypatch.delenv(server_db.ENV_DB_PASSWORD, raising=False)
    ask_password_at_start(None)
    assert server_db.choose("postgresql://clerk@10.0.0.5/fielddesk", server_db.ask_password).url.password == "typed-pw"
