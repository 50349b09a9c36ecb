"""Desktop habits: the window comes back where it was left, F5 reads the page again, a spreadsheet or a
bundle dropped on the window is imported, and a written file can be opened from the message."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from desktop_app.core.context import AppContext
from ui.dialogs import file_saved as real_file_saved  # before the UI fixture answers it
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, ctx: AppContext) -> MainWindow:  # noqa: ANN001
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _drop(w: MainWindow, *paths: Path) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    w.dropEvent(event)


def test_the_window_comes_back_with_the_size_it_was_left_at(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.show()
    assert first.height() == 800  # the first start's default
    first.resize(1280, 650)  # (the offscreen screen is 800 wide: Qt fits a restored width into it)
    first.close()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.height() == 650


def test_f5_reads_the_page_in_front_again(window: MainWindow, qtbot, monkeypatch) -> None:  # noqa: ANN001
    page = window.show_page("ledger")
    calls: list[int] = []
    monkeypatch.setattr(page, "reload", lambda: calls.append(1))
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert calls == [1]
    assert window.statusBar().currentMessage() == "已刷新"


def test_a_dropped_spreadsheet_opens_the_import_dialog(window: MainWindow, qtbot, monkeypatch,  # noqa: ANN001
                                                       tmp_path: Path) -> None:
    import ui.excel.actions as actions

    opened: list[str | None] = []
    monkeypatch.setattr(actions, "open_import_dialog", lambda parent, ctx, kind="ledger", path=None: opened.append(path))
    sheet = tmp_path / "问题清单.xlsx"
    sheet.write_bytes(b"PK")
    _drop(window, sheet, tmp_path / "说明.docx")
    qtbot.waitUntil(lambda: opened == [str(sheet)])


def test_a_dropped_bundle_goes_to_the_import_tab(window: MainWindow, qtbot, monkeypatch,  # noqa: ANN001
                                                 tmp_path: Path) -> None:
    from ui.sync.import_tab import ImportTab

    previewed: list[list[str]] = []
    monkeypatch.setattr(ImportTab, "preview_paths", lambda self, names: previewed.append([str(n) for n in names]))
    bundle = tmp_path / "532801-to-532800.fdbundle"
    bundle.write_bytes(b"PK")
    _drop(window, bundle)
    qtbot.waitUntil(lambda: previewed == [[str(bundle)]])
    page = window.stack.currentWidget()
    assert page is window.pages["exchange"] and page.tabs.currentWidget() is page.importer


def test_only_spreadsheets_and_bundles_are_taken() -> None:
    sheets, bundles = MainWindow.dropped_files(["a.XLSX", "b.xls", "c.fdbundle", "d.pdf", "e.docx"])
    assert sheets == ["a.XLSX", "b.xls"] and bundles == ["c.fdbundle"]


@pytest.mark.parametrize(("button", "expected"), [("打开文件", "问题台账.xlsx"), ("打开所在文件夹", "")])
def test_a_written_file_can_be_opened_from_the_message(qtbot, monkeypatch, tmp_path: Path,  # noqa: ANN001
                                                       button: str, expected: str) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui import dialogs

    opened: list[Path] = []
    monkeypatch.setattr(dialogs, "open_path", lambda p: opened.append(Path(p)) or True)
    out = tmp_path / "问题台账.xlsx"
    out.write_bytes(b"x")

    def click() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(20, click)
            return
        [b] = [b for b in boxes[0].buttons() if b.text() == button]
        b.click()

    QTimer.singleShot(20, click)
    real_file_saved(None, "已导出 3 行", out)
    assert opened == [tmp_path / expected if expected else tmp_path]


@pytest.mark.parametrize(("page", "heading"), [("ledger", "问题台账"), ("quiz", "业务测试"), ("dashboard", "工作台")])
def test_f1_opens_the_manual_at_the_page_in_front(window: MainWindow, qtbot, page: str,  # noqa: ANN001
                                                  heading: str) -> None:
    window.show_page(page)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_dialog = window._help
    assert help_dialog is not None and help_dialog.isVisible()
    browser = help_dialog.browser
    assert "调研工作台 使用说明" in browser.toPlainText()
    # the section's heading is at the top of the view: the first visible text block is it
    doc = browser.document()
    block = doc.begin()
    while block.isValid() and block.text() != heading:
        block = block.next()
    assert block.isValid()
    # the section's heading is in the upper part of the view (at the top, unless the document ends first)
    y = doc.documentLayout().blockBoundingRect(block).top() - browser.verticalScrollBar().value()
    assert 0 <= y < browser.viewport().height() / 2


def test_the_manual_has_a_section_for_every_page() -> None:
    from ui.help_dialog import MANUAL
    from ui.navigation import PAGES

    text = MANUAL.read_text(encoding="utf-8")
    for spec in PAGES:
        assert f'<h2 id="{spec.key}">{spec.title}</h2>' in text


def test_recent_files_are_kept_and_open_again(window: MainWindow, qtbot, monkeypatch,  # noqa: ANN001
                                              tmp_path: Path) -> None:
    """文件 › 最近打开: spreadsheets and bundles imported lately, newest first, kept across restarts; choosing
    one imports it again (the preview first, as a dropped file); files gone from the disk are not listed."""
    import ui.excel.actions as actions
    from ui import prefs
    from ui.sync.import_tab import ImportTab

    opened: list[str | None] = []
    monkeypatch.setattr(actions, "open_import_dialog", lambda parent, ctx, kind="ledger", path=None: opened.append(path))
    previewed: list[list[str]] = []
    monkeypatch.setattr(ImportTab, "preview_paths",
                        lambda self, names: previewed.append([str(n) for n in names]) or None)
    window.fill_recent_menu()
    assert [a.text() for a in window.recent_menu.actions()] == ["（暂无）"]
    sheet, bundle, gone = tmp_path / "问题清单.xlsx", tmp_path / "532801-to-532800.fdbundle", tmp_path / "旧表.xlsx"
    for f in (sheet, bundle, gone):
        f.write_bytes(b"PK")
    for f in (gone, bundle, sheet):
        prefs.remember_recent(f)
    prefs.remember_recent(bundle)  # again: moves to the top, listed once
    gone.unlink()
    window.fill_recent_menu()
    entries = [a for a in window.recent_menu.actions() if a.isEnabled() and not a.isSeparator()]
    assert [a.text() for a in entries] == ["&1 532801-to-532800.fdbundle", "&2 问题清单.xlsx", "清除列表"]
    entries[1].trigger()
    qtbot.waitUntil(lambda: opened == [str(sheet.resolve())])
    entries[0].trigger()
    qtbot.waitUntil(lambda: previewed == [[str(bundle.resolve())]])
    prefs.clear_recent()
    assert prefs.recent_files() == []
    for _ in range(prefs.RECENT_MAX + 2):
        f = tmp_path / f"表{_}.xlsx"
        f.write_bytes(b"PK")
        prefs.remember_recent(f)
    assert len(prefs.recent_files()) == prefs.RECENT_MAX and prefs.recent_files()[0].endswith("表9.xlsx")


@pytest.mark.parametrize(("page", "box"), [("ledger", "filter_bar.text"), ("visits", "find"), ("topics", "find"),
                                           ("meetings", "find"), ("quiz", "bank.search")])
def test_ctrl_f_goes_to_the_search_box_of_the_page_in_front(window: MainWindow, qtbot, page: str,  # noqa: ANN001
                                                            box: str) -> None:
    shown = window.show_page(page)
    target = shown
    for part in box.split("."):
        target = getattr(target, part)
    target.setText("村")
    window.activateWindow()
    qtbot.waitActive(window)  # a window shortcut fires only in the active window
    window.nav.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert target.hasFocus() and target.selectedText() == "村"


def test_ctrl_f_on_a_page_without_a_search_box_says_so(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    window.show_page("settings")
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.statusBar().currentMessage() == "本页没有查找框"


def test_backups_cards_and_the_audit_log_offer_their_folder(window: MainWindow, ctx: AppContext, qtbot,  # noqa: ANN001
                                                            monkeypatch, tmp_path: Path) -> None:
    """Every written file ends in the 打开文件/打开所在文件夹 message; a data file only this program reads (a backup,
    an identity card) offers its folder only."""
    from ui import dialogs
    from ui.settings import backup_ops

    saved: list[tuple[str, bool]] = []
    monkeypatch.setattr(dialogs, "file_saved", lambda parent, text, path, title="", openable=True:
                        saved.append((Path(path).suffix, openable)))
    out = backup_ops.backup_now(window, ctx)
    assert out is not None and saved == [(out.suffix, False)]
    settings = window.show_page("settings")
    from ui.settings.audit_tab import AuditTab
    from ui.sync.cards_tab import CardsTab

    [audit_tab] = settings.findChildren(AuditTab)
    audit_tab.export(str(tmp_path / "审计日志.xlsx"))
    assert saved[-1] == (".xlsx", True)
    exchange = window.show_page("exchange")
    [cards] = exchange.findChildren(CardsTab)
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(tmp_path / "532801.fdcard"))
    cards.export_card()
    assert saved[-1] == (".fdcard", False) and (tmp_path / "532801.fdcard").exists()


def test_the_folder_only_message_has_no_open_file_button(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen: list[list[str]] = []

    def look() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(20, look)
            return
        seen.append([b.text() for b in boxes[0].buttons()])
        [close] = [b for b in boxes[0].buttons() if b.text() == "关闭"]
        close.click()

    QTimer.singleShot(20, look)
    real_file_saved(None, "已备份到：x.db", tmp_path / "x.db", openable=False)
    assert seen and "打开文件" not in seen[0] and "打开所在文件夹" in seen[0]
