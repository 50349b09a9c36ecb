"""调研课题 page: the campaign's topic rules as a warning band; a third 重点 topic saves, then warns."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import topics
from desktop_app.work.types import TopicInput
from ui.work.topic_dialogs import TopicDialog
from ui.work.topics_page import TopicsPage


def test_rules_band_and_warning_after_save(qtbot, ctx: AppContext, dialog_answers) -> None:  # noqa: ANN001
    secs = {s.name: s.id for s in list_sections(ctx.db)}
    people = {p.name: p.id for p in list_people(ctx.db, 2026)}
    for title in ("防返贫监测机制运行情况", "易地搬迁后续扶持"):
        topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, secs["规划发展科"], title, "重点", people["陈静"]))
    page = TopicsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page.refresh()
    assert not page.rules.isHidden() and "尚未确定重点课题的科室：综合科、政策法规科" in page.rules.text()
    dlg = TopicDialog(ctx, 2026, parent=page)
    qtbot.addWidget(dlg)
    dlg.section.setCurrentIndex(dlg.section.findData(secs["规划发展科"]))
    dlg.title.setText("防返贫监测机制运行情况研究")
    dlg.kind.setCurrentIndex(dlg.kind.findData("重点"))
    dlg.lead.setCurrentIndex(dlg.lead.findData(people["陈静"]))
    dlg.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dlg.saved is not None  # saved: the rules warn, never block
    text = dialog_answers.warnings[-1]
    assert "规划发展科已有3个重点课题" in text and "陈静已领题3个" in text and "避免重复调研" in text
