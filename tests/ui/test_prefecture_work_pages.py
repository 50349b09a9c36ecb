"""Prefecture mode on the visits, topics and quiz results pages: the 查看范围 combo switches whose rows are shown.

A real county sends its bundle to a real prefecture; the pages then list the county's visits,
days, topics and scores read-only, with the write buttons disabled and saying why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.context import AppContext
from desktop_app.org import scope
from desktop_app.org.organisation import PersonInput, add_person, list_sections, set_campaign
from desktop_app.quiz import exams
from desktop_app.quiz.types import ExamInput, ScoreEntry
from desktop_app.work import topics, visits
from desktop_app.work.types import TopicInput, VisitInput
from tests.helpers.sync_support import make_office, send, trust_both
from tests.helpers.workers import let_workers_finish
from ui.office_scope import OfficeScopeCombo
from ui.quiz.results_tab import ResultsTab
from ui.work.topics_page import TopicsPage
from ui.work.visits_page import VisitsPage

D = dt.date


@pytest.fixture
def offices(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext]]:
    """(勐海县, 西双版纳州) — the county's visits, topic and exam already sent to the prefecture."""
    b = make_office(tmp_path / "b", "532822", "勐海县")
    p = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    trust_both(b, p)
    set_campaign(b.db, b.actor, 2026, 10, 20)
    ids = {n: add_person(b.db, b.actor, PersonInput(n, "综合科", is_leader=n == "王五")).id for n in ("王五", "赵六")}
    topic = topics.create_topic(b.db, b.actor, TopicInput(2026, list_sections(b.db)[0].id, "边境村寨产业发展调研",
                                                          lead_id=ids["王五"]))
    visits.create_visit(b.db, b.actor, VisitInput(D(2026, 4, 6), D(2026, 4, 7), "勐海镇曼真村", ids["王五"],
                                                  participant_ids=[ids["赵六"]], topic_id=topic.id))
    visits.create_visit(b.db, b.actor, VisitInput(D(2026, 5, 11), D(2026, 5, 11), "勐遮镇曼洪村", ids["赵六"]))
    exam = exams.create_exam(b.db, b.actor, ExamInput("2026年第二季度业务知识测试", 2026, 2, mode="paper"))
    exams.set_scores(b.db, b.actor, exam.id, [ScoreEntry(ids["王五"], 88), ScoreEntry(ids["赵六"], 95)])
    send(b, p, tmp_path / "bundle")
    yield b, p
    let_workers_finish()  # its windows' background reads end before the database closes
    b.close()
    let_workers_finish()  # its windows' background reads end before the database closes
    p.close()


def _choose(combo: OfficeScopeCombo, office: str) -> None:
    i = combo.findData(office)
    assert i >= 0, office
    combo.setCurrentIndex(i)


def test_combo_switches_the_visits_page(qtbot, offices) -> None:
    county, pref = offices
    page = VisitsPage(pref)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    combo = page.office_combo
    assert not combo.isHidden() and combo.count() == 3  # 本单位, 勐海县, 全部单位
    # it opens on 全部单位, as the ledger does: the counties' visits are what a prefecture oversees
    assert combo.current_office() == scope.ALL and len(page.items) == 2
    _choose(combo, "")
    assert page.items == [] and page.buttons["new"].isEnabled()

    _choose(combo, "532822")
    assert [v.place for v in page.items] == ["勐海镇曼真村", "勐遮镇曼洪村"]
    assert page.model.rowCount() == 2 and "勐海县" in page.subtitle.text()
    assert not page.buttons["new"].isEnabled() and "只能查看" in page.buttons["new"].toolTip()
    page.table.selectRow(0)
    assert page.selected == page.items[0].id
    assert not page.buttons["edit"].isEnabled() and not page.buttons["remove"].isEnabled()
    assert page.buttons["print"].isEnabled() and page.buttons["export"].isEnabled()
    page.edit_visit()  # a stray double-click opens nothing
    days_view = page.days
    assert {(r.name, r.days, r.quota) for r in days_view.rows} == {("王五", 2, 10), ("赵六", 3, 20)}
    assert not days_view.quota_button.isEnabled()
    assert days_view.section.count() == 2 and days_view.section.itemText(1) == "综合科"
    assert page.table.isColumnHidden(page.model.columnCount() - 1)

    _choose(combo, scope.ALL)
    assert len(page.items) == 2 and not page.table.isColumnHidden(page.model.columnCount() - 1)
    last = page.model.index(0, page.model.columnCount() - 1)
    assert page.model.data(last, Qt.ItemDataRole.DisplayRole) == "勐海县"

    _choose(combo, "")
    assert page.items == [] and page.buttons["new"].isEnabled() and page.buttons["new"].toolTip() == ""
    assert days_view.quota_button.isEnabled()

    county_page = VisitsPage(county)
    qtbot.addWidget(county_page)
    assert county_page.office_combo.isHidden() and county_page.office_combo.current_office() == ""
    assert county_page.scope_box.isHidden() and not page.scope_box.isHidden()


