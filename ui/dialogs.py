"""Every message box, confirmation, question and file dialog goes through here.

Call these through the module (``from ui import dialogs; dialogs.confirm(...)``),
never ``from ui.dialogs import confirm``: tests answer dialogs by monkeypatching
the module's functions (see the ``answer_dialogs`` fixture in tests/ui/conftest.py).

The API (stable):

- ``info(parent, text, title="调研工作台") -> None``
- ``warn(parent, text, title="调研工作台") -> None``
- ``file_saved(parent, text, path, title="调研工作台", openable=True) -> None``: a file was written; offers
  打开文件 (not for a data file: a backup, a bundle, a card) / 打开所在文件夹
- ``confirm(parent, text, title="请确认", ok="确定", danger=False) -> bool``
- ``ask_text(parent, label, title, text="", multiline=False, password=False) -> str | None`` (None when cancelled)
- ``open_file(parent, caption, filter="", directory="") -> str | None``
- ``open_files(parent, caption, filter="", directory="") -> list[str]``
- ``save_file(parent, caption, filter="", directory="") -> str | None``
- ``choose_dir(parent, caption, directory="") -> str | None``
- ``show_error(parent, exc) -> None``: a ``FieldDeskError`` is shown calmly (message + what to do);
  anything else is a bug and goes to ``show_bug``.
- ``show_bug(parent, exc_type, exc, tb) -> None``: the bug dialog with details to copy.
- ``guard(parent)``: a context manager that runs a block and shows any exception with
  ``show_error``; ``ok`` on the returned object tells whether the block finished.
- ``ok_cancel(dialog, ok, on_ok=None, first=Ok) -> QDialogButtonBox``: a form's ``ok`` / 取消 button row.

File-dialog filters are Qt's ("Excel 文件 (*.xlsx *.xls)").
"""

from __future__ import annotations

import platform
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QStandardPaths
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import FieldDeskError

APP_TITLE = "调研工作台"


def _tr(text: str) -> str:
    return QCoreApplication.translate("dialogs", text)


def info(parent: QWidget | None, text: str, title: str = APP_TITLE) -> None:
    """An information message."""
    QMessageBox.information(parent, title, text)


def file_saved(parent: QWidget | None, text: str, path: str | Path, title: str = APP_TITLE,
               openable: bool = True) -> None:
    """Tell that a file was written, offering 打开文件 and 打开所在文件夹 (what a clerk does next); a data file that
    only this program reads (a backup, a bundle, a card: ``openable=False``) gets the folder only."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.NoButton, parent)
    open_file = box.addButton(_tr("打开文件"), QMessageBox.ButtonRole.ActionRole) if openable else None
    open_dir = box.addButton(_tr("打开所在文件夹"), QMessageBox.ButtonRole.ActionRole)
    close = box.addButton(_tr("关闭"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    box.exec()
    if open_file is not None and box.clickedButton() is open_file:
        open_path(Path(path))
    elif box.clickedButton() is open_dir:
        open_path(Path(path).parent)


def open_path(path: Path) -> bool:
    """Open a file or folder with the system's program for it (WPS for .xlsx, the PDF reader, the file manager)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def warn(parent: QWidget | None, text: str, title: str = APP_TITLE) -> None:
    """A warning message."""
    QMessageBox.warning(parent, title, text)


