"""成果与评价 page: add and remove an outcome through the form, filters, export; score entry refused/accepted;
contacts listed with their rhythm."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from desktop_app.campaign import contacts, evaluation, outcomes
from desktop_app.campaign.contacts import ContactInput
from desktop_app.campaign.outcomes import OutcomeFields
from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_sections
from tests.helpers.common import TEST_ACTOR


@pytest.fixture
def page(qtbot, ctx: AppContext):  # noqa: ANN001, ANN201
    from ui.campaign.results_page import ResultsPage

    p = ResultsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1280, 760)
    p.show()
    return p


def test_add_filter_export_and_remove_outcome(qtbot, page, ctx: AppContext, dialog_answers, tmp_path: Path) -> None:  # noqa: ANN001
    from ui.campaign.outcome_dialog import OutcomeDialog

    page.year.setValue(2026)
    dlg = OutcomeDialog(ctx, 2026, parent=page)
    qtbot.addWidget(dlg)
    dlg.save()  # empty title: refused in the dialog, nothing saved
    assert "成果名称" in dlg.error.text() and outcomes.list_outcomes(ctx.db) == []
    dlg.title.setText("关于产业振兴的调研报告")
    dlg.kind.setCurrentIndex(dlg.kind.findData("理论成果"))
    dlg.published_in.setCurrentText("《组工通讯》")
    dlg.save()
    assert dlg.result() == 1 and dlg.saved is not None and dlg.saved.published_in == "《组工通讯》"
    outcomes.add_outcome(ctx.db, TEST_ACTOR, OutcomeFields("实践成果", "未刊发的成果", year=2026))
    page.outcomes.refresh()
    assert page.outcomes.model.rowCount() == 2
    assert "已推介刊发 1 项" in page.outcomes.summary.text()
    page.outcomes.published.setCurrentIndex(page.outcomes.published.findData(True))
    assert [r.title for r in page.outcomes.model.items] == ["关于产业振兴的调研报告"]
    out = tmp_path / "list.xlsx"
    task = page.outcomes.export(str(out))
    assert task.wait(20_000)
    qtbot.waitUntil(lambda: bool(dialog_answers.infos), timeout=20_000)  # on_done ran: 已导出
    texts = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
    assert "关于产业振兴的调研报告" in texts and "未刊发的成果" not in texts  # the list as filtered on screen
    page.outcomes.table.setCurrentIndex(page.outcomes.model.index(0, 0))
    dialog_answers.confirms.append(False)  # 取消: nothing removed
    page.outcomes.remove()
    assert len(outcomes.list_outcomes(ctx.db)) == 2
    page.outcomes.remove()  # 删除
    assert [r.title for r in outcomes.list_outcomes(ctx.db)] == ["未刊发的成果"]
    assert "删除成果" in dialog_answers.questions[-1]


def test_score_entry_and_results(page, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    tab = page.evaluation
    sec = {s.name: s.id for s in list_sections(ctx.db)}
    tab.target.setCurrentIndex(tab.target.findData(sec["综合科"]))
    tab.kind.setCurrentIndex(tab.kind.findData("peer"))
    tab.rater_section.setCurrentIndex(tab.rater_section.findData(sec["综合科"]))
    tab.save_score()
    assert any("不能给本科室打分" in w for w in dialog_answers.warnings)
    assert evaluation.list_scores(ctx.db, 2026, "H1") == []
    tab.rater_section.setCurrentIndex(tab.rater_section.findData(sec["规划发展科"]))
    tab.score.setValue(88)
    tab.save_score()
    assert tab.results.items[0].section_name == "综合科" and tab.results.items[0].rank == 1
    assert tab.results.items[0].peer == 88.0 and "50%" in tab.weights.text()


def test_contacts_tab_shows_rhythm(page, ctx: AppContext) -> None:  # noqa: ANN001
    sec = {s.name: s.id for s in list_sections(ctx.db)}
    contacts.add_point(ctx.db, TEST_ACTOR, ContactInput("service", "修缮村活动场所", section_id=sec["综合科"],
                                                        due=dt.date(2026, 1, 31)))
    contacts.add_point(ctx.db, TEST_ACTOR, ContactInput("village", "纳京村", section_id=sec["综合科"]))
    page.contacts.refresh()
    texts = {(c.kind, c.rhythm_text) for c in page.contacts.model.items}
    assert ("village", "已解决问题 0 件（尚无）") in texts
    svc = next(i for i, c in enumerate(page.contacts.model.items) if c.kind == "service")
    page.contacts.table.setCurrentIndex(page.contacts.model.index(svc, 0))
    page.contacts.mark_done()
    assert any(c.kind == "service" and c.rhythm_text == "已办结" for c in page.contacts.model.items)
