"""Typed errors with messages a clerk understands (Chinese) and what to do next.

Every error the core raises on purpose is a ``FieldDeskError``. The UI shows
these calmly; anything else is a bug and goes to the bug dialog.
"""

from __future__ import annotations


class FieldDeskError(Exception):
    """Base of all expected errors. ``message`` says what happened, ``action`` what to do."""

    exit_code = 1

    def __init__(self, message: str, action: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.action = action

    def __str__(self) -> str:
        return f"{self.message}{'；' + self.action if self.action else ''}"


class ValidationError(FieldDeskError):
    """Bad input: nothing was changed."""

    def __init__(self, message: str, action: str = "", field: str | None = None, row: int | None = None) -> None:
        super().__init__(message, action)
        self.field = field
        self.row = row


class NotFoundError(FieldDeskError):
    """A record the caller named does not exist (or was voided)."""


class PermissionDeniedError(FieldDeskError):
    """The acting user may not do this."""


class StateError(FieldDeskError):
    """The record is in a state that forbids this step (e.g. a closed ledger item)."""


class StaleEditError(StateError):
    """Someone else changed the record since this clerk read it; nothing was saved."""

    def __init__(self, message: str = "该问题已被他人修改，请刷新后再试",
                 action: str = "您填写的内容尚未保存：请先复制下来，刷新后再修改") -> None:
        super().__init__(message, action)


class SetupRequiredError(FieldDeskError):
    """The data folder has no office yet."""

    def __init__(self, message: str = "尚未初始化本单位信息", action: str = "请先运行 fielddesk init 或在设置向导中填写单位信息") -> None:
        super().__init__(message, action)


class DatabaseError(FieldDeskError):
    """A known database problem: corrupted, locked, disk full, unwritable."""

    exit_code = 3


class DatabaseCorruptError(DatabaseError):
    """``PRAGMA integrity_check`` failed; the way out is a restore from a good backup."""

    def __init__(self, path: str, detail: str = "", backup: str | None = None) -> None:
        action = (
            f"请从最近的完好备份恢复：fielddesk restore \"{backup}\"" if backup else "未找到可用的备份，请联系技术人员"
        )
        super().__init__(f"数据库文件已损坏（{path}）{('：' + detail) if detail else ''}", action)
        self.path = path
        self.detail = detail
        self.backup = backup


class MigrationInterruptedError(DatabaseCorruptError):
    """The file is stamped with one schema revision but already holds part of the next: an
    upgrade by an older FieldDesk was cut off. It cannot be opened or upgraded as it is."""

    def __init__(self, path: str, revision: str, problems: list[str], backup: str | None = None) -> None:
        super().__init__(path, f"上次数据库升级被中断，结构停在 {revision} 与下一版本之间（{'；'.join(problems[:3])}）",
                         backup)
        if backup:
            self.action = (f"请从升级前的完好备份恢复：fielddesk restore \"{backup}\"（或在打开程序时选择该备份）；"
                           "恢复后会重新升级。当前文件不会被删除")
        self.revision = revision
        self.problems = problems


class SchemaTooNewError(DatabaseError):
    """The database was written by a newer FieldDesk; opening it here could damage it."""

    def __init__(self, found: str) -> None:
        super().__init__(
            f"数据库由更新版本的调研工作台创建（结构版本 {found}），本版本无法安全打开",
            "请安装最新版本的调研工作台后再打开；数据未做任何改动",
        )
        self.found = found


class DataDirError(FieldDeskError):
    """The data folder cannot be created or written."""

    exit_code = 3


class ImportFileError(FieldDeskError):
    """A file offered for import cannot be read (not a workbook, encrypted, too large …)."""


class SyncError(FieldDeskError):
    """A bundle was refused; nothing was changed."""
