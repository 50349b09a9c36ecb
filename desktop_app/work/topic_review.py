"""课题报告时限与审阅 — “5月底前形成调研报告报分管领导审阅”.

- Each topic's report is due by a date: May 31 of the topic's year unless set (the month and day
  are a setting, ``work.topic_report_due``); a topic created without one gets it, and an older
  topic without one reads as it.
- Due-soon and overdue warnings like the ledger's (红黄绿预警, the same working-day threshold
  ``ledger.yellow_workdays``): red when the date has passed and the report has not gone to the
  分管领导, yellow within the threshold, green otherwise, grey once submitted or 结题.
- The review step: 报分管领导审阅 (``submit``: the report attached or the topic at 成稿; right
  ``record``) → 审阅意见 (``review``: 已审阅 with an opinion, or 退回修改; right ``approve``).
  The person who submitted may not review their own submission (applicant ≠ approver, as the
  ledger's 销号). 结题 waits for 已审阅 (``topics.move_topic`` asks ``closing_refusal``).
- A new report file after 已审阅 is not what the 分管领导 read: uploading a different file resets the
  review to 待审阅 (``report_replaced``, in the upload's transaction, audited as ``reset_topic_review``
  with the old opinion; the uploader counts as the submitter, so they cannot review it themselves).
  While 待审阅 the new file simply replaces the one awaiting review; after 退回修改 the clerk reports it
  again with 报审. Once 结题 the report is final: replacing it is refused (``replace_refusal``) —
  move the topic back to 成稿 first. A 结题 topic that has no file at all (closed before one was
  required, as the demo's) may receive one; its review stands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import AuditEntry, Topic
from db.models_work import TOPIC_REVIEW_STATES
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import PermissionDeniedError, StateError, ValidationError
from desktop_app.org import settings
from desktop_app.org.lookups import require_office
from desktop_app.work.common import live_topic
from desktop_app.work.types import TopicInfo

SETTING_DUE = "work.topic_report_due"
DEFAULT_DUE = (5, 31)
#: the colours of a topic's report deadline, as the ledger names them
DUE_LABELS = {"red": "逾期", "yellow": "临期", "green": "正常", "grey": "已报审"}
OPINION_MAX = 2000

#: the audit actions that put a report before the 分管领导 (their actor is the submitter)
SUBMITTING_ACTIONS = ("submit_topic_review", "reset_topic_review")

__all__ = ["DUE_LABELS", "TOPIC_REVIEW_STATES", "DueCounts", "closing_refusal", "default_due", "due_colour",
           "due_colours", "due_counts", "due_day", "replace_refusal", "replace_resets_review", "report_replaced",
           "review", "review_refusal", "set_due_day", "submit", "submit_refusal"]


# ---------------------------------------------------------------- the due date

def due_day(db: Database) -> tuple[int, int]:
    """(month, day) of the default report due date: (5, 31) unless changed in settings."""
    with db.session() as s:
        return due_day_in(s)


def due_day_in(s: Session) -> tuple[int, int]:
    """(month, day) of the default report due date, read inside an open session."""
    raw = settings.read(s, SETTING_DUE, None)
    try:
        month, day = int(raw[0]), int(raw[1])  # type: ignore[index]
        dt.date(2024, month, day)  # a leap year: 02-29 is a day some years have
    except (TypeError, ValueError, IndexError, KeyError):
        return DEFAULT_DUE
    return month, day


def default_due(year: int, month_day: tuple[int, int] = DEFAULT_DUE) -> dt.date:
    """The default due date of a topic of ``year`` (Feb 29 falls back to Feb 28 in other years)."""
    month, day = month_day
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, month, 28)


def default_due_in(s: Session, year: int) -> dt.date:
    """The default due date of a topic of ``year``, read inside an open session."""
    return default_due(year, due_day_in(s))


def set_due_day(db: Database, actor: Actor, month: int, day: int) -> tuple[int, int]:
    """Change the default month and day the report is due (applies to topics without a date of their own)."""
    try:
        dt.date(2024, int(month), int(day))
    except (TypeError, ValueError):
        raise ValidationError(f"报告时限“{month}月{day}日”不是有效日期", "请填写有效的月和日，例如 5月31日",
                              field="report_due") from None
    with db.transaction() as s:
        settings.write(s, SETTING_DUE, [int(month), int(day)])
        audit.record(s, actor, "set_topic_report_due", "setting", SETTING_DUE, {"month": month, "day": day})
    return int(month), int(day)


def due_colour(t: TopicInfo, today: dt.date, yellow_until: dt.date) -> str:
    """red|yellow|green|grey for one topic's report (see the module docstring)."""
    if t.status == "结题" or t.review_state in ("submitted", "reviewed"):
        return "grey"
    if t.report_due is None:
        return "green"
    if t.report_due < today:
        return "red"
    if t.report_due <= yellow_until:
        return "yellow"
    return "green"


