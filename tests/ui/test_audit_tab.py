"""设置 › 审计日志: the auditor filters by person, action and date, exports what is shown to Excel (the export is
itself recorded) and checks the chain; a clerk sees only why not."""

from __future__ import annotations

import openpyxl
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop_app.core.context import AppContext
from desktop_app.org import accounts
from desktop_app.org import organisation as org
from tests.helpers.common import TEST_ACTOR
from tests.helpers.dialogs import DialogAnswers
from ui.settings.audit_tab import AuditTab

PW = "Jinghong2026"


def test_auditor_filters_exports_and_verifies(qtbot: QtBot, ctx: AppContext, dialog_answers: DialogAnswers,
                                             tmp_path) -> None:  # noqa: ANN001
    accounts.add_account(ctx.db, TEST_ACTOR, "admin", PW, ["admin"], person="刘洋")
    admin = accounts.sign_in(ctx.db, "admin", PW).actor
    accounts.add_account(ctx.db, admin, "shenji", PW, ["auditor"], person="赵磊", must_change=False)
    org.add_section(ctx.db, admin, "组织科")
    ctx.actor = accounts.sign_in(ctx.db, "shenji", PW).actor
    tab = AuditTab(ctx)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == len(tab.rows) > 5 and tab.query_btn.isEnabled()
    tab.person.setText("刘洋")
    tab.refresh()
    assert {r.actor for r in tab.rows} == {"刘洋"}
    tab.person.clear()
    tab.action.setCurrentIndex(tab.action.findData("sign_in"))
    tab.refresh()
    assert [r.action_label for r in tab.rows] and {r.action_label for r in tab.rows} == {"登录"}
    tab.by_date.setChecked(True)
    tab.start.setDate(tab.start.date().addYears(-5))
    tab.end.setDate(tab.end.date().addYears(-4))
    tab.refresh()
    assert tab.rows == [] and tab.count.text() == "共 0 条"
    tab.by_date.setChecked(False)
    tab.refresh()
    out = tmp_path / "审计.xlsx"
    tab.export(str(out))
    ws = openpyxl.load_workbook(out).active
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "登录" in cells and "赵磊" in cells and any("审计日志" in str(c) for c in cells)
    tab.action.setCurrentIndex(0)
    tab.refresh()
    assert tab.rows[0].action == "audit_export"  # the export is on the trail
    tab.verify()
    assert any("审计记录完整" in t for t in dialog_answers.infos)
    with ctx.db.transaction() as s:
        s.execute(text("DELETE FROM audit_entry WHERE id = 3"))
    tab.verify()
    assert any("有被删除的记录" in w for w in dialog_answers.warnings)


def test_a_clerk_cannot_read_the_log(qtbot: QtBot, ctx: AppContext) -> None:
    accounts.add_account(ctx.db, TEST_ACTOR, "admin", PW, ["admin"], person="刘洋")
    admin = accounts.sign_in(ctx.db, "admin", PW).actor
    accounts.add_account(ctx.db, admin, "wufang", PW, ["clerk"], person="吴芳", must_change=False)
    ctx.actor = accounts.sign_in(ctx.db, "wufang", PW).actor
    tab = AuditTab(ctx)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 0 and not tab.export_btn.isEnabled()
    assert "审计员和系统管理员" in tab.count.text() and "审计日志" in tab.query_btn.toolTip()


def test_details_read_in_chinese_and_the_export_keeps_them_whole() -> None:
    from desktop_app.core.audit_log import readable_details

    d = {"approved": True, "closure_id": "9170fe46-2d7b", "from": "532801", "rejected_rows": 0,
         "tables": {"attempt": {"conflicts": 0}}}
    text = readable_details(d)
    assert text == "审核通过：是；发送单位：532801；拒绝行数：0；数据表：1 项；另有 1 项技术细节（导出 Excel 可见）"
