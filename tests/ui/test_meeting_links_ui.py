"""来源会议 shown both ways: a ledger item and a topic raised at a meeting name it on their detail (and keep
naming it when the meeting is removed); items and topics raised elsewhere show no such line."""

from __future__ import annotations

import datetime as dt

from desktop_app.campaign import meetings
from desktop_app.campaign.meetings import MeetingInput
from desktop_app.core.context import AppContext
from desktop_app.ledger.detail import get_issue_detail
from desktop_app.ledger.service import create_issues
from desktop_app.ledger.types import IssueInput
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.work import topics
from desktop_app.work.types import TopicInput


def test_item_and_topic_name_the_meeting_they_were_raised_at(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from ui.ledger.detail_pane import DetailPane
    from ui.work.topic_detail import TopicDetail

    sec = list_sections(ctx.db)[0].id
    host = list_people(ctx.db, 2026)[0].id
    m = meetings.create_meeting(ctx.db, ctx.actor, MeetingInput(
        year=2026, kind="专题研讨", date=dt.date(2026, 3, 12), theme="如何把调研成果转化为制度", section_id=sec,
        host_id=host))
    issue_id = meetings.issue_from_meeting(ctx.db, ctx.actor, m.id, "调研成果转化慢")
    topic_id = meetings.topic_from_meeting(ctx.db, ctx.actor, m.id, "调研成果转化机制研究")
    [plain_issue] = create_issues(ctx.db, ctx.actor, [IssueInput("村级台账不全", unit="综合科")])
    plain_topic = topics.create_topic(ctx.db, ctx.actor, TopicInput(2026, sec, "边境贸易调研")).id
    label = "2026-03-12 专题研讨“如何把调研成果转化为制度”"

    detail, info = get_issue_detail(ctx.db, issue_id), topics.get_topic(ctx.db, topic_id)
    assert (detail.source_meeting, info.source_meeting) == (label, label)
    assert get_issue_detail(ctx.db, plain_issue).source_meeting == ""
    assert topics.get_topic(ctx.db, plain_topic).source_meeting == ""

    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.show_detail(detail)
    assert "来源会议：" + label in pane.info.text()
    pane.show_detail(get_issue_detail(ctx.db, plain_issue))
    assert "来源会议" not in pane.info.text()
    td = TopicDetail()
    qtbot.addWidget(td)
    td.show_topic(info, [])
    assert "来源会议" in td.summary.text() and "如何把调研成果转化为制度" in td.summary.text()
    td.show_topic(topics.get_topic(ctx.db, plain_topic), [])
    assert "来源会议" not in td.summary.text()

    meetings.remove_meeting(ctx.db, ctx.actor, m.id)  # the item and the topic stay and still name it
    assert get_issue_detail(ctx.db, issue_id).source_meeting == label + "（会议记录已删除）"
    assert topics.get_topic(ctx.db, topic_id).source_meeting == label + "（会议记录已删除）"