@dataclass(frozen=True)
class DueCounts:
    """How many topics' reports are overdue (red) and due soon (yellow), with their titles."""

    red: list[str]
    yellow: list[str]

    def lines(self) -> list[str]:
        """The warnings in a clerk's words (empty when nothing is late or close)."""
        out = []
        if self.red:
            out.append(f"{len(self.red)}个课题逾期未报送调研报告：" + "、".join(self.red))
        if self.yellow:
            out.append(f"{len(self.yellow)}个课题调研报告临近报送时限：" + "、".join(self.yellow))
        return out


def due_colours(db: Database, items: list[TopicInfo], today: dt.date | None = None) -> dict[str, str]:
    """Each topic's report colour by id (the ledger's yellow threshold, in working days, ``ledger.yellow_workdays``)."""
    from desktop_app.ledger.api import warning_clock

    clock = warning_clock(db, today)
    return {t.id: due_colour(t, clock.today, clock.yellow_until) for t in items}


def due_counts(db: Database, items: list[TopicInfo], today: dt.date | None = None) -> DueCounts:
    """The red and yellow topics among ``items``."""
    colours = due_colours(db, items, today)
    return DueCounts([t.title for t in items if colours[t.id] == "red"],
                     [t.title for t in items if colours[t.id] == "yellow"])


# ---------------------------------------------------------------- the review step

def submit_refusal(t: TopicInfo, rights: frozenset[str] | None) -> str | None:
    """Why 报分管领导审阅 cannot be taken on ``t`` now (None: it can). ``rights`` None: no accounts here."""
    if rights is not None and "record" not in rights:
        return "需要“录入”权限才能报审；请由录入员办理，或切换用户"
    if t.review_state == "submitted":
        return "调研报告已报分管领导审阅，等待审阅意见"
    if t.review_state == "reviewed":
        return "调研报告已审阅，无需再次报审"
    if t.report is None and t.status != "成稿":
        return "报审前须上传调研报告或将课题推进到“成稿”阶段"
    return None


def review_refusal(t: TopicInfo, actor: Actor, submitted_by: str = "") -> str | None:
    """Why ``actor`` cannot record the 审阅意见 of ``t`` now (None: they can).

    ``submitted_by`` is the login that submitted it (``submitter``), compared when the actor signed in.
    """
    if actor.rights is not None and "approve" not in actor.rights:
        return "需要“审核”权限（分管领导）才能审阅；请由审核人办理，或切换用户"
    if t.review_state != "submitted":
        return "课题尚未报分管领导审阅" if t.review_state != "reviewed" else "调研报告已审阅"
    if actor.account and submitted_by and submitted_by == actor.login:
        return f"该课题由您（{actor.label}）报审，报审人不能审阅自己报送的报告；请由其他分管领导审阅"
    return None


def closing_refusal(t: Topic) -> str | None:
    """Why ``t`` may not move to 结题 for want of the review (None: it may)."""
    if t.review_state == "reviewed":
        return None
    return f"结题前须经分管领导审阅调研报告（当前：{TOPIC_REVIEW_STATES.get(t.review_state, t.review_state)}）"


def _submitter(s: Session, topic_id: str) -> str:
    """The login that recorded the latest submission of ``topic_id`` ('' when not a signed-in account)."""
    return s.execute(select(AuditEntry.actor_login).where(
        AuditEntry.action.in_(SUBMITTING_ACTIONS), AuditEntry.target_table == "topic",
        AuditEntry.target_id == topic_id).order_by(AuditEntry.id.desc()).limit(1)).scalar() or ""


def submitter(db: Database, topic_id: str) -> str:
    """The login that submitted the topic's report for review last ('' when none or not a signed-in account)."""
    with db.session() as s:
        return _submitter(s, topic_id)