def test_topics_page_and_results_tab_follow_the_combo(qtbot, offices) -> None:
    _county, pref = offices
    page = TopicsPage(pref)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    _choose(page.office_combo, "532822")
    assert [t.title for t in page.items] == ["边境村寨产业发展调研"]
    page.table.selectRow(0)
    assert page.current() is not None
    for key in ("new", "edit", "forward", "report", "outcome", "score", "remove"):
        assert not page.buttons[key].isEnabled(), key
    assert page.buttons["print"].isEnabled()

    tab = ResultsTab(pref)
    qtbot.addWidget(tab)
    assert tab.exam_box.count() == 0  # the prefecture held no exam of its own
    _choose(tab.office_combo, "532822")
    assert tab.exam_box.count() == 1 and tab.exam_box.currentText() == "2026年第二季度业务知识测试"
    assert [(r.rank, r.name) for r in tab.ranking.items] == [(1, "赵六"), (2, "王五")]
    assert [r.name for r in tab.publish.items] == ["赵六", "王五"]
    assert tab.person_box.count() == 2 and [h.score for h in tab.history.items] in ([88], [95])


def test_print_and_export_buttons_follow_the_scope(qtbot, offices, dialog_answers, tmp_path: Path) -> None:
    import subprocess

    import openpyxl
    from PySide6.QtWidgets import QApplication

    from ui.print.preview_dialog import PrintPreviewDialog

    _county, pref = offices
    page = VisitsPage(pref)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    _choose(page.office_combo, "532822")
    page.buttons["print"].click()
    dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PrintPreviewDialog))
    qtbot.addWidget(dlg)
    assert dlg.job.office == "532822" and dlg.task is not None and dlg.task.wait(60_000)
    qtbot.waitUntil(lambda: bool(dlg.pdf), timeout=30_000)
    pdf = tmp_path / "preview.pdf"
    pdf.write_bytes(dlg.pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "勐海县2026年调研安排表" in text and "勐遮镇曼洪村" in text

    out = tmp_path / "days.xlsx"
    page.tabs.setCurrentWidget(page.days)
    dialog_answers.files.append(str(out))
    page.buttons["export"].click()
    qtbot.waitUntil(lambda: any("已导出" in i for i in dialog_answers.infos), timeout=30_000)
    cells = [list(r) for r in openpyxl.load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True)]
    assert cells[0][0] == "勐海县2026年干部深入基层调研天数统计表"
    assert {r[2] for r in cells[3:] if r[2]} == {"王五", "赵六"}


def test_a_new_bundle_reloads_the_combo_and_the_list(qtbot, tmp_path: Path) -> None:
    from ui.signals import Kind, notify

    county = make_office(tmp_path / "c", "532823", "勐腊县")
    pref = make_office(tmp_path / "p", "532800", "西双版纳州", level="prefecture")
    try:
        page = VisitsPage(pref)
        qtbot.addWidget(page)
        page.year.setValue(2026)
        assert page.office_combo.findData("532823") < 0  # nothing known of 勐腊县 yet
        trust_both(county, pref)
        lead = add_person(county.db, county.actor, PersonInput("岩罕", "综合科")).id
        visits.create_visit(county.db, county.actor, VisitInput(D(2026, 8, 3), D(2026, 8, 4), "勐仑镇城子村", lead))
        send(county, pref, tmp_path / "bundle")
        notify(Kind.ALL)  # what the exchange page says after an import
        _choose(page.office_combo, "532823")
        assert [v.place for v in page.items] == ["勐仑镇城子村"]
    finally:
        let_workers_finish()  # its windows' background reads end before the database closes
        county.close()
        pref.close()
