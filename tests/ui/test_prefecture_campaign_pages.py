"""Prefecture mode on 计划清单 and 成果与评价: the 查看范围 combo shows a county's plans, outcomes, scores and
contact points read-only (the disabled buttons say why), 全部单位 lists every office, and the 各县对比 tab
compares the counties; a county sees neither the combo nor the tab."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.campaign import contacts, evaluation
from desktop_app.campaign.contacts import ContactInput
from desktop_app.campaign.evaluation import ScoreInput
from desktop_app.campaign.periods import Period
from desktop_app.core.context import AppContext
from desktop_app.org import scope
from tests.helpers.county_seed import seed_county
from tests.helpers.sync_support import prefecture_and_counties, send
from tests.helpers.workers import let_workers_finish
from ui.campaign.plans_page import PlansPage
from ui.campaign.results_page import ResultsPage
from ui.office_scope import OfficeScopeCombo


@pytest.fixture
def offices(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext, AppContext]]:
    """(景洪市 with plans, outcomes, a score and a village; 勐海县; 西双版纳州 that has both bundles)."""
    a, b, p = prefecture_and_counties(tmp_path)
    ids = seed_county(a)
    evaluation.set_score(a.db, a.actor, ScoreInput(2026, "H1", ids["综合科"], "leader", 92, rater_name="岩温"))
    contacts.add_point(a.db, a.actor, ContactInput("village", "曼弄村", "嘎洒镇", section_id=ids["综合科"], year=2026))
    send(a, p, tmp_path / "a")
    send(b, p, tmp_path / "b")
    yield a, b, p
    for ctx in (a, b, p):
        let_workers_finish()  # its windows' background reads end before the database closes
        ctx.close()


def _choose(combo: OfficeScopeCombo, office: str) -> None:
    i = combo.findData(office)
    assert i >= 0, office
    combo.setCurrentIndex(i)


def test_plans_page_reads_a_county_read_only_and_every_office(qtbot, offices) -> None:
    _a, _b, pref = offices
    page = PlansPage(pref)
    qtbot.addWidget(page)
    assert not page.office_combo.isHidden()
    page.set_period("week", Period("week", 2026, 12))
    _choose(page.office_combo, "532801")
    rows = {r.section_name: r.status for r in page.status_model.items}
    assert rows == {"综合科": "filed", "规划科": "draft"}
    assert "规划科" in page.not_filed.text()
    page.status_table.selectRow(page.status_model.row_of(lambda r: r.section_name == "综合科"))
    assert page.plan is not None and [i.text for i in page.plan.items] == ["走访曼弄村"]
    assert page.items_model.rowCount() == 1 and not page.items_model.editable
    for key in ("new", "save", "file", "carry", "remove"):
        assert not page.buttons[key].isEnabled(), key
        assert "其他单位" in page.buttons[key].toolTip(), key
    assert not page.add_btn.isEnabled() and not page.summary.isEnabled()  # read, greyed, with the reason
    assert page.buttons["print"].isEnabled()
    page.save()  # Ctrl+S on a county's plan does nothing (no refusal dialog, no write)

    _choose(page.office_combo, scope.ALL)
    names = [(r.office_name, r.section_name) for r in page.status_model.items]
    assert ("景洪市", "规划科") in names and ("勐海县", "综合科") in names and ("西双版纳州", "综合科") in names
    assert not page.status_table.isColumnHidden(0)
    assert "景洪市·规划科" in page.not_filed.text()

    _choose(page.office_combo, "")  # back home: its own section, editable
    assert [r.section_name for r in page.status_model.items] == ["综合科"]
    assert page.status_table.isColumnHidden(0) and page.buttons["new"].isEnabled()


def test_results_page_scope_and_county_comparison(qtbot, offices) -> None:
    county, _b, pref = offices
    page = ResultsPage(pref)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    assert page.tabs.isTabVisible(3)
    assert [r.office_name for r in page.compare.model.items] == ["景洪市", "勐海县"]
    assert page.compare.model.items[0].outcomes == 2 and page.compare.model.items[0].published == 1
    # it opens on 全部单位, as a prefecture's other pages do: every county's outcomes (its own are none)
    assert page.office_combo.current_office() == scope.ALL and len(page.outcomes.model.items) == 2
    _choose(page.office_combo, "")
    assert page.outcomes.model.items == []

    _choose(page.office_combo, "532801")
    assert sorted(r.title for r in page.outcomes.model.items) == ["挂钩联系制度", "茶叶合作社分红"]
    for key in ("add", "edit", "remove"):
        assert not page.outcomes.buttons[key].isEnabled() and "其他单位" in page.outcomes.buttons[key].toolTip()
    assert page.outcomes.buttons["print"].isEnabled() and page.outcomes.buttons["export"].isEnabled()
    assert [(r.section_name, r.leader) for r in page.evaluation.results.items if r.total is not None] == [("综合科", 92)]
    assert not page.evaluation.save_btn.isEnabled() and "其他单位" in page.evaluation.save_btn.toolTip()
    assert [c.name for c in page.contacts.model.items] == ["曼弄村"]
    assert not page.contacts.buttons["add"].isEnabled()

    _choose(page.office_combo, scope.ALL)
    assert len(page.outcomes.model.items) == 2 and not page.outcomes.table.isColumnHidden(0)
    assert page.outcomes.model.data(page.outcomes.model.index(0, 0)) == "景洪市"
    assert page.evaluation.results.items == [] and "选择一个单位" in page.evaluation.weights.text()

    home = ResultsPage(county)  # a county: no combo, no comparison
    qtbot.addWidget(home)
    assert home.office_combo.isHidden() and not home.tabs.isTabVisible(3)
    assert len(home.outcomes.model.items) == 2 and home.outcomes.buttons["add"].isEnabled()