def confirm(parent: QWidget | None, text: str, title: str = "", ok: str = "", danger: bool = False) -> bool:
    """Ask yes/no; True when the user chose ``ok``. ``danger`` makes Cancel the default button."""
    box = QMessageBox(QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question, title or _tr("请确认"), text,
                      QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(ok or _tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(_tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no if danger else yes)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


def ask_text(parent: QWidget | None, label: str, title: str = APP_TITLE, text: str = "",
             multiline: bool = False, password: bool = False) -> str | None:
    """One line of text (``multiline``: a paragraph, e.g. a 问题描述), or None when cancelled.

    ``password`` hides what is typed (e.g. the 监考密码 in front of the candidates).
    """
    dlg = text_dialog(parent, label, title, text, multiline)
    if password:
        dlg.setTextEchoMode(QLineEdit.EchoMode.Password)
    return dlg.textValue() if dlg.exec() else None


def text_dialog(parent: QWidget | None, label: str, title: str, text: str, multiline: bool) -> QInputDialog:
    """The box ``ask_text`` shows: wide enough to read a prefilled sentence (Qt's own sizes it to the label)."""
    from ui.form_dialog import FormInputDialog  # imported here: form_dialog asks through this module

    dlg = FormInputDialog(parent)
    dlg.setWindowTitle(title)
    dlg.setLabelText(label)
    if multiline:
        dlg.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
    dlg.setTextValue(text)
    dlg.resize(560 if multiline else 420, 260 if multiline else dlg.sizeHint().height())
    return dlg


_last_dir: str = ""


def start_dir(directory: str = "") -> str:
    """Where a file box opens: the folder last used (else 文档), with ``directory``'s bare file name
    (e.g. 问题台账.xlsx) kept — Qt would otherwise open in the program's own folder."""
    if directory and Path(directory).is_absolute():
        return directory
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    remembered = _last_dir or _remembered_dir()
    base = remembered or (documents if documents and Path(documents).is_dir() else str(Path.home()))
    return str(Path(base) / directory) if directory else base


def _remembered_dir() -> str:
    """The folder last used in an earlier run (kept in this PC's preferences), if it still exists."""
    from ui import prefs

    folder = prefs.get_text("last_dir")
    return folder if folder and Path(folder).is_dir() else ""


def _remember(path: str) -> None:
    global _last_dir
    if path:
        from ui import prefs

        _last_dir = str(Path(path).parent)
        prefs.set_value("last_dir", _last_dir)  # the next start opens here too


def open_file(parent: QWidget | None, caption: str, filter: str = "", directory: str = "") -> str | None:
    """A file to open, or None."""
    path, _ = QFileDialog.getOpenFileName(parent, caption, start_dir(directory), filter)
    _remember(path)
    return path or None


def open_files(parent: QWidget | None, caption: str, filter: str = "", directory: str = "") -> list[str]:
    """Files to open (possibly none)."""
    paths, _ = QFileDialog.getOpenFileNames(parent, caption, start_dir(directory), filter)
    if paths:
        _remember(paths[0])
    return list(paths)


def save_file(parent: QWidget | None, caption: str, filter: str = "", directory: str = "") -> str | None:
    """Where to save, or None."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, start_dir(directory), filter)
    _remember(path)
    return path or None


def choose_dir(parent: QWidget | None, caption: str, directory: str = "") -> str | None:
    """A folder, or None."""
    path = QFileDialog.getExistingDirectory(parent, caption, start_dir(directory))
    if path:
        _remember(str(Path(path) / "x"))  # the folder itself is the one to start from next time
    return path or None


def error_text(exc: FieldDeskError) -> str:
    """How a known error reads to a clerk: what happened, then what to do."""
    return exc.message + (f"\n\n{_tr('处理办法：')}{exc.action}" if exc.action else "")


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Show a known error calmly (the machine's too: disk full, read-only, locked …); anything else is a bug."""
    from desktop_app.core.db_errors import known_error

    known = known_error(exc)
    if known is not None:
        warn(parent, error_text(known), _tr("操作未完成"))
    else:
        show_bug(parent, type(exc), exc, exc.__traceback__)


def bug_details(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The text a technician needs: versions and the traceback."""
    try:
        from PySide6 import __version__ as pyside_version
    except ImportError:  # pragma: no cover
        pyside_version = "?"
    head = (f"调研工作台 错误报告\nPython {sys.version.split()[0]} · PySide6 {pyside_version} · "
            f"{platform.platform()}\n\n")
    return head + "".join(traceback.format_exception(exc_type, exc, tb))


class BugDialog(QDialog):
    """程序错误 — an unexpected error, with details the clerk can copy and send."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("程序出现意外错误"))
        self.resize(640, 420)
        self.details = details
        lay = QVBoxLayout(self)
        lead = QLabel(self.tr("很抱歉，程序遇到了一个意外错误。您的数据已保存到上一次成功操作为止。\n"
                              "请点击“复制详细信息”，将内容发送给技术支持人员。"))
        lead.setWordWrap(True)
        lay.addWidget(lead)
        text = QPlainTextEdit(details)
        text.setReadOnly(True)
        text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lay.addWidget(text, 1)
        row = QHBoxLayout()
        copy = QPushButton(self.tr("复制详细信息"))
        copy.clicked.connect(self.copy_details)
        row.addWidget(copy)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        lay.addLayout(row)

    def copy_details(self) -> None:
        """Put the details on the clipboard."""
        QApplication.clipboard().setText(self.details)


def show_bug(parent: QWidget | None, exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
    """The bug dialog (modal)."""
    from PySide6.QtCore import Qt  # not at import: the main window's frame is painted before ``Qt`` is built

    dlg = BugDialog(bug_details(exc_type, exc, tb), parent)
    dlg.setWindowModality(Qt.WindowModality.ApplicationModal)
    dlg.exec()


@dataclass
class Outcome:
    """What ``guard`` learned: ``ok`` is False when the block raised (and the error was shown)."""

    ok: bool = True
    error: BaseException | None = None


@contextmanager
def guard(parent: QWidget | None) -> Iterator[Outcome]:
    """Run a block; show any exception (calmly if known) instead of letting it escape a slot.

    ::

        with dialogs.guard(self) as done:
            organisation.add_section(ctx.db, ctx.actor, name)
        if done.ok:
            notify(Kind.SECTION)
    """
    out = Outcome()
    try:
        yield out
    except Exception as exc:  # shown to the user here: this is the one place slot errors surface
        out.ok, out.error = False, exc
        show_error(parent, exc)


def ok_cancel(dialog: QDialog, ok: str, on_ok: Callable[[], object] | None = None, *,
              first: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Ok) -> QDialogButtonBox:
    """A form's button row: ``ok`` (保存, 确定, 登录…) and 取消, labelled in Chinese whatever the system's language.

    ``on_ok`` runs on the first button (the dialog's ``accept`` when None); 取消 rejects. ``first`` is the
    standard button behind ``ok`` (``Save`` or ``Ok``: tests and key handling find it by it).
    """
    box = QDialogButtonBox(first | QDialogButtonBox.StandardButton.Cancel)
    box.button(first).setText(ok)
    box.button(first).setDefault(True)  # Enter submits the form
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(_tr("取消"))
    box.accepted.connect(on_ok if on_ok is not None else dialog.accept)
    box.rejected.connect(dialog.reject)
    return box