def submit(db: Database, actor: Actor, topic_id: str, today: dt.date | None = None) -> TopicInfo:
    """报分管领导审阅: the report (attached, or the topic at 成稿) goes to the 分管领导 for review."""
    from desktop_app.work.topics import get_topic

    office = require_office(db)
    info = get_topic(db, topic_id)
    with db.transaction() as s:
        t = live_topic(s, office, topic_id)
        why = submit_refusal(info, None)  # rights are checked by audit.record below, with its own words
        if why is not None:
            raise StateError(why, "请先上传调研报告，或等待分管领导审阅" if t.review_state != "reviewed" else "无需操作")
        before = t.review_state
        t.review_state = "submitted"
        t.review_submitted_on = today or dt.date.today()
        t.reviewer, t.review_opinion, t.reviewed_on = "", "", None
        audit.record(s, actor, "submit_topic_review", "topic", t.id,
                     {"title": t.title, "from": before, "on": t.review_submitted_on})
    return get_topic(db, topic_id)


def review(db: Database, actor: Actor, topic_id: str, opinion: str, approved: bool = True,
           today: dt.date | None = None) -> TopicInfo:
    """审阅意见: the 分管领导's opinion — 已审阅 (``approved``) or 退回修改; the opinion is required either way."""
    from desktop_app.work.topics import get_topic

    text = (opinion or "").strip()
    if not text:
        raise ValidationError("审阅意见不能为空", "请填写分管领导的审阅意见（退回修改时写明修改要求）", field="opinion")
    if len(text) > OPINION_MAX:
        raise ValidationError(f"审阅意见过长（超过{OPINION_MAX}字）", "请精简审阅意见", field="opinion")
    office = require_office(db)
    info = get_topic(db, topic_id)
    with db.transaction() as s:
        t = live_topic(s, office, topic_id)
        audit.check_right(s, actor, "review_topic")  # 没有“审核”权限 names the right first
        # 本机仅一人使用, chosen at set-up: there is no second person to review
        by = "" if settings.read(s, "accounts.single_user") else _submitter(s, t.id)
        why = review_refusal(info, actor, by)
        if why is not None:
            if "报审人不能审阅" in why:
                raise PermissionDeniedError(why, "请由其他具有“审核”权限的人员（分管领导）审阅")
            raise StateError(why, "请先办理“报审”" if t.review_state != "reviewed" else "无需重复审阅")
        t.review_state = "reviewed" if approved else "returned"
        t.reviewer = actor.label[:40]
        t.review_opinion = text
        t.reviewed_on = today or dt.date.today()
        audit.record(s, actor, "review_topic", "topic", t.id,
                     {"title": t.title, "state": t.review_state, "opinion": text, "on": t.reviewed_on})
    return get_topic(db, topic_id)


# ---------------------------------------------------------------- a new report file

def replace_refusal(status: str, has_report: bool) -> str | None:
    """Why the report of a topic at ``status`` may not be replaced now (None: it may)."""
    if status == "结题" and has_report:
        return "课题已结题，调研报告不能再更换"
    return None


def replace_resets_review(review_state: str) -> bool:
    """True when uploading another report file sends an already reviewed report back to 待审阅."""
    return review_state == "reviewed"


def report_replaced(s: Session, actor: Actor, t: Topic, name: str, new_sha256: str,
                    today: dt.date | None = None) -> bool:
    """Inside the upload's transaction: refuse a closed topic's report; reset 已审阅 to 待审阅 when the file differs.

    Returns True when the review was reset (audited as ``reset_topic_review`` with the opinion it replaces).
    """
    if (why := replace_refusal(t.status, bool(t.report_sha256))) is not None:
        raise StateError(why, "如确需更换，请先将课题退回到“成稿”阶段，更换后重新报分管领导审阅")
    if new_sha256 == t.report_sha256 or not replace_resets_review(t.review_state) or t.status == "结题":
        return False  # 结题 without a file (closed before one was required): its first file keeps the review
    old = {"reviewer": t.reviewer, "opinion": t.review_opinion, "reviewed_on": t.reviewed_on}
    t.review_state = "submitted"
    t.review_submitted_on = today or dt.date.today()
    t.reviewer, t.review_opinion, t.reviewed_on = "", "", None
    audit.record(s, actor, "reset_topic_review", "topic", t.id,
                 {"title": t.title, "from": "reviewed", "to": "submitted", "report": name,
                  "on": t.review_submitted_on, **old})
    return True
