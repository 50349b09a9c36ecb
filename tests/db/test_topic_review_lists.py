"""Issue #15's leftovers: the topics list (Excel and PDF) shows each report's due date and its 报审/审阅意见;
a different report file after 已审阅 sends the review back to 待审阅 (audited), and a 结题 topic's report
is not replaced — each refusal changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy import func, select

from db.models import AttachmentLink, AuditEntry, Topic
from desktop_app.core.audit import Actor
from desktop_app.core.context import AppContext
from desktop_app.core.errors import PermissionDeniedError, StateError
from desktop_app.excel.lists import export_kind
from desktop_app.org import accounts
from desktop_app.org.organisation import list_people, list_sections
from desktop_app.reports.topics import fetch_topics_report
from desktop_app.work import topic_review, topics
from desktop_app.work.types import TopicInput

D = dt.date
PW = "Jinghong2026"


@pytest.fixture
def office(ctx: AppContext) -> AppContext:
    """The test county with a clerk (吴芳), an approver who also records (陈静) and another approver (黄涛)."""
    from tests.helpers.common import TEST_ACTOR

    accounts.add_account(ctx.db, TEST_ACTOR, "admin", PW, ["admin"], person="刘洋")
    admin = accounts.sign_in(ctx.db, "admin", PW).actor
    for login, roles, person in (("wufang", ["clerk"], "吴芳"), ("chenjing", ["approver", "clerk"], "陈静"),
                                 ("huangtao", ["approver"], "黄涛")):
        accounts.add_account(ctx.db, admin, login, PW, roles, person=person, must_change=False)
    return ctx


def _as(ctx: AppContext, login: str) -> Actor:
    return accounts.sign_in(ctx.db, login, PW).actor


def _new_topic(ctx: AppContext, actor: Actor, title: str, due: dt.date | None = None) -> str:
    people = {p.name: p.id for p in list_people(ctx.db, 2026)}
    sections = {s.name: s.id for s in list_sections(ctx.db)}
    return topics.create_topic(ctx.db, actor, TopicInput(year=2026, section_id=sections["规划发展科"], title=title,
                                                         kind="重点", lead_id=people["陈静"], report_due=due)).id


def _upload(ctx: AppContext, actor: Actor, topic_id: str, tmp_path: Path, content: bytes,
            name: str = "调研报告.docx", today: dt.date | None = None) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    topics.attach_report(ctx.db, actor, topic_id, f, ctx.data.attachments, today=today)


def _state(ctx: AppContext, topic_id: str) -> tuple[object, ...]:
    with ctx.db.session() as s:
        t = s.get(Topic, topic_id)
        assert t is not None
        audits = s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
        links = s.execute(select(func.count()).select_from(AttachmentLink)).scalar_one()
        return (t.status, t.review_state, t.review_submitted_on, t.reviewer, t.review_opinion, t.reviewed_on,
                t.report_sha256, audits, links)


def _reviewed(ctx: AppContext, tmp_path: Path) -> tuple[str, Actor, Actor, Actor]:
    """A topic at 成稿 whose report 吴芳 uploaded, 陈静 reported and 黄涛 approved on 2026-05-28."""
    wu, chen, huang = _as(ctx, "wufang"), _as(ctx, "chenjing"), _as(ctx, "huangtao")
    tid = _new_topic(ctx, wu, "防返贫监测机制运行情况")
    _upload(ctx, wu, tid, tmp_path, b"PK first draft")
    for status in ("调研中", "成稿"):
        topics.move_topic(ctx.db, wu, tid, status)
    topic_review.submit(ctx.db, chen, tid, today=D(2026, 5, 20))
    topic_review.review(ctx.db, huang, tid, "同意，可结题", today=D(2026, 5, 28))
    return tid, wu, chen, huang


def test_a_new_report_after_review_goes_back_to_pending(office: AppContext, tmp_path: Path) -> None:
    tid, wu, chen, huang = _reviewed(office, tmp_path)
    before = _state(office, tid)
    # the same file again is not a new report: the review stands (the link is renewed, nothing else)
    _upload(office, wu, tid, tmp_path, b"PK first draft", name="调研报告（定稿）.docx")
    assert topics.get_topic(office.db, tid).review_state == "reviewed"
    # a different file: 待审阅 again, the 分管领导's opinion is gone from the topic but kept in the audit trail
    _upload(office, chen, tid, tmp_path, b"PK second draft", name="调研报告（修改稿）.docx", today=D(2026, 6, 3))
    t = topics.get_topic(office.db, tid)
    assert (t.review_state, t.review_label, t.review_submitted_on) == ("submitted", "待审阅", D(2026, 6, 3))
    assert (t.reviewer, t.review_opinion, t.reviewed_on) == ("", "", None)
    assert t.report is not None and t.report.name == "调研报告（修改稿）.docx" and t.report.sha256 != before[6]
    with office.db.session() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "reset_topic_review",
                                                   AuditEntry.target_id == tid)).scalar_one()
        assert entry.actor_login == "chenjing"
        details = json.loads(entry.details)
    assert (details["from"], details["to"], details["opinion"], details["reviewer"]) == (
        "reviewed", "submitted", "同意，可结题", "黄涛")
    assert details["report"] == "调研报告（修改稿）.docx" and str(details["reviewed_on"]) == "2026-05-28"
    # 结题 waits for the new review; whoever uploaded the new file counts as its submitter
    with pytest.raises(StateError, match="当前：待审阅"):
        topics.move_topic(office.db, wu, tid, "结题")
    assert topic_review.submitter(office.db, tid) == "chenjing"
    with pytest.raises(PermissionDeniedError, match="报审人不能审阅自己报送的报告"):
        topic_review.review(office.db, chen, tid, "同意")
    topic_review.review(office.db, huang, tid, "修改稿同意", today=D(2026, 6, 5))
    assert topics.move_topic(office.db, wu, tid, "结题").status == "结题"


def test_replacing_while_pending_or_returned_keeps_the_state(office: AppContext, tmp_path: Path) -> None:
    wu, chen, huang = _as(office, "wufang"), _as(office, "chenjing"), _as(office, "huangtao")
    tid = _new_topic(office, wu, "村级集体经济发展")
    _upload(office, wu, tid, tmp_path, b"PK one")
    topic_review.submit(office.db, chen, tid, today=D(2026, 5, 20))
    _upload(office, wu, tid, tmp_path, b"PK two")  # the 分管领导 will read the newer file: still 待审阅
    t = topics.get_topic(office.db, tid)
    assert (t.review_state, t.review_submitted_on) == ("submitted", D(2026, 5, 20))
    topic_review.review(office.db, huang, tid, "请补充典型案例", approved=False, today=D(2026, 5, 26))
    _upload(office, wu, tid, tmp_path, b"PK three")  # revised after 退回修改: the clerk reports it again
    t = topics.get_topic(office.db, tid)
    assert (t.review_state, t.review_opinion) == ("returned", "请补充典型案例")
    with office.db.session() as s:
        assert s.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "reset_topic_review")).scalar_one() == 0


def test_a_closed_topics_report_is_not_replaced(office: AppContext, tmp_path: Path) -> None:
    tid, wu, _chen, _huang = _reviewed(office, tmp_path)
    topics.move_topic(office.db, wu, tid, "结题")
    before = _state(office, tid)
    assert topic_review.replace_refusal("结题", True) == "课题已结题，调研报告不能再更换"
    with pytest.raises(StateError, match="课题已结题，调研报告不能再更换") as caught:
        _upload(office, wu, tid, tmp_path, b"PK after closing")
    assert "退回到“成稿”" in caught.value.action
    assert _state(office, tid) == before  # nothing written: no link, no audit entry, review unchanged
    topics.move_topic(office.db, wu, tid, "成稿")  # back one stage: now it may be replaced, and reviewed again
    _upload(office, wu, tid, tmp_path, b"PK after closing")
    assert topics.get_topic(office.db, tid).review_state == "submitted"


def _topics_for_lists(office: AppContext, tmp_path: Path) -> dict[str, str]:
    """Four topics, one in each review state."""
    tid, wu, chen, huang = _reviewed(office, tmp_path)
    pending = _new_topic(office, wu, "乡村治理积分制", due=D(2026, 6, 30))
    _upload(office, wu, pending, tmp_path, b"PK pending")
    topic_review.submit(office.db, chen, pending, today=D(2026, 6, 10))
    returned = _new_topic(office, wu, "产业帮扶资金绩效", due=D(2026, 7, 15))
    _upload(office, wu, returned, tmp_path, b"PK returned")
    topic_review.submit(office.db, chen, returned, today=D(2026, 6, 1))
    topic_review.review(office.db, huang, returned, "请补充数据来源", approved=False, today=D(2026, 6, 4))
    fresh = _new_topic(office, wu, "易地搬迁后续扶持", due=D(2026, 8, 31))
    return {"reviewed": tid, "pending": pending, "returned": returned, "fresh": fresh}


def test_topics_excel_shows_due_date_and_review(office: AppContext, tmp_path: Path) -> None:
    _topics_for_lists(office, tmp_path)
    out = tmp_path / "课题.xlsx"
    export_kind(office.db, out, "topics", year=2026)
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[3]]
    for title in ("报告时限", "报审", "报审日期", "审阅人", "审阅日期", "审阅意见"):
        assert title in header, title
    col = {title: header.index(title) for title in header}
    rows = {r[col["课题名称"]]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[col["课题名称"]]}

    def cells(title: str, *names: str) -> tuple[object, ...]:
        return tuple(rows[title][col[n]] for n in names)

    names = ("报告时限", "报审", "报审日期", "审阅人", "审阅日期", "审阅意见")
    assert cells("防返贫监测机制运行情况", *names) == (dt.datetime(2026, 5, 31), "已审阅", dt.datetime(2026, 5, 20),
                                               "黄涛", dt.datetime(2026, 5, 28), "同意，可结题")
    assert cells("乡村治理积分制", *names) == (dt.datetime(2026, 6, 30), "待审阅", dt.datetime(2026, 6, 10),
                                        None, None, None)
    assert cells("产业帮扶资金绩效", *names) == (dt.datetime(2026, 7, 15), "退回修改", dt.datetime(2026, 6, 1),
                                         "黄涛", dt.datetime(2026, 6, 4), "请补充数据来源")
    assert cells("易地搬迁后续扶持", *names)[:3] == (dt.datetime(2026, 8, 31), "未报审", None)


def test_topics_pdf_shows_due_date_and_review(office: AppContext, tmp_path: Path) -> None:
    _topics_for_lists(office, tmp_path)
    report = fetch_topics_report(office.db, SimpleNamespace(year=2026, today=D(2026, 6, 12), office=""))
    titles = [c.title for c in report.columns]
    due, review, name = titles.index("报告时限"), titles.index("报审·审阅意见"), titles.index("课题名称")
    cells = {r[name]: (r[due], r[review]) for r in report.rows}
    assert cells["防返贫监测机制运行情况"] == ("2026-05-31", "已审阅（黄涛　2026-05-28）\n意见：同意，可结题")
    assert cells["乡村治理积分制"] == ("2026-06-30", "待审阅\n2026-06-10报审")
    assert cells["产业帮扶资金绩效"] == ("2026-07-15", "退回修改（黄涛　2026-06-04）\n意见：请补充数据来源")
    assert cells["易地搬迁后续扶持"] == ("2026-08-31", "未报审")
    assert all(len(r) == len(report.columns) for r in report.rows)
    if shutil.which("pdftotext") is None:
        return  # the cells above are what is printed; reading the PDF back needs poppler-utils
    from desktop_app.reports import fonts
    from desktop_app.reports.table_report import render_table_report

    out = tmp_path / "topics.pdf"
    render_table_report(report, out, fonts.build_fontset())
    text = "".join(subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    for word in ("报审·审阅意见", "意见：同意，可结题", "2026-06-10报审", "意见：请补充数据来源", "未报审", "2026-08-31"):
        assert word in text, word


def test_a_closed_topic_without_a_file_may_receive_one(office: AppContext, tmp_path: Path) -> None:
    """Topics closed before a file was required (the demo's) get their report; the review they closed on stands."""
    from sqlalchemy import update

    tid, wu, _chen, _huang = _reviewed(office, tmp_path)
    topics.move_topic(office.db, wu, tid, "结题")
    with office.db.transaction() as s:
        s.execute(update(Topic).where(Topic.id == tid).values(report_sha256=None))
        s.execute(update(AttachmentLink).where(AttachmentLink.owner_id == tid).values(deleted=True))
    _upload(office, wu, tid, tmp_path, b"PK the missing report", name="调研报告（补传）.docx")
    t = topics.get_topic(office.db, tid)
    assert (t.status, t.review_state, t.reviewer) == ("结题", "reviewed", "黄涛")
    assert t.report is not None and t.report.name == "调研报告（补传）.docx"
    with pytest.raises(StateError, match="课题已结题"):  # and from now on it is final
        _upload(office, wu, tid, tmp_path, b"PK yet another")
