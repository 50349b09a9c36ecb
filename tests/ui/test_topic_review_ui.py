"""调研课题 page: the report's due warning, 报审 and 审阅 buttons greyed with the reason, the review dialog,
and the review state and opinion in the detail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop_app.core.context import AppContext
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import topics
from desktop_app.work.types import TopicInput
from ui.work.topic_review_dialog import ReviewDialog
from ui.work.topics_page import TopicsPage


def _page(qtbot, ctx: AppContext) -> TopicsPage:  # noqa: ANN001
    page = TopicsPage(ctx)
    qtbot.addWidget(page)
    page.year.setValue(2026)
    page.refresh()
    return page


def test_submit_and_review_from_the_page(qtbot, ctx: AppContext, dialog_answers, tmp_path: Path) -> None:  # noqa: ANN001
    secs = {s.name: s.id for s in list_sections(ctx.db)}
    people = {p.name: p.id for p in list_people(ctx.db, 2026)}
    late = topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, secs["规划发展科"], "防返贫监测机制运行情况", "重点",
                                                             people["陈静"], report_due=dt.date(2026, 5, 31)))
    page = _page(qtbot, ctx)
    # today (the machine's date) is after May 31, 2026 in this campaign's tests only if so: compute the expectation
    overdue = dt.date.today() > dt.date(2026, 5, 31)
    assert ("1个课题逾期未报送调研报告：防返贫监测机制运行情况" in page.rules.text()) == overdue
    page._select(late.id)
    assert not page.detail.submit_review.isEnabled()
    assert "报审前须上传调研报告" in page.detail.submit_review.toolTip()
    assert not page.detail.review.isEnabled() and "尚未报分管领导审阅" in page.detail.review.toolTip()
    report = tmp_path / "调研报告.docx"
    report.write_bytes(b"PK body")
    topics.attach_report(ctx.db, ctx.actor, late.id, report, ctx.data.attachments)
    page.refresh()
    assert page.detail.submit_review.isEnabled()
    page.detail.submit_review.click()  # confirm: 确定
    qtbot.waitUntil(lambda: page.current() is not None and page.current().review_state == "submitted")
    assert "待审阅" in page.detail.summary.text()
    assert not page.detail.submit_review.isEnabled() and page.detail.review.isEnabled()
    assert "逾期" not in page.rules.text()  # submitted: no longer late
    dlg = ReviewDialog(ctx, page.current(), parent=page)
    qtbot.addWidget(dlg)
    dlg.save_button().click()  # no opinion: stays open, says so
    assert "审阅意见不能为空" in dlg.error.text()
    dlg.send_back.setChecked(True)
    dlg.opinion.setPlainText("请补充两个典型案例")
    dlg.save_button().click()
    qtbot.waitUntil(lambda: page.current() is not None and page.current().review_state == "returned")
    text = page.detail.summary.text()
    assert "退回修改" in text and "请补充两个典型案例" in text
    assert page.detail.submit_review.isEnabled()  # returned: may be submitted again
    row = page.model.row_of(lambda t: t.id == late.id)
    assert page.model.data(page.model.index(row, 6)) == "退回修改"
