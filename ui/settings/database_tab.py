"""设置 › 数据库: which database is in use; choose a shared PostgreSQL server for the next start."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core import server_db
from desktop_app.core.context import AppContext
from desktop_app.core.errors import FieldDeskError, ValidationError
from desktop_app.server import settings as server_settings
from desktop_app.server.settings import CheckResult, ServerFields
from ui import dialogs
from ui.enabling import set_enabled
from ui.settings.widgets import button
from ui.tasks import Progress, Task, run_task


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


class DatabaseTab(QWidget):
    """数据库 — 本机数据文件或共享的 PostgreSQL 服务器."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task: Task | None = None
        self.in_use = QLabel()
        self.in_use.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.in_use.setWordWrap(True)
        self.next_start = QLabel()
        self.next_start.setObjectName("Hint")
        self.next_start.setWordWrap(True)

        box = QGroupBox(self.tr("共享数据库服务器（PostgreSQL）"))
        form = QFormLayout(box)
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("例如 10.0.0.5"))
        self.port = QLineEdit()
        self.port.setMaxLength(5)
        self.port.setMaximumWidth(100)
        self.database = QLineEdit()
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("只用于本次测试和迁移，不会写入任何文件"))
        for w in (self.host, self.database, self.user, self.password):
            w.setMaximumWidth(360)
        self.keep = QCheckBox(self.tr("记住密码（保存在系统钥匙串中）"))
        form.addRow(self.tr("服务器地址"), self.host)
        form.addRow(self.tr("端口"), self.port)
        form.addRow(self.tr("数据库名"), self.database)
        form.addRow(self.tr("用户名"), self.user)
        form.addRow(self.tr("密码"), self.password)
        form.addRow("", self.keep)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("测试结果"), self.result)

        self.test_btn = button(self.tr("测试连接(&T)"))
        self.test_btn.clicked.connect(self.test_connection)
        self.migrate_btn = button(self.tr("迁移到服务器…"))
        self.migrate_btn.clicked.connect(self.migrate)
        self.save_btn = button(self.tr("保存，下次启动使用该服务器"), primary=True)
        self.save_btn.clicked.connect(self.save)
        self.local_btn = button(self.tr("改回本机数据文件"))
        self.local_btn.clicked.connect(self.use_local_file)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        hint = QLabel(self.tr("单机使用时数据保存在本机数据文件中。州（市）单位多人同时录入时，可把数据放在内网的 PostgreSQL "
                              "服务器（13 或更新版本）上：先测试连接，再把本单位数据迁移到服务器上的空数据库，然后保存并"
                              "重新启动。密码从不写入文件：启动时取自环境变量 FIELDDESK_DB_PASSWORD、系统钥匙串，或在启动时询问。"))
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 20, 16)
        lay.addWidget(self.in_use)
        lay.addWidget(self.next_start)
        lay.addWidget(hint)
        lay.addWidget(box)
        row = QHBoxLayout()
        row.addWidget(self.test_btn)
        row.addWidget(self.migrate_btn)
        row.addStretch(1)
        row.addWidget(self.local_btn)
        row.addWidget(self.save_btn)
        lay.addLayout(row)
        lay.addStretch(1)
        self.refresh()
        self.fill_fields()

    # --- showing --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show what is in use and what the next start opens; fill the fields."""
        info = server_settings.current(self.ctx)
        stored = server_db.stored_url(self.ctx.data)
        if info.kind == "sqlite":
            self.in_use.setText(self.tr("当前使用：本机数据文件 %1（%2）").replace("%1", info.path)
                                .replace("%2", _size(info.size_bytes)))
        else:
            self.in_use.setText(self.tr("当前使用：数据库服务器 %1:%2，数据库 %3，用户 %4")
                                .replace("%1", info.host).replace("%2", str(info.port))
                                .replace("%3", info.database).replace("%4", info.user))
        if info.run_override:
            nxt = self.tr("本次启动用命令行参数 --db-url 或环境变量 FIELDDESK_DB_URL 指定了数据库，它优先于这里保存的设置。")
        elif info.next_start is None:
            nxt = ""
        elif info.next_start:
            nxt = self.tr("已保存：下次启动使用 %1。切换数据库需重新启动。").replace(
                "%1", server_db.ServerChoice(server_db.parse_url(info.next_start)).display)
        else:
            nxt = self.tr("已保存：下次启动改用本机数据文件。切换数据库需重新启动。")
        self.next_start.setText(nxt)
        self.next_start.setVisible(bool(nxt))
        has_keyring = server_settings.keyring_available()
        set_enabled(self.keep, None if has_keyring else self.tr("本机未安装 keyring 组件，无法使用系统钥匙串"))
        rights = self.ctx.actor.rights
        may = rights is None or "settings" in rights
        why = None if may else self.tr("需要“系统设置”权限（系统管理员）")
        set_enabled(self.save_btn, why)
        set_enabled(self.migrate_btn, why or (None if info.kind == "sqlite" else self.tr("已在使用数据库服务器")))
        set_enabled(self.local_btn, why or (None if info.kind == "postgresql" or stored
                                            else self.tr("正在使用本机数据文件，也没有保存的服务器设置")))

    def fill_fields(self) -> None:
        """The fields from the server in use, else the saved choice, else defaults (not on F5: what was typed stays)."""
        f = server_settings.fields_of(server_settings.current(self.ctx), server_db.stored_url(self.ctx.data))
        self.host.setText(f.host)
        self.port.setText(f.port)
        self.database.setText(f.database)
        self.user.setText(f.user)

    def fields(self) -> ServerFields:
        """What is typed in the fields (without the password)."""
        return ServerFields(self.host.text(), self.port.text(), self.database.text(), self.user.text())

    def _checked_fields(self) -> ServerFields | None:
        fields = self.fields()
        try:
            server_settings.build_url(fields)
        except ValidationError as exc:
            self._show_result(dialogs.error_text(exc), ok=False)
            target = {"host": self.host, "port": self.port, "database": self.database, "user": self.user}.get(
                exc.field or "")
            if target is not None:
                target.setFocus()
            return None
        return fields

    def _show_result(self, text: str, ok: bool) -> None:
        self.result.setText(text)
        self.result.setStyleSheet("QLabel { color: %s; }" % ("#1b6e20" if ok else "#b3261e"))

    def _busy(self, busy: bool) -> None:
        for b in (self.test_btn, self.save_btn, self.migrate_btn, self.local_btn):
            set_enabled(b, self.tr("正在处理，请稍候") if busy else None)
        if not busy:
            self.refresh()

    # --- actions ----------------------------------------------------------------------------------
    def test_connection(self) -> Task | None:
        """测试连接: every check a start makes, off the UI thread; the Chinese result below the fields."""
        fields = self._checked_fields()
        if fields is None:
            return None
        password = self.password.text()
        self._show_result(self.tr("正在连接…"), ok=True)
        self._busy(True)

        def work(_p: Progress) -> CheckResult:
            return server_settings.test_connection(self.ctx, fields, password)

        def done(result: CheckResult) -> None:
            self._busy(False)
            self._show_result(result.summary, ok=True)

        def failed(exc: BaseException) -> None:
            self._busy(False)
            if isinstance(exc, FieldDeskError):
                self._show_result(self.tr("连接失败：") + dialogs.error_text(exc), ok=False)
            else:
                self._show_result(self.tr("连接失败"), ok=False)
                dialogs.show_error(self, exc)

        self.task = run_task(self, self.tr("测试数据库连接"), work, on_done=done, on_error=failed, show_progress=False)
        return self.task

    def save(self) -> Task | None:
        """保存: test again, then remember the server for the next start (after a confirmation)."""
        fields = self._checked_fields()
        if fields is None:
            return None
        url = server_settings.build_url(fields)
        if not dialogs.confirm(self, self.tr("下次启动时改用数据库服务器 %1:%2 上的数据库 %3？\n\n切换数据库需重新启动。")
                               .replace("%1", url.host or "").replace("%2", str(url.port))
                               .replace("%3", url.database or ""), self.tr("保存数据库设置"), self.tr("保存")):
            return None
        password, keep = self.password.text(), self.keep.isChecked()
        self._busy(True)

        def work(_p: Progress) -> str:
            return server_settings.save_server(self.ctx, fields, password, keep)

        def done(where: str) -> None:
            self._busy(False)
            self._show_result(self.tr("已保存。"), ok=True)
            dialogs.info(self, self.tr("已保存：下次启动使用 %1。\n\n%2").replace("%1", where)
                         .replace("%2", server_settings.RESTART_NOTICE))

        def failed(exc: BaseException) -> None:
            self._busy(False)
            if isinstance(exc, FieldDeskError):
                self._show_result(self.tr("未保存：") + dialogs.error_text(exc), ok=False)
            dialogs.show_error(self, exc)

        self.task = run_task(self, self.tr("保存数据库设置"), work, on_done=done, on_error=failed, show_progress=False)
        return self.task

    def use_local_file(self) -> None:
        """改回本机数据文件 at the next start (the server's data stays on the server)."""
        if not dialogs.confirm(self, self.tr("下次启动时改用本机数据文件 %1？\n\n服务器上的数据不会被删除，但本机看不到它们；"
                                             "如需带回，请先用“fielddesk migrate-db --to 新文件.db”复制。\n切换数据库需重新启动。")
                               .replace("%1", str(self.ctx.data.db_path)), self.tr("改回本机数据文件"), self.tr("改回")):
            return
        try:
            server_settings.use_local_file(self.ctx)
        except Exception as exc:  # shown calmly when known, as a bug otherwise
            dialogs.show_error(self, exc)
            return
        self.refresh()
        dialogs.info(self, self.tr("已保存：下次启动使用本机数据文件。\n\n%1").replace("%1", server_settings.RESTART_NOTICE))

    def migrate(self) -> Task | None:
        """迁移到服务器…: copy this office into the server's empty database, verified, with a progress bar."""
        fields = self._checked_fields()
        if fields is None:
            return None
        command = server_settings.migrate_command(self.ctx, fields)
        if not dialogs.confirm(self, self.tr("把本单位全部数据复制到服务器上的空数据库？\n\n逐表核对行数与摘要，本机数据文件不改动。"
                                             "也可以在命令行运行：\n%1").replace("%1", command),
                               self.tr("迁移到服务器"), self.tr("开始迁移")):
            return None
        password = self.password.text()
        self._busy(True)

        def work(progress: Progress) -> tuple[str, int, int]:
            progress(0, 0, self.tr("正在复制并核对…"))
            return server_settings.migrate_to_server(self.ctx, fields, password)

        def done(result: tuple[str, int, int]) -> None:
            self._busy(False)
            where, tables, rows = result
            self._show_result(self.tr("迁移完成：%1 个表共 %2 行，核对一致。").replace("%1", str(tables))
                              .replace("%2", str(rows)), ok=True)
            dialogs.info(self, self.tr("已迁移到 %1：%2 个表共 %3 行，行数与摘要逐表核对一致；本机数据文件未改动。\n\n"
                                       "现在可以点“保存”，重新启动后即使用服务器。").replace("%1", where)
                         .replace("%2", str(tables)).replace("%3", str(rows)))

        def failed(exc: BaseException) -> None:
            self._busy(False)
            if isinstance(exc, FieldDeskError):
                self._show_result(self.tr("迁移未完成：") + dialogs.error_text(exc), ok=False)
            dialogs.show_error(self, exc)

        self.task = run_task(self, self.tr("迁移到服务器"), work, on_done=done, on_error=failed)
        return self.task


def ask_password_at_start(parent: QWidget | None) -> None:
    """Let the start ask for a server's password in a dialog when no environment variable or keyring has it."""

    def ask(where: str) -> str:
        text, ok = QInputDialog.getText(parent or QApplication.activeWindow(),
                                        QApplication.translate("DatabaseTab", "数据库密码"),
                                        QApplication.translate("DatabaseTab", "请输入数据库 %1 的密码：").replace("%1", where),
                                        QLineEdit.EchoMode.Password)
        return text if ok else ""

    server_db.ask_password = ask
