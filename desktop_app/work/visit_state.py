"""调研安排的状态 — 计划 → 已完成 (with the actual dates) or 取消, and which days count.

Only the days of a completed visit at a grassroots place count toward a person's yearly quota
(领导90天、工作人员60天). A visit still planned counts nothing (it shows as planned days); a
cancelled one nothing at all. Days at a 机关 (place type 机关: “州乡村振兴局（汇报工作）”) and
out-of-area trips (place type 外地, or a method of 学习考察 / 汇报) are recorded and shown, but
separately, and are not counted. A visit with no place type counts: older records did not
always say where.
"""

from __future__ import annotations

import datetime as dt

from db.engine import Database
from db.models_work import Visit
from desktop_app.core import audit
from desktop_app.core.audit import Actor
from desktop_app.core.errors import StateError, ValidationError
from desktop_app.core.visit_codes import VISIT_STATES, VisitState
from desktop_app.org.lookups import require_office

ORGAN = "机关"
AWAY = "外地"
#: words of a method or purpose that make a trip out-of-area (学习考察、汇报工作)
AWAY_WORDS = ("学习考察", "汇报")
REASON_PLANNED = "计划中（未完成）"
REASON_ORGAN = "机关"
REASON_AWAY = "外地（学习考察、汇报）"


def default_state(end: dt.date, today: dt.date | None = None) -> str:
    """The state of a new visit given without one: already over → recorded after the fact (done)."""
    return VisitState.DONE if end < (today or dt.date.today()) else VisitState.PLANNED


def not_counted_reason(state: str, place_type: str, method: str) -> str:
    """Why a visit's days do not count toward the quota ('' when they do; 已取消 for a cancelled one)."""
    if state == VisitState.CANCELLED:
        return VISIT_STATES[VisitState.CANCELLED]
    if state != VisitState.DONE:
        return REASON_PLANNED
    if place_type == ORGAN:
        return REASON_ORGAN
    if place_type == AWAY or any(w in (method or "") for w in AWAY_WORDS):
        return REASON_AWAY
    return ""


def done_span(v: Visit) -> tuple[dt.date, dt.date]:
    """The days a done visit really took (its actual dates, else the planned ones)."""
    return v.actual_start or v.start_date, v.actual_end or v.end_date


def check_state(state: str, start: dt.date, end: dt.date, today: dt.date | None = None) -> None:
    """Refuse an unknown state, or 已完成 on days still to come."""
    if state not in VISIT_STATES:
        raise ValidationError(f"调研状态“{state}”无效", "请选择 计划、已完成 或 已取消", field="state")
    today = today or dt.date.today()
    if state == VisitState.DONE and end > today:
        raise ValidationError(f"结束日期 {end:%Y-%m-%d} 还没到，不能标为已完成",
                              "请填写实际的开始和结束日期（不晚于今天），或保持“计划”状态", field="actual_end")
    if end < start:
        raise ValidationError(f"实际结束日期 {end:%Y-%m-%d} 早于开始日期 {start:%Y-%m-%d}",
                              "请把结束日期改为开始日期当天或之后", field="actual_end")


def set_state(db: Database, actor: Actor, visit_id: str, state: str, actual_start: dt.date | None = None,
              actual_end: dt.date | None = None, today: dt.date | None = None) -> None:
    """Mark a visit 已完成 (with the actual dates; default the planned ones), 已取消, or back to 计划.

    Refused, nothing changed: another office's visit, an unknown state, 已完成 with dates still
    to come or an end before the start, a change to the state it already has.
    """
    from desktop_app.work.visits import MAX_VISIT_DAYS, _live_visit

    office = require_office(db)
    with db.transaction() as s:
        v = _live_visit(s, office, visit_id)
        a = actual_start or v.start_date
        b = actual_end or (v.end_date if actual_start is None else a + (v.end_date - v.start_date))
        check_state(state, a, b, today)
        if state == VisitState.DONE and (b - a).days + 1 > MAX_VISIT_DAYS:
            raise ValidationError(f"一次调研超过{MAX_VISIT_DAYS}天，日期可能填错了", "请核对实际的开始和结束日期",
                                  field="actual_end")
        if v.state == state and (state != VisitState.DONE or (v.actual_start, v.actual_end) == (a, b)):
            raise StateError(f"该调研已是“{VISIT_STATES[state]}”", "无需重复操作")
        before = v.state
        v.state = state
        v.actual_start, v.actual_end = (a, b) if state == VisitState.DONE else (None, None)
        audit.record(s, actor, "set_visit_state", "visit", v.id,
                     {"place": v.place, "from": before, "state": state, "start": v.actual_start, "end": v.actual_end})
