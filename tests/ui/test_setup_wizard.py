"""The first-start wizard, driven as a clerk would; results checked through the services."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWizard

from desktop_app.core.context import AppContext
from desktop_app.org import organisation
from ui.setup_wizard import SetupWizard


def _wizard(qtbot, ctx: AppContext) -> SetupWizard:  # noqa: ANN001
    w = SetupWizard(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def _type(widget, text: str) -> None:  # noqa: ANN001
    """Type like a clerk; QTest can only synthesise ASCII keys, so Chinese goes in as an input-method commit would."""
    widget.clear()
    if text.isascii():
        QTest.keyClicks(widget, text)
    else:
        widget.insert(text)


def _next(w: SetupWizard) -> None:
    w.button(QWizard.WizardButton.NextButton).click()


def _fill_office(w: SetupWizard, code: str = "532801") -> None:
    p = w.office_page
    _type(p.code, code)
    _type(p.name, "景洪市乡村振兴局")
    p.level.setCurrentIndex(p.level.findData("county"))
    _type(p.parent_code, "532800")


def _add_person(w: SetupWizard, name: str, section: str, post: str, leader: bool = False,
                quota: int | None = None) -> None:
    p = w.people_page
    _type(p.name, name)
    p.section.setCurrentText(section)
    _type(p.post, post)
    p.leader.setChecked(leader)
    if quota is not None:
        p.quota.setValue(quota)
    p.add_btn.click()


def _fill_account(w: SetupWizard, password: str = "Jinghong2026", again: str | None = None) -> None:
    _next(w)  # from 调研年度 to the administrator account (the last page since accounts)
    assert w.currentPage() is w.account_page
    _type(w.account_page.password, password)
    _type(w.account_page.password2, password if again is None else again)


def test_wizard_end_to_end_creates_the_office(qtbot, empty_ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    w = _wizard(qtbot, empty_ctx)
    _fill_office(w)
    _next(w)
    assert w.currentPage() is w.sections_page
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()  # at least one section
    for name in ("综合科", "规划发展科", "政策法规科"):
        _type(w.sections_page.name, name)
        QTest.keyClick(w.sections_page.name, Qt.Key.Key_Return)
    _type(w.sections_page.name, "综合科")
    w.sections_page.add_btn.click()
    assert w.sections_page.error.isVisible() and "已添加过" in w.sections_page.error.text()
    assert w.sections_page.sections() == ["综合科", "规划发展科", "政策法规科"]
    w.sections_page.name.clear()
    _next(w)
    assert w.currentPage() is w.people_page
    assert [w.people_page.section.itemText(i) for i in range(w.people_page.section.count())] == \
        ["综合科", "规划发展科", "政策法规科"]
    _add_person(w, "刘洋", "综合科", "局长", leader=True)
    assert w.people_page.quota.value() == 90  # leader default followed the checkbox
    _add_person(w, "黄涛", "规划发展科", "科员")
    _add_person(w, "赵磊", "政策法规科", "科长", quota=70)
    assert w.people_page.table.rowCount() == 3
    _next(w)
    assert w.currentPage() is w.campaign_page
    assert "3 个科室，3 名人员" in w.campaign_page.summary.text()
    w.campaign_page.year.setValue(2026)
    w.campaign_page.staff_quota.setValue(65)
    _fill_account(w, again="Jinghong2025")
    assert w.account_page.person.currentData() == "刘洋"  # the first person entered, offered by default
    w.button(QWizard.WizardButton.FinishButton).click()
    assert "不一致" in w.account_page.error.text() and not organisation.is_set_up(empty_ctx.db)
    _type(w.account_page.password, "short")
    _type(w.account_page.password2, "short")
    w.button(QWizard.WizardButton.FinishButton).click()
    assert "至少需要8个字符" in w.account_page.error.text() and not organisation.is_set_up(empty_ctx.db)
    _type(w.account_page.password, "Jinghong2026")
    _type(w.account_page.password2, "Jinghong2026")
    w.button(QWizard.WizardButton.FinishButton).click()
    assert w.result() == QWizard.DialogCode.Accepted
    # the first account: 刘洋 as administrator (and clerk), signed in; the recovery code shown once
    from desktop_app.org import accounts

    [admin] = accounts.list_accounts(empty_ctx.db)
    assert (admin.login, admin.name, admin.roles) == ("admin", "刘洋", ["admin", "clerk"])
    assert empty_ctx.actor.account and empty_ctx.actor.login == "admin"
    assert w.recovery_code and any(w.recovery_code in t for t in dialog_answers.infos)
    assert accounts.recovery_code_matches(empty_ctx.db, w.recovery_code.lower())
    assert accounts.single_user_login(empty_ctx.db) is None and accounts.auto_sign_in(empty_ctx.db) is None

    db = empty_ctx.db
    office = organisation.get_office(db)
    assert (office.code, office.name, office.level, office.parent_code) == ("532801", "景洪市乡村振兴局", "county", "532800")
    assert office.public_key  # the signing key was made at setup
    assert [s.name for s in organisation.list_sections(db)] == ["综合科", "规划发展科", "政策法规科"]
    people = {p.name: p for p in organisation.list_people(db)}
    assert set(people) == {"刘洋", "黄涛", "赵磊"}
    assert people["刘洋"].is_leader and people["刘洋"].post == "局长" and people["刘洋"].effective_quota == 90
    assert people["黄涛"].quota_days is None and people["黄涛"].effective_quota == 65  # follows the campaign
    assert people["赵磊"].quota_days == 70
    camp = organisation.get_campaign(db, 2026)
    assert camp is not None and (camp.leader_quota, camp.staff_quota) == (90, 65)
    assert organisation.current_year(db) == 2026


def test_bad_office_code_shows_chinese_error_and_writes_nothing(qtbot, empty_ctx: AppContext) -> None:  # noqa: ANN001
    w = _wizard(qtbot, empty_ctx)
    _fill_office(w, code="53280")
    _next(w)
    assert w.currentPage() is w.office_page
    assert w.office_page.error.isVisible()
    assert "单位代码“53280”格式不正确" in w.office_page.error.text()
    assert "6位行政区划代码" in w.office_page.error.text()
    # a county with a prefecture-style code is refused too
    _type(w.office_page.code, "532800")
    _next(w)
    assert w.currentPage() is w.office_page and "末两位不应为00" in w.office_page.error.text()
    w.reject()
    assert not organisation.is_set_up(empty_ctx.db)
    with empty_ctx.db.session() as s:
        from sqlalchemy import text

        assert s.execute(text("SELECT count(*) FROM office")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM section")).scalar() == 0


def test_fixing_the_code_lets_the_clerk_go_on(qtbot, empty_ctx: AppContext) -> None:  # noqa: ANN001
    w = _wizard(qtbot, empty_ctx)
    _fill_office(w, code="abc")
    _next(w)
    assert w.office_page.error.isVisible()
    _type(w.office_page.code, "532801")
    _next(w)
    assert w.currentPage() is w.sections_page and not w.office_page.error.isVisible()


def test_error_at_save_goes_back_to_its_page_and_nothing_is_written(qtbot, empty_ctx: AppContext,  # noqa: ANN001
                                                                   monkeypatch) -> None:  # noqa: ANN001
    w = _wizard(qtbot, empty_ctx)
    _fill_office(w)
    _next(w)
    w.sections_page.add("综合科")
    _next(w)
    _add_person(w, "刘洋", "综合科", "局长", leader=True)
    _next(w)
    # the person's name grows too long behind the page's back: the service refuses at 完成
    w.people_page.people[0].name = "很" * 41
    _fill_account(w)
    w.button(QWizard.WizardButton.FinishButton).click()
    assert w.currentPage() is w.people_page
    assert w.people_page.error.isVisible() and "过长" in w.people_page.error.text()
    assert not organisation.is_set_up(empty_ctx.db)
    with empty_ctx.db.session() as s:
        from sqlalchemy import text

        assert s.execute(text("SELECT count(*) FROM person")).scalar() == 0


def test_removing_a_section_drops_its_people_after_asking(qtbot, empty_ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    w = _wizard(qtbot, empty_ctx)
    _fill_office(w)
    _next(w)
    w.sections_page.add("综合科")
    w.sections_page.add("规划发展科")
    _next(w)
    _add_person(w, "黄涛", "规划发展科", "科员")
    w.back()
    w.sections_page.list.setCurrentRow(1)
    dialog_answers.confirms.append(True)
    w.sections_page.remove_btn.click()
    assert "1 名人员" in dialog_answers.questions[-1]
    assert w.sections_page.sections() == ["综合科"] and w.people_page.people == []


def test_a_refusal_goes_away_once_the_clerk_types_the_name(qtbot, empty_ctx: AppContext) -> None:  # noqa: ANN001
    """人员姓名不能为空 / 科室已添加过 stayed on screen under a name already typed."""
    w = _wizard(qtbot, empty_ctx)
    _fill_office(w)
    _next(w)
    sp = w.sections_page
    _type(sp.name, "综合科")
    sp.add_btn.click()
    _type(sp.name, "综合科")
    sp.add_btn.click()
    assert sp.error.isVisible()
    QTest.keyClick(sp.name, Qt.Key.Key_Backspace)
    assert not sp.error.isVisible()
    sp.name.clear()
    _next(w)
    pp = w.people_page
    assert w.currentPage() is pp
    pp.add_btn.click()
    assert pp.error.isVisible() and "姓名不能为空" in pp.error.text()
    QTest.keyClicks(pp.name, "Li")
    assert not pp.error.isVisible()


def test_cancel_after_entering_sections_asks_before_throwing_them_away(qtbot, empty_ctx: AppContext,  # noqa: ANN001
                                                                      dialog_answers) -> None:  # noqa: ANN001
    """取消 (or Esc) on page 3 quit the program at once, everything typed lost; on page 1 it still just closes."""
    w = _wizard(qtbot, empty_ctx)
    w.reject()
    assert dialog_answers.questions == [] and w.result() == 0 and not w.isVisible()
    w = _wizard(qtbot, empty_ctx)
    _fill_office(w)
    _next(w)
    w.sections_page.add("综合科")
    _next(w)
    dialog_answers.confirms.append(False)
    w.button(QWizard.WizardButton.CancelButton).click()
    assert "放弃" in dialog_answers.questions[-1]
    assert w.isVisible() and w.currentPage() is w.people_page and w.sections_page.sections() == ["综合科"]
    dialog_answers.confirms.append(True)
    QTest.keyClick(w, Qt.Key.Key_Escape)
    assert not w.isVisible() and len(dialog_answers.questions) == 2
    assert not organisation.is_set_up(empty_ctx.db)


def test_one_person_office_signs_in_by_itself(qtbot, empty_ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    from desktop_app.org import accounts

    w = _wizard(qtbot, empty_ctx)
    _fill_office(w)
    _next(w)
    w.sections_page.add("综合科")
    _next(w)
    _add_person(w, "玉香", "综合科", "科员")
    _next(w)
    _fill_account(w)
    w.account_page.single.setChecked(True)
    w.button(QWizard.WizardButton.FinishButton).click()
    assert w.result() == QWizard.DialogCode.Accepted
    [one] = accounts.list_accounts(empty_ctx.db)
    assert set(one.roles) == {"admin", "clerk", "approver", "auditor"} and one.name == "玉香"
    auto = accounts.auto_sign_in(empty_ctx.db)
    assert auto is not None and auto.actor.login == "admin"
    # a second account ends the automatic sign-in
    accounts.add_account(empty_ctx.db, auto.actor, "wufang", "Second2026", ["clerk"])
    assert accounts.auto_sign_in(empty_ctx.db) is None
