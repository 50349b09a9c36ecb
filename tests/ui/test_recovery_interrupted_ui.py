"""Issue 12, item 1 in the GUI: a data folder an older FieldDesk left half-migrated opens the recovery
dialog saying the upgrade was interrupted, with the backup that opens chosen (not a newer copy of the
broken file); restoring it brings the office back at the newest schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from db import migrate
from desktop_app.core import backup
from desktop_app.core.context import AppContext, open_context
from desktop_app.core.errors import MigrationInterruptedError
from tests.helpers.workers import let_workers_finish


def test_a_half_applied_upgrade_opens_the_recovery_dialog_on_the_good_backup(qtbot, ctx: AppContext,  # noqa: ANN001
                                                                            dialog_answers) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from ui.recovery_dialog import RecoveryDialog

    root = ctx.data.root
    migrate.downgrade(ctx.db.engine, "0004")
    with ctx.db.engine.connect() as c:
        c.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    let_workers_finish()  # its windows' background reads end before the database closes
    ctx.close()
    good = backup.make_backup(ctx.data.db_path, ctx.data.backups, "pre-migration")
    with sqlite3.connect(ctx.data.db_path) as conn:  # an older version's ALTER TABLE that outlived its kill
        conn.execute("ALTER TABLE peer_state ADD COLUMN office_name VARCHAR(100) DEFAULT '' NOT NULL")
    broken = backup.make_backup(ctx.data.db_path, ctx.data.backups, "pre-migration")
    with pytest.raises(MigrationInterruptedError) as info:
        open_context(root)
    dlg = RecoveryDialog(info.value, root)
    qtbot.addWidget(dlg)
    assert "升级被中断" in " ".join(lbl.text() for lbl in dlg.findChildren(QLabel))
    chosen = dlg.list.currentItem()
    assert chosen is not None and Path(chosen.data(Qt.ItemDataRole.UserRole)) == good != broken
    dlg.btn_restore.click()
    assert dlg.result() == dlg.DialogCode.Accepted and dlg.restored_from == good
    reopened = open_context(root)
    try:
        assert migrate.current_revision(reopened.db.engine) == migrate.head_revision()
        assert reopened.office_code == "532801"
    finally:
        reopened.close()
