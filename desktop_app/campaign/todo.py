"""待办 — one list of everything due or overdue across the app for this office, each entry with the place
to act (a page key and a row id).

Sources: ledger items overdue or due within 3 working days (the ledger's own colour rule), topic
reports due or overdue, weekly plans and monthly lists not filed for the current period, a month
without its 组工讲堂, a quarter without its quiz exam, the half-year award round in June and
December, and paired households (结对户) not visited this quarter. Red: overdue or nearly so;
yellow: coming up. Everything is read in one session; nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Issue, Section, Topic, Visit
from db.models_campaign import MONTHLY_REQUIRED_MEETING, PLAN_KIND_LABELS, ContactPoint, Meeting
from db.models_quiz import Award, Exam
from desktop_app.calendar import calendar_in_session
from desktop_app.campaign import periods, plans
from desktop_app.core.ledger_codes import ENDED_STATUSES
from desktop_app.core.visit_codes import VisitState
from desktop_app.org.lookups import require_office

#: ledger items due within this many working days are listed (yellow)
DUE_SOON_WORKDAYS = 3
#: ledger entries listed one by one; more are summed up in one entry
LEDGER_LIST_MAX = 50
#: days into a period by which its plan should be filed (a week's plan by Tuesday, a month's by the 5th)
FILE_BY_DAYS = {"week": 1, "month": 4}
#: a period's requirement turns red this many days before the period ends
RED_BEFORE_END = {"month": 7, "quarter": 15, "half": 10}

SEVERITY_LABELS = {"red": "逾期/紧急", "yellow": "临近"}
KIND_LABELS = {"ledger": "问题台账", "topic": "课题报告", "plan": "计划报送", "meeting": "组工讲堂", "exam": "季度测试",
               "award": "半年评先", "household": "结对户走访"}


@dataclass(frozen=True)
class TodoEntry:
    """One thing to do: what, by when, how urgent, and where to act (``page`` key and ``target_id``)."""

    kind: str
    title: str
    due: dt.date | None
    severity: str  # red | yellow
    page: str
    target_id: str = ""
    #: extra words the target page reads (a plan's kind and period)
    detail: str = ""

    @property
    def kind_label(self) -> str:
        """The Chinese name of the source."""
        return KIND_LABELS.get(self.kind, self.kind)


def todo_list(db: Database, today: dt.date | None = None) -> list[TodoEntry]:
    """Everything due or overdue for this office: red first, then by due date."""
    office = require_office(db)
    day = today or dt.date.today()
    with db.session() as s:
        out = [*ledger_todos(s, office, day), *topic_todos(s, office, day), *plan_todos(s, office, day),
               *meeting_todos(s, office, day), *exam_todos(s, office, day), *award_todos(s, office, day),
               *household_todos(s, office, day)]
    out.sort(key=lambda e: (e.severity != "red", e.due or dt.date.max, e.kind, e.title))
    return out


@dataclass(frozen=True)
class DayReminder:
    """每日提醒 — what a new day brings: the to-dos due that day and those already overdue."""

    day: dt.date
    due_today: tuple[TodoEntry, ...]
    overdue: tuple[TodoEntry, ...]
    total: int  # every entry of the to-do list (the coming ones too)

    @property
    def any(self) -> bool:
        """Whether anything is due today or overdue."""
        return bool(self.due_today or self.overdue)

    @property
    def text(self) -> str:
        """One line for the status bar: “12月8日：今天到期 2 项，已逾期 5 项（待办共 9 项）” (a zero count left out)."""
        head = f"{self.day.month}月{self.day.day}日："
        if not self.any:
            return head + (f"没有今天到期或已逾期的待办（待办共 {self.total} 项）" if self.total else "没有待办事项")
        parts = ([f"今天到期 {len(self.due_today)} 项"] if self.due_today else []) + (
            [f"已逾期 {len(self.overdue)} 项"] if self.overdue else [])
        return head + "，".join(parts) + f"（待办共 {self.total} 项）"


def day_reminder(entries: list[TodoEntry], today: dt.date) -> DayReminder:
    """The entries of ``todo_list`` due on ``today`` and those overdue (an entry summing up many has no date of
    its own and is counted in the total only)."""
    return DayReminder(today, tuple(e for e in entries if e.due == today),
                       tuple(e for e in entries if e.due is not None and e.due < today), len(entries))


def counts_by_page(entries: list[TodoEntry]) -> dict[str, int]:
    """How many to-dos each page holds (the numbers on the sidebar); a summed-up entry counts its items."""
    c: Counter[str] = Counter()
    for e in entries:
        c[e.page] += int(e.detail) if e.kind == "ledger" and e.detail.isdigit() else 1
    return dict(c)


def _severity(due: dt.date, today: dt.date, red_days: int = 0) -> str:
    return "red" if today > due or (due - today).days < red_days else "yellow"


def ledger_todos(s: Session, office: str, today: dt.date) -> list[TodoEntry]:
    """Open ledger items overdue or due within ``DUE_SOON_WORKDAYS`` working days (the ledger's colour rule)."""
    # here, not at the top: the ledger's api brings its writing service, which the window's start (the
    # home page imports this module) does not need; the to-do list is read off the UI thread
    from desktop_app.ledger.api import colour_of

    soon = calendar_in_session(s).add_workdays(today, DUE_SOON_WORKDAYS).value
    where = (Issue.office_code == office, Issue.deleted.is_(False), Issue.status.not_in(ENDED_STATUSES),
             Issue.deadline.is_not(None), Issue.deadline <= soon)
    total = int(s.execute(select(func.count()).select_from(Issue).where(*where)).scalar_one())
    rows = s.execute(select(Issue.id, Issue.serial, Issue.description, Issue.status, Issue.deadline).where(*where)
                     .order_by(Issue.deadline, Issue.serial).limit(LEDGER_LIST_MAX)).all()
    out = []
    for iid, serial, text, status, deadline in rows:
        colour = colour_of(status, deadline, today, soon)
        short = text if len(text) <= 30 else text[:30] + "…"
        word = "已逾期" if colour == "red" else "即将到期"
        out.append(TodoEntry("ledger", f"{serial} {short}（{word}）", deadline, "red" if colour == "red" else "yellow",
                             "ledger", iid))
    if total > len(rows):
        out.append(TodoEntry("ledger", f"另有 {total - len(rows)} 项问题逾期或即将到期", None, "red", "ledger",
                             "", str(total - len(rows))))
    return out


def topic_todos(s: Session, office: str, today: dt.date) -> list[TodoEntry]:
    """Topics not yet 结题 whose report is overdue or due within two weeks."""
    rows = s.execute(select(Topic.id, Topic.title, Topic.report_due).where(
        Topic.office_code == office, Topic.deleted.is_(False), Topic.status != "结题", Topic.report_due.is_not(None),
        Topic.report_due <= today + dt.timedelta(days=14)).order_by(Topic.report_due)).all()
    out = []
    for tid, title, due in rows:
        assert due is not None  # the query keeps topics with a due date only
        word = "调研报告已逾期" if due < today else "调研报告即将到期"
        out.append(TodoEntry("topic", f"{title}：{word}", due, _severity(due, today, 3), "topics", tid))
    return out


def plan_todos(s: Session, office: str, today: dt.date) -> list[TodoEntry]:
    """Sections that have not filed this week's plan or this month's 攻坚/亮点 lists."""
    out = []
    for kind, grain in (("week", "week"), ("month_key", "month"), ("month_highlight", "month")):
        per = periods.current(grain, today)
        due = per.start + dt.timedelta(days=FILE_BY_DAYS[grain])
        for sec in plans.not_filed(s, kind, per.text, office):
            out.append(TodoEntry("plan", f"{sec.name}未报送{per.short_label}{PLAN_KIND_LABELS[kind]}", due,
                                 "red" if today > due else "yellow", "plans", sec.id, f"{kind} {per.text}"))
    return out


def meeting_todos(s: Session, office: str, today: dt.date) -> list[TodoEntry]:
    """Sections that have not held this month's 组工讲堂 (one the whole office held counts for every section)."""
    month = periods.current("month", today)
    held = set(s.execute(select(Meeting.section_id).where(
        Meeting.office_code == office, Meeting.deleted.is_(False), Meeting.kind == MONTHLY_REQUIRED_MEETING,
        Meeting.date >= month.start, Meeting.date <= month.end)).scalars())
    if None in held:
        return []
    sev = _severity(month.end, today, RED_BEFORE_END["month"])
    secs = s.execute(select(Section.id, Section.name).where(
        Section.office_code == office, Section.deleted.is_(False), Section.active.is_(True))
        .order_by(Section.sort_order, Section.name)).all()
    return [TodoEntry("meeting", f"{name}{month.short_label}尚未举办{MONTHLY_REQUIRED_MEETING}", month.end, sev,
                      "meetings", sid) for sid, name in secs if sid not in held]


def exam_todos(s: Session, office: str, today: dt.date) -> list[TodoEntry]:
    """This quarter's closed-book quiz has not been set up yet."""
    q = periods.current("quarter", today)
    found = s.execute(select(Exam.id).where(Exam.office_code == office, Exam.deleted.is_(False),
                                            Exam.year == q.year, Exam.quarter == q.index).limit(1)).first()
    if found is not None:
        return []
    return [TodoEntry("exam", f"{q.short_label}业务知识测试尚未组织", q.end,
                      _severity(q.end, today, RED_BEFORE_END["quarter"]), "quiz")]


def award_todos(s: Session, office: str, today: dt.date) -> list[TodoEntry]:
    """June and December: the half-year's 先进科室/工作能手 have not been chosen yet."""
    if today.month not in (6, 12):
        return []
    half = periods.current("half", today)
    key = f"{half.year}H{half.index}"
    found = s.execute(select(Award.id).where(Award.office_code == office, Award.deleted.is_(False),
                                             Award.period == key).limit(1)).first()
    if found is not None:
        return []
    return [TodoEntry("award", f"{half.short_label}评先（先进科室、工作能手）尚未评定", half.end,
                      _severity(half.end, today, RED_BEFORE_END["half"]), "quiz")]


def household_todos(s: Session, office: str, today: dt.date) -> list[TodoEntry]:
    """结对户 not visited this quarter: no done visit whose place names the household (or it the place)."""
    q = periods.current("quarter", today)
    homes = s.execute(select(ContactPoint.id, ContactPoint.name).where(
        ContactPoint.office_code == office, ContactPoint.deleted.is_(False), ContactPoint.kind == "household",
        (ContactPoint.started_on.is_(None)) | (ContactPoint.started_on <= q.end),
        (ContactPoint.ended_on.is_(None)) | (ContactPoint.ended_on >= q.start))).all()
    if not homes:
        return []
    places = [p for p in s.execute(select(Visit.place).where(
        Visit.office_code == office, Visit.deleted.is_(False), Visit.state == VisitState.DONE,
        Visit.start_date <= q.end, Visit.end_date >= q.start)).scalars() if p]
    sev = _severity(q.end, today, RED_BEFORE_END["quarter"])
    return [TodoEntry("household", f"结对户“{name}”{q.short_label}尚未走访", q.end, sev, "visits", cid)
            for cid, name in homes if not any(name in p or p in name for p in places)]
