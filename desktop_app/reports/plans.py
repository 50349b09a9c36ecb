"""计划清单 printout — a period's plans per section with their items (责任人, 完成时限, 状态), and the sections that
have not filed, for each plan kind of the period's grain (A4 landscape).

``--period`` says the period and so the kinds: 2026-W20 周工作计划; 2026-05 月度攻坚项目 and 工作亮点; 2026-Q2
补短板 and 创先争优; 2026-H1 半年复盘; 2026 年度活动计划. Without it: this week's 周工作计划.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from desktop_app.campaign import periods, plans
from desktop_app.campaign.periods import Period
from desktop_app.core.errors import ValidationError
from desktop_app.reports.layout import Column
from desktop_app.reports.table_report import TableReport

PLAN_COLUMNS = [
    Column("序号", 10, "CENTER"),
    Column("科室", 26),
    Column("类型", 22, "CENTER"),
    Column("报送情况", 34),
    Column("事项", 70),
    Column("责任人", 16, "CENTER"),
    Column("完成时限", 20, "CENTER"),
    Column("状态", 16, "CENTER"),
]

_GRAINS = (("week", r"^\d{4}-W\d{1,2}$"), ("quarter", r"^\d{4}-Q\d$"), ("half", r"^\d{4}-H\d$"),
           ("month", r"^\d{4}-\d{1,2}$"), ("year", r"^\d{4}$"))


def period_of_text(text: str, today: dt.date | None = None) -> Period:
    """The period a ``--period`` names (its form gives the grain); "" is this week."""
    t = (text or "").strip().upper()
    if not t:
        return periods.current("week", today)
    for grain, pattern in _GRAINS:
        if re.match(pattern, t):
            return periods.parse(grain, t)
    raise ValidationError(f"期间“{text}”格式不对", "请写成 2026-W20（周）、2026-05（月）、2026-Q2（季度）、2026-H1（半年）"
                          "或 2026（年度）", field="--period")


def _status_text(p: plans.PlanInfo) -> str:
    if p.recorded_on:
        return f"{p.filed_on}报送，{p.recorded_on}备案"
    if p.filed_on:
        return f"{p.filed_on}报送{p.filed_to_name}"
    return "草稿（未报送）"


def plans_report(db: Any, period: Period, office: str = "", today: dt.date | None = None) -> TableReport:
    """The report of ``period`` in the scope ``office`` (``org.scope``)."""
    from desktop_app.org import scope
    from desktop_app.reports.visits import reporter, scope_title

    kinds = [k for k, grain in plans.PLAN_PERIODS.items() if grain == period.grain]
    several = office == scope.ALL
    cells: list[list[str]] = []
    missing: list[str] = []
    filed = due = 0
    for kind in kinds:
        label = plans.KIND_LABELS[kind]
        status = plans.period_status(db, kind, period.text, office=office)
        found = {p.id: p for p in plans.plans_of_period(db, kind, period.text, office=office)}
        late: list[str] = []
        for r in status:
            section = f"{r.office_name}·{r.section_name}" if several else r.section_name
            due += 1
            p = found.get(r.plan_id or "")
            if p is None or p.filed_on is None:
                late.append(section)
            else:
                filed += 1
            if p is None:
                continue
            head = [section, label, _status_text(p)]
            if not p.items:
                cells.append(["", *head, p.summary or "（无事项）", "", "", ""])
            for i in p.items:
                cells.append(["", *head, i.text, i.owner_name, i.due.isoformat() if i.due else "", i.state_label])
        missing.append(f"{label}：" + ("、".join(late) if late else "均已报送"))
    for n, row in enumerate(cells, 1):
        row[0] = str(n)
    whose = scope_title(db, office)
    note = (f"应报送 {due} 份，已报送 {filed} 份。未报送（含草稿）——" + "；".join(missing) + "。") if due else "无科室。"
    return TableReport(f"{whose}{period.label}计划清单", PLAN_COLUMNS,
                       cells or [["", "", "", "", "本期暂无计划", "", "", ""]], office=reporter(db, office),
                       date=today, note=note)


def fetch_plans_report(db: Any, job: Any) -> TableReport:
    """The plans of ``job.period`` (default this week) in ``job.office``'s scope."""
    return plans_report(db, period_of_text(getattr(job, "period", "") or "", job.today), getattr(job, "office", "")
                        or "", job.today)
