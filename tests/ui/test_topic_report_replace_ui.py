"""调研课题 page: replacing an already reviewed report asks first (取消 changes nothing) and then shows 待审阅;
a 结题 topic's 上传报告 button is greyed with the reason."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import topic_review, topics
from desktop_app.work.types import TopicInput
from ui.work.topics_page import TopicsPage


def test_replacing_a_reviewed_report_asks_and_resets(qtbot, ctx: AppContext, dialog_answers,  # noqa: ANN001
                                                     tmp_path: Path) -> None:
    secs = {s.name: s.id for s in list_sections(ctx.db)}
    people = {p.name: p.id for p in list_people(ctx.db, 2026)}
    t = topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, secs["规划发展科"], "防返贫监测机制运行情况", "重点",
                                                          people["陈静"]))
    first, second = tmp_path / "调研报告.docx", tmp_path / "调研报告（修改稿）.docx"
    first.write_bytes(b"PK first")
    second.write_bytes(b"PK second")
    topics.attach_report(ctx.db, ctx.actor, t.id, first, ctx.data.attachments)
    for status in ("调研中", "成稿"):
        topics.move_topic(ctx.db, ctx.actor, t.id, status)
    topic_review.submit(ctx.db, ctx.actor, t.id)
    topic_review.review(ctx.db, ctx.actor, t.id, "同意")
    page = TopicsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page.refresh()
    page._select(t.id)
    assert page.buttons["report"].isEnabled()
    dialog_answers.files.append(str(second))
    dialog_answers.confirms.append(False)  # 取消
    page.buttons["report"].click()
    assert "更换报告后，审阅状态将改为“待审阅”" in dialog_answers.questions[-1]
    kept = topics.get_topic(ctx.db, t.id)
    assert kept.review_state == "reviewed" and kept.report is not None and kept.report.name == "调研报告.docx"
    dialog_answers.files.append(str(second))  # again, 确定
    page.buttons["report"].click()
    qtbot.waitUntil(lambda: getattr(page.current(), "review_state", "") == "submitted")
    assert "待审阅" in page.detail.summary.text() and "调研报告（修改稿）.docx" in page.detail.summary.text()
    assert dialog_answers.warnings == []
    # reviewed again and closed: the report is final, the button says why
    topic_review.review(ctx.db, ctx.actor, t.id, "修改稿同意")
    topics.move_topic(ctx.db, ctx.actor, t.id, "结题")
    page.refresh()
    page._select(t.id)
    assert not page.buttons["report"].isEnabled()
    assert "课题已结题，调研报告不能再更换" in page.buttons["report"].toolTip()
