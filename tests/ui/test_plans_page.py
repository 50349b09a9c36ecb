"""计划清单 page: new → items typed in the table → 保存 → 报送 to the leader; ◀ ▶; 结转; a bad line refused, nothing saved."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt

from desktop_app.campaign import periods, plans
from desktop_app.campaign.plans import PlanItemInput
from desktop_app.org.organisation import list_people, list_sections
from tests.helpers.common import TEST_ACTOR
from ui.campaign.plan_models import COL_DUE, COL_OWNER, COL_STATE, COL_TEXT
from ui.campaign.plans_page import PlansPage

W49 = periods.parse("week", "2026-W49")


def _org(ctx) -> dict[str, str]:
    out = {p.name: p.id for p in list_people(ctx.db, 2026)}
    out.update({s.name: s.id for s in list_sections(ctx.db)})
    return out


def _page(qtbot, ctx) -> PlansPage:
    page = PlansPage(ctx)
    qtbot.addWidget(page)
    page.set_period("week", W49)
    return page


def _select(page: PlansPage, section: str) -> None:
    row = page.status_model.row_of(lambda r: r.section_name == section)
    assert row >= 0
    page.status_table.selectRow(row)


def _type(page: PlansPage, row: int, col: int, value) -> None:
    assert page.items_model.setData(page.items_model.index(row, col), value, Qt.ItemDataRole.EditRole)


def test_new_plan_typed_saved_and_filed(qtbot, ctx, dialog_answers) -> None:
    org = _org(ctx)
    page = _page(qtbot, ctx)
    assert page.period_label.text() == "2026年第49周（11月30日—12月6日）"
    assert "未报送（3 个）" in page.not_filed.text()
    _select(page, "规划发展科")
    assert page.buttons["file"].isEnabled() is False
    page.buttons["new"].click()
    assert page.plan is not None and page.items_model.rowCount() == 1  # a first empty line, ready to type
    _type(page, 0, COL_TEXT, "完成防返贫监测数据比对")
    _type(page, 0, COL_OWNER, org["黄涛"])
    _type(page, 0, COL_DUE, QDate(2026, 12, 4))
    page.add_btn.click()
    _type(page, 1, COL_TEXT, "起草专题调研提纲")
    _type(page, 1, COL_STATE, "done")
    assert page.save()
    saved = plans.find_plan(ctx.db, org["规划发展科"], "week", "2026-W49")
    assert saved is not None
    assert [(i.text, i.owner_name, i.due, i.state) for i in saved.items] == [
        ("完成防返贫监测数据比对", "黄涛", dt.date(2026, 12, 4), "open"),
        ("起草专题调研提纲", "", dt.date(2026, 12, 6), "done")]  # a new line's due defaults to the week's end
    page.leader.setCurrentIndex(page.leader.findData(org["陈静"]))
    page.buttons["file"].click()  # confirm answered 确定
    filed = plans.find_plan(ctx.db, org["规划发展科"], "week", "2026-W49")
    assert filed is not None and filed.filed_to_name == "陈静" and filed.filed_on is not None
    row = page.status_model.item(page.status_model.row_of(lambda r: r.section_name == "规划发展科"))
    assert row is not None and row.status_label == "已报送" and row.filed_to_name == "陈静"
    assert "未报送（2 个）" in page.not_filed.text() and "规划发展科" not in page.not_filed.text()
    assert not page.buttons["file"].isEnabled() and not page.buttons["remove"].isEnabled()


def test_empty_line_refused_and_nothing_saved(qtbot, ctx, dialog_answers) -> None:
    org = _org(ctx)
    p = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "week", "2026-W49", [PlanItemInput("原有事项")])
    page = _page(qtbot, ctx)
    _select(page, "综合科")
    page.add_btn.click()  # left empty
    assert not page.save()
    assert dialog_answers.warnings and "第2项：事项内容不能为空" in dialog_answers.warnings[-1]
    assert [i.text for i in plans.get_plan(ctx.db, p.id).items] == ["原有事项"]
    # leaving the week with unsaved edits asks first; 取消 stays
    dialog_answers.confirms.append(False)
    page.next_btn.click()
    assert page.period == W49


def test_period_arrows_and_carry_over(qtbot, ctx, dialog_answers) -> None:
    org = _org(ctx)
    p = plans.create_plan(ctx.db, TEST_ACTOR, org["综合科"], "week", "2026-W49",
                          [PlanItemInput("甲", org["吴芳"]), PlanItemInput("乙", state="done")])
    plans.file_plan(ctx.db, TEST_ACTOR, p.id, org["刘洋"])
    page = _page(qtbot, ctx)
    page.next_btn.click()
    assert page.period.text == "2026-W50"
    _select(page, "综合科")
    assert page.plan is None
    page.buttons["carry"].click()
    assert page.plan is not None and [r.text for r in page.items_model.rows] == ["甲"]
    assert page.items_model.rows[0].carried
    page.prev_btn.click()
    assert page.period.text == "2026-W49"
    _select(page, "综合科")
    assert [r.state for r in page.items_model.rows] == ["carried", "done"]


def test_kind_selector_and_year_plan_recorded(qtbot, ctx, dialog_answers) -> None:
    org = _org(ctx)
    y = plans.create_plan(ctx.db, TEST_ACTOR, org["政策法规科"], "year_plan", "2026",
                          [PlanItemInput("课题2个，调研20次，组工讲堂12期")])
    plans.file_plan(ctx.db, TEST_ACTOR, y.id, org["刘洋"])
    page = _page(qtbot, ctx)
    page.kind.setCurrentIndex(page.kind.findData("year_plan"))
    assert page.period.text == "2026" and page.period_label.text() == "2026年度"
    _select(page, "政策法规科")
    assert page.buttons["record"].isEnabled()
    page.buttons["record"].click()
    got = plans.get_plan(ctx.db, y.id)
    assert got.status == "recorded" and got.recorded_by == TEST_ACTOR.label
    row = page.status_model.item(page.status_model.row_of(lambda r: r.section_name == "政策法规科"))
    assert row is not None and row.status_label == "已备案"
    page.kind.setCurrentIndex(page.kind.findData("quarter_gap"))
    assert page.period.grain == "quarter"


def test_open_target_from_todo(qtbot, ctx) -> None:
    org = _org(ctx)
    page = PlansPage(ctx)
    qtbot.addWidget(page)
    page.open_target(org["政策法规科"], "month_key 2026-11")
    assert page.kind_key() == "month_key" and page.period.text == "2026-11"
    assert page.selected_section() == org["政策法规科"]

