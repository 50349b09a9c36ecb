"""设置: sections, people, campaign, office — through the page's own buttons, checked via services."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.core import backup
from desktop_app.core.context import AppContext
from desktop_app.org import organisation
from ui.settings.settings_page import SettingsPage


@pytest.fixture
def page(qtbot, ctx: AppContext) -> SettingsPage:  # noqa: ANN001
    p = SettingsPage(ctx)
    qtbot.addWidget(p)
    p.show()
    return p


def _section_names(ctx: AppContext) -> list[str]:
    return [s.name for s in organisation.list_sections(ctx.db)]


def _select(view, row: int) -> None:  # noqa: ANN001
    view.selectRow(row)


def test_add_section_and_refuse_duplicate(page: SettingsPage, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    tab = page.sections
    tab.new_name.setText("项目管理科")
    tab.add_btn.click()
    assert _section_names(ctx) == ["综合科", "规划发展科", "政策法规科", "项目管理科"]
    assert tab.model.rowCount() == 4 and tab.new_name.text() == ""
    tab.new_name.setText("综合科")
    tab.add_btn.click()
    assert dialog_answers.warnings == ["科室“综合科”已存在\n\n处理办法：请换一个名称，或直接使用已有科室"]
    assert len(_section_names(ctx)) == 4 and tab.new_name.text() == "综合科"  # kept for correction


def test_add_person_through_the_form(qtbot, page: SettingsPage, ctx: AppContext) -> None:  # noqa: ANN001
    tab = page.people
    before = tab.model.rowCount()
    tab.add_btn.click()
    dlg = tab.dialog
    assert dlg is not None and dlg.isVisible()
    dlg.name.setText("孙丽")
    dlg.section.setCurrentText("政策法规科")
    dlg.post.setText("科员")
    dlg.own_quota.setChecked(True)
    dlg.quota.setValue(75)
    dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    people = {p.name: p for p in organisation.list_people(ctx.db)}
    assert people["孙丽"].section_name == "政策法规科" and people["孙丽"].quota_days == 75
    assert not people["孙丽"].is_leader
    assert tab.model.rowCount() == before + 1  # the change bus refreshed the table
    assert page.sections.model.rows[2] == ("政策法规科", 2)  # and the sections' head counts


def test_edit_and_deactivate_person(page: SettingsPage, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    tab = page.people
    row = next(i for i, p in enumerate(tab.people) if p.name == "黄涛")
    _select(tab.view, row)
    tab.edit_btn.click()
    assert tab.dialog is not None and tab.dialog.name.text() == "黄涛"
    tab.dialog.post.setText("副科长")
    tab.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert {p.name: p.post for p in organisation.list_people(ctx.db)}["黄涛"] == "副科长"
    row = next(i for i, p in enumerate(tab.people) if p.name == "黄涛")
    _select(tab.view, row)
    dialog_answers.confirms.append(True)
    tab.toggle_btn.click()
    assert "黄涛" not in [p.name for p in organisation.list_people(ctx.db)]
    assert "黄涛" in [p.name for p in organisation.list_people(ctx.db, include_inactive=True)]


def test_remove_section_refused_while_people_are_in_it(page: SettingsPage, ctx: AppContext,  # noqa: ANN001
                                                       dialog_answers) -> None:  # noqa: ANN001
    tab = page.sections
    _select(tab.view, 0)  # 综合科 has 刘洋 and 吴芳
    dialog_answers.confirms.append(True)
    tab.remove_btn.click()
    assert "综合科" in _section_names(ctx)
    assert "在岗人员" in dialog_answers.warnings[0] and "请先将这些人员调到其他科室" in dialog_answers.warnings[0]
    tab.new_name.setText("空科室")
    tab.add_btn.click()
    _select(tab.view, 3)
    dialog_answers.confirms.append(True)
    tab.remove_btn.click()
    assert "空科室" not in _section_names(ctx)


def test_rename_section(page: SettingsPage, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    tab = page.sections
    _select(tab.view, 1)
    dialog_answers.texts.append("发展规划科")
    tab.rename_btn.click()
    assert _section_names(ctx)[1] == "发展规划科"
    _select(tab.view, 1)
    dialog_answers.texts.append("综合科")
    tab.rename_btn.click()
    assert "已存在" in dialog_answers.warnings[-1] and _section_names(ctx)[1] == "发展规划科"


def test_campaign_year_and_quotas(page: SettingsPage, ctx: AppContext) -> None:
    tab = page.campaign
    assert tab.year.value() == 2026
    tab.year.setValue(2027)
    assert "尚未设立" in tab.state.text()
    tab.leader_quota.setValue(100)
    tab.staff_quota.setValue(70)
    tab.save_btn.click()
    assert organisation.current_year(ctx.db) == 2027
    camp = organisation.get_campaign(ctx.db, 2027)
    assert camp is not None and (camp.leader_quota, camp.staff_quota) == (100, 70)
    assert "当前年度" in tab.state.text()


def test_office_name_and_parent(page: SettingsPage, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    tab = page.office
    assert tab.code.text() == "532801" and tab.folder.text() == str(ctx.data.root)
    tab.name.setText("景洪市乡村振兴局（新）")
    tab.parent_code.setText("5328")
    tab.save_btn.click()
    assert "上级单位代码“5328”格式不正确" in dialog_answers.warnings[0]
    assert organisation.get_office(ctx.db).name == "景洪市乡村振兴局"  # nothing half-written
    tab.parent_code.setText("532800")
    tab.save_btn.click()
    assert organisation.get_office(ctx.db).name == "景洪市乡村振兴局（新）"


def test_backups_tab_lists_and_backs_up(page: SettingsPage, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    tab = page.backups
    before = tab.model.rowCount()
    tab.backup_btn.click()
    assert len(backup.list_backups(ctx.data.backups)) == before + 1
    assert tab.model.rowCount() == before + 1 and "手动备份" in tab.model.rows[0]
    assert str(ctx.data.db_path) in tab.where.text()


def test_restore_asks_by_the_backup_time_not_its_file_name(ctx: AppContext, dialog_answers, tmp_path) -> None:  # noqa: ANN001
    """The question read 用备份“fielddesk-20261122-181201-814450-manual.db”替换当前数据？"""
    import shutil

    from ui.settings import backup_ops

    made = backup.make_backup(ctx.data.db_path, ctx.data.backups, "manual")
    info = backup.backup_info(made)
    assert info is not None
    dialog_answers.confirms.extend([False, False])
    assert not backup_ops.restore_from(None, ctx, made)
    assert dialog_answers.questions[-1].startswith(f"用{info.created:%Y-%m-%d %H:%M:%S} 的手动备份替换当前数据？")
    other = tmp_path / "U盘备份.db"
    shutil.copy2(made, other)
    assert not backup_ops.restore_from(None, ctx, other)
    assert dialog_answers.questions[-1].startswith("用备份文件“U盘备份.db”替换当前数据？")


def test_parent_code_box_shows_its_whole_hint(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QApplication

    from ui import fonts
    from ui.settings.office_tab import OfficeTab

    app = QApplication.instance()
    before = app.font()
    fonts.install(app)  # the shipped font at the app's size, as a clerk sees it
    try:
        tab = OfficeTab(ctx)
        qtbot.addWidget(tab)
        box = tab.parent_code
        hint = box.fontMetrics().horizontalAdvance(box.placeholderText())
        assert box.maximumWidth() >= hint + 24  # the hint read "…可…" in a 200-pixel box
    finally:
        app.setFont(before)
