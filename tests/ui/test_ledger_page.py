"""Ledger page: item through the dialog, progress, closure, verification, reopening, filters; models checked."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_app.core.context import AppContext
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.query import IssueFilter
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.summaries import responsibility_summary, supervision_list
from desktop_app.ledger.types import IssueInput
from tests.helpers.common import TEST_ACTOR
from tests.helpers.page_dialogs import drive_dialogs
from ui.ledger.issue_dialog import IssueDialog, to_qdate
from ui.ledger.issue_table_model import PAGE, IssueTableModel
from ui.ledger.ledger_page import LedgerPage
from ui.ledger.stats_widget import LedgerStatsWidget
from ui.ledger.step_dialogs import StepDialog
from ui.ledger.summary_models import ResponsibilityModel, SupervisionModel


def test_item_lifecycle_through_the_page(qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch,
                                         dialog_answers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = LedgerPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0

    def fill_item(d: QDialog) -> None:
        assert isinstance(d, IssueDialog)
        d.description.setPlainText("村党支部“三会一课”制度落实不到位")
        d.measures.setPlainText("建立台账，逐月检查")
        d.unit.setCurrentText("综合科")
        d.person.setCurrentText("吴芳")
        d.assigned.setDate(to_qdate(dt.date(2026, 2, 12)))
        d.by_workdays.setChecked(True)
        d.workdays.setValue(7)
        assert "2026-02-28" in d.preview.text()

    drive_dialogs(page, monkeypatch, fill_item)
    new_id = page.new_issue()
    assert new_id
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    row = page.model.row_at(0)
    assert row is not None and row.serial == "2026-001" and row.deadline == dt.date(2026, 2, 28)
    page.show_issue(new_id)
    assert page.detail.buttons["progress"].isEnabled() and not page.detail.buttons["verify"].isEnabled()

    def fill_progress(d: QDialog) -> None:
        assert isinstance(d, StepDialog) and d.step == "progress"
        d.text.setPlainText("已召开支部大会部署整改")
        d.percent.setValue(60)
        photo = tmp_path / "会议照片.jpg"
        photo.write_bytes(b"\xff\xd8jpeg")
        dialog_answers.files.append(str(photo))
        d.pick_files()
        assert d.files_label.text() == "会议照片.jpg"

    drive_dialogs(page, monkeypatch, fill_progress)
    page.run_step("progress")
    qtbot.waitUntil(lambda: page.model.row_at(0) is not None and page.model.row_at(0).progress_percent == 60)
    assert "已召开支部大会部署整改" in page.detail.timeline.toPlainText()
    assert "会议照片.jpg" in page.detail.timeline.toPlainText()
    [entry] = [t for t in get_issue_detail(ctx.db, new_id).timeline if t.kind == "progress"]
    assert entry.files[0][0] == "会议照片.jpg"
    assert (ctx.data.attachments / entry.files[0][1]).read_bytes() == b"\xff\xd8jpeg"

    # closure without evidence is refused, calmly, and nothing changes
    seen = drive_dialogs(page, monkeypatch, lambda d: d.text.setPlainText(""))
    page.run_step("closure")
    assert seen[0].result() != QDialog.DialogCode.Accepted
    assert any("佐证" in w for w in dialog_answers.warnings)
    assert get_issue_detail(ctx.db, new_id).pending_closure is None

    drive_dialogs(page, monkeypatch, lambda d: d.text.setPlainText("会议记录、整改台账照片"))
    page.run_step("closure")
    qtbot.waitUntil(lambda: page.detail.buttons["verify"].isEnabled())

    def approve(d: QDialog) -> None:
        assert isinstance(d, StepDialog) and d.step == "verify"
        d.decision.setCurrentIndex(d.decision.findData(True))

    drive_dialogs(page, monkeypatch, approve)
    page.run_step("verify")
    qtbot.waitUntil(lambda: page.model.row_at(0) is not None and page.model.row_at(0).status == "closed")
    assert page.model.row_at(0).colour == "grey"
    assert not page.detail.buttons["edit"].isEnabled() and page.detail.buttons["follow_up"].isEnabled()
    page.run_step("edit")  # read-only: explained, not opened
    assert any("不能修改" in t for t in dialog_answers.infos)

    def reopen(d: QDialog) -> None:
        assert isinstance(d, StepDialog) and d.step == "follow_up"
        d.text.setPlainText("回访发现制度执行又有松懈")
        d.satisfied.setChecked(False)
        d.reopen.setChecked(True)

    drive_dialogs(page, monkeypatch, reopen)
    page.run_step("follow_up")
    qtbot.waitUntil(lambda: page.model.row_at(0) is not None and page.model.row_at(0).status == "in_progress")
    assert page.detail.buttons["edit"].isEnabled()
    text = page.detail.timeline.toPlainText()
    assert "审核通过" in text and "重新打开" in text

    # filters: a second item, then text and colour
    create_issues(ctx.db, TEST_ACTOR, [IssueInput("机关党建工作推进滞后", unit="规划发展科")])
    page.reload()
    assert page.model.rowCount() == 2
    page.filter_bar.text.setText("三会一课")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert page.model.row_at(0).id == new_id
    page.filter_bar.text.setText("党建")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.row_at(0).id != new_id, timeout=3000)
    page.filter_bar.text.setText("不存在的词")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=3000)
    assert page.count_label.text() == "共 0 条"
    page.filter_bar.clear()
    assert page.model.rowCount() == 2

    # saved filter
    page.filter_bar.unit.setCurrentIndex(page.filter_bar.unit.findData("规划发展科"))
    assert page.model.rowCount() == 1
    dialog_answers.texts.append("规划科的问题")
    page.filter_bar.save_current()
    page.filter_bar.clear()
    assert page.model.rowCount() == 2
    i = page.filter_bar.saved.findData("规划科的问题")
    assert i > 0
    page.filter_bar.saved.activated.emit(i)
    assert page.model.rowCount() == 1 and page.model.filter.unit == "规划发展科"

    # the other two views
    page.tabs.setCurrentIndex(1)
    assert page.resp_model.rowCount() >= 2
    page.tabs.setCurrentIndex(2)
    assert page.sup_model.rowCount() == 0  # the saved filter shows 规划发展科 only, whose item has no deadline
    page.filter_bar.clear()


def test_keyboard_moves_the_detail(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids = create_issues(ctx.db, TEST_ACTOR, [IssueInput(f"问题{i}") for i in range(3)])
    page = LedgerPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert page.current_id == ids[0]
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.current_id == ids[1]
    qtbot.keyClick(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert page.current_id == ids[2]


def test_models_pass_the_model_tester(qtbot, qtmodeltester, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    items = [IssueInput(f"第{i}条问题，党建台账", unit=f"单位{i % 3}", person=f"人{i % 5}",
                        deadline=dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)) for i in range(PAGE * 2 + 37)]
    create_issues(ctx.db, TEST_ACTOR, items)
    model = IssueTableModel(ctx)
    model.set_query(IssueFilter(year=2026))
    assert model.rowCount() == PAGE * 2 + 37
    qtmodeltester.check(model)
    model.sort(8, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    resp = ResponsibilityModel()
    resp.set_rows(responsibility_summary(ctx.db, IssueFilter(year=2026)))
    qtmodeltester.check(resp)
    sup = SupervisionModel()
    sup.set_rows(supervision_list(ctx.db, IssueFilter(year=2026)))
    assert sup.rowCount() > 0
    qtmodeltester.check(sup)


def test_windowed_model_jumps_to_the_end_without_loading_everything(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    n = PAGE * 6 + 5
    create_issues(ctx.db, TEST_ACTOR, [IssueInput(f"问题{i:04d}") for i in range(n)])
    model = IssueTableModel(ctx)
    model.set_query(IssueFilter(year=2026))
    last = model.row_at(n - 1)
    assert last is not None and last.serial == f"2026-{n:03d}"
    assert model.cached_pages() == 2  # the first screen and the last page, nothing between
    # walking backwards from the end continues by key and agrees with the serial order
    for r in range(n - 1, n - PAGE - 20, -1):
        assert model.row_at(r).serial == f"2026-{r + 1:03d}"
    assert model.row_at(PAGE * 3 + 1).serial == f"2026-{PAGE * 3 + 2:03d}"


def test_stats_widget_draws_the_charts(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids = create_issues(ctx.db, TEST_ACTOR, [
        IssueInput("甲", unit="综合科", deadline=dt.date(2026, 1, 10), assigned_date=dt.date(2026, 1, 5)),
        IssueInput("乙", unit="综合科", deadline=dt.date(2026, 1, 20)),
    ])
    from desktop_app.ledger import lifecycle as lc

    lc.apply_closure(ctx.db, TEST_ACTOR, ids[0], "照片", dt.date(2026, 1, 8))
    lc.verify_closure(ctx.db, TEST_ACTOR, ids[0], True, date=dt.date(2026, 1, 9))
    w = LedgerStatsWidget(ctx)
    qtbot.addWidget(w)
    w.resize(700, 520)
    w.show()
    qtbot.waitExposed(w)
    assert w.task is not None  # the figures are computed off the UI thread
    qtbot.waitUntil(lambda: w.stats is not None, timeout=10_000)
    assert w.figures["total"].text() == "2" and w.figures["closed"].text() == "1"
    assert w.figures["rate"].text() == "50.0%"
    assert w.figures["avg"].text() == "4.0个工作日"
    assert w.units.items and w.units.items[0][0] == "综合科"
    assert w.months.closed[0] == 1
    image = w.grab().toImage()
    assert not image.isNull() and image.width() >= 600


def test_dashboard_reminder_lists_overdue_items_and_opens_one(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    late = dt.date.today() - dt.timedelta(days=30)
    ids = create_issues(ctx.db, TEST_ACTOR, [
        IssueInput("逾期未改的问题", unit="县民政局", deadline=late, assigned_date=late - dt.timedelta(days=30)),
        IssueInput("按期推进的问题", unit="县财政局", deadline=dt.date.today() + dt.timedelta(days=90)),
    ])
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.show_page("dashboard")
    panel = dashboard.findChild(LedgerStatsWidget)
    assert panel is not None
    qtbot.waitUntil(lambda: panel.due is not None, timeout=10_000)
    texts = [panel.due_list.item(i).text() for i in range(panel.due_list.count())]
    assert len(texts) == 1 and "逾期" in texts[0] and "县民政局" in texts[0]
    # the ledger was left filtered so that the overdue item is not listed
    ledger = window.show_page("ledger")
    ledger.filter_bar.set_filter(IssueFilter(year=ledger.model.filter.year, unit="县财政局"))
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 1)
    window.show_page("dashboard")
    panel.due_list.itemActivated.emit(panel.due_list.item(0))
    assert window.page("ledger") is ledger and ledger.current_id == ids[0]
    # opened from the dashboard, the item is in the list and its row selected: the narrowing filter gave way
    assert ledger.model.filter.unit == "" and ledger.model.rowCount() == 2
    selected = ledger.table.selectionModel().currentIndex()
    assert ledger.model.issue_id(selected.row()) == ids[0]


def test_stats_widget_with_no_items_shows_no_rate(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """A new office's dashboard: 销号率 is — (like 平均销号用时), not 0.0%."""
    w = LedgerStatsWidget(ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.stats is not None, timeout=10_000)
    assert w.figures["total"].text() == "0"
    assert w.figures["rate"].text() == "—" and w.figures["avg"].text() == "—"
    assert w.months.scale_label() == ""  # 最多 1 over an empty chart
    w.months.set_values([0, 3] + [0] * 10, [1] + [0] * 11)
    assert w.months.scale_label() == "最多 3"
