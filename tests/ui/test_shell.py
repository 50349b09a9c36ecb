"""The GUI shell: main window and its pages, change bus, dialogs service, background tasks,
start-up with errors, backups from the menu, the benchmark hook."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from desktop_app.core import backup
from desktop_app.core.context import AppContext, open_context
from desktop_app.core.errors import DatabaseCorruptError, ValidationError
from desktop_app.org import organisation
from tests.helpers.workers import let_workers_finish
from ui import dialogs
from ui.main_window import MainWindow, load_page_class
from ui.navigation import PAGES
from ui.placeholder_page import PlaceholderPage
from ui.signals import Kind, bus, notify
from ui.tasks import TaskCancelled, run_task

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot, ctx: AppContext) -> MainWindow:  # noqa: ANN001
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def test_every_page_opens(window: MainWindow, dialog_answers) -> None:  # noqa: ANN001
    for spec in PAGES:
        page = window.show_page(spec.key)
        assert window.stack.currentWidget() is page
        assert window.nav.currentItem().text().split("  ")[0] == spec.title  # a to-do count may follow
        assert not isinstance(page, PlaceholderPage), spec.key  # every registered page ships
        assert window.show_page(spec.key) is page  # built once
    assert dialog_answers.bugs == []


def test_shortcuts_switch_pages(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.pages["settings"]
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.pages["dashboard"]


def test_title_and_status_show_office_year_actor(window: MainWindow, ctx: AppContext) -> None:
    assert "景洪市乡村振兴局" in window.windowTitle() and "532801" in window.windowTitle()
    assert "2026" in window.windowTitle()
    assert "景洪市乡村振兴局" in window.status_office.text()
    assert "2026" in window.status_campaign.text()
    assert ctx.actor.label in window.status_actor.text()
    organisation.set_campaign(ctx.db, ctx.actor, 2027, 90, 60)
    notify(Kind.CAMPAIGN)
    assert "2027" in window.status_campaign.text()


def test_missing_page_module_or_dependency_is_an_error_never_a_plan(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # a frozen build that left a page out must say so, not pretend the capability is planned
    with pytest.raises(ModuleNotFoundError):
        load_page_class("ui.work.no_such_page:X")
    with pytest.raises(ModuleNotFoundError):
        load_page_class("ui.no_such_package.page:X")
    (tmp_path / "fd_broken_page.py").write_text("import fd_no_such_dependency\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError):
        load_page_class("fd_broken_page:Page")


def test_broken_page_shows_bug_and_error_placeholder(window: MainWindow, dialog_answers,  # noqa: ANN001
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.main_window as mw

    def boom(target: str) -> None:
        raise RuntimeError("page exploded")

    monkeypatch.setattr(mw, "load_page_class", boom)
    dialog_answers.expect_bugs = True
    page = window.show_page("topics")
    assert isinstance(page, PlaceholderPage) and "page exploded" in page.body.text()
    assert len(dialog_answers.bugs) == 1 and "RuntimeError: page exploded" in dialog_answers.bugs[0]


def test_page_module_missing_from_the_build_is_a_bug_not_a_plan(window: MainWindow, dialog_answers,  # noqa: ANN001
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # what a frozen build without the topics page module did: it said 功能尚未提供
    spec = window.specs["topics"]
    monkeypatch.setitem(window.specs, "topics", dataclasses.replace(spec, target="ui.work.gone_from_build:TopicsPage"))
    dialog_answers.expect_bugs = True
    page = window.show_page("topics")
    assert isinstance(page, PlaceholderPage)
    assert "尚未提供" not in page.heading.text() and "未能打开" in page.heading.text()
    assert "ui.work.gone_from_build" in page.body.text()
    assert len(dialog_answers.bugs) == 1 and "ModuleNotFoundError" in dialog_answers.bugs[0]


def test_dashboard_counts_and_refreshes_on_change(window: MainWindow, ctx: AppContext) -> None:
    page = window.pages["dashboard"]
    cards = page.cards  # type: ignore[attr-defined]
    assert cards["sections"].value.text() == "3"
    assert cards["people"].value.text() == "5"
    assert "领导 2" in cards["people"].note.text()
    organisation.add_section(ctx.db, ctx.actor, "项目管理科")
    notify(Kind.SECTION)
    QApplication.processEvents()  # the refresh is coalesced to the next event-loop turn
    assert cards["sections"].value.text() == "4"
    assert page.title.text() == "景洪市乡村振兴局"  # type: ignore[attr-defined]


def test_dashboard_panels_read_after_the_page_is_painted(qtbot, ctx: AppContext,  # noqa: ANN001
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """At start-up the count cards are read and painted first; the panels' reads wait for that paint."""
    from ui.dashboard import dashboard_page

    monkeypatch.setattr(dashboard_page, "PANELS_START_AT_THE_LATEST_MS", 60_000)  # only the paint can start them
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    page = w.pages["dashboard"]
    # the ledger, work and quiz panels ask for their reads as they are built (待办 asks once it sits in the window)
    waiting = list(page.panel_reads.tasks)  # type: ignore[attr-defined]
    assert len(waiting) == 3 and not page.panel_reads.started  # type: ignore[attr-defined]
    QApplication.processEvents()
    assert not any(t.done for t in waiting)  # not painted yet: nothing read
    w.show()
    qtbot.waitUntil(lambda: all(t.done for t in waiting), timeout=10_000)
    assert page.panel_reads.started and all(t.error is None for t in waiting)  # type: ignore[attr-defined]


