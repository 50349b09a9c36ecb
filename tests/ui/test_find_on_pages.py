"""查找 on 调研安排 and 调研课题 (the ledger's filter bar was the only search): every typed word narrows
the list; Ctrl+F goes to the box; the visit list opens at the visits still to come, not at January."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import find, topics, visits
from desktop_app.work.types import TopicInput, VisitInput


def _visit(ctx: AppContext, start: dt.date, place: str, lead: str) -> None:
    ids = {p.name: p.id for p in list_people(ctx.db, start.year)}
    visits.create_visit(ctx.db, ctx.actor, VisitInput(start, start + dt.timedelta(days=1), place, ids[lead]))


def test_visits_are_found_by_every_word(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from ui.work.visits_page import VisitsPage

    _visit(ctx, dt.date(2026, 3, 2), "勐海镇曼真村", "刘洋")
    _visit(ctx, dt.date(2026, 4, 6), "勐遮镇曼洪村", "陈静")
    _visit(ctx, dt.date(2026, 5, 11), "勐海镇曼短村", "陈静")
    page = VisitsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page.refresh()
    assert page.model.rowCount() == 3
    page.find.setText("勐海镇")
    assert sorted(page.model.item(r).place for r in range(page.model.rowCount())) == ["勐海镇曼真村", "勐海镇曼短村"]
    page.find.setText("勐海镇 陈静")
    assert [page.model.item(r).place for r in range(page.model.rowCount())] == ["勐海镇曼短村"]
    page.find.setText("4月")
    assert [page.model.item(r).place for r in range(page.model.rowCount())] == ["勐遮镇曼洪村"]
    page.find.setText("曼")
    page.tabs.setCurrentIndex(2)  # 基层天数
    page.focus_search()  # Ctrl+F (the window's, tests/ui/test_desktop_habits.py): back to the list, text selected
    assert page.tabs.currentIndex() == 0 and page.find.selectedText() == "曼"
    page.find.clear()
    assert page.model.rowCount() == 3


def test_topics_are_found_in_the_list_and_on_the_board(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from ui.work.topics_page import TopicsPage

    sec = {s.name: s.id for s in list_sections(ctx.db)}
    topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, sec["综合科"], "边境村寨产业发展调研"))
    topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, sec["规划发展科"], "易地搬迁后续扶持调研"))
    page = TopicsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page.refresh()
    assert page.model.rowCount() == 2
    page.find.setText("规划发展科")
    assert [page.model.item(r).title for r in range(page.model.rowCount())] == ["易地搬迁后续扶持调研"]
    assert page.board.columns["立项"].count() == 1


def test_a_visit_matches_its_people_state_and_the_unannounced_mark(ctx: AppContext) -> None:
    ids = {p.name: p.id for p in list_people(ctx.db, 2026)}
    visits.create_visit(ctx.db, ctx.actor, VisitInput(dt.date(2026, 3, 2), dt.date(2026, 3, 3), "曼景村", ids["刘洋"],
                                                      participant_ids=[ids["吴芳"]], unannounced=True))
    [v] = visits.visit_infos(ctx.db, 2026)
    assert find.visit_matches(v, "吴芳 四不两直") and find.visit_matches(v, "")
    assert not find.visit_matches(v, "吴芳 陈静")
