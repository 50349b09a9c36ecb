"""Work pages through their dialogs: create a topic and a visit, see the days update; clash warning; models."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import topics, visits
from desktop_app.work.types import OutcomeInput, TopicInput, VisitInput
from ui.work.stats_widget import WorkStatsWidget
from ui.work.table_models import (
    ClashTableModel,
    DaysTableModel,
    DictRowsModel,
    OutcomeTableModel,
    PersonVisitModel,
    TopicTableModel,
    VisitTableModel,
)
from ui.work.topic_dialogs import ScoresDialog, TopicDialog
from ui.work.topics_page import TopicsPage
from ui.work.visit_dialog import VisitDialog
from ui.work.visits_page import VisitsPage


def _save(dlg) -> None:
    dlg.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def _pick(combo, text: str) -> None:
    i = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
    assert i >= 0, text
    combo.setCurrentIndex(i)


def _tick(checklist, name: str) -> None:
    for i in range(checklist.count()):
        if checklist.item(i).text().startswith(name):
            checklist.item(i).setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(name)


def test_create_topic_then_visit_through_dialogs_days_update(qtbot, ctx) -> None:
    tpage = TopicsPage(ctx)
    qtbot.addWidget(tpage)
    tpage.year.setValue(2026)
    assert tpage.model.rowCount() == 0
    dlg = TopicDialog(ctx, 2026, parent=tpage)
    qtbot.addWidget(dlg)
    _pick(dlg.section, "规划发展科")
    dlg.title.setText("防返贫监测机制运行情况")
    _pick(dlg.kind, "重点")
    _pick(dlg.lead, "陈静")
    _tick(dlg.members, "黄涛")
    _tick(dlg.methods, "座谈访谈")
    dlg.stages.setPlainText("3月调研\n5月底前成稿")
    _save(dlg)
    assert dlg.saved is not None and dlg.error.isHidden()
    assert tpage.model.rowCount() == 1  # the page refreshed from the change bus
    t = tpage.model.item(0)
    assert t.title == "防返贫监测机制运行情况" and t.lead_name == "陈静" and t.member_names == ("黄涛",)
    assert t.stages == ("3月调研", "5月底前成稿") and t.kind == "重点"

    vpage = VisitsPage(ctx)
    qtbot.addWidget(vpage)
    vpage.year.setValue(2026)
    vpage.days.today = dt.date(2026, 3, 31)
    vpage.days.refresh()
    before = {r.name: r.days for r in vpage.days.model.items}
    assert before["陈静"] == 0 and before["黄涛"] == 0
    vd = VisitDialog(ctx, year=2026, start=dt.date(2026, 3, 3), parent=vpage)
    qtbot.addWidget(vd)
    vd.end.setDate(QDate(2026, 3, 5))
    vd.place.setText("勐阿镇纳京村")
    _pick(vd.lead, "陈静")
    _tick(vd.participants, "黄涛")
    _pick(vd.topic, "防返贫监测机制运行情况")
    _save(vd)
    assert vd.saved is not None, vd.error.text()
    assert vd.saved.visit.township == "勐阿镇" and vd.saved.visit.topic_id == t.id
    after = {r.name: r for r in vpage.days.model.items}
    assert after["陈静"].days == 3 and after["黄涛"].days == 3 and after["刘洋"].days == 0
    assert vpage.model.rowCount() == 1
    # the visit shows up in the topic's count too
    assert tpage.model.item(0).visits == 1
    # each person's visits behind the number
    row = vpage.days.model.row_of(lambda r: r.name == "黄涛")
    vpage.days.table.selectRow(row)
    assert vpage.days.visits_model.rowCount() == 1
    assert vpage.days.visits_model.item(0).role == "参加"


def test_visit_dialog_refuses_bad_input_inline(qtbot, ctx) -> None:
    vd = VisitDialog(ctx, year=2026, start=dt.date(2026, 3, 3))
    qtbot.addWidget(vd)
    vd.show()
    vd.start.setDate(QDate(2026, 3, 10))
    vd.end.setDate(QDate(2026, 3, 1))
    vd.place.setText("勐海")
    _pick(vd.lead, "刘洋")
    _save(vd)
    assert vd.saved is None and vd.error.isVisible() and "早于" in vd.error.text()
    vd.end.setDate(QDate(2026, 3, 10))
    vd.place.setText("")
    _save(vd)
    assert vd.saved is None and "地点" in vd.error.text()
    assert visits.visit_infos(ctx.db, 2026) == []


def test_topic_dialog_without_section_refused(qtbot, ctx) -> None:
    dlg = TopicDialog(ctx, 2026)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.title.setText("无科室课题")
    _save(dlg)
    assert dlg.saved is None and "牵头科室" in dlg.error.text()
    assert topics.topic_infos(ctx.db, 2026) == []


def test_clash_warning_on_save(qtbot, ctx, dialog_answers) -> None:
    ids = {p.name: p.id for p in list_people(ctx.db, 2026)}
    visits.create_visit(ctx.db, ctx.actor, VisitInput(dt.date(2026, 4, 1), dt.date(2026, 4, 2), "勐阿镇纳京村",
                                                      ids["刘洋"]))
    vd = VisitDialog(ctx, year=2026, start=dt.date(2026, 4, 6))
    qtbot.addWidget(vd)
    vd.place.setText("勐阿镇纳京村")
    _pick(vd.lead, "陈静")  # another section
    dialog_answers.confirms.append(False)  # 返回修改
    _save(vd)
    assert vd.saved is None and len(visits.visit_infos(ctx.db, 2026)) == 1
    warning = dialog_answers.questions[-1]
    assert "综合科" in warning and "勐阿镇纳京村" in warning and "刘洋" in warning and "相隔4天" in warning
    dialog_answers.confirms.append(True)  # 仍然保存
    _save(vd)
    assert vd.saved is not None and len(vd.saved.clashes) == 1
    assert len(visits.visit_infos(ctx.db, 2026)) == 2


def test_stage_buttons_and_scores_dialog(qtbot, ctx) -> None:
    sec = {s.name: s.id for s in list_sections(ctx.db)}
    t = topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, sec["综合科"], "村规民约修订"))
    page = TopicsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page._select(t.id)
    assert page.buttons["forward"].text() == "推进到“调研中”" and not page.buttons["back"].isEnabled()
    page.buttons["forward"].click()
    assert topics.get_topic(ctx.db, t.id).status == "调研中"
    assert page.board.columns["调研中"].count() == 1 and page.board.columns["立项"].count() == 0
    sd = ScoresDialog(ctx, topics.get_topic(ctx.db, t.id), parent=page)
    qtbot.addWidget(sd)
    sd.leader.setValue(90)
    sd.peer.setValue(80)
    assert sd.composite.text() == f"{(90 * 50 + 80 * 30) / 80:.2f}"  # member not scored: weight shared
    sd.member.setValue(70)
    assert sd.composite.text() == "83.00"
    _save(sd)
    assert topics.get_topic(ctx.db, t.id).composite == pytest.approx(83.0)
    assert "综合 83.00" in page.detail.summary.text()


def test_dashboard_panel_counts(qtbot, ctx) -> None:
    sec = {s.name: s.id for s in list_sections(ctx.db)}
    t = topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, sec["综合科"], "课题甲"))
    topics.add_outcome(ctx.db, ctx.actor, t.id, OutcomeInput("制度成果", "办法"))
    w = WorkStatsWidget(ctx)
    qtbot.addWidget(w)
    assert ("立项", 1) in [(r[0], r[1]) for r in w.stages.rows]
    assert ("制度成果", 1) in [(r[0], r[1]) for r in w.outcomes.rows]
    assert [(r[0], r[2]) for r in w.days.rows] == [("综合科", 150), ("规划发展科", 150), ("政策法规科", 70)]
    w.resize(400, 500)
    assert not w.grab().isNull()


def test_month_calendar_shows_visits_of_the_month(qtbot, ctx) -> None:
    ids = {p.name: p.id for p in list_people(ctx.db, 2026)}
    visits.create_visit(ctx.db, ctx.actor, VisitInput(dt.date(2026, 3, 30), dt.date(2026, 4, 2), "勐海", ids["刘洋"]))
    page = VisitsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page.calendar.go(2026, 4)
    assert [v.place for v in page.calendar.grid.visits] == ["勐海"]
    assert page.calendar.grid.visits_on(dt.date(2026, 4, 2)) and not page.calendar.grid.visits_on(dt.date(2026, 4, 3))
    page.calendar.step(1)
    assert page.calendar.grid.month == 5 and page.calendar.grid.visits == []
    page.calendar.grid.resize(700, 500)
    assert not page.calendar.grid.grab().isNull()


def test_models_pass_qtmodeltester(qtmodeltester, ctx) -> None:
    ids = {p.name: p.id for p in list_people(ctx.db, 2026)}
    sec = {s.name: s.id for s in list_sections(ctx.db)}
    t = topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, sec["综合科"], "课题甲", lead_id=ids["刘洋"]))
    topics.add_outcome(ctx.db, ctx.actor, t.id, OutcomeInput("实践成果", "机制"))
    visits.create_visit(ctx.db, ctx.actor, VisitInput(dt.date(2026, 3, 3), dt.date(2026, 3, 4), "勐海", ids["刘洋"],
                                                      [ids["吴芳"]], topic_id=t.id))
    saved = visits.create_visit(ctx.db, ctx.actor, VisitInput(dt.date(2026, 3, 5), dt.date(2026, 3, 5), "勐海",
                                                              ids["陈静"]))
    from desktop_app.work import clashes, days
    cases = [
        (TopicTableModel(), topics.topic_infos(ctx.db, 2026)),
        (VisitTableModel(), visits.visit_infos(ctx.db, 2026)),
        (DaysTableModel(), days.days_table(ctx.db, 2026, dt.date(2026, 6, 1))),
        (PersonVisitModel(), days.person_visits(ctx.db, ids["刘洋"], 2026)),
        (OutcomeTableModel(), topics.outcome_infos(ctx.db, t.id)),
        (ClashTableModel(), list(saved.clashes)),
        (DictRowsModel(clashes.CLASH_HEADERS), clashes.clash_report(ctx.db, 2026)),
    ]
    for model, items in cases:
        assert items, type(model).__name__
        model.set_items(items)
        qtmodeltester.check(model, force_py=True)


def test_outcome_edit_and_remove_from_detail(qtbot, ctx, dialog_answers, monkeypatch) -> None:
    sec = {s.name: s.id for s in list_sections(ctx.db)}
    t = topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, sec["综合科"], "课题甲"))
    topics.add_outcome(ctx.db, ctx.actor, t.id, OutcomeInput("制度成果", "办法"))
    page = TopicsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page._select(t.id)
    assert page.detail.outcomes.rowCount() == 1
    page.detail.outcome_table.selectRow(0)
    dialog_answers.confirms.append(False)
    page.detail.remove_outcome.click()
    assert len(topics.outcome_infos(ctx.db, t.id)) == 1  # 取消: nothing removed
    page.detail.remove_outcome.click()  # default answer 确定
    assert topics.outcome_infos(ctx.db, t.id) == [] and page.detail.outcomes.rowCount() == 0


def test_report_link_opens_a_named_copy(qtbot, ctx, tmp_path, monkeypatch) -> None:
    from PySide6.QtGui import QDesktopServices
    sec = {s.name: s.id for s in list_sections(ctx.db)}
    t = topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, sec["综合科"], "课题甲"))
    f = tmp_path / "调研报告.docx"
    f.write_bytes(b"report")
    topics.attach_report(ctx.db, ctx.actor, t.id, f, ctx.data.attachments)
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    page = TopicsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page._select(t.id)
    assert "调研报告.docx</a>" in page.detail.summary.text()
    page.detail.summary.linkActivated.emit(f"att:{page.detail.topic.report.sha256}")
    assert len(opened) == 1 and opened[0].endswith("调研报告.docx")


def test_visit_dialog_attaches_picked_files_with_the_save(qtbot, ctx, dialog_answers, tmp_path) -> None:
    f = tmp_path / "座谈记录.txt"
    f.write_text("记录", "utf-8")
    vd = VisitDialog(ctx, year=2026, start=dt.date(2026, 5, 6))
    qtbot.addWidget(vd)
    vd.place.setText("勐海镇")
    _pick(vd.lead, "赵磊")
    dialog_answers.files.append(str(f))
    vd.add_files.click()
    assert "座谈记录.txt（待保存）" in vd.files_label.text()
    _save(vd)
    assert vd.saved is not None
    got = visits.get_visit(ctx.db, vd.saved.visit.id)
    assert [a.name for a in got.attachments] == ["座谈记录.txt"]
    assert (ctx.data.attachments / got.attachments[0].sha256).read_text("utf-8") == "记录"


def test_days_view_section_filter_and_quota_refusal(qtbot, ctx, dialog_answers) -> None:
    page = VisitsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    view = page.days
    assert view.model.rowCount() == 5
    view.section.setCurrentIndex(view.section.findText("规划发展科"))
    assert [r.name for r in view.model.items] == ["陈静", "黄涛"]
    assert "2 人" in view.total.text() and "定额 150 天" in view.total.text()
    view.table.selectRow(1)
    dialog_answers.texts.append("-5")
    view.quota_button.click()
    assert dialog_answers.warnings and "0到366" in dialog_answers.warnings[-1]
    assert {p.name: p.effective_quota for p in list_people(ctx.db, 2026)}["黄涛"] == 60
    dialog_answers.texts.append("45")
    view.quota_button.click()
    assert {p.name: p.effective_quota for p in list_people(ctx.db, 2026)}["黄涛"] == 45
    assert [r.quota for r in view.model.items if r.name == "黄涛"] == [45]


def test_edit_visit_through_dialog_keeps_fields_and_moves_days(qtbot, ctx) -> None:
    ids = {p.name: p.id for p in list_people(ctx.db, 2026)}
    v = visits.create_visit(ctx.db, ctx.actor, VisitInput(dt.date(2026, 6, 1), dt.date(2026, 6, 2), "勐海镇曼贺村",
                                                          ids["刘洋"], [ids["吴芳"]], method="随机走访",
                                                          place_type="农村", findings="道路破损")).visit
    vd = VisitDialog(ctx, visits.get_visit(ctx.db, v.id))
    qtbot.addWidget(vd)
    assert vd.place.text() == "勐海镇曼贺村" and vd.method.currentText() == "随机走访"
    assert vd.lead.currentData() == ids["刘洋"] and vd.participants.checked_ids() == [ids["吴芳"]]
    assert vd.findings.toPlainText() == "道路破损" and vd.place_type.currentData() == "农村"
    vd.end.setDate(QDate(2026, 6, 5))
    _save(vd)
    assert vd.saved is not None and vd.saved.visit.days == 5
    from desktop_app.work import days
    assert {r.name: r.days for r in days.days_table(ctx.db, 2026)}["吴芳"] == 5


def test_finding_to_ledger_from_the_visits_page(qtbot, ctx, dialog_answers) -> None:
    ids = {p.name: p.id for p in list_people(ctx.db, 2026)}
    v = visits.create_visit(ctx.db, ctx.actor, VisitInput(dt.date(2026, 6, 1), dt.date(2026, 6, 1), "勐海镇",
                                                          ids["陈静"], findings="安置点就业岗位不足\n其他")).visit
    page = VisitsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page._select(v.id)
    dialog_answers.texts.append("安置点就业岗位不足")
    page.buttons["issue"].click()
    assert dialog_answers.questions[-1] == "转入问题台账的问题描述："
    got = visits.get_visit(ctx.db, v.id)
    import re

    cells = [c for c in re.split(r"<[^>]+>", page.detail.text()) if c.strip()]  # the detail's label/value cells
    assert len(got.issue_ids) == 1 and cells[cells.index("转入台账") + 1] == "1 条"