def test_dashboard_panels_read_even_if_the_page_is_never_painted(qtbot, ctx: AppContext,  # noqa: ANN001
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dashboard import dashboard_page

    monkeypatch.setattr(dashboard_page, "PANELS_START_AT_THE_LATEST_MS", 50)
    page = dashboard_page.DashboardPage(ctx)
    qtbot.addWidget(page)
    waiting = list(page.panel_reads.tasks)
    qtbot.waitUntil(lambda: bool(waiting) and all(t.done for t in waiting), timeout=10_000)
    assert page.panel_reads.started


def test_a_dashboard_gone_before_its_paint_never_starts_its_reads(qtbot, ctx: AppContext,  # noqa: ANN001
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A window closed before its first paint: its panels' reads are forgotten, not started later against a
    database the next window (or test) no longer has open."""
    from ui import tasks
    from ui.dashboard import dashboard_page

    monkeypatch.setattr(dashboard_page, "PANELS_START_AT_THE_LATEST_MS", 50)
    page = dashboard_page.DashboardPage(ctx)
    reads = page.panel_reads
    waiting = list(reads.tasks)
    assert waiting and all(t in tasks._running for t in waiting)
    page.deleteLater()
    qtbot.waitUntil(lambda: not any(t in tasks._running for t in waiting), timeout=5_000)
    qtbot.wait(200)  # past the latest start: nothing ran
    assert not any(t.done for t in waiting)  # never ran
    assert reads.tasks == [] and reads.started  # forgotten; a late start() does nothing


def test_deferred_tasks_start_when_told(qtbot) -> None:  # noqa: ANN001
    from ui.tasks import deferred_starts

    ran: list[int] = []
    with deferred_starts() as later:
        first = run_task(None, "统计", lambda _p: ran.append(1) or 1, show_progress=False)
        second = run_task(None, "统计", lambda _p: ran.append(2) or 2, show_progress=False)
    outside = run_task(None, "统计", lambda _p: 3, show_progress=False)  # after the block: started at once
    assert outside.wait(10_000) and outside.result == 3
    assert not first.wait(100) and ran == []  # asked for, kept, not run
    later.start()
    later.start()  # once only
    assert first.wait(10_000) and second.wait(10_000)
    assert (first.result, second.result) == (1, 2) and sorted(ran) == [1, 2]


def test_change_bus_delivers(qtbot) -> None:  # noqa: ANN001
    with qtbot.waitSignal(bus().changed) as sig:
        notify(Kind.ISSUE, ["a", "b"])
    assert sig.args == ["issue", ["a", "b"]]


def test_show_error_known_is_calm_unknown_is_bug(dialog_answers) -> None:  # noqa: ANN001
    dialogs.show_error(None, ValidationError("科室“综合科”已存在", "请换一个名称"))
    assert dialog_answers.warnings == ["科室“综合科”已存在\n\n处理办法：请换一个名称"]
    dialog_answers.expect_bugs = True
    try:
        raise KeyError("boom")
    except KeyError as exc:
        dialogs.show_error(None, exc)
    assert "KeyError: 'boom'" in dialog_answers.bugs[0] and "Traceback" in dialog_answers.bugs[0]


def test_guard_shows_and_reports(dialog_answers) -> None:  # noqa: ANN001
    with dialogs.guard(None) as done:
        raise ValidationError("不行", "换一个")
    assert not done.ok and dialog_answers.warnings == ["不行\n\n处理办法：换一个"]
    with dialogs.guard(None) as fine:
        pass
    assert fine.ok


def test_bug_dialog_copies_details(qtbot) -> None:  # noqa: ANN001
    dlg = dialogs.BugDialog("details 详细")
    qtbot.addWidget(dlg)
    dlg.copy_details()
    assert QApplication.clipboard().text() == "details 详细"


def test_task_delivers_result_and_progress(qtbot) -> None:  # noqa: ANN001
    seen: list[int] = []

    def work(progress) -> int:  # noqa: ANN001
        for i in range(1, 2001):
            progress(i, 2000, "正在处理")
        return 7

    task = run_task(None, "测试", work, on_done=seen.append, min_duration_ms=0)
    assert task.wait(10_000)
    assert seen == [7] and task.result == 7 and task.error is None and task.dialog is None


def test_ended_tasks_are_freed_on_the_ui_thread_after_their_worker_let_go(qtbot) -> None:  # noqa: ANN001
    """Hundreds of quiet tasks nobody keeps a reference to (the ledger's background counts): each is
    freed on the UI thread once its worker dropped its references, never inside its own slot nor on
    the worker thread (that freeing crashed the process now and then: SIGSEGV in the ledger bench)."""
    import threading
    import time

    from PySide6.QtCore import Qt as QtNS
    from PySide6.QtWidgets import QApplication

    from ui import tasks

    n = 600
    results: list[int] = []
    freed_on: list[str] = []

    def slow(i: int) -> int:
        # a real sleep, on the worker thread: staggered job lengths let the UI thread handle some results
        # before their worker has returned and some after: the race whose freeing this test checks
        time.sleep(0.002 * (i % 3))
        return i

    for i in range(n):
        task = run_task(None, "统计", lambda _p, i=i: slow(i), on_done=results.append, show_progress=False)
        for obj in (task, task._relay):
            obj.destroyed.connect(lambda *_a: freed_on.append(threading.current_thread().name),
                                  QtNS.ConnectionType.DirectConnection)
        del task, obj  # nothing here keeps them: only the task machinery
        if i % 25 == 0:
            QApplication.processEvents()
    qtbot.waitUntil(lambda: len(results) == n and not tasks._running and len(freed_on) == 2 * n, timeout=30_000)
    assert sorted(results) == list(range(n))
    assert set(freed_on) == {threading.main_thread().name}


def test_task_error_goes_to_on_error_or_dialog(qtbot, dialog_answers) -> None:  # noqa: ANN001
    def fail(progress) -> None:  # noqa: ANN001
        raise ValidationError("文件无法读取", "请另存为 xlsx")

    errors: list[BaseException] = []
    task = run_task(None, "测试", fail, on_error=errors.append)
    assert task.wait(10_000) and isinstance(errors[0], ValidationError)
    task = run_task(None, "测试", fail)  # default: shown calmly
    assert task.wait(10_000)
    assert dialog_answers.warnings == ["文件无法读取\n\n处理办法：请另存为 xlsx"]


def test_task_can_be_cancelled(qtbot) -> None:  # noqa: ANN001
    reached: list[int] = []
    asked_to_stop = threading.Event()

    def slow(progress) -> str:  # noqa: ANN001
        for i in range(2000):
            progress(i, 2000)
            reached.append(i)
            if i == 5:  # the clerk presses 取消 while the job runs: it goes on once the button was pressed
                assert asked_to_stop.wait(10)
        return "finished"

    cancelled: list[bool] = []
    task = run_task(None, "测试", slow, cancellable=True, on_cancelled=lambda: cancelled.append(True),
                    min_duration_ms=0)
    qtbot.waitUntil(lambda: len(reached) > 5, timeout=5000)
    assert task.dialog is not None
    task.dialog.canceled.emit()  # what the 取消 button does
    asked_to_stop.set()
    assert task.wait(10_000)
    assert cancelled == [True] and task.cancelled and task.result is None and reached == list(range(6))


def test_progress_raises_only_when_cancellable() -> None:
    from ui.tasks import Progress

    p = Progress(lambda *a: None, cancellable=False)
    p.cancel()
    p(1, 2)  # not cancellable: keeps going
    q = Progress(lambda *a: None, cancellable=True)
    q.cancel()
    with pytest.raises(TaskCancelled):
        q(1, 2)


def test_backup_and_restore_from_the_gui(window: MainWindow, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from ui.settings import backup_ops

    made = backup_ops.backup_now(window, ctx)
    assert made is not None and made.exists() and "已备份到" in dialog_answers.infos[-1]
    organisation.add_section(ctx.db, ctx.actor, "临时科")
    dialog_answers.confirms.append(True)
    assert backup_ops.restore_from(window, ctx, made)
    names = [s.name for s in organisation.list_sections(ctx.db)]  # ctx.db was reopened in place
    assert "临时科" not in names and len(names) == 3
    assert any(b.reason == "before-restore" for b in backup.list_backups(ctx.data.backups))


def test_restore_declined_changes_nothing(window: MainWindow, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from ui.settings import backup_ops

    made = backup.make_backup(ctx.data.db_path, ctx.data.backups, "manual")
    organisation.add_section(ctx.db, ctx.actor, "临时科")
    dialog_answers.confirms.append(False)
    assert not backup_ops.restore_from(window, ctx, made)
    assert "临时科" in [s.name for s in organisation.list_sections(ctx.db)]


def test_open_data_refuses_newer_schema_calmly(tmp_path: Path, dialog_answers) -> None:  # noqa: ANN001
    import sqlite3

    from ui.app import desktop_actor, open_data

    root = tmp_path / "d"
    open_context(root).close()
    con = sqlite3.connect(root / "fielddesk.db")
    con.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
    con.commit()
    con.close()
    assert open_data(root, desktop_actor()) is None
    assert "更新版本" in dialog_answers.warnings[0]


def test_open_data_unwritable_folder_is_calm(tmp_path: Path, dialog_answers) -> None:  # noqa: ANN001
    from ui.app import desktop_actor, open_data

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert open_data(blocker / "data", desktop_actor()) is None
    assert "无法写入数据目录" in dialog_answers.warnings[0]


def test_recovery_dialog_restores_newest_good_backup(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from ui.recovery_dialog import RecoveryDialog

    root = ctx.data.root
    good = backup.make_backup(ctx.data.db_path, ctx.data.backups, "daily")
    let_workers_finish()  # its windows' background reads end before the database closes
    ctx.close()
    for suffix in ("-wal", "-shm"):
        Path(str(ctx.data.db_path) + suffix).unlink(missing_ok=True)
    raw = bytearray(ctx.data.db_path.read_bytes())
    raw[4096:8192] = b"\xff" * 4096  # trash a b-tree page
    ctx.data.db_path.write_bytes(bytes(raw))
    with pytest.raises(DatabaseCorruptError) as info:
        open_context(root)
    dlg = RecoveryDialog(info.value, root)
    qtbot.addWidget(dlg)
    assert dlg.list.currentItem() is not None and "最近的完好备份" in dlg.list.currentItem().text()
    dlg.btn_restore.click()
    assert dlg.result() == dlg.DialogCode.Accepted and dlg.restored_from == good
    reopened = open_context(root)
    try:
        assert len(organisation.list_sections(reopened.db)) == 3
    finally:
        reopened.close()


def test_placeholder_says_what_it_will_hold(qtbot) -> None:  # noqa: ANN001
    page = PlaceholderPage("问题台账", "问题清单、责任清单")
    qtbot.addWidget(page)
    texts = " ".join(lbl.text() for lbl in page.findChildren(QLabel))
    assert "“问题台账”功能尚未提供" in texts and "问题清单、责任清单" in texts


def test_chinese_font_is_the_shipped_one(qtbot) -> None:  # noqa: ANN001
    from PySide6.QtGui import QFontDatabase, QFontInfo

    from ui import fonts
    from ui.app import make_app

    app = make_app()
    assert fonts.FAMILY in QFontDatabase.families()
    assert QFontInfo(app.font()).family() == fonts.FAMILY


def test_qt_own_texts_are_chinese(qtbot) -> None:  # noqa: ANN001
    from PySide6.QtCore import QDate, QLocale
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    from ui.app import make_app

    make_app()
    box = QMessageBox(QMessageBox.Icon.Warning, "提示", "内容",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == sorted(["确定", "取消"])
    bar = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(bar)
    assert sorted(b.text() for b in bar.buttons()) == sorted(["保存", "关闭"])
    assert QLocale().toString(QDate(2026, 11, 22), "dddd") == "星期日"


def test_bench_hook_prints_shown_and_quits(ctx: AppContext) -> None:
    root = ctx.data.root
    let_workers_finish()  # its windows' background reads end before the database closes
    ctx.close()
    env = dict(os.environ, FIELDDESK_BENCH_SHOWN="1", FIELDDESK_BENCH_T0=str(time.time()), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-m", "desktop_app", "--data-dir", str(root)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("shown ")]
    assert line, out.stdout + out.stderr
    seconds = float(line[0].split()[1])
    assert 0 < seconds < 30
    ready = [ln for ln in out.stdout.splitlines() if ln.startswith("ready ")]
    assert ready and float(ready[0].split()[1]) >= seconds  # the data came after the frame


FRAME_PROBE = """
import sys
built = []

def spy(frame, event, _arg):  # PySide6 builds the Qt namespace's enums (AlignmentFlag …) through enum._create_
    if event == "call" and frame.f_code.co_name == "_create_" and frame.f_locals.get("class_name") == "AlignmentFlag":
        built.append(True)

sys.setprofile(spy)
from ui.app import make_app
from ui.main_window import MainWindow

app = make_app()
window = MainWindow()
painted = []
window.first_painted.connect(lambda: painted.append(True))
window.show()
while not painted:
    app.processEvents()
print("sqlalchemy" in sys.modules, bool(built))
from PySide6.QtCore import Qt
print(Qt.AlignmentFlag.AlignCenter is not None and bool(built))  # the probe sees the namespace being built
"""


def test_the_frame_is_painted_before_sqlalchemy_and_the_qt_namespace_are_loaded() -> None:
    """The first paint (startup_s) waits for neither SQLAlchemy nor PySide6's Qt namespace (~30 ms to build)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", FRAME_PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False", "True"], out.stdout + out.stderr


def test_first_start_runs_the_wizard_then_shows_the_office(qtbot, tmp_path: Path,  # noqa: ANN001
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.org.organisation import SetupInput
    from ui import app as app_module
    from ui.setup_wizard import SetupWizard

    def answer(self: SetupWizard) -> int:  # the clerk fills the wizard (driven for real in test_setup_wizard.py)
        self.office_page.code.setText("532801")
        self.office_page.name.setText("景洪市乡村振兴局")
        self.sections_page.add("综合科")
        self.account_page.password.setText("Jinghong2026")
        self.account_page.password2.setText("Jinghong2026")
        assert isinstance(self.setup_input(), SetupInput)
        return 1 if self.save() else 0

    monkeypatch.setattr(SetupWizard, "exec", answer)
    startup = app_module._Startup(QApplication.instance(), tmp_path / "new")
    qtbot.addWidget(startup.window)
    startup._open()
    try:
        assert startup.ctx is not None and startup.ctx.office_code == "532801"
        assert "景洪市乡村振兴局" in startup.window.windowTitle()
        assert startup.window.stack.currentWidget() is startup.window.pages["dashboard"]
        # the wizard's administrator is signed in: no second sign-in, the status bar names them
        assert startup.window.status_actor.text() == "当前用户：admin（admin）"
    finally:
        startup.ctx.close()


def test_corrupt_database_at_start_goes_through_recovery(qtbot, ctx: AppContext,  # noqa: ANN001
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.app import desktop_actor, open_data
    from ui.recovery_dialog import RecoveryDialog

    root = ctx.data.root
    backup.make_backup(ctx.data.db_path, ctx.data.backups, "daily")
    let_workers_finish()  # its windows' background reads end before the database closes
    ctx.close()
    for suffix in ("-wal", "-shm"):
        Path(str(ctx.data.db_path) + suffix).unlink(missing_ok=True)
    ctx.data.db_path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 80 + b"garbage" * 1000)
    shown: list[str] = []

    def clerk_restores(self: RecoveryDialog) -> int:
        shown.append(self.list.currentItem().text())
        self._restore_selected()
        return self.result()

    monkeypatch.setattr(RecoveryDialog, "exec", clerk_restores)
    reopened = open_data(root, desktop_actor())
    assert reopened is not None and shown and "最近的完好备份" in shown[0]
    try:
        assert reopened.office_code == "532801"
    finally:
        reopened.close()


def test_excepthook_shows_bugs_and_known_errors(dialog_answers) -> None:  # noqa: ANN001
    from ui.app import _excepthook

    dialog_answers.expect_bugs = True
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError as exc:
        _excepthook(type(exc), exc, exc.__traceback__)
    assert "ZeroDivisionError" in dialog_answers.bugs[0]
    err = ValidationError("年度“1999”无效", "请填写四位年份")
    _excepthook(type(err), err, None)
    assert dialog_answers.warnings == ["年度“1999”无效\n\n处理办法：请填写四位年份"]


def test_task_worker_may_call_services(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    """What the tasks docstring promises: a service call with ctx.db works from the worker thread."""
    from desktop_app.dashboard import summary as dashboard

    task = run_task(None, "统计", lambda progress: dashboard.summary(ctx.db), show_progress=False)
    assert task.wait(10_000) and task.error is None
    assert task.result.sections == 3 and task.result.people == 5


def test_about_names_version_build_qt_python_os_and_data_folder(window: MainWindow, ctx: AppContext,
                                                                 dialog_answers) -> None:  # noqa: ANN001
    import platform

    from PySide6.QtCore import qVersion

    from desktop_app import __version__

    help_menu = [m for m in window.menuBar().actions() if "帮助" in m.text()][0].menu()
    [act for act in help_menu.actions() if "关于" in act.text()][0].trigger()
    text = dialog_answers.infos[-1]
    assert f"版本：{__version__}" in text
    assert "构建日期：源代码运行（未打包）" in text  # tests run from source; build.sh writes build_info.json
    assert f"Qt：{qVersion()}（PySide6 " in text and f"Python：{platform.python_version()}" in text
    assert "操作系统：" in text and f"数据文件夹：{ctx.data.root}" in text
